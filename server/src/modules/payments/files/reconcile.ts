/**
 * Reconciliation (对账): a channel's statement against the ledger's payments and refunds of the same channel and
 * period. Pure and O(n): one map of the ledger by key, one pass over the statement. A payment is keyed by its
 * order number; a refund by order number and refund number (Alipay's refund request number is unique only
 * within its trade). Every row on both sides ends up either matched or in exactly one difference.
 */
import type { StatementChannel, StatementRow } from './statement';

export interface LedgerPayment {
  outTradeNo: string;
  channel: StatementChannel;
  amountFen: number;
  kind: 'payment' | 'refund';
  /** Required for a refund. */
  outRefundNo?: string | null;
}

interface DifferenceBase {
  channel: StatementChannel;
  kind: 'payment' | 'refund';
  outTradeNo: string;
  outRefundNo: string | null;
  zh: string;
  en: string;
}

export type ReconcileDifference =
  | (DifferenceBase & { type: 'missing_in_ledger'; statementLine: number; statementFen: number })
  | (DifferenceBase & { type: 'missing_in_statement'; ledgerIndex: number; ledgerFen: number })
  | (DifferenceBase & { type: 'amount_mismatch'; statementLine: number; ledgerIndex: number; statementFen: number; ledgerFen: number })
  | (DifferenceBase & { type: 'duplicate_in_statement'; statementLine: number; firstStatementLine: number; statementFen: number })
  | (DifferenceBase & { type: 'duplicate_in_ledger'; ledgerIndex: number; firstLedgerIndex: number; ledgerFen: number });

export type ReconcileDifferenceType = ReconcileDifference['type'];

export interface SideTotals {
  rows: number;
  paymentFen: number;
  refundFen: number;
}

export interface ReconcileResult {
  /** Pairs of a statement row and a ledger entry with the same key and amount. */
  matched: SideTotals;
  statement: SideTotals;
  ledger: SideTotals;
  /** In statement order, then the ledger entries the statement never mentioned, in ledger order. */
  differences: ReconcileDifference[];
  /** How many differences of each type. */
  counts: Record<ReconcileDifferenceType, number>;
}

// \u0000 cannot occur in an order number, so the key is unambiguous.
const paymentKey = (channel: string, outTradeNo: string) => `${channel}\u0000P\u0000${outTradeNo}`;
const refundKey = (channel: string, outTradeNo: string, outRefundNo: string) => `${channel}\u0000R\u0000${outTradeNo}\u0000${outRefundNo}`;

const statementKey = (row: StatementRow) => (row.state === 'refund' ? refundKey(row.channel, row.outTradeNo, row.outRefundNo ?? '') : paymentKey(row.channel, row.outTradeNo));
const ledgerKey = (entry: LedgerPayment) => (entry.kind === 'refund' ? refundKey(entry.channel, entry.outTradeNo, entry.outRefundNo ?? '') : paymentKey(entry.channel, entry.outTradeNo));
const statementFen = (row: StatementRow) => (row.state === 'refund' ? row.refundFen : row.amountFen);

const emptyTotals = (): SideTotals => ({ rows: 0, paymentFen: 0, refundFen: 0 });
function addTo(totals: SideTotals, kind: 'payment' | 'refund', fen: number) {
  totals.rows += 1;
  if (kind === 'payment') totals.paymentFen += fen;
  else totals.refundFen += fen;
}

const what = (kind: 'payment' | 'refund', outTradeNo: string, outRefundNo: string | null) =>
  kind === 'refund' ? { zh: `订单 ${outTradeNo} 的退款 ${outRefundNo ?? ''}`, en: `refund ${outRefundNo ?? ''} of order ${outTradeNo}` } : { zh: `订单 ${outTradeNo}`, en: `order ${outTradeNo}` };

export function reconcile(statementRows: readonly StatementRow[], ledgerPayments: readonly LedgerPayment[]): ReconcileResult {
  const result: ReconcileResult = {
    matched: emptyTotals(),
    statement: emptyTotals(),
    ledger: emptyTotals(),
    differences: [],
    counts: { missing_in_ledger: 0, missing_in_statement: 0, amount_mismatch: 0, duplicate_in_statement: 0, duplicate_in_ledger: 0 },
  };
  const push = (difference: ReconcileDifference) => {
    result.differences.push(difference);
    result.counts[difference.type] += 1;
  };
  const ledgerDuplicates: ReconcileDifference[] = [];
  const ledgerByKey = new Map<string, { index: number; entry: LedgerPayment; isUsed: boolean }>();
  ledgerPayments.forEach((entry, index) => {
    addTo(result.ledger, entry.kind, entry.amountFen);
    const key = ledgerKey(entry);
    const first = ledgerByKey.get(key);
    if (first) {
      const subject = what(entry.kind, entry.outTradeNo, entry.outRefundNo ?? null);
      ledgerDuplicates.push({ type: 'duplicate_in_ledger', channel: entry.channel, kind: entry.kind, outTradeNo: entry.outTradeNo, outRefundNo: entry.outRefundNo ?? null, ledgerIndex: index, firstLedgerIndex: first.index, ledgerFen: entry.amountFen, zh: `${subject.zh}在账务中重复记录`, en: `${subject.en} is recorded twice in the ledger` });
    } else ledgerByKey.set(key, { index, entry, isUsed: false });
  });

  const statementFirstLine = new Map<string, number>();
  for (const row of statementRows) {
    const kind = row.state === 'refund' ? 'refund' : 'payment';
    const fen = statementFen(row);
    addTo(result.statement, kind, fen);
    const key = statementKey(row);
    const base = { channel: row.channel, kind, outTradeNo: row.outTradeNo, outRefundNo: row.outRefundNo } as const;
    const subject = what(kind, row.outTradeNo, row.outRefundNo);
    const firstLine = statementFirstLine.get(key);
    if (firstLine !== undefined) {
      push({ ...base, type: 'duplicate_in_statement', statementLine: row.line, firstStatementLine: firstLine, statementFen: fen, zh: `${subject.zh}在对账单中重复出现（首次在第 ${firstLine} 行）`, en: `${subject.en} appears twice in the statement (first on line ${firstLine})` });
      continue;
    }
    statementFirstLine.set(key, row.line);
    const ledger = ledgerByKey.get(key);
    if (!ledger) {
      push({ ...base, type: 'missing_in_ledger', statementLine: row.line, statementFen: fen, zh: `${subject.zh}在渠道对账单中有（${fen} 分），账务中没有`, en: `${subject.en} is in the channel statement (${fen} fen) but not in the ledger` });
      continue;
    }
    ledger.isUsed = true;
    if (ledger.entry.amountFen !== fen) {
      push({ ...base, type: 'amount_mismatch', statementLine: row.line, ledgerIndex: ledger.index, statementFen: fen, ledgerFen: ledger.entry.amountFen, zh: `${subject.zh}金额不符：对账单 ${fen} 分，账务 ${ledger.entry.amountFen} 分`, en: `${subject.en}: the statement says ${fen} fen, the ledger ${ledger.entry.amountFen} fen` });
      continue;
    }
    addTo(result.matched, kind, fen);
  }

  for (const ledger of ledgerByKey.values()) {
    if (ledger.isUsed) continue;
    const { entry } = ledger;
    const subject = what(entry.kind, entry.outTradeNo, entry.outRefundNo ?? null);
    push({ type: 'missing_in_statement', channel: entry.channel, kind: entry.kind, outTradeNo: entry.outTradeNo, outRefundNo: entry.outRefundNo ?? null, ledgerIndex: ledger.index, ledgerFen: entry.amountFen, zh: `${subject.zh}在账务中有（${entry.amountFen} 分），渠道对账单中没有`, en: `${subject.en} is in the ledger (${entry.amountFen} fen) but not in the channel statement` });
  }
  for (const duplicate of ledgerDuplicates) push(duplicate);
  return result;
}
