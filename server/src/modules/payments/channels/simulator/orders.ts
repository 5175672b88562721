import type { AlipayTradeStatus } from '../alipay';
import { fenToYuan } from '../money';
import { shanghaiDateTime, shanghaiRfc3339 } from '../signing';
import type { WechatPayRefundStatus, WechatPayTradeState } from '../wechatpay';

/** What the simulator remembers about each order; tests read these through `simulator.orders()`. */

export interface SimulatedWechatPayRefund {
  refundId: string;
  outRefundNo: string;
  refundFen: number;
  reason: string | null;
  notifyUrl: string | null;
  status: WechatPayRefundStatus;
  createdAt: Date;
  successAt: Date | null;
}

export interface SimulatedWechatPayOrder {
  channel: 'wechatpay';
  mchid: string;
  appid: string;
  outTradeNo: string;
  prepayId: string;
  tradeType: 'JSAPI' | 'MWEB';
  state: WechatPayTradeState;
  description: string;
  totalFen: number;
  attach: string | null;
  notifyUrl: string;
  payerOpenid: string | null;
  transactionId: string | null;
  /** The notification event ID, fixed at payment so that every retry repeats it. */
  eventId: string | null;
  createdAt: Date;
  timeExpire: Date | null;
  successAt: Date | null;
  refunds: SimulatedWechatPayRefund[];
}

export interface SimulatedAlipayRefund {
  outRequestNo: string;
  refundFen: number;
  reason: string | null;
  at: Date;
}

export interface SimulatedAlipayOrder {
  channel: 'alipay';
  appId: string;
  sellerId: string;
  outTradeNo: string;
  tradeNo: string;
  subject: string;
  totalFen: number;
  status: AlipayTradeStatus;
  notifyUrl: string | null;
  returnUrl: string | null;
  quitUrl: string | null;
  passbackParams: string | null;
  buyerId: string;
  buyerLogonId: string;
  /** Alipay repeats one notify_id across the retries of a notification. */
  notifyId: string | null;
  createdAt: Date;
  timeExpire: Date | null;
  paidAt: Date | null;
  refunds: SimulatedAlipayRefund[];
}

export type SimulatedOrder = SimulatedWechatPayOrder | SimulatedAlipayOrder;

/** The transaction as WeChat Pay's own JSON (query answers and TRANSACTION.* notifications). */
export function wechatPayTransactionJson(order: SimulatedWechatPayOrder): Record<string, unknown> {
  const isPaid = order.state === 'SUCCESS' || order.state === 'REFUND';
  const stateDescriptions: Record<string, string> = { SUCCESS: '支付成功', REFUND: '转入退款', NOTPAY: '未支付', CLOSED: '已关闭' };
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    ...(isPaid ? { transaction_id: order.transactionId, bank_type: 'OTHERS', success_time: order.successAt ? shanghaiRfc3339(order.successAt) : undefined } : {}),
    trade_type: order.tradeType,
    trade_state: order.state,
    trade_state_desc: stateDescriptions[order.state] ?? order.state,
    attach: order.attach ?? '',
    ...(order.payerOpenid && isPaid ? { payer: { openid: order.payerOpenid } } : {}),
    amount: isPaid
      ? { total: order.totalFen, payer_total: order.totalFen, currency: 'CNY', payer_currency: 'CNY' }
      : { total: order.totalFen, currency: 'CNY' },
  };
}

export function wechatPayRefundJson(order: SimulatedWechatPayOrder, refund: SimulatedWechatPayRefund, forNotification = false): Record<string, unknown> {
  return {
    ...(forNotification ? { mchid: order.mchid } : {}),
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: order.transactionId,
    out_trade_no: order.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(refund.successAt ? { success_time: shanghaiRfc3339(refund.successAt) } : {}),
    create_time: shanghaiRfc3339(refund.createdAt),
    [forNotification ? 'refund_status' : 'status']: refund.status,
    funds_account: 'AVAILABLE',
    amount: {
      total: order.totalFen,
      refund: refund.refundFen,
      payer_total: order.totalFen,
      payer_refund: refund.refundFen,
      ...(forNotification ? {} : { settlement_refund: refund.refundFen, settlement_total: order.totalFen, discount_refund: 0, currency: 'CNY' }),
    },
  };
}

/** The parameters of a paid trade's trade_status_sync notification, before sign (Alipay's own names). */
export function alipayNotificationParams(order: SimulatedAlipayOrder, now: Date): Record<string, string> {
  const total = fenToYuan(order.totalFen);
  return {
    gmt_create: shanghaiDateTime(order.createdAt),
    charset: 'utf-8',
    seller_email: 'sim-merchant@example.com',
    subject: order.subject,
    buyer_id: order.buyerId,
    invoice_amount: total,
    notify_id: order.notifyId ?? '',
    fund_bill_list: JSON.stringify([{ amount: total, fundChannel: 'ALIPAYACCOUNT' }]),
    notify_type: 'trade_status_sync',
    trade_status: 'TRADE_SUCCESS',
    receipt_amount: total,
    app_id: order.appId,
    buyer_pay_amount: total,
    seller_id: order.sellerId,
    gmt_payment: order.paidAt ? shanghaiDateTime(order.paidAt) : '',
    notify_time: shanghaiDateTime(now),
    version: '1.0',
    out_trade_no: order.outTradeNo,
    total_amount: total,
    trade_no: order.tradeNo,
    auth_app_id: order.appId,
    buyer_logon_id: order.buyerLogonId,
    point_amount: '0.00',
    ...(order.passbackParams ? { passback_params: order.passbackParams } : {}),
  };
}
