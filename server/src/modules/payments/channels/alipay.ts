import { z } from 'zod';
import { PaymentChannelError } from './errors';
import { fenToYuan, parseYuan } from './money';
import { loadPrivateKey, loadPublicKey, shanghaiDateTime, signSha256WithRsa, verifySha256WithRsa } from './signing';
import { readZip } from '../files/zip';

/**
 * Alipay open platform (开放平台) through its gateway with RSA2 keys (公钥模式): requests signed with the app
 * private key, answers and notifications checked with the Alipay public key. Amounts cross as yuan strings
 * and are turned into fen here, exactly.
 */

export const ALIPAY_GATEWAY_URL = 'https://openapi.alipay.com/gateway.do';

export interface AlipayConfig {
  /** The app's APPID (开放平台 → 应用). */
  appId: string;
  /** The merchant's PID (2088…), which notifications carry as seller_id. */
  sellerId: string;
  /** 应用私钥: PEM, or the bare base64 the Alipay key tool prints. */
  appPrivateKeyPem: string;
  /** 支付宝公钥 (not the app public key): PEM or bare base64. */
  alipayPublicKeyPem: string;
  /** https://openapi.alipay.com/gateway.do unless the simulator stands in. */
  gatewayUrl?: string;
  /** https://<host>/api/payments/notify/alipay. */
  notifyUrl: string;
  /** Where the payer's browser comes back after paying (a page, not proof of payment). */
  returnUrl: string;
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export type AlipayTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_CLOSED' | 'TRADE_SUCCESS' | 'TRADE_FINISHED';

export interface AlipayTrade {
  outTradeNo: string;
  tradeNo: string;
  tradeStatus: AlipayTradeStatus;
  totalFen: number;
  buyerPayFen: number | null;
  receiptFen: number | null;
  buyerLogonId: string | null;
  /** Beijing time "yyyy-MM-dd HH:mm:ss". */
  sendPayDate: string | null;
  isPaid: boolean;
}

export interface AlipayRefundResult {
  outTradeNo: string;
  tradeNo: string;
  /** False when this out_request_no was already refunded: Alipay answers the repeat without moving money again. */
  hasFundChange: boolean;
  /** Total refunded on the trade so far, in fen. */
  refundedFen: number;
  gmtRefundPay: string | null;
}

/** alipay.trade.fastpay.refund.query: a refund Alipay has made under an out_request_no. */
export interface AlipayRefundQuery {
  outTradeNo: string;
  tradeNo: string;
  outRequestNo: string;
  refundFen: number;
  /** Only REFUND_SUCCESS is ever returned: without it Alipay has no (successful) refund under that number. */
  refundStatus: 'REFUND_SUCCESS';
  gmtRefundPay: string | null;
}

export type AlipayNotificationFailure = 'malformed' | 'bad_signature' | 'wrong_merchant' | 'bad_amount';

export interface AlipayNotification {
  notifyId: string;
  notifyTime: string;
  notifyType: string;
  outTradeNo: string;
  tradeNo: string;
  tradeStatus: AlipayTradeStatus;
  /** Money was taken: TRADE_SUCCESS or TRADE_FINISHED. Any other status is not a payment. */
  isPaid: boolean;
  totalFen: number;
  receiptFen: number | null;
  buyerPayFen: number | null;
  /** Refunded so far, when the notification reports a refund. */
  refundFen: number | null;
  gmtPayment: string | null;
  appId: string;
  sellerId: string;
  /** Every parameter as received, for the payment record. */
  params: Record<string, string>;
}

export type AlipayNotificationResult = ({ ok: true } & AlipayNotification) | { ok: false; reason: AlipayNotificationFailure; detail: string };

export interface AlipayStatement {
  zip: Buffer;
  /** The CSV files in the zip, decoded from GBK. */
  files: { name: string; text: string }[];
}

// ---- protocol primitives, shared with the simulator ---------------------------------------------------------

/**
 * The text both sides sign: parameters sorted by key, k=v joined with &, values not URL-encoded. Requests
 * leave out sign and empty values; notifications leave out sign and sign_type.
 */
export function alipaySignContent(params: Record<string, string | undefined>, exclude: readonly string[], skipEmpty: boolean): string {
  return Object.keys(params)
    .filter((key) => !exclude.includes(key) && params[key] !== undefined && (!skipEmpty || params[key] !== ''))
    .sort()
    .map((key) => `${key}=${params[key] ?? ''}`)
    .join('&');
}

export const ALIPAY_REQUEST_UNSIGNED = ['sign'] as const;
export const ALIPAY_NOTIFICATION_UNSIGNED = ['sign', 'sign_type'] as const;

/** The key of the answer object: alipay.trade.query → alipay_trade_query_response. */
export const alipayResponseKey = (method: string): string => `${method.replace(/\./g, '_')}_response`;

/** Index just past the string that opens at `from` (a quote), or -1 if it never closes. */
function stringEnd(text: string, from: number): number {
  for (let index = from + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === '"') return index + 1;
  }
  return -1;
}

/** Index just past the object or array that opens at `from`, or -1 if it never closes. */
function containerEnd(text: string, from: number): number {
  let depth = 0;
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (char === '"') {
      index = stringEnd(text, index) - 1;
      if (index < 0) return -1;
    } else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

/**
 * The exact text of a top-level member's object value. Alipay signs the characters as sent (escapes, spacing
 * and key order included), so re-serialising the parsed JSON would not do; and only top-level keys count, so
 * a value that merely contains the key's name cannot stand in for the signed object.
 */
export function extractJsonMemberText(text: string, key: string): string | null {
  let index = text.indexOf('{');
  if (index === -1) return null;
  index += 1;
  const skipSpace = (): void => {
    while (/\s/.test(text[index] ?? '')) index += 1;
  };
  for (;;) {
    skipSpace();
    if (text[index] !== '"') return null;
    const nameEnd = stringEnd(text, index);
    if (nameEnd === -1) return null;
    let name: unknown;
    try {
      name = JSON.parse(text.slice(index, nameEnd));
    } catch {
      return null;
    }
    index = nameEnd;
    skipSpace();
    if (text[index] !== ':') return null;
    index += 1;
    skipSpace();
    const valueStart = index;
    const opener = text[index];
    if (opener === '{' || opener === '[') index = containerEnd(text, index);
    else if (opener === '"') index = stringEnd(text, index);
    else while (index < text.length && !/[,}\s]/.test(text[index] ?? '')) index += 1;
    if (index === -1) return null;
    if (name === key) return opener === '{' ? text.slice(valueStart, index) : null;
    skipSpace();
    if (text[index] !== ',') return null;
    index += 1;
  }
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

// ---- notification verification ------------------------------------------------------------------------------

export interface AlipayVerifierConfig {
  appId: string;
  sellerId: string;
  alipayPublicKey: ReturnType<typeof loadPublicKey>;
}

const tradeStatuses = ['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED'] as const;

/** Optional yuan field → fen; undefined when absent, null when present but not an exact amount. */
function optionalFen(params: Record<string, string>, key: string): number | null | undefined {
  const value = params[key];
  if (value === undefined || value === '') return undefined;
  return parseYuan(value);
}

/**
 * Verifies an asynchronous notification (form body POSTed to /api/payments/notify/alipay). The signature is
 * checked before anything in the body is believed; then that it is for our app and seller; then the amounts,
 * which must be exact yuan with at most two decimals. Comparing the amount with our own order is the caller's job.
 */
export function verifyAlipayNotification(verifier: AlipayVerifierConfig, rawBody: string): AlipayNotificationResult {
  const params: Record<string, string> = {};
  const form = new URLSearchParams(rawBody);
  for (const [key, value] of form) {
    if (key in params) return { ok: false, reason: 'malformed', detail: `parameter ${key} appears twice` };
    params[key] = value;
  }
  const { sign } = params;
  if (!sign) return { ok: false, reason: 'malformed', detail: 'no sign parameter' };
  if (params.sign_type !== undefined && params.sign_type !== 'RSA2') return { ok: false, reason: 'malformed', detail: `sign_type ${params.sign_type} is not RSA2` };
  if (!verifySha256WithRsa(verifier.alipayPublicKey, alipaySignContent(params, ALIPAY_NOTIFICATION_UNSIGNED, false), sign)) {
    return { ok: false, reason: 'bad_signature', detail: 'signature does not verify with the Alipay public key' };
  }
  if (params.app_id !== verifier.appId || params.seller_id !== verifier.sellerId) {
    return { ok: false, reason: 'wrong_merchant', detail: `for app_id ${params.app_id ?? '(none)'} seller_id ${params.seller_id ?? '(none)'}` };
  }
  const { notify_id: notifyId, out_trade_no: outTradeNo, trade_no: tradeNo, trade_status: tradeStatus } = params;
  if (!notifyId || !outTradeNo || !tradeNo || !tradeStatus || !(tradeStatuses as readonly string[]).includes(tradeStatus)) {
    return { ok: false, reason: 'malformed', detail: 'notify_id, out_trade_no, trade_no or a known trade_status is missing' };
  }
  const totalFen = optionalFen(params, 'total_amount');
  const receiptFen = optionalFen(params, 'receipt_amount');
  const buyerPayFen = optionalFen(params, 'buyer_pay_amount');
  const refundFen = optionalFen(params, 'refund_fee');
  if (totalFen === undefined || totalFen === null || totalFen <= 0 || receiptFen === null || buyerPayFen === null || refundFen === null) {
    return { ok: false, reason: 'bad_amount', detail: `amounts are not exact yuan: total_amount=${params.total_amount ?? '(none)'}` };
  }
  return {
    ok: true,
    notifyId,
    notifyTime: params.notify_time ?? '',
    notifyType: params.notify_type ?? '',
    outTradeNo,
    tradeNo,
    tradeStatus: tradeStatus as AlipayTradeStatus,
    isPaid: tradeStatus === 'TRADE_SUCCESS' || tradeStatus === 'TRADE_FINISHED',
    totalFen,
    receiptFen: receiptFen ?? null,
    buyerPayFen: buyerPayFen ?? null,
    refundFen: refundFen ?? null,
    gmtPayment: params.gmt_payment ?? null,
    appId: params.app_id,
    sellerId: params.seller_id,
    params,
  };
}

/** Alipay reads the reply body: the literal "success" stops its retries, anything else asks for another. */
export const alipayNotificationReply = {
  ok: (): { statusCode: 200; contentType: 'text/plain'; body: 'success' } => ({ statusCode: 200, contentType: 'text/plain', body: 'success' }),
  fail: (): { statusCode: 200; contentType: 'text/plain'; body: 'failure' } => ({ statusCode: 200, contentType: 'text/plain', body: 'failure' }),
};

// ---- statement ----------------------------------------------------------------------------------------------

export interface AlipayStatementDetail {
  account: string | null;
  header: string[];
  rows: Record<string, string>[];
}

/**
 * Reads the 业务明细 CSV: "#" lines are titles and totals; values come padded with tabs so spreadsheets keep
 * trade numbers as text, and are trimmed here.
 */
export function parseAlipayStatementDetail(text: string): AlipayStatementDetail {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const account = /#账号：\[(\d+)\]/.exec(text)?.[1] ?? null;
  const data = lines.filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const header = (data[0] ?? '').split(',').map((value) => value.trim());
  const rows = data.slice(1).map((line) => Object.fromEntries(line.split(',').map((value, index) => [header[index] ?? String(index), value.trim()])));
  return { account, header, rows };
}

// ---- the client --------------------------------------------------------------------------------------------------

export interface AlipayClient {
  readonly config: Readonly<AlipayConfig>;
  /** alipay.trade.wap.pay: a GET URL to send the browser to, or an auto-submitting form for the same request. */
  wapPay(input: { outTradeNo: string; subject: string; amountFen: number; quitUrl?: string; timeExpire?: Date; returnUrl?: string; passbackParams?: string }): {
    url: string;
    formHtml: string;
  };
  /** null when Alipay has no such trade: also the case for an order whose pay page the payer never opened. */
  queryTrade(outTradeNo: string): Promise<AlipayTrade | null>;
  /** Repeating an outRequestNo is safe: Alipay refunds it once and answers the repeat with hasFundChange false. */
  refund(input: { outTradeNo: string; outRequestNo: string; refundFen: number; reason?: string }): Promise<AlipayRefundResult>;
  /**
   * alipay.trade.fastpay.refund.query. null (believed only when signed) when Alipay has no successful refund
   * under that out_request_no — it never arrived, or failed — so asking again with the same number is safe.
   */
  queryRefund(outTradeNo: string, outRequestNo: string): Promise<AlipayRefundQuery | null>;
  /** 'not_found' when the payer never opened the pay page, so Alipay never created the trade: nothing can pay it. */
  closeTrade(outTradeNo: string): Promise<'closed' | 'not_found'>;
  /** alipay.data.dataservice.bill.downloadurl.query for a day's trade statement; null when there is none. */
  billDownloadUrl(billDate: string): Promise<string | null>;
  downloadStatement(billDate: string): Promise<AlipayStatement | null>;
  verifyNotification(rawBody: string): AlipayNotificationResult;
}

const answerBase = z.object({ code: z.string(), msg: z.string().optional(), sub_code: z.string().optional(), sub_msg: z.string().optional() });

const tradeAnswer = answerBase.extend({
  trade_no: z.string(),
  out_trade_no: z.string(),
  trade_status: z.enum(tradeStatuses),
  total_amount: z.string(),
  buyer_pay_amount: z.string().optional(),
  receipt_amount: z.string().optional(),
  buyer_logon_id: z.string().optional(),
  send_pay_date: z.string().optional(),
});

const refundAnswer = answerBase.extend({
  trade_no: z.string(),
  out_trade_no: z.string(),
  fund_change: z.enum(['Y', 'N']),
  refund_fee: z.string(),
  gmt_refund_pay: z.string().optional(),
});

const refundQueryAnswer = answerBase.extend({
  trade_no: z.string().optional(),
  out_trade_no: z.string().optional(),
  out_request_no: z.string().optional(),
  refund_amount: z.string().optional(),
  refund_status: z.string().optional(),
  gmt_refund_pay: z.string().optional(),
});

interface Answer {
  body: Record<string, unknown>;
  isVerified: boolean;
}

export function createAlipayClient(config: AlipayConfig): AlipayClient {
  const privateKey = loadPrivateKey(config.appPrivateKeyPem);
  const verifier: AlipayVerifierConfig = { appId: config.appId, sellerId: config.sellerId, alipayPublicKey: loadPublicKey(config.alipayPublicKeyPem) };
  const gatewayUrl = config.gatewayUrl ?? ALIPAY_GATEWAY_URL;
  const now = config.now ?? (() => new Date());
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 10_000;

  function signedParams(method: string, bizContent: Record<string, unknown>, extra: Record<string, string> = {}): Record<string, string> {
    const params: Record<string, string> = {
      app_id: config.appId,
      method,
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: shanghaiDateTime(now()),
      version: '1.0',
      ...extra,
      biz_content: JSON.stringify(bizContent),
    };
    params.sign = signSha256WithRsa(privateKey, alipaySignContent(params, ALIPAY_REQUEST_UNSIGNED, true));
    return params;
  }

  async function call(method: string, bizContent: Record<string, unknown>): Promise<Answer> {
    let text: string;
    let status: number;
    try {
      const response = await doFetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: new URLSearchParams(signedParams(method, bizContent)).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new PaymentChannelError('alipay', 'NETWORK_ERROR', `${method}: ${String(error)}`);
    }
    const key = alipayResponseKey(method);
    const content = extractJsonMemberText(text, key) ?? extractJsonMemberText(text, 'error_response');
    let sign: unknown;
    let body: unknown;
    try {
      sign = (JSON.parse(text) as { sign?: unknown }).sign;
      body = content === null ? null : JSON.parse(content);
    } catch {
      body = null;
    }
    if (content === null || typeof body !== 'object' || body === null) {
      throw new PaymentChannelError('alipay', 'BAD_RESPONSE', `${method}: answered ${status} ${text.slice(0, 200)}`, status);
    }
    const isVerified = typeof sign === 'string' && verifySha256WithRsa(verifier.alipayPublicKey, content, sign);
    // Alipay leaves some refusals unsigned (a request it could not verify, for one); a success never is.
    if (typeof sign === 'string' && !isVerified) throw new PaymentChannelError('alipay', 'BAD_RESPONSE_SIGNATURE', `${method}: answer not signed by Alipay`, status);
    const answer = body as Record<string, unknown>;
    if (answer.code === '10000' && !isVerified) throw new PaymentChannelError('alipay', 'BAD_RESPONSE_SIGNATURE', `${method}: success without signature`, status);
    return { body: answer, isVerified };
  }

  function failure(method: string, answer: Answer): PaymentChannelError {
    const { code, msg, sub_code: subCode, sub_msg: subMsg } = answer.body as z.infer<typeof answerBase>;
    // 20000 (service unavailable) and ACQ.SYSTEM_ERROR leave the outcome unknown; other refusals did nothing.
    const isDefinite = code !== '20000' && subCode !== 'ACQ.SYSTEM_ERROR';
    return new PaymentChannelError('alipay', subCode ?? code ?? 'BAD_RESPONSE', `${method}: ${subMsg ?? msg ?? ''}`, 200, isDefinite);
  }

  const isVerifiedSubCode = (answer: Answer, subCode: string): boolean => answer.isVerified && answer.body.sub_code === subCode;

  function parse<T extends z.ZodType>(schema: T, method: string, answer: Answer): z.infer<T> {
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw new PaymentChannelError('alipay', 'BAD_RESPONSE', `${method}: unexpected answer ${JSON.stringify(answer.body).slice(0, 200)}`, 200);
    return parsed.data;
  }

  function fenOf(method: string, yuan: string): number {
    const fen = parseYuan(yuan);
    if (fen === null) throw new PaymentChannelError('alipay', 'BAD_RESPONSE', `${method}: amount ${yuan} is not exact yuan`, 200);
    return fen;
  }

  const optionalFenOf = (method: string, yuan: string | undefined): number | null => (yuan === undefined || yuan === '' ? null : fenOf(method, yuan));

  const client: AlipayClient = {
    config,

    wapPay(input) {
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new RangeError(`amountFen must be a positive integer, not ${input.amountFen}`);
      const params = signedParams(
        'alipay.trade.wap.pay',
        {
          out_trade_no: input.outTradeNo,
          total_amount: fenToYuan(input.amountFen),
          subject: input.subject,
          product_code: 'QUICK_WAP_WAY',
          ...(input.quitUrl ? { quit_url: input.quitUrl } : {}),
          ...(input.timeExpire ? { time_expire: shanghaiDateTime(input.timeExpire) } : {}),
          ...(input.passbackParams ? { passback_params: encodeURIComponent(input.passbackParams) } : {}),
        },
        { notify_url: config.notifyUrl, return_url: input.returnUrl ?? config.returnUrl },
      );
      const url = `${gatewayUrl}?${new URLSearchParams(params).toString()}`;
      const inputs = Object.entries(params)
        .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
        .join('');
      const formHtml = `<form name="punchout_form" method="post" action="${escapeHtml(`${gatewayUrl}?charset=utf-8`)}">${inputs}</form><script>document.forms[0].submit();</script>`;
      return { url, formHtml };
    },

    async queryTrade(outTradeNo) {
      const method = 'alipay.trade.query';
      const answer = await call(method, { out_trade_no: outTradeNo });
      if (isVerifiedSubCode(answer, 'ACQ.TRADE_NOT_EXIST')) return null;
      if (answer.body.code !== '10000') throw failure(method, answer);
      const trade = parse(tradeAnswer, method, answer);
      return {
        outTradeNo: trade.out_trade_no,
        tradeNo: trade.trade_no,
        tradeStatus: trade.trade_status,
        totalFen: fenOf(method, trade.total_amount),
        buyerPayFen: optionalFenOf(method, trade.buyer_pay_amount),
        receiptFen: optionalFenOf(method, trade.receipt_amount),
        buyerLogonId: trade.buyer_logon_id ?? null,
        sendPayDate: trade.send_pay_date ?? null,
        isPaid: trade.trade_status === 'TRADE_SUCCESS' || trade.trade_status === 'TRADE_FINISHED',
      };
    },

    async refund(input) {
      if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0) throw new RangeError(`refundFen must be a positive integer, not ${input.refundFen}`);
      const method = 'alipay.trade.refund';
      const answer = await call(method, {
        out_trade_no: input.outTradeNo,
        refund_amount: fenToYuan(input.refundFen),
        out_request_no: input.outRequestNo,
        ...(input.reason ? { refund_reason: input.reason } : {}),
      });
      if (answer.body.code !== '10000') throw failure(method, answer);
      const refund = parse(refundAnswer, method, answer);
      return {
        outTradeNo: refund.out_trade_no,
        tradeNo: refund.trade_no,
        hasFundChange: refund.fund_change === 'Y',
        refundedFen: fenOf(method, refund.refund_fee),
        gmtRefundPay: refund.gmt_refund_pay ?? null,
      };
    },

    async queryRefund(outTradeNo, outRequestNo) {
      const method = 'alipay.trade.fastpay.refund.query';
      const answer = await call(method, { out_trade_no: outTradeNo, out_request_no: outRequestNo, query_options: ['gmt_refund_pay'] });
      if (isVerifiedSubCode(answer, 'ACQ.TRADE_NOT_EXIST')) return null;
      if (answer.body.code !== '10000') throw failure(method, answer);
      const found = parse(refundQueryAnswer, method, answer);
      // No refund data, or no REFUND_SUCCESS: Alipay has not made (or did not make) this refund.
      if (found.refund_status !== 'REFUND_SUCCESS' || !found.refund_amount || found.out_request_no !== outRequestNo) return null;
      return {
        outTradeNo: found.out_trade_no ?? outTradeNo,
        tradeNo: found.trade_no ?? '',
        outRequestNo: found.out_request_no,
        refundFen: fenOf(method, found.refund_amount),
        refundStatus: 'REFUND_SUCCESS',
        gmtRefundPay: found.gmt_refund_pay ?? null,
      };
    },

    async closeTrade(outTradeNo) {
      const method = 'alipay.trade.close';
      const answer = await call(method, { out_trade_no: outTradeNo });
      if (isVerifiedSubCode(answer, 'ACQ.TRADE_NOT_EXIST')) return 'not_found';
      if (answer.body.code !== '10000') throw failure(method, answer);
      return 'closed';
    },

    async billDownloadUrl(billDate) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) throw new RangeError(`billDate must be YYYY-MM-DD, not ${billDate}`);
      const method = 'alipay.data.dataservice.bill.downloadurl.query';
      const answer = await call(method, { bill_type: 'trade', bill_date: billDate });
      if (isVerifiedSubCode(answer, 'isp.bill_not_exist')) return null;
      if (answer.body.code !== '10000') throw failure(method, answer);
      return parse(answerBase.extend({ bill_download_url: z.string() }), method, answer).bill_download_url;
    },

    async downloadStatement(billDate) {
      const url = await client.billDownloadUrl(billDate);
      if (url === null) return null;
      // The address is short-lived and unguessable; the file itself carries no signature.
      let zip: Buffer;
      try {
        const response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs * 6) });
        if (!response.ok) throw new Error(`answered ${response.status}`);
        zip = Buffer.from(await response.arrayBuffer());
      } catch (error) {
        throw new PaymentChannelError('alipay', 'NETWORK_ERROR', `statement download: ${String(error)}`);
      }
      let files: AlipayStatement['files'];
      try {
        files = readZip(zip).map((entry) => ({ name: entry.name, text: new TextDecoder('gbk').decode(entry.bytes) }));
      } catch (error) {
        throw new PaymentChannelError('alipay', 'BAD_RESPONSE', `statement ${billDate}: ${String(error)}`);
      }
      return { zip, files };
    },

    verifyNotification(rawBody) {
      return verifyAlipayNotification(verifier, rawBody);
    },
  };
  return client;
}

/** The verifier on its own, for the notify route when it has only the configuration. */
export function alipayVerifierConfig(config: Pick<AlipayConfig, 'appId' | 'sellerId' | 'alipayPublicKeyPem'>): AlipayVerifierConfig {
  return { appId: config.appId, sellerId: config.sellerId, alipayPublicKey: loadPublicKey(config.alipayPublicKeyPem) };
}
