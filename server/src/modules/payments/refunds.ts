/**
 * 退款: money an account has in credit goes back through the channel it came in by — WeChat Pay and Alipay
 * through their refund APIs, cash, card and transfer out of a cashier's open till of today.
 *
 * A refund takes only what the account has in credit (its prepaid balance), and no more than the payment
 * less what was already refunded of it. The money leaves the prepaid balance when the refund is asked for,
 * in one transaction under the account's money lock (settlement.ts), so nothing can spend it meanwhile and
 * prepaid_balances' CHECK keeps it from going negative:
 *
 *   refund            debit prepaid            credit the payment's clearing account (cash / channel / bank)
 *   refund refused    debit the clearing account   credit prepaid   (only when the channel certainly refused)
 *
 * The channel is asked outside that transaction. Its refund number (out_refund_no / out_request_no) is ours
 * and fixed at the start, so every retry after an answer that never came — a timeout, a 5xx — is the same
 * refund to the channel: WeChat Pay (refund query) and Alipay (alipay.trade.fastpay.refund.query) are first
 * asked whether they have the refund, and it is sent again only on a signed "no such refund". Alipay's
 * synchronous answer settles a refund only when it says the money moved (fund_change Y); otherwise the refund
 * query decides. When the
 * outcome stays unknown the refund stays `processing` (the money stays reserved) until a later look at the
 * channel (the refund list, the sweep) or WeChat Pay's REFUND.* notification settles it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit, systemActor, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue } from '../../platform/db/counters';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { postJournals } from '../ledger';
import { findTenantById } from '../tenancy';
import { PaymentChannelError, type WechatPayRefund } from './channels';
import { todayOf } from './counter';
import type { ChannelClients, OnlineChannel, PaymentGateways } from './gateways';
import { paymentMethodSchema } from './schemas';
import { CLEARING_ACCOUNT, COUNTER_METHODS, lockAccountMoney, METHOD_NAMES, type PaymentMethod } from './settlement';

const names = z.object({ zh: z.string(), en: z.string() });

export const refundRequestSchema = z
  .strictObject({
    amountFen: z.int().min(1).max(100_000_000).meta({ description: 'Integer fen (分) to refund; at most the payment less what was refunded of it, and at most the prepaid balance' }),
    reason: z.string().trim().min(1).max(80).meta({ description: 'Why (shown to the payer by WeChat Pay / Alipay)' }),
    tillId: z.uuid().optional().meta({ description: 'Cash, card and transfer payments only: the open till of today the money is paid out of' }),
  })
  .meta({ id: 'RefundRequest' });
export type RefundRequest = z.infer<typeof refundRequestSchema>;

export const refundSchema = z
  .object({
    id: z.uuid(),
    refundNo: z.string().meta({ description: 'Our refund number, sent to the channel as out_refund_no / out_request_no' }),
    paymentId: z.uuid(),
    receiptNo: z.string(),
    accountId: z.uuid(),
    method: paymentMethodSchema,
    methodName: names,
    amountFen: z.int(),
    reason: z.string(),
    status: z.enum(['processing', 'succeeded', 'failed']).meta({ description: 'processing: the channel has not confirmed it yet (the money stays reserved)' }),
    channelStatus: z.string().nullable(),
    channelRefundNo: z.string().nullable(),
    tillId: z.uuid().nullable(),
    requestedBy: z.string(),
    requestedAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable(),
    failureReason: z.string().nullable(),
  })
  .meta({ id: 'Refund' });
export type Refund = z.infer<typeof refundSchema>;

const PAYMENT = { zh: '缴费记录', en: 'Payment' };
/** A processing refund is looked up at the channel when it is this old. */
const QUERY_AFTER_MS = 5_000;

type RefundStatus = 'processing' | 'succeeded' | 'failed';
interface RefundRow {
  id: string;
  refund_no: string;
  payment_id: string;
  receipt_no: string;
  account_id: string;
  channel: PaymentMethod;
  out_trade_no: string | null;
  amount_fen: number;
  payment_fen: number;
  reason: string;
  status: RefundStatus;
  channel_status: string | null;
  channel_refund_no: string | null;
  till_id: string | null;
  staff_name: string;
  requested_at: Date;
  completed_at: Date | null;
  failure_reason: string | null;
}
const REFUND_SELECT = `SELECT r.id, r.refund_no, r.payment_id, p.receipt_no, r.account_id, r.channel, r.out_trade_no, r.amount_fen, p.amount_fen AS payment_fen,
    r.reason, r.status, r.channel_status, r.channel_refund_no, r.till_id, s.display_name AS staff_name, r.requested_at, r.completed_at, r.failure_reason
  FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN staff s ON s.id = r.staff_id`;

const toRefund = (row: RefundRow): Refund => ({
  id: row.id,
  refundNo: row.refund_no,
  paymentId: row.payment_id,
  receiptNo: row.receipt_no,
  accountId: row.account_id,
  method: row.channel,
  methodName: METHOD_NAMES[row.channel],
  amountFen: row.amount_fen,
  reason: row.reason,
  status: row.status,
  channelStatus: row.channel_status,
  channelRefundNo: row.channel_refund_no,
  tillId: row.till_id,
  requestedBy: row.staff_name,
  requestedAt: row.requested_at.toISOString(),
  completedAt: row.completed_at?.toISOString() ?? null,
  failureReason: row.failure_reason,
});

async function refundRow(sql: Sql, refundId: string, forUpdate = false): Promise<RefundRow | null> {
  const rows = await sql.query<RefundRow>(`${REFUND_SELECT} WHERE r.id = $1${forUpdate ? ' FOR UPDATE OF r' : ''}`, [refundId]);
  return rows[0] ?? null;
}

const isCounterMethod = (method: PaymentMethod): method is (typeof COUNTER_METHODS)[number] => (COUNTER_METHODS as readonly string[]).includes(method);
const isOnlineMethod = (method: PaymentMethod): method is OnlineChannel => method === 'wechatpay' || method === 'alipay';

async function tenantCodeOf(context: PlatformContext, tenantId: string): Promise<string> {
  const tenant = await findTenantById(context, tenantId);
  if (!tenant) throw notFound({ zh: '供水单位', en: 'Utility' });
  return tenant.code;
}

/** What is left to refund of a payment (under the account's money lock). */
async function refundedFen(sql: Sql, paymentId: string): Promise<number> {
  const rows = await sql.query<{ fen: number }>("SELECT coalesce(sum(amount_fen), 0)::int8 AS fen FROM refunds WHERE payment_id = $1 AND status <> 'failed'", [paymentId]);
  return rows[0]?.fen ?? 0;
}

/** Money of one method in a till: what its payments took in less what its refunds paid out. */
async function tillHolds(sql: Sql, tillId: string, method: string): Promise<number> {
  const rows = await sql.query<{ fen: number }>(
    `SELECT (coalesce((SELECT sum(amount_fen) FROM payments WHERE till_id = $1 AND channel = $2), 0)
           - coalesce((SELECT sum(amount_fen) FROM refunds WHERE till_id = $1 AND channel = $2 AND status <> 'failed'), 0))::int8 AS fen`,
    [tillId, method],
  );
  return rows[0]?.fen ?? 0;
}

export interface RefundActor {
  tenantId: string;
  staffId: string;
  actor: Actor;
}

/**
 * Refunds (part of) a payment through its own channel. Counter refunds are done when this returns; online
 * ones are `succeeded`, `failed` (the channel refused: the money is back in the prepaid balance) or
 * `processing` (the channel has not confirmed it yet).
 */
export async function requestRefund(context: PlatformContext, gateways: PaymentGateways, who: RefundActor, paymentId: string, input: RefundRequest): Promise<Refund> {
  const { tenantId } = who;
  const today = await todayOf(context, tenantId);
  const tenantCode = await tenantCodeOf(context, tenantId);
  const now = context.clock.now();
  const refundId = await context.db.withTenant(tenantId, async (sql) => {
    const [payment] = await sql.query<{ id: string; account_id: string; channel: PaymentMethod; amount_fen: number; receipt_no: string; out_trade_no: string | null }>(
      'SELECT p.id, p.account_id, p.channel, p.amount_fen, p.receipt_no, o.out_trade_no FROM payments p LEFT JOIN payment_orders o ON o.id = p.order_id WHERE p.id = $1',
      [paymentId],
    );
    if (!payment) throw notFound(PAYMENT);
    const method = payment.channel;
    const methodName = METHOD_NAMES[method];
    let tillId: string | null = null;
    if (isOnlineMethod(method)) {
      if (input.tillId !== undefined) throw new DomainError('validation', 'validation_failed', `${methodName.zh}缴费原路退回，不经收款台`, `A ${methodName.en} payment is refunded through ${methodName.en}, not a till`, [{ field: 'tillId', zh: '仅用于现金、银行卡、转账缴费', en: 'only for cash, card and transfer payments' }]);
      if (!payment.out_trade_no) throw new DomainError('conflict', 'refund_without_order', '该缴费没有渠道订单号，无法原路退回', 'This payment has no channel order to refund through', [{ field: 'id', zh: '没有渠道订单', en: 'has no channel order' }]);
      if (!gateways.forTenant(tenantCode)[method]) throw new DomainError('conflict', 'channel_unavailable', '本单位暂未开通该支付方式', 'This utility does not take payments through that channel', [{ field: 'id', zh: `未开通${methodName.zh}`, en: `${methodName.en} is not available` }]);
    } else if (isCounterMethod(method)) {
      if (input.tillId === undefined) throw new DomainError('validation', 'validation_failed', '请选择付出退款的收款台', 'Name the till the refund is paid out of', [{ field: 'tillId', zh: '必填', en: 'is required' }]);
      const [till] = await sql.query<{ id: string; business_date: string; closed_at: Date | null }>('SELECT id, business_date, closed_at FROM tills WHERE id = $1 FOR UPDATE', [input.tillId]);
      if (!till || till.closed_at !== null || till.business_date !== today) {
        throw new DomainError('conflict', 'till_not_open', '该收款台不是今日未日结的收款台', 'That is not a till open today', [{ field: 'tillId', zh: '须为今日未日结的收款台', en: 'must be a till open today' }]);
      }
      const holds = await tillHolds(sql, till.id, method);
      if (input.amountFen > holds) {
        throw new DomainError('conflict', 'till_short', `该收款台今日${methodName.zh}收款只有 ${holds} 分`, `The till took in only ${holds} fen by ${methodName.en} today`, [{ field: 'amountFen', zh: '超过收款台可付金额', en: 'exceeds what the till holds' }]);
      }
      tillId = till.id;
    } else {
      throw new DomainError('conflict', 'refund_channel_unsupported', `${methodName.zh}缴费不能在此退款`, `${methodName.en} payments cannot be refunded here`, [{ field: 'id', zh: '该缴费方式不支持退款', en: 'this payment method has no refund' }]);
    }
    const balance = await lockAccountMoney(sql, tenantId, payment.account_id, now);
    const reversed = await sql.query('SELECT 1 FROM payment_reversals WHERE payment_id = $1', [payment.id]);
    if (reversed.length > 0) {
      throw new DomainError('conflict', 'payment_reversed', '该笔缴费已冲正，不能再退款', 'The payment was reversed; it cannot be refunded', [{ field: 'id', zh: '已冲正', en: 'already reversed' }]);
    }
    const refundable = payment.amount_fen - (await refundedFen(sql, payment.id));
    if (input.amountFen > refundable) {
      throw new DomainError('conflict', 'refund_exceeds_payment', `该笔缴费最多还可退 ${refundable} 分`, `At most ${refundable} fen of this payment is left to refund`, [{ field: 'amountFen', zh: '超过可退金额', en: 'exceeds what is left to refund' }]);
    }
    if (input.amountFen > balance) {
      throw new DomainError('conflict', 'insufficient_prepaid', `预存余额不足（余额 ${balance} 分），只能退还预存款`, `Only money in credit can be refunded; the prepaid balance is ${balance} fen`, [{ field: 'amountFen', zh: '超过预存余额', en: 'exceeds the prepaid balance' }]);
    }
    const refundNo = `TK${today.replaceAll('-', '')}${String(await nextCounterValue(sql, tenantId, 'refund_no', 0)).padStart(8, '0')}`;
    const journalId = randomUUID();
    await postJournals(sql, tenantId, [
      {
        journalId,
        accountId: payment.account_id,
        entryType: 'refund',
        billId: null,
        businessDate: today,
        postedAt: now,
        description: `${methodName.zh}退款 ${refundNo}（原收据 ${payment.receipt_no}）`,
        legs: [
          { ledgerAccount: 'prepaid', debitFen: input.amountFen, creditFen: 0 },
          { ledgerAccount: CLEARING_ACCOUNT[method], debitFen: 0, creditFen: input.amountFen },
        ],
      },
    ]);
    await sql.query('UPDATE prepaid_balances SET balance_fen = balance_fen - $2, updated_at = $3 WHERE account_id = $1', [payment.account_id, input.amountFen, now]);
    const isDone = tillId !== null;
    const [inserted] = await sql.query<{ id: string }>(
      `INSERT INTO refunds (tenant_id, refund_no, payment_id, account_id, channel, out_trade_no, amount_fen, reason, status, till_id, staff_id, requested_at, business_date, journal_id, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [tenantId, refundNo, payment.id, payment.account_id, method, isOnlineMethod(method) ? payment.out_trade_no : null, input.amountFen, input.reason, isDone ? 'succeeded' : 'processing', tillId, who.staffId, now, today, journalId, isDone ? now : null],
    );
    const id = (inserted as { id: string }).id;
    await recordAudit(sql, tenantId, who.actor, now, {
      action: 'refund.request',
      objectType: 'refund',
      objectId: id,
      after: { refundNo, paymentId: payment.id, receiptNo: payment.receipt_no, method, amountFen: input.amountFen, reason: input.reason, tillId },
    });
    return id;
  });
  await settleWithChannel(context, gateways, tenantId, tenantCode, refundId, 'submit');
  return context.db.withTenant(tenantId, async (sql) => toRefund((await refundRow(sql, refundId)) as RefundRow));
}

/** What the channel said about a refund, in our terms. */
type ChannelAnswer =
  | { state: 'succeeded'; channelStatus: string; channelRefundNo: string | null; at: Date | null }
  | { state: 'processing'; channelStatus: string; channelRefundNo: string | null }
  | { state: 'failed'; channelStatus: string; channelRefundNo: string | null; reason: string };

const UNKNOWN: ChannelAnswer = { state: 'processing', channelStatus: 'UNKNOWN', channelRefundNo: null };

function fromWechat(refund: WechatPayRefund): ChannelAnswer {
  if (refund.status === 'SUCCESS') return { state: 'succeeded', channelStatus: 'SUCCESS', channelRefundNo: refund.refundId, at: refund.successTime ? new Date(refund.successTime) : null };
  if (refund.status === 'CLOSED') return { state: 'failed', channelStatus: 'CLOSED', channelRefundNo: refund.refundId, reason: '微信支付关闭了该退款 / WeChat Pay closed the refund' };
  // PROCESSING, or ABNORMAL (the payer's card is gone: handled in the merchant platform, money not yet back).
  return { state: 'processing', channelStatus: refund.status, channelRefundNo: refund.refundId };
}

const chinaTime = (text: string | null): Date | null => (text ? new Date(`${text.replace(' ', 'T')}+08:00`) : null);

/**
 * Asks the channel to make the refund ('submit'), or first whether it has it ('query', for a refund whose
 * earlier request may or may not have reached it). Never throws: an answer that does not come is UNKNOWN.
 */
async function askChannel(clients: ChannelClients, refund: RefundRow, mode: 'submit' | 'query'): Promise<ChannelAnswer> {
  try {
    if (refund.channel === 'wechatpay' && clients.wechatpay) {
      const client = clients.wechatpay;
      const lookUp = async (): Promise<ChannelAnswer | null> => {
        try {
          const found = await client.queryRefund(refund.refund_no);
          return found ? fromWechat(found) : null;
        } catch {
          return UNKNOWN;
        }
      };
      if (mode === 'query') {
        const found = await lookUp();
        if (found) return found;
      }
      // Two tries with the same refund number; before the second, ask whether the first arrived.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          return fromWechat(await client.refund({ outTradeNo: refund.out_trade_no as string, outRefundNo: refund.refund_no, refundFen: refund.amount_fen, totalFen: refund.payment_fen, reason: refund.reason }));
        } catch (error) {
          if (!(error instanceof PaymentChannelError)) return UNKNOWN;
          if (error.isDefinite) return { state: 'failed', channelStatus: error.code, channelRefundNo: null, reason: error.message };
          const found = await lookUp();
          if (found) return found;
          // A signed "no such refund": it never arrived, so sending it again cannot refund twice.
        }
      }
      return UNKNOWN;
    }
    if (refund.channel === 'alipay' && clients.alipay) {
      const client = clients.alipay;
      const outTradeNo = refund.out_trade_no as string;
      // alipay.trade.fastpay.refund.query: REFUND_SUCCESS settles it; a signed "no such refund" (null) means it
      // never arrived or failed, so sending it again under the same out_request_no cannot refund twice.
      const lookUp = async (): Promise<ChannelAnswer | null> => {
        try {
          const found = await client.queryRefund(outTradeNo, refund.refund_no);
          return found ? { state: 'succeeded', channelStatus: found.refundStatus, channelRefundNo: found.tradeNo || null, at: chinaTime(found.gmtRefundPay) } : null;
        } catch {
          return UNKNOWN;
        }
      };
      if (mode === 'query') {
        const found = await lookUp();
        if (found) return found;
      }
      // Two tries with the same request number; after an unknown outcome, ask first whether the first arrived.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          const answer = await client.refund({ outTradeNo, outRequestNo: refund.refund_no, refundFen: refund.amount_fen, reason: refund.reason });
          // fund_change Y: this request moved the money. N: it did not (a repeat, or not yet): only the query says.
          if (answer.hasFundChange) return { state: 'succeeded', channelStatus: 'SUCCESS', channelRefundNo: answer.tradeNo, at: chinaTime(answer.gmtRefundPay) };
          return (await lookUp()) ?? { state: 'processing', channelStatus: 'FUND_CHANGE_N', channelRefundNo: answer.tradeNo };
        } catch (error) {
          if (!(error instanceof PaymentChannelError)) return UNKNOWN;
          if (error.isDefinite) return { state: 'failed', channelStatus: error.code, channelRefundNo: null, reason: error.message };
          const found = await lookUp();
          if (found) return found;
        }
      }
      return UNKNOWN;
    }
  } catch {
    return UNKNOWN;
  }
  return { state: 'processing', channelStatus: 'CHANNEL_NOT_CONFIGURED', channelRefundNo: null };
}

/**
 * Applies a channel's answer to a processing refund (in the caller's transaction, which locked nothing of
 * it yet): succeeded, failed (the money goes back to the prepaid balance) or still processing. A refund
 * that is already finished is left as it is. Returns what became of it.
 */
async function applyAnswer(sql: Sql, tenantId: string, refundId: string, answer: ChannelAnswer, now: Date, today: string): Promise<'succeeded' | 'failed' | 'processing' | 'finished_before'> {
  const row = await refundRow(sql, refundId, true);
  if (!row || row.status !== 'processing') return 'finished_before';
  const actor = systemActor(row.channel);
  if (answer.state === 'processing') {
    if (answer.channelStatus !== row.channel_status || (answer.channelRefundNo && answer.channelRefundNo !== row.channel_refund_no)) {
      await sql.query('UPDATE refunds SET channel_status = $2, channel_refund_no = coalesce($3, channel_refund_no) WHERE id = $1', [refundId, answer.channelStatus, answer.channelRefundNo]);
    }
    return 'processing';
  }
  if (answer.state === 'succeeded') {
    await sql.query("UPDATE refunds SET status = 'succeeded', completed_at = $2, channel_status = $3, channel_refund_no = coalesce($4, channel_refund_no) WHERE id = $1", [refundId, answer.at ?? now, answer.channelStatus, answer.channelRefundNo]);
    await recordAudit(sql, tenantId, actor, now, { action: 'refund.succeeded', objectType: 'refund', objectId: refundId, after: { refundNo: row.refund_no, amountFen: row.amount_fen, channelRefundNo: answer.channelRefundNo } });
    return 'succeeded';
  }
  await lockAccountMoney(sql, tenantId, row.account_id, now);
  const journalId = randomUUID();
  await postJournals(sql, tenantId, [
    {
      journalId,
      accountId: row.account_id,
      entryType: 'refund',
      billId: null,
      businessDate: today,
      postedAt: now,
      description: `退款未成功，退回预存 ${row.refund_no}`,
      legs: [
        { ledgerAccount: CLEARING_ACCOUNT[row.channel], debitFen: row.amount_fen, creditFen: 0 },
        { ledgerAccount: 'prepaid', debitFen: 0, creditFen: row.amount_fen },
      ],
    },
  ]);
  await sql.query('UPDATE prepaid_balances SET balance_fen = balance_fen + $2, updated_at = $3 WHERE account_id = $1', [row.account_id, row.amount_fen, now]);
  await sql.query("UPDATE refunds SET status = 'failed', completed_at = $2, channel_status = $3, channel_refund_no = coalesce($4, channel_refund_no), reversal_journal_id = $5, failure_reason = $6 WHERE id = $1", [
    refundId,
    now,
    answer.channelStatus,
    answer.channelRefundNo,
    journalId,
    answer.reason.slice(0, 500),
  ]);
  await recordAudit(sql, tenantId, actor, now, { action: 'refund.failed', objectType: 'refund', objectId: refundId, after: { refundNo: row.refund_no, amountFen: row.amount_fen, channelStatus: answer.channelStatus, reason: answer.reason } });
  return 'failed';
}

/** Asks the channel about a processing online refund and records its answer. */
async function settleWithChannel(context: PlatformContext, gateways: PaymentGateways, tenantId: string, tenantCode: string, refundId: string, mode: 'submit' | 'query'): Promise<void> {
  const row = await context.db.withTenant(tenantId, (sql) => refundRow(sql, refundId));
  if (!row || row.status !== 'processing' || !isOnlineMethod(row.channel)) return;
  const answer = await askChannel(gateways.forTenant(tenantCode), row, mode);
  const today = await todayOf(context, tenantId);
  await context.db.withTenant(tenantId, (sql) => applyAnswer(sql, tenantId, refundId, answer, context.clock.now(), today));
}

/** The refunds of a payment, newest first; processing ones a few seconds old are looked up at the channel first. */
export async function listRefunds(context: PlatformContext, gateways: PaymentGateways, tenantId: string, paymentId: string): Promise<Refund[]> {
  const load = () =>
    context.db.withTenant(tenantId, async (sql) => {
      const payments = await sql.query('SELECT 1 FROM payments WHERE id = $1', [paymentId]);
      if (payments.length === 0) throw notFound(PAYMENT);
      return sql.query<RefundRow>(`${REFUND_SELECT} WHERE r.payment_id = $1 ORDER BY r.requested_at DESC, r.refund_no DESC`, [paymentId]);
    });
  let rows = await load();
  const stale = rows.filter((row) => row.status === 'processing' && context.clock.now().getTime() - row.requested_at.getTime() >= QUERY_AFTER_MS);
  if (stale.length > 0) {
    const tenantCode = await tenantCodeOf(context, tenantId);
    for (const row of stale) await settleWithChannel(context, gateways, tenantId, tenantCode, row.id, 'query');
    rows = await load();
  }
  return rows.map(toRefund);
}

/** The worker's sweep: processing refunds older than a minute are looked up at the channel (or sent again with their number). */
export async function sweepProcessingRefunds(context: PlatformContext, gateways: PaymentGateways, tenant: { id: string; code: string }): Promise<number> {
  const rows = await context.db.withTenant(tenant.id, (sql) =>
    sql.query<{ id: string }>("SELECT id FROM refunds WHERE status = 'processing' AND requested_at < $1 ORDER BY requested_at LIMIT 500", [new Date(context.clock.now().getTime() - 60_000)]),
  );
  for (const row of rows) await settleWithChannel(context, gateways, tenant.id, tenant.code, row.id, 'query');
  return rows.length;
}

/**
 * A verified WeChat Pay REFUND.* notification (it comes to the payment notify URL): settles the refund it
 * names, once; repeats are acknowledged. One not ours, or not matching ours, is refused and logged.
 */
export async function handleWechatRefundNotification(
  context: PlatformContext,
  tenantId: string,
  refund: WechatPayRefund,
  raw: { body: string; remoteAddress: string | null },
): Promise<{ acknowledged: true } | { acknowledged: false; message: string }> {
  const now = context.clock.now();
  const today = await todayOf(context, tenantId);
  return context.db.withTenant(tenantId, async (sql) => {
    const log = (verdict: 'refunded' | 'duplicate' | 'ignored' | 'refused', reason: string | null) =>
      sql.query(
        "INSERT INTO channel_notifications (tenant_id, channel, received_at, verdict, reason, out_trade_no, remote_address, body_excerpt) VALUES ($1, 'wechatpay', $2, $3, $4, $5, $6, $7)",
        [tenantId, now, verdict, reason, refund.outTradeNo, raw.remoteAddress, raw.body.slice(0, 2000)],
      );
    const [ours] = await sql.query<{ id: string; amount_fen: number; out_trade_no: string | null }>("SELECT id, amount_fen, out_trade_no FROM refunds WHERE refund_no = $1 AND channel = 'wechatpay'", [refund.outRefundNo]);
    if (!ours) {
      await log('refused', 'unknown_refund');
      return { acknowledged: false, message: 'unknown_refund' };
    }
    if (ours.amount_fen !== refund.refundFen || ours.out_trade_no !== refund.outTradeNo) {
      await log('refused', 'refund_mismatch');
      return { acknowledged: false, message: 'refund_mismatch' };
    }
    const outcome = await applyAnswer(sql, tenantId, ours.id, fromWechat(refund), now, today);
    await log(outcome === 'finished_before' ? 'duplicate' : outcome === 'processing' ? 'ignored' : 'refunded', outcome === 'failed' ? `refund ${refund.status}` : null);
    return { acknowledged: true };
  });
}
