/**
 * Channel statements (对账单) in one shape, whatever the channel's file looked like, for reconciliation.
 */
import type { RowError } from './common';

export type StatementChannel = 'wechatpay' | 'alipay';

export interface StatementRow {
  channel: StatementChannel;
  /** Line of the source file (1-based), for reports. */
  line: number;
  /** When the channel completed it, ISO 8601 with the +08:00 offset the channels print in. */
  tradeTime: string;
  /** The channel's transaction number (微信订单号 / 支付宝交易号). */
  channelTradeNo: string;
  /** Our order number (商户订单号), as sent when the payment was created. */
  outTradeNo: string;
  state: 'paid' | 'refund';
  /** Order amount in fen as the line prints it (for a refund line, the original order's amount; may be 0). */
  amountFen: number;
  /** Refunded fen on a refund line (positive); 0 on a paid line. */
  refundFen: number;
  /** Our refund number (商户退款单号 / 退款批次号/请求号) on a refund line, else null. */
  outRefundNo: string | null;
  /** The channel's refund number (微信退款单号) where the channel gives one, else null. */
  channelRefundNo: string | null;
  /** The channel's fee in fen: positive when charged, negative when returned with a refund. */
  feeFen: number;
}

export interface ParsedStatement {
  channel: StatementChannel;
  /** Every row of the statement, or none when there is any problem (nothing is half-imported). */
  rows: StatementRow[];
  errors: RowError[];
  /** Lines read but deliberately not turned into rows (for example WeChat REVOKED trades), with the reason. */
  skipped: { line: number; zh: string; en: string }[];
}
