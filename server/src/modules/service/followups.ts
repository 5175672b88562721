/**
 * Follow-up visits (回访) and ratings. When a request is closed a follow-up is made by rule: every complaint
 * and repair; inquiries, praise and suggestions sampled at the utility's percentage, deterministically by
 * request number (the same request is always in or out of the sample). The customer rates 1–5 in the portal
 * or through a link sent by SMS (signed, expiring, single use, no login), or the agent records the phone
 * visit. A rating of 2 or less reopens desk work (complaints, inquiries…) and escalates a repair to the
 * supervisor, both on the request's timeline.
 */
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { constantTimeEqual, sha256 } from '../../platform/crypto';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound, staleVersion } from '../../platform/errors';
import { maskPhone } from '../../platform/masking';
import { isAccountBound } from '../customers';
import { enqueueSms } from '../notifications';
import { findTenantByCode, loadTenantSettings } from '../tenancy';
import type { FollowUp, FollowUpResult, RatingInput } from './desk-schemas';
import { trackOf, type RequestKind, type RequestState } from './states';

const FOLLOW_UP = { zh: '回访', en: 'Follow-up' };
const REQUEST = { zh: '工单', en: 'Service request' };
/** Phone attempts after which a follow-up is given up as unreachable. */
export const FOLLOW_UP_ATTEMPTS = 3;
/** Ratings at or below this are poor: desk work reopens, repairs go to the supervisor. */
export const POOR_RATING = 2;

/** Whether a closed request of this kind and number gets a follow-up, and why. */
export function followUpRule(kind: RequestKind, requestNo: string, samplePercent: number): 'kind_rule' | 'sampled' | null {
  if (kind === 'complaint' || kind === 'repair') return 'kind_rule';
  const bucket = createHash('sha256').update(requestNo).digest().readUInt32BE(0) % 100;
  return bucket < samplePercent ? 'sampled' : null;
}

// ---- the rating link ----

const linkKeys = new WeakMap<Buffer, Buffer>();
function linkKey(context: PlatformContext): Buffer {
  let key = linkKeys.get(context.config.secretKey);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', context.config.secretKey, Buffer.alloc(0), 'shuiwu service rating link v1', 32));
    linkKeys.set(context.config.secretKey, key);
  }
  return key;
}

/**
 * The token of a follow-up's link: 24 digits from an HMAC of the tenant, the follow-up, the expiry and a
 * nonce. Digits, so that an outbox view that hides codes (digit runs) hides it too.
 */
export function ratingToken(context: PlatformContext, tenantId: string, followUpId: string, expiresAt: Date, nonce: string): string {
  const mac = createHmac('sha256', linkKey(context)).update(`${tenantId}:${followUpId}:${expiresAt.toISOString()}:${nonce}`).digest();
  return (BigInt(`0x${mac.subarray(0, 12).toString('hex')}`) % 10n ** 24n).toString().padStart(24, '0');
}

const originOf = (context: PlatformContext) => context.config.publicUrl ?? `http://${context.config.host}:${context.config.port}`;

interface RequestFacts {
  id: string;
  request_no: string;
  kind: RequestKind;
  state: RequestState;
  category_name: string;
  contact_phone: string | null;
  closed_at: Date | null;
  customer_id: string | null;
}

async function requestFacts(sql: Sql, id: string): Promise<RequestFacts> {
  const rows = await sql.query<RequestFacts>(
    'SELECT r.id, r.request_no, r.kind, r.state, c.name AS category_name, r.contact_phone, r.closed_at, r.customer_id FROM service_requests r JOIN service_categories c ON c.id = r.category_id WHERE r.id = $1',
    [id],
  );
  if (!rows[0]) throw notFound(REQUEST);
  return rows[0];
}

/** Issues a follow-up's link and queues the SMS that carries it (in the caller's transaction). */
async function sendRatingLink(context: PlatformContext, sql: Sql, tenantId: string, followUpId: string, request: RequestFacts, hours: number, now: Date): Promise<void> {
  if (!request.contact_phone || !/^1[3-9]\d{9}$/.test(request.contact_phone)) return;
  const [tenant] = await sql.query<{ code: string; name: string }>('SELECT code, name FROM tenants WHERE id = current_tenant_id()');
  if (!tenant) return;
  const expiresAt = new Date(now.getTime() + hours * 3600_000);
  const nonce = randomBytes(12).toString('base64url');
  const token = ratingToken(context, tenantId, followUpId, expiresAt, nonce);
  await sql.query('UPDATE service_followups SET link_token_hash = $2, link_nonce = $3, link_expires_at = $4, link_sent_at = $5 WHERE id = $1', [followUpId, sha256(token), nonce, expiresAt, now]);
  await enqueueSms(
    sql,
    tenantId,
    {
      to: request.contact_phone,
      template: 'service_rating',
      body: `【${tenant.name}】您的工单${request.request_no}（${request.category_name}）已办结，请为本次服务评分：${originOf(context)}/portal/rate/${tenant.code}/${token} （${hours}小时内有效，仅可评价一次）`,
      isSensitive: true,
    },
    now,
  );
}

/** At closure (in the closing transaction): the follow-up the rule asks for, with its SMS link. */
export async function followUpOnClose(context: PlatformContext, sql: Sql, tenantId: string, requestId: string, now: Date): Promise<void> {
  const request = await requestFacts(sql, requestId);
  const settings = (await loadTenantSettings(sql)).serviceDesk;
  const reason = followUpRule(request.kind, request.request_no, settings.followUpInquiryPercent);
  if (!reason) return;
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO service_followups (tenant_id, request_id, reason, due_at, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, request_id) WHERE state = 'pending' DO NOTHING RETURNING id`,
    [tenantId, requestId, reason, new Date(now.getTime() + settings.followUpDueHours * 3600_000), now],
  );
  const followUpId = rows[0]?.id;
  if (followUpId) await sendRatingLink(context, sql, tenantId, followUpId, request, settings.ratingLinkHours, now);
}

/** A request reopened: a follow-up still waiting is about a closure that no longer stands. */
export async function followUpOnReopen(sql: Sql, requestId: string): Promise<void> {
  await sql.query("UPDATE service_followups SET state = 'cancelled', version = version + 1 WHERE request_id = $1 AND state = 'pending'", [requestId]);
  await sql.query('UPDATE service_requests SET first_contact_resolution = false WHERE id = $1 AND first_contact_resolution', [requestId]);
}

const VIA_NAMES = { portal: '网上营业厅评价', sms_link: '短信链接评价', phone: '电话回访' } as const;

/**
 * Records a rating on a pending follow-up and acts on it: a poor one reopens desk work or escalates a repair
 * to the supervisor. Returns the outcome.
 */
async function recordRating(sql: Sql, tenantId: string, followUpId: string, input: RatingInput, via: keyof typeof VIA_NAMES, actor: Actor, now: Date): Promise<'satisfied' | 'reopened' | 'escalated'> {
  const [followUp] = await sql.query<{ request_id: string }>('SELECT request_id FROM service_followups WHERE id = $1', [followUpId]);
  if (!followUp) throw notFound(FOLLOW_UP);
  const request = await requestFacts(sql, followUp.request_id);
  const poor = input.rating <= POOR_RATING;
  const outcome = !poor ? 'satisfied' : trackOf(request.kind) === 'field' ? 'escalated' : request.state === 'closed' ? 'reopened' : 'escalated';
  await sql.query(
    `UPDATE service_followups SET state = 'done', rating = $2, comment = $3, rated_via = $4, recorded_by = $5, recorded_at = $6, outcome = $7,
       link_used_at = CASE WHEN $4 = 'sms_link' THEN $6::timestamptz ELSE link_used_at END, version = version + 1 WHERE id = $1`,
    [followUpId, input.rating, input.comment || null, via, actor.name, now, outcome],
  );
  const stars = `${input.rating} 分`;
  await sql.query(
    "INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note, detail) VALUES ($1, $2, 'rate', $3, $4, $5, $6::jsonb)",
    [tenantId, request.id, actor.name, now, `${VIA_NAMES[via]}：${stars}${input.comment ? `，${input.comment}` : ''}`, JSON.stringify({ rating: input.rating, via, followUpId })],
  );
  if (outcome === 'reopened') {
    await sql.query("UPDATE service_requests SET state = 'accepted', closed_at = NULL, first_contact_resolution = false, version = version + 1, updated_at = $2 WHERE id = $1", [request.id, now]);
    await sql.query("UPDATE service_request_deadlines SET met_at = NULL WHERE request_id = $1 AND time_limit IN ('close', 'restore', 'respond')", [request.id]);
    await sql.query(
      "INSERT INTO service_request_events (tenant_id, request_id, step, from_state, to_state, actor, at, note, detail) VALUES ($1, $2, 'reopen', 'closed', 'accepted', $3, $4, $5, $6::jsonb)",
      [tenantId, request.id, actor.name, now, `回访不满意（${stars}），工单重新打开`, JSON.stringify({ reason: 'rating', followUpId })],
    );
    await recordAudit(sql, tenantId, actor, now, { action: 'service_request.reopen', objectType: 'service_request', objectId: request.id, ...(request.customer_id ? { customerId: request.customer_id } : {}), before: { state: 'closed' }, after: { state: 'accepted', reason: 'rating' } });
  } else if (outcome === 'escalated') {
    await sql.query(
      "INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note, detail) VALUES ($1, $2, 'escalate', $3, $4, $5, $6::jsonb)",
      [tenantId, request.id, actor.name, now, `回访不满意（${stars}），已上报班组主管`, JSON.stringify({ reason: 'rating', level: 1, followUpId })],
    );
  }
  await recordAudit(sql, tenantId, actor, now, { action: 'service_followup.rate', objectType: 'service_followup', objectId: followUpId, ...(request.customer_id ? { customerId: request.customer_id } : {}), after: { rating: input.rating, via, outcome } });
  return outcome;
}

// ---- the console's work list ----

interface FollowUpRow {
  id: string;
  state: FollowUp['state'];
  reason: FollowUp['reason'];
  due_at: Date;
  attempts: number;
  rating: number | null;
  comment: string | null;
  rated_via: FollowUp['ratedVia'];
  recorded_by: string | null;
  recorded_at: Date | null;
  outcome: FollowUp['outcome'];
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  link_sent_at: Date | null;
  created_at: Date;
  version: number;
  request_id: string;
  request_no: string;
  kind: RequestKind;
  category_name: string;
  category_name_en: string;
  request_state: RequestState;
  contact_name: string | null;
  contact_phone: string | null;
  closed_at: Date | null;
}

const FOLLOW_UP_SELECT = `SELECT f.id, f.state, f.reason, f.due_at, f.attempts, f.rating, f.comment, f.rated_via, f.recorded_by, f.recorded_at, f.outcome, f.reviewed_by, f.reviewed_at,
    f.review_note, f.link_sent_at, f.created_at, f.version, r.id AS request_id, r.request_no, r.kind, c.name AS category_name, c.name_en AS category_name_en,
    r.state AS request_state, r.contact_name, r.contact_phone, r.closed_at
  FROM service_followups f JOIN service_requests r ON r.id = f.request_id JOIN service_categories c ON c.id = r.category_id`;

const toFollowUp = (row: FollowUpRow, now: Date): FollowUp => ({
  id: row.id,
  state: row.state,
  reason: row.reason,
  dueAt: row.due_at.toISOString(),
  isOverdue: row.state === 'pending' ? now > row.due_at : (row.recorded_at ?? now) > row.due_at && row.state === 'done',
  attempts: row.attempts,
  rating: row.rating,
  comment: row.comment,
  ratedVia: row.rated_via,
  recordedBy: row.recorded_by,
  recordedAt: row.recorded_at?.toISOString() ?? null,
  outcome: row.outcome,
  reviewedBy: row.reviewed_by,
  reviewedAt: row.reviewed_at?.toISOString() ?? null,
  reviewNote: row.review_note,
  linkSentAt: row.link_sent_at?.toISOString() ?? null,
  request: {
    id: row.request_id,
    requestNo: row.request_no,
    kind: row.kind,
    category: { name: row.category_name, nameEn: row.category_name_en },
    state: row.request_state,
    contactName: row.contact_name,
    contactPhoneMasked: maskPhone(row.contact_phone),
    closedAt: row.closed_at?.toISOString() ?? null,
  },
  createdAt: row.created_at.toISOString(),
  version: row.version,
});

async function followUpById(sql: Sql, id: string, now: Date): Promise<FollowUp> {
  const rows = await sql.query<FollowUpRow>(`${FOLLOW_UP_SELECT} WHERE f.id = $1`, [id]);
  if (!rows[0]) throw notFound(FOLLOW_UP);
  return toFollowUp(rows[0], now);
}

export async function listFollowUps(context: PlatformContext, tenantId: string, filter: { view: 'pending' | 'escalated' | 'done' | 'all'; limit: number }): Promise<FollowUp[]> {
  const now = context.clock.now();
  const where = {
    pending: "WHERE f.state = 'pending' ORDER BY f.due_at, f.id",
    escalated: "WHERE f.outcome = 'escalated' AND f.reviewed_at IS NULL ORDER BY f.recorded_at, f.id",
    done: "WHERE f.state IN ('done', 'unreachable') ORDER BY coalesce(f.recorded_at, f.created_at) DESC, f.id",
    all: 'ORDER BY f.created_at DESC, f.id',
  }[filter.view];
  return context.db.withTenant(tenantId, async (sql) => (await sql.query<FollowUpRow>(`${FOLLOW_UP_SELECT} ${where} LIMIT $1`, [filter.limit])).map((row) => toFollowUp(row, now)));
}

export async function followUpsOfRequest(sql: Sql, requestId: string, now: Date): Promise<FollowUp[]> {
  return (await sql.query<FollowUpRow>(`${FOLLOW_UP_SELECT} WHERE f.request_id = $1 ORDER BY f.created_at`, [requestId])).map((row) => toFollowUp(row, now));
}

async function lockPending(sql: Sql, id: string, version: number): Promise<void> {
  const rows = await sql.query<{ state: FollowUp['state']; version: number }>('SELECT state, version FROM service_followups WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw notFound(FOLLOW_UP);
  if (rows[0].version !== version) throw staleVersion();
  if (rows[0].state !== 'pending') throw new DomainError('conflict', 'followup_not_pending', '该回访已完成或已取消', 'This follow-up is finished or cancelled');
}

/** The agent's phone visit: a rating when the customer was reached, else one more attempt (three end it). */
export async function recordPhoneResult(context: PlatformContext, tenantId: string, id: string, input: FollowUpResult, actor: Actor): Promise<FollowUp> {
  if (input.reached && input.rating === undefined) throw invalidField('rating', '联系上客户时请记录评分（1–5）', 'give the rating (1–5) when the customer was reached');
  if (!input.reached && input.rating !== undefined) throw invalidField('rating', '未联系上客户时不能记录评分', 'no rating without reaching the customer');
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    await lockPending(sql, id, input.version);
    if (input.reached) {
      await recordRating(sql, tenantId, id, { rating: input.rating as number, comment: input.comment }, 'phone', actor, now);
    } else {
      const [row] = await sql.query<{ attempts: number; request_id: string }>(
        `UPDATE service_followups SET attempts = attempts + 1, state = CASE WHEN attempts + 1 >= $2 THEN 'unreachable' ELSE state END,
           recorded_by = CASE WHEN attempts + 1 >= $2 THEN $3 ELSE recorded_by END, recorded_at = CASE WHEN attempts + 1 >= $2 THEN $4::timestamptz ELSE recorded_at END,
           comment = coalesce($5, comment), version = version + 1 WHERE id = $1 RETURNING attempts, request_id`,
        [id, FOLLOW_UP_ATTEMPTS, actor.name, now, input.comment || null],
      );
      if (row && row.attempts >= FOLLOW_UP_ATTEMPTS) {
        await sql.query("INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note) VALUES ($1, $2, 'rate', $3, $4, $5)", [tenantId, row.request_id, actor.name, now, `电话回访 ${FOLLOW_UP_ATTEMPTS} 次未能联系上客户`]);
      }
      await recordAudit(sql, tenantId, actor, now, { action: 'service_followup.attempt', objectType: 'service_followup', objectId: id, after: { reached: false, attempts: row?.attempts ?? null } });
    }
    return followUpById(sql, id, now);
  });
}

/** The supervisor's handling of a poor repair rating (after a look, a call, a reopened request…). */
export async function reviewFollowUp(context: PlatformContext, tenantId: string, id: string, input: { version: number; note: string }, actor: Actor): Promise<FollowUp> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ outcome: FollowUp['outcome']; reviewed_at: Date | null; version: number; request_id: string }>('SELECT outcome, reviewed_at, version, request_id FROM service_followups WHERE id = $1 FOR UPDATE', [id]);
    const current = rows[0];
    if (!current) throw notFound(FOLLOW_UP);
    if (current.version !== input.version) throw staleVersion();
    if (current.outcome !== 'escalated' || current.reviewed_at) throw new DomainError('conflict', 'nothing_to_review', '该回访没有待主管处理的不满意评价', 'This follow-up has no escalated rating awaiting review');
    await sql.query('UPDATE service_followups SET reviewed_by = $2, reviewed_at = $3, review_note = $4, version = version + 1 WHERE id = $1', [id, actor.name, now, input.note]);
    await sql.query("INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note) VALUES ($1, $2, 'review', $3, $4, $5)", [tenantId, current.request_id, actor.name, now, `主管处理回访不满意：${input.note}`]);
    await recordAudit(sql, tenantId, actor, now, { action: 'service_followup.review', objectType: 'service_followup', objectId: id, after: { note: input.note } });
    return followUpById(sql, id, now);
  });
}

// ---- the portal ----

async function portalRequest(sql: Sql, portalUserId: string, requestId: string): Promise<RequestFacts> {
  const rows = await sql.query<{ portal_user_id: string | null; account_id: string | null }>('SELECT portal_user_id, account_id FROM service_requests WHERE id = $1', [requestId]);
  const owner = rows[0];
  const isTheirs = owner && (owner.portal_user_id === portalUserId || (owner.account_id ? await isAccountBound(sql, portalUserId, owner.account_id) : false));
  if (!isTheirs) throw notFound(REQUEST);
  return requestFacts(sql, requestId);
}

async function ratingSinceClosure(sql: Sql, request: RequestFacts): Promise<{ rating: number; comment: string | null; recorded_at: Date } | null> {
  if (!request.closed_at) return null;
  const rows = await sql.query<{ rating: number; comment: string | null; recorded_at: Date }>(
    "SELECT rating, comment, recorded_at FROM service_followups WHERE request_id = $1 AND state = 'done' AND recorded_at >= $2 ORDER BY recorded_at DESC LIMIT 1",
    [request.id, request.closed_at],
  );
  return rows[0] ?? null;
}

export async function portalRatingOf(context: PlatformContext, tenantId: string, portalUserId: string, requestId: string) {
  return context.db.withTenant(tenantId, async (sql) => {
    const request = await portalRequest(sql, portalUserId, requestId);
    const rated = await ratingSinceClosure(sql, request);
    return {
      canRate: request.state === 'closed' && !rated,
      rating: rated ? { rating: rated.rating, comment: rated.comment, ratedAt: rated.recorded_at.toISOString() } : null,
    };
  });
}

/** The customer rates their closed request in the portal (once per closure). */
export async function portalRate(context: PlatformContext, tenantId: string, portalUserId: string, requestId: string, input: RatingInput, actor: Actor) {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const request = await portalRequest(sql, portalUserId, requestId);
    await sql.query('SELECT 1 FROM service_requests WHERE id = $1 FOR UPDATE', [requestId]);
    if (request.state !== 'closed') throw new DomainError('conflict', 'not_closed', '工单办结后才能评价', 'A request can be rated once it is closed');
    if (await ratingSinceClosure(sql, request)) throw new DomainError('conflict', 'already_rated', '您已评价过这张工单', 'You have rated this request already');
    const pending = await sql.query<{ id: string }>("SELECT id FROM service_followups WHERE request_id = $1 AND state = 'pending' FOR UPDATE", [requestId]);
    let followUpId = pending[0]?.id;
    if (!followUpId) {
      const [created] = await sql.query<{ id: string }>("INSERT INTO service_followups (tenant_id, request_id, reason, due_at, created_at) VALUES ($1, $2, 'customer', $3, $3) RETURNING id", [tenantId, requestId, now]);
      followUpId = (created as { id: string }).id;
    }
    await recordRating(sql, tenantId, followUpId, input, 'portal', actor, now);
    const rated = await ratingSinceClosure(sql, await requestFacts(sql, requestId));
    return { canRate: false, rating: rated ? { rating: rated.rating, comment: rated.comment, ratedAt: rated.recorded_at.toISOString() } : { rating: input.rating, comment: input.comment ?? null, ratedAt: now.toISOString() } };
  });
}

// ---- the SMS link (no login) ----

const invalidLink = () => new DomainError('not_found', 'rating_link_invalid', '评价链接无效', 'This rating link is not valid');

interface LinkRow {
  id: string;
  state: FollowUp['state'];
  link_nonce: string | null;
  link_expires_at: Date | null;
  link_used_at: Date | null;
  request_id: string;
}

async function followUpOfToken(context: PlatformContext, sql: Sql, tenantId: string, token: string, now: Date, lock: boolean): Promise<LinkRow> {
  const rows = await sql.query<LinkRow>(`SELECT id, state, link_nonce, link_expires_at, link_used_at, request_id FROM service_followups WHERE link_token_hash = $1${lock ? ' FOR UPDATE' : ''}`, [sha256(token)]);
  const row = rows[0];
  if (!row || !row.link_nonce || !row.link_expires_at) throw invalidLink();
  // The row must still be the one the token was made for (expiry and nonce as signed).
  const expected = ratingToken(context, tenantId, row.id, row.link_expires_at, row.link_nonce);
  if (!constantTimeEqual(Buffer.from(expected), Buffer.from(token))) throw invalidLink();
  if (row.link_used_at || row.state === 'done') throw new DomainError('conflict', 'already_rated', '这个链接已经评价过了，感谢您的反馈', 'This link has been used to rate already; thank you');
  if (row.link_expires_at <= now) throw new DomainError('conflict', 'rating_link_expired', '评价链接已过期', 'This rating link has expired');
  if (row.state !== 'pending') throw new DomainError('conflict', 'rating_link_expired', '这张工单的回访已结束', 'The follow-up of this request has ended');
  return row;
}

async function tenantOfCode(context: PlatformContext, code: string): Promise<{ id: string; name: string; nameEn: string; hotline: string | null }> {
  const tenant = await findTenantByCode(context, code);
  if (!tenant) throw invalidLink();
  return tenant;
}

export async function ratingLinkInfo(context: PlatformContext, tenantCode: string, token: string) {
  const tenant = await tenantOfCode(context, tenantCode);
  const now = context.clock.now();
  return context.db.withTenant(tenant.id, async (sql) => {
    const row = await followUpOfToken(context, sql, tenant.id, token, now, false);
    const [request] = await sql.query<{ request_no: string; name: string; name_en: string; closed_at: Date | null }>(
      'SELECT r.request_no, c.name, c.name_en, r.closed_at FROM service_requests r JOIN service_categories c ON c.id = r.category_id WHERE r.id = $1',
      [row.request_id],
    );
    if (!request) throw invalidLink();
    return {
      utility: { name: tenant.name, nameEn: tenant.nameEn, hotline: tenant.hotline },
      requestNo: request.request_no,
      category: { name: request.name, nameEn: request.name_en },
      closedAt: request.closed_at?.toISOString() ?? null,
      expiresAt: (row.link_expires_at as Date).toISOString(),
    };
  });
}

/** A rating through the SMS link: single use, before it expires. */
export async function rateByLink(context: PlatformContext, tenantCode: string, token: string, input: RatingInput, ip: string | null): Promise<void> {
  const tenant = await tenantOfCode(context, tenantCode);
  const now = context.clock.now();
  await context.db.withTenant(tenant.id, async (sql) => {
    const row = await followUpOfToken(context, sql, tenant.id, token, now, true);
    const [contact] = await sql.query<{ contact_phone: string | null }>('SELECT contact_phone FROM service_requests WHERE id = $1', [row.request_id]);
    const actor: Actor = { type: 'system', id: null, name: `sms-link:${maskPhone(contact?.contact_phone ?? null) ?? ''}`, ip };
    await recordRating(sql, tenant.id, row.id, input, 'sms_link', actor, now);
  });
}
