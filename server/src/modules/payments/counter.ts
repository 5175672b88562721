/**
 * 柜台收费: a cashier opens a till for the day, takes payments (cash, card, transfer) against accounts,
 * prints receipts, and closes the till with what was counted per method, which must equal what the
 * payments recorded (日结对账).
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { businessDate } from '../customers';
import { findTenantById } from '../tenancy';
import type { CounterPaymentRequest, MethodTotals, Till, TillClose } from './schemas';
import { COUNTER_METHODS, recordPayment, settleFromPrepaid } from './settlement';
import { reversalsOn, type Reversal } from './reversals';
import { receiptOf } from './statement';
import type { Receipt } from './schemas';

interface TillRow {
  id: string;
  staff_id: string;
  staff_name: string;
  business_date: string;
  opened_at: Date;
  closed_at: Date | null;
  counted: MethodTotals | null;
}

const TILL_COLUMNS = 't.id, t.staff_id, s.display_name AS staff_name, t.business_date, t.opened_at, t.closed_at, t.counted';
const emptyTotals = (): MethodTotals => ({ cash: 0, card: 0, transfer: 0 });

export async function todayOf(context: PlatformContext, tenantId: string): Promise<string> {
  const tenant = await findTenantById(context, tenantId);
  return businessDate(context.clock.now(), tenant?.timeZone ?? 'Asia/Shanghai');
}

async function totalsOf(sql: Sql, tillId: string): Promise<{ totals: MethodTotals; payments: number }> {
  // Refunds paid out of the till (refunds.ts) and reversals of its payments while it was open (reversals.ts)
  // come off what it holds.
  const rows = await sql.query<{ channel: keyof MethodTotals; amount: number; count: number }>(
    `SELECT channel, sum(amount)::int8 AS amount, count(*) FILTER (WHERE amount > 0)::int AS count FROM (
       SELECT channel, amount_fen AS amount FROM payments WHERE till_id = $1
       UNION ALL SELECT channel, -amount_fen FROM refunds WHERE till_id = $1 AND status <> 'failed'
       UNION ALL SELECT p.channel, -r.amount_fen FROM payment_reversals r JOIN payments p ON p.id = r.payment_id WHERE r.till_id = $1) AS moves GROUP BY channel`,
    [tillId],
  );
  const totals = emptyTotals();
  let payments = 0;
  for (const row of rows) {
    totals[row.channel] = row.amount;
    payments += row.count;
  }
  return { totals, payments };
}

async function toTill(sql: Sql, row: TillRow): Promise<Till> {
  const { totals, payments } = await totalsOf(sql, row.id);
  return {
    id: row.id,
    staffId: row.staff_id,
    staffName: row.staff_name,
    businessDate: row.business_date,
    openedAt: row.opened_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    payments,
    expected: totals,
    counted: row.counted,
  };
}

async function openTillOf(sql: Sql, staffId: string, forUpdate = false): Promise<TillRow | null> {
  const rows = await sql.query<TillRow>(
    `SELECT ${TILL_COLUMNS} FROM tills t JOIN staff s ON s.id = t.staff_id WHERE t.staff_id = $1 AND t.closed_at IS NULL${forUpdate ? ' FOR UPDATE OF t' : ''}`,
    [staffId],
  );
  return rows[0] ?? null;
}

/** The cashier's open till, or null. */
export async function currentTill(context: PlatformContext, tenantId: string, staffId: string): Promise<Till | null> {
  return context.db.withTenant(tenantId, async (sql) => {
    const row = await openTillOf(sql, staffId);
    return row ? toTill(sql, row) : null;
  });
}

/** Opens a till for today; a cashier with an open till gets that one (a till of an earlier day must be closed first). */
export async function openTill(context: PlatformContext, tenantId: string, staffId: string, actor: Actor): Promise<Till> {
  const today = await todayOf(context, tenantId);
  return context.db.withTenant(tenantId, async (sql) => {
    const open = await openTillOf(sql, staffId, true);
    if (open) {
      if (open.business_date !== today) {
        throw new DomainError('conflict', 'till_from_earlier_day', `请先日结 ${open.business_date} 的收款`, `Close the till of ${open.business_date} first`, []);
      }
      return toTill(sql, open);
    }
    const now = context.clock.now();
    const inserted = await sql.query<{ id: string }>('INSERT INTO tills (tenant_id, staff_id, business_date, opened_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id', [tenantId, staffId, today, now]);
    const row = await openTillOf(sql, staffId);
    if (!row) throw new Error('till vanished after opening');
    if (inserted.length > 0) await recordAudit(sql, tenantId, actor, now, { action: 'till.open', objectType: 'till', objectId: row.id, after: { businessDate: today } });
    return toTill(sql, row);
  });
}

/**
 * Closes the cashier's till. What was counted must equal, method by method, what the payments recorded;
 * otherwise nothing is written and the differences are named.
 */
export async function closeTill(context: PlatformContext, tenantId: string, staffId: string, tillId: string, input: TillClose, actor: Actor): Promise<Till> {
  return context.db.withTenant(tenantId, async (sql) => {
    const open = await openTillOf(sql, staffId, true);
    if (!open || open.id !== tillId) throw notFound({ zh: '未结账的收款台', en: 'Open till' });
    const { totals } = await totalsOf(sql, tillId);
    const differences = COUNTER_METHODS.filter((method) => input.counted[method] !== totals[method]);
    if (differences.length > 0) {
      throw new DomainError(
        'conflict',
        'till_unbalanced',
        '清点金额与收款记录不符，不能日结',
        'What was counted does not match the payments recorded; the till stays open',
        differences.map((method) => ({
          field: `counted.${method}`,
          zh: `应为 ${(totals[method] / 100).toFixed(2)} 元，清点 ${(input.counted[method] / 100).toFixed(2)} 元`,
          en: `expected ${(totals[method] / 100).toFixed(2)} yuan, counted ${(input.counted[method] / 100).toFixed(2)}`,
        })),
      );
    }
    const now = context.clock.now();
    await sql.query('UPDATE tills SET closed_at = $2, expected = $3::jsonb, counted = $3::jsonb WHERE id = $1', [tillId, now, JSON.stringify(totals)]);
    await recordAudit(sql, tenantId, actor, now, { action: 'till.close', objectType: 'till', objectId: tillId, after: { businessDate: open.business_date, totals } });
    const closed = await sql.query<TillRow>(`SELECT ${TILL_COLUMNS} FROM tills t JOIN staff s ON s.id = t.staff_id WHERE t.id = $1`, [tillId]);
    return toTill(sql, closed[0] as TillRow);
  });
}

/** Every till of a day, with totals per cashier, and the day's reversals (for the supervisor's daily check). */
export async function listTills(context: PlatformContext, tenantId: string, date: string): Promise<{ tills: Till[]; reversals: Reversal[] }> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<TillRow>(`SELECT ${TILL_COLUMNS} FROM tills t JOIN staff s ON s.id = t.staff_id WHERE t.business_date = $1 ORDER BY s.display_name, t.opened_at`, [date]);
    const tills: Till[] = [];
    for (const row of rows) tills.push(await toTill(sql, row));
    return { tills, reversals: await reversalsOn(sql, date) };
  });
}

/** A payment at the counter into the cashier's open till of today; returns the receipt. */
export async function takeCounterPayment(context: PlatformContext, tenantId: string, staffId: string, accountId: string, input: CounterPaymentRequest, actor: Actor): Promise<Receipt> {
  const today = await todayOf(context, tenantId);
  return context.db.withTenant(tenantId, async (sql) => {
    const till = await openTillOf(sql, staffId);
    if (!till) throw new DomainError('conflict', 'no_open_till', '请先开始今日收款（开台）', 'Open your till for today first', []);
    if (till.business_date !== today) throw new DomainError('conflict', 'till_from_earlier_day', `请先日结 ${till.business_date} 的收款`, `Close the till of ${till.business_date} first`, []);
    const accounts = await sql.query<{ status: string }>('SELECT status FROM accounts WHERE id = $1', [accountId]);
    if (!accounts[0]) throw notFound({ zh: '账户', en: 'Account' });
    const now = context.clock.now();
    const payment = await recordPayment(sql, tenantId, { accountId, method: input.method, amountFen: input.amountFen, receivedAt: now, businessDate: today, staffId, tillId: till.id });
    await recordAudit(sql, tenantId, actor, now, { action: 'payment.counter', objectType: 'payment', objectId: payment.id, after: { receiptNo: payment.receiptNo, method: input.method, amountFen: input.amountFen } });
    return receiptOf(sql, tenantId, payment.id);
  });
}

/** Settles open bills from the prepaid balance as far as it goes (staff action, or after a bill is issued). */
export async function applyPrepaid(context: PlatformContext, tenantId: string, accountId: string): Promise<number> {
  const today = await todayOf(context, tenantId);
  return context.db.withTenant(tenantId, async (sql) => {
    const accounts = await sql.query('SELECT 1 FROM accounts WHERE id = $1', [accountId]);
    if (accounts.length === 0) throw notFound({ zh: '账户', en: 'Account' });
    return settleFromPrepaid(sql, tenantId, accountId, context.clock.now(), today);
  });
}
