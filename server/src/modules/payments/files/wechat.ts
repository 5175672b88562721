/**
 * WeChat Pay trade bill (交易账单, the file behind GET /v3/bill/tradebill with bill_type ALL): a CSV whose every
 * value is prefixed with a backtick (so spreadsheets keep long numbers as text), then a summary header and one
 * summary line. Amounts are yuan with 2 decimals, fees with 5. Because every value starts with a backtick,
 * values are split at ",`" rather than at every comma: a product name with a comma in it stays one value.
 */
import { chinaTimeToIso, ErrorList, isoToChinaTime } from './common';
import { decodeUtf8OrGbk } from './encoding';
import { formatDecimalUnits, milliFenToFen, parseDecimalUnits } from './money';
import type { ParsedStatement, StatementRow } from './statement';

export const WECHAT_TRADE_BILL_HEADER = [
  '交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类',
  '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费',
  '费率', '订单金额', '申请退款金额', '费率备注',
] as const;

export const WECHAT_SUMMARY_HEADER = ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'] as const;

const REQUIRED_COLUMNS = ['交易时间', '微信订单号', '商户订单号', '交易状态', '货币种类', '应结订单金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '手续费', '订单金额', '申请退款金额'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number];

/** Fees are printed with 5 decimals (thousandths of a fen); money with 2. */
const FEE_DECIMALS = 5;

export interface WechatBillSummary {
  tradeCount: number;
  settlementTotalFen: number;
  refundTotalFen: number;
  rechargeCouponRefundTotalFen: number;
  feeTotalFen: number;
  orderTotalFen: number;
  requestedRefundTotalFen: number;
}

const stripBacktick = (value: string) => (value.startsWith('`') ? value.slice(1) : value);
/** A line of backtick-prefixed values → the values, or null when the line does not start with a backtick. */
const splitBacktickLine = (line: string): string[] | null => (line.startsWith('`') ? line.slice(1).split(',`') : null);
/** "0" is how the bill says "no refund number" on a line that is not a refund. */
const refundNumber = (value: string): string | null => (value === '' || value === '0' ? null : value);

export function parseWechatTradeBill(bytes: Uint8Array): ParsedStatement {
  const errors = new ErrorList();
  const skipped: ParsedStatement['skipped'] = [];
  const decoded = decodeUtf8OrGbk(bytes);
  if (!decoded) {
    errors.add(0, 'file', '文件既不是有效的 UTF-8 也不是有效的 GBK 文本', 'the file is neither valid UTF-8 nor valid GBK text');
    return { channel: 'wechatpay', rows: [], errors: errors.sorted(), skipped };
  }
  const lines = decoded.text.split(/\r?\n/);
  let index = 0;
  while (index < lines.length && (lines[index] as string).trim() === '') index += 1;
  const headerLine = index + 1;
  const header = (lines[index] ?? '').split(',').map((name) => stripBacktick(name.trim()));
  const position = new Map<string, number>();
  header.forEach((name, column) => {
    if (!position.has(name)) position.set(name, column);
  });
  for (const column of REQUIRED_COLUMNS) {
    if (!position.has(column)) errors.add(headerLine, column, '表头缺少该列（应为微信支付交易账单 ALL）', 'the header lacks this column (expected a WeChat Pay trade bill, type ALL)');
  }
  if (!errors.isEmpty) return { channel: 'wechatpay', rows: [], errors: errors.sorted(), skipped };

  const rows: StatementRow[] = [];
  const sums = { count: 0n, settlement: 0n, refund: 0n, rechargeRefund: 0n, fee: 0n, order: 0n, requestedRefund: 0n };
  let summaryHeaderLine = 0;
  let summary: { line: number; values: string[]; names: string[] } | null = null;
  for (index += 1; index < lines.length; index += 1) {
    const text = lines[index] as string;
    const line = index + 1;
    if (text.trim() === '') continue;
    if (summary) {
      errors.add(line, 'file', '汇总行之后不应再有内容', 'nothing may follow the summary line');
      continue;
    }
    if (summaryHeaderLine > 0) {
      const values = splitBacktickLine(text);
      if (!values) errors.add(line, 'summary', '汇总行的每个值应以 ` 开头', 'every value of the summary line must start with `');
      else summary = { line, values, names: (lines[summaryHeaderLine - 1] as string).split(',').map((name) => stripBacktick(name.trim())) };
      continue;
    }
    if (text.startsWith('总交易单数')) {
      summaryHeaderLine = line;
      continue;
    }
    const values = splitBacktickLine(text);
    if (!values) {
      errors.add(line, 'file', '明细行的每个值应以 ` 开头', 'every value of a detail line must start with `');
      continue;
    }
    if (values.length !== header.length) {
      errors.add(line, 'file', `该行有 ${values.length} 个值，表头有 ${header.length} 列`, `the line has ${values.length} values, the header ${header.length} columns`);
      continue;
    }
    sums.count += 1n;
    const errorsBefore = errors.count;
    const cell = (column: Column) => (values[position.get(column) as number] as string).trim();
    const money = (column: Column, decimals = 2, isSigned = false): number => {
      const units = parseDecimalUnits(cell(column), decimals);
      if (units === null || (!isSigned && units < 0)) {
        errors.add(line, column, `金额应为${isSigned ? '' : '非负'}数，最多 ${decimals} 位小数`, `must be a${isSigned ? '' : ' non-negative'} number with at most ${decimals} decimals`);
        return 0;
      }
      return units;
    };
    const tradeTime = chinaTimeToIso(cell('交易时间'));
    if (tradeTime === null) errors.add(line, '交易时间', '时间应为 YYYY-MM-DD HH:mm:ss', 'must be a time YYYY-MM-DD HH:mm:ss');
    const channelTradeNo = cell('微信订单号');
    const outTradeNo = cell('商户订单号');
    if (channelTradeNo === '') errors.add(line, '微信订单号', '必填', 'is required');
    if (outTradeNo === '') errors.add(line, '商户订单号', '必填', 'is required');
    if (cell('货币种类') !== 'CNY') errors.add(line, '货币种类', '只支持人民币（CNY）', 'only CNY is supported');
    const settlementFen = money('应结订单金额');
    const refundFen = money('退款金额');
    const rechargeRefundFen = money('充值券退款金额');
    const feeMilliFen = money('手续费', FEE_DECIMALS, true);
    const orderFen = money('订单金额');
    const requestedRefundFen = money('申请退款金额');
    sums.settlement += BigInt(settlementFen);
    sums.refund += BigInt(refundFen);
    sums.rechargeRefund += BigInt(rechargeRefundFen);
    sums.fee += BigInt(feeMilliFen);
    sums.order += BigInt(orderFen);
    sums.requestedRefund += BigInt(requestedRefundFen);
    const tradeState = cell('交易状态');
    const outRefundNo = refundNumber(cell('商户退款单号'));
    const channelRefundNo = refundNumber(cell('微信退款单号'));
    if (tradeState === 'SUCCESS') {
      if (orderFen <= 0) errors.add(line, '订单金额', '支付成功的订单金额应大于 0', 'must be more than 0 for a successful payment');
    } else if (tradeState === 'REFUND') {
      if (outRefundNo === null) errors.add(line, '商户退款单号', '退款行必填', 'is required on a refund line');
      if (channelRefundNo === null) errors.add(line, '微信退款单号', '退款行必填', 'is required on a refund line');
      if (refundFen <= 0) errors.add(line, '退款金额', '退款行的退款金额应大于 0', 'must be more than 0 on a refund line');
    } else if (tradeState === 'REVOKED') {
      skipped.push({ line, zh: '已撤销的交易（REVOKED）不计入收款，只参与汇总核对', en: 'a revoked trade (REVOKED) is no payment; it counts only towards the summary check' });
      continue;
    } else {
      errors.add(line, '交易状态', '交易状态应为 SUCCESS、REFUND 或 REVOKED', 'must be SUCCESS, REFUND or REVOKED');
    }
    if (errors.count > errorsBefore) continue;
    const isRefund = tradeState === 'REFUND';
    rows.push({
      channel: 'wechatpay',
      line,
      tradeTime: tradeTime as string,
      channelTradeNo,
      outTradeNo,
      state: isRefund ? 'refund' : 'paid',
      amountFen: orderFen,
      refundFen: isRefund ? refundFen : 0,
      outRefundNo: isRefund ? outRefundNo : null,
      channelRefundNo: isRefund ? channelRefundNo : null,
      feeFen: milliFenToFen(feeMilliFen),
    });
  }

  if (!summary) {
    errors.add(lines.length, 'summary', '缺少汇总（总交易单数…）：文件可能不完整', 'the summary (总交易单数…) is missing: the file may be cut short');
  } else {
    const { line, values, names } = summary;
    const expected: [string, bigint, number][] = [
      ['总交易单数', sums.count, 0],
      ['应结订单总金额', sums.settlement, 2],
      ['退款总金额', sums.refund, 2],
      ['充值券退款总金额', sums.rechargeRefund, 2],
      ['手续费总金额', sums.fee, FEE_DECIMALS],
      ['订单总金额', sums.order, 2],
      ['申请退款总金额', sums.requestedRefund, 2],
    ];
    if (values.length !== names.length) errors.add(line, 'summary', `汇总行有 ${values.length} 个值，汇总表头有 ${names.length} 列`, `the summary line has ${values.length} values, its header ${names.length} columns`);
    else {
      for (const [name, actual, decimals] of expected) {
        const column = names.indexOf(name);
        if (column < 0) {
          errors.add(summaryHeaderLine, name, '汇总表头缺少该列', 'the summary header lacks this column');
          continue;
        }
        const stated = parseDecimalUnits((values[column] as string).trim(), decimals);
        if (stated === null) errors.add(line, name, `应为数字，最多 ${decimals} 位小数`, `must be a number with at most ${decimals} decimals`);
        else if (BigInt(stated) !== actual) {
          const show = (units: bigint) => (decimals === 0 ? String(units) : formatDecimalUnits(Number(units), decimals));
          errors.add(line, name, `汇总为 ${show(BigInt(stated))}，明细合计为 ${show(actual)}`, `the summary says ${show(BigInt(stated))}, the lines add up to ${show(actual)}`);
        }
      }
    }
  }
  return errors.isEmpty ? { channel: 'wechatpay', rows, errors: [], skipped } : { channel: 'wechatpay', rows: [], errors: errors.sorted(), skipped };
}

export type StatementRowInput = Omit<StatementRow, 'line' | 'channel'> & { line?: number; channel?: StatementRow['channel'] };

export interface WechatRenderOptions {
  appId?: string;
  mchId?: string;
  description?: string;
}

function assertWritable(value: string): string {
  if (/[\r\n]|,`/.test(value)) throw new RangeError(`a WeChat bill value cannot contain a line break or ",\`": ${value}`);
  return value;
}

/**
 * A WeChat Pay trade bill (type ALL) for the rows, UTF-8, CRLF line ends, as WeChat serves it. The summary is
 * computed from the rows; `summary` replaces any of its values (to produce a bill whose summary is wrong).
 */
export function renderWechatTradeBill(rows: readonly StatementRowInput[], summary: Partial<WechatBillSummary> = {}, options: WechatRenderOptions = {}): Buffer {
  const yuan = (fen: number) => formatDecimalUnits(fen, 2);
  const fee = (fen: number) => formatDecimalUnits(fen * 1000, FEE_DECIMALS);
  const lines = [WECHAT_TRADE_BILL_HEADER.join(',')];
  const computed: WechatBillSummary = { tradeCount: 0, settlementTotalFen: 0, refundTotalFen: 0, rechargeCouponRefundTotalFen: 0, feeTotalFen: 0, orderTotalFen: 0, requestedRefundTotalFen: 0 };
  for (const row of rows) {
    const isRefund = row.state === 'refund';
    const settlementFen = isRefund ? 0 : row.amountFen;
    const refundFen = isRefund ? row.refundFen : 0;
    computed.tradeCount += 1;
    computed.settlementTotalFen += settlementFen;
    computed.refundTotalFen += refundFen;
    computed.feeTotalFen += row.feeFen;
    computed.orderTotalFen += row.amountFen;
    computed.requestedRefundTotalFen += refundFen;
    const values = [
      isoToChinaTime(row.tradeTime),
      options.appId ?? 'wx00000000000shuiwu',
      options.mchId ?? '1900000000',
      '0',
      '',
      row.channelTradeNo,
      row.outTradeNo,
      'o-shuiwu-simulated-openid',
      'JSAPI',
      isRefund ? 'REFUND' : 'SUCCESS',
      'OTHERS',
      'CNY',
      yuan(settlementFen),
      '0.00',
      isRefund ? (row.channelRefundNo ?? '') : '0',
      isRefund ? (row.outRefundNo ?? '') : '0',
      yuan(refundFen),
      '0.00',
      isRefund ? 'ORIGINAL' : '',
      isRefund ? 'SUCCESS' : '',
      options.description ?? '水费',
      '',
      fee(row.feeFen),
      '0.60%',
      yuan(row.amountFen),
      yuan(refundFen),
      '',
    ];
    lines.push(values.map((value) => `\`${assertWritable(value)}`).join(','));
  }
  const totals = { ...computed, ...summary };
  lines.push(WECHAT_SUMMARY_HEADER.join(','));
  lines.push(
    [String(totals.tradeCount), yuan(totals.settlementTotalFen), yuan(totals.refundTotalFen), yuan(totals.rechargeCouponRefundTotalFen), fee(totals.feeTotalFen), yuan(totals.orderTotalFen), yuan(totals.requestedRefundTotalFen)]
      .map((value) => `\`${value}`)
      .join(','),
  );
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}
