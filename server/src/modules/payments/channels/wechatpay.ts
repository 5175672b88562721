import { createCipheriv, createDecipheriv, createHash, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { PaymentChannelError } from './errors';
import { loadPrivateKey, loadPublicKey, randomNonce, shanghaiRfc3339, signSha256WithRsa, verifySha256WithRsa } from './signing';

/**
 * WeChat Pay API v3 for a direct merchant (直连商户) in the "WeChat Pay public key" mode (微信支付公钥): every
 * request is signed with the merchant key, every answer and notification is checked against the platform
 * public key, and notification payloads are opened with the APIv3 key. Nothing here touches the database.
 */

export const WECHATPAY_BASE_URL = 'https://api.mch.weixin.qq.com';
/** WeChat Pay's own advice: refuse a notification whose timestamp is more than five minutes away from ours. */
export const WECHATPAY_MAX_CLOCK_SKEW_SECONDS = 300;
export const WECHATPAY_AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

export interface WechatPayConfig {
  /** 商户号. */
  mchid: string;
  /** The official account (公众号) or mini-program AppID bound to the merchant number. */
  appid: string;
  /** 商户API证书序列号: the serial of the certificate holding merchantPrivateKeyPem. */
  merchantSerialNo: string;
  /** apiclient_key.pem. */
  merchantPrivateKeyPem: string;
  /** APIv3 密钥: exactly 32 characters. */
  apiV3Key: string;
  /** 微信支付公钥 (pub_key.pem) and its ID ("PUB_KEY_ID_…"), which answers and notifications carry as Wechatpay-Serial. */
  platformPublicKeyPem: string;
  platformPublicKeyId: string;
  /** Keys still accepted while WeChat Pay rotates its public key: ID → PEM. */
  previousPlatformPublicKeys?: Record<string, string>;
  /** https://api.mch.weixin.qq.com unless the simulator stands in. */
  baseUrl?: string;
  /** Where WeChat Pay posts payment notifications: https://<host>/api/payments/notify/wechatpay. */
  notifyUrl: string;
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export type WechatPayTradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';
export type WechatPayRefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL';

/** A payment as WeChat Pay reports it (query answer or decrypted TRANSACTION.* notification). */
export interface WechatPayTransaction {
  appid: string;
  mchid: string;
  outTradeNo: string;
  /** 微信支付订单号; absent until the payer has paid. */
  transactionId: string | null;
  tradeType: string | null;
  tradeState: WechatPayTradeState;
  tradeStateDesc: string | null;
  /** Order amount in fen. */
  totalFen: number;
  /** What the payer paid in fen (differs from totalFen when a coupon paid part); null before payment. */
  payerTotalFen: number | null;
  currency: string;
  /** RFC 3339 with +08:00, as WeChat Pay writes it. */
  successTime: string | null;
  payerOpenid: string | null;
  attach: string | null;
  /** Money was taken: SUCCESS, or REFUND (paid, then refunded in part or whole). */
  isPaid: boolean;
}

export interface WechatPayRefund {
  refundId: string;
  outRefundNo: string;
  transactionId: string;
  outTradeNo: string;
  status: WechatPayRefundStatus;
  refundFen: number;
  totalFen: number;
  payerRefundFen: number | null;
  successTime: string | null;
  createTime: string | null;
  userReceivedAccount: string | null;
}

/** The fields the JSAPI page passes to WeixinJSBridge.invoke('getBrandWCPayRequest', …) or wx.requestPayment. */
export interface WechatPayJsapiParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface WechatPayOrderInput {
  outTradeNo: string;
  /** 商品描述, at most 127 bytes. */
  description: string;
  amountFen: number;
  attach?: string;
  /** After this the order can no longer be paid. */
  timeExpire?: Date;
}

export interface WechatPayTradeBill {
  hashType: string;
  hashValue: string;
  downloadUrl: string;
}

export type WechatPayNotificationFailure =
  | 'malformed'
  | 'stale_timestamp'
  | 'unknown_serial'
  | 'bad_signature'
  | 'bad_ciphertext'
  | 'wrong_merchant';

export type WechatPayNotificationResult =
  | { ok: true; kind: 'transaction'; eventId: string; eventType: string; transaction: WechatPayTransaction }
  | { ok: true; kind: 'refund'; eventId: string; eventType: string; refund: WechatPayRefund }
  /** A verified event of a type we do not model; acknowledge it so WeChat Pay stops retrying. */
  | { ok: true; kind: 'other'; eventId: string; eventType: string; resource: unknown }
  | { ok: false; reason: WechatPayNotificationFailure; detail: string };

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

// ---- protocol primitives, shared with the simulator ---------------------------------------------------------

/** "METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n": what the merchant signs (an empty body still ends with "\n"). */
export function wechatPayRequestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** "TIMESTAMP\nNONCE\nBODY\n": what WeChat Pay signs in answers and notifications. */
export function wechatPayResponseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export function buildWechatPayAuthorization(input: {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
  method: string;
  pathWithQuery: string;
  body: string;
  timestamp: string;
  nonce: string;
}): string {
  const signature = signSha256WithRsa(input.privateKey, wechatPayRequestMessage(input.method, input.pathWithQuery, input.timestamp, input.nonce, input.body));
  return `${WECHATPAY_AUTH_SCHEMA} mchid="${input.mchid}",nonce_str="${input.nonce}",signature="${signature}",timestamp="${input.timestamp}",serial_no="${input.serialNo}"`;
}

export interface WechatPayAuthorization {
  mchid: string;
  nonceStr: string;
  signature: string;
  timestamp: string;
  serialNo: string;
}

/** Reads an Authorization header; null unless it has the schema and all five fields. */
export function parseWechatPayAuthorization(header: string | undefined): WechatPayAuthorization | null {
  if (!header?.startsWith(`${WECHATPAY_AUTH_SCHEMA} `)) return null;
  const fields = new Map<string, string>();
  for (const match of header.slice(WECHATPAY_AUTH_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) fields.set(match[1] ?? '', match[2] ?? '');
  const mchid = fields.get('mchid');
  const nonceStr = fields.get('nonce_str');
  const signature = fields.get('signature');
  const timestamp = fields.get('timestamp');
  const serialNo = fields.get('serial_no');
  if (!mchid || !nonceStr || !signature || !timestamp || !serialNo) return null;
  return { mchid, nonceStr, signature, timestamp, serialNo };
}

export interface WechatPayEncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
  original_type?: string;
}

/** AEAD_AES_256_GCM with the APIv3 key; the 16-byte tag is appended to the ciphertext before base64. */
export function encryptWechatPayResource(apiV3Key: string, plaintext: string, associatedData: string, nonce: string): WechatPayEncryptedResource {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: ciphertext.toString('base64'), associated_data: associatedData, nonce };
}

/** The plaintext, or null when the tag does not authenticate (wrong key, nonce, associated data or bytes). */
export function decryptWechatPayResource(apiV3Key: string, resource: { ciphertext: string; associated_data?: string; nonce: string }): string | null {
  try {
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    if (bytes.length < 17) return null;
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
    decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The JSAPI pay-sign: "appId\ntimeStamp\nnonceStr\npackage\n" signed with the merchant key. */
export function buildJsapiPayParams(input: { appid: string; prepayId: string; privateKey: KeyObject; now: Date; nonce?: string }): WechatPayJsapiParams {
  const timeStamp = String(Math.floor(input.now.getTime() / 1000));
  const nonceStr = input.nonce ?? randomNonce();
  const pkg = `prepay_id=${input.prepayId}`;
  const paySign = signSha256WithRsa(input.privateKey, `${input.appid}\n${timeStamp}\n${nonceStr}\n${pkg}\n`);
  return { appId: input.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
}

// ---- payloads ---------------------------------------------------------------------------------------------------

const tradeStates = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const;
const refundStatuses = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const;
const fen = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const transactionSchema = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: z.string().min(1),
  transaction_id: z.string().optional(),
  trade_type: z.string().optional(),
  trade_state: z.enum(tradeStates),
  trade_state_desc: z.string().optional(),
  success_time: z.string().optional(),
  attach: z.string().optional(),
  payer: z.object({ openid: z.string().optional() }).optional(),
  amount: z.object({ total: fen, payer_total: fen.optional(), currency: z.string().optional() }),
});

const refundSchema = z.object({
  refund_id: z.string(),
  out_refund_no: z.string(),
  transaction_id: z.string(),
  out_trade_no: z.string(),
  user_received_account: z.string().optional(),
  success_time: z.string().optional(),
  create_time: z.string().optional(),
  // Refund answers call it status, refund notifications refund_status.
  status: z.enum(refundStatuses).optional(),
  refund_status: z.enum(refundStatuses).optional(),
  mchid: z.string().optional(),
  amount: z.object({ total: fen, refund: fen, payer_refund: fen.optional() }),
});

const notificationSchema = z.object({
  id: z.string(),
  event_type: z.string(),
  resource_type: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string(),
    associated_data: z.string().optional(),
    nonce: z.string(),
    original_type: z.string().optional(),
  }),
});

function toTransaction(raw: z.infer<typeof transactionSchema>): WechatPayTransaction {
  return {
    appid: raw.appid,
    mchid: raw.mchid,
    outTradeNo: raw.out_trade_no,
    transactionId: raw.transaction_id || null,
    tradeType: raw.trade_type || null,
    tradeState: raw.trade_state,
    tradeStateDesc: raw.trade_state_desc ?? null,
    totalFen: raw.amount.total,
    payerTotalFen: raw.amount.payer_total ?? null,
    currency: raw.amount.currency ?? 'CNY',
    successTime: raw.success_time || null,
    payerOpenid: raw.payer?.openid || null,
    attach: raw.attach || null,
    isPaid: raw.trade_state === 'SUCCESS' || raw.trade_state === 'REFUND',
  };
}

function toRefund(raw: z.infer<typeof refundSchema>): WechatPayRefund | null {
  const status = raw.status ?? raw.refund_status;
  if (!status) return null;
  return {
    refundId: raw.refund_id,
    outRefundNo: raw.out_refund_no,
    transactionId: raw.transaction_id,
    outTradeNo: raw.out_trade_no,
    status,
    refundFen: raw.amount.refund,
    totalFen: raw.amount.total,
    payerRefundFen: raw.amount.payer_refund ?? null,
    successTime: raw.success_time || null,
    createTime: raw.create_time || null,
    userReceivedAccount: raw.user_received_account || null,
  };
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[Object.keys(headers).find((key) => key.toLowerCase() === name) ?? ''];
  return Array.isArray(value) ? value[0] : value;
}

// ---- notification verification ------------------------------------------------------------------------------

export interface WechatPayVerifierConfig {
  mchid: string;
  appid: string;
  apiV3Key: string;
  /** Platform public key ID → key. */
  platformKeys: ReadonlyMap<string, KeyObject>;
}

export function wechatPayVerifierConfig(config: WechatPayConfig): WechatPayVerifierConfig {
  const platformKeys = new Map<string, KeyObject>([[config.platformPublicKeyId, loadPublicKey(config.platformPublicKeyPem)]]);
  for (const [id, pem] of Object.entries(config.previousPlatformPublicKeys ?? {})) platformKeys.set(id, loadPublicKey(pem));
  return { mchid: config.mchid, appid: config.appid, apiV3Key: config.apiV3Key, platformKeys };
}

type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'stale_timestamp' | 'unknown_serial' | 'bad_signature'; detail: string };

/** Checks Wechatpay-Timestamp/-Nonce/-Signature/-Serial over a raw body; `maxSkewSeconds` null skips the clock check. */
export function checkWechatPaySignature(
  verifier: Pick<WechatPayVerifierConfig, 'platformKeys'>,
  headers: HeaderBag,
  rawBody: string,
  now: Date,
  maxSkewSeconds: number | null = WECHATPAY_MAX_CLOCK_SKEW_SECONDS,
): SignatureCheck {
  const timestamp = header(headers, 'wechatpay-timestamp');
  const nonce = header(headers, 'wechatpay-nonce');
  const signature = header(headers, 'wechatpay-signature');
  const serial = header(headers, 'wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'malformed', detail: 'missing Wechatpay-* signature headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed', detail: `bad Wechatpay-Timestamp ${timestamp}` };
  if (maxSkewSeconds !== null && Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > maxSkewSeconds) {
    return { ok: false, reason: 'stale_timestamp', detail: `timestamp ${timestamp} is more than ${maxSkewSeconds} s from now` };
  }
  const key = verifier.platformKeys.get(serial);
  if (!key) return { ok: false, reason: 'unknown_serial', detail: `unknown Wechatpay-Serial ${serial}` };
  if (!verifySha256WithRsa(key, wechatPayResponseMessage(timestamp, nonce, rawBody), signature)) {
    return { ok: false, reason: 'bad_signature', detail: 'signature does not verify with the platform public key' };
  }
  return { ok: true };
}

/**
 * Verifies a notification POSTed to /api/payments/notify/wechatpay and opens its resource. Checks run cheapest
 * and least trusting first: headers, clock, key, signature over the raw bytes, then decryption and shape, then
 * that it is for our merchant. Any failure is typed so the caller can record it in the security log.
 */
export function verifyWechatPayNotification(verifier: WechatPayVerifierConfig, headers: HeaderBag, rawBody: string, now: Date): WechatPayNotificationResult {
  const signature = checkWechatPaySignature(verifier, headers, rawBody, now);
  if (!signature.ok) return signature;
  let envelope: z.infer<typeof notificationSchema>;
  try {
    const parsed = notificationSchema.safeParse(JSON.parse(rawBody));
    if (!parsed.success) return { ok: false, reason: 'malformed', detail: 'notification is not a WeChat Pay encrypted event' };
    envelope = parsed.data;
  } catch {
    return { ok: false, reason: 'malformed', detail: 'notification body is not JSON' };
  }
  const plaintext = decryptWechatPayResource(verifier.apiV3Key, envelope.resource);
  if (plaintext === null) return { ok: false, reason: 'bad_ciphertext', detail: 'resource does not decrypt with the APIv3 key' };
  let resource: unknown;
  try {
    resource = JSON.parse(plaintext);
  } catch {
    return { ok: false, reason: 'malformed', detail: 'decrypted resource is not JSON' };
  }
  const { id: eventId, event_type: eventType } = envelope;
  if (eventType.startsWith('TRANSACTION.')) {
    const parsed = transactionSchema.safeParse(resource);
    if (!parsed.success) return { ok: false, reason: 'malformed', detail: `transaction resource: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    if (parsed.data.mchid !== verifier.mchid || parsed.data.appid !== verifier.appid) {
      return { ok: false, reason: 'wrong_merchant', detail: `for mchid ${parsed.data.mchid} appid ${parsed.data.appid}` };
    }
    return { ok: true, kind: 'transaction', eventId, eventType, transaction: toTransaction(parsed.data) };
  }
  if (eventType.startsWith('REFUND.')) {
    const parsed = refundSchema.safeParse(resource);
    const refund = parsed.success ? toRefund(parsed.data) : null;
    if (!parsed.success || !refund) return { ok: false, reason: 'malformed', detail: 'refund resource is not a refund' };
    if (parsed.data.mchid !== undefined && parsed.data.mchid !== verifier.mchid) {
      return { ok: false, reason: 'wrong_merchant', detail: `for mchid ${parsed.data.mchid}` };
    }
    return { ok: true, kind: 'refund', eventId, eventType, refund };
  }
  return { ok: true, kind: 'other', eventId, eventType, resource };
}

/** What to answer WeChat Pay: 204 with no body stops its retries; any 4xx/5xx with {code:"FAIL"} asks for another. */
export const wechatPayNotificationReply = {
  ok: (): { statusCode: 204; body: null } => ({ statusCode: 204, body: null }),
  fail: (message: string, statusCode = 500): { statusCode: number; body: { code: 'FAIL'; message: string } } => ({
    statusCode,
    body: { code: 'FAIL', message },
  }),
};

// ---- trade bill --------------------------------------------------------------------------------------------------

export interface WechatPayTradeBillFile {
  header: string[];
  rows: Record<string, string>[];
  summary: Record<string, string>;
}

/** Reads the trade bill CSV: every field carries a leading backtick so spreadsheets keep long numbers as text. */
export function parseWechatPayTradeBill(text: string): WechatPayTradeBillFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.length > 0);
  const fields = (line: string): string[] => line.replace(/^`/, '').split(',`');
  const headerLine = lines[0] ?? '';
  const header = headerLine.split(',');
  const summaryAt = lines.findIndex((line) => line.startsWith('总交易单数'));
  const rowLines = lines.slice(1, summaryAt === -1 ? undefined : summaryAt);
  const rows = rowLines.map((line) => Object.fromEntries(fields(line).map((value, index) => [header[index] ?? String(index), value])));
  const summary: Record<string, string> = {};
  if (summaryAt !== -1) {
    const names = (lines[summaryAt] ?? '').split(',');
    fields(lines[summaryAt + 1] ?? '').forEach((value, index) => (summary[names[index] ?? String(index)] = value));
  }
  return { header, rows, summary };
}

// ---- the client --------------------------------------------------------------------------------------------------

interface CallResult {
  status: number;
  text: string;
  json: unknown;
  isVerified: boolean;
}

export interface WechatPayClient {
  readonly config: Readonly<WechatPayConfig>;
  /** 公众号/小程序 payment: the prepay_id and the signed parameters the page hands to WeChat. */
  createJsapiOrder(input: WechatPayOrderInput & { payerOpenid: string }): Promise<{ prepayId: string; payParams: WechatPayJsapiParams }>;
  /** Payment in a mobile browser outside WeChat: the page sends the payer to h5Url (append &redirect_url=…). */
  createH5Order(input: WechatPayOrderInput & { payerClientIp: string }): Promise<{ h5Url: string }>;
  /** Signs pay parameters again for an existing prepay_id (valid two hours), e.g. when the payer retries. */
  jsapiPayParams(prepayId: string): WechatPayJsapiParams;
  /** null when WeChat Pay has no such order (ORDER_NOT_EXIST). */
  queryOrder(outTradeNo: string): Promise<WechatPayTransaction | null>;
  closeOrder(outTradeNo: string): Promise<void>;
  /** Repeat an outRefundNo safely: WeChat Pay answers the same refund. Results are notified to notifyUrl (default: config.notifyUrl). */
  refund(input: { outTradeNo: string; outRefundNo: string; refundFen: number; totalFen: number; reason?: string; notifyUrl?: string }): Promise<WechatPayRefund>;
  /** null when there is no such refund (RESOURCE_NOT_EXISTS). */
  queryRefund(outRefundNo: string): Promise<WechatPayRefund | null>;
  /** The download address of the day's trade bill; null when WeChat Pay has no bill for that day (NO_STATEMENT_EXIST). */
  tradeBill(billDate: string): Promise<WechatPayTradeBill | null>;
  /** Downloads the day's trade bill and checks its SHA-1 against the one WeChat Pay signed; null as tradeBill. */
  downloadTradeBill(billDate: string): Promise<string | null>;
  verifyAndDecryptNotification(headers: HeaderBag, rawBody: string, now?: Date): WechatPayNotificationResult;
}

export function createWechatPayClient(config: WechatPayConfig): WechatPayClient {
  if (Buffer.byteLength(config.apiV3Key, 'utf8') !== 32) throw new Error('The WeChat Pay APIv3 key must be exactly 32 bytes');
  const privateKey = loadPrivateKey(config.merchantPrivateKeyPem);
  const verifier = wechatPayVerifierConfig(config);
  const baseUrl = (config.baseUrl ?? WECHATPAY_BASE_URL).replace(/\/+$/, '');
  const now = config.now ?? (() => new Date());
  const doFetch = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 10_000;

  async function call(method: 'GET' | 'POST', target: string, body?: object): Promise<CallResult> {
    const url = new URL(target.startsWith('http') ? target : baseUrl + target);
    const bodyText = body === undefined ? '' : JSON.stringify(body);
    const authorization = buildWechatPayAuthorization({
      mchid: config.mchid,
      serialNo: config.merchantSerialNo,
      privateKey,
      method,
      pathWithQuery: url.pathname + url.search,
      body: bodyText,
      timestamp: String(Math.floor(now().getTime() / 1000)),
      nonce: randomNonce(),
    });
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          'user-agent': 'shuiwu-payments/0.1',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : bodyText,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new PaymentChannelError('wechatpay', 'NETWORK_ERROR', `${method} ${url.pathname}: ${String(error)}`);
    }
    // Answers are not checked against the clock: they come straight back over TLS, so replay is not the risk.
    const isVerified = checkWechatPaySignature(verifier, response.headers, text, now(), null).ok;
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (response.ok && !isVerified) {
      throw new PaymentChannelError('wechatpay', 'BAD_RESPONSE_SIGNATURE', `${method} ${url.pathname}: answer not signed by WeChat Pay`, response.status);
    }
    return { status: response.status, text, json, isVerified };
  }

  function failure(result: CallResult, what: string): PaymentChannelError {
    const error = z.object({ code: z.string(), message: z.string().optional() }).safeParse(result.json);
    const code = error.success ? error.data.code : 'BAD_RESPONSE';
    // A 4xx means WeChat Pay refused the request and did nothing; a 5xx or timeout may hide a success.
    return new PaymentChannelError('wechatpay', code, `${what}: ${error.success ? (error.data.message ?? '') : result.text.slice(0, 200)}`, result.status, result.status < 500);
  }

  function parse<T extends z.ZodType>(schema: T, result: CallResult, what: string): z.infer<T> {
    const parsed = schema.safeParse(result.json);
    if (!parsed.success) throw new PaymentChannelError('wechatpay', 'BAD_RESPONSE', `${what}: unexpected answer ${result.text.slice(0, 200)}`, result.status);
    return parsed.data;
  }

  /** A "not found" counts only when WeChat Pay signed it, so a forged 404 cannot make a paid order look absent. */
  const isVerifiedNotFound = (result: CallResult, code: string): boolean =>
    result.status === 404 && result.isVerified && (result.json as { code?: unknown } | null)?.code === code;

  function orderBody(input: WechatPayOrderInput): Record<string, unknown> {
    if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) throw new RangeError(`amountFen must be a positive integer, not ${input.amountFen}`);
    return {
      appid: config.appid,
      mchid: config.mchid,
      description: input.description,
      out_trade_no: input.outTradeNo,
      ...(input.timeExpire ? { time_expire: shanghaiRfc3339(input.timeExpire) } : {}),
      ...(input.attach ? { attach: input.attach } : {}),
      notify_url: config.notifyUrl,
      amount: { total: input.amountFen, currency: 'CNY' },
    };
  }

  const jsapiPayParams = (prepayId: string): WechatPayJsapiParams => buildJsapiPayParams({ appid: config.appid, prepayId, privateKey, now: now() });

  const client: WechatPayClient = {
    config,
    jsapiPayParams,

    async createJsapiOrder(input) {
      const result = await call('POST', '/v3/pay/transactions/jsapi', { ...orderBody(input), payer: { openid: input.payerOpenid } });
      if (result.status !== 200) throw failure(result, 'JSAPI order');
      const { prepay_id: prepayId } = parse(z.object({ prepay_id: z.string().min(1) }), result, 'JSAPI order');
      return { prepayId, payParams: jsapiPayParams(prepayId) };
    },

    async createH5Order(input) {
      const result = await call('POST', '/v3/pay/transactions/h5', {
        ...orderBody(input),
        scene_info: { payer_client_ip: input.payerClientIp, h5_info: { type: 'Wap' } },
      });
      if (result.status !== 200) throw failure(result, 'H5 order');
      return { h5Url: parse(z.object({ h5_url: z.string().min(1) }), result, 'H5 order').h5_url };
    },

    async queryOrder(outTradeNo) {
      const result = await call('GET', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}?mchid=${encodeURIComponent(config.mchid)}`);
      if (isVerifiedNotFound(result, 'ORDER_NOT_EXIST')) return null;
      if (result.status !== 200) throw failure(result, 'query order');
      return toTransaction(parse(transactionSchema, result, 'query order'));
    },

    async closeOrder(outTradeNo) {
      const result = await call('POST', `/v3/pay/transactions/out-trade-no/${encodeURIComponent(outTradeNo)}/close`, { mchid: config.mchid });
      if (result.status !== 204 && result.status !== 200) throw failure(result, 'close order');
    },

    async refund(input) {
      if (!Number.isSafeInteger(input.refundFen) || input.refundFen <= 0) throw new RangeError(`refundFen must be a positive integer, not ${input.refundFen}`);
      const result = await call('POST', '/v3/refund/domestic/refunds', {
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        ...(input.reason ? { reason: input.reason } : {}),
        // Refund results come to the same endpoint as payments unless told otherwise; the verifier tells them apart.
        notify_url: input.notifyUrl ?? config.notifyUrl,
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      });
      if (result.status !== 200) throw failure(result, 'refund');
      const refund = toRefund(parse(refundSchema, result, 'refund'));
      if (!refund) throw new PaymentChannelError('wechatpay', 'BAD_RESPONSE', 'refund: answer has no status', result.status);
      return refund;
    },

    async queryRefund(outRefundNo) {
      const result = await call('GET', `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`);
      if (isVerifiedNotFound(result, 'RESOURCE_NOT_EXISTS')) return null;
      if (result.status !== 200) throw failure(result, 'query refund');
      return toRefund(parse(refundSchema, result, 'query refund'));
    },

    async tradeBill(billDate) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) throw new RangeError(`billDate must be YYYY-MM-DD, not ${billDate}`);
      const result = await call('GET', `/v3/bill/tradebill?bill_date=${billDate}&bill_type=ALL`);
      if (result.status === 400 && result.isVerified && (result.json as { code?: unknown } | null)?.code === 'NO_STATEMENT_EXIST') return null;
      if (result.status !== 200) throw failure(result, 'trade bill');
      const bill = parse(z.object({ hash_type: z.string(), hash_value: z.string(), download_url: z.url() }), result, 'trade bill');
      return { hashType: bill.hash_type, hashValue: bill.hash_value, downloadUrl: bill.download_url };
    },

    async downloadTradeBill(billDate) {
      const bill = await client.tradeBill(billDate);
      if (!bill) return null;
      // The file itself comes unsigned; its integrity rests on the hash in the signed answer above.
      const url = new URL(bill.downloadUrl);
      const authorization = buildWechatPayAuthorization({
        mchid: config.mchid,
        serialNo: config.merchantSerialNo,
        privateKey,
        method: 'GET',
        pathWithQuery: url.pathname + url.search,
        body: '',
        timestamp: String(Math.floor(now().getTime() / 1000)),
        nonce: randomNonce(),
      });
      let bytes: Buffer;
      let status: number;
      try {
        const response = await doFetch(url, { headers: { authorization, accept: '*/*' }, signal: AbortSignal.timeout(timeoutMs * 6) });
        status = response.status;
        bytes = Buffer.from(await response.arrayBuffer());
      } catch (error) {
        throw new PaymentChannelError('wechatpay', 'NETWORK_ERROR', `trade bill download: ${String(error)}`);
      }
      if (status !== 200) throw new PaymentChannelError('wechatpay', 'BAD_RESPONSE', `trade bill download answered ${status}`, status);
      if (bill.hashType.toUpperCase() !== 'SHA1') throw new PaymentChannelError('wechatpay', 'BAD_RESPONSE', `trade bill hash type ${bill.hashType} is not SHA1`, status);
      if (createHash('sha1').update(bytes).digest('hex') !== bill.hashValue.toLowerCase()) {
        throw new PaymentChannelError('wechatpay', 'BAD_FILE_HASH', `trade bill ${billDate} does not match its ${bill.hashType}`, status);
      }
      return bytes.toString('utf8');
    },

    verifyAndDecryptNotification(headers, rawBody, at = now()) {
      return verifyWechatPayNotification(verifier, headers, rawBody, at);
    },
  };
  return client;
}
