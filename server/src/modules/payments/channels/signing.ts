import { createPrivateKey, createPublicKey, randomInt, sign, verify, type KeyObject } from 'node:crypto';

/**
 * RSA keys as merchants receive them. WeChat Pay hands out PEM files; Alipay's key tool and open platform
 * show bare base64 (PKCS#8 for the app key, SPKI for the Alipay public key), so both forms are accepted.
 */
export function loadPrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
  const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

export function loadPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return createPublicKey(trimmed);
  const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

/** SHA256withRSA (PKCS#1 v1.5), base64: what both channels call RSA2 / SHA256-RSA2048. */
export function signSha256WithRsa(key: KeyObject, message: string): string {
  return sign('sha256', Buffer.from(message, 'utf8'), key).toString('base64');
}

/** False for a wrong signature and for one that is not even base64 or has the wrong length. */
export function verifySha256WithRsa(key: KeyObject, message: string, signatureBase64: string): boolean {
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Random upper-case letters and digits, the alphabet both channels use in their own examples. */
export function randomNonce(length = 32): string {
  let nonce = '';
  for (let index = 0; index < length; index += 1) nonce += NONCE_ALPHABET[randomInt(NONCE_ALPHABET.length)];
  return nonce;
}

// China has kept UTC+8 all year since 1991, so Shanghai time is a fixed offset and needs no time-zone database.
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

function shanghaiParts(date: Date): { day: string; time: string } {
  const iso = new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return { day: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/** "2026-03-02 10:00:00", Alipay's timestamp (and its statement's) in Beijing time. */
export function shanghaiDateTime(date: Date): string {
  const { day, time } = shanghaiParts(date);
  return `${day} ${time}`;
}

/** "2026-03-02T10:00:00+08:00", WeChat Pay's RFC 3339 form. */
export function shanghaiRfc3339(date: Date): string {
  const { day, time } = shanghaiParts(date);
  return `${day}T${time}+08:00`;
}

/** "2026-03-02": the business day a bill or statement covers. */
export function shanghaiDay(date: Date): string {
  return shanghaiParts(date).day;
}

/** Reads "2026-03-02 10:00:00" as Beijing time. */
export function parseShanghaiDateTime(text: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text);
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2]}+08:00`);
  return Number.isNaN(date.getTime()) ? null : date;
}
