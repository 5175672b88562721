/**
 * Late fees (违约金 / 滞纳金), in exact integer arithmetic.
 *
 * Each day d after a bill's due date plus the grace days is charged on the principal of the bill still
 * unpaid at the end of d: the bill's accrual basis grows by principal × daily rate × 1, in fen·(1/10,000).
 * The fee the bill should carry is min(cap, round-half-up(basis / 10,000)), the cap being capPercent % of
 * the largest unpaid principal the bill had while overdue; an assessment posts that target minus what is
 * already posted (never negative). Because rounding applies to the cumulative basis, how the days are split
 * between assessments never changes the total posted: after the last assessment it is exactly the target.
 *
 * Each day is charged on the principal the bill had unpaid at the end of that day as the ledger stood then
 * (receivable entries dated up to that day), so whatever changes the principal — a payment, a deduction from
 * the prepaid balance, a credit or debit note, a refund, a payment's reversal — changes it from its own
 * business day on, and the days before keep the old amount, however late the accrual runs. Days on which
 * the bill was under dispute (账单异议: from the day it was opened through the day it was closed) are not
 * charged at all, whatever the outcome: accrual resumes the day after the dispute is closed, on what is
 * then still unpaid (docs/GLOSSARY.md, 违约金).
 *
 * While a withholding debit is with the bank or an online order for the bills awaits its payment, accrual
 * waits; money that comes in waives the days waited (waiveDaysAwaitingPayment), a failed debit or an order
 * closed unpaid leaves them to be charged. An order's or a debit's days start after the last day whose late fees
 * its amount carried (payment_orders.late_fees_through, withholding_items.late_fees_through: earlier than the
 * day before the order or the batch while something else of the account was waiting); waived days are kept
 * (late_fee_waivers) and never charged, and days already charged when their money is credited after all (an
 * order closed unpaid, its lost payment found) are taken back, the bill's cap base becoming the largest
 * principal of the days that stay charged, and the fee posted above what the bill then carries reversed by a
 * journal of its own.
 *
 * A payment first assesses the fees up to the day before its business day (assessBeforePayment), so it
 * settles them up to date. Late fees are owed on the ledger account 'late_fee_receivable'; payments settle
 * them after the principal of every bill.
 */
import type { Sql } from '../../platform/db/database';
import { standingsOf } from '../bills';
import { businessDate } from '../customers';
import { postJournals, type Journal } from '../ledger';
import { loadTenantSettings, type TenantSettings } from '../tenancy';

export type CollectionSettings = TenantSettings['collection'];

/** The basis is in fen·(1/10,000): 10,000 of it make a fen. */
export const BASIS_PER_FEN = 10_000n;

const DAY_MS = 86_400_000;
export const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
export const addDays = (date: string, days: number): string => new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
export const daysBetween = (from: string, to: string): number => dayNumber(to) - dayNumber(from);

/** The first day a late fee is charged for: the day after the due date and the grace days. */
export const firstChargeableDay = (dueOn: string, graceDays: number): string => addDays(dueOn, graceDays + 1);

/** The basis after `days` more days on `principalFen` at `dailyRate` (1/10,000 a day). */
export function accrueBasis(basis: bigint, principalFen: number, dailyRate: number, days: number): bigint {
  if (principalFen <= 0 || dailyRate <= 0 || days <= 0) return basis;
  return basis + BigInt(principalFen) * BigInt(dailyRate) * BigInt(days);
}

/** The whole late fee a bill should carry: the basis in fen rounded half up, never above the cap. */
export function feeTarget(basis: bigint, capBaseFen: number, capPercent: number): number {
  const rounded = (basis + BASIS_PER_FEN / 2n) / BASIS_PER_FEN;
  const cap = (BigInt(Math.max(capBaseFen, 0)) * BigInt(capPercent)) / 100n;
  return Number(rounded < cap ? rounded : cap);
}

/** What one assessment posts: the target less what is already posted, never negative. */
export const feeToPost = (target: number, postedFen: number): number => (target > postedFen ? target - postedFen : 0);

/**
 * The days an accrual from `accruedThrough` (exclusive; null: never accrued) up to `through` (inclusive)
 * charges, none before the first chargeable day.
 */
export function chargeableDays(firstDay: string, accruedThrough: string | null, through: string): number {
  const start = accruedThrough && accruedThrough >= firstDay ? addDays(accruedThrough, 1) : firstDay;
  const days = daysBetween(start, through) + 1;
  return days > 0 ? days : 0;
}

/**
 * The per-account money lock, the same row payments lock (prepaid_balances): accrual, assessment and
 * payments of one account run one after another.
 */
export async function lockAccountMoney(sql: Sql, tenantId: string, accountId: string, at: Date): Promise<void> {
  await sql.query('INSERT INTO prepaid_balances (tenant_id, account_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [tenantId, accountId, at]);
  await sql.query('SELECT 1 FROM prepaid_balances WHERE account_id = $1 FOR UPDATE', [accountId]);
}

/** Principal owed on bills (receivable, never below zero) and late fees owed, from the ledger. */
export async function owedOf(sql: Sql, accountId: string): Promise<{ principalFen: number; lateFeeFen: number }> {
  const rows = await sql.query<{ principal: number; fees: number }>(
    `SELECT coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'receivable'), 0)::int8 AS principal,
            coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'late_fee_receivable'), 0)::int8 AS fees
     FROM ledger_entries WHERE account_id = $1 AND ledger_account IN ('receivable', 'late_fee_receivable')`,
    [accountId],
  );
  const row = rows[0];
  return { principalFen: Math.max(row?.principal ?? 0, 0), lateFeeFen: Math.max(row?.fees ?? 0, 0) };
}

/** Late fees the account owes (what payments settle after the principal of every bill). */
export async function lateFeesOwedFen(sql: Sql, accountId: string): Promise<number> {
  return (await owedOf(sql, accountId)).lateFeeFen;
}

/** Principal still unpaid per regular bill (standingsOf: what is owed sits on the newest bills). */
export async function unpaidPrincipalByBill(sql: Sql, accountId: string, today: string): Promise<Map<string, number>> {
  const { principalFen } = await owedOf(sql, accountId);
  const unpaid = new Map<string, number>();
  if (principalFen === 0) return unpaid;
  for (const [billId, standing] of await standingsOf(sql, accountId, today, principalFen)) if (standing.outstandingFen > 0) unpaid.set(billId, standing.outstandingFen);
  return unpaid;
}

/** Principal owed on bills past their due date on `today`, and late fees owed: the account's arrears. */
export async function arrearsOf(sql: Sql, accountId: string, today: string): Promise<{ overdueFen: number; principalFen: number; lateFeeFen: number }> {
  const { principalFen, lateFeeFen } = await owedOf(sql, accountId);
  if (principalFen === 0) return { overdueFen: 0, principalFen, lateFeeFen };
  const unpaid = await unpaidPrincipalByBill(sql, accountId, today);
  const due = await sql.query<{ id: string }>("SELECT id FROM bills WHERE account_id = $1 AND kind = 'regular' AND due_on < $2", [accountId, today]);
  const overdueFen = due.reduce((sum, row) => sum + (unpaid.get(row.id) ?? 0), 0);
  return { overdueFen, principalFen, lateFeeFen };
}

interface AccrualRow {
  bill_id: string;
  basis: string;
  accrued_through: string;
  cap_base_fen: number;
  posted_fen: number;
}

/** One bill's accrual: the stored row brought up to a day (basis, cap base), and whether it changed. */
export interface AccrualState {
  billId: string;
  basis: bigint;
  accruedThrough: string | null;
  capBaseFen: number;
  postedFen: number;
  changed: boolean;
}

export interface LedgerMove {
  bill_id: string | null;
  entry_type: string;
  business_date: string;
  change: number;
}

export interface BillOfAccount {
  id: string;
  kind: string;
  adjusts_bill_id: string | null;
  period: string;
  created_at: Date;
}

/**
 * The principal unpaid on each regular bill at the end of `date`, from the account's receivable entries
 * dated up to that day: what was owed then sits on the newest bills issued by then (their net as then
 * adjusted by notes), as standingsOf does for today.
 */
export function unpaidAsOf(bills: readonly BillOfAccount[], moves: readonly LedgerMove[], date: string): Map<string, number> {
  const regularOf = new Map<string, string>();
  for (const bill of bills) regularOf.set(bill.id, bill.kind === 'regular' ? bill.id : (bill.adjusts_bill_id ?? bill.id));
  let owed = 0;
  const nets = new Map<string, number>();
  for (const move of moves) {
    if (move.business_date > date) continue;
    owed += move.change;
    if (move.bill_id && (move.entry_type === 'bill' || move.entry_type === 'credit_note' || move.entry_type === 'debit_note')) {
      const regular = regularOf.get(move.bill_id);
      if (regular) nets.set(regular, (nets.get(regular) ?? 0) + move.change);
    }
  }
  const unpaid = new Map<string, number>();
  const newestFirst = bills.filter((bill) => bill.kind === 'regular').sort((a, b) => (a.period === b.period ? new Date(b.created_at).getTime() - new Date(a.created_at).getTime() : a.period < b.period ? 1 : -1));
  for (const bill of newestFirst) {
    const net = nets.get(bill.id);
    if (net === undefined || net <= 0 || owed <= 0) continue;
    const outstanding = Math.min(net, owed);
    owed -= outstanding;
    unpaid.set(bill.id, outstanding);
  }
  return unpaid;
}

/** The days from `from` to `to` (inclusive) that no dispute interval covers. */
export function undisputedDays(from: string, to: string, disputed: readonly DateRange[]): number {
  let days = daysBetween(from, to) + 1;
  if (days <= 0) return 0;
  // Merge the intervals clipped to [from, to], then take their days away.
  const clipped = disputed
    .map((interval) => ({ from: interval.from > from ? interval.from : from, to: interval.to === null || interval.to > to ? to : interval.to }))
    .filter((interval) => interval.from <= interval.to)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  // The last day already taken away ('' before the first interval: every date sorts after it).
  let coveredUntil = '';
  for (const interval of clipped) {
    const start = interval.from <= coveredUntil ? addDays(coveredUntil, 1) : interval.from;
    if (start > interval.to) continue;
    days -= daysBetween(start, interval.to) + 1;
    coveredUntil = interval.to;
  }
  return days;
}

export interface DateRange {
  from: string;
  /** Inclusive; null: still open. */
  to: string | null;
}

/**
 * The basis the days `from`…`to` (inclusive) add to one bill, and the largest principal charged: each day
 * not under dispute is charged on principalOn(day). The principal changes only on the dates in `changes`,
 * so it is asked once per stretch between them.
 */
export function chargeDays(input: { from: string; to: string; changes: readonly string[]; principalOn: (date: string) => number; disputed: readonly DateRange[]; dailyRate: number }): { basis: bigint; capBaseFen: number } {
  let basis = 0n;
  let capBaseFen = 0;
  if (input.from > input.to) return { basis, capBaseFen };
  const starts = [...new Set([input.from, ...input.changes.filter((date) => date > input.from && date <= input.to)])].sort();
  for (const [index, start] of starts.entries()) {
    const next = starts[index + 1];
    const end = next ? addDays(next, -1) : input.to;
    const principal = input.principalOn(start);
    const days = principal > 0 ? undisputedDays(start, end, input.disputed) : 0;
    if (days === 0) continue;
    basis = accrueBasis(basis, principal, input.dailyRate, days);
    capBaseFen = Math.max(capBaseFen, principal);
  }
  return { basis, capBaseFen };
}

/**
 * The account's category, and the last day an accrual up to `upTo` reaches: `upTo`, or the day before the first
 * day a withholding item or an online order for the bills of the account, still awaiting its money, was made
 * (the SQL function late_fees_held_through, migration 0047: withholding batches ask it for all their items at once).
 */
async function heldThroughOf(sql: Sql, accountId: string, upTo: string): Promise<{ category: string; through: string } | undefined> {
  const [account] = await sql.query<{ category: string; through: string }>('SELECT category, late_fees_held_through(id, $2::date)::text AS through FROM accounts WHERE id = $1', [accountId, upTo]);
  return account;
}

/**
 * The last day an accrual up to `upTo` reaches: `upTo`, or the day before a withholding item or an online order
 * for the bills still awaiting its money was made. An order placed now (or a withholding item made now) carries
 * the late fees through this day (its late_fees_through), and the days after it are what crediting the order
 * (a debit that succeeds) waives.
 */
export async function lateFeesHeldThrough(sql: Sql, accountId: string, upTo: string): Promise<string> {
  return (await heldThroughOf(sql, accountId, upTo))?.through ?? upTo;
}

/** What charging the days of an account's bills needs: the principal of each bill each day, and the days not charged. */
interface ChargingContext {
  changes: string[];
  principalOn: (billId: string) => (date: string) => number;
  /** The days the bill is not charged: its disputes, and the account's days waived while it awaited its money. */
  exemptOf: (billId: string) => DateRange[];
}

async function chargingContextOf(sql: Sql, tenantId: string, accountId: string, through: string): Promise<ChargingContext> {
  const bills = await sql.query<BillOfAccount>('SELECT id, kind, adjusts_bill_id, period, created_at FROM bills WHERE account_id = $1', [accountId]);
  const moves = await sql.query<LedgerMove>(
    "SELECT bill_id, entry_type, business_date::text AS business_date, (debit_fen - credit_fen)::int8 AS change FROM ledger_entries WHERE account_id = $1 AND ledger_account = 'receivable' AND business_date <= $2",
    [accountId, through],
  );
  const [tenant] = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]);
  const zone = tenant?.time_zone ?? 'Asia/Shanghai';
  const disputes = await sql.query<{ bill_id: string; opened_at: Date; closed_at: Date | null }>('SELECT bill_id, opened_at, closed_at FROM bill_disputes WHERE account_id = $1', [accountId]);
  const waived = (await sql.query<{ from_day: string; to_day: string }>('SELECT from_day::text, to_day::text FROM late_fee_waivers WHERE account_id = $1', [accountId])).map((row) => ({ from: row.from_day, to: row.to_day }));
  const disputedOf = new Map<string, DateRange[]>();
  for (const dispute of disputes) {
    const list = disputedOf.get(dispute.bill_id) ?? [];
    list.push({ from: businessDate(new Date(dispute.opened_at), zone), to: dispute.closed_at ? businessDate(new Date(dispute.closed_at), zone) : null });
    disputedOf.set(dispute.bill_id, list);
  }
  // The principal changes only on the business days of receivable entries: one segment per change.
  const changes = [...new Set(moves.map((move) => move.business_date))];
  const unpaidOn = new Map<string, Map<string, number>>();
  const principalOn = (billId: string) => (date: string): number => {
    let unpaid = unpaidOn.get(date);
    if (!unpaid) {
      unpaid = unpaidAsOf(bills, moves, date);
      unpaidOn.set(date, unpaid);
    }
    return unpaid.get(billId) ?? 0;
  };
  return { changes, principalOn, exemptOf: (billId) => [...(disputedOf.get(billId) ?? []), ...waived] };
}

/**
 * Brings every overdue bill of the account up to `through`: each day not yet charged is charged on the
 * principal the bill had unpaid at the end of that day (from the ledger as it stood then, so a payment,
 * a credit or debit note, a refund or a reversal changes the amount from its own business day on, and the
 * days before it keep the old amount, whenever the accrual runs), except the days the bill was disputed and
 * the days waived while the account awaited its money (late_fee_waivers).
 * Reads only; `lock` takes the accrual rows FOR UPDATE for a caller that writes them.
 */
export async function accrualStates(sql: Sql, tenantId: string, accountId: string, upTo: string, settings: CollectionSettings, lock: boolean): Promise<AccrualState[]> {
  const existing = new Map(
    (await sql.query<AccrualRow>(`SELECT bill_id, basis::text AS basis, accrued_through, cap_base_fen, posted_fen FROM late_fee_accruals WHERE account_id = $1${lock ? ' FOR UPDATE' : ''}`, [accountId])).map((row) => [row.bill_id, row]),
  );
  const states = new Map<string, AccrualState>(
    [...existing.values()].map((row) => [row.bill_id, { billId: row.bill_id, basis: BigInt(row.basis), accruedThrough: row.accrued_through, capBaseFen: row.cap_base_fen, postedFen: row.posted_fen, changed: false }]),
  );
  const account = await heldThroughOf(sql, accountId, upTo);
  if (!account || (account.category === 'residential' && !settings.lateFeeOnResidential)) return [...states.values()];
  // While the bank has a debit of the account's arrears in hand (a withholding item awaiting its result), or the
  // customer an online order for the bills (placed, not yet paid or closed), the days from the batch or the
  // order on wait: money that comes in waives them (waiveDaysAwaitingPayment), a debit that fails or an order
  // closed unpaid leaves them to be charged, from the ledger as it stood each day.
  const through = account.through;
  // Regular bills whose first chargeable day is on or before `through`, and the days each has to be charged.
  const due = await sql.query<{ id: string; due_on: string }>(
    "SELECT id, due_on FROM bills WHERE account_id = $1 AND kind = 'regular' AND due_on < $2::date - $3::int ORDER BY period",
    [accountId, through, settings.lateFeeGraceDays],
  );
  const windows: { billId: string; from: string }[] = [];
  for (const bill of due) {
    const first = firstChargeableDay(bill.due_on, settings.lateFeeGraceDays);
    const accruedThrough = states.get(bill.id)?.accruedThrough ?? null;
    if (chargeableDays(first, accruedThrough, through) === 0) continue;
    windows.push({ billId: bill.id, from: accruedThrough && accruedThrough >= first ? addDays(accruedThrough, 1) : first });
  }
  if (windows.length === 0) return [...states.values()];
  const charging = await chargingContextOf(sql, tenantId, accountId, through);
  for (const window of windows) {
    const charged = chargeDays({ from: window.from, to: through, changes: charging.changes, principalOn: charging.principalOn(window.billId), disputed: charging.exemptOf(window.billId), dailyRate: settings.lateFeeDailyRate });
    let state = states.get(window.billId);
    if (!state) {
      if (charged.basis === 0n) continue;
      state = { billId: window.billId, basis: 0n, accruedThrough: null, capBaseFen: 0, postedFen: 0, changed: false };
      states.set(window.billId, state);
    }
    state.basis += charged.basis;
    state.capBaseFen = Math.max(state.capBaseFen, charged.capBaseFen);
  }
  // Every bill whose days were looked at is accrued through `through` (charged or not: disputed, paid).
  for (const window of windows) {
    const state = states.get(window.billId);
    if (!state) continue;
    state.accruedThrough = through;
    state.changed = true;
  }
  return [...states.values()];
}

/**
 * Charges every overdue bill of the account for the days up to `through` that it was not charged yet
 * (accrualStates); posts nothing. In the caller's transaction, under the account's money lock.
 */
export async function accrueLateFees(sql: Sql, tenantId: string, accountId: string, through: string, settings: CollectionSettings, at: Date): Promise<void> {
  for (const state of await accrualStates(sql, tenantId, accountId, through, settings, true)) {
    if (!state.changed) continue;
    await sql.query(
      `INSERT INTO late_fee_accruals (tenant_id, bill_id, account_id, basis, accrued_through, cap_base_fen, updated_at) VALUES ($1, $2, $3, $4::numeric, $5, $6, $7)
       ON CONFLICT (tenant_id, bill_id) DO UPDATE SET basis = EXCLUDED.basis, accrued_through = EXCLUDED.accrued_through, cap_base_fen = EXCLUDED.cap_base_fen, updated_at = EXCLUDED.updated_at`,
      [tenantId, state.billId, accountId, state.basis.toString(), state.accruedThrough, state.capBaseFen, at],
    );
  }
}

/**
 * Money asked for came in on `paidOn`: a withholding debit or an online order whose amount carried the late
 * fees up to the day before `askedOn` (a debit's bank took days; an order was paid at the channel within its validity,
 * credited when the notification — after midnight, or days later when it was lost and the payment found —
 * arrived). The days from askedOn to the day before paidOn are not charged: the amount asked for carried the
 * late fees up to askedOn, and the utility, not the customer, waited (for the bank, for the channel). Accrues
 * through the day before askedOn first, then marks every overdue bill accrued through the day before paidOn
 * with nothing added, and keeps the window (late_fee_waivers) so its days are never charged later.
 *
 * Days of the window already charged — an order closed unpaid, the days it waited then assessed, and its
 * payment credited later from reconciliation — are taken back: their basis comes off the bill's accrual, and
 * what was posted above the fee the bill now carries is reversed by a late-fee journal of its own (debit
 * late_fee_revenue; credit late_fee_receivable as far as late fees are still owed, the rest, already paid, to
 * prepaid), dated paidOn. Under the account's money lock; nothing to do when both are the same day.
 */
export async function waiveDaysAwaitingPayment(sql: Sql, tenantId: string, accountId: string, askedOn: string, paidOn: string, at: Date): Promise<void> {
  const through = addDays(paidOn, -1);
  if (through < askedOn) return;
  const settings = (await loadTenantSettings(sql)).collection;
  await lockAccountMoney(sql, tenantId, accountId, at);
  await accrueLateFees(sql, tenantId, accountId, addDays(askedOn, -1), settings, at);
  await takeBackChargedDays(sql, tenantId, accountId, { from: askedOn, to: through, on: paidOn }, settings, at);
  await sql.query('INSERT INTO late_fee_waivers (tenant_id, account_id, from_day, to_day, created_at) VALUES ($1, $2, $3, $4, $5)', [tenantId, accountId, askedOn, through, at]);
  await sql.query(
    `INSERT INTO late_fee_accruals (tenant_id, bill_id, account_id, accrued_through, updated_at)
     SELECT $1, b.id, b.account_id, $3, $4 FROM bills b WHERE b.account_id = $2 AND b.kind = 'regular' AND b.due_on < $3::date - $5::int
     ON CONFLICT (tenant_id, bill_id) DO UPDATE SET accrued_through = greatest(late_fee_accruals.accrued_through, EXCLUDED.accrued_through), updated_at = EXCLUDED.updated_at`,
    [tenantId, accountId, through, at, settings.lateFeeGraceDays],
  );
}

/**
 * Takes back the days `from`…`to` that the account's bills were already charged (not those under dispute or
 * waived before: they never were), lowers each bill's cap base to the largest principal of the days that stay
 * charged, and reverses the late fees posted above what the bill now carries (waiveDaysAwaitingPayment).
 */
async function takeBackChargedDays(sql: Sql, tenantId: string, accountId: string, window: { from: string; to: string; on: string }, settings: CollectionSettings, at: Date): Promise<void> {
  const rows = await sql.query<AccrualRow & { bill_no: string; due_on: string }>(
    `SELECT l.bill_id, l.basis::text AS basis, l.accrued_through::text AS accrued_through, l.cap_base_fen, l.posted_fen, b.bill_no, b.due_on::text AS due_on
     FROM late_fee_accruals l JOIN bills b ON b.id = l.bill_id WHERE l.account_id = $1 AND l.accrued_through >= $2 ORDER BY b.period FOR UPDATE OF l`,
    [accountId, window.from],
  );
  if (rows.length === 0) return;
  // Through the last day any bill was charged: the days of the window, and those that stay charged after it.
  const lastCharged = rows.reduce((last, row) => (row.accrued_through > last ? row.accrued_through : last), window.from);
  const charging = await chargingContextOf(sql, tenantId, accountId, lastCharged);
  let feesOwed = await lateFeesOwedFen(sql, accountId);
  let toPrepaid = 0;
  const journals: Journal[] = [];
  for (const row of rows) {
    const first = firstChargeableDay(row.due_on, settings.lateFeeGraceDays);
    const from = window.from > first ? window.from : first;
    const to = row.accrued_through < window.to ? row.accrued_through : window.to;
    const charged = chargeDays({ from, to, changes: charging.changes, principalOn: charging.principalOn(row.bill_id), disputed: charging.exemptOf(row.bill_id), dailyRate: settings.lateFeeDailyRate });
    if (charged.basis === 0n) continue;
    const before = BigInt(row.basis);
    const basis = before > charged.basis ? before - charged.basis : 0n;
    // The cap base is the largest principal of the days charged: the days that stay charged (the bill's first
    // chargeable day through its accrued_through, without its disputes, the days waived before and this window)
    // are charged again as accrual charges them, for their largest principal only. Never raised: a principal that
    // peaked only in the window no longer counts.
    const kept = chargeDays({ from: first, to: row.accrued_through, changes: charging.changes, principalOn: charging.principalOn(row.bill_id), disputed: [...charging.exemptOf(row.bill_id), { from: window.from, to: window.to }], dailyRate: settings.lateFeeDailyRate });
    const capBaseFen = Math.min(row.cap_base_fen, kept.capBaseFen);
    const excess = row.posted_fen - feeTarget(basis, capBaseFen, settings.lateFeeCapPercent);
    const reversed = excess > 0 ? excess : 0;
    await sql.query('UPDATE late_fee_accruals SET basis = $2::numeric, cap_base_fen = $3, posted_fen = posted_fen - $4, updated_at = $5 WHERE bill_id = $1', [row.bill_id, basis.toString(), capBaseFen, reversed, at]);
    if (reversed === 0) continue;
    const fromOwed = Math.min(reversed, feesOwed);
    feesOwed -= fromOwed;
    toPrepaid += reversed - fromOwed;
    journals.push({
      accountId,
      entryType: 'late_fee',
      billId: row.bill_id,
      businessDate: window.on,
      postedAt: at,
      description: `冲回滞纳金 ${row.bill_no}（${from} 至 ${to} 等待缴费到账，免计）`,
      legs: [
        { ledgerAccount: 'late_fee_revenue', debitFen: reversed, creditFen: 0 },
        ...(fromOwed > 0 ? [{ ledgerAccount: 'late_fee_receivable' as const, debitFen: 0, creditFen: fromOwed }] : []),
        ...(reversed > fromOwed ? [{ ledgerAccount: 'prepaid' as const, debitFen: 0, creditFen: reversed - fromOwed }] : []),
      ],
    });
  }
  if (journals.length > 0) await postJournals(sql, tenantId, journals);
  if (toPrepaid > 0) await sql.query('UPDATE prepaid_balances SET balance_fen = balance_fen + $2, updated_at = $3 WHERE account_id = $1', [accountId, toPrepaid, at]);
}

/**
 * The late fees an account owes on `today`, brought up to date without writing anything: what is posted and
 * unpaid, plus what an assessment today would post (accrued through yesterday, capped). This is what a
 * payment made today settles after the principal (the payment itself posts the rest first).
 */
export async function lateFeesDueFen(sql: Sql, tenantId: string, accountId: string, today: string, settings?: CollectionSettings): Promise<number> {
  const collection = settings ?? (await loadTenantSettings(sql)).collection;
  const posted = await lateFeesOwedFen(sql, accountId);
  let pending = 0;
  for (const state of await accrualStates(sql, tenantId, accountId, addDays(today, -1), collection, false)) {
    pending += feeToPost(feeTarget(state.basis, state.capBaseFen, collection.lateFeeCapPercent), state.postedFen);
  }
  return posted + pending;
}

/**
 * Before money moves on an account (a payment or a deduction from the prepaid balance on `businessDate`):
 * late fees are assessed through the day before, so the payment settles them up to date and none is left
 * owed for the days before it.
 */
export async function assessBeforePayment(sql: Sql, tenantId: string, accountId: string, day: string, at: Date): Promise<number> {
  const settings = (await loadTenantSettings(sql)).collection;
  return assessLateFees(sql, tenantId, accountId, day, settings, at);
}

/**
 * Assesses an account's late fees on `today`: accrues through yesterday, then posts for each bill the
 * target less what was posted (debit late_fee_receivable, credit late_fee_revenue). Returns the fen posted.
 * Assessing again on the same day posts nothing.
 */
export async function assessLateFees(sql: Sql, tenantId: string, accountId: string, today: string, settings: CollectionSettings, at: Date): Promise<number> {
  // Most payments are of accounts with nothing overdue and no accrual: one look, and nothing to do.
  const [work] = await sql.query<{ has_work: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM bills WHERE account_id = $1 AND kind = 'regular' AND due_on < $2::date - 1 - $3::int)
         OR EXISTS (SELECT 1 FROM late_fee_accruals WHERE account_id = $1) AS has_work`,
    [accountId, today, settings.lateFeeGraceDays],
  );
  if (!work?.has_work) return 0;
  await lockAccountMoney(sql, tenantId, accountId, at);
  await accrueLateFees(sql, tenantId, accountId, addDays(today, -1), settings, at);
  const rows = await sql.query<AccrualRow & { bill_no: string }>(
    `SELECT l.bill_id, l.basis::text AS basis, l.accrued_through, l.cap_base_fen, l.posted_fen, b.bill_no
     FROM late_fee_accruals l JOIN bills b ON b.id = l.bill_id WHERE l.account_id = $1 ORDER BY b.period`,
    [accountId],
  );
  const journals: Journal[] = [];
  let total = 0;
  for (const row of rows) {
    const amount = feeToPost(feeTarget(BigInt(row.basis), row.cap_base_fen, settings.lateFeeCapPercent), row.posted_fen);
    if (amount === 0) continue;
    total += amount;
    journals.push({
      accountId,
      entryType: 'late_fee',
      billId: row.bill_id,
      businessDate: today,
      postedAt: at,
      description: `滞纳金 ${row.bill_no}（计至 ${row.accrued_through}）`,
      legs: [
        { ledgerAccount: 'late_fee_receivable', debitFen: amount, creditFen: 0 },
        { ledgerAccount: 'late_fee_revenue', debitFen: 0, creditFen: amount },
      ],
    });
    await sql.query('UPDATE late_fee_accruals SET posted_fen = posted_fen + $2, updated_at = $3 WHERE bill_id = $1', [row.bill_id, amount, at]);
  }
  if (journals.length > 0) await postJournals(sql, tenantId, journals);
  return total;
}
