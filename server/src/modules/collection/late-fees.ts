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
 * Days are brought up to date (basis only, nothing posted) before anything changes the principal — a
 * payment or a deduction from the prepaid balance calls accrueLateFees(through = its business day − 1) —
 * so a payment stops accrual on what it paid from its own business day on. Late fees are owed on the
 * ledger account 'late_fee_receivable'; payments settle them after the principal of every bill.
 */
import type { Sql } from '../../platform/db/database';
import { standingsOf } from '../bills';
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

/**
 * Charges every overdue bill of the account for the days up to `through` that it was not charged yet,
 * on the principal unpaid now; posts nothing. In the caller's transaction, under the account's money lock.
 */
export async function accrueLateFees(sql: Sql, tenantId: string, accountId: string, through: string, settings: CollectionSettings, at: Date): Promise<void> {
  const [account] = await sql.query<{ category: string }>('SELECT category FROM accounts WHERE id = $1', [accountId]);
  if (!account || (account.category === 'residential' && !settings.lateFeeOnResidential)) return;
  // Bills whose first chargeable day is on or before `through`.
  const bills = await sql.query<{ id: string; due_on: string }>(
    "SELECT id, due_on FROM bills WHERE account_id = $1 AND kind = 'regular' AND due_on < $2::date - $3::int ORDER BY period",
    [accountId, through, settings.lateFeeGraceDays],
  );
  if (bills.length === 0) return;
  const unpaid = await unpaidPrincipalByBill(sql, accountId, through);
  const existing = new Map(
    (await sql.query<AccrualRow>('SELECT bill_id, basis::text AS basis, accrued_through, cap_base_fen, posted_fen FROM late_fee_accruals WHERE account_id = $1 FOR UPDATE', [accountId])).map((row) => [row.bill_id, row]),
  );
  for (const bill of bills) {
    const row = existing.get(bill.id);
    const principal = unpaid.get(bill.id) ?? 0;
    if (!row && principal === 0) continue;
    const days = chargeableDays(firstChargeableDay(bill.due_on, settings.lateFeeGraceDays), row?.accrued_through ?? null, through);
    if (days === 0) continue;
    const basis = accrueBasis(BigInt(row?.basis ?? '0'), principal, settings.lateFeeDailyRate, days);
    const capBase = Math.max(row?.cap_base_fen ?? 0, principal);
    await sql.query(
      `INSERT INTO late_fee_accruals (tenant_id, bill_id, account_id, basis, accrued_through, cap_base_fen, updated_at) VALUES ($1, $2, $3, $4::numeric, $5, $6, $7)
       ON CONFLICT (tenant_id, bill_id) DO UPDATE SET basis = EXCLUDED.basis, accrued_through = EXCLUDED.accrued_through, cap_base_fen = EXCLUDED.cap_base_fen, updated_at = EXCLUDED.updated_at`,
      [tenantId, bill.id, accountId, basis.toString(), through, capBase, at],
    );
  }
}

/** Brings accrual up to the day before `businessDate`, before a payment or deduction changes the principal. */
export async function accrueBeforePayment(sql: Sql, tenantId: string, accountId: string, businessDate: string, at: Date): Promise<void> {
  const settings = (await loadTenantSettings(sql)).collection;
  await accrueLateFees(sql, tenantId, accountId, addDays(businessDate, -1), settings, at);
}

/**
 * Assesses an account's late fees on `today`: accrues through yesterday, then posts for each bill the
 * target less what was posted (debit late_fee_receivable, credit late_fee_revenue). Returns the fen posted.
 * Assessing again on the same day posts nothing.
 */
export async function assessLateFees(sql: Sql, tenantId: string, accountId: string, today: string, settings: CollectionSettings, at: Date): Promise<number> {
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
