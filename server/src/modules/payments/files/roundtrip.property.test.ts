import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGenericWithholdingAdapter, decodeGenericBatch, renderGenericWithholdingResult } from './generic-withholding';
import { parseStatement } from './parse';
import { reconcile, type LedgerPayment } from './reconcile';
import type { StatementChannel, StatementRow } from './statement';
import { renderAlipayStatement } from './alipay';
import { renderWechatTradeBill } from './wechat';
import type { WithholdingBatch, WithholdingResult } from './withholding';

// Properties over generated files: rendering then parsing gives back the rows, no fen is lost, and the matcher
// accounts for every row on both sides.

const identifier = fc.stringMatching(/^[A-Za-z0-9]{6,24}$/);
const tradeTime = fc
  .record({ day: fc.integer({ min: 1, max: 28 }), seconds: fc.integer({ min: 0, max: 86_399 }) })
  .map(({ day, seconds }) => {
    const two = (value: number) => String(value).padStart(2, '0');
    return `2026-02-${two(day)}T${two(Math.floor(seconds / 3600))}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}+08:00`;
  });
const fen = fc.integer({ min: 1, max: 10_000_000_00 });

function rowArbitrary(channel: StatementChannel): fc.Arbitrary<StatementRow> {
  return fc
    .record({ isRefund: fc.boolean(), tradeTime, channelTradeNo: identifier, outTradeNo: identifier, amountFen: fen, refundFen: fen, outRefundNo: identifier, channelRefundNo: identifier, feeFen: fc.integer({ min: 0, max: 100_000 }) })
    .map((raw) => ({
      channel,
      line: 0,
      tradeTime: raw.tradeTime,
      channelTradeNo: raw.channelTradeNo,
      outTradeNo: raw.outTradeNo,
      state: raw.isRefund ? ('refund' as const) : ('paid' as const),
      amountFen: raw.amountFen,
      refundFen: raw.isRefund ? raw.refundFen : 0,
      outRefundNo: raw.isRefund ? raw.outRefundNo : null,
      channelRefundNo: raw.isRefund && channel === 'wechatpay' ? raw.channelRefundNo : null,
      // A refund's fee is returned, so negative (and 0, never -0, when there is none).
      feeFen: raw.isRefund && raw.feeFen !== 0 ? -raw.feeFen : raw.feeFen,
    }));
}

const withoutLines = (rows: StatementRow[]) => rows.map(({ line: _line, ...row }) => row);
const total = (rows: StatementRow[], pick: (row: StatementRow) => number) => rows.reduce((sum, row) => sum + pick(row), 0);

describe('statement round trips', () => {
  it('a WeChat Pay trade bill parses back to the rows it was rendered from', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary('wechatpay'), { maxLength: 40 }), (rows) => {
        const parsed = parseStatement('wechatpay', renderWechatTradeBill(rows));
        expect(parsed.errors).toEqual([]);
        expect(withoutLines(parsed.rows)).toEqual(withoutLines(rows));
        expect(parsed.rows.map((row) => row.line)).toEqual(rows.map((_row, index) => index + 2));
        expect(total(parsed.rows, (row) => row.amountFen + row.refundFen + row.feeFen)).toBe(total(rows, (row) => row.amountFen + row.refundFen + row.feeFen));
      }),
      { numRuns: 100 },
    );
  });

  it('an Alipay statement parses back to its rows, in GBK or UTF-8, zipped or not', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary('alipay'), { maxLength: 40 }), fc.constantFrom('GBK' as const, 'UTF-8' as const), fc.boolean(), (rows, encoding, isZipped) => {
        const parsed = parseStatement('alipay', renderAlipayStatement(rows, { encoding, isZipped }));
        expect(parsed.errors).toEqual([]);
        expect(withoutLines(parsed.rows)).toEqual(withoutLines(rows));
        expect(total(parsed.rows, (row) => row.amountFen + row.refundFen + row.feeFen)).toBe(total(rows, (row) => row.amountFen + row.refundFen + row.feeFen));
      }),
      { numRuns: 60 },
    );
  });
});

describe('withholding round trips', () => {
  const nameCharacter = fc.constantFrom(...'张王李赵欧阳娜明华伟芳秀英军Ab·');
  const batchArbitrary: fc.Arbitrary<WithholdingBatch> = fc
    .record({
      batchNo: fc.stringMatching(/^[A-Z0-9]{4,20}$/),
      utilityCode: fc.stringMatching(/^[A-Z0-9]{2,10}$/),
      items: fc.array(
        fc.record({
          accountNo: fc.stringMatching(/^\d{8,12}$/),
          bankAccountNo: fc.stringMatching(/^\d{16,19}$/),
          holderName: fc.array(nameCharacter, { minLength: 2, maxLength: 6 }).map((characters) => characters.join('')),
          amountFen: fc.integer({ min: 1, max: 99_999_999 }),
          billRef: fc.stringMatching(/^B\d{6,12}$/),
        }),
        { minLength: 1, maxLength: 30 },
      ),
    })
    .map((raw) => ({ batchNo: raw.batchNo, utilityCode: raw.utilityCode, createdOn: '2026-02-01', items: raw.items.map((item, index) => ({ ...item, sequence: index + 1 })) }));

  it('a batch written in either encoding reads back whole, and the bank’s result file reads back to the results', () => {
    fc.assert(
      fc.property(batchArbitrary, fc.constantFrom('GBK' as const, 'UTF-8' as const), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (batch, encoding, outcomes) => {
        const adapter = createGenericWithholdingAdapter({ encoding });
        const request = adapter.encodeBatch(batch);
        const received = decodeGenericBatch(request.bytes);
        expect(received).toEqual({ batch, encoding, errors: [] });
        const results: WithholdingResult[] = batch.items.map((item, index) =>
          outcomes[index]
            ? { sequence: item.sequence, accountNo: item.accountNo, status: 'success', amountFen: item.amountFen, failureCode: null, failureReason: null, bankRef: `BK${item.sequence}`, settledOn: '2026-02-02' }
            : { sequence: item.sequence, accountNo: item.accountNo, status: 'failed', amountFen: item.amountFen, failureCode: 'E01', failureReason: '余额不足', bankRef: null, settledOn: null },
        );
        const file = renderGenericWithholdingResult({ utilityCode: batch.utilityCode, batchNo: batch.batchNo, resultDate: '2026-02-02', encoding, results });
        const decoded = adapter.decodeResult(file.bytes, batch);
        expect(decoded).toEqual({ results, errors: [] });
        expect(decoded.results.reduce((sum, result) => sum + result.amountFen, 0)).toBe(batch.items.reduce((sum, item) => sum + item.amountFen, 0));
      }),
      { numRuns: 60 },
    );
  });
});

describe('the matcher accounts for every row', () => {
  it('matched + differences cover both sides exactly, whatever the two sides hold', () => {
    const key = fc.integer({ min: 0, max: 30 });
    const statementRow = fc.record({ key, isRefund: fc.boolean(), amountFen: fc.integer({ min: 1, max: 5 }) });
    const ledgerRow = fc.record({ key, isRefund: fc.boolean(), amountFen: fc.integer({ min: 1, max: 5 }) });
    fc.assert(
      fc.property(fc.array(statementRow, { maxLength: 60 }), fc.array(ledgerRow, { maxLength: 60 }), (statementSide, ledgerSide) => {
        const rows: StatementRow[] = statementSide.map((raw, index) => ({
          channel: 'wechatpay',
          line: index + 2,
          tradeTime: '2026-02-01T10:00:00+08:00',
          channelTradeNo: `C${raw.key}`,
          outTradeNo: `O${raw.key}`,
          state: raw.isRefund ? 'refund' : 'paid',
          amountFen: raw.isRefund ? 0 : raw.amountFen,
          refundFen: raw.isRefund ? raw.amountFen : 0,
          outRefundNo: raw.isRefund ? `R${raw.key}` : null,
          channelRefundNo: raw.isRefund ? `W${raw.key}` : null,
          feeFen: 0,
        }));
        const ledger: LedgerPayment[] = ledgerSide.map((raw) => ({ outTradeNo: `O${raw.key}`, channel: 'wechatpay', amountFen: raw.amountFen, kind: raw.isRefund ? 'refund' : 'payment', outRefundNo: raw.isRefund ? `R${raw.key}` : null }));
        const result = reconcile(rows, ledger);
        const { counts } = result;
        expect(result.matched.rows + counts.amount_mismatch + counts.missing_in_ledger + counts.duplicate_in_statement).toBe(rows.length);
        expect(result.matched.rows + counts.amount_mismatch + counts.missing_in_statement + counts.duplicate_in_ledger).toBe(ledger.length);
        // No fen lost: the statement's fen are the matched fen plus the fen of its differences, and likewise for the ledger.
        const statementFen = result.differences.reduce((sum, difference) => sum + ('statementFen' in difference ? difference.statementFen : 0), 0);
        const ledgerFen = result.differences.reduce((sum, difference) => sum + ('ledgerFen' in difference ? difference.ledgerFen : 0), 0);
        const matchedFen = result.matched.paymentFen + result.matched.refundFen;
        expect(matchedFen + statementFen).toBe(result.statement.paymentFen + result.statement.refundFen);
        expect(matchedFen + ledgerFen).toBe(result.ledger.paymentFen + result.ledger.refundFen);
        // Against an empty ledger every statement row is missing from the ledger or a duplicate.
        const alone = reconcile(rows, []);
        expect(alone.counts.missing_in_ledger + alone.counts.duplicate_in_statement).toBe(rows.length);
      }),
      { numRuns: 300 },
    );
  });
});
