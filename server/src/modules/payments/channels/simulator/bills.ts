import { fenToYuan } from '../money';
import { shanghaiDateTime, shanghaiDay } from '../signing';
import { encodeGbk } from '../../files/encoding';
import { writeZip } from '../../files/zip';
import type { SimulatedAlipayOrder, SimulatedWechatPayOrder } from './orders';

/**
 * The day's files in each channel's layout, so reconciliation code can be written against the simulator and
 * pointed at the real channel unchanged. Fees use the common 0.6 % rate, rounded half up to the fen.
 */

const feeFen = (amountFen: number): number => Math.floor((amountFen * 6 + 500) / 1000);

export const WECHATPAY_TRADE_BILL_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
export const WECHATPAY_TRADE_BILL_SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** Fees are written with five decimals in WeChat Pay's bill. */
const feeYuan = (fen: number): string => `${fenToYuan(fen)}000`;
/** Every field starts with a backtick so a spreadsheet keeps 28-digit order numbers as text. */
const backticked = (fields: string[]): string => fields.map((field) => `\`${field.replace(/[,\r\n`]/g, ' ')}`).join(',');

/** The ALL trade bill for one Beijing-time day, or null when nothing happened that day (NO_STATEMENT_EXIST). */
export function wechatPayTradeBill(orders: SimulatedWechatPayOrder[], billDate: string): string | null {
  const rows: string[] = [];
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  let ordered = 0;
  for (const order of orders) {
    if (order.successAt && shanghaiDay(order.successAt) === billDate) {
      const fee = feeFen(order.totalFen);
      settled += order.totalFen;
      ordered += order.totalFen;
      fees += fee;
      rows.push(backticked([
        shanghaiDateTime(order.successAt), order.appid, order.mchid, '0', '', order.transactionId ?? '', order.outTradeNo,
        order.payerOpenid ?? '', order.tradeType, 'SUCCESS', 'OTHERS', 'CNY', fenToYuan(order.totalFen), '0.00', '0', '0', '0.00', '0.00',
        '', '', order.description, order.attach ?? '', feeYuan(fee), '0.60%', fenToYuan(order.totalFen), '0.00', '',
      ]));
    }
    for (const refund of order.refunds) {
      if (refund.status !== 'SUCCESS' || !refund.successAt || shanghaiDay(refund.successAt) !== billDate) continue;
      const fee = -feeFen(refund.refundFen);
      refunded += refund.refundFen;
      fees += fee;
      rows.push(backticked([
        shanghaiDateTime(refund.successAt), order.appid, order.mchid, '0', '', order.transactionId ?? '', order.outTradeNo,
        order.payerOpenid ?? '', order.tradeType, 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', refund.refundId, refund.outRefundNo,
        fenToYuan(refund.refundFen), '0.00', 'ORIGINAL', 'SUCCESS', order.description, order.attach ?? '', feeYuan(fee), '0.60%',
        '0.00', fenToYuan(refund.refundFen), '',
      ]));
    }
  }
  if (rows.length === 0) return null;
  const summary = backticked([String(rows.length), fenToYuan(settled), fenToYuan(refunded), '0.00', feeYuan(fees), fenToYuan(ordered), fenToYuan(refunded)]);
  return [WECHATPAY_TRADE_BILL_HEADER, ...rows, WECHATPAY_TRADE_BILL_SUMMARY_HEADER, summary, ''].join('\r\n');
}

export const ALIPAY_STATEMENT_DETAIL_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
export const ALIPAY_STATEMENT_SUMMARY_HEADER =
  '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）';

const zhDateTime = (date: Date): string => {
  const text = shanghaiDateTime(date);
  return `${text.slice(0, 4)}年${text.slice(5, 7)}月${text.slice(8, 10)}日 ${text.slice(11)}`;
};

/**
 * The trade statement for one day as Alipay delivers it: a zip holding 业务明细 and 业务明细(汇总) CSV files in
 * GBK, numbers padded with a tab. Null when the day has nothing (isp.bill_not_exist).
 */
export function alipayStatementZip(orders: SimulatedAlipayOrder[], sellerId: string, billDate: string, now: Date): { fileName: string; zip: Buffer } | null {
  const rows: string[] = [];
  let trades = 0;
  let tradeFen = 0;
  let refunds = 0;
  let refundFen = 0;
  let fees = 0;
  const text = (value: string): string => value.replace(/[,\r\n]/g, '，');
  for (const order of orders) {
    if (order.paidAt && shanghaiDay(order.paidAt) === billDate) {
      const fee = feeFen(order.totalFen);
      trades += 1;
      tradeFen += order.totalFen;
      fees -= fee;
      rows.push([
        `${order.tradeNo}\t`, `${order.outTradeNo}\t`, '交易', text(order.subject), shanghaiDateTime(order.createdAt), shanghaiDateTime(order.paidAt),
        '', '', '', '', order.buyerLogonId, fenToYuan(order.totalFen), fenToYuan(order.totalFen), '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00',
        '', fenToYuan(-fee), '0.00', '',
      ].join(','));
    }
    for (const refund of order.refunds) {
      if (shanghaiDay(refund.at) !== billDate) continue;
      const fee = feeFen(refund.refundFen);
      refunds += 1;
      refundFen += refund.refundFen;
      fees += fee;
      rows.push([
        `${order.tradeNo}\t`, `${order.outTradeNo}\t`, '退款', text(order.subject), shanghaiDateTime(order.createdAt), shanghaiDateTime(refund.at),
        '', '', '', '', order.buyerLogonId, fenToYuan(order.totalFen), fenToYuan(-refund.refundFen), '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00',
        `${refund.outRequestNo}\t`, fenToYuan(fee), '0.00', '',
      ].join(','));
    }
  }
  if (rows.length === 0) return null;
  const next = new Date(new Date(`${billDate}T00:00:00+08:00`).getTime() + 86_400_000);
  const period = `#起始日期：[${billDate.slice(0, 4)}年${billDate.slice(5, 7)}月${billDate.slice(8, 10)}日 00:00:00]   终止日期：[${zhDateTime(next)}]`;
  const detail = [
    '#支付宝业务明细查询',
    `#账号：[${sellerId}]`,
    period,
    '#-----------------------------------------业务明细列表----------------------------------------',
    ALIPAY_STATEMENT_DETAIL_HEADER,
    ...rows,
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${trades}笔，商家实收：${fenToYuan(tradeFen)}元，商家优惠：0.00元`,
    `#退款合计：${refunds}笔，商家实收：${fenToYuan(-refundFen)}元，商家优惠：0.00元`,
    `#导出时间：[${zhDateTime(now)}]`,
    '',
  ].join('\r\n');
  const net = fenToYuan(tradeFen - refundFen + fees);
  const totals = `${trades},${refunds},${fenToYuan(tradeFen)},${fenToYuan(tradeFen - refundFen)},0.00,0.00,0.00,${fenToYuan(fees)},0.00,${net}`;
  const summary = [
    '#支付宝业务汇总查询',
    `#账号：[${sellerId}]`,
    period,
    ALIPAY_STATEMENT_SUMMARY_HEADER,
    `,,${totals}`,
    `合计,,${totals}`,
    `#导出时间：[${zhDateTime(now)}]`,
    '',
  ].join('\r\n');
  const stem = `${sellerId}_${billDate.replace(/-/g, '')}`;
  const zip = writeZip(
    [
      { name: `${stem}_业务明细.csv`, bytes: encodeGbk(detail) },
      { name: `${stem}_业务明细(汇总).csv`, bytes: encodeGbk(summary) },
    ],
    { gbkNames: true, date: now },
  );
  return { fileName: `${stem}.csv.zip`, zip };
}
