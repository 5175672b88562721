import { describe, expect, it } from 'vitest';
import { parseStatement } from './parse';
import { reconcile, type LedgerPayment } from './reconcile';
import type { StatementRow } from './statement';
import { renderWechatTradeBill, type StatementRowInput } from './wechat';

const orderNo = (index: number) => `SW2026010500${String(index).padStart(5, '0')}`;

/** 4,900 payments and 100 refunds of a day, as the channel and the ledger both saw them. */
function agreeingDay(): { rows: StatementRowInput[]; ledger: LedgerPayment[] } {
  const rows: StatementRowInput[] = [];
  const ledger: LedgerPayment[] = [];
  for (let index = 0; index < 4_900; index += 1) {
    const amountFen = 1_000 + ((index * 7_919) % 50_000);
    const time = `2026-01-05T${String(Math.floor(index / 240)).padStart(2, '0')}:${String(Math.floor(index / 4) % 60).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}+08:00`;
    rows.push({ tradeTime: time, channelTradeNo: `42000020862026010507${String(index).padStart(8, '0')}`, outTradeNo: orderNo(index), state: 'paid', amountFen, refundFen: 0, outRefundNo: null, channelRefundNo: null, feeFen: Math.round(amountFen * 0.006) });
    ledger.push({ outTradeNo: orderNo(index), channel: 'wechatpay', amountFen, kind: 'payment' });
  }
  for (let index = 0; index < 100; index += 1) {
    const paid = rows[index * 3] as StatementRowInput;
    const refundFen = 100 + index;
    rows.push({ ...paid, tradeTime: '2026-01-05T23:30:00+08:00', state: 'refund', refundFen, outRefundNo: `RF${index}`, channelRefundNo: `5030310856202601050${index}`, feeFen: -1 });
    ledger.push({ outTradeNo: paid.outTradeNo, channel: 'wechatpay', amountFen: refundFen, kind: 'refund', outRefundNo: `RF${index}` });
  }
  return { rows, ledger };
}

describe('reconciliation', () => {
  it('finds exactly the planted differences in a 5,000-line statement, and accounts for every row', () => {
    const { rows, ledger } = agreeingDay();
    // Planted: two payments the ledger lacks, one refund the ledger lacks, two ledger payments the statement lacks,
    // one ledger refund the statement lacks, two payment amounts and one refund amount that differ, one line twice.
    const notInLedger = new Set([orderNo(100), orderNo(4_000)]);
    const ledgerWithout = ledger.filter((entry) => !(entry.kind === 'payment' && notInLedger.has(entry.outTradeNo)) && !(entry.kind === 'refund' && entry.outRefundNo === 'RF7'));
    const statementWithout = rows.filter((row) => row.outTradeNo !== orderNo(2_500) && row.outTradeNo !== orderNo(4_899) && row.outRefundNo !== 'RF50');
    const changed = statementWithout.map((row) => {
      if (row.state === 'paid' && row.outTradeNo === orderNo(1_234)) return { ...row, amountFen: row.amountFen + 1 };
      if (row.state === 'paid' && row.outTradeNo === orderNo(3_000)) return { ...row, amountFen: row.amountFen - 1_000 };
      if (row.state === 'refund' && row.outRefundNo === 'RF20') return { ...row, refundFen: 5 };
      return row;
    });
    const duplicated = changed[600] as StatementRowInput;
    changed.splice(4_000, 0, duplicated);
    expect(changed.length).toBe(4_998);

    // Through a real bill file, so line numbers are the file's.
    const parsed = parseStatement('wechatpay', renderWechatTradeBill(changed));
    expect(parsed.errors).toEqual([]);
    const started = performance.now();
    const result = reconcile(parsed.rows, ledgerWithout);
    const tookMs = performance.now() - started;

    const summary = result.differences.map((difference) => {
      const base = `${difference.type} ${difference.kind} ${difference.outTradeNo}${difference.outRefundNo ? `/${difference.outRefundNo}` : ''}`;
      return difference.type === 'amount_mismatch' ? `${base} ${difference.statementFen}≠${difference.ledgerFen}` : base;
    });
    const ledgerFen = (outTradeNo: string) => ledger.find((entry) => entry.kind === 'payment' && entry.outTradeNo === outTradeNo)?.amountFen as number;
    expect(summary.sort()).toEqual(
      [
        `missing_in_ledger payment ${orderNo(100)}`,
        `missing_in_ledger payment ${orderNo(4_000)}`,
        `missing_in_ledger refund ${orderNo(21)}/RF7`,
        `missing_in_statement payment ${orderNo(2_500)}`,
        `missing_in_statement payment ${orderNo(4_899)}`,
        `missing_in_statement refund ${orderNo(150)}/RF50`,
        `amount_mismatch payment ${orderNo(1_234)} ${ledgerFen(orderNo(1_234)) + 1}≠${ledgerFen(orderNo(1_234))}`,
        `amount_mismatch payment ${orderNo(3_000)} ${ledgerFen(orderNo(3_000)) - 1_000}≠${ledgerFen(orderNo(3_000))}`,
        `amount_mismatch refund ${orderNo(60)}/RF20 5≠120`,
        `duplicate_in_statement payment ${duplicated.outTradeNo}`,
      ].sort(),
    );
    const duplicate = result.differences.find((difference) => difference.type === 'duplicate_in_statement');
    expect(duplicate).toMatchObject({ statementLine: 4_002, firstStatementLine: 602 });
    expect(result.counts).toEqual({ missing_in_ledger: 3, missing_in_statement: 3, amount_mismatch: 3, duplicate_in_statement: 1, duplicate_in_ledger: 0 });
    // Every row on both sides is matched or in exactly one difference.
    expect(result.statement.rows).toBe(4_998);
    expect(result.ledger.rows).toBe(4_997);
    expect(result.matched.rows + result.counts.amount_mismatch + result.counts.missing_in_ledger + result.counts.duplicate_in_statement).toBe(4_998);
    expect(result.matched.rows + result.counts.amount_mismatch + result.counts.missing_in_statement + result.counts.duplicate_in_ledger).toBe(4_997);
    expect(tookMs).toBeLessThan(500);
  });

  it('keys refunds by order and refund number, and reports a ledger entry recorded twice', () => {
    const row = (line: number, outTradeNo: string, outRefundNo: string, refundFen: number): StatementRow => ({ channel: 'alipay', line, tradeTime: '2026-01-05T10:00:00+08:00', channelTradeNo: `T${outTradeNo}`, outTradeNo, state: 'refund', amountFen: 0, refundFen, outRefundNo, channelRefundNo: null, feeFen: 0 });
    // Alipay's refund request number is unique only within its trade: R1 of two different orders are two refunds.
    const result = reconcile(
      [row(6, 'A', 'R1', 100), row(7, 'B', 'R1', 200)],
      [
        { outTradeNo: 'A', channel: 'alipay', amountFen: 100, kind: 'refund', outRefundNo: 'R1' },
        { outTradeNo: 'B', channel: 'alipay', amountFen: 200, kind: 'refund', outRefundNo: 'R1' },
        { outTradeNo: 'B', channel: 'alipay', amountFen: 200, kind: 'refund', outRefundNo: 'R1' },
        { outTradeNo: 'A', channel: 'wechatpay', amountFen: 100, kind: 'payment' },
      ],
    );
    expect(result.matched).toEqual({ rows: 2, paymentFen: 0, refundFen: 300 });
    expect(result.differences.map((difference) => [difference.type, difference.channel, difference.outTradeNo])).toEqual([
      ['missing_in_statement', 'wechatpay', 'A'],
      ['duplicate_in_ledger', 'alipay', 'B'],
    ]);
    expect(result.differences[1]).toMatchObject({ ledgerIndex: 2, firstLedgerIndex: 1, en: 'refund R1 of order B is recorded twice in the ledger' });
  });
});
