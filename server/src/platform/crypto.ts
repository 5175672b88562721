import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Application-layer protection of sensitive personal information (PIPL): AES-256-GCM for the stored value
 * and a keyed HMAC "blind index" so an exact value can be looked up without decrypting every row. Both
 * keys are derived from the one configured secret with HKDF, so one leaked derivative reveals nothing else.
 */
export class PersonalDataCipher {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(secret: Buffer) {
    if (secret.length !== 32) throw new Error('The secret key must be 32 bytes');
    this.encryptionKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'shuiwu personal data encryption v1', 32));
    this.indexKey = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'shuiwu blind index v1', 32));
  }

  /** Layout: version byte 1, 12-byte nonce, ciphertext, 16-byte tag. */
  encrypt(plaintext: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), nonce, body, cipher.getAuthTag()]);
  }

  decrypt(stored: Uint8Array): string {
    const data = Buffer.from(stored);
    if (data[0] !== 1 || data.length < 1 + 12 + 16) throw new Error('Unknown encrypted value format');
    const nonce = data.subarray(1, 13);
    const tag = data.subarray(data.length - 16);
    const decipher = createDecipheriv('aes-256-gcm', this.encryptionKey, nonce);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data.subarray(13, data.length - 16)), decipher.final()]).toString('utf8');
  }

  /** Equal inputs give equal indexes; the value is normalised first (upper case, no spaces). */
  blindIndex(value: string): Buffer {
    return createHmac('sha256', this.indexKey).update(normaliseIdentifier(value)).digest();
  }
}

export function normaliseIdentifier(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** A random opaque token for cookies and CSRF: 32 bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** A six-digit one-time code from the operating system's secure random source. */
export function newOneTimeCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
