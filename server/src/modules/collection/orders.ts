/**
 * Bill disputes, cut-off work orders (停水单) and reconnection orders (复水单), and collectors' notes.
 *
 * A cut-off order is issued only when (DOMAIN.md §4 service promises):
 * - no bill of the account is disputed (an open bill_disputes row);
 * - principal is owed on a bill past its due date;
 * - a cut-off notice (the last dunning step) about a bill still unpaid was queued at least the configured
 *   notice period (default 72 h) ago;
 * - the account is not already cut off, and has no other issued order;
 * - the household is not protected (重要用户 or 特殊关爱户), unless the caller holds collection.override and
 *   gives {override: true, reason} — audited as such.
 * When the arrears (overdue principal and late fees) are paid in full, issued orders are cancelled and each
 * executed one gets exactly one reconnection order (unique per cut-off order), due within the configured
 * hours (default 24). afterArrearsChange runs in the transaction of every payment and of the daily run.
 */
import { recordAudit, systemActor, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import type { Permission } from '../../platform/permissions';
import { businessDate } from '../customers';
import { loadTenantSettings } from '../tenancy';
import { arrearsOf, unpaidPrincipalByBill } from './late-fees';
import type { CollectionNote, CutoffInput, CutoffOrder, Dispute, NoteInput, ReconnectionOrder } from './schemas';

const ACCOUNT = { zh: '账户', en: 'Account' };
const BILL = { zh: '账单', en: 'Bill' };
const DISPUTE = { zh: '账单异议', en: 'Dispute' };
const CUTOFF = { zh: '停水单', en: 'Cut-off order' };
const RECONNECTION = { zh: '复水单', en: 'Reconnection order' };

const iso = (value: Date | null): string | null => (value ? new Date(value).toISOString() : null);

export async function todayIn(sql: Sql, tenantId: string, at: Date): Promise<string> {
  const [tenant] = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]);
  return businessDate(at, tenant?.time_zone ?? 'Asia/Shanghai');
}

// ---- disputes ----

interface DisputeRow {
  id: string;
  bill_id: string;
  bill_no: string;
  account_id: string;
  status: 'open' | 'closed';
  reason: string;
  opened_by: string;
  opened_at: Date;
  resolution: string | null;
  closed_by: string | null;
  closed_at: Date | null;
}
const DISPUTE_SELECT = 'SELECT d.id, d.bill_id, b.bill_no, d.account_id, d.status, d.reason, d.opened_by, d.opened_at, d.resolution, d.closed_by, d.closed_at FROM bill_disputes d JOIN bills b ON b.id = d.bill_id';
const toDispute = (row: DisputeRow): Dispute => ({
  id: row.id,
  billId: row.bill_id,
  billNo: row.bill_no,
  accountId: row.account_id,
  status: row.status,
  reason: row.reason,
  openedBy: row.opened_by,
  openedAt: new Date(row.opened_at).toISOString(),
  resolution: row.resolution,
  closedBy: row.closed_by,
  closedAt: iso(row.closed_at),
});

async function customerOfAccount(sql: Sql, accountId: string): Promise<{ customer_id: string; account_no: string; is_protected: boolean } | undefined> {
  const rows = await sql.query<{ customer_id: string; account_no: string; is_protected: boolean }>(
    'SELECT a.customer_id, a.account_no, (c.is_important OR c.is_special_care) AS is_protected FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1',
    [accountId],
  );
  return rows[0];
}

/** A customer disputes a bill (账单异议); while open, the account's water is not cut off. */
export async function openDispute(context: PlatformContext, tenantId: string, billId: string, reason: string, actor: Actor): Promise<Dispute> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [bill] = await sql.query<{ id: string; account_id: string; kind: string; adjusts_bill_id: string | null }>('SELECT id, account_id, kind, adjusts_bill_id FROM bills WHERE id = $1', [billId]);
    if (!bill) throw notFound(BILL);
    // A note is disputed through the bill it adjusts.
    const disputedBillId = bill.adjusts_bill_id ?? bill.id;
    const open = await sql.query('SELECT 1 FROM bill_disputes WHERE bill_id = $1 AND status = $2', [disputedBillId, 'open']);
    if (open.length > 0) throw new DomainError('conflict', 'dispute_open', '该账单已有未结的异议', 'The bill is already disputed');
    const now = context.clock.now();
    const [row] = await sql.query<{ id: string }>(
      'INSERT INTO bill_disputes (tenant_id, bill_id, account_id, reason, opened_by, opened_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [tenantId, disputedBillId, bill.account_id, reason, actor.name, now],
    );
    const id = (row as { id: string }).id;
    const owner = await customerOfAccount(sql, bill.account_id);
    await recordAudit(sql, tenantId, actor, now, { action: 'bill_dispute.open', objectType: 'bill_dispute', objectId: id, customerId: owner?.customer_id ?? null, after: { billId: disputedBillId, reason } });
    const [created] = await sql.query<DisputeRow>(`${DISPUTE_SELECT} WHERE d.id = $1`, [id]);
    return toDispute(created as DisputeRow);
  });
}

export async function closeDispute(context: PlatformContext, tenantId: string, disputeId: string, resolution: string, actor: Actor): Promise<Dispute> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [row] = await sql.query<DisputeRow>(`${DISPUTE_SELECT} WHERE d.id = $1 FOR UPDATE OF d`, [disputeId]);
    if (!row) throw notFound(DISPUTE);
    if (row.status !== 'open') throw new DomainError('conflict', 'dispute_closed', '该异议已结案', 'The dispute is already closed');
    const now = context.clock.now();
    await sql.query("UPDATE bill_disputes SET status = 'closed', resolution = $2, closed_by = $3, closed_at = $4 WHERE id = $1", [disputeId, resolution, actor.name, now]);
    const owner = await customerOfAccount(sql, row.account_id);
    await recordAudit(sql, tenantId, actor, now, { action: 'bill_dispute.close', objectType: 'bill_dispute', objectId: disputeId, customerId: owner?.customer_id ?? null, before: { status: 'open' }, after: { status: 'closed', resolution } });
    const [closed] = await sql.query<DisputeRow>(`${DISPUTE_SELECT} WHERE d.id = $1`, [disputeId]);
    return toDispute(closed as DisputeRow);
  });
}

export async function disputesOf(sql: Sql, accountId: string): Promise<Dispute[]> {
  return (await sql.query<DisputeRow>(`${DISPUTE_SELECT} WHERE d.account_id = $1 ORDER BY d.opened_at DESC`, [accountId])).map(toDispute);
}

// ---- cut-off and reconnection orders ----

interface CutoffRow {
  id: string;
  account_id: string;
  account_no: string;
  status: CutoffOrder['status'];
  notice_id: string;
  owed_fen: number;
  is_override: boolean;
  override_reason: string | null;
  issued_by: string;
  issued_at: Date;
  done_by: string | null;
  done_at: Date | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
}
const CUTOFF_SELECT = 'SELECT o.*, a.account_no FROM cutoff_orders o JOIN accounts a ON a.id = o.account_id';
const toCutoff = (row: CutoffRow): CutoffOrder => ({
  id: row.id,
  accountId: row.account_id,
  accountNo: row.account_no,
  status: row.status,
  noticeId: row.notice_id,
  owedFen: row.owed_fen,
  isOverride: row.is_override,
  overrideReason: row.override_reason,
  issuedBy: row.issued_by,
  issuedAt: new Date(row.issued_at).toISOString(),
  doneBy: row.done_by,
  doneAt: iso(row.done_at),
  cancelledBy: row.cancelled_by,
  cancelledAt: iso(row.cancelled_at),
  cancelReason: row.cancel_reason,
});

interface ReconnectionRow {
  id: string;
  cutoff_order_id: string;
  account_id: string;
  account_no: string;
  status: 'due' | 'done';
  created_at: Date;
  due_at: Date;
  done_by: string | null;
  done_at: Date | null;
}
const RECONNECTION_SELECT = 'SELECT r.*, a.account_no FROM reconnection_orders r JOIN accounts a ON a.id = r.account_id';
const toReconnection = (row: ReconnectionRow, now: Date): ReconnectionOrder => ({
  id: row.id,
  cutoffOrderId: row.cutoff_order_id,
  accountId: row.account_id,
  accountNo: row.account_no,
  status: row.status,
  isOverdue: row.status === 'due' && new Date(row.due_at).getTime() < now.getTime(),
  createdAt: new Date(row.created_at).toISOString(),
  dueAt: new Date(row.due_at).toISOString(),
  doneBy: row.done_by,
  doneAt: iso(row.done_at),
});

/** Whether the account's water is cut off now: an executed cut-off with no completed reconnection. */
async function isCutOff(sql: Sql, accountId: string): Promise<boolean> {
  const rows = await sql.query(
    "SELECT 1 FROM cutoff_orders o WHERE o.account_id = $1 AND o.status = 'done' AND NOT EXISTS (SELECT 1 FROM reconnection_orders r WHERE r.cutoff_order_id = o.id AND r.status = 'done')",
    [accountId],
  );
  return rows.length > 0;
}

async function refuseWhileDisputed(sql: Sql, accountId: string): Promise<void> {
  const disputed = await sql.query<{ bill_no: string }>("SELECT b.bill_no FROM bill_disputes d JOIN bills b ON b.id = d.bill_id WHERE d.account_id = $1 AND d.status = 'open'", [accountId]);
  if (disputed.length > 0) {
    const numbers = disputed.map((row) => row.bill_no).join(', ');
    throw new DomainError('conflict', 'bill_disputed', `账单 ${numbers} 有未结异议，不得停水`, `Bill ${numbers} is disputed: no cut-off while a bill is disputed`);
  }
}

export interface Caller {
  actor: Actor;
  permissions: readonly Permission[];
}

export async function issueCutoffOrder(context: PlatformContext, tenantId: string, accountId: string, input: CutoffInput, caller: Caller): Promise<CutoffOrder> {
  return context.db.withTenant(tenantId, async (sql) => {
    const account = await customerOfAccount(sql, accountId);
    if (!account) throw notFound(ACCOUNT);
    const now = context.clock.now();
    const today = await todayIn(sql, tenantId, now);
    const settings = (await loadTenantSettings(sql)).collection;
    await refuseWhileDisputed(sql, accountId);
    const arrears = await arrearsOf(sql, accountId, today);
    if (arrears.overdueFen === 0) throw new DomainError('conflict', 'no_arrears', '该账户没有逾期欠费', 'The account owes nothing past its due date');
    // The cut-off notice must be about a bill still unpaid, and old enough.
    const unpaid = await unpaidPrincipalByBill(sql, accountId, today);
    const notices = await sql.query<{ id: string; bill_id: string; created_at: Date }>(
      "SELECT id, bill_id, created_at FROM collection_notices WHERE account_id = $1 AND kind = 'cutoff_notice' ORDER BY created_at",
      [accountId],
    );
    const relevant = notices.filter((notice) => (unpaid.get(notice.bill_id) ?? 0) > 0);
    const first = relevant[0];
    if (!first) throw new DomainError('conflict', 'no_cutoff_notice', '尚未发出停水通知', 'No cut-off notice was given for the unpaid bills', [{ field: 'accountId', zh: '须先发出停水通知', en: 'a cut-off notice must be given first' }]);
    const allowedAt = new Date(new Date(first.created_at).getTime() + settings.cutoffNoticeHours * 3_600_000);
    if (allowedAt.getTime() > now.getTime()) {
      throw new DomainError(
        'conflict',
        'cutoff_notice_too_recent',
        `停水通知须提前 ${settings.cutoffNoticeHours} 小时发出，${allowedAt.toISOString()} 之后方可停水`,
        `The cut-off notice must be given ${settings.cutoffNoticeHours} h ahead: not before ${allowedAt.toISOString()}`,
      );
    }
    if (await isCutOff(sql, accountId)) throw new DomainError('conflict', 'already_cut_off', '该账户已停水', 'The account is already cut off');
    const issued = await sql.query("SELECT 1 FROM cutoff_orders WHERE account_id = $1 AND status = 'issued'", [accountId]);
    if (issued.length > 0) throw new DomainError('conflict', 'cutoff_order_open', '该账户已有未执行的停水单', 'The account already has an issued cut-off order');
    let overrideReason: string | null = null;
    if (account.is_protected) {
      if (!input.override) {
        throw new DomainError('conflict', 'protected_household', '重要用户或特殊关爱户不得停水，除非经授权确认', 'An important customer or special-care household is not cut off without an authorised override', [
          { field: 'override', zh: '须经授权确认', en: 'needs an authorised override' },
        ]);
      }
      if (!caller.permissions.includes('collection.override')) {
        throw new DomainError('forbidden', 'forbidden', '无权对重要用户或特殊关爱户停水', 'You may not override the protection of this household', [{ field: 'override', zh: '需要 collection.override 权限', en: 'needs collection.override' }]);
      }
      if (!input.reason) throw new DomainError('validation', 'validation_failed', '须说明理由', 'A reason is required', [{ field: 'reason', zh: '必填', en: 'is required' }]);
      overrideReason = input.reason;
    }
    const owed = arrears.principalFen + arrears.lateFeeFen;
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO cutoff_orders (tenant_id, account_id, notice_id, owed_fen, is_override, override_reason, issued_by, issued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [tenantId, accountId, first.id, owed, overrideReason !== null, overrideReason, caller.actor.name, now],
    );
    const id = (row as { id: string }).id;
    await recordAudit(sql, tenantId, caller.actor, now, {
      action: overrideReason !== null ? 'cutoff_order.issue_override' : 'cutoff_order.issue',
      objectType: 'cutoff_order',
      objectId: id,
      customerId: account.customer_id,
      after: { accountId, owedFen: owed, noticeId: first.id, ...(overrideReason !== null ? { override: true, reason: overrideReason } : {}) },
    });
    return loadCutoff(sql, id);
  });
}

async function loadCutoff(sql: Sql, id: string): Promise<CutoffOrder> {
  const [row] = await sql.query<CutoffRow>(`${CUTOFF_SELECT} WHERE o.id = $1`, [id]);
  if (!row) throw notFound(CUTOFF);
  return toCutoff(row);
}

/** The crew cut the water off: issued → done. Refused if a bill became disputed meanwhile. */
export async function completeCutoffOrder(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<CutoffOrder> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [row] = await sql.query<CutoffRow>(`${CUTOFF_SELECT} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
    if (!row) throw notFound(CUTOFF);
    if (row.status !== 'issued') throw new DomainError('conflict', 'cutoff_order_not_issued', '停水单不是待执行状态', 'The cut-off order is not waiting to be done');
    await refuseWhileDisputed(sql, row.account_id);
    const now = context.clock.now();
    await sql.query("UPDATE cutoff_orders SET status = 'done', done_by = $2, done_at = $3 WHERE id = $1", [id, actor.name, now]);
    const owner = await customerOfAccount(sql, row.account_id);
    await recordAudit(sql, tenantId, actor, now, { action: 'cutoff_order.done', objectType: 'cutoff_order', objectId: id, customerId: owner?.customer_id ?? null, before: { status: 'issued' }, after: { status: 'done' } });
    return loadCutoff(sql, id);
  });
}

export async function cancelCutoffOrder(context: PlatformContext, tenantId: string, id: string, reason: string, actor: Actor): Promise<CutoffOrder> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [row] = await sql.query<CutoffRow>(`${CUTOFF_SELECT} WHERE o.id = $1 FOR UPDATE OF o`, [id]);
    if (!row) throw notFound(CUTOFF);
    if (row.status !== 'issued') throw new DomainError('conflict', 'cutoff_order_not_issued', '停水单不是待执行状态', 'The cut-off order is not waiting to be done');
    const now = context.clock.now();
    await sql.query("UPDATE cutoff_orders SET status = 'cancelled', cancelled_by = $2, cancelled_at = $3, cancel_reason = $4 WHERE id = $1", [id, actor.name, now, reason]);
    const owner = await customerOfAccount(sql, row.account_id);
    await recordAudit(sql, tenantId, actor, now, { action: 'cutoff_order.cancel', objectType: 'cutoff_order', objectId: id, customerId: owner?.customer_id ?? null, before: { status: 'issued' }, after: { status: 'cancelled', reason } });
    return loadCutoff(sql, id);
  });
}

export async function completeReconnectionOrder(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<ReconnectionOrder> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [row] = await sql.query<ReconnectionRow>(`${RECONNECTION_SELECT} WHERE r.id = $1 FOR UPDATE OF r`, [id]);
    if (!row) throw notFound(RECONNECTION);
    if (row.status !== 'due') throw new DomainError('conflict', 'reconnection_done', '复水单已完成', 'The reconnection order is already done');
    const now = context.clock.now();
    await sql.query("UPDATE reconnection_orders SET status = 'done', done_by = $2, done_at = $3 WHERE id = $1", [id, actor.name, now]);
    const owner = await customerOfAccount(sql, row.account_id);
    await recordAudit(sql, tenantId, actor, now, { action: 'reconnection_order.done', objectType: 'reconnection_order', objectId: id, customerId: owner?.customer_id ?? null, before: { status: 'due' }, after: { status: 'done', late: now.getTime() > new Date(row.due_at).getTime() } });
    const [done] = await sql.query<ReconnectionRow>(`${RECONNECTION_SELECT} WHERE r.id = $1`, [id]);
    return toReconnection(done as ReconnectionRow, now);
  });
}

export async function listCutoffOrders(context: PlatformContext, tenantId: string, filter: { status?: CutoffOrder['status'] | undefined; limit: number }, accountId?: string): Promise<CutoffOrder[]> {
  return context.db.withTenant(tenantId, (sql) => cutoffOrdersOf(sql, filter, accountId));
}

export async function cutoffOrdersOf(sql: Sql, filter: { status?: CutoffOrder['status'] | undefined; limit: number }, accountId?: string): Promise<CutoffOrder[]> {
  const rows = await sql.query<CutoffRow>(`${CUTOFF_SELECT} WHERE ($1::text IS NULL OR o.status = $1) AND ($2::uuid IS NULL OR o.account_id = $2) ORDER BY o.issued_at DESC LIMIT $3`, [
    filter.status ?? null,
    accountId ?? null,
    filter.limit,
  ]);
  return rows.map(toCutoff);
}

export async function reconnectionOrdersOf(sql: Sql, now: Date, filter: { status?: 'due' | 'overdue' | 'done' | undefined; limit: number }, accountId?: string): Promise<ReconnectionOrder[]> {
  const status = filter.status === 'overdue' ? 'due' : (filter.status ?? null);
  const rows = await sql.query<ReconnectionRow>(
    `${RECONNECTION_SELECT} WHERE ($1::text IS NULL OR r.status = $1) AND ($2::boolean IS FALSE OR r.due_at < $3) AND ($4::uuid IS NULL OR r.account_id = $4)
     ORDER BY r.status, r.due_at LIMIT $5`,
    [status, filter.status === 'overdue', now, accountId ?? null, filter.limit],
  );
  return rows.map((row) => toReconnection(row, now));
}

export async function listReconnectionOrders(context: PlatformContext, tenantId: string, filter: { status?: 'due' | 'overdue' | 'done' | undefined; limit: number }): Promise<ReconnectionOrder[]> {
  return context.db.withTenant(tenantId, (sql) => reconnectionOrdersOf(sql, context.clock.now(), filter));
}

/**
 * After money reached the account (a payment, a deduction from prepaid) or in the daily run: when nothing
 * is owed past its due date and no late fee is owed, cancels issued cut-off orders and creates, exactly
 * once per executed cut-off, a reconnection order due within the configured hours. Returns the orders made.
 */
export async function afterArrearsChange(sql: Sql, tenantId: string, accountId: string, businessDay: string, at: Date): Promise<number> {
  const open = await sql.query<{ id: string; status: string }>(
    `SELECT o.id, o.status FROM cutoff_orders o WHERE o.account_id = $1
       AND (o.status = 'issued' OR (o.status = 'done' AND NOT EXISTS (SELECT 1 FROM reconnection_orders r WHERE r.cutoff_order_id = o.id)))`,
    [accountId],
  );
  if (open.length === 0) return 0;
  const arrears = await arrearsOf(sql, accountId, businessDay);
  if (arrears.overdueFen > 0 || arrears.lateFeeFen > 0) return 0;
  const settings = (await loadTenantSettings(sql)).collection;
  const actor = systemActor('collection');
  const owner = await customerOfAccount(sql, accountId);
  let created = 0;
  for (const order of open) {
    if (order.status === 'issued') {
      await sql.query("UPDATE cutoff_orders SET status = 'cancelled', cancelled_by = 'system', cancelled_at = $2, cancel_reason = '欠费已结清 arrears paid' WHERE id = $1 AND status = 'issued'", [order.id, at]);
      await recordAudit(sql, tenantId, actor, at, { action: 'cutoff_order.cancel', objectType: 'cutoff_order', objectId: order.id, customerId: owner?.customer_id ?? null, before: { status: 'issued' }, after: { status: 'cancelled', reason: 'arrears paid' } });
      continue;
    }
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO reconnection_orders (tenant_id, cutoff_order_id, account_id, created_at, due_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, cutoff_order_id) DO NOTHING RETURNING id`,
      [tenantId, order.id, accountId, at, new Date(at.getTime() + settings.reconnectionHours * 3_600_000)],
    );
    const id = rows[0]?.id;
    if (!id) continue;
    created += 1;
    await recordAudit(sql, tenantId, actor, at, { action: 'reconnection_order.create', objectType: 'reconnection_order', objectId: id, customerId: owner?.customer_id ?? null, after: { cutoffOrderId: order.id, hours: settings.reconnectionHours } });
  }
  return created;
}

// ---- collectors' notes ----

export async function addNote(context: PlatformContext, tenantId: string, accountId: string, input: NoteInput, staffId: string, actor: Actor): Promise<CollectionNote> {
  if ((input.kind === 'promise_to_pay') !== (input.promisedOn !== undefined)) {
    throw new DomainError('validation', 'validation_failed', '承诺缴费须填写承诺日期（其他记录不填）', 'A promise to pay needs the promised date (and only a promise has one)', [
      { field: 'promisedOn', zh: input.kind === 'promise_to_pay' ? '必填' : '只用于承诺缴费', en: input.kind === 'promise_to_pay' ? 'is required' : 'only for a promise to pay' },
    ]);
  }
  return context.db.withTenant(tenantId, async (sql) => {
    const account = await customerOfAccount(sql, accountId);
    if (!account) throw notFound(ACCOUNT);
    const now = context.clock.now();
    const [row] = await sql.query<{ id: string }>(
      'INSERT INTO collection_notes (tenant_id, account_id, staff_id, kind, note, promised_on, promised_fen, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [tenantId, accountId, staffId, input.kind, input.note, input.promisedOn ?? null, input.promisedFen ?? null, now],
    );
    const id = (row as { id: string }).id;
    await recordAudit(sql, tenantId, actor, now, { action: 'collection_note.add', objectType: 'collection_note', objectId: id, customerId: account.customer_id, after: { accountId, kind: input.kind } });
    const [note] = await notesOf(sql, accountId, id);
    return note as CollectionNote;
  });
}

export async function notesOf(sql: Sql, accountId: string, id?: string): Promise<CollectionNote[]> {
  const rows = await sql.query<{ id: string; kind: CollectionNote['kind']; note: string; promised_on: string | null; promised_fen: number | null; display_name: string; created_at: Date }>(
    `SELECT n.id, n.kind, n.note, n.promised_on, n.promised_fen, s.display_name, n.created_at FROM collection_notes n JOIN staff s ON s.id = n.staff_id
     WHERE n.account_id = $1 AND ($2::uuid IS NULL OR n.id = $2) ORDER BY n.created_at DESC LIMIT 200`,
    [accountId, id ?? null],
  );
  return rows.map((row) => ({ id: row.id, kind: row.kind, note: row.note, promisedOn: row.promised_on, promisedFen: row.promised_fen, staffName: row.display_name, createdAt: new Date(row.created_at).toISOString() }));
}
