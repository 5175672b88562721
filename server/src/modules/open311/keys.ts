/**
 * Open311 API keys, per utility: issued and revoked by an administrator, shown once, kept only as their
 * SHA-256 (a 256-bit random key needs no slow hash). POST requests needs an active key of the jurisdiction;
 * each key has its own rate (requests per minute), counted here per process.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { sha256 } from '../../platform/crypto';
import { DomainError, notFound } from '../../platform/errors';

export const KEY_PREFIX = 'o311_';
export const DEFAULT_RATE_PER_MINUTE = 60;

export interface Open311ApiKey {
  id: string;
  label: string;
  keyPrefix: string;
  ratePerMinute: number;
  status: 'active' | 'revoked';
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface KeyRow {
  id: string;
  label: string;
  key_prefix: string;
  rate_limit_per_minute: number;
  status: 'active' | 'revoked';
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, label, key_prefix, rate_limit_per_minute, status, created_by, created_at, revoked_at, last_used_at';
const toKey = (row: KeyRow): Open311ApiKey => ({
  id: row.id,
  label: row.label,
  keyPrefix: row.key_prefix,
  ratePerMinute: row.rate_limit_per_minute,
  status: row.status,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
});

/** Issues a key: o311_ and 43 base64url characters (256 bits). The key is in this answer only. */
export async function issueApiKey(context: PlatformContext, tenantId: string, input: { label: string; ratePerMinute?: number | undefined }, actor: Actor): Promise<{ key: Open311ApiKey; apiKey: string }> {
  const apiKey = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const [row] = await sql.query<KeyRow>(
      `INSERT INTO open311_api_keys (tenant_id, label, key_prefix, key_hash, rate_limit_per_minute, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [tenantId, input.label, apiKey.slice(0, 10), sha256(apiKey), input.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE, actor.name, now],
    );
    const key = toKey(row as KeyRow);
    await recordAudit(sql, tenantId, actor, now, { action: 'open311_api_key.issue', objectType: 'open311_api_key', objectId: key.id, after: { label: key.label, keyPrefix: key.keyPrefix, ratePerMinute: key.ratePerMinute } });
    return { key, apiKey };
  });
}

export async function listApiKeys(context: PlatformContext, tenantId: string): Promise<Open311ApiKey[]> {
  return context.db.withTenant(tenantId, async (sql) => (await sql.query<KeyRow>(`SELECT ${COLUMNS} FROM open311_api_keys ORDER BY created_at DESC, id`)).map(toKey));
}

export async function revokeApiKey(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<Open311ApiKey> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const [current] = await sql.query<KeyRow>(`SELECT ${COLUMNS} FROM open311_api_keys WHERE id = $1 FOR UPDATE`, [id]);
    if (!current) throw notFound({ zh: 'Open311 密钥', en: 'Open311 API key' });
    if (current.status === 'revoked') throw new DomainError('conflict', 'api_key_revoked', '该密钥已停用', 'The API key is already revoked', []);
    const [row] = await sql.query<KeyRow>(`UPDATE open311_api_keys SET status = 'revoked', revoked_at = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, now]);
    await recordAudit(sql, tenantId, actor, now, { action: 'open311_api_key.revoke', objectType: 'open311_api_key', objectId: id, before: { status: 'active' }, after: { status: 'revoked', label: current.label } });
    return toKey(row as KeyRow);
  });
}

export interface KeyHolder {
  id: string;
  label: string;
  ratePerMinute: number;
}

/** The active key of this utility with this value, or null; a found key's last use is recorded. */
export async function findActiveKey(context: PlatformContext, tenantId: string, apiKey: string): Promise<KeyHolder | null> {
  if (!apiKey.startsWith(KEY_PREFIX) || apiKey.length > 100) return null;
  return context.db.withTenant(tenantId, async (sql) => {
    const [row] = await sql.query<{ id: string; label: string; rate_limit_per_minute: number }>(
      "UPDATE open311_api_keys SET last_used_at = $2 WHERE key_hash = $1 AND status = 'active' RETURNING id, label, rate_limit_per_minute",
      [sha256(apiKey), context.clock.now()],
    );
    return row ? { id: row.id, label: row.label, ratePerMinute: row.rate_limit_per_minute } : null;
  });
}

/**
 * A fixed one-minute window per key, in this process: the n-th request of a minute beyond the key's rate is
 * refused. With several processes each counts its own share (as the platform's per-address limits do).
 */
export class KeyRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** Counts one request; the seconds to wait when it is over the rate, else null. */
  take(key: KeyHolder, now: Date): number | null {
    const minute = Math.floor(now.getTime() / 60_000) * 60_000;
    const window = this.windows.get(key.id);
    if (!window || window.start !== minute) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key.id, { start: minute, count: 1 });
      return null;
    }
    if (window.count >= key.ratePerMinute) return Math.max(1, Math.ceil((minute + 60_000 - now.getTime()) / 1000));
    window.count += 1;
    return null;
  }
}
