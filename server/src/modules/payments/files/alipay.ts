/**
 * Alipay business detail statement (业务明细, from the bill download URL of alipay.data.dataservice.bill.
 * downloadurl.query with bill_type trade): a CSV, usually GBK, usually inside a ZIP next to a summary file
 * (业务明细(汇总)). Lines starting with # are comments: the title, account, date range, list markers and the
 * totals footer. Values often carry a trailing tab (so spreadsheets keep long numbers as text); it is trimmed.
 */
import { chinaTimeToIso, ErrorList, isoToChinaTime } from './common';
import { decodeUtf8OrGbk, encodeText, type TextEncodingName } from './encoding';
import { fenToYuan, yuanToFen } from './money';
import type { ParsedStatement, StatementRow } from './statement';
import type { StatementRowInput } from './wechat';
import { isZip, readZip, writeZip, ZipError } from './zip';

export const ALIPAY_DETAIL_TITLE = '#支付宝业务明细查询';
const ALIPAY_SUMMARY_TITLE = '#支付宝业务汇总查询';
const ALIPAY_ACCOUNT_TITLE = '#支付宝账务明细查询';
const LIST_START = '#-----------------------------------------业务明细列表----------------------------------------';
const LIST_END = '#-----------------------------------------业务明细列表结束------------------------------------';

export const ALIPAY_DETAIL_HEADER = [
  '支付宝交易号', '商户订单号', '业务类型', '商品名称', '创建时间', '完成时间', '门店编号', '门店名称', '操作员', '终端号', '对方账户', '订单金额（元）',
  '商家实收（元）', '支付宝红包（元）', '集分宝（元）', '支付宝优惠（元）', '商家优惠（元）', '券核销金额（元）', '券名称', '商家红包消费金额（元）',
  '卡消费金额（元）', '退款批次号/请求号', '服务费（元）', '分润（元）', '备注',
] as const;

const REQUIRED_COLUMNS = ['支付宝交易号', '商户订单号', '业务类型', '创建时间', '完成时间', '订单金额（元）', '商家实收（元）', '退款批次号/请求号', '服务费（元）'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];

/** One CSV line (RFC 4180 quoting within the line; Alipay values never span lines). */
export function parseCsvLine(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let isQuoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (isQuoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') isQuoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === '') {
      isQuoted = true;
      cell = '';
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/** Footer totals, e.g. "#交易合计：12笔，商家实收共1234.50元，商家优惠共0.00元" (also written "商家实收：1234.50元"). */
const TOTAL_PATTERN = /^#(交易|退款)合计[：:]\s*(\d+)\s*笔[，,]\s*商家实收(?:共|[：:])\s*(-?[\d.]+)\s*元/;

/** The detail CSV's text from the downloaded bytes: a ZIP is opened and its 业务明细 entry chosen by content. */
function statementText(bytes: Uint8Array, errors: ErrorList): string | null {
  let candidates: { name: string; bytes: Uint8Array }[] = [{ name: '', bytes }];
  const isArchive = isZip(bytes);
  if (isArchive) {
    try {
      candidates = readZip(bytes);
    } catch (error) {
      if (!(error instanceof ZipError)) throw error;
      errors.add(0, 'file', error.zh, error.en);
      return null;
    }
  }
  const texts: string[] = [];
  let isAccountStatement = false;
  for (const candidate of candidates) {
    const decoded = decodeUtf8OrGbk(candidate.bytes);
    if (!decoded) continue;
    const firstLine = (decoded.text.split(/\r?\n/, 1)[0] ?? '').trim();
    if (firstLine.startsWith(ALIPAY_DETAIL_TITLE)) texts.push(decoded.text);
    else if (firstLine.startsWith(ALIPAY_ACCOUNT_TITLE)) isAccountStatement = true;
    else if (!isArchive && !firstLine.startsWith(ALIPAY_SUMMARY_TITLE)) {
      if (firstLine === '') errors.add(1, 'file', '文件为空', 'the file is empty');
      else errors.add(1, 'file', `首行应为“${ALIPAY_DETAIL_TITLE}”`, `the first line must be “${ALIPAY_DETAIL_TITLE}”`);
      return null;
    }
  }
  if (texts.length === 1) return texts[0] as string;
  if (texts.length > 1) errors.add(0, 'file', 'ZIP 中有多份业务明细，请逐份导入', 'the ZIP holds more than one business detail file; import them one at a time');
  else if (isAccountStatement) errors.add(0, 'file', '这是账务明细；对账请下载业务明细（bill_type=trade）', 'this is an account statement (账务明细); reconciliation needs the business detail (bill_type=trade)');
  else if (!isArchive && decodeUtf8OrGbk(bytes) === null) errors.add(0, 'file', '文件既不是有效的 UTF-8 也不是有效的 GBK 文本', 'the file is neither valid UTF-8 nor valid GBK text');
  else errors.add(0, 'file', '没有找到支付宝业务明细（首行“#支付宝业务明细查询”）', 'no Alipay business detail found (first line “#支付宝业务明细查询”)');
  return null;
}

export function parseAlipayStatement(bytes: Uint8Array): ParsedStatement {
  const errors = new ErrorList();
  const skipped: ParsedStatement['skipped'] = [];
  const text = statementText(bytes, errors);
  if (text === null) return { channel: 'alipay', rows: [], errors: errors.sorted(), skipped };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: StatementRow[] = [];
  const position = new Map<string, number>();
  let headerLength = 0;
  let hasEnded = false;
  const sums = { 交易: { count: 0, fen: 0n }, 退款: { count: 0, fen: 0n } };
  const footer: { line: number; type: '交易' | '退款'; count: number; fen: number | null }[] = [];
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith('#')) {
      if (trimmed.startsWith('#---') && trimmed.includes('业务明细列表结束')) hasEnded = true;
      const total = TOTAL_PATTERN.exec(trimmed);
      if (total) footer.push({ line, type: total[1] as '交易' | '退款', count: Number(total[2]), fen: yuanToFen(total[3] as string) });
      return;
    }
    if (hasEnded) {
      errors.add(line, 'file', '业务明细列表结束之后不应再有明细', 'no detail line may follow the end of the list');
      return;
    }
    const cells = parseCsvLine(raw).map((cell) => cell.trim());
    if (headerLength === 0) {
      if (cells[0] !== '支付宝交易号') {
        errors.add(line, 'file', '表头应以“支付宝交易号”开头', 'the column header must begin with 支付宝交易号');
        hasEnded = true;
        return;
      }
      headerLength = cells.length;
      cells.forEach((name, column) => {
        if (!position.has(name)) position.set(name, column);
      });
      for (const column of REQUIRED_COLUMNS) if (!position.has(column)) errors.add(line, column, '表头缺少该列', 'the header lacks this column');
      return;
    }
    if (!errors.isEmpty && [...REQUIRED_COLUMNS].some((column) => !position.has(column))) return;
    // A trailing comma after the last column is common; more values than that is a broken line.
    if (cells.length !== headerLength && !(cells.length === headerLength + 1 && cells[headerLength] === '')) {
      errors.add(line, 'file', `该行有 ${cells.length} 个值，表头有 ${headerLength} 列`, `the line has ${cells.length} values, the header ${headerLength} columns`);
      return;
    }
    const errorsBefore = errors.count;
    const cell = (column: Column) => cells[position.get(column) as number] as string;
    const money = (column: Column): number => {
      const fen = yuanToFen(cell(column));
      if (fen === null) {
        errors.add(line, column, '金额应为数字，最多 2 位小数', 'must be a number with at most 2 decimals');
        return 0;
      }
      return fen;
    };
    const channelTradeNo = cell('支付宝交易号');
    const outTradeNo = cell('商户订单号');
    if (channelTradeNo === '') errors.add(line, '支付宝交易号', '必填', 'is required');
    if (outTradeNo === '') errors.add(line, '商户订单号', '必填', 'is required');
    const finished = cell('完成时间') === '' ? '创建时间' : '完成时间';
    const tradeTime = chinaTimeToIso(cell(finished));
    if (tradeTime === null) errors.add(line, finished, '时间应为 YYYY-MM-DD HH:mm:ss', 'must be a time YYYY-MM-DD HH:mm:ss');
    const orderFen = money('订单金额（元）');
    const receivedFen = money('商家实收（元）');
    const feeFen = Math.abs(money('服务费（元）'));
    const type = cell('业务类型');
    const outRefundNo = cell('退款批次号/请求号');
    if (type === '交易') {
      if (orderFen <= 0) errors.add(line, '订单金额（元）', '交易的订单金额应大于 0', 'must be more than 0 for a payment');
    } else if (type === '退款') {
      if (outRefundNo === '') errors.add(line, '退款批次号/请求号', '退款行必填', 'is required on a refund line');
      if (receivedFen === 0) errors.add(line, '商家实收（元）', '退款行的金额不能为 0', 'must not be 0 on a refund line');
    } else {
      errors.add(line, '业务类型', '业务类型应为“交易”或“退款”', 'must be 交易 (payment) or 退款 (refund)');
      return;
    }
    sums[type].count += 1;
    sums[type].fen += BigInt(receivedFen);
    if (errors.count > errorsBefore) return;
    const isRefund = type === '退款';
    rows.push({
      channel: 'alipay',
      line,
      tradeTime: tradeTime as string,
      channelTradeNo,
      outTradeNo,
      state: isRefund ? 'refund' : 'paid',
      amountFen: Math.abs(orderFen),
      // The sign of a refund's 商家实收 differs between bill versions; its size is the refund.
      refundFen: isRefund ? Math.abs(receivedFen) : 0,
      outRefundNo: isRefund ? outRefundNo : null,
      channelRefundNo: null,
      feeFen: isRefund && feeFen !== 0 ? -feeFen : feeFen,
    });
  });
  if (headerLength === 0 && errors.isEmpty) errors.add(lines.length, 'file', '缺少表头（支付宝交易号,商户订单号,…）', 'the column header (支付宝交易号,商户订单号,…) is missing');
  if (!hasEnded && errors.isEmpty) errors.add(lines.length, 'file', '缺少“业务明细列表结束”标记：文件可能不完整', 'the end-of-list marker (业务明细列表结束) is missing: the file may be cut short');
  for (const total of footer) {
    const actual = sums[total.type];
    if (total.count !== actual.count) errors.add(total.line, `${total.type}合计`, `合计为 ${total.count} 笔，明细有 ${actual.count} 笔`, `the footer says ${total.count} lines, the list has ${actual.count}`);
    if (total.fen === null) errors.add(total.line, `${total.type}合计`, '合计金额无法识别', 'the footer amount cannot be read');
    else if (BigInt(total.fen) !== actual.fen) errors.add(total.line, `${total.type}合计`, `合计商家实收 ${fenToYuan(total.fen)} 元，明细合计 ${fenToYuan(Number(actual.fen))} 元`, `the footer says ${fenToYuan(total.fen)} yuan received, the lines add up to ${fenToYuan(Number(actual.fen))}`);
  }
  return errors.isEmpty ? { channel: 'alipay', rows, errors: [], skipped } : { channel: 'alipay', rows: [], errors: errors.sorted(), skipped };
}

export interface AlipayRenderOptions {
  encoding?: TextEncodingName;
  /** Wrap the CSV in a ZIP beside a summary file, as the download URL serves it. */
  isZipped?: boolean;
  /** The merchant's Alipay account (PID), 16 digits. */
  account?: string;
  /** The statement's day, YYYY-MM-DD (default: the first row's day, or 2026-01-01). */
  date?: string;
  /** Replaces the footer totals (to produce a statement whose footer is wrong). */
  footer?: Partial<{ paymentCount: number; paymentReceivedFen: number; refundCount: number; refundReceivedFen: number }>;
}

const chineseDate = (isoDate: string) => `${isoDate.slice(0, 4)}年${isoDate.slice(5, 7)}月${isoDate.slice(8, 10)}日`;

function nextDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Quotes a CSV value when it needs it. */
const csvValue = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** An Alipay business detail statement for the rows (GBK by default, CRLF), optionally zipped as Alipay serves it. */
export function renderAlipayStatement(rows: readonly StatementRowInput[], options: AlipayRenderOptions = {}): Buffer {
  const encoding = options.encoding ?? 'GBK';
  const account = options.account ?? '2088000000000000';
  const date = options.date ?? rows[0]?.tradeTime.slice(0, 10) ?? '2026-01-01';
  const totals = { paymentCount: 0, paymentReceivedFen: 0, refundCount: 0, refundReceivedFen: 0 };
  const lines = [ALIPAY_DETAIL_TITLE, `#账号：[${account}]`, `#起始日期：[${chineseDate(date)} 00:00:00]   终止日期：[${chineseDate(nextDay(date))} 00:00:00]`, LIST_START, ALIPAY_DETAIL_HEADER.join(',')];
  for (const row of rows) {
    const isRefund = row.state === 'refund';
    const receivedFen = isRefund ? -row.refundFen : row.amountFen;
    if (isRefund) {
      totals.refundCount += 1;
      totals.refundReceivedFen += receivedFen;
    } else {
      totals.paymentCount += 1;
      totals.paymentReceivedFen += receivedFen;
    }
    const time = isoToChinaTime(row.tradeTime);
    const values = [
      `${row.channelTradeNo}\t`,
      `${row.outTradeNo}\t`,
      isRefund ? '退款' : '交易',
      '水费',
      time,
      time,
      '\t',
      '\t',
      '\t',
      '\t',
      '\t',
      fenToYuan(row.amountFen),
      fenToYuan(receivedFen),
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '',
      '0.00',
      '0.00',
      isRefund ? `${row.outRefundNo ?? ''}\t` : '\t',
      // Alipay prints the fee it takes as negative and the fee it returns with a refund as positive.
      fenToYuan(-row.feeFen),
      '0.00',
      '',
    ];
    lines.push(values.map(csvValue).join(','));
  }
  const footer = { ...totals, ...options.footer };
  lines.push(LIST_END);
  lines.push(`#交易合计：${footer.paymentCount}笔，商家实收共${fenToYuan(footer.paymentReceivedFen)}元，商家优惠共0.00元`);
  lines.push(`#退款合计：${footer.refundCount}笔，商家实收共${fenToYuan(footer.refundReceivedFen)}元，商家优惠共0.00元`);
  lines.push(`#导出时间：[${chineseDate(nextDay(date))} 09:00:00]`);
  const csv = encodeText(`${lines.join('\r\n')}\r\n`, encoding);
  if (!options.isZipped) return csv;
  const stem = `${account}0156_${date.replaceAll('-', '')}`;
  const summary = encodeText(
    [ALIPAY_SUMMARY_TITLE, `#账号：[${account}]`, '#--------------------------------------------------------------------------', `#交易合计：${footer.paymentCount}笔`, `#退款合计：${footer.refundCount}笔`, ''].join('\r\n'),
    encoding,
  );
  return writeZip([
    { name: `${stem}_业务明细.csv`, bytes: csv },
    { name: `${stem}_业务明细(汇总).csv`, bytes: summary },
  ]);
}
