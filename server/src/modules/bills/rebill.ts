import type { Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError } from '../../platform/errors';
import { accountBalanceFen } from '../ledger';
import { categoryChangesAfter, categorySpans, computeCharges, loadTariffBook, versionsForSpans, type ChargeResult } from '../tariffs';
import { issueNote, lockBillForAdjustment, REASON_NAMES, type AdjustedBill, type NoteLine } from './adjustments';
import { allocate, postedSplit, splitOfLines } from './ledger-split';
import { formatCubicMetres } from './format';
import { findAccountForBills, linesOf, type BillLineRow } from './rows';
import type { AdjustmentResult, BillNote, RebillRequest } from './schemas';

const noTariff = (): DomainError =>
  new DomainError('validation', 'no_tariff', '该账期没有适用的水价，无法重新计费', 'No tariff applies to the bill\'s period, so it cannot be re-billed', [
    { field: 'correctConsumptionLitres', zh: '无适用水价', en: 'no tariff applies' },
  ]);

/**
 * The lines a credit note for everything the bill now stands at takes back: the bill's and its notes' lines
 * added up by kind, tier and price, each negated. They add up to minus the remaining amount.
 */
function reversalLines(lines: readonly BillLineRow[]): NoteLine[] {
  const groups = new Map<string, NoteLine>();
  for (const line of lines) {
    const key = [line.line_type, line.tier, line.unit_price_fen_per_m3, line.line_type === 'adjustment' || line.line_type === 'fixed' ? line.description : ''].join('|');
    const group = groups.get(key);
    if (group) {
      group.amountFen -= line.amount_fen;
      if (group.quantityLitres !== null && line.quantity_litres !== null) group.quantityLitres -= line.quantity_litres;
    } else {
      groups.set(key, {
        lineType: line.line_type,
        tier: line.tier,
        quantityLitres: line.quantity_litres === null ? null : -line.quantity_litres,
        unitPriceFenPerM3: line.unit_price_fen_per_m3,
        amountFen: -line.amount_fen,
        tariffVersionId: line.tariff_version_id,
        description: line.description,
      });
    }
  }
  return [...groups.values()].filter((line) => line.amountFen !== 0);
}

/** What the bill's period costs at the correct consumption, by the tariffs in force then. */
async function recompute(sql: Sql, adjusted: AdjustedBill, correctConsumptionLitres: number): Promise<ChargeResult> {
  const { original } = adjusted;
  const account = await findAccountForBills(sql, original.account_id);
  const book = await loadTariffBook(sql, original.period_start, original.period_end);
  // The categories the account had in the period (a change inside it cuts the period, prorated by days).
  const changes = await categoryChangesAfter(sql, original.account_id, original.period_start);
  const found = versionsForSpans(book, categorySpans({ accountClass: account.category, waterCategoryId: account.waterCategoryId }, changes, original.period_start, original.period_end), original.period_start, original.period_end);
  if ('problem' in found) throw noTariff();
  const versions = found.versions;
  // Tiers count the year's use before this period: the bills of those periods with their notes.
  const earlier = await sql.query<{ litres: number }>(
    'SELECT coalesce(sum(consumption_litres), 0)::int8 AS litres FROM bills WHERE account_id = $1 AND period >= $2 AND period < $3',
    [original.account_id, `${original.period.slice(0, 4)}-01`, original.period],
  );
  return computeCharges({
    periodStart: original.period_start,
    periodEnd: original.period_end,
    consumptionLitres: correctConsumptionLitres,
    householdSize: account.householdSize,
    usedEarlierInTierYearLitres: Math.max(earlier[0]?.litres ?? 0, 0),
    versions,
  });
}

/**
 * Re-bills a period with the correct consumption (a wrong reading, a calibration result): a credit note
 * for everything the bill now stands at (its lines and every earlier note's, reversed) and a debit note
 * with the charges recomputed by the tariff engine, in one transaction, so either both exist or neither.
 * The bill itself is never touched. A correct bill of nothing needs no debit note.
 */
export async function rebill(context: PlatformContext, tenantId: string, billId: string, request: RebillRequest, actor: Actor): Promise<AdjustmentResult> {
  return context.db.withTenant(tenantId, (sql) => rebillInTransaction(context, sql, tenantId, billId, request, actor));
}

/** rebill in the caller's transaction (a calibration found out of tolerance re-bills several periods at once). */
export async function rebillInTransaction(context: PlatformContext, sql: Sql, tenantId: string, billId: string, request: RebillRequest, actor: Actor): Promise<AdjustmentResult> {
  const adjusted = await lockBillForAdjustment(sql, billId);
  const charges = await recompute(sql, adjusted, request.correctConsumptionLitres);
  const billIds = [adjusted.original.id, ...adjusted.notes.map((note) => note.id)];
  const lines = await linesOf(sql, billIds);
  const standing = adjusted.notes.reduce((sum, note) => sum + note.consumption_litres, adjusted.original.consumption_litres);
  const note = request.note ?? `${REASON_NAMES[request.reason].zh}，按正确用水量 ${formatCubicMetres(request.correctConsumptionLitres)} m³ 重新计费`;
  const issued: BillNote[] = [];
  if (adjusted.remainingFen > 0 || standing !== 0) {
    const reversal = reversalLines(billIds.flatMap((id) => lines.get(id) ?? []));
    const reversedFen = -reversal.reduce((sum, line) => sum + line.amountFen, 0);
    if (reversedFen !== adjusted.remainingFen) {
      throw new Error(`bill ${adjusted.original.bill_no}: its lines add up to ${reversedFen} fen but it stands at ${adjusted.remainingFen}`);
    }
    issued.push(
      await issueNote(
        context,
        sql,
        tenantId,
        adjusted,
        {
          kind: 'credit_note',
          reason: request.reason,
          note,
          consumptionLitres: -standing,
          lines: reversal,
          split: allocate(reversedFen, await postedSplit(sql, billIds)),
        },
        actor,
      ),
    );
  }
  if (charges.lines.length > 0 && (charges.totalFen !== 0 || request.correctConsumptionLitres !== 0)) {
    issued.push(
      await issueNote(
        context,
        sql,
        tenantId,
        adjusted,
        {
          kind: 'debit_note',
          reason: request.reason,
          note,
          consumptionLitres: request.correctConsumptionLitres,
          lines: charges.lines.map((line) => ({ ...line })),
          split: splitOfLines(charges.lines),
        },
        actor,
      ),
    );
  }
  return { notes: issued, remainingFen: adjusted.remainingFen, balanceFen: await accountBalanceFen(sql, adjusted.original.account_id) };
}

/** litres × 10000 / (10000 + error), half-up: the water that flowed through a meter registering `error` (0.01 %) off. */
export function correctedForMeterError(litres: number, errorHundredthsPercent: number): number {
  const denominator = 10_000 + errorHundredthsPercent;
  const numerator = litres * 10_000;
  const quotient = Math.floor(numerator / denominator);
  return 2 * (numerator - quotient * denominator) >= denominator ? quotient + 1 : quotient;
}

/**
 * 退补: a calibration test found the meter out of tolerance. Every regular bill of the account from
 * `fromPeriod` that began on or before the meter came off (`through`) is re-billed (credit note for what it
 * stands at, debit note at the corrected water) with the water it now stands at corrected for the error;
 * bills whose water does not change are left alone. In the caller's transaction; returns the notes issued
 * per bill. Issued bills are never edited.
 */
export async function rebillForMeterError(
  context: PlatformContext,
  sql: Sql,
  tenantId: string,
  input: { accountId: string; fromPeriod: string; through: string; errorHundredthsPercent: number; note: string },
  actor: Actor,
): Promise<{ billNo: string; period: string; standingLitres: number; correctLitres: number; notes: BillNote[] }[]> {
  if (!Number.isSafeInteger(input.errorHundredthsPercent) || input.errorHundredthsPercent <= -10_000) {
    throw new DomainError('validation', 'validation_failed', '误差无效', 'The error is not valid', [{ field: 'errorHundredthsPercent', zh: '须大于 -100%', en: 'must be above -100 %' }]);
  }
  const bills = await sql.query<{ id: string; bill_no: string; period: string; standing: number }>(
    `SELECT b.id, b.bill_no, b.period, (b.consumption_litres + coalesce((SELECT sum(n.consumption_litres) FROM bills n WHERE n.adjusts_bill_id = b.id), 0))::int8 AS standing
     FROM bills b WHERE b.account_id = $1 AND b.kind = 'regular' AND b.period >= $2 AND b.period_start <= $3::date ORDER BY b.period, b.period_start`,
    [input.accountId, input.fromPeriod, input.through],
  );
  const results: { billNo: string; period: string; standingLitres: number; correctLitres: number; notes: BillNote[] }[] = [];
  for (const bill of bills) {
    if (bill.standing <= 0) continue;
    const correct = correctedForMeterError(bill.standing, input.errorHundredthsPercent);
    if (correct === bill.standing) continue;
    const outcome = await rebillInTransaction(context, sql, tenantId, bill.id, { correctConsumptionLitres: correct, reason: 'calibration', note: input.note }, actor);
    results.push({ billNo: bill.bill_no, period: bill.period, standingLitres: bill.standing, correctLitres: correct, notes: outcome.notes });
  }
  return results;
}
