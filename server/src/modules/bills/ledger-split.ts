import type { Sql } from '../../platform/db/database';
import type { LedgerAccount, Leg } from '../ledger';
import type { LineType } from './schemas';

/** The ledger account each kind of bill line is revenue (or a pass-through fee) of. */
export const LEDGER_ACCOUNT_OF_LINE: Record<LineType, LedgerAccount> = {
  water: 'water_revenue',
  over_quota: 'water_revenue',
  sewage: 'sewage_fee_payable',
  resource: 'resource_fee_payable',
  fixed: 'fixed_charge_revenue',
  adjustment: 'adjustment',
};

const REVENUE_ACCOUNTS: readonly LedgerAccount[] = ['water_revenue', 'sewage_fee_payable', 'resource_fee_payable', 'fixed_charge_revenue', 'adjustment', 'service_fee_revenue'];

/** Amounts per ledger account, in a stable order. */
export type Split = Map<LedgerAccount, number>;

/** Sums line amounts per ledger account. */
export function splitOfLines(lines: readonly { lineType: LineType; amountFen: number }[]): Split {
  const split: Split = new Map();
  for (const line of lines) {
    const account = LEDGER_ACCOUNT_OF_LINE[line.lineType];
    split.set(account, (split.get(account) ?? 0) + line.amountFen);
  }
  return split;
}

/**
 * What the bills and their notes stand for on each revenue and fee account (credits minus debits): a bill's
 * share is its lines (a billing chunk's journal credits revenue once for all its bills: billing/compute.ts
 * billingJournal), and each note's is its own journal's legs (notes post per note: allocate/noteLegs).
 */
export async function postedSplit(sql: Sql, billIds: readonly string[]): Promise<Split> {
  const lines = await sql.query<{ line_type: LineType; amount_fen: number }>(
    `SELECT l.line_type, sum(l.amount_fen)::int8 AS amount_fen FROM bills b JOIN bill_lines l ON l.bill_id = b.id
     WHERE b.id = ANY($1::uuid[]) AND b.kind = 'regular' GROUP BY l.line_type`,
    [billIds],
  );
  const notes = await sql.query<{ ledger_account: LedgerAccount; net: number }>(
    `SELECT ledger_account, sum(credit_fen - debit_fen)::int8 AS net FROM ledger_entries
     WHERE bill_id = ANY($1::uuid[]) AND entry_type IN ('credit_note', 'debit_note') AND ledger_account = ANY($2::text[])
     GROUP BY ledger_account`,
    [billIds, REVENUE_ACCOUNTS],
  );
  const split: Split = new Map(REVENUE_ACCOUNTS.map((account) => [account, 0]));
  const add = (account: LedgerAccount, fen: number) => split.set(account, (split.get(account) ?? 0) + fen);
  for (const line of lines) add(LEDGER_ACCOUNT_OF_LINE[line.line_type], line.amount_fen);
  for (const note of notes) add(note.ledger_account, note.net);
  return split;
}

/**
 * Shares `amountFen` out over the positive weights in proportion, in whole fen (largest remainder, ties to
 * the earlier account), so the shares add up exactly. With no positive weight it all goes to 'adjustment'.
 */
export function allocate(amountFen: number, weights: Split): Split {
  const positive = [...weights].filter(([, weight]) => weight > 0);
  const total = positive.reduce((sum, [, weight]) => sum + BigInt(weight), 0n);
  if (total === 0n) return new Map([['adjustment', amountFen]]);
  const amount = BigInt(amountFen);
  const shares = positive.map(([account, weight]) => {
    const exact = amount * BigInt(weight);
    return { account, share: exact / total, remainder: exact % total };
  });
  let left = amount - shares.reduce((sum, entry) => sum + entry.share, 0n);
  const byRemainder = [...shares].sort((first, second) => (second.remainder > first.remainder ? 1 : second.remainder < first.remainder ? -1 : 0));
  for (const entry of byRemainder) {
    if (left <= 0n) break;
    entry.share += 1n;
    left -= 1n;
  }
  return new Map(shares.filter((entry) => entry.share > 0n).map((entry) => [entry.account, Number(entry.share)]));
}

/**
 * The legs of a note's journal. A debit note raises the receivable and credits the split's accounts; a
 * credit note does the reverse. Negative split amounts (a line that reduces a fee) go to the other side.
 */
export function noteLegs(kind: 'credit_note' | 'debit_note', split: Split): Leg[] {
  const sign = kind === 'debit_note' ? 1 : -1;
  const legs: Leg[] = [];
  let receivable = 0;
  for (const [ledgerAccount, amount] of split) {
    const signed = amount * sign;
    if (signed === 0) continue;
    receivable += signed;
    legs.push(signed > 0 ? { ledgerAccount, debitFen: 0, creditFen: signed } : { ledgerAccount, debitFen: -signed, creditFen: 0 });
  }
  if (receivable !== 0) {
    legs.unshift(receivable > 0 ? { ledgerAccount: 'receivable', debitFen: receivable, creditFen: 0 } : { ledgerAccount: 'receivable', debitFen: 0, creditFen: -receivable });
  }
  return legs;
}
