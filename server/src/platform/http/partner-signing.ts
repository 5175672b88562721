/**
 * The house signature of partner APIs, in both directions (the government service app, docs/GOV-APP-API.md
 * §3; the city's 12345 platform, docs/CITY-12345-API.md §3): HMAC-SHA256 over seven lines — the version,
 * the app id, the method, the path and query as sent, a Unix timestamp, a nonce and the SHA-256 of the raw
 * body — with the secret of the partner's credential. Both documents have a worked example, checked by tests.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../crypto';

export const SIGNATURE_VERSION = 'SHUIWU-HMAC-SHA256';
export const SIGNATURE_HEADERS = { appId: 'x-shuiwu-app-id', timestamp: 'x-shuiwu-timestamp', nonce: 'x-shuiwu-nonce', signature: 'x-shuiwu-signature' } as const;
/** A call's timestamp may differ from the receiver's clock by this much. */
export const MAX_SKEW_SECONDS = 300;
/** Nonces are remembered twice the window, so no replay within the window gets through. */
export const NONCE_TTL_SECONDS = 600;

export interface SignedParts {
  appId: string;
  method: string;
  /** The path and query exactly as sent, e.g. /api/city12345/jcsw/orders. */
  path: string;
  /** Unix seconds, as a decimal string. */
  timestamp: string;
  nonce: string;
  /** The raw body (empty for GET). */
  body: string | Buffer;
}

export function canonicalString(parts: SignedParts): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return [SIGNATURE_VERSION, parts.appId, parts.method.toUpperCase(), parts.path, parts.timestamp, parts.nonce, bodyHash].join('\n');
}

/** base64(HMAC-SHA256(secret, canonical string)); the secret is used as its UTF-8 bytes. */
export function sign(secret: string, parts: SignedParts): string {
  return createHmac('sha256', secret).update(canonicalString(parts)).digest('base64');
}

export function signatureMatches(secret: string, parts: SignedParts, signature: string): boolean {
  return constantTimeEqual(Buffer.from(signature), Buffer.from(sign(secret, parts)));
}

/** The four headers of a signed call (the city's SDKs, the outbound client, the simulator and the tests). */
export function signedHeaders(credential: { appId: string; secret: string }, request: { method: string; path: string; body?: string; now?: Date; nonce?: string }): Record<string, string> {
  const timestamp = String(Math.floor((request.now ?? new Date()).getTime() / 1000));
  const nonce = request.nonce ?? randomBytes(16).toString('hex');
  const signature = sign(credential.secret, { appId: credential.appId, method: request.method, path: request.path, timestamp, nonce, body: request.body ?? '' });
  return { [SIGNATURE_HEADERS.appId]: credential.appId, [SIGNATURE_HEADERS.timestamp]: timestamp, [SIGNATURE_HEADERS.nonce]: nonce, [SIGNATURE_HEADERS.signature]: signature };
}

export interface SignatureHeaders {
  appId: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

/** The signature headers if all four are present and well formed, else null. */
export function readSignatureHeaders(headers: Record<string, string | string[] | undefined>): SignatureHeaders | null {
  const value = (name: string) => {
    const found = headers[name];
    return typeof found === 'string' ? found : null;
  };
  const appId = value(SIGNATURE_HEADERS.appId);
  const timestamp = value(SIGNATURE_HEADERS.timestamp);
  const nonce = value(SIGNATURE_HEADERS.nonce);
  const signature = value(SIGNATURE_HEADERS.signature);
  if (!appId || !/^[A-Za-z0-9_-]{8,64}$/.test(appId) || !timestamp || !/^\d{1,12}$/.test(timestamp) || !nonce || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !signature || signature.length > 128) return null;
  return { appId, timestamp, nonce, signature };
}

export const isWithinWindow = (timestamp: string, now: Date): boolean => Math.abs(now.getTime() / 1000 - Number(timestamp)) <= MAX_SKEW_SECONDS;
