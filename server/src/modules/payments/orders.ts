/**
 * Online payment (网上缴费): the customer picks bills (the oldest open ones) or a top-up, the server places
 * an order with WeChat Pay or Alipay, the browser goes to the channel's pay page, and the channel's signed
 * notification credits the account — exactly once, however often it is repeated, in whatever order.
 * An order whose notification never comes is found by asking the channel (when the customer's page polls,
 * and by the worker's sweep) and credited the same way.
 */
import { randomInt } from 'node:crypto';
import { recordAudit, systemActor, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { addDays, lateFeesDueFen, lateFeesHeldThrough, waiveDaysAwaitingPayment } from '../collection';
import { isAccountBound } from '../customers';
import type { AlipayNotificationResult, WechatPayNotificationResult } from './channels';
import { todayOf } from './counter';
import type { OnlineChannel, PaymentGateways } from './gateways';
import type { NewPaymentOrder, PaymentOrder } from './schemas';
import { lockAccountMoney, openBills, recordPayment, settleFromPrepaid } from './settlement';
import { handleWechatRefundNotification } from './refunds';
import { receiptOf } from './statement';
import { wechatIdentityOf } from './wechat-identity';

/** How long an order may be paid. */
export const ORDER_VALIDITY_MINUTES = 30;
/** An unpaid order this old is asked about at the channel when its page polls. */
const QUERY_AFTER_SECONDS = 5;

interface OrderRow {
  id: string;
  out_trade_no: string;
  channel: OnlineChannel;
  account_id: string;
  purpose: 'bills' | 'topup';
  amount_fen: number;
  status: 'created' | 'paid' | 'closed';
  pay_url: string | null;
  created_at: Date;
  expires_at: Date;
  paid_at: Date | null;
  payment_id: string | null;
  portal_user_id: string | null;
  /** The last day whose late fees the amount carried (bills orders; null for orders placed before migration 0044). */
  late_fees_through: string | null;
}
const ORDER_COLUMNS = 'id, out_trade_no, channel, account_id, purpose, amount_fen, status, pay_url, created_at, expires_at, paid_at, payment_id, portal_user_id, late_fees_through::text';

const ORDER = { zh: '支付订单', en: 'Payment order' };

async function toOrder(sql: Sql, tenantId: string, row: OrderRow, jsapi: PaymentOrder['jsapi'] = null): Promise<PaymentOrder> {
  return {
    id: row.id,
    outTradeNo: row.out_trade_no,
    channel: row.channel,
    accountId: row.account_id,
    purpose: row.purpose,
    amountFen: row.amount_fen,
    status: row.status,
    payUrl: row.pay_url,
    jsapi,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    paidAt: row.paid_at?.toISOString() ?? null,
    receipt: row.payment_id ? await receiptOf(sql, tenantId, row.payment_id) : null,
  };
}

/** SW + yyyymmddHHMMSS (UTC) + 8 random digits: 24 characters, unique in practice and by the index. */
function newOutTradeNo(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `SW${stamp}${String(randomInt(100_000_000)).padStart(8, '0')}`;
}

export interface OrderContext {
  tenantId: string;
  tenantCode: string;
  portalUserId: string;
  clientIp: string;
  actor: Actor;
}

/**
 * Places an order for the oldest open bills (the ones named must be exactly those, oldest first; all of them
 * with the late fees owed today, or none when only late fees are owed) or for a top-up, with the chosen
 * channel, and returns it with the URL the browser pays at.
 */
export async function createPaymentOrder(context: PlatformContext, gateways: PaymentGateways, who: OrderContext, input: NewPaymentOrder): Promise<PaymentOrder> {
  if ((input.billIds === undefined) === (input.topupFen === undefined)) {
    throw new DomainError('validation', 'validation_failed', '请选择要缴的账单，或填写预存金额（二选一）', 'Choose bills to pay or a top-up amount, not both', [
      { field: 'billIds', zh: '选择账单或填写预存金额', en: 'give bills or a top-up amount' },
    ]);
  }
  const clients = gateways.forTenant(who.tenantCode);
  const wechat = clients.wechatpay;
  const alipay = clients.alipay;
  if ((input.channel === 'wechatpay' && !wechat) || (input.channel === 'alipay' && !alipay)) {
    throw new DomainError('validation', 'channel_unavailable', '本单位暂未开通该支付方式', 'This utility does not take payments through that channel', [{ field: 'channel', zh: '未开通', en: 'is not available' }]);
  }
  const isJsapi = input.tradeType === 'jsapi';
  if (input.tradeType !== undefined && input.channel !== 'wechatpay') {
    throw new DomainError('validation', 'validation_failed', '只有微信支付区分 JSAPI 与 H5', 'Only WeChat Pay orders have a trade type', [{ field: 'tradeType', zh: '仅用于微信支付', en: 'only for WeChat Pay' }]);
  }
  // JSAPI is placed for the payer's openid at the official account the merchant is bound to.
  let payerOpenid: string | null = null;
  if (isJsapi && wechat) {
    const identity = await context.db.withTenant(who.tenantId, (sql) => wechatIdentityOf(sql, who.portalUserId));
    if (!identity || identity.appid !== wechat.config.appid) {
      throw new DomainError('conflict', 'wechat_openid_required', '请先在微信中授权获取您的微信身份', "Authorise in WeChat first: the payer's openid is not known", [
        { field: 'tradeType', zh: '需要微信授权（openid）', en: 'needs the WeChat openid (authorise first)' },
      ]);
    }
    payerOpenid = identity.openid;
  }
  const today = await todayOf(context, who.tenantId);
  const now = context.clock.now();
  const order = await context.db.withTenant(who.tenantId, async (sql) => {
    if (!(await isAccountBound(sql, who.portalUserId, input.accountId))) throw notFound({ zh: '账户', en: 'Account' });
    await lockAccountMoney(sql, who.tenantId, input.accountId, now);
    let amountFen: number;
    let billIds: string[] = [];
    // The late fees an order for the bills carries (and those lateFeesDueFen counts) reach the day before today,
    // or the day before another order or a withholding item of the account still awaiting its money was made:
    // crediting this order waives the days after it (waiveDaysAwaitingPayment).
    let lateFeesThrough: string | null = null;
    if (input.billIds) {
      lateFeesThrough = await lateFeesHeldThrough(sql, input.accountId, addDays(today, -1));
      const open = await openBills(sql, input.accountId, today);
      const oldest = open.slice(0, input.billIds.length);
      const sameBills = oldest.length === input.billIds.length && oldest.every((bill, index) => bill.billId === input.billIds?.[index]) && (input.billIds.length > 0 || open.length === 0);
      if (!sameBills) {
        throw new DomainError('conflict', 'bills_not_oldest_open', '请按时间顺序从最早的欠费账单开始缴纳', 'Pay the oldest open bills first, in order', [
          { field: 'billIds', zh: open.length === 0 ? '没有待缴账单' : '须为最早的待缴账单', en: open.length === 0 ? 'nothing is open' : 'must be the oldest open bills, oldest first' },
        ]);
      }
      // Late fees are settled after the principal of every open bill: an order for all of them carries the
      // late fees owed today too (brought up to date), so paying it leaves nothing owed.
      const lateFeeFen = oldest.length === open.length ? await lateFeesDueFen(sql, who.tenantId, input.accountId, today) : 0;
      amountFen = oldest.reduce((sum, bill) => sum + bill.openFen, 0) + lateFeeFen;
      billIds = oldest.map((bill) => bill.billId);
      if (amountFen === 0) {
        throw new DomainError('conflict', 'nothing_owed', '没有待缴的水费或滞纳金', 'Nothing is owed on bills or in late fees', [{ field: 'billIds', zh: '没有待缴账单', en: 'nothing is open' }]);
      }
    } else {
      amountFen = input.topupFen as number;
    }
    const rows = await sql.query<OrderRow>(
      `INSERT INTO payment_orders (tenant_id, out_trade_no, channel, account_id, purpose, bill_ids, amount_fen, portal_user_id, created_at, expires_at, late_fees_through)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${ORDER_COLUMNS}`,
      [who.tenantId, newOutTradeNo(now), input.channel, input.accountId, input.billIds ? 'bills' : 'topup', billIds, amountFen, who.portalUserId, now, new Date(now.getTime() + ORDER_VALIDITY_MINUTES * 60_000), lateFeesThrough],
    );
    const row = rows[0] as OrderRow;
    await recordAudit(sql, who.tenantId, who.actor, now, { action: 'payment_order.create', objectType: 'payment_order', objectId: row.id, after: { outTradeNo: row.out_trade_no, channel: row.channel, amountFen, purpose: row.purpose } });
    return row;
  });
  // The channel is asked outside the transaction: a slow channel holds no locks.
  const [accountNo] = await context.db.withTenant(who.tenantId, (sql) => sql.query<{ account_no: string }>('SELECT account_no FROM accounts WHERE id = $1', [order.account_id]));
  const subject = `${order.purpose === 'bills' ? '水费' : '预存水费'} 户号${accountNo?.account_no ?? ''}`;
  const returnUrl = gateways.returnUrl(who.tenantCode, order.id);
  let payUrl: string | null;
  let jsapi: PaymentOrder['jsapi'] = null;
  if (input.channel === 'wechatpay' && wechat && payerOpenid) {
    const { payParams } = await wechat.createJsapiOrder({ outTradeNo: order.out_trade_no, description: subject, amountFen: order.amount_fen, timeExpire: order.expires_at, payerOpenid });
    jsapi = { ...payParams, signType: 'RSA', simulatedBridgeUrl: gateways.simulatedBridgeUrl() };
    payUrl = null;
  } else if (input.channel === 'wechatpay' && wechat) {
    const { h5Url } = await wechat.createH5Order({ outTradeNo: order.out_trade_no, description: subject, amountFen: order.amount_fen, timeExpire: order.expires_at, payerClientIp: who.clientIp });
    payUrl = `${h5Url}${h5Url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(returnUrl)}`;
  } else {
    payUrl = (alipay as NonNullable<typeof alipay>).wapPay({ outTradeNo: order.out_trade_no, subject, amountFen: order.amount_fen, timeExpire: order.expires_at, returnUrl, quitUrl: returnUrl }).url;
  }
  return context.db.withTenant(who.tenantId, async (sql) => {
    const rows = await sql.query<OrderRow>(`UPDATE payment_orders SET pay_url = $2 WHERE id = $1 RETURNING ${ORDER_COLUMNS}`, [order.id, payUrl]);
    return toOrder(sql, who.tenantId, rows[0] as OrderRow, jsapi);
  });
}

export type CreditOutcome = 'credited' | 'duplicate' | 'unknown_order' | 'amount_mismatch';

/**
 * Credits a paid order once: the order row is locked, a paid order is a duplicate, and the payment, its
 * journal, the settled bills and the order's move to paid commit together.
 */
export async function creditOrder(sql: Sql, tenantId: string, input: { channel: OnlineChannel; outTradeNo: string; amountFen: number; channelTradeNo: string; paidAt: Date; businessDate: string }): Promise<{ outcome: CreditOutcome; paymentId?: string }> {
  const rows = await sql.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM payment_orders WHERE out_trade_no = $1 AND channel = $2 FOR UPDATE`, [input.outTradeNo, input.channel]);
  const order = rows[0];
  if (!order) return { outcome: 'unknown_order' };
  if (order.status === 'paid') return { outcome: 'duplicate', ...(order.payment_id ? { paymentId: order.payment_id } : {}) };
  if (order.amount_fen !== input.amountFen) return { outcome: 'amount_mismatch' };
  if (order.purpose === 'bills') {
    // The order's amount carried the late fees through late_fees_through (the day before it was placed, or
    // earlier while another order or a debit of the account was awaiting its money): the days after it until the
    // payment's business day (a notification after midnight, or a lost one found days later, even of an order
    // closed meanwhile whose days were charged) are not charged.
    const [tenant] = await sql.query<{ ordered_on: string }>('SELECT ($2::timestamptz AT TIME ZONE time_zone)::date::text AS ordered_on FROM tenants WHERE id = $1', [tenantId, order.created_at]);
    const askedOn = order.late_fees_through ? addDays(order.late_fees_through, 1) : tenant?.ordered_on;
    if (askedOn && askedOn < input.businessDate) await waiveDaysAwaitingPayment(sql, tenantId, order.account_id, askedOn, input.businessDate, input.paidAt);
  }
  const payment = await recordPayment(sql, tenantId, {
    accountId: order.account_id,
    method: input.channel,
    amountFen: input.amountFen,
    receivedAt: input.paidAt,
    businessDate: input.businessDate,
    orderId: order.id,
    channelTradeNo: input.channelTradeNo,
  });
  await sql.query("UPDATE payment_orders SET status = 'paid', payment_id = $2, paid_at = $3 WHERE id = $1", [order.id, payment.id, input.paidAt]);
  // A top-up (or an overpayment) settles whatever else is owed at once.
  await settleFromPrepaid(sql, tenantId, order.account_id, input.paidAt, input.businessDate);
  await recordAudit(sql, tenantId, systemActor(input.channel), input.paidAt, {
    action: 'payment.online',
    objectType: 'payment',
    objectId: payment.id,
    after: { outTradeNo: input.outTradeNo, channelTradeNo: input.channelTradeNo, amountFen: input.amountFen, receiptNo: payment.receiptNo },
  });
  return { outcome: 'credited', paymentId: payment.id };
}

async function logNotification(sql: Sql, tenantId: string, entry: { channel: OnlineChannel; verdict: 'credited' | 'duplicate' | 'ignored' | 'refused'; reason: string | null; outTradeNo: string | null; remoteAddress: string | null; body: string; at: Date }): Promise<void> {
  await sql.query(
    'INSERT INTO channel_notifications (tenant_id, channel, received_at, verdict, reason, out_trade_no, remote_address, body_excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [tenantId, entry.channel, entry.at, entry.verdict, entry.reason, entry.outTradeNo, entry.remoteAddress, entry.body.slice(0, 2000)],
  );
}

/** What to answer the channel: acknowledged (it stops retrying) or not. */
export type NotifyAnswer = { acknowledged: true } | { acknowledged: false; message: string };

/** A verified (or refused) notification, applied in one transaction with its log entry. */
async function applyNotification(
  context: PlatformContext,
  tenantId: string,
  channel: OnlineChannel,
  verified: { ok: false; reason: string } | { ok: true; paid: boolean; outTradeNo: string; amountFen: number; channelTradeNo: string; paidAt: Date },
  raw: { body: string; remoteAddress: string | null },
): Promise<NotifyAnswer> {
  const now = context.clock.now();
  const today = await todayOf(context, tenantId);
  return context.db.withTenant(tenantId, async (sql) => {
    if (!verified.ok) {
      await logNotification(sql, tenantId, { channel, verdict: 'refused', reason: verified.reason, outTradeNo: null, remoteAddress: raw.remoteAddress, body: raw.body, at: now });
      return { acknowledged: false, message: verified.reason };
    }
    if (!verified.paid) {
      await logNotification(sql, tenantId, { channel, verdict: 'ignored', reason: 'not_paid', outTradeNo: verified.outTradeNo, remoteAddress: raw.remoteAddress, body: raw.body, at: now });
      return { acknowledged: true };
    }
    const { outcome } = await creditOrder(sql, tenantId, { channel, outTradeNo: verified.outTradeNo, amountFen: verified.amountFen, channelTradeNo: verified.channelTradeNo, paidAt: verified.paidAt, businessDate: today });
    const refused = outcome === 'unknown_order' || outcome === 'amount_mismatch';
    await logNotification(sql, tenantId, {
      channel,
      verdict: refused ? 'refused' : outcome,
      reason: refused ? outcome : null,
      outTradeNo: verified.outTradeNo,
      remoteAddress: raw.remoteAddress,
      body: raw.body,
      at: now,
    });
    return refused ? { acknowledged: false, message: outcome } : { acknowledged: true };
  });
}

export async function handleWechatPayNotification(context: PlatformContext, gateways: PaymentGateways, tenant: { id: string; code: string }, headers: Record<string, string | string[] | undefined>, body: string, remoteAddress: string | null): Promise<NotifyAnswer> {
  const client = gateways.forTenant(tenant.code).wechatpay;
  const result: WechatPayNotificationResult = client ? client.verifyAndDecryptNotification(headers, body, context.clock.now()) : { ok: false, reason: 'unknown_serial', detail: 'no WeChat Pay merchant for this utility' };
  if (!result.ok) return applyNotification(context, tenant.id, 'wechatpay', { ok: false, reason: result.reason }, { body, remoteAddress });
  if (result.kind === 'refund') return handleWechatRefundNotification(context, tenant.id, result.refund, { body, remoteAddress });
  if (result.kind !== 'transaction') return applyNotification(context, tenant.id, 'wechatpay', { ok: true, paid: false, outTradeNo: '', amountFen: 0, channelTradeNo: '', paidAt: context.clock.now() }, { body, remoteAddress });
  const transaction = result.transaction;
  return applyNotification(
    context,
    tenant.id,
    'wechatpay',
    {
      ok: true,
      paid: transaction.isPaid,
      outTradeNo: transaction.outTradeNo,
      amountFen: transaction.totalFen,
      channelTradeNo: transaction.transactionId ?? '',
      paidAt: transaction.successTime ? new Date(transaction.successTime) : context.clock.now(),
    },
    { body, remoteAddress },
  );
}

export async function handleAlipayNotification(context: PlatformContext, gateways: PaymentGateways, tenant: { id: string; code: string }, body: string, remoteAddress: string | null): Promise<NotifyAnswer> {
  const client = gateways.forTenant(tenant.code).alipay;
  const result: AlipayNotificationResult = client ? client.verifyNotification(body) : { ok: false, reason: 'wrong_merchant', detail: 'no Alipay merchant for this utility' };
  if (!result.ok) return applyNotification(context, tenant.id, 'alipay', { ok: false, reason: result.reason }, { body, remoteAddress });
  return applyNotification(
    context,
    tenant.id,
    'alipay',
    { ok: true, paid: result.isPaid, outTradeNo: result.outTradeNo, amountFen: result.totalFen, channelTradeNo: result.tradeNo, paidAt: result.gmtPayment ? new Date(`${result.gmtPayment.replace(' ', 'T')}+08:00`) : context.clock.now() },
    { body, remoteAddress },
  );
}

/** Asks the channel about an unpaid order and credits it when the channel says it was paid. */
export async function reconcileOrder(context: PlatformContext, gateways: PaymentGateways, tenant: { id: string; code: string }, order: Pick<OrderRow, 'channel' | 'out_trade_no'>): Promise<CreditOutcome | 'unpaid'> {
  const clients = gateways.forTenant(tenant.code);
  let paid: { amountFen: number; channelTradeNo: string; paidAt: Date } | null = null;
  if (order.channel === 'wechatpay' && clients.wechatpay) {
    const transaction = await clients.wechatpay.queryOrder(order.out_trade_no);
    if (transaction?.isPaid) paid = { amountFen: transaction.totalFen, channelTradeNo: transaction.transactionId ?? '', paidAt: transaction.successTime ? new Date(transaction.successTime) : context.clock.now() };
  } else if (order.channel === 'alipay' && clients.alipay) {
    const trade = await clients.alipay.queryTrade(order.out_trade_no);
    if (trade?.isPaid) paid = { amountFen: trade.totalFen, channelTradeNo: trade.tradeNo, paidAt: trade.sendPayDate ? new Date(`${trade.sendPayDate.replace(' ', 'T')}+08:00`) : context.clock.now() };
  }
  if (!paid) return 'unpaid';
  const today = await todayOf(context, tenant.id);
  const found = paid;
  return context.db.withTenant(tenant.id, async (sql) => (await creditOrder(sql, tenant.id, { channel: order.channel, outTradeNo: order.out_trade_no, ...found, businessDate: today })).outcome);
}

/** The customer's order (polled by the result page); an unpaid one a few seconds old is asked about at the channel. */
export async function getPortalOrder(context: PlatformContext, gateways: PaymentGateways, tenant: { id: string; code: string }, portalUserId: string, orderId: string): Promise<PaymentOrder> {
  const load = () =>
    context.db.withTenant(tenant.id, async (sql) => {
      const rows = await sql.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM payment_orders WHERE id = $1`, [orderId]);
      const row = rows[0];
      if (!row || !(await isAccountBound(sql, portalUserId, row.account_id))) throw notFound(ORDER);
      return row;
    });
  let row = await load();
  if (row.status === 'created' && context.clock.now().getTime() - row.created_at.getTime() >= QUERY_AFTER_SECONDS * 1000) {
    try {
      if ((await reconcileOrder(context, gateways, tenant, row)) === 'credited') row = await load();
    } catch {
      // The channel did not answer: the page polls again, and the notification may still come.
    }
  }
  return context.db.withTenant(tenant.id, (sql) => toOrder(sql, tenant.id, row));
}

/**
 * The worker's sweep: unpaid orders older than a minute are asked about at the channel (the notification
 * may have been lost) and credited if paid; expired ones that the channel confirms unpaid are closed.
 */
export async function sweepOpenOrders(context: PlatformContext, gateways: PaymentGateways, tenant: { id: string; code: string }): Promise<{ credited: number; closed: number }> {
  const now = context.clock.now();
  const rows = await context.db.withTenant(tenant.id, (sql) =>
    sql.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM payment_orders WHERE status = 'created' AND created_at < $1 ORDER BY created_at LIMIT 500`, [new Date(now.getTime() - 60_000)]),
  );
  let credited = 0;
  let closed = 0;
  for (const row of rows) {
    const outcome = await reconcileOrder(context, gateways, tenant, row);
    if (outcome === 'credited') credited += 1;
    else if (outcome === 'unpaid' && row.expires_at.getTime() < now.getTime()) {
      await context.db.withTenant(tenant.id, (sql) => sql.query("UPDATE payment_orders SET status = 'closed' WHERE id = $1 AND status = 'created'", [row.id]));
      closed += 1;
    }
  }
  return { credited, closed };
}
