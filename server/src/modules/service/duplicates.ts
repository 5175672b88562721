/**
 * Duplicate warnings (重复工单提示): before a request is saved, one of the same category at the same premise
 * or the same address, made within 24 hours and still open or closed within those 24 hours, is shown. The
 * agent may attach the caller to it instead (an extra contact, recorded on its timeline) or confirm that the
 * new one is not a duplicate. The portal gets the same check with a gentler message, and shows a customer
 * only their own requests' numbers.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound } from '../../platform/errors';
import { maskPhone } from '../../platform/masking';
import { isAccountBound } from '../customers';
import { linkCallToRequest } from './calls';
import type { Contact, Duplicate, DuplicateQuery } from './desk-schemas';
import type { RequestKind, RequestState } from './states';

export const DUPLICATE_WINDOW_MS = 24 * 3600_000;
const REQUEST = { zh: '工单', en: 'Service request' };

const CHANNEL_NAMES: Record<string, string> = { hotline: '热线电话', counter: '营业窗口', wechat: '微信', city_12345: '12345 市民热线', portal: '网上营业厅', open311: 'Open311' };

/** An address as compared: width-folded, lower case, without spaces and punctuation. */
export function normaliseAddress(address: string): string {
  return address.normalize('NFKC').toLowerCase().replace(/[\s\-_,.;:#()/\\、，。；：（）【】·]/g, '');
}
// The same folding in SQL (the NFKC part is the application's: addresses are stored as typed).
const SQL_ADDRESS = "regexp_replace(lower(r.address), '[[:space:]_,.;:#()/\\\\、，。；：（）【】·-]', '', 'g')";

interface Where {
  categoryId: string;
  premiseId: string | null;
  address: string | null;
}

/** Where a new request would be: the account's premise and address, or the premise's, or the address given. */
async function placeOf(sql: Sql, query: { categoryId: string; accountId?: string | undefined; premiseId?: string | undefined; address?: string | undefined }): Promise<Where> {
  let premiseId = query.premiseId ?? null;
  let address = query.address ?? null;
  if (query.accountId) {
    const rows = await sql.query<{ premise_id: string; full_address: string }>('SELECT a.premise_id, p.full_address FROM accounts a JOIN premises p ON p.id = a.premise_id WHERE a.id = $1', [query.accountId]);
    if (!rows[0]) throw invalidField('accountId', '账户不存在', 'no such account');
    premiseId = rows[0].premise_id;
    address ??= rows[0].full_address;
  } else if (premiseId) {
    const rows = await sql.query<{ full_address: string }>('SELECT full_address FROM premises WHERE id = $1', [premiseId]);
    if (!rows[0]) throw invalidField('premiseId', '用水地址不存在', 'no such premise');
    address ??= rows[0].full_address;
  }
  return { categoryId: query.categoryId, premiseId, address };
}

interface DuplicateRow {
  id: string;
  request_no: string;
  category_id: string;
  category_name: string;
  category_name_en: string;
  kind: RequestKind;
  state: RequestState;
  address: string | null;
  premise_id: string | null;
  account_id: string | null;
  portal_user_id: string | null;
  created_at: Date;
  closed_at: Date | null;
  contacts: number;
}

/** Likely duplicates of a request at `where`, newest first; `exceptId` is the request itself, when saved. */
async function findDuplicates(sql: Sql, where: Where, now: Date, exceptId: string | null): Promise<(DuplicateRow & { match: 'premise' | 'address' })[]> {
  if (!where.premiseId && !where.address) return [];
  const since = new Date(now.getTime() - DUPLICATE_WINDOW_MS);
  const address = where.address ? normaliseAddress(where.address) : null;
  const rows = await sql.query<DuplicateRow>(
    `SELECT r.id, r.request_no, r.category_id, c.name AS category_name, c.name_en AS category_name_en, r.kind, r.state, r.address, r.premise_id, r.account_id, r.portal_user_id,
            r.created_at, r.closed_at,
            (SELECT count(*) FROM service_request_events e WHERE e.request_id = r.id AND e.step = 'contact')::int AS contacts
     FROM service_requests r JOIN service_categories c ON c.id = r.category_id
     WHERE r.category_id = $1 AND r.created_at >= $2 AND r.state <> 'cancelled' AND (r.state <> 'closed' OR r.closed_at >= $2)
       AND ($5::uuid IS NULL OR r.id <> $5)
       AND (($3::uuid IS NOT NULL AND r.premise_id = $3) OR ($4::text IS NOT NULL AND ${SQL_ADDRESS} = $4))
     ORDER BY r.created_at DESC LIMIT 10`,
    [where.categoryId, since, where.premiseId, address, exceptId],
  );
  return rows.map((row) => ({ ...row, match: where.premiseId && row.premise_id === where.premiseId ? 'premise' : 'address' }));
}

const toDuplicate = (row: DuplicateRow & { match: 'premise' | 'address' }): Duplicate => ({
  id: row.id,
  requestNo: row.request_no,
  category: { id: row.category_id, name: row.category_name, nameEn: row.category_name_en },
  kind: row.kind,
  state: row.state,
  address: row.address,
  createdAt: row.created_at.toISOString(),
  closedAt: row.closed_at?.toISOString() ?? null,
  match: row.match,
  contacts: row.contacts,
});

/** What the intake page asks as the agent fills the form. */
export async function duplicatesFor(context: PlatformContext, tenantId: string, query: DuplicateQuery): Promise<Duplicate[]> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => (await findDuplicates(sql, await placeOf(sql, query), now, null)).map(toDuplicate));
}

/**
 * The check made when a request is saved (in its transaction, after the insert): a likely duplicate refuses
 * the request, unless the caller confirmed it is not one. Staff see the numbers; the portal a gentler word.
 */
export async function refuseLikelyDuplicate(sql: Sql, request: { id: string; categoryId: string; premiseId: string | null; address: string | null }, audience: 'staff' | 'portal', now: Date): Promise<void> {
  const found = await findDuplicates(sql, { categoryId: request.categoryId, premiseId: request.premiseId, address: request.address }, now, request.id);
  if (found.length === 0) return;
  const numbers = found.map((row) => row.request_no).join('、');
  if (audience === 'staff') {
    throw new DomainError('conflict', 'possible_duplicate', `24 小时内同一地址已有同类工单：${numbers}。可将来电人追加到该工单，或确认不是重复后再提交`, `A request of the same category at the same place was made within 24 hours: ${numbers}. Attach the caller to it, or confirm this is not a duplicate`, [
      { field: 'confirmNotDuplicate', zh: `可能与 ${numbers} 重复`, en: `may duplicate ${numbers}` },
    ]);
  }
  throw new DomainError('conflict', 'possible_duplicate', '同一地址的同类问题我们已经收到，正在处理中。如果您要反映的是另一个问题，请确认后再提交', 'We already have a report of the same kind at this address and are working on it. If yours is a different problem, confirm and send it again', [
    { field: 'confirmNotDuplicate', zh: '可能与已受理的问题重复', en: 'may be a problem already reported' },
  ]);
}

/** Adds a further contact about a request (another caller, the same caller again), on its timeline. */
export async function addContact(context: PlatformContext, tenantId: string, requestId: string, input: Contact, actor: Actor): Promise<void> {
  const now = context.clock.now();
  await context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ customer_id: string | null }>('SELECT customer_id FROM service_requests WHERE id = $1 FOR UPDATE', [requestId]);
    if (!rows[0]) throw notFound(REQUEST);
    const who = [input.contactName, maskPhone(input.contactPhone ?? null)].filter(Boolean).join(' ');
    const note = `${CHANNEL_NAMES[input.channel] ?? input.channel}：又一次来电反映此问题${who ? `（${who}）` : ''}${input.note ? `：${input.note}` : ''}`;
    await sql.query(
      "INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note, detail) VALUES ($1, $2, 'contact', $3, $4, $5, $6::jsonb)",
      [tenantId, requestId, actor.name, now, note, JSON.stringify({ channel: input.channel, contactPhoneMasked: maskPhone(input.contactPhone ?? null), callId: input.callId ?? null })],
    );
    if (input.callId) await linkCallToRequest(sql, tenantId, input.callId, requestId, actor, now);
    await recordAudit(sql, tenantId, actor, now, { action: 'service_request.contact', objectType: 'service_request', objectId: requestId, ...(rows[0].customer_id ? { customerId: rows[0].customer_id } : {}), after: { channel: input.channel, callId: input.callId ?? null } });
  });
}

// ---- the portal ----

/** The accounts a portal user bound, and their premises. */
async function boundPlaces(sql: Sql, portalUserId: string): Promise<{ accounts: string[]; premises: string[] }> {
  const rows = await sql.query<{ account_id: string; premise_id: string }>('SELECT a.id AS account_id, a.premise_id FROM account_bindings b JOIN accounts a ON a.id = b.account_id WHERE b.portal_user_id = $1', [portalUserId]);
  return { accounts: rows.map((row) => row.account_id), premises: rows.map((row) => row.premise_id) };
}

export async function portalDuplicatesFor(context: PlatformContext, tenantId: string, portalUserId: string, query: { categoryId: string; accountId?: string | undefined; address?: string | undefined }) {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    if (query.accountId && !(await isAccountBound(sql, portalUserId, query.accountId))) throw notFound({ zh: '账户', en: 'Account' });
    const found = await findDuplicates(sql, await placeOf(sql, query), now, null);
    const bound = await boundPlaces(sql, portalUserId);
    return found.map((row) => {
      // Theirs as getRequest sees it: reported by them, or recorded for an account they bound.
      const isYours = row.portal_user_id === portalUserId || (row.account_id !== null && bound.accounts.includes(row.account_id));
      const canJoin = !isYours && row.premise_id !== null && bound.premises.includes(row.premise_id);
      return {
        isYours,
        requestId: isYours ? row.id : null,
        requestNo: isYours ? row.request_no : null,
        canJoin,
        joinId: canJoin ? row.id : null,
        category: { name: row.category_name, nameEn: row.category_name_en },
        state: row.state,
        createdAt: row.created_at.toISOString(),
      };
    });
  });
}

/** A customer adds themselves to a request at the premise of an account they bound ("我也遇到这个问题"). */
export async function portalJoin(context: PlatformContext, tenantId: string, portalUserId: string, phone: string, requestId: string, note: string | undefined, actor: Actor): Promise<void> {
  const now = context.clock.now();
  await context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ premise_id: string | null; state: RequestState; closed_at: Date | null; created_at: Date; customer_id: string | null }>(
      'SELECT premise_id, state, closed_at, created_at, customer_id FROM service_requests WHERE id = $1 FOR UPDATE',
      [requestId],
    );
    const request = rows[0];
    const { premises } = await boundPlaces(sql, portalUserId);
    const since = now.getTime() - DUPLICATE_WINDOW_MS;
    const current = request && request.state !== 'cancelled' && (request.state !== 'closed' || (request.closed_at?.getTime() ?? 0) >= since);
    if (!request || !request.premise_id || !premises.includes(request.premise_id) || !current) throw notFound(REQUEST);
    const text = `网上营业厅：又一位用户反映此问题（${maskPhone(phone)}）${note ? `：${note}` : ''}`;
    await sql.query(
      "INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note, detail) VALUES ($1, $2, 'contact', $3, $4, $5, $6::jsonb)",
      [tenantId, requestId, actor.name, now, text, JSON.stringify({ channel: 'portal', contactPhoneMasked: maskPhone(phone) })],
    );
    await recordAudit(sql, tenantId, actor, now, { action: 'service_request.contact', objectType: 'service_request', objectId: requestId, ...(request.customer_id ? { customerId: request.customer_id } : {}), after: { channel: 'portal' } });
  });
}
