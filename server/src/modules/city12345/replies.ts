/**
 * Replies (办理结果) to the city's 12345 platform. An answering step (respond, close, cancel) of a request that
 * came from the city queues a reply in the step's own transaction (the trigger of migration 0029); this
 * outbound client delivers them: a signed POST of JSON to the link's reply URL (docs/CITY-12345-API.md §5).
 * A reply is claimed with a lease, so two workers never send it at once; a 2xx answer delivers it; a timeout,
 * a network error, 408, 429 or 5xx is retried with growing pauses; another 4xx, or too many tries, fails it
 * for an administrator to look at and send again. The city de-duplicates by replyId, so a reply sent twice
 * (an answer lost on the way back) does no harm.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { DomainError, notFound } from '../../platform/errors';
import { findTenantById } from '../tenancy';
import { signedHeaders } from '../../platform/http/partner-signing';

/** Pauses after the 1st, 2nd, … failed try, in minutes (about 16 hours in all); after the last the reply fails. */
export const RETRY_PAUSES_MINUTES = [1, 5, 15, 30, 60, 120, 240, 480] as const;
export const MAX_ATTEMPTS = RETRY_PAUSES_MINUTES.length + 1;
/** How long a claimed reply is left to its sender before another worker may try it. */
const LEASE_MS = 2 * 60_000;

export type ReplyKind = 'respond' | 'close' | 'cancel';
const RESULT_STATUS: Record<ReplyKind, 'responded' | 'closed' | 'returned'> = { respond: 'responded', close: 'closed', cancel: 'returned' };

/** What the city receives, as JSON. */
export interface ReplyPayload {
  replyId: string;
  orderNo: string;
  requestNo: string;
  kind: ReplyKind;
  /** responded (答复), closed (办结) or returned (退回: the utility cancelled the request). */
  status: 'responded' | 'closed' | 'returned';
  result: string;
  handledBy: string;
  handledAt: string;
  agency: string;
}

export interface DeliveryOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  limit?: number;
}

interface ClaimedReply {
  id: string;
  kind: ReplyKind;
  content: string;
  handled_by: string;
  handled_at: Date;
  attempts: number;
  order_no: string;
  request_no: string;
  app_id: string | null;
  secret_encrypted: Uint8Array | null;
  reply_url: string | null;
}

/** Sends the replies that are due; what happened to them. */
export async function deliverReplies(context: PlatformContext, tenantId: string, options: DeliveryOptions = {}): Promise<{ sent: number; retrying: number; failed: number }> {
  const send = options.fetch ?? fetch;
  const now = context.clock.now();
  const claimed = await context.db.withTenant(tenantId, (sql) =>
    sql.query<ClaimedReply>(
      `WITH due AS (
         SELECT id FROM city_12345_replies WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED
       ), taken AS (
         UPDATE city_12345_replies r SET attempts = r.attempts + 1, next_attempt_at = $2 FROM due WHERE r.id = due.id
         RETURNING r.id, r.order_id, r.request_id, r.kind, r.content, r.handled_by, r.handled_at, r.attempts
       )
       SELECT t.id, t.kind, t.content, t.handled_by, t.handled_at, t.attempts, o.order_no, sr.request_no, l.app_id, l.secret_encrypted, l.reply_url
       FROM taken t JOIN city_12345_orders o ON o.id = t.order_id JOIN service_requests sr ON sr.id = t.request_id
       LEFT JOIN LATERAL (
         -- The order's own link while it is active, else the newest active one (the city rotated its credential).
         SELECT app_id, secret_encrypted, reply_url FROM city_12345_links
         WHERE status = 'active' ORDER BY (id = o.link_id) DESC, created_at DESC LIMIT 1
       ) l ON true`,
      [now, new Date(now.getTime() + LEASE_MS), options.limit ?? 50],
    ),
  );
  if (claimed.length === 0) return { sent: 0, retrying: 0, failed: 0 };
  const tenant = await findTenantById(context, tenantId);
  let sent = 0;
  let retrying = 0;
  let failed = 0;
  for (const reply of claimed) {
    const outcome = await deliverOne(context, reply, tenant.name, send, options.timeoutMs ?? 10_000);
    const at = context.clock.now();
    const isLast = reply.attempts >= MAX_ATTEMPTS;
    const status = outcome.ok ? 'sent' : outcome.permanent || isLast ? 'failed' : 'pending';
    const pause = RETRY_PAUSES_MINUTES[Math.min(reply.attempts, RETRY_PAUSES_MINUTES.length) - 1] ?? 1;
    await context.db.withTenant(tenantId, (sql) =>
      sql.query('UPDATE city_12345_replies SET status = $2, last_status = $3, last_error = $4, sent_at = $5, next_attempt_at = $6 WHERE id = $1', [
        reply.id,
        status,
        outcome.status,
        outcome.ok ? null : outcome.error.slice(0, 500),
        outcome.ok ? at : null,
        status === 'pending' ? new Date(at.getTime() + pause * 60_000) : at,
      ]),
    );
    if (status === 'sent') sent += 1;
    else if (status === 'failed') failed += 1;
    else retrying += 1;
  }
  return { sent, retrying, failed };
}

type Outcome = { ok: true; status: number } | { ok: false; permanent: boolean; status: number | null; error: string };

async function deliverOne(context: PlatformContext, reply: ClaimedReply, agency: string, send: typeof fetch, timeoutMs: number): Promise<Outcome> {
  if (!reply.reply_url || !reply.app_id || !reply.secret_encrypted) return { ok: false, permanent: false, status: null, error: 'no active 12345 link to send the reply through' };
  const payload: ReplyPayload = {
    replyId: reply.id,
    orderNo: reply.order_no,
    requestNo: reply.request_no,
    kind: reply.kind,
    status: RESULT_STATUS[reply.kind],
    result: reply.content,
    handledBy: reply.handled_by,
    handledAt: reply.handled_at.toISOString(),
    agency,
  };
  const body = JSON.stringify(payload);
  const url = new URL(reply.reply_url);
  const headers = signedHeaders({ appId: reply.app_id, secret: context.cipher.decrypt(reply.secret_encrypted) }, { method: 'POST', path: `${url.pathname}${url.search}`, body, now: context.clock.now() });
  try {
    const response = await send(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = (await response.text().catch(() => '')).slice(0, 300);
    if (response.ok) return { ok: true, status: response.status };
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    return { ok: false, permanent: !retryable, status: response.status, error: `HTTP ${response.status}${text ? `: ${text}` : ''}` };
  } catch (error) {
    return { ok: false, permanent: false, status: null, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

export interface CityReply {
  id: string;
  orderNo: string;
  requestNo: string;
  kind: ReplyKind;
  content: string;
  handledBy: string;
  handledAt: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

interface ReplyRow {
  id: string;
  order_no: string;
  request_no: string;
  kind: ReplyKind;
  content: string;
  handled_by: string;
  handled_at: Date;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
}

const REPLY_SELECT = `SELECT x.id, o.order_no, r.request_no, x.kind, x.content, x.handled_by, x.handled_at, x.status, x.attempts, x.next_attempt_at, x.last_status, x.last_error, x.sent_at, x.created_at
  FROM city_12345_replies x JOIN city_12345_orders o ON o.id = x.order_id JOIN service_requests r ON r.id = x.request_id`;

const toReply = (row: ReplyRow): CityReply => ({
  id: row.id,
  orderNo: row.order_no,
  requestNo: row.request_no,
  kind: row.kind,
  content: row.content,
  handledBy: row.handled_by,
  handledAt: row.handled_at.toISOString(),
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
  lastStatus: row.last_status,
  lastError: row.last_error,
  sentAt: row.sent_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

/** The replies, newest first, optionally of one delivery status. */
export async function listReplies(context: PlatformContext, tenantId: string, filter: { status?: CityReply['status'] | undefined; limit: number }): Promise<CityReply[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<ReplyRow>(`${REPLY_SELECT} WHERE ($1::text IS NULL OR x.status = $1) ORDER BY x.created_at DESC, x.id LIMIT $2`, [filter.status ?? null, filter.limit]);
    return rows.map(toReply);
  });
}

/** Sends a failed reply again from the first try (audited). */
export async function retryReply(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<CityReply> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const [current] = await sql.query<{ status: string; attempts: number; last_error: string | null }>('SELECT status, attempts, last_error FROM city_12345_replies WHERE id = $1 FOR UPDATE', [id]);
    if (!current) throw notFound({ zh: '回复', en: 'Reply' });
    if (current.status !== 'failed') throw new DomainError('conflict', 'reply_not_failed', '只有发送失败的回复可以重新发送', 'Only a reply whose delivery failed can be sent again', []);
    await sql.query("UPDATE city_12345_replies SET status = 'pending', attempts = 0, next_attempt_at = $2 WHERE id = $1", [id, now]);
    await recordAudit(sql, tenantId, actor, now, { action: 'city_12345_reply.retry', objectType: 'city_12345_reply', objectId: id, before: { status: 'failed', attempts: current.attempts, lastError: current.last_error }, after: { status: 'pending' } });
    const [row] = await sql.query<ReplyRow>(`${REPLY_SELECT} WHERE x.id = $1`, [id]);
    return toReply(row as ReplyRow);
  });
}
