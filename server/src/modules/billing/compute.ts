import type { Journal, LedgerAccount, Leg } from '../ledger';
import { categorySpans, changesFromJson, computeCharges, versionsForSpans, type CategoryChangeRow, type ChargeLine, type TariffBook } from '../tariffs';
import { LINE_TYPES, type LineType, type SkipReason } from './schemas';

/** One account of a chunk as the chunk's single input query returns it. */
export interface AccountInput {
  account_id: string;
  /** null when the account no longer exists. */
  status: 'active' | 'suspended' | 'closing' | 'closed' | null;
  category: 'residential' | 'non_residential' | 'special' | null;
  water_category_id: string | null;
  household_size: number | null;
  /** From period_consumption(): null when no counted reading was read in the period. */
  consumption_litres: number | null;
  is_estimated: boolean | null;
  /** Whether the account's regular bills already reach the period's last day. */
  billed: boolean;
  /**
   * The last day of a partial regular bill of the period (a holder change billed the old holder up to a
   * final reading), null when there is none: the run bills the days after it.
   */
  billed_through: string | null;
  /** The water of the readings read from the period's start to billed_through (on that partial bill). */
  billed_litres: number | null;
  /** Water on the account's earlier regular bills of the same calendar year (yearly tiers). */
  used_earlier: number;
  /** The account's water-use category changes dated after the period's start (null when none). */
  category_changes: CategoryChangeRow[] | null;
}

function nextDay(date: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString().slice(0, 10);
}

export interface Period {
  period: string;
  start: string;
  end: string;
  /** YYYY-01 of the period's year: earlier bills of the year are those from here to before the period. */
  yearStart: string;
}

/** The calendar month a period names. */
export function periodRange(period: string): Period {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { period, start: `${period}-01`, end: `${period}-${String(lastDay).padStart(2, '0')}`, yearStart: `${year}-01` };
}

export interface ComputedBill {
  accountId: string;
  /** The period's first day, or the day after a partial bill of it. */
  periodStart: string;
  consumptionLitres: number;
  isEstimated: boolean;
  totalFen: number;
  lines: ChargeLine[];
}

export interface LineTotals {
  lines: number;
  amountFen: number;
}

/** What a chunk (and, summed, a run) billed. Stored with each chunk; a run's summary adds them up. */
export interface ChunkTotals {
  bills: number;
  totalFen: number;
  consumptionLitres: number;
  byLineType: Partial<Record<LineType, LineTotals>>;
  skipped: Partial<Record<SkipReason, number>>;
}

export interface ChunkBilling {
  bills: ComputedBill[];
  /** Account ids by the reason they got no bill. */
  skipped: Partial<Record<SkipReason, string[]>>;
  totals: ChunkTotals;
}

const emptyTotals = (): ChunkTotals => ({ bills: 0, totalFen: 0, consumptionLitres: 0, byLineType: {}, skipped: {} });

function skipReason(input: AccountInput): SkipReason | null {
  if (input.status === null) return 'account_missing';
  if (input.billed) return 'already_billed';
  // A closing account has had its final bill (a removal): nothing more is billed to it.
  if (input.status === 'closed' || input.status === 'closing') return 'account_closed';
  if (input.status === 'suspended') return 'account_suspended';
  if (input.consumption_litres === null) return 'no_reading';
  return null;
}

/**
 * Bills each account of a chunk with the tariff engine, or says why not. Pure: the same inputs always give
 * the same bills, which is what lets a killed chunk be redone without a trace.
 */
export function billAccounts(inputs: readonly AccountInput[], book: TariffBook, period: Period): ChunkBilling {
  const bills: ComputedBill[] = [];
  const skipped: Partial<Record<SkipReason, string[]>> = {};
  const totals = emptyTotals();
  const skip = (accountId: string, reason: SkipReason) => {
    (skipped[reason] ??= []).push(accountId);
    totals.skipped[reason] = (totals.skipped[reason] ?? 0) + 1;
  };
  for (const input of inputs) {
    const reason = skipReason(input);
    if (reason) {
      skip(input.account_id, reason);
      continue;
    }
    const periodStart = input.billed_through !== null && input.billed_through >= period.start ? nextDay(input.billed_through) : period.start;
    // The period's category, cut at each change of the account's water-use category inside it.
    const spans = categorySpans({ accountClass: input.category as NonNullable<AccountInput['category']>, waterCategoryId: input.water_category_id }, changesFromJson(input.category_changes), periodStart, period.end);
    const found = versionsForSpans(book, spans, periodStart, period.end);
    if ('problem' in found) {
      skip(input.account_id, found.problem);
      continue;
    }
    const versions = found.versions;
    // After a partial bill, the rest of the month's readings: the month's water less what that bill took.
    const consumptionLitres = (input.consumption_litres as number) - (periodStart === period.start ? 0 : (input.billed_litres ?? 0));
    let lines: ChargeLine[];
    try {
      ({ lines } = computeCharges({
        periodStart,
        periodEnd: period.end,
        consumptionLitres,
        householdSize: input.household_size ?? 1,
        usedEarlierInTierYearLitres: input.used_earlier,
        versions,
      }));
    } catch {
      skip(input.account_id, 'tariff_error');
      continue;
    }
    // The total is the sum of the lines, each already whole fen (rounded half-up by the tariff engine).
    let totalFen = 0;
    for (const line of lines) {
      if (!Number.isSafeInteger(line.amountFen)) throw new Error(`tariff engine returned ${line.amountFen} fen for account ${input.account_id}`);
      totalFen += line.amountFen;
      const byType = (totals.byLineType[line.lineType] ??= { lines: 0, amountFen: 0 });
      byType.lines += 1;
      byType.amountFen += line.amountFen;
    }
    bills.push({ accountId: input.account_id, periodStart, consumptionLitres, isEstimated: input.is_estimated === true, totalFen, lines });
    totals.bills += 1;
    totals.totalFen += totalFen;
    totals.consumptionLitres += consumptionLitres;
  }
  return { bills, skipped, totals };
}

/** Which ledger account each kind of line is owed to: revenue, or fees collected for others. */
export const LEDGER_ACCOUNT_OF_LINE: Record<LineType, LedgerAccount> = {
  water: 'water_revenue',
  over_quota: 'water_revenue',
  fixed: 'fixed_charge_revenue',
  sewage: 'sewage_fee_payable',
  resource: 'resource_fee_payable',
  adjustment: 'adjustment',
};

export interface JournalBill {
  id: string;
  billNo: string;
  accountId: string;
  totalFen: number;
  lines: readonly { lineType: LineType; amountFen: number }[];
}

/**
 * The journal of a batch of bills (a billing chunk): for each bill, its receivable leg on the customer's
 * account and bill, debited with the total (a negative total is a credit); and once for the batch, each
 * revenue or payable account credited with the sum of its lines over all the bills (a negative sum is a
 * debit). The customer ledger stays per account and bill; the utility's books get four legs per chunk
 * instead of three per bill (a million-account run: 1.0 million entries where it wrote 3.9 million), and
 * what each bill stands for on each revenue account is its lines (bills/ledger-split.ts). Null when the
 * bills come to nothing on every account.
 */
export function billingJournal(bills: readonly JournalBill[], businessDate: string, postedAt: Date, description: string): Journal | null {
  const receivables: Leg[] = [];
  const revenue = new Map<LedgerAccount, number>();
  for (const bill of bills) {
    for (const line of bill.lines) {
      const account = LEDGER_ACCOUNT_OF_LINE[line.lineType];
      revenue.set(account, (revenue.get(account) ?? 0) + line.amountFen);
    }
    if (bill.totalFen === 0) continue;
    const side = bill.totalFen > 0 ? { debitFen: bill.totalFen, creditFen: 0 } : { debitFen: 0, creditFen: -bill.totalFen };
    receivables.push({ ledgerAccount: 'receivable', ...side, accountId: bill.accountId, billId: bill.id, description: `账单 Bill ${bill.billNo}` });
  }
  const legs: Leg[] = [...receivables];
  for (const [ledgerAccount, amount] of revenue) {
    if (amount > 0) legs.push({ ledgerAccount, debitFen: 0, creditFen: amount });
    else if (amount < 0) legs.push({ ledgerAccount, debitFen: -amount, creditFen: 0 });
  }
  if (legs.length === 0) return null;
  return { accountId: null, entryType: 'bill', billId: null, businessDate, postedAt, description, legs };
}

/** Adds chunk totals up (a run's summary). */
export function addTotals(into: ChunkTotals, add: ChunkTotals): ChunkTotals {
  into.bills += add.bills;
  into.totalFen += add.totalFen;
  into.consumptionLitres += add.consumptionLitres;
  for (const [type, value] of Object.entries(add.byLineType) as [LineType, LineTotals][]) {
    const target = (into.byLineType[type] ??= { lines: 0, amountFen: 0 });
    target.lines += value.lines;
    target.amountFen += value.amountFen;
  }
  for (const [reason, count] of Object.entries(add.skipped) as [SkipReason, number][]) into.skipped[reason] = (into.skipped[reason] ?? 0) + count;
  return into;
}

export { emptyTotals, LINE_TYPES };
