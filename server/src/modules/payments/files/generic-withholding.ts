/**
 * "shuiwu-generic-v1": Shuiwu's own withholding file layout, for banks without a format of their own and as the
 * model for per-bank adapters. Pipe-delimited lines: a header (H) that declares the encoding, one detail line
 * (D) per item, a trailer (T) with the count and total in fen. The bank answers with a result file of the same
 * shape. Specified field by field, with a worked example, in docs/BANK-FILES.md; keep the two in step.
 */
import { compactToIsoDate, ErrorList, FileRejected, isoToCompactDate, isCalendarDate, splitLines, type RowError } from './common';
import { decodeStrict, encodeText, firstCharacterNotInGbk, type TextEncodingName } from './encoding';
import type { DecodedResults, EncodedFile, WithholdingAdapter, WithholdingBatch, WithholdingItem, WithholdingResult } from './withholding';

export const GENERIC_V1_ID = 'shuiwu-generic-v1';
export const MAX_BATCH_ITEMS = 999_999;
export const MAX_ITEM_AMOUNT_FEN = 999_999_999_999;

/** Suggested failure codes of the generic result file; a bank may send others, with a reason text. */
export const GENERIC_FAILURE_CODES: Record<string, { zh: string; en: string }> = {
  E01: { zh: '余额不足', en: 'insufficient funds' },
  E02: { zh: '账户已销户', en: 'account closed' },
  E03: { zh: '户名不符', en: 'holder name does not match' },
  E04: { zh: '未签约或授权已撤销', en: 'no withholding mandate, or it was withdrawn' },
  E05: { zh: '账户冻结或止付', en: 'account frozen or stopped' },
  E06: { zh: '账号不存在', en: 'no such bank account' },
  E99: { zh: '其他原因（见失败原因）', en: 'other (see the reason text)' },
};

const REQUEST_FIELDS = ['record_type', 'sequence', 'account_no', 'bank_account_no', 'holder_name', 'amount_fen', 'bill_ref'] as const;
const RESULT_FIELDS = ['record_type', 'sequence', 'account_no', 'amount_fen', 'status', 'failure_code', 'failure_reason', 'bank_ref', 'settled_date'] as const;
const HEADER_FIELDS = ['record_type', 'format', 'file_type', 'encoding', 'utility_code', 'batch_no', 'file_date'] as const;
const REQUEST_TRAILER_FIELDS = ['record_type', 'count', 'total_fen'] as const;
const RESULT_TRAILER_FIELDS = ['record_type', 'count', 'total_fen', 'success_count', 'success_fen', 'failed_count', 'failed_fen'] as const;

const PATTERNS = {
  utility_code: { pattern: /^[A-Za-z0-9]{1,20}$/, zh: '应为 1–20 位字母或数字', en: 'must be 1–20 letters or digits' },
  batch_no: { pattern: /^[A-Za-z0-9_-]{1,32}$/, zh: '应为 1–32 位字母、数字、下划线或连字符', en: 'must be 1–32 letters, digits, underscores or hyphens' },
  sequence: { pattern: /^[1-9]\d{0,5}$/, zh: '应为 1–999999 的整数，不补零', en: 'must be a whole number 1–999999 without leading zeros' },
  account_no: { pattern: /^[A-Za-z0-9-]{1,32}$/, zh: '应为 1–32 位字母、数字或连字符', en: 'must be 1–32 letters, digits or hyphens' },
  bank_account_no: { pattern: /^\d{8,32}$/, zh: '应为 8–32 位数字', en: 'must be 8–32 digits' },
  amount_fen: { pattern: /^[1-9]\d{0,11}$/, zh: '金额应为正整数分（不带小数点，不补零，最多 12 位）', en: 'must be a positive whole number of fen (no decimal point, no leading zeros, at most 12 digits)' },
  bill_ref: { pattern: /^[\x21-\x7b\x7d\x7e]{1,40}$/, zh: '应为 1–40 个可见 ASCII 字符（不含 |）', en: 'must be 1–40 printable ASCII characters (no |)' },
  bank_ref: { pattern: /^[\x21-\x7b\x7d\x7e]{1,64}$/, zh: '应为 1–64 个可见 ASCII 字符（不含 |）', en: 'must be 1–64 printable ASCII characters (no |)' },
  failure_code: { pattern: /^[A-Za-z0-9_-]{1,16}$/, zh: '应为 1–16 位字母、数字、下划线或连字符', en: 'must be 1–16 letters, digits, underscores or hyphens' },
  count: { pattern: /^(0|[1-9]\d{0,5})$/, zh: '应为不补零的整数', en: 'must be a whole number without leading zeros' },
  total_fen: { pattern: /^(0|[1-9]\d{0,14})$/, zh: '应为不补零的整数分', en: 'must be a whole number of fen without leading zeros' },
} as const;

type PatternName = keyof typeof PATTERNS;

const hasPipeOrControl = (value: string) => [...value].some((character) => character === '|' || (character.codePointAt(0) as number) < 0x20 || character === '\u007f');

/** Free text (names, reasons): 1…max characters, no |, no control characters, no surrounding spaces. */
function textProblem(value: string, max: number, encoding: TextEncodingName): { zh: string; en: string } | null {
  if (value === '') return { zh: '必填', en: 'is required' };
  if ([...value].length > max) return { zh: `最多 ${max} 个字符`, en: `at most ${max} characters` };
  if (hasPipeOrControl(value)) return { zh: '不能包含 | 或控制字符', en: 'must not contain | or control characters' };
  if (value.trim() !== value) return { zh: '首尾不能有空格', en: 'must not begin or end with spaces' };
  if (encoding === 'GBK') {
    const character = firstCharacterNotInGbk(value);
    if (character !== null) return { zh: `字符“${character}”无法用 GBK 编码，请与银行约定使用 UTF-8 或改用通用字`, en: `the character “${character}” cannot be written in GBK; agree UTF-8 with the bank or use a common character` };
  }
  return null;
}

function checkPattern(errors: ErrorList, row: number, field: PatternName, value: string): boolean {
  if (value === '') {
    errors.add(row, field, '必填', 'is required');
    return false;
  }
  const rule = PATTERNS[field];
  if (!rule.pattern.test(value)) {
    errors.add(row, field, rule.zh, rule.en);
    return false;
  }
  return true;
}

function checkText(errors: ErrorList, row: number, field: string, value: string, max: number, encoding: TextEncodingName): boolean {
  const problem = textProblem(value, max, encoding);
  if (problem) errors.add(row, field, problem.zh, problem.en);
  return problem === null;
}

const fileName = (utilityCode: string, batchNo: string, isoDate: string, type: 'REQ' | 'RES') => `SWDK_${utilityCode}_${batchNo}_${isoToCompactDate(isoDate)}_${type}.txt`;

// ---- writing ----

/** Every problem that keeps a batch from being written (row = the line the item would take; row 1 the header). */
export function validateBatch(batch: WithholdingBatch, encoding: TextEncodingName): RowError[] {
  const errors = new ErrorList();
  checkPattern(errors, 1, 'utility_code', batch.utilityCode);
  checkPattern(errors, 1, 'batch_no', batch.batchNo);
  if (!isCalendarDate(batch.createdOn)) errors.add(1, 'file_date', '创建日期应为有效日期 YYYY-MM-DD', 'creation date must be a valid date YYYY-MM-DD');
  if (batch.items.length === 0) errors.add(0, 'items', '批次中没有扣款明细', 'the batch has no items');
  if (batch.items.length > MAX_BATCH_ITEMS) errors.add(0, 'items', `一个批次最多 ${MAX_BATCH_ITEMS} 笔`, `at most ${MAX_BATCH_ITEMS} items per batch`);
  const seen = new Map<number, number>();
  let total = 0;
  batch.items.forEach((item, index) => {
    const row = index + 2;
    if (checkPattern(errors, row, 'sequence', String(item.sequence))) {
      const first = seen.get(item.sequence);
      if (first !== undefined) errors.add(row, 'sequence', `流水号与第 ${first} 行重复`, `sequence repeats line ${first}`);
      else seen.set(item.sequence, row);
    }
    checkPattern(errors, row, 'account_no', item.accountNo);
    checkPattern(errors, row, 'bank_account_no', item.bankAccountNo);
    checkText(errors, row, 'holder_name', item.holderName, 60, encoding);
    if (checkPattern(errors, row, 'amount_fen', Number.isSafeInteger(item.amountFen) ? String(item.amountFen) : 'x')) total += item.amountFen;
    checkPattern(errors, row, 'bill_ref', item.billRef);
  });
  if (!Number.isSafeInteger(total) || String(total).length > 15) errors.add(batch.items.length + 2, 'total_fen', '批次总金额过大', 'the batch total is too large');
  return errors.sorted();
}

function encodeLines(lines: string[], encoding: TextEncodingName): Buffer {
  return encodeText(lines.map((line) => `${line}\r\n`).join(''), encoding);
}

export function encodeGenericBatch(batch: WithholdingBatch, encoding: TextEncodingName): EncodedFile {
  const errors = validateBatch(batch, encoding);
  if (errors.length > 0) throw new FileRejected(errors);
  const total = batch.items.reduce((sum, item) => sum + item.amountFen, 0);
  const lines = [
    ['H', GENERIC_V1_ID, 'REQ', encoding, batch.utilityCode, batch.batchNo, isoToCompactDate(batch.createdOn)].join('|'),
    ...batch.items.map((item) => ['D', item.sequence, item.accountNo, item.bankAccountNo, item.holderName, item.amountFen, item.billRef].join('|')),
    ['T', batch.items.length, total].join('|'),
  ];
  return { fileName: fileName(batch.utilityCode, batch.batchNo, batch.createdOn, 'REQ'), bytes: encodeLines(lines, encoding) };
}

export interface GenericResultFileInput {
  utilityCode: string;
  batchNo: string;
  /** YYYY-MM-DD the bank wrote the result file. */
  resultDate: string;
  encoding?: TextEncodingName;
  results: WithholdingResult[];
  /** Replaces trailer values (simulators use it to produce a broken file on purpose). */
  trailerOverride?: Partial<Record<'count' | 'totalFen' | 'successCount' | 'successFen' | 'failedCount' | 'failedFen', number>>;
}

/**
 * The bank's result file in the generic layout, as a bank (or the payment simulator) writes it. Refuses only
 * what cannot be written at all (a | or line break in a field, a character the encoding lacks, a fractional
 * amount); whether the results make sense is decodeResult's job, so tests can produce bad files.
 */
export function renderGenericWithholdingResult(input: GenericResultFileInput): EncodedFile {
  const encoding = input.encoding ?? 'GBK';
  const errors = new ErrorList();
  const writable = (row: number, field: string, value: string) => {
    if (/[|\r\n]/.test(value)) errors.add(row, field, '不能包含 | 或换行', 'must not contain | or line breaks');
    else if (encoding === 'GBK' && firstCharacterNotInGbk(value) !== null) errors.add(row, field, '含有 GBK 无法编码的字符', 'contains a character GBK cannot write');
  };
  writable(1, 'utility_code', input.utilityCode);
  writable(1, 'batch_no', input.batchNo);
  if (!isCalendarDate(input.resultDate)) errors.add(1, 'file_date', '日期应为 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
  const totals = { count: 0, totalFen: 0, successCount: 0, successFen: 0, failedCount: 0, failedFen: 0 };
  const lines = input.results.map((result, index) => {
    const row = index + 2;
    if (!Number.isSafeInteger(result.amountFen)) errors.add(row, 'amount_fen', '金额应为整数分', 'must be a whole number of fen');
    if (!Number.isSafeInteger(result.sequence)) errors.add(row, 'sequence', '应为整数', 'must be a whole number');
    if (result.settledOn !== null && !isCalendarDate(result.settledOn)) errors.add(row, 'settled_date', '日期应为 YYYY-MM-DD', 'must be a date YYYY-MM-DD');
    for (const [field, value] of [['account_no', result.accountNo], ['failure_code', result.failureCode], ['failure_reason', result.failureReason], ['bank_ref', result.bankRef]] as const) writable(row, field, value ?? '');
    totals.count += 1;
    totals.totalFen += result.amountFen;
    if (result.status === 'success') {
      totals.successCount += 1;
      totals.successFen += result.amountFen;
    } else {
      totals.failedCount += 1;
      totals.failedFen += result.amountFen;
    }
    return [
      'D',
      result.sequence,
      result.accountNo,
      result.amountFen,
      result.status === 'success' ? 'S' : 'F',
      result.failureCode ?? '',
      result.failureReason ?? '',
      result.bankRef ?? '',
      result.settledOn === null ? '' : isoToCompactDate(result.settledOn),
    ].join('|');
  });
  if (!errors.isEmpty) throw new FileRejected(errors.sorted());
  const trailer = { ...totals, ...input.trailerOverride };
  return {
    fileName: fileName(input.utilityCode, input.batchNo, input.resultDate, 'RES'),
    bytes: encodeLines(
      [
        ['H', GENERIC_V1_ID, 'RES', encoding, input.utilityCode, input.batchNo, isoToCompactDate(input.resultDate)].join('|'),
        ...lines,
        ['T', trailer.count, trailer.totalFen, trailer.successCount, trailer.successFen, trailer.failedCount, trailer.failedFen].join('|'),
      ],
      encoding,
    ),
  };
}

// ---- reading ----

interface FileRecord {
  line: number;
  fields: string[];
}

interface ReadFile {
  encoding: TextEncodingName;
  header: { utilityCode: string; batchNo: string; fileDate: string | null } | null;
  details: FileRecord[];
  trailer: FileRecord | null;
}

/** Splits a generic file into header, details and trailer, reporting every structural problem. */
function readRecords(bytes: Uint8Array, fileType: 'REQ' | 'RES', errors: ErrorList): ReadFile | null {
  const lines = splitLines(bytes);
  if (lines.length === 0) {
    errors.add(0, 'file', '文件为空', 'the file is empty');
    return null;
  }
  const headerBytes = lines[0] as Uint8Array;
  if (headerBytes.some((byte) => byte >= 0x80)) {
    errors.add(1, 'record_type', '首行应为只含 ASCII 字符的文件头（H 记录）', 'the first line must be the header (H record), in ASCII only');
    return null;
  }
  const header = Buffer.from(headerBytes).toString('latin1').replace(/^\uFEFF/, '').split('|');
  if (header[0] !== 'H' || header.length !== HEADER_FIELDS.length) {
    errors.add(1, 'record_type', `首行应为文件头：H 记录，${HEADER_FIELDS.length} 个字段`, `the first line must be the header: an H record of ${HEADER_FIELDS.length} fields`);
    return null;
  }
  const [, format, type, encodingName, utilityCode = '', batchNo = '', fileDate = ''] = header;
  if (format !== GENERIC_V1_ID) errors.add(1, 'format', `格式标识应为 ${GENERIC_V1_ID}`, `format must be ${GENERIC_V1_ID}`);
  if (type !== fileType) errors.add(1, 'file_type', fileType === 'RES' ? '这不是回盘文件（文件类型应为 RES）' : '这不是扣款请求文件（文件类型应为 REQ）', fileType === 'RES' ? 'this is not a result file (file type must be RES)' : 'this is not a request file (file type must be REQ)');
  if (encodingName !== 'GBK' && encodingName !== 'UTF-8') {
    errors.add(1, 'encoding', '编码应为 GBK 或 UTF-8', 'encoding must be GBK or UTF-8');
    return null;
  }
  checkPattern(errors, 1, 'utility_code', utilityCode);
  checkPattern(errors, 1, 'batch_no', batchNo);
  const isoFileDate = compactToIsoDate(fileDate);
  if (isoFileDate === null) errors.add(1, 'file_date', '日期应为有效日期 YYYYMMDD', 'must be a valid date YYYYMMDD');
  // One line ending after the trailer is expected; any other empty line is a problem.
  const body = lines.slice(1);
  if (body.length > 0 && (body[body.length - 1] as Uint8Array).length === 0) body.pop();
  const details: FileRecord[] = [];
  let trailer: FileRecord | null = null;
  body.forEach((raw, index) => {
    const line = index + 2;
    let text = decodeStrict(raw, encodingName);
    if (text === null) {
      // Still read the line (with replacement characters) so its amounts count towards the trailer check.
      errors.add(line, 'encoding', `该行不是有效的 ${encodingName} 编码`, `the line is not valid ${encodingName}`);
      text = new TextDecoder(encodingName === 'GBK' ? 'gbk' : 'utf-8').decode(raw);
    }
    const fields = text.split('|');
    if (trailer !== null) {
      errors.add(line, 'record_type', '文件尾（T 记录）之后不应再有内容', 'nothing may follow the trailer (T record)');
      return;
    }
    if (fields[0] === 'D') details.push({ line, fields });
    else if (fields[0] === 'T') trailer = { line, fields };
    else errors.add(line, 'record_type', text === '' ? '不应有空行' : '记录类型应为 D（明细）或 T（文件尾）', text === '' ? 'empty lines are not allowed' : 'record type must be D (detail) or T (trailer)');
  });
  if (trailer === null) errors.add(body.length + 2, 'record_type', '缺少文件尾（T 记录）', 'the trailer (T record) is missing');
  return { encoding: encodingName, header: { utilityCode, batchNo, fileDate: isoFileDate }, details, trailer };
}

function checkFieldCount(errors: ErrorList, record: FileRecord, expected: number, what: { zh: string; en: string }): boolean {
  if (record.fields.length === expected) return true;
  errors.add(record.line, 'record_type', `${what.zh}应有 ${expected} 个字段，实有 ${record.fields.length} 个（字段中不能含 |）`, `${what.en} must have ${expected} fields, found ${record.fields.length} (no field may contain |)`);
  return false;
}

function checkTrailerNumber(errors: ErrorList, trailer: FileRecord, index: number, field: string, pattern: PatternName, actual: number, zhWhat: string) {
  const value = trailer.fields[index] ?? '';
  if (!PATTERNS[pattern].pattern.test(value)) {
    errors.add(trailer.line, field, PATTERNS[pattern].zh, PATTERNS[pattern].en);
    return;
  }
  if (Number(value) !== actual) errors.add(trailer.line, field, `文件尾${zhWhat}为 ${value}，明细合计为 ${actual}`, `the trailer says ${value}, the detail lines add up to ${actual}`);
}

/** Bank side of the generic format: reads a request file back into a batch (the payment simulator uses it). */
export function decodeGenericBatch(bytes: Uint8Array): { batch: WithholdingBatch | null; encoding: TextEncodingName | null; errors: RowError[] } {
  const errors = new ErrorList();
  const file = readRecords(bytes, 'REQ', errors);
  if (!file || !file.header) return { batch: null, encoding: null, errors: errors.sorted() };
  const items: WithholdingItem[] = [];
  const seen = new Map<number, number>();
  let total = 0;
  for (const record of file.details) {
    if (!checkFieldCount(errors, record, REQUEST_FIELDS.length, { zh: '明细行', en: 'a detail line' })) continue;
    const [, sequence = '', accountNo = '', bankAccountNo = '', holderName = '', amount = '', billRef = ''] = record.fields;
    let isValid = checkPattern(errors, record.line, 'sequence', sequence);
    if (isValid) {
      const first = seen.get(Number(sequence));
      if (first !== undefined) {
        errors.add(record.line, 'sequence', `流水号与第 ${first} 行重复`, `sequence repeats line ${first}`);
        isValid = false;
      } else seen.set(Number(sequence), record.line);
    }
    isValid = checkPattern(errors, record.line, 'account_no', accountNo) && isValid;
    isValid = checkPattern(errors, record.line, 'bank_account_no', bankAccountNo) && isValid;
    isValid = checkText(errors, record.line, 'holder_name', holderName, 60, 'UTF-8') && isValid;
    const isAmountValid = checkPattern(errors, record.line, 'amount_fen', amount);
    if (isAmountValid) total += Number(amount);
    isValid = checkPattern(errors, record.line, 'bill_ref', billRef) && isAmountValid && isValid;
    if (isValid) items.push({ sequence: Number(sequence), accountNo, bankAccountNo, holderName, amountFen: Number(amount), billRef });
  }
  const trailer = file.trailer as FileRecord | null;
  if (trailer && checkFieldCount(errors, trailer, REQUEST_TRAILER_FIELDS.length, { zh: '文件尾', en: 'the trailer' })) {
    checkTrailerNumber(errors, trailer, 1, 'count', 'count', file.details.length, '笔数');
    checkTrailerNumber(errors, trailer, 2, 'total_fen', 'total_fen', total, '总金额（分）');
  }
  if (file.details.length === 0) errors.add(0, 'file', '文件中没有明细行', 'the file has no detail lines');
  if (!errors.isEmpty) return { batch: null, encoding: file.encoding, errors: errors.sorted() };
  return { batch: { utilityCode: file.header.utilityCode, batchNo: file.header.batchNo, createdOn: file.header.fileDate as string, items }, encoding: file.encoding, errors: [] };
}

/** Reads a generic result file; with the batch, checks every result against the item it answers. */
export function decodeGenericResult(bytes: Uint8Array, batch?: WithholdingBatch): DecodedResults {
  const errors = new ErrorList();
  const file = readRecords(bytes, 'RES', errors);
  if (!file || !file.header) return { results: [], errors: errors.sorted() };
  if (batch) {
    if (file.header.utilityCode !== batch.utilityCode) errors.add(1, 'utility_code', '单位代码与扣款批次不符', 'does not match the batch’s utility code');
    if (file.header.batchNo !== batch.batchNo) errors.add(1, 'batch_no', '批次号与扣款批次不符', 'does not match the batch number');
    if (file.header.fileDate !== null && file.header.fileDate < batch.createdOn) errors.add(1, 'file_date', '回盘日期早于批次创建日期', 'the result date is before the batch was created');
  }
  const items = new Map<number, WithholdingItem>((batch?.items ?? []).map((item) => [item.sequence, item]));
  const seen = new Map<number, number>();
  const results: WithholdingResult[] = [];
  const totals = { count: file.details.length, totalFen: 0, successCount: 0, successFen: 0, failedCount: 0, failedFen: 0 };
  for (const record of file.details) {
    if (!checkFieldCount(errors, record, RESULT_FIELDS.length, { zh: '明细行', en: 'a detail line' })) continue;
    const [, sequence = '', accountNo = '', amount = '', status = '', failureCode = '', failureReason = '', bankRef = '', settledDate = ''] = record.fields;
    const row = record.line;
    const errorsBefore = errors.count;
    let item: WithholdingItem | undefined;
    if (checkPattern(errors, row, 'sequence', sequence)) {
      const first = seen.get(Number(sequence));
      if (first !== undefined) errors.add(row, 'sequence', `流水号与第 ${first} 行重复`, `sequence repeats line ${first}`);
      else seen.set(Number(sequence), row);
      if (batch) {
        item = items.get(Number(sequence));
        if (!item) errors.add(row, 'sequence', '流水号不在本扣款批次中', 'the sequence is not in this batch');
      }
    }
    if (checkPattern(errors, row, 'account_no', accountNo) && item && item.accountNo !== accountNo) errors.add(row, 'account_no', '户号与扣款批次中该流水号的户号不符', 'does not match the account number of this sequence in the batch');
    const isAmountValid = checkPattern(errors, row, 'amount_fen', amount);
    if (isAmountValid && item && item.amountFen !== Number(amount)) errors.add(row, 'amount_fen', `金额与扣款批次不符（批次 ${item.amountFen} 分）`, `does not match the batch (${item.amountFen} fen asked)`);
    const settledOn = settledDate === '' ? null : compactToIsoDate(settledDate);
    if (status === 'S') {
      if (failureCode !== '') errors.add(row, 'failure_code', '扣款成功时失败代码应为空', 'must be empty when the debit succeeded');
      if (failureReason !== '') errors.add(row, 'failure_reason', '扣款成功时失败原因应为空', 'must be empty when the debit succeeded');
      checkPattern(errors, row, 'bank_ref', bankRef);
      if (settledDate === '') errors.add(row, 'settled_date', '扣款成功时必填', 'is required when the debit succeeded');
    } else if (status === 'F') {
      checkPattern(errors, row, 'failure_code', failureCode);
      checkText(errors, row, 'failure_reason', failureReason, 100, 'UTF-8');
      if (bankRef !== '') checkPattern(errors, row, 'bank_ref', bankRef);
      if (settledDate !== '') errors.add(row, 'settled_date', '扣款失败时应为空', 'must be empty when the debit failed');
    } else errors.add(row, 'status', '状态应为 S（成功）或 F（失败）', 'status must be S (success) or F (failed)');
    if (settledDate !== '' && settledOn === null) errors.add(row, 'settled_date', '日期应为有效日期 YYYYMMDD', 'must be a valid date YYYYMMDD');
    if (settledOn !== null && batch && settledOn < batch.createdOn) errors.add(row, 'settled_date', '入账日期早于批次创建日期', 'is before the batch was created');
    if (isAmountValid) {
      const amountFen = Number(amount);
      totals.totalFen += amountFen;
      if (status === 'S') {
        totals.successCount += 1;
        totals.successFen += amountFen;
      } else if (status === 'F') {
        totals.failedCount += 1;
        totals.failedFen += amountFen;
      }
    }
    if (errors.count > errorsBefore) continue;
    results.push({
      sequence: Number(sequence),
      accountNo,
      status: status === 'S' ? 'success' : 'failed',
      amountFen: Number(amount),
      failureCode: failureCode === '' ? null : failureCode,
      failureReason: failureReason === '' ? null : failureReason,
      bankRef: bankRef === '' ? null : bankRef,
      settledOn,
    });
  }
  const trailer = file.trailer as FileRecord | null;
  if (trailer && checkFieldCount(errors, trailer, RESULT_TRAILER_FIELDS.length, { zh: '文件尾', en: 'the trailer' })) {
    checkTrailerNumber(errors, trailer, 1, 'count', 'count', totals.count, '笔数');
    checkTrailerNumber(errors, trailer, 2, 'total_fen', 'total_fen', totals.totalFen, '总金额（分）');
    checkTrailerNumber(errors, trailer, 3, 'success_count', 'count', totals.successCount, '成功笔数');
    checkTrailerNumber(errors, trailer, 4, 'success_fen', 'total_fen', totals.successFen, '成功金额（分）');
    checkTrailerNumber(errors, trailer, 5, 'failed_count', 'count', totals.failedCount, '失败笔数');
    checkTrailerNumber(errors, trailer, 6, 'failed_fen', 'total_fen', totals.failedFen, '失败金额（分）');
  }
  if (batch) {
    const missingRow = trailer?.line ?? 0;
    for (const item of batch.items) {
      if (!seen.has(item.sequence)) errors.add(missingRow, 'sequence', `扣款批次中流水号 ${item.sequence} 没有回盘结果`, `the batch’s sequence ${item.sequence} has no result`);
    }
  }
  if (file.details.length === 0) errors.add(0, 'file', '文件中没有明细行', 'the file has no detail lines');
  return errors.isEmpty ? { results, errors: [] } : { results: [], errors: errors.sorted() };
}

/** The generic adapter writing its request files in the given encoding (result files declare their own). */
export function createGenericWithholdingAdapter(options: { encoding?: TextEncodingName } = {}): WithholdingAdapter {
  const encoding = options.encoding ?? 'GBK';
  return {
    id: GENERIC_V1_ID,
    name: { zh: '水务通用代扣文件格式 v1', en: 'Shuiwu generic withholding file format v1' },
    encodeBatch: (batch) => encodeGenericBatch(batch, encoding),
    decodeResult: (bytes, batch) => decodeGenericResult(bytes, batch),
  };
}
