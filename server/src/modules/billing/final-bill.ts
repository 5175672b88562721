/**
 * A final bill (结算账单) outside the monthly run: the water of an account up to a final reading, when its
 * holder changes (the old holder pays for their use) or its meter is removed (拆表销户). It is a regular bill
 * like a run's — the same tariff engine, lines and journal — covering the days after the account's last
 * regular bill through the final reading, so a month's run afterwards bills only what is left of the month
 * (chunk.ts: billed, billed_through). Written in the caller's transaction.
 */
import type { Actor } from '../../platform/audit/audit';
import { recordAudit } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue } from '../../platform/db/counters';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { insertBillLines } from '../bills';
import { postJournals } from '../ledger';
import { categoryChangesAfter, categorySpans, computeCharges, loadTariffBook, versionsForSpans, type AccountClass, type ChargeLine } from '../tariffs';
import { BILL_DUE_DAYS } from './chunk';
import { billingJournal } from './compute';

export interface FinalBill {
  id: string;
  billNo: string;
  period: string;
  periodStart: string;
  periodEnd: string;
  consumptionLitres: number;
  totalFen: number;
  lines: ChargeLine[];
}

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const daysFrom = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The longest stretch a final bill covers (the tariff engine prices at most 400 days in one call). */
const MAX_FINAL_DAYS = 400;

export interface FinalBillRequest {
  accountId: string;
  /** The final reading's day: the bill's last day. */
  through: string;
  issuedOn: string;
  /** What it is for, in the audit log (the application number and kind). */
  reference: Record<string, unknown>;
}

/**
 * Bills the account from the day after its last regular bill (or its opening) through `through`: the water
 * of the readings read in those days at the tariffs of its categories then. Null when its bills already
 * reach that day (a run billed the final reading's month already): nothing is left to bill.
 */
export async function issueFinalBill(context: PlatformContext, sql: Sql, tenantId: string, request: FinalBillRequest, actor: Actor): Promise<FinalBill | null> {
  const [account] = await sql.query<{ account_no: string; customer_id: string; category: AccountClass; water_category_id: string | null; household_size: number; opened_on: string }>(
    'SELECT account_no, customer_id, category, water_category_id, household_size, opened_on::text AS opened_on FROM accounts WHERE id = $1',
    [request.accountId],
  );
  if (!account) throw notFound({ zh: '账户', en: 'Account' });
  const [billed] = await sql.query<{ through: string | null }>("SELECT max(period_end)::text AS through FROM bills WHERE account_id = $1 AND kind = 'regular'", [request.accountId]);
  const periodStart = billed?.through ? addDays(billed.through, 1) : account.opened_on;
  const periodEnd = request.through;
  if (periodStart > periodEnd) return null;
  if (daysFrom(periodStart, periodEnd) + 1 > MAX_FINAL_DAYS) {
    throw new DomainError('conflict', 'unbilled_too_long', `账户自 ${periodStart} 起未出账，超过 ${MAX_FINAL_DAYS} 天，请先补出月度账单`, `The account is unbilled since ${periodStart}, more than ${MAX_FINAL_DAYS} days: bill its months first`, [
      { field: 'accountId', zh: `自 ${periodStart} 起未出账`, en: `unbilled since ${periodStart}` },
    ]);
  }
  const period = periodEnd.slice(0, 7);
  const [use] = await sql.query<{ consumption_litres: number | null; is_estimated: boolean | null }>('SELECT consumption_litres, is_estimated FROM period_consumption($1::date, $2::date, ARRAY[$3::uuid])', [periodStart, periodEnd, request.accountId]);
  const consumptionLitres = use?.consumption_litres ?? 0;
  const [earlier] = await sql.query<{ litres: number }>(
    "SELECT coalesce(sum(consumption_litres), 0)::int8 AS litres FROM bills WHERE account_id = $1 AND period >= $2 AND period_end < $3::date",
    [request.accountId, `${periodStart.slice(0, 4)}-01`, periodStart],
  );
  const book = await loadTariffBook(sql, periodStart, periodEnd);
  const spans = categorySpans({ accountClass: account.category, waterCategoryId: account.water_category_id }, await categoryChangesAfter(sql, request.accountId, periodStart), periodStart, periodEnd);
  const found = versionsForSpans(book, spans, periodStart, periodEnd);
  if ('problem' in found) {
    throw new DomainError('validation', found.problem, `${periodStart} 至 ${periodEnd} 没有适用的水价，无法出具结算账单`, `No tariff applies from ${periodStart} to ${periodEnd}: the final bill cannot be issued`, [{ field: 'accountId', zh: '无适用水价', en: 'no tariff applies' }]);
  }
  const { lines, totalFen } = computeCharges({
    periodStart,
    periodEnd,
    consumptionLitres,
    householdSize: account.household_size,
    usedEarlierInTierYearLitres: Math.max(earlier?.litres ?? 0, 0),
    versions: found.versions,
  });
  const billNo = `${period.replace('-', '')}-${String(await nextCounterValue(sql, tenantId, 'bill_no', 0)).padStart(8, '0')}`;
  const now = context.clock.now();
  const [inserted] = await sql.query<{ id: string }>(
    `INSERT INTO bills (tenant_id, bill_no, kind, account_id, period, period_start, period_end, consumption_litres, is_estimated, total_fen, issued_on, due_on, created_at)
     VALUES ($1, $2, 'regular', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [tenantId, billNo, request.accountId, period, periodStart, periodEnd, consumptionLitres, use?.is_estimated === true, totalFen, request.issuedOn, addDays(request.issuedOn, BILL_DUE_DAYS), now],
  );
  const id = (inserted as { id: string }).id;
  await insertBillLines(sql, tenantId, id, lines);
  const journal = billingJournal([{ id, billNo, accountId: request.accountId, totalFen, lines }], request.issuedOn, now, `结算账单 ${billNo} Final bill`);
  if (journal) await postJournals(sql, tenantId, [journal]);
  await recordAudit(sql, tenantId, actor, now, {
    action: 'bill.final',
    objectType: 'bill',
    objectId: id,
    customerId: account.customer_id,
    after: { billNo, accountNo: account.account_no, period, periodStart, periodEnd, consumptionLitres, totalFen, ...request.reference },
  });
  return { id, billNo, period, periodStart, periodEnd, consumptionLitres, totalFen, lines };
}

/** The last day the account's regular bills reach (null when it has none): readings on or before it are billed. */
export async function billedThrough(sql: Sql, accountId: string): Promise<string | null> {
  const [row] = await sql.query<{ through: string | null }>("SELECT max(period_end)::text AS through FROM bills WHERE account_id = $1 AND kind = 'regular'", [accountId]);
  return row?.through ?? null;
}
