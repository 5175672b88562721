/**
 * Idempotency-Key for requests that create money movements (payment orders, counter payments, top-ups).
 * The first request with a key claims it (a row committed at once, status 0) and is served; its response
 * (success or a refusal) is stored and replayed, byte for byte, to every repeat. Repeats that arrive while
 * the first is still being served wait for its response. The same key with a different request is refused
 * (422). When the first request fails unexpectedly (5xx) the claim is dropped so the client may retry.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/database';
import { DomainError } from '../errors';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const WAIT_STEP_MS = 25;
const WAIT_LIMIT_MS = 30_000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const value = request.headers[IDEMPOTENCY_HEADER];
  const key = Array.isArray(value) ? value[0] : value;
  if (key === undefined || key === '') return null;
  if (key.length < 8 || key.length > 100 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new DomainError('validation', 'validation_failed', 'Idempotency-Key 无效', 'Invalid Idempotency-Key', [
      { field: 'Idempotency-Key', zh: '应为 8 至 100 个可见 ASCII 字符', en: 'must be 8 to 100 visible ASCII characters' },
    ]);
  }
  return key;
}

/** A stable hash of what the request asks for: method, route and canonical JSON body. */
export function requestHash(method: string, route: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${route}\n${canonicalJson(body)}`).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serves `work` once per (tenant, principal, key). `work` returns the status and body to send; a
 * DomainError it throws is stored as the error response it maps to (`errorResponse`).
 */
export async function withIdempotency(
  db: Database,
  tenantId: string,
  principal: string,
  key: string | null,
  hash: string,
  now: Date,
  work: () => Promise<StoredResponse>,
  errorResponse: (error: DomainError) => StoredResponse,
): Promise<StoredResponse> {
  if (key === null) return work();
  const claimed = await db.withTenant(tenantId, (sql) =>
    sql.query('INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING key', [tenantId, principal, key, hash, now]),
  );
  if (claimed.length === 0) return replay(db, tenantId, principal, key, hash);
  let response: StoredResponse;
  try {
    response = await work();
  } catch (error) {
    if (!(error instanceof DomainError)) {
      await db.withTenant(tenantId, (sql) => sql.query('DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2', [principal, key]));
      throw error;
    }
    response = errorResponse(error);
  }
  await db.withTenant(tenantId, (sql) =>
    sql.query('UPDATE idempotency_keys SET response_status = $3, response_body = $4::jsonb WHERE principal = $1 AND key = $2', [principal, key, response.status, JSON.stringify(response.body)]),
  );
  return response;
}

async function replay(db: Database, tenantId: string, principal: string, key: string, hash: string): Promise<StoredResponse> {
  for (let waited = 0; ; waited += WAIT_STEP_MS) {
    const rows = await db.withTenant(tenantId, (sql) =>
      sql.query<{ request_hash: string; response_status: number; response_body: unknown }>('SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE principal = $1 AND key = $2', [principal, key]),
    );
    const row = rows[0];
    if (row && row.request_hash !== hash) {
      throw new DomainError('unprocessable', 'idempotency_key_reused', '该 Idempotency-Key 已用于另一请求', 'This Idempotency-Key was used for a different request', [
        { field: 'Idempotency-Key', zh: '已用于内容不同的请求', en: 'was used for a request with a different body' },
      ]);
    }
    if (row && row.response_status !== 0) return { status: row.response_status, body: row.response_body };
    if (!row) {
      // The first request failed and gave the key up: this one may not simply take it over mid-flight.
      throw new DomainError('conflict', 'idempotency_retry', '上一次请求失败，请重试', 'The first request with this key failed; retry', []);
    }
    if (waited >= WAIT_LIMIT_MS) throw new DomainError('conflict', 'idempotency_in_progress', '相同请求正在处理中', 'The same request is still being processed', []);
    await sleep(WAIT_STEP_MS);
  }
}
