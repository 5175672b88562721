import { describe, expect, it } from 'vitest';
import { withholdingAdapters, findWithholdingAdapter } from './adapters';
import { FileRejected, type RowError } from './common';
import { encodeGbk } from './encoding';
import { decodeGenericBatch, GENERIC_V1_ID, renderGenericWithholdingResult, createGenericWithholdingAdapter } from './generic-withholding';
import type { WithholdingBatch, WithholdingResult } from './withholding';

const batch: WithholdingBatch = {
  batchNo: 'B202601050001',
  utilityCode: 'JCSW01',
  createdOn: '2026-01-05',
  items: [
    { sequence: 1, accountNo: '00012345', bankAccountNo: '6222021234567890123', holderName: '张三', amountFen: 4560, billRef: 'B2026010000123' },
    { sequence: 2, accountNo: '00012346', bankAccountNo: '6228481234567890', holderName: '欧阳娜娜', amountFen: 12800, billRef: 'B2026010000124' },
    { sequence: 3, accountNo: '00012347', bankAccountNo: '6217001234567890123', holderName: '李四', amountFen: 3005, billRef: 'B2026010000125' },
  ],
};

const results: WithholdingResult[] = [
  { sequence: 1, accountNo: '00012345', status: 'success', amountFen: 4560, failureCode: null, failureReason: null, bankRef: 'ICBC20260106000001', settledOn: '2026-01-06' },
  { sequence: 2, accountNo: '00012346', status: 'failed', amountFen: 12800, failureCode: 'E01', failureReason: '余额不足', bankRef: null, settledOn: null },
  { sequence: 3, accountNo: '00012347', status: 'success', amountFen: 3005, failureCode: null, failureReason: null, bankRef: 'ICBC20260106000002', settledOn: '2026-01-06' },
];

const adapter = withholdingAdapters[GENERIC_V1_ID];
if (!adapter) throw new Error('generic adapter is not registered');

const resultFile = (lines: string[], encoding: 'GBK' | 'UTF-8' = 'UTF-8') => {
  const text = lines.map((line) => `${line}\r\n`).join('');
  return encoding === 'GBK' ? encodeGbk(text) : Buffer.from(text, 'utf8');
};
const HEADER = 'H|shuiwu-generic-v1|RES|UTF-8|JCSW01|B202601050001|20260106';
const GOOD_DETAILS = ['D|1|00012345|4560|S|||ICBC20260106000001|20260106', 'D|2|00012346|12800|F|E01|余额不足||', 'D|3|00012347|3005|S|||ICBC20260106000002|20260106'];
const GOOD_TRAILER = 'T|3|20365|2|7565|1|12800';

const fields = (errors: RowError[]) => errors.map((error) => `${error.row}:${error.field}`);

describe('the generic withholding adapter (shuiwu-generic-v1)', () => {
  it('is registered by id, and unknown ids find nothing', () => {
    expect(adapter.id).toBe('shuiwu-generic-v1');
    expect(findWithholdingAdapter('shuiwu-generic-v1')).toBe(adapter);
    expect(findWithholdingAdapter('toString')).toBeUndefined();
    expect(findWithholdingAdapter('icbc-v3')).toBeUndefined();
  });

  it('writes the request file of the worked example in docs/BANK-FILES.md, in GBK', () => {
    const file = adapter.encodeBatch(batch);
    expect(file.fileName).toBe('SWDK_JCSW01_B202601050001_20260105_REQ.txt');
    expect(new TextDecoder('gbk').decode(file.bytes)).toBe(
      [
        'H|shuiwu-generic-v1|REQ|GBK|JCSW01|B202601050001|20260105',
        'D|1|00012345|6222021234567890123|张三|4560|B2026010000123',
        'D|2|00012346|6228481234567890|欧阳娜娜|12800|B2026010000124',
        'D|3|00012347|6217001234567890123|李四|3005|B2026010000125',
        'T|3|20365',
        '',
      ].join('\r\n'),
    );
    // The holder names really are GBK bytes (张 = D5C5), not UTF-8.
    expect(file.bytes.includes(Buffer.from([0xd5, 0xc5]))).toBe(true);
    expect(decodeGenericBatch(file.bytes)).toEqual({ batch, encoding: 'GBK', errors: [] });
  });

  it('refuses to write a batch with every problem listed, by the line the item would take', () => {
    const bad: WithholdingBatch = {
      ...batch,
      batchNo: 'B 1',
      items: [
        { ...(batch.items[0] as WithholdingBatch['items'][number]), amountFen: 12.5 },
        { ...(batch.items[1] as WithholdingBatch['items'][number]), sequence: 1, holderName: '王𠈌' },
        { ...(batch.items[2] as WithholdingBatch['items'][number]), bankAccountNo: '6217-0012', holderName: '李|四', billRef: '' },
      ],
    };
    let rejection: unknown;
    try {
      adapter.encodeBatch(bad);
    } catch (error) {
      rejection = error;
    }
    expect(rejection).toBeInstanceOf(FileRejected);
    const errors = (rejection as FileRejected).errors;
    expect(fields(errors)).toEqual(['1:batch_no', '2:amount_fen', '3:sequence', '3:holder_name', '4:bank_account_no', '4:holder_name', '4:bill_ref']);
    expect(errors.find((error) => error.field === 'amount_fen')?.zh).toContain('整数分');
    expect(errors[3]?.en).toContain('GBK');
    // The same batch is writable in UTF-8 except for the problems that have nothing to do with the encoding.
    expect(() => createGenericWithholdingAdapter({ encoding: 'UTF-8' }).encodeBatch({ ...bad, batchNo: 'B1', items: [bad.items[1] as WithholdingBatch['items'][number]] })).not.toThrow();
    expect(() => adapter.encodeBatch({ ...batch, items: [] })).toThrow(FileRejected);
  });

  it('reads a good result file, checked against the batch', () => {
    expect(adapter.decodeResult(resultFile([HEADER, ...GOOD_DETAILS, GOOD_TRAILER]), batch)).toEqual({ results, errors: [] });
  });

  it('reads back what renderGenericWithholdingResult writes, in GBK and UTF-8', () => {
    for (const encoding of ['GBK', 'UTF-8'] as const) {
      const file = renderGenericWithholdingResult({ utilityCode: 'JCSW01', batchNo: 'B202601050001', resultDate: '2026-01-06', encoding, results });
      expect(file.fileName).toBe('SWDK_JCSW01_B202601050001_20260106_RES.txt');
      expect(adapter.decodeResult(file.bytes, batch)).toEqual({ results, errors: [] });
      expect(adapter.decodeResult(file.bytes)).toEqual({ results, errors: [] });
    }
  });

  it('refuses a result file whose trailer does not add up', () => {
    const file = renderGenericWithholdingResult({ utilityCode: 'JCSW01', batchNo: 'B202601050001', resultDate: '2026-01-06', results, trailerOverride: { count: 4, successFen: 7566 } });
    const decoded = adapter.decodeResult(file.bytes, batch);
    expect(decoded.results).toEqual([]);
    expect(decoded.errors).toEqual([
      { row: 5, field: 'count', zh: '文件尾笔数为 4，明细合计为 3', en: 'the trailer says 4, the detail lines add up to 3' },
      { row: 5, field: 'success_fen', zh: '文件尾成功金额（分）为 7566，明细合计为 7565', en: 'the trailer says 7566, the detail lines add up to 7565' },
    ]);
  });

  it('reports every problem of a bad result file by line and field, and imports nothing', () => {
    const bytes = resultFile([
      'H|shuiwu-generic-v1|RES|UTF-8|JCSW01|B202601050002|20260106',
      'D|1|00012345|45.60|S|||ICBC1|20260106',
      'D|1|00012345|4560|S|||ICBC2|20260106',
      'D|9|00012399|100|S|||ICBC3|20260106',
      'D|2|00099999|12800|F||||20260106',
      'D|3|00012347|3006|X|||ICBC4|',
      'D|4|too|many|fields|here|x|y|z|w',
      'T|6|20471|3|4660|1|12800',
    ]);
    const decoded = adapter.decodeResult(bytes, batch);
    expect(decoded.results).toEqual([]);
    expect(fields(decoded.errors)).toEqual([
      '1:batch_no',
      '2:amount_fen',
      '3:sequence',
      '4:sequence',
      '5:account_no',
      '5:failure_code',
      '5:failure_reason',
      '5:settled_date',
      '6:amount_fen',
      '6:status',
      '7:record_type',
      '8:total_fen',
      '8:success_count',
    ]);
    expect(decoded.errors.find((error) => error.row === 3)?.zh).toBe('流水号与第 2 行重复');
    expect(decoded.errors.find((error) => error.row === 4)?.en).toBe('the sequence is not in this batch');
    expect(decoded.errors.find((error) => error.row === 6 && error.field === 'amount_fen')?.zh).toBe('金额与扣款批次不符（批次 3005 分）');
  });

  it('reports items of the batch that have no result', () => {
    const decoded = adapter.decodeResult(resultFile([HEADER, GOOD_DETAILS[0] as string, 'T|1|4560|1|4560|0|0']), batch);
    expect(decoded.errors.map((error) => [error.row, error.field, error.en])).toEqual([
      [3, 'sequence', 'the batch’s sequence 2 has no result'],
      [3, 'sequence', 'the batch’s sequence 3 has no result'],
    ]);
  });

  it('refuses structural problems: no header, wrong file type, bad encoding, no trailer, lines after it', () => {
    expect(fields(adapter.decodeResult(new Uint8Array(0)).errors)).toEqual(['0:file']);
    expect(fields(adapter.decodeResult(resultFile(['D|1|x'])).errors)).toEqual(['1:record_type']);
    expect(fields(adapter.decodeResult(resultFile(['H|shuiwu-generic-v1|REQ|UTF-8|JCSW01|B1|20260106', ...GOOD_DETAILS, GOOD_TRAILER])).errors)).toEqual(['1:file_type']);
    expect(fields(adapter.decodeResult(resultFile(['H|shuiwu-generic-v1|RES|BIG5|JCSW01|B1|20260106', ...GOOD_DETAILS, GOOD_TRAILER])).errors)).toEqual(['1:encoding']);
    expect(fields(adapter.decodeResult(resultFile([HEADER, ...GOOD_DETAILS])).errors)).toEqual(['5:record_type']);
    expect(fields(adapter.decodeResult(resultFile([HEADER, ...GOOD_DETAILS, GOOD_TRAILER, 'D|4|x'])).errors)).toEqual(['6:record_type']);
    expect(fields(adapter.decodeResult(resultFile([HEADER, '', ...GOOD_DETAILS, GOOD_TRAILER])).errors)).toEqual(['2:record_type']);
    // A GBK reason in a file that declares UTF-8 is caught on its line.
    const mixed = Buffer.concat([resultFile([HEADER, GOOD_DETAILS[0] as string]), encodeGbk('D|2|00012346|12800|F|E01|余额不足||\r\n'), resultFile([GOOD_DETAILS[2] as string, GOOD_TRAILER])]);
    expect(fields(adapter.decodeResult(mixed, batch).errors)).toEqual(['3:encoding']);
  });

  it('refuses a result dated before its batch, and a settlement date on a failure', () => {
    const early = renderGenericWithholdingResult({ utilityCode: 'JCSW01', batchNo: 'B202601050001', resultDate: '2026-01-04', results: results.map((result) => ({ ...result, settledOn: result.status === 'success' ? '2026-01-04' : '2026-01-04' })) });
    expect(fields(adapter.decodeResult(early.bytes, batch).errors)).toEqual(['1:file_date', '2:settled_date', '3:settled_date', '3:settled_date', '4:settled_date']);
  });
});
