import { randomBytes, type KeyObject } from 'node:crypto';
import { ALIPAY_NOTIFICATION_UNSIGNED, alipaySignContent } from '../alipay';
import { fenToYuan, yuanToFen } from '../money';
import { loadPrivateKey, randomNonce, shanghaiRfc3339, signSha256WithRsa } from '../signing';
import { encryptWechatPayResource, wechatPayResponseMessage } from '../wechatpay';

/**
 * Notifications as the channels send them, built here so that tests can send thousands themselves, in any
 * order, with every kind of forgery a notify endpoint must refuse.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** WeChat Pay's published intervals between attempts (about 24 h 4 min in all; 16 attempts). */
export const WECHATPAY_RETRY_SCHEDULE_MS: readonly number[] = [
  15 * SECOND, 15 * SECOND, 30 * SECOND, 3 * MINUTE, 10 * MINUTE, 20 * MINUTE, 30 * MINUTE, 30 * MINUTE, 30 * MINUTE,
  60 * MINUTE, 3 * HOUR, 3 * HOUR, 3 * HOUR, 6 * HOUR, 6 * HOUR,
];

/** Alipay's published intervals (about 25 h; 8 attempts). */
export const ALIPAY_RETRY_SCHEDULE_MS: readonly number[] = [4 * MINUTE, 10 * MINUTE, 10 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, 15 * HOUR];

/**
 * - valid: what the channel sends.
 * - bad_signature: signature bytes altered. tampered_amount: amount raised after signing (so the signature fails).
 * - wrong_amount: correctly signed but for a different amount than the order: only the caller's own check catches it.
 * - wrong_merchant: correctly signed for another mchid / seller_id.
 * - stale_timestamp: correctly signed, six minutes old. broken_tag: the GCM tag altered, then signed.
 * - unknown_serial: signed, but naming a platform key the merchant does not have.
 */
export type WechatPayNotificationVariant =
  | 'valid'
  | 'bad_signature'
  | 'tampered_amount'
  | 'wrong_amount'
  | 'wrong_merchant'
  | 'stale_timestamp'
  | 'broken_tag'
  | 'unknown_serial';

/** Like the WeChat Pay variants; three_decimals is a signed total_amount of "x.xx5", which no real yuan amount has. */
export type AlipayNotificationVariant = 'valid' | 'bad_signature' | 'tampered_amount' | 'wrong_amount' | 'wrong_merchant' | 'not_paid' | 'three_decimals';

export const WECHATPAY_NOTIFICATION_VARIANTS: readonly WechatPayNotificationVariant[] = [
  'valid', 'bad_signature', 'tampered_amount', 'wrong_amount', 'wrong_merchant', 'stale_timestamp', 'broken_tag', 'unknown_serial',
];
export const ALIPAY_NOTIFICATION_VARIANTS: readonly AlipayNotificationVariant[] = [
  'valid', 'bad_signature', 'tampered_amount', 'wrong_amount', 'wrong_merchant', 'not_paid', 'three_decimals',
];

export interface BuiltNotification {
  headers: Record<string, string>;
  body: string;
}

const asPrivateKey = (key: KeyObject | string): KeyObject => (typeof key === 'string' ? loadPrivateKey(key) : key);

/** Changes one base64 character so the bytes differ but the text still decodes. */
function corruptBase64(text: string, fromEnd = 4): string {
  const index = Math.max(0, text.length - fromEnd);
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

function withAmountRaised(resource: Record<string, unknown>, byFen: number): Record<string, unknown> {
  const amount = { ...(resource.amount as Record<string, unknown>) };
  for (const key of ['total', 'payer_total', 'refund', 'payer_refund']) {
    if (typeof amount[key] === 'number') amount[key] = (amount[key] as number) + byFen;
  }
  return { ...resource, amount };
}

/**
 * A WeChat Pay notification for `resource` (a transaction or refund in WeChat Pay's own JSON): the resource is
 * encrypted with the APIv3 key and the body signed with the platform key, as WeChat Pay does on every attempt.
 */
export function buildWechatPayNotification(input: {
  platformPrivateKey: KeyObject | string;
  platformPublicKeyId: string;
  apiV3Key: string;
  resource: Record<string, unknown>;
  eventType?: string;
  eventId?: string;
  variant?: WechatPayNotificationVariant;
  now?: Date;
}): BuiltNotification {
  const variant = input.variant ?? 'valid';
  const now = input.now ?? new Date();
  const eventType = input.eventType ?? 'TRANSACTION.SUCCESS';
  const isRefund = eventType.startsWith('REFUND.');
  let resource = input.resource;
  if (variant === 'wrong_amount') resource = withAmountRaised(resource, 1);
  if (variant === 'wrong_merchant') resource = { ...resource, mchid: resource.mchid === '1999999999' ? '1988888888' : '1999999999' };
  const associatedData = isRefund ? 'refund' : 'transaction';
  const encrypted = encryptWechatPayResource(input.apiV3Key, JSON.stringify(resource), associatedData, randomNonce(12));
  if (variant === 'broken_tag') encrypted.ciphertext = corruptBase64(encrypted.ciphertext);
  const envelope = (encryptedResource: typeof encrypted): string =>
    JSON.stringify({
      id: input.eventId ?? `EV-${randomBytes(12).toString('hex')}`,
      create_time: shanghaiRfc3339(now),
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: isRefund ? '退款成功' : '支付成功',
      resource: { original_type: isRefund ? 'refund' : 'transaction', ...encryptedResource },
    });
  let body = envelope(encrypted);
  const timestamp = String(Math.floor(now.getTime() / 1000) - (variant === 'stale_timestamp' ? 360 : 0));
  const nonce = randomNonce();
  let signature = signSha256WithRsa(asPrivateKey(input.platformPrivateKey), wechatPayResponseMessage(timestamp, nonce, body));
  if (variant === 'bad_signature') signature = corruptBase64(signature, 40);
  if (variant === 'tampered_amount') {
    // An attacker who somehow had the APIv3 key but not the platform private key: new content, old signature.
    body = envelope(encryptWechatPayResource(input.apiV3Key, JSON.stringify(withAmountRaised(resource, 100)), associatedData, randomNonce(12)));
  }
  return {
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': variant === 'unknown_serial' ? 'PUB_KEY_ID_0000000000000000000000000000000' : input.platformPublicKeyId,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
    body,
  };
}

/** Adds sign to Alipay notification parameters (everything but sign and sign_type, sorted) and encodes the form. */
export function buildAlipayNotification(input: {
  alipayPrivateKey: KeyObject | string;
  params: Record<string, string>;
  variant?: AlipayNotificationVariant;
}): BuiltNotification & { params: Record<string, string> } {
  const variant = input.variant ?? 'valid';
  const params: Record<string, string> = { ...input.params, sign_type: 'RSA2' };
  delete params.sign;
  if (variant === 'wrong_amount') params.total_amount = fenToYuan(yuanToFen(params.total_amount ?? '0') + 1);
  if (variant === 'wrong_merchant') params.seller_id = '2088999999999999';
  if (variant === 'not_paid') params.trade_status = 'WAIT_BUYER_PAY';
  if (variant === 'three_decimals') params.total_amount = `${params.total_amount ?? '0.00'}5`;
  params.sign = signSha256WithRsa(asPrivateKey(input.alipayPrivateKey), alipaySignContent(params, ALIPAY_NOTIFICATION_UNSIGNED, false));
  if (variant === 'bad_signature') params.sign = corruptBase64(params.sign, 40);
  if (variant === 'tampered_amount') params.total_amount = fenToYuan(yuanToFen(params.total_amount ?? '0') + 100);
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(params).toString(),
    params,
  };
}
