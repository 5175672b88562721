import { createHash, randomBytes, randomInt, type KeyObject } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ALIPAY_NOTIFICATION_UNSIGNED, ALIPAY_REQUEST_UNSIGNED, alipayResponseKey, alipaySignContent } from '../alipay';
import { fenToYuan, parseYuan } from '../money';
import {
  loadPrivateKey,
  loadPublicKey,
  parseShanghaiDateTime,
  randomNonce,
  shanghaiDateTime,
  signSha256WithRsa,
  verifySha256WithRsa,
} from '../signing';
import { parseWechatPayAuthorization, wechatPayRequestMessage, wechatPayResponseMessage } from '../wechatpay';
import { alipayStatementZip, wechatPayTradeBill } from './bills';
import { registerWechatOfficialAccountSimulator, type WechatOfficialAccountSimulator } from '../../../notifications';
import { sandboxOfficialAccount, type SandboxCredentials } from './credentials';
import {
  ALIPAY_RETRY_SCHEDULE_MS,
  buildAlipayNotification,
  buildWechatPayNotification,
  WECHATPAY_RETRY_SCHEDULE_MS,
  type AlipayNotificationVariant,
  type BuiltNotification,
  type WechatPayNotificationVariant,
} from './notifications';
import {
  alipayNotificationParams,
  wechatPayRefundJson,
  wechatPayTransactionJson,
  type SimulatedAlipayOrder,
  type SimulatedOrder,
  type SimulatedWechatPayOrder,
  type SimulatedWechatPayRefund,
} from './orders';
import { messagePage, payPage } from './pages';

/**
 * A stand-in for WeChat Pay and Alipay that speaks both protocols byte for byte: it checks the merchant's
 * signatures, signs its own answers, keeps orders in memory, shows a pay page, and delivers signed (and for
 * WeChat Pay encrypted) notifications on each channel's retry schedule until the merchant acknowledges them.
 * The demo mounts it inside the server; tests start it on an ephemeral port.
 */

export interface PaymentSimulatorOptions {
  credentials: SandboxCredentials;
  /** Where the WeChat Pay API is mounted; the client's baseUrl is origin + this prefix. */
  wechatpayPrefix?: string;
  /** Where the Alipay gateway is mounted; the gateway URL is origin + this prefix + /gateway.do. */
  alipayPrefix?: string;
  /** Where the official account (公众号: access_token, template messages, OAuth2) of the sandbox appid is mounted. */
  officialAccountPrefix?: string;
  /** Multiplies the retry intervals: 1 is real time, 1e-5 runs WeChat Pay's 24-hour schedule in under a second. */
  timeScale?: number;
  /** How long a WeChat Pay refund stays PROCESSING before it succeeds and is notified (real milliseconds). */
  refundDelayMs?: number;
  /** The origin browsers and clients reach the simulator at; by default taken from each request's Host. */
  publicBaseUrl?: string;
  now?: () => Date;
  /** How long one notification attempt waits for the merchant's answer. */
  deliveryTimeoutMs?: number;
  fetch?: typeof fetch;
}

export type NotificationVariant = WechatPayNotificationVariant | AlipayNotificationVariant;

/** What the simulator does with one attempt: send it, lose it, send it twice, or send a forged form of it. */
export type DeliveryAction = 'deliver' | 'drop' | 'duplicate' | { variant: NotificationVariant };

export interface DeliveryAttempt {
  attempt: number;
  /** The channel's interval before this attempt, unscaled (0 for the first). */
  delayMs: number;
  at: Date;
  action: 'deliver' | 'drop' | 'duplicate' | NotificationVariant;
  statusCode: number | null;
  responseBody: string;
  isAcknowledged: boolean;
  error: string | null;
}

export interface NotificationDelivery {
  id: string;
  channel: 'wechatpay' | 'alipay';
  kind: 'payment' | 'refund';
  outTradeNo: string;
  outRefundNo: string | null;
  url: string;
  attempts: DeliveryAttempt[];
  isAcknowledged: boolean;
  /** Acknowledged, or the schedule ran out. */
  isFinished: boolean;
  nextAttemptAt: Date | null;
}

/**
 * What the simulated Alipay does with the next alipay.trade.refund request: 'answer_lost' makes the refund and
 * then answers 20000 / ACQ.SYSTEM_ERROR (the merchant cannot know it happened), 'system_error' answers that
 * without making it, 'refused' answers a definite refusal (ACQ.SELLER_BALANCE_NOT_ENOUGH) without making it.
 */
export type AlipayRefundFault = 'answer_lost' | 'system_error' | 'refused';

export type DeliveryInterceptor = (delivery: Readonly<NotificationDelivery>, attempt: number) => DeliveryAction;

interface DeliveryPayload {
  /** WeChat Pay: the resource as it was when the event happened. */
  resource?: Record<string, unknown>;
  eventType?: string;
  eventId?: string;
  /** Alipay: the parameters as they were when the event happened (notify_time is set per attempt). */
  params?: Record<string, string>;
}

const digits = (count: number): string => Array.from({ length: count }, () => String(randomInt(10))).join('');
const compactDate = (date: Date): string => shanghaiDateTime(date).replace(/\D/g, '');

export class PaymentSimulator {
  readonly credentials: SandboxCredentials;
  readonly wechatpayPrefix: string;
  readonly alipayPrefix: string;
  readonly officialAccountPrefix: string;
  /** The official account of the sandbox appid, once mounted (register). */
  officialAccount: WechatOfficialAccountSimulator | null = null;
  private readonly options: PaymentSimulatorOptions;
  private readonly wechatOrders = new Map<string, SimulatedWechatPayOrder>();
  private readonly prepayIndex = new Map<string, string>();
  private readonly alipayOrders = new Map<string, SimulatedAlipayOrder>();
  private readonly tradeNoIndex = new Map<string, string>();
  private readonly deliveryLog: NotificationDelivery[] = [];
  private readonly payloads = new Map<string, DeliveryPayload>();
  /** Each paid order's payment notification as it was at payment time, keyed "channel:outTradeNo". */
  private readonly paymentPayloads = new Map<string, DeliveryPayload>();
  private readonly files = new Map<string, { body: Buffer; contentType: string; fileName: string }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private interceptor: DeliveryInterceptor | null = null;
  private readonly alipayRefundFaults: AlipayRefundFault[] = [];
  private isStopped = false;
  readonly keys: { merchantPublic: KeyObject; platformPrivate: KeyObject; appPublic: KeyObject; alipayPrivate: KeyObject };

  constructor(options: PaymentSimulatorOptions) {
    this.options = options;
    this.credentials = options.credentials;
    this.wechatpayPrefix = (options.wechatpayPrefix ?? '/sim/wechatpay').replace(/\/+$/, '');
    this.alipayPrefix = (options.alipayPrefix ?? '/sim/alipay').replace(/\/+$/, '');
    this.officialAccountPrefix = (options.officialAccountPrefix ?? '/sim/wechat-mp').replace(/\/+$/, '');
    this.keys = {
      merchantPublic: loadPublicKey(options.credentials.wechatpay.merchantPublicKeyPem),
      platformPrivate: loadPrivateKey(options.credentials.wechatpay.platformPrivateKeyPem),
      appPublic: loadPublicKey(options.credentials.alipay.appPublicKeyPem),
      alipayPrivate: loadPrivateKey(options.credentials.alipay.alipayPrivateKeyPem),
    };
  }

  now(): Date {
    return this.options.now?.() ?? new Date();
  }

  // ---- test hooks ------------------------------------------------------------------------------------------

  /** Every order on both channels, as copies. */
  orders(): SimulatedOrder[] {
    return structuredClone([...this.wechatOrders.values(), ...this.alipayOrders.values()]);
  }

  order(channel: 'wechatpay', outTradeNo: string): SimulatedWechatPayOrder | null;
  order(channel: 'alipay', outTradeNo: string): SimulatedAlipayOrder | null;
  order(channel: 'wechatpay' | 'alipay', outTradeNo: string): SimulatedOrder | null {
    const order = channel === 'wechatpay' ? this.wechatOrders.get(outTradeNo) : this.alipayOrders.get(outTradeNo);
    return order ? structuredClone(order) : null;
  }

  /** Every notification the simulator has started delivering, with each attempt and the merchant's answer. */
  deliveries(): NotificationDelivery[] {
    return structuredClone(this.deliveryLog);
  }

  /** Decides each scheduled attempt from now on (drop, duplicate, forge); null restores plain delivery. */
  setDeliveryInterceptor(interceptor: DeliveryInterceptor | null): void {
    this.interceptor = interceptor;
  }

  /** The next alipay.trade.refund requests (one fault each, in order) fail this way. */
  failNextAlipayRefunds(...faults: AlipayRefundFault[]): void {
    this.alipayRefundFaults.push(...faults);
  }

  /** What pressing 确认支付 does: the order is paid and its notification starts on the channel's schedule. */
  pay(channel: 'wechatpay' | 'alipay', outTradeNo: string): SimulatedOrder {
    const problem = channel === 'wechatpay' ? this.payWechat(outTradeNo) : this.payAlipay(outTradeNo);
    if (problem) throw new Error(`Cannot pay ${channel} order ${outTradeNo}: ${problem}`);
    return structuredClone(channel === 'wechatpay' ? this.wechatOrders.get(outTradeNo) : this.alipayOrders.get(outTradeNo)) as SimulatedOrder;
  }

  /**
   * The payment notification of a paid order, freshly signed (new timestamp and nonce; the same event ID or
   * notify_id as the real deliveries), in the given variant: for tests that deliver notifications themselves.
   */
  notificationFor(channel: 'wechatpay' | 'alipay', outTradeNo: string, variant: NotificationVariant = 'valid'): BuiltNotification & { url: string } {
    const payload = this.paymentPayloads.get(`${channel}:${outTradeNo}`);
    if (channel === 'wechatpay') {
      const order = this.wechatOrders.get(outTradeNo);
      if (!order || !payload) throw new Error(`WeChat Pay order ${outTradeNo} is not paid`);
      return { url: order.notifyUrl, ...this.buildWechat(payload, variant as WechatPayNotificationVariant) };
    }
    const order = this.alipayOrders.get(outTradeNo);
    if (!order?.notifyUrl || !payload) throw new Error(`Alipay order ${outTradeNo} is not paid or has no notify_url`);
    return { url: order.notifyUrl, ...this.buildAlipay(payload, variant as AlipayNotificationVariant) };
  }

  /** Sends one notification now, outside any schedule (e.g. a duplicate or a forgery), and returns the answer. */
  async sendNotification(channel: 'wechatpay' | 'alipay', outTradeNo: string, variant: NotificationVariant = 'valid'): Promise<{ statusCode: number; body: string }> {
    const { url, headers, body } = this.notificationFor(channel, outTradeNo, variant);
    const response = await this.post(url, headers, body);
    return { statusCode: response.statusCode ?? 0, body: response.body };
  }

  /**
   * Remembers an order paid in an earlier run of the simulator (which keeps orders in memory only), as paid
   * at `paidAt` with no notification to send: so the statements of that day, and queries, still have it.
   * An order the simulator already knows is left as it is.
   */
  restorePaidOrder(input: { channel: 'wechatpay' | 'alipay'; outTradeNo: string; totalFen: number; channelTradeNo: string; paidAt: Date; description: string }): void {
    if (input.channel === 'wechatpay') {
      if (this.wechatOrders.has(input.outTradeNo)) return;
      const order: SimulatedWechatPayOrder = {
        channel: 'wechatpay',
        mchid: this.credentials.wechatpay.mchid,
        appid: this.credentials.wechatpay.appid,
        outTradeNo: input.outTradeNo,
        prepayId: `wx${compactDate(input.paidAt).slice(4)}${randomBytes(13).toString('hex')}`,
        tradeType: 'MWEB',
        state: 'SUCCESS',
        description: input.description,
        totalFen: input.totalFen,
        attach: null,
        notifyUrl: '',
        payerOpenid: `oSim${randomBytes(12).toString('base64url')}`,
        transactionId: input.channelTradeNo,
        eventId: null,
        createdAt: input.paidAt,
        timeExpire: null,
        successAt: input.paidAt,
        refunds: [],
      };
      this.wechatOrders.set(order.outTradeNo, order);
      this.prepayIndex.set(order.prepayId, order.outTradeNo);
      return;
    }
    if (this.alipayOrders.has(input.outTradeNo)) return;
    const order: SimulatedAlipayOrder = {
      channel: 'alipay',
      appId: this.credentials.alipay.appId,
      sellerId: this.credentials.alipay.sellerId,
      outTradeNo: input.outTradeNo,
      tradeNo: input.channelTradeNo,
      subject: input.description,
      totalFen: input.totalFen,
      status: 'TRADE_SUCCESS',
      notifyUrl: null,
      returnUrl: null,
      quitUrl: null,
      passbackParams: null,
      buyerId: `2088${digits(12)}`,
      buyerLogonId: `159******${digits(2)}`,
      notifyId: null,
      createdAt: input.paidAt,
      timeExpire: null,
      paidAt: input.paidAt,
      refunds: [],
    };
    this.alipayOrders.set(order.outTradeNo, order);
    this.tradeNoIndex.set(order.tradeNo, order.outTradeNo);
  }

  /** Cancels every scheduled attempt and refund; the simulator answers requests but sends nothing more. */
  stop(): void {
    this.isStopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  // ---- paying ------------------------------------------------------------------------------------------------

  private payWechat(outTradeNo: string): string | null {
    const order = this.wechatOrders.get(outTradeNo);
    if (!order) return '订单不存在';
    if (order.state === 'SUCCESS' || order.state === 'REFUND') return '订单已支付';
    if (order.state !== 'NOTPAY') return '订单已关闭';
    const now = this.now();
    if (order.timeExpire && order.timeExpire.getTime() < now.getTime()) return '订单已过期';
    order.state = 'SUCCESS';
    order.successAt = now;
    order.transactionId = `4200${digits(24)}`;
    order.payerOpenid ??= `oSim${randomBytes(12).toString('base64url')}`;
    order.eventId = `${randomBytes(18).toString('hex').slice(0, 36)}`;
    const payload: DeliveryPayload = { resource: wechatPayTransactionJson(order), eventType: 'TRANSACTION.SUCCESS', eventId: order.eventId };
    this.paymentPayloads.set(`wechatpay:${order.outTradeNo}`, payload);
    this.startDelivery('wechatpay', 'payment', order.outTradeNo, null, order.notifyUrl, payload);
    return null;
  }

  private payAlipay(outTradeNo: string): string | null {
    const order = this.alipayOrders.get(outTradeNo);
    if (!order) return '交易不存在';
    this.expireAlipay(order);
    if (order.status === 'TRADE_SUCCESS' || order.status === 'TRADE_FINISHED') return '交易已被支付';
    if (order.status === 'TRADE_CLOSED') return '交易已经关闭';
    order.status = 'TRADE_SUCCESS';
    order.paidAt = this.now();
    order.notifyId = `2026${randomBytes(15).toString('hex')}`;
    const payload: DeliveryPayload = { params: this.alipayNotificationParams(order) };
    this.paymentPayloads.set(`alipay:${order.outTradeNo}`, payload);
    if (order.notifyUrl) this.startDelivery('alipay', 'payment', order.outTradeNo, null, order.notifyUrl, payload);
    return null;
  }

  private expireAlipay(order: SimulatedAlipayOrder): void {
    // Alipay closes an unpaid trade once its time_expire has passed.
    if (order.status === 'WAIT_BUYER_PAY' && order.timeExpire && order.timeExpire.getTime() < this.now().getTime()) order.status = 'TRADE_CLOSED';
  }

  private alipayNotificationParams(order: SimulatedAlipayOrder): Record<string, string> {
    return alipayNotificationParams(order, this.now());
  }

  // ---- notification delivery ---------------------------------------------------------------------------------

  private buildWechat(payload: DeliveryPayload, variant: WechatPayNotificationVariant): BuiltNotification {
    return buildWechatPayNotification({
      platformPrivateKey: this.keys.platformPrivate,
      platformPublicKeyId: this.credentials.wechatpay.platformPublicKeyId,
      apiV3Key: this.credentials.wechatpay.apiV3Key,
      resource: payload.resource ?? {},
      eventType: payload.eventType,
      eventId: payload.eventId,
      variant,
      now: this.now(),
    });
  }

  private buildAlipay(payload: DeliveryPayload, variant: AlipayNotificationVariant): BuiltNotification {
    return buildAlipayNotification({
      alipayPrivateKey: this.keys.alipayPrivate,
      params: { ...payload.params, notify_time: shanghaiDateTime(this.now()) },
      variant,
    });
  }

  private startDelivery(channel: 'wechatpay' | 'alipay', kind: 'payment' | 'refund', outTradeNo: string, outRefundNo: string | null, url: string, payload: DeliveryPayload): void {
    const delivery: NotificationDelivery = {
      id: randomBytes(8).toString('hex'),
      channel,
      kind,
      outTradeNo,
      outRefundNo,
      url,
      attempts: [],
      isAcknowledged: false,
      isFinished: false,
      nextAttemptAt: this.now(),
    };
    this.deliveryLog.push(delivery);
    this.payloads.set(delivery.id, payload);
    this.later(0, () => this.attempt(delivery));
  }

  private later(delayMs: number, task: () => Promise<void> | void): void {
    if (this.isStopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void task();
    }, delayMs);
    this.timers.add(timer);
  }

  private async post(url: string, headers: Record<string, string>, body: string): Promise<{ statusCode: number | null; body: string; error: string | null }> {
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        method: 'POST',
        headers: { ...headers, 'user-agent': 'Mozilla/4.0 (payment-simulator)' },
        body,
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs ?? 10_000),
      });
      return { statusCode: response.status, body: await response.text(), error: null };
    } catch (error) {
      return { statusCode: null, body: '', error: String(error) };
    }
  }

  /** WeChat Pay counts 200 or 204 as received; Alipay only the body "success". */
  private isAcknowledgement(channel: 'wechatpay' | 'alipay', statusCode: number | null, body: string): boolean {
    return channel === 'wechatpay' ? statusCode === 200 || statusCode === 204 : statusCode === 200 && body.trim() === 'success';
  }

  private async attempt(delivery: NotificationDelivery): Promise<void> {
    if (this.isStopped) return;
    const index = delivery.attempts.length;
    const action = this.interceptor?.(delivery, index) ?? 'deliver';
    const payload = this.payloads.get(delivery.id) ?? {};
    const variant: NotificationVariant = typeof action === 'object' ? action.variant : 'valid';
    const schedule = delivery.channel === 'wechatpay' ? WECHATPAY_RETRY_SCHEDULE_MS : ALIPAY_RETRY_SCHEDULE_MS;
    const record: DeliveryAttempt = {
      attempt: index,
      delayMs: index === 0 ? 0 : (schedule[index - 1] ?? 0),
      at: this.now(),
      action: typeof action === 'object' ? action.variant : action,
      statusCode: null,
      responseBody: '',
      isAcknowledged: false,
      error: null,
    };
    if (action !== 'drop') {
      const sends = action === 'duplicate' ? 2 : 1;
      for (let send = 0; send < sends; send += 1) {
        const built =
          delivery.channel === 'wechatpay'
            ? this.buildWechat(payload, variant as WechatPayNotificationVariant)
            : this.buildAlipay(payload, variant as AlipayNotificationVariant);
        const response = await this.post(delivery.url, built.headers, built.body);
        record.statusCode = response.statusCode;
        record.responseBody = response.body.slice(0, 500);
        record.error = response.error;
        record.isAcknowledged ||= this.isAcknowledgement(delivery.channel, response.statusCode, response.body);
      }
    }
    delivery.attempts.push(record);
    const delay = schedule[index];
    if (record.isAcknowledged || delay === undefined || this.isStopped) {
      delivery.isAcknowledged = record.isAcknowledged;
      delivery.isFinished = true;
      delivery.nextAttemptAt = null;
      return;
    }
    const scaled = delay * (this.options.timeScale ?? 1);
    delivery.nextAttemptAt = new Date(this.now().getTime() + delay);
    this.later(scaled, () => this.attempt(delivery));
  }

  // ---- HTTP: shared ------------------------------------------------------------------------------------------

  private publicBase(request: FastifyRequest, prefix: string): string {
    const origin = this.options.publicBaseUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.host}`;
    return origin + prefix;
  }

  private storeFile(body: Buffer, contentType: string, fileName: string): string {
    const token = randomBytes(24).toString('base64url');
    this.files.set(token, { body, contentType, fileName });
    return token;
  }

  // ---- HTTP: WeChat Pay ----------------------------------------------------------------------------------------

  /** Answers like WeChat Pay: JSON (or nothing) signed with the platform key in Wechatpay-* headers. */
  private wechatReply(reply: FastifyReply, statusCode: number, json?: unknown): FastifyReply {
    const body = json === undefined ? '' : JSON.stringify(json);
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonce = randomNonce();
    reply
      .code(statusCode)
      .header('request-id', randomBytes(16).toString('hex'))
      .header('wechatpay-timestamp', timestamp)
      .header('wechatpay-nonce', nonce)
      .header('wechatpay-serial', this.credentials.wechatpay.platformPublicKeyId)
      .header('wechatpay-signature-type', 'WECHATPAY2-SHA256-RSA2048')
      .header('wechatpay-signature', signSha256WithRsa(this.keys.platformPrivate, wechatPayResponseMessage(timestamp, nonce, body)));
    return body ? reply.type('application/json; charset=utf-8').send(body) : reply.send();
  }

  private wechatError(reply: FastifyReply, statusCode: number, code: string, message: string): FastifyReply {
    return this.wechatReply(reply, statusCode, { code, message });
  }

  /** The merchant's Authorization header, checked over the request line as received and the raw body. */
  private isWechatSigned(request: FastifyRequest, rawBody: string): boolean {
    const auth = parseWechatPayAuthorization(request.headers.authorization);
    const merchant = this.credentials.wechatpay;
    if (!auth || auth.mchid !== merchant.mchid || auth.serialNo !== merchant.merchantSerialNo) return false;
    return verifySha256WithRsa(this.keys.merchantPublic, wechatPayRequestMessage(request.method, request.url, auth.timestamp, auth.nonceStr, rawBody), auth.signature);
  }

  private wechatRoutes(app: FastifyInstance): void {
    const merchant = this.credentials.wechatpay;
    const v3 =
      (handler: (request: FastifyRequest, reply: FastifyReply, json: unknown) => FastifyReply) =>
      async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
        const rawBody = typeof request.body === 'string' ? request.body : '';
        if (!this.isWechatSigned(request, rawBody)) return this.wechatError(reply, 401, 'SIGN_ERROR', '签名错误，请检查后再试');
        let json: unknown = null;
        if (rawBody) {
          try {
            json = JSON.parse(rawBody);
          } catch {
            return this.wechatError(reply, 400, 'PARAM_ERROR', '请求体不是合法的 JSON');
          }
        }
        return handler(request, reply, json);
      };

    const orderSchema = z.object({
      appid: z.string(),
      mchid: z.string(),
      description: z.string().min(1).refine((text) => Buffer.byteLength(text) <= 127, '商品描述超过 127 字节'),
      out_trade_no: z.string().regex(/^[A-Za-z0-9_\-|*]{6,32}$/, '商户订单号须为 6-32 位字母、数字、_-|*'),
      time_expire: z.string().optional(),
      attach: z.string().max(128).optional(),
      notify_url: z.url(),
      amount: z.object({ total: z.number().int().positive(), currency: z.literal('CNY').optional() }),
      payer: z.object({ openid: z.string().min(1) }).optional(),
      scene_info: z.object({ payer_client_ip: z.string().min(1), h5_info: z.object({ type: z.string() }) }).optional(),
    });

    const createOrder = (tradeType: 'JSAPI' | 'MWEB') =>
      v3((request, reply, json) => {
        const parsed = orderSchema.safeParse(json);
        if (!parsed.success) return this.wechatError(reply, 400, 'PARAM_ERROR', `输入源"/body"映射到值字段失败：${parsed.error.issues[0]?.message ?? ''}`);
        const body = parsed.data;
        if (body.mchid !== merchant.mchid || body.appid !== merchant.appid) return this.wechatError(reply, 400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
        if (tradeType === 'JSAPI' && !body.payer) return this.wechatError(reply, 400, 'PARAM_ERROR', '缺少参数 payer.openid');
        if (tradeType === 'MWEB' && !body.scene_info) return this.wechatError(reply, 400, 'PARAM_ERROR', '缺少参数 scene_info');
        const existing = this.wechatOrders.get(body.out_trade_no);
        let order: SimulatedWechatPayOrder;
        if (existing) {
          if (existing.state === 'SUCCESS' || existing.state === 'REFUND') return this.wechatError(reply, 400, 'ORDERPAID', '该订单已支付');
          if (existing.state !== 'NOTPAY') return this.wechatError(reply, 400, 'ORDER_CLOSED', '当前订单已关闭，请重新下单');
          if (existing.totalFen !== body.amount.total || existing.description !== body.description || existing.tradeType !== tradeType) {
            return this.wechatError(reply, 400, 'INVALID_REQUEST', '201 商户订单号重复');
          }
          order = existing;
        } else {
          const now = this.now();
          const expire = body.time_expire ? new Date(body.time_expire) : null;
          if (expire && Number.isNaN(expire.getTime())) return this.wechatError(reply, 400, 'PARAM_ERROR', 'time_expire 格式错误');
          order = {
            channel: 'wechatpay',
            mchid: body.mchid,
            appid: body.appid,
            outTradeNo: body.out_trade_no,
            prepayId: `wx${compactDate(now).slice(4)}${randomBytes(13).toString('hex')}`,
            tradeType,
            state: 'NOTPAY',
            description: body.description,
            totalFen: body.amount.total,
            attach: body.attach ?? null,
            notifyUrl: body.notify_url,
            payerOpenid: body.payer?.openid ?? null,
            transactionId: null,
            eventId: null,
            createdAt: now,
            timeExpire: expire,
            successAt: null,
            refunds: [],
          };
          this.wechatOrders.set(order.outTradeNo, order);
          this.prepayIndex.set(order.prepayId, order.outTradeNo);
        }
        if (tradeType === 'JSAPI') return this.wechatReply(reply, 200, { prepay_id: order.prepayId });
        const h5Url = `${this.publicBase(request, this.wechatpayPrefix)}/checkmweb?prepay_id=${order.prepayId}&package=${digits(10)}`;
        return this.wechatReply(reply, 200, { h5_url: h5Url });
      });

    app.post('/v3/pay/transactions/jsapi', createOrder('JSAPI'));
    app.post('/v3/pay/transactions/h5', createOrder('MWEB'));

    app.get(
      '/v3/pay/transactions/out-trade-no/:outTradeNo',
      v3((request, reply) => {
        const { outTradeNo } = request.params as { outTradeNo: string };
        if ((request.query as { mchid?: string }).mchid !== merchant.mchid) return this.wechatError(reply, 400, 'PARAM_ERROR', 'mchid 与请求商户不一致');
        const order = this.wechatOrders.get(outTradeNo);
        if (!order) return this.wechatError(reply, 404, 'ORDER_NOT_EXIST', '订单不存在');
        return this.wechatReply(reply, 200, wechatPayTransactionJson(order));
      }),
    );

    app.post(
      '/v3/pay/transactions/out-trade-no/:outTradeNo/close',
      v3((request, reply, json) => {
        const { outTradeNo } = request.params as { outTradeNo: string };
        if ((json as { mchid?: unknown } | null)?.mchid !== merchant.mchid) return this.wechatError(reply, 400, 'PARAM_ERROR', 'mchid 与请求商户不一致');
        const order = this.wechatOrders.get(outTradeNo);
        if (!order) return this.wechatError(reply, 404, 'ORDER_NOT_EXIST', '订单不存在');
        if (order.state === 'SUCCESS' || order.state === 'REFUND') return this.wechatError(reply, 400, 'ORDERPAID', '订单已支付，不能发起关单');
        order.state = 'CLOSED';
        return this.wechatReply(reply, 204);
      }),
    );

    const refundSchema = z.object({
      transaction_id: z.string().optional(),
      out_trade_no: z.string().optional(),
      out_refund_no: z.string().min(1).max(64),
      reason: z.string().max(80).optional(),
      notify_url: z.url().optional(),
      amount: z.object({ refund: z.number().int().positive(), total: z.number().int().positive(), currency: z.literal('CNY') }),
    });

    app.post(
      '/v3/refund/domestic/refunds',
      v3((_request, reply, json) => {
        const parsed = refundSchema.safeParse(json);
        if (!parsed.success) return this.wechatError(reply, 400, 'PARAM_ERROR', `输入源"/body"映射到值字段失败：${parsed.error.issues[0]?.message ?? ''}`);
        const body = parsed.data;
        const order = body.out_trade_no
          ? this.wechatOrders.get(body.out_trade_no)
          : [...this.wechatOrders.values()].find((candidate) => candidate.transactionId === body.transaction_id);
        if (!order) return this.wechatError(reply, 404, 'RESOURCE_NOT_EXISTS', '订单不存在');
        const existing = order.refunds.find((refund) => refund.outRefundNo === body.out_refund_no);
        if (existing) {
          // The same out_refund_no is the same refund: answering it again is how merchants retry safely.
          if (existing.refundFen !== body.amount.refund) return this.wechatError(reply, 400, 'INVALID_REQUEST', '退款金额与之前请求不一致');
          return this.wechatReply(reply, 200, wechatPayRefundJson(order, existing));
        }
        if (order.state !== 'SUCCESS' && order.state !== 'REFUND') return this.wechatError(reply, 400, 'INVALID_REQUEST', '订单未支付，不能退款');
        if (body.amount.total !== order.totalFen) return this.wechatError(reply, 400, 'PARAM_ERROR', '订单金额与原订单不一致');
        const refunded = order.refunds.filter((refund) => refund.status !== 'CLOSED').reduce((sum, refund) => sum + refund.refundFen, 0);
        if (refunded + body.amount.refund > order.totalFen) return this.wechatError(reply, 400, 'PARAM_ERROR', '申请退款金额超过订单可退金额');
        const refund: SimulatedWechatPayRefund = {
          refundId: `50000${digits(27)}`,
          outRefundNo: body.out_refund_no,
          refundFen: body.amount.refund,
          reason: body.reason ?? null,
          notifyUrl: body.notify_url ?? null,
          status: 'PROCESSING',
          createdAt: this.now(),
          successAt: null,
        };
        order.refunds.push(refund);
        this.later(this.options.refundDelayMs ?? 0, () => this.settleRefund(order, refund));
        return this.wechatReply(reply, 200, wechatPayRefundJson(order, refund));
      }),
    );

    app.get(
      '/v3/refund/domestic/refunds/:outRefundNo',
      v3((request, reply) => {
        const { outRefundNo } = request.params as { outRefundNo: string };
        for (const order of this.wechatOrders.values()) {
          const refund = order.refunds.find((candidate) => candidate.outRefundNo === outRefundNo);
          if (refund) return this.wechatReply(reply, 200, wechatPayRefundJson(order, refund));
        }
        return this.wechatError(reply, 404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
      }),
    );

    app.get(
      '/v3/bill/tradebill',
      v3((request, reply) => {
        const { bill_date: billDate } = request.query as { bill_date?: string };
        if (!billDate || !/^\d{4}-\d{2}-\d{2}$/.test(billDate)) return this.wechatError(reply, 400, 'PARAM_ERROR', 'bill_date 格式应为 yyyy-MM-DD');
        const text = wechatPayTradeBill([...this.wechatOrders.values()], billDate);
        if (text === null) return this.wechatError(reply, 400, 'NO_STATEMENT_EXIST', '账单文件不存在');
        const body = Buffer.from(text, 'utf8');
        const token = this.storeFile(body, 'text/plain; charset=utf-8', `tradebill_${billDate}.csv`);
        return this.wechatReply(reply, 200, {
          hash_type: 'SHA1',
          hash_value: createHash('sha1').update(body).digest('hex'),
          download_url: `${this.publicBase(request, this.wechatpayPrefix)}/v3/billdownload/file?token=${token}`,
        });
      }),
    );

    app.get('/v3/billdownload/file', async (request, reply) => {
      if (!this.isWechatSigned(request, '')) return this.wechatError(reply, 401, 'SIGN_ERROR', '签名错误，请检查后再试');
      const file = this.files.get((request.query as { token?: string }).token ?? '');
      if (!file) return this.wechatError(reply, 400, 'PARAM_ERROR', 'token 无效或已过期');
      // Like WeChat Pay, the file is not signed: the SHA-1 in the signed tradebill answer vouches for it.
      return reply.type(file.contentType).send(file.body);
    });

    // The cashier, standing in for checkmweb (H5) and for the WeChat client's own sheet (JSAPI).
    app.get('/checkmweb', async (request, reply) => {
      const query = request.query as { prepay_id?: string; redirect_url?: string };
      const order = this.wechatOrders.get(this.prepayIndex.get(query.prepay_id ?? '') ?? '');
      const back = query.redirect_url;
      reply.type('text/html; charset=utf-8');
      if (!order) return reply.code(404).send(messagePage('wechatpay', '订单不存在', back));
      if (order.state !== 'NOTPAY') return reply.send(messagePage('wechatpay', order.state === 'CLOSED' ? '订单已关闭' : '订单已支付', back));
      const cancel = `${this.wechatpayPrefix}/checkmweb/cancel?${new URLSearchParams({ prepay_id: order.prepayId, ...(back ? { redirect_url: back } : {}) }).toString()}`;
      return reply.send(
        payPage({
          channel: 'wechatpay',
          merchantName: merchant.merchantName,
          description: order.description,
          amountFen: order.totalFen,
          outTradeNo: order.outTradeNo,
          confirmUrl: `${this.wechatpayPrefix}/checkmweb/confirm`,
          hidden: { prepay_id: order.prepayId, ...(back ? { redirect_url: back } : {}) },
          cancelUrl: cancel,
        }),
      );
    });

    app.post('/checkmweb/confirm', async (request, reply) => {
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const outTradeNo = this.prepayIndex.get(form.get('prepay_id') ?? '');
      const back = form.get('redirect_url') ?? undefined;
      const problem = outTradeNo ? this.payWechat(outTradeNo) : '订单不存在';
      if (!problem && back) return reply.redirect(back, 303);
      return reply.type('text/html; charset=utf-8').send(messagePage('wechatpay', problem ?? '支付成功', back));
    });

    // Standing in for the WeChat client's JSAPI pay sheet: jsbridge.js defines WeixinJSBridge in the demo page;
    // its invoke('getBrandWCPayRequest', params, callback) opens this sheet over the page, which checks the
    // signed parameters as WeChat does (appId, prepay_id, RSA-SHA256 paySign with the merchant's key) and
    // answers the callback with get_brand_wcpay_request:ok / :cancel / :fail.
    // The sheet is shown in a frame over the portal page (same origin in the demo): the server's DENY would hide it.
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.url.includes('/jsapi/')) reply.header('x-frame-options', 'SAMEORIGIN');
      return payload;
    });
    app.get('/jsbridge.js', async (_request, reply) => reply.type('application/javascript; charset=utf-8').header('cache-control', 'no-store').send(jsBridgeScript(this.wechatpayPrefix)));

    app.get('/jsapi/sheet', async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      reply.type('text/html; charset=utf-8');
      const problem = this.checkJsapiParams(query);
      if (typeof problem === 'string') return reply.code(400).send(bridgeAnswerPage('fail', problem));
      const order = problem;
      return reply.send(
        payPage({
          channel: 'wechatpay',
          merchantName: merchant.merchantName,
          description: order.description,
          amountFen: order.totalFen,
          outTradeNo: order.outTradeNo,
          confirmUrl: `${this.wechatpayPrefix}/jsapi/confirm`,
          hidden: { prepay_id: order.prepayId },
          cancelUrl: `${this.wechatpayPrefix}/jsapi/cancel`,
        }),
      );
    });

    app.post('/jsapi/confirm', async (request, reply) => {
      const form = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      const outTradeNo = this.prepayIndex.get(form.get('prepay_id') ?? '');
      const problem = outTradeNo ? this.payWechat(outTradeNo) : '订单不存在';
      return reply.type('text/html; charset=utf-8').send(problem ? bridgeAnswerPage('fail', problem) : bridgeAnswerPage('ok', '支付成功'));
    });

    app.get('/jsapi/cancel', async (_request, reply) => reply.type('text/html; charset=utf-8').send(bridgeAnswerPage('cancel', '已取消支付')));

    app.get('/checkmweb/cancel', async (request, reply) => {
      const back = (request.query as { redirect_url?: string }).redirect_url;
      if (back) return reply.redirect(back, 303);
      return reply.type('text/html; charset=utf-8').send(messagePage('wechatpay', '已取消支付'));
    });
  }

  /** The JSAPI parameters as WeixinJSBridge receives them: the order they pay, or what is wrong with them. */
  private checkJsapiParams(query: Record<string, string | undefined>): SimulatedWechatPayOrder | string {
    const { appId, timeStamp, nonceStr, package: pkg, signType, paySign } = query;
    if (!appId || !timeStamp || !nonceStr || !pkg || !signType || !paySign) return '支付参数不完整';
    if (appId !== this.credentials.wechatpay.appid) return '支付验证签名失败：appId 与商户号绑定的公众号不一致';
    if (signType !== 'RSA') return '支付验证签名失败：signType 应为 RSA';
    if (!verifySha256WithRsa(this.keys.merchantPublic, `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, paySign)) return '支付验证签名失败';
    const order = this.wechatOrders.get(this.prepayIndex.get(pkg.replace(/^prepay_id=/, '')) ?? '');
    if (!order || order.tradeType !== 'JSAPI') return '订单不存在';
    if (order.state !== 'NOTPAY') return order.state === 'CLOSED' ? '订单已关闭' : '订单已支付';
    return order;
  }

  private settleRefund(order: SimulatedWechatPayOrder, refund: SimulatedWechatPayRefund): void {
    refund.status = 'SUCCESS';
    refund.successAt = this.now();
    order.state = 'REFUND';
    this.startDelivery('wechatpay', 'refund', order.outTradeNo, refund.outRefundNo, refund.notifyUrl ?? order.notifyUrl, {
      resource: wechatPayRefundJson(order, refund, true),
      eventType: 'REFUND.SUCCESS',
      eventId: randomBytes(18).toString('hex').slice(0, 36),
    });
  }

  // ---- HTTP: Alipay --------------------------------------------------------------------------------------------

  /** `{"<method>_response":{…},"sign":"…"}`, the signature over the member's exact text. */
  private alipayAnswer(reply: FastifyReply, method: string, content: Record<string, unknown>): FastifyReply {
    const inner = JSON.stringify(content);
    const sign = signSha256WithRsa(this.keys.alipayPrivate, inner);
    return reply.type('application/json; charset=utf-8').send(`{"${alipayResponseKey(method)}":${inner},"sign":"${sign}"}`);
  }

  private alipayFailure(reply: FastifyReply, method: string, code: string, subCode: string, subMsg: string): FastifyReply {
    const messages: Record<string, string> = { '40001': 'Missing Required Arguments', '40002': 'Invalid Arguments', '40004': 'Business Failed' };
    return this.alipayAnswer(reply, method, { code, msg: messages[code] ?? 'Business Failed', sub_code: subCode, sub_msg: subMsg });
  }

  private alipayRoutes(app: FastifyInstance): void {
    const merchant = this.credentials.alipay;

    app.route({
      method: ['GET', 'POST'],
      url: '/gateway.do',
      handler: async (request, reply) => {
        const params: Record<string, string> = { ...(request.query as Record<string, string>) };
        if (typeof request.body === 'string') for (const [key, value] of new URLSearchParams(request.body)) params[key] = value;
        const method = params.method ?? '';
        const isBrowser = method === 'alipay.trade.wap.pay';
        const refuse = (code: string, subCode: string, subMsg: string): FastifyReply =>
          isBrowser
            ? reply.code(400).type('text/html; charset=utf-8').send(messagePage('alipay', `错误代码 ${subCode}：${subMsg}`))
            : method
              ? this.alipayFailure(reply, method, code, subCode, subMsg)
              : reply.type('application/json; charset=utf-8').send(JSON.stringify({ error_response: { code, msg: 'Missing Required Arguments', sub_code: subCode, sub_msg: subMsg } }));
        if (!method) return refuse('40001', 'isv.missing-method', '缺少方法名参数');
        if (params.app_id !== merchant.appId) return refuse('40002', 'isv.invalid-app-id', '无效的AppID参数');
        if (!params.sign) return refuse('40001', 'isv.missing-signature', '缺少签名参数');
        if (params.sign_type !== 'RSA2') return refuse('40002', 'isv.invalid-signature-type', '无效的签名类型');
        const content = alipaySignContent(params, ALIPAY_REQUEST_UNSIGNED, true);
        if (!verifySha256WithRsa(this.keys.appPublic, content, params.sign)) {
          return refuse('40002', 'isv.invalid-signature', `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content}`);
        }
        let biz: Record<string, unknown>;
        try {
          biz = JSON.parse(params.biz_content ?? '{}') as Record<string, unknown>;
        } catch {
          return refuse('40002', 'isv.invalid-parameter', 'biz_content 不是合法的 JSON');
        }
        const text = (key: string): string | undefined => (typeof biz[key] === 'string' && biz[key] !== '' ? (biz[key] as string) : undefined);
        switch (method) {
          case 'alipay.trade.wap.pay':
            return this.alipayWapPay(request, reply, params, text);
          case 'alipay.trade.query':
          case 'alipay.trade.close': {
            const order = this.findAlipayOrder(text('out_trade_no'), text('trade_no'));
            if (!order) return this.alipayFailure(reply, method, '40004', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
            this.expireAlipay(order);
            if (method === 'alipay.trade.close') {
              if (order.status === 'TRADE_SUCCESS' || order.status === 'TRADE_FINISHED') {
                return this.alipayFailure(reply, method, '40004', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
              }
              order.status = 'TRADE_CLOSED';
              return this.alipayAnswer(reply, method, { code: '10000', msg: 'Success', trade_no: order.tradeNo, out_trade_no: order.outTradeNo });
            }
            const isPaid = order.paidAt !== null;
            return this.alipayAnswer(reply, method, {
              code: '10000',
              msg: 'Success',
              trade_no: order.tradeNo,
              out_trade_no: order.outTradeNo,
              buyer_logon_id: order.buyerLogonId,
              trade_status: order.status,
              total_amount: fenToYuan(order.totalFen),
              buyer_pay_amount: isPaid ? fenToYuan(order.totalFen) : '0.00',
              point_amount: '0.00',
              invoice_amount: isPaid ? fenToYuan(order.totalFen) : '0.00',
              receipt_amount: isPaid ? fenToYuan(order.totalFen) : '0.00',
              ...(order.paidAt ? { send_pay_date: shanghaiDateTime(order.paidAt) } : {}),
              buyer_user_id: order.buyerId,
            });
          }
          case 'alipay.trade.refund':
            return this.alipayRefund(reply, method, text);
          case 'alipay.trade.fastpay.refund.query':
            return this.alipayRefundQuery(reply, method, text);
          case 'alipay.data.dataservice.bill.downloadurl.query': {
            const billDate = text('bill_date') ?? '';
            if (text('bill_type') !== 'trade') return this.alipayFailure(reply, method, '40002', 'isv.invalid-parameter', '模拟器只提供 bill_type=trade 的账单');
            if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) return this.alipayFailure(reply, method, '40002', 'isv.invalid-parameter', 'bill_date 格式应为 yyyy-MM-dd');
            const file = alipayStatementZip([...this.alipayOrders.values()], merchant.sellerId, billDate, this.now());
            if (!file) return this.alipayFailure(reply, method, '40004', 'isp.bill_not_exist', '账单不存在');
            const token = this.storeFile(file.zip, 'application/oct-stream', file.fileName);
            return this.alipayAnswer(reply, method, {
              code: '10000',
              msg: 'Success',
              bill_download_url: `${this.publicBase(request, this.alipayPrefix)}/downloadBill?token=${token}`,
            });
          }
          default:
            return this.alipayFailure(reply, method, '40002', 'isv.invalid-method', `不存在的方法名（模拟器未实现 ${method}）`);
        }
      },
    });

    app.get('/downloadBill', async (request, reply) => {
      const file = this.files.get((request.query as { token?: string }).token ?? '');
      if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('下载链接已失效');
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
        .send(file.body);
    });

    app.get('/cashier', async (request, reply) => {
      const order = this.alipayOrders.get(this.tradeNoIndex.get((request.query as { trade_no?: string }).trade_no ?? '') ?? '');
      reply.type('text/html; charset=utf-8');
      if (!order) return reply.code(404).send(messagePage('alipay', '交易不存在'));
      this.expireAlipay(order);
      if (order.status !== 'WAIT_BUYER_PAY') {
        return reply.send(messagePage('alipay', order.status === 'TRADE_CLOSED' ? '交易已经关闭' : '交易已被支付', order.quitUrl ?? order.returnUrl ?? undefined));
      }
      return reply.send(
        payPage({
          channel: 'alipay',
          merchantName: merchant.merchantName,
          description: order.subject,
          amountFen: order.totalFen,
          outTradeNo: order.outTradeNo,
          confirmUrl: `${this.alipayPrefix}/cashier/confirm`,
          hidden: { trade_no: order.tradeNo },
          cancelUrl: `${this.alipayPrefix}/cashier/cancel?trade_no=${encodeURIComponent(order.tradeNo)}`,
        }),
      );
    });

    app.post('/cashier/confirm', async (request, reply) => {
      const tradeNo = new URLSearchParams(typeof request.body === 'string' ? request.body : '').get('trade_no') ?? '';
      const order = this.alipayOrders.get(this.tradeNoIndex.get(tradeNo) ?? '');
      const problem = order ? this.payAlipay(order.outTradeNo) : '交易不存在';
      if (!problem && order?.returnUrl) return reply.redirect(this.alipayReturnUrl(order, order.returnUrl), 303);
      return reply.type('text/html; charset=utf-8').send(messagePage('alipay', problem ?? '支付成功'));
    });

    app.get('/cashier/cancel', async (request, reply) => {
      const order = this.alipayOrders.get(this.tradeNoIndex.get((request.query as { trade_no?: string }).trade_no ?? '') ?? '');
      if (order?.quitUrl) return reply.redirect(order.quitUrl, 303);
      return reply.type('text/html; charset=utf-8').send(messagePage('alipay', '已取消支付'));
    });
  }

  private findAlipayOrder(outTradeNo: string | undefined, tradeNo: string | undefined): SimulatedAlipayOrder | undefined {
    return this.alipayOrders.get(outTradeNo ?? this.tradeNoIndex.get(tradeNo ?? '') ?? '');
  }

  /** The browser arrives with a signed wap.pay request: the trade exists from this moment (not before). */
  private alipayWapPay(request: FastifyRequest, reply: FastifyReply, params: Record<string, string>, text: (key: string) => string | undefined): FastifyReply {
    const page = (message: string): FastifyReply => reply.code(400).type('text/html; charset=utf-8').send(messagePage('alipay', message));
    const outTradeNo = text('out_trade_no');
    const subject = text('subject');
    const totalFen = parseYuan(text('total_amount') ?? '');
    if (!outTradeNo || !/^[A-Za-z0-9_]{1,64}$/.test(outTradeNo)) return page('错误代码 isv.invalid-parameter：out_trade_no 无效');
    if (!subject) return page('错误代码 isv.missing-parameter：缺少 subject');
    if (totalFen === null || totalFen < 1 || totalFen > 10_000_000_000) return page('错误代码 isv.invalid-parameter：total_amount 无效');
    if (text('product_code') !== 'QUICK_WAP_WAY') return page('错误代码 isv.invalid-parameter：product_code 应为 QUICK_WAP_WAY');
    const expire = text('time_expire');
    const timeExpire = expire ? parseShanghaiDateTime(expire) : null;
    if (expire && !timeExpire) return page('错误代码 isv.invalid-parameter：time_expire 格式应为 yyyy-MM-dd HH:mm:ss');
    let order = this.alipayOrders.get(outTradeNo);
    if (order) {
      this.expireAlipay(order);
      if (order.status === 'TRADE_SUCCESS' || order.status === 'TRADE_FINISHED') return page('错误代码 ACQ.TRADE_HAS_SUCCESS：交易已被支付');
      if (order.status === 'TRADE_CLOSED') return page('错误代码 ACQ.TRADE_HAS_CLOSE：交易已经关闭');
      if (order.totalFen !== totalFen || order.subject !== subject) return page('错误代码 ACQ.CONTEXT_INCONSISTENT：交易信息被篡改');
      order.notifyUrl = params.notify_url ?? order.notifyUrl;
      order.returnUrl = params.return_url ?? order.returnUrl;
      order.quitUrl = text('quit_url') ?? order.quitUrl;
    } else {
      const now = this.now();
      order = {
        channel: 'alipay',
        appId: params.app_id ?? '',
        sellerId: this.credentials.alipay.sellerId,
        outTradeNo,
        tradeNo: `${compactDate(now).slice(0, 8)}22001${digits(15)}`,
        subject,
        totalFen,
        status: 'WAIT_BUYER_PAY',
        notifyUrl: params.notify_url || null,
        returnUrl: params.return_url || null,
        quitUrl: text('quit_url') ?? null,
        passbackParams: text('passback_params') ?? null,
        buyerId: `2088${digits(12)}`,
        buyerLogonId: `159******${digits(2)}`,
        notifyId: null,
        createdAt: now,
        timeExpire,
        paidAt: null,
        refunds: [],
      };
      this.alipayOrders.set(outTradeNo, order);
      this.tradeNoIndex.set(order.tradeNo, outTradeNo);
    }
    return reply.redirect(`${this.publicBase(request, this.alipayPrefix)}/cashier?trade_no=${order.tradeNo}`, 302);
  }

  /** The browser's way back: return_url with the trade's signed summary (a page hint, never proof of payment). */
  private alipayReturnUrl(order: SimulatedAlipayOrder, returnUrl: string): string {
    const params: Record<string, string> = {
      charset: 'utf-8',
      out_trade_no: order.outTradeNo,
      method: 'alipay.trade.wap.pay.return',
      total_amount: fenToYuan(order.totalFen),
      trade_no: order.tradeNo,
      auth_app_id: order.appId,
      version: '1.0',
      app_id: order.appId,
      seller_id: order.sellerId,
      timestamp: shanghaiDateTime(this.now()),
    };
    params.sign = signSha256WithRsa(this.keys.alipayPrivate, alipaySignContent(params, ALIPAY_NOTIFICATION_UNSIGNED, false));
    params.sign_type = 'RSA2';
    return `${returnUrl}${returnUrl.includes('?') ? '&' : '?'}${new URLSearchParams(params).toString()}`;
  }

  private alipayRefund(reply: FastifyReply, method: string, text: (key: string) => string | undefined): FastifyReply {
    const order = this.findAlipayOrder(text('out_trade_no'), text('trade_no'));
    if (!order) return this.alipayFailure(reply, method, '40004', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
    const refundFen = parseYuan(text('refund_amount') ?? '');
    if (refundFen === null || refundFen <= 0) return this.alipayFailure(reply, method, '40002', 'isv.invalid-parameter', 'refund_amount 无效');
    // Without out_request_no Alipay takes the trade number: one full refund per trade.
    const outRequestNo = text('out_request_no') ?? order.outTradeNo;
    const refundedFen = (): number => order.refunds.reduce((sum, refund) => sum + refund.refundFen, 0);
    const answer = (hasFundChange: boolean): FastifyReply =>
      this.alipayAnswer(reply, method, {
        code: '10000',
        msg: 'Success',
        trade_no: order.tradeNo,
        out_trade_no: order.outTradeNo,
        buyer_logon_id: order.buyerLogonId,
        fund_change: hasFundChange ? 'Y' : 'N',
        refund_fee: fenToYuan(refundedFen()),
        gmt_refund_pay: shanghaiDateTime(order.refunds.find((refund) => refund.outRequestNo === outRequestNo)?.at ?? this.now()),
        buyer_user_id: order.buyerId,
      });
    const fault = this.alipayRefundFaults.shift();
    if (fault === 'system_error') return this.alipayFailure(reply, method, '20000', 'ACQ.SYSTEM_ERROR', '系统错误');
    if (fault === 'refused') return this.alipayFailure(reply, method, '40004', 'ACQ.SELLER_BALANCE_NOT_ENOUGH', '卖家余额不足');
    const existing = order.refunds.find((refund) => refund.outRequestNo === outRequestNo);
    if (existing) return fault === 'answer_lost' ? this.alipayFailure(reply, method, '20000', 'ACQ.SYSTEM_ERROR', '系统错误') : answer(false);
    if (!order.paidAt || order.status === 'WAIT_BUYER_PAY') return this.alipayFailure(reply, method, '40004', 'ACQ.TRADE_STATUS_ERROR', '交易状态不合法');
    if (refundedFen() + refundFen > order.totalFen) return this.alipayFailure(reply, method, '40004', 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限');
    order.refunds.push({ outRequestNo, refundFen, reason: text('refund_reason') ?? null, at: this.now() });
    // A trade refunded in full is closed.
    if (refundedFen() === order.totalFen) order.status = 'TRADE_CLOSED';
    // The refund is made; only its answer is lost on the way back.
    if (fault === 'answer_lost') return this.alipayFailure(reply, method, '20000', 'ACQ.SYSTEM_ERROR', '系统错误');
    return answer(true);
  }

  /** alipay.trade.fastpay.refund.query: the refund's data with REFUND_SUCCESS, or no refund data at all. */
  private alipayRefundQuery(reply: FastifyReply, method: string, text: (key: string) => string | undefined): FastifyReply {
    const order = this.findAlipayOrder(text('out_trade_no'), text('trade_no'));
    if (!order) return this.alipayFailure(reply, method, '40004', 'ACQ.TRADE_NOT_EXIST', '交易不存在');
    const outRequestNo = text('out_request_no');
    if (!outRequestNo) return this.alipayFailure(reply, method, '40002', 'isv.missing-parameter', '缺少 out_request_no');
    const refund = order.refunds.find((candidate) => candidate.outRequestNo === outRequestNo);
    if (!refund) return this.alipayAnswer(reply, method, { code: '10000', msg: 'Success' });
    return this.alipayAnswer(reply, method, {
      code: '10000',
      msg: 'Success',
      trade_no: order.tradeNo,
      out_trade_no: order.outTradeNo,
      out_request_no: refund.outRequestNo,
      total_amount: fenToYuan(order.totalFen),
      refund_amount: fenToYuan(refund.refundFen),
      refund_status: 'REFUND_SUCCESS',
      gmt_refund_pay: shanghaiDateTime(refund.at),
    });
  }

  // ---- mounting ----------------------------------------------------------------------------------------------

  /** Registers both channels under their prefixes; each keeps raw bodies, since signatures cover exact bytes. */
  async register(app: FastifyInstance): Promise<void> {
    const rawBodies = (instance: FastifyInstance): void => {
      instance.removeAllContentTypeParsers();
      instance.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    };
    await app.register(
      async (instance) => {
        rawBodies(instance);
        this.wechatRoutes(instance);
      },
      { prefix: this.wechatpayPrefix },
    );
    await app.register(
      async (instance) => {
        rawBodies(instance);
        this.alipayRoutes(instance);
      },
      { prefix: this.alipayPrefix },
    );
    const account = sandboxOfficialAccount(this.credentials);
    this.officialAccount = await registerWechatOfficialAccountSimulator(app, {
      prefix: this.officialAccountPrefix,
      appid: account.appid,
      secret: account.secret,
      templateIds: Object.values(account.templateIds),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    app.addHook('onClose', async () => this.stop());
  }
}

/** The sheet's answer to the page under it: the stand-in bridge turns it into the callback's err_msg. */
function bridgeAnswerPage(result: 'ok' | 'cancel' | 'fail', message: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>微信支付（模拟）</title></head>
<body style="font-family:sans-serif;text-align:center;padding-top:30vh"><p>${message.replace(/[<>&"]/g, '')}</p>
<script>parent.postMessage({ simulatedWeixinPay: ${JSON.stringify(result)}, message: ${JSON.stringify(message)} }, '*');</script></body></html>`;
}

/**
 * WeixinJSBridge for the demo, where no WeChat client is around the page: invoke('getBrandWCPayRequest')
 * shows the simulator's sheet in a full-screen frame and calls back as WeChat does.
 */
function jsBridgeScript(prefix: string): string {
  return `(function () {
  if (window.WeixinJSBridge) return;
  var script = document.currentScript;
  var base = script ? new URL(script.src).origin + ${JSON.stringify(prefix)} : ${JSON.stringify(prefix)};
  window.WeixinJSBridge = {
    simulated: true,
    invoke: function (name, params, callback) {
      if (name !== 'getBrandWCPayRequest') { callback({ err_msg: name + ':fail_not_supported' }); return; }
      var frame = document.createElement('iframe');
      frame.title = '微信支付（模拟）';
      frame.style.cssText = 'position:fixed;inset:0;width:100%;height:100%;border:0;z-index:2147483647;background:#fff';
      var query = new URLSearchParams({ appId: params.appId, timeStamp: params.timeStamp, nonceStr: params.nonceStr, package: params.package, signType: params.signType, paySign: params.paySign });
      frame.src = base + '/jsapi/sheet?' + query.toString();
      function onMessage(event) {
        if (event.source !== frame.contentWindow || !event.data || !event.data.simulatedWeixinPay) return;
        window.removeEventListener('message', onMessage);
        frame.remove();
        callback({ err_msg: 'get_brand_wcpay_request:' + event.data.simulatedWeixinPay, err_desc: event.data.message });
      }
      window.addEventListener('message', onMessage);
      document.body.appendChild(frame);
    }
  };
  document.dispatchEvent(new Event('WeixinJSBridgeReady'));
})();
`;
}

/**
 * The simulator's cashier for a JSAPI order. In the real WeChat browser the page calls WeixinJSBridge with the
 * signed pay parameters; in the demo it sends the payer here instead, and comes back to `redirectUrl`.
 */
export function wechatPaySimulatorPageUrl(wechatpayBaseUrl: string, prepayId: string, redirectUrl?: string): string {
  const query = new URLSearchParams({ prepay_id: prepayId, ...(redirectUrl ? { redirect_url: redirectUrl } : {}) });
  return `${wechatpayBaseUrl.replace(/\/+$/, '')}/checkmweb?${query.toString()}`;
}

/** Mounts the simulator in an existing server (the demo): WeChat Pay under /sim/wechatpay, Alipay under /sim/alipay. */
export async function registerPaymentSimulator(app: FastifyInstance, options: PaymentSimulatorOptions): Promise<PaymentSimulator> {
  const simulator = new PaymentSimulator(options);
  await simulator.register(app);
  return simulator;
}

export interface RunningPaymentSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The WeChat Pay client's baseUrl. */
  wechatpayBaseUrl: string;
  /** The Alipay client's gatewayUrl. */
  alipayGatewayUrl: string;
  simulator: PaymentSimulator;
  close(): Promise<void>;
}

/** Starts the simulator on its own (port 0 picks a free one), for tests and for trying the clients by hand. */
export async function startPaymentSimulator(options: PaymentSimulatorOptions & { port?: number; host?: string }): Promise<RunningPaymentSimulator> {
  const app = Fastify({ logger: false });
  const simulator = await registerPaymentSimulator(app, options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = `http://${host}:${port}`;
  return {
    url,
    wechatpayBaseUrl: url + simulator.wechatpayPrefix,
    alipayGatewayUrl: `${url}${simulator.alipayPrefix}/gateway.do`,
    simulator,
    close: async () => {
      simulator.stop();
      await app.close();
    },
  };
}
