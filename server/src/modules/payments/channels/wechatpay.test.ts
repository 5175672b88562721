import { createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PaymentChannelError } from './errors';
import {
  createSandboxCredentials,
  sandboxWechatPayConfig,
  startPaymentSimulator,
  WECHATPAY_NOTIFICATION_VARIANTS,
  type RunningPaymentSimulator,
  type SandboxCredentials,
} from './simulator';
import { startNotifyReceiver, strangerKeyPair, type NotifyReceiver } from './test-support';
import {
  buildWechatPayAuthorization,
  createWechatPayClient,
  decryptWechatPayResource,
  encryptWechatPayResource,
  parseWechatPayTradeBill,
  wechatPayNotificationReply,
  type WechatPayClient,
} from './wechatpay';
import { loadPrivateKey, shanghaiDay } from './signing';

let credentials: SandboxCredentials;
let running: RunningPaymentSimulator;
let receiver: NotifyReceiver;
let client: WechatPayClient;
let orderSeq = 0;
const nextOrderNo = (): string => `WX${Date.now()}${String((orderSeq += 1)).padStart(4, '0')}`;

beforeAll(async () => {
  credentials = createSandboxCredentials();
  running = await startPaymentSimulator({ credentials, timeScale: 1e-6 });
  receiver = await startNotifyReceiver((notification) => {
    // The merchant side: verify, then acknowledge with 204 or refuse with {"code":"FAIL"}.
    const result = client.verifyAndDecryptNotification(notification.headers, notification.body);
    const reply = result.ok ? wechatPayNotificationReply.ok() : wechatPayNotificationReply.fail(result.reason, 401);
    return { statusCode: reply.statusCode, body: reply.body ? JSON.stringify(reply.body) : '', contentType: 'application/json' };
  });
  client = createWechatPayClient(sandboxWechatPayConfig(credentials, { baseUrl: running.wechatpayBaseUrl, notifyUrl: `${receiver.url}/wechatpay` }));
});

afterAll(async () => {
  await running?.close();
  await receiver?.close();
});

describe('WeChat Pay protocol primitives', () => {
  it('signs requests as "METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nBODY\\n" in the WECHATPAY2-SHA256-RSA2048 header', () => {
    const header = buildWechatPayAuthorization({
      mchid: '1900000001',
      serialNo: 'ABC',
      privateKey: loadPrivateKey(credentials.wechatpay.merchantPrivateKeyPem),
      method: 'GET',
      pathWithQuery: '/v3/pay/transactions/out-trade-no/X1?mchid=1900000001',
      body: '',
      timestamp: '1554208460',
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
    });
    expect(header).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="[^"]+",timestamp="1554208460",serial_no="ABC"$/);
    const signature = /signature="([^"]+)"/.exec(header)?.[1] ?? '';
    const message = 'GET\n/v3/pay/transactions/out-trade-no/X1?mchid=1900000001\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n';
    expect(verify('sha256', Buffer.from(message), createPublicKey(credentials.wechatpay.merchantPublicKeyPem), Buffer.from(signature, 'base64'))).toBe(true);
  });

  it('opens AEAD_AES_256_GCM resources and refuses any altered byte, nonce or associated data', () => {
    const key = credentials.wechatpay.apiV3Key;
    const sealed = encryptWechatPayResource(key, '{"a":1}', 'transaction', 'fdasflkja484');
    expect(decryptWechatPayResource(key, sealed)).toBe('{"a":1}');
    expect(decryptWechatPayResource(key, { ...sealed, associated_data: 'refund' })).toBeNull();
    expect(decryptWechatPayResource(key, { ...sealed, nonce: 'fdasflkja485' })).toBeNull();
    expect(decryptWechatPayResource('0'.repeat(32), sealed)).toBeNull();
    const bytes = Buffer.from(sealed.ciphertext, 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(decryptWechatPayResource(key, { ...sealed, ciphertext: bytes.toString('base64') })).toBeNull();
  });

  it('refuses an APIv3 key that is not 32 bytes', () => {
    expect(() => createWechatPayClient({ ...client.config, apiV3Key: 'short' })).toThrow(/32 bytes/);
  });
});

describe('WeChat Pay client against the simulator', () => {
  it('creates a JSAPI order and signs the page parameters with the merchant key', async () => {
    const outTradeNo = nextOrderNo();
    const { prepayId, payParams } = await client.createJsapiOrder({ outTradeNo, description: '江城水务-水费', amountFen: 12_30, payerOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' });
    expect(prepayId).toMatch(/^wx/);
    expect(payParams).toMatchObject({ appId: credentials.wechatpay.appid, package: `prepay_id=${prepayId}`, signType: 'RSA' });
    const message = `${payParams.appId}\n${payParams.timeStamp}\n${payParams.nonceStr}\n${payParams.package}\n`;
    expect(verify('sha256', Buffer.from(message), createPublicKey(credentials.wechatpay.merchantPublicKeyPem), Buffer.from(payParams.paySign, 'base64'))).toBe(true);

    // The same order again is answered with the same prepay_id; a different amount under that number is refused.
    expect((await client.createJsapiOrder({ outTradeNo, description: '江城水务-水费', amountFen: 12_30, payerOpenid: 'o1' })).prepayId).toBe(prepayId);
    await expect(client.createJsapiOrder({ outTradeNo, description: '江城水务-水费', amountFen: 99, payerOpenid: 'o1' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      httpStatus: 400,
      isDefinite: true,
    });

    const query = await client.queryOrder(outTradeNo);
    expect(query).toMatchObject({ outTradeNo, tradeState: 'NOTPAY', totalFen: 1230, isPaid: false, transactionId: null });
  });

  it('pays an H5 order on the simulator page, delivers a verified notification, and shows it paid', async () => {
    const outTradeNo = nextOrderNo();
    const { h5Url } = await client.createH5Order({ outTradeNo, description: '江城水务-水费 2026年02月', amountFen: 4_56, payerClientIp: '203.0.113.7' });
    expect(h5Url).toContain('/checkmweb?prepay_id=');
    const page = await (await fetch(`${h5Url}&redirect_url=${encodeURIComponent('https://portal.example/paid')}`)).text();
    expect(page).toContain('确认支付');
    expect(page).toContain('4.56');
    expect(page).toContain(credentials.wechatpay.merchantName);
    expect(page).toContain('取消');
    expect(page).toContain('max-width: 375px');

    const prepayId = new URL(h5Url).searchParams.get('prepay_id') ?? '';
    const confirm = await fetch(`${running.wechatpayBaseUrl}/checkmweb/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prepay_id: prepayId, redirect_url: 'https://portal.example/paid' }).toString(),
      redirect: 'manual',
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe('https://portal.example/paid');

    await vi.waitFor(() => expect(running.simulator.deliveries().find((delivery) => delivery.outTradeNo === outTradeNo)?.isAcknowledged).toBe(true));
    const verified = receiver.received
      .map((received) => client.verifyAndDecryptNotification(received.headers, received.body))
      .find((result) => result.ok && result.kind === 'transaction' && result.transaction.outTradeNo === outTradeNo);
    expect(verified).toMatchObject({ ok: true, kind: 'transaction', eventType: 'TRANSACTION.SUCCESS' });
    if (verified?.ok && verified.kind === 'transaction') {
      expect(verified.transaction).toMatchObject({ outTradeNo, tradeState: 'SUCCESS', totalFen: 456, payerTotalFen: 456, mchid: credentials.wechatpay.mchid, appid: credentials.wechatpay.appid, isPaid: true });
      expect(verified.transaction.transactionId).toMatch(/^4200\d{24}$/);
      expect(verified.transaction.successTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    }
    expect(await client.queryOrder(outTradeNo)).toMatchObject({ tradeState: 'SUCCESS', isPaid: true, totalFen: 456 });
    await expect(client.closeOrder(outTradeNo)).rejects.toMatchObject({ code: 'ORDERPAID' });
  });

  it('closes an unpaid order, after which it cannot be paid or ordered again', async () => {
    const outTradeNo = nextOrderNo();
    await client.createJsapiOrder({ outTradeNo, description: '水费', amountFen: 100, payerOpenid: 'o1' });
    await client.closeOrder(outTradeNo);
    expect(await client.queryOrder(outTradeNo)).toMatchObject({ tradeState: 'CLOSED', isPaid: false });
    expect(() => running.simulator.pay('wechatpay', outTradeNo)).toThrow(/关闭/);
    await expect(client.createJsapiOrder({ outTradeNo, description: '水费', amountFen: 100, payerOpenid: 'o1' })).rejects.toMatchObject({ code: 'ORDER_CLOSED' });
  });

  it('answers null for orders and refunds it does not have', async () => {
    expect(await client.queryOrder('NO_SUCH_ORDER_1')).toBeNull();
    expect(await client.queryRefund('NO_SUCH_REFUND_1')).toBeNull();
  });

  it('refunds in part, idempotently by out_refund_no, refuses more than was paid, and notifies REFUND.SUCCESS', async () => {
    const outTradeNo = nextOrderNo();
    await client.createJsapiOrder({ outTradeNo, description: '水费', amountFen: 10_00, payerOpenid: 'o1' });
    running.simulator.pay('wechatpay', outTradeNo);
    const refund = await client.refund({ outTradeNo, outRefundNo: `R${outTradeNo}`, refundFen: 3_00, totalFen: 10_00, reason: '多缴退费' });
    expect(refund).toMatchObject({ outTradeNo, outRefundNo: `R${outTradeNo}`, refundFen: 300, totalFen: 1000 });
    expect(['PROCESSING', 'SUCCESS']).toContain(refund.status);
    const again = await client.refund({ outTradeNo, outRefundNo: `R${outTradeNo}`, refundFen: 3_00, totalFen: 10_00 });
    expect(again.refundId).toBe(refund.refundId);
    await expect(client.refund({ outTradeNo, outRefundNo: `R2${outTradeNo}`, refundFen: 8_00, totalFen: 10_00 })).rejects.toMatchObject({ code: 'PARAM_ERROR' });

    await vi.waitFor(async () => expect(await client.queryRefund(`R${outTradeNo}`)).toMatchObject({ status: 'SUCCESS', refundFen: 300 }));
    await vi.waitFor(() =>
      expect(running.simulator.deliveries().find((delivery) => delivery.kind === 'refund' && delivery.outTradeNo === outTradeNo)?.isAcknowledged).toBe(true),
    );
    const refundNotice = receiver.received
      .map((received) => client.verifyAndDecryptNotification(received.headers, received.body))
      .find((result) => result.ok && result.kind === 'refund' && result.refund.outTradeNo === outTradeNo);
    expect(refundNotice).toMatchObject({ ok: true, kind: 'refund', eventType: 'REFUND.SUCCESS', refund: { status: 'SUCCESS', refundFen: 300, totalFen: 1000 } });
    expect(await client.queryOrder(outTradeNo)).toMatchObject({ tradeState: 'REFUND', isPaid: true });
  });

  it('downloads the trade bill, checks its SHA-1, and reads it in WeChat Pay layout', async () => {
    const outTradeNo = nextOrderNo();
    await client.createJsapiOrder({ outTradeNo, description: '水费,含污水处理费', amountFen: 2_01, payerOpenid: 'oBill' });
    running.simulator.pay('wechatpay', outTradeNo);
    const today = shanghaiDay(new Date());
    const text = await client.downloadTradeBill(today);
    expect(text).not.toBeNull();
    const lines = (text ?? '').split('\r\n');
    expect(lines[0]).toBe('交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注');
    // Every data line, the summary's included, starts each field with a backtick; only the two header lines do not.
    const headerLines = lines.filter((line) => line.length > 0 && !line.startsWith('`'));
    expect(headerLines).toEqual([lines[0], '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额']);
    const bill = parseWechatPayTradeBill(text ?? '');
    const row = bill.rows.find((candidate) => candidate['商户订单号'] === outTradeNo);
    expect(row).toMatchObject({ 交易状态: 'SUCCESS', 应结订单金额: '2.01', 订单金额: '2.01', 商户号: credentials.wechatpay.mchid, 用户标识: 'oBill', 手续费: '0.01000', 费率: '0.60%' });
    expect(Number(bill.summary['总交易单数'])).toBe(bill.rows.length);
    expect(await client.tradeBill('2001-01-01')).toBeNull();
  });

  it('is refused with WeChat Pay\'s error shape when its request signature is wrong', async () => {
    const stranger = createWechatPayClient({ ...client.config, merchantPrivateKeyPem: strangerKeyPair().privateKeyPem });
    const error = await stranger.queryOrder('ANY_ORDER_1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaymentChannelError);
    expect(error).toMatchObject({ code: 'SIGN_ERROR', httpStatus: 401 });
    const raw = await fetch(`${running.wechatpayBaseUrl}/v3/pay/transactions/out-trade-no/X1?mchid=${credentials.wechatpay.mchid}`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ code: 'SIGN_ERROR', message: expect.any(String) });
  });

  it('refuses answers not signed with the configured platform key', async () => {
    const deceived = createWechatPayClient({ ...client.config, platformPublicKeyPem: strangerKeyPair().publicKeyPem });
    await expect(deceived.createJsapiOrder({ outTradeNo: nextOrderNo(), description: '水费', amountFen: 1, payerOpenid: 'o1' })).rejects.toMatchObject({
      code: 'BAD_RESPONSE_SIGNATURE',
    });
    // A "not found" that is not signed never reads as "no such order".
    await expect(deceived.queryOrder('NO_SUCH_ORDER_2')).rejects.toMatchObject({ code: 'ORDER_NOT_EXIST' });
  });
});

describe('WeChat Pay notification verification', () => {
  it('accepts the genuine notification and refuses each forgery with its reason', async () => {
    const outTradeNo = nextOrderNo();
    await client.createJsapiOrder({ outTradeNo, description: '水费', amountFen: 88_88, payerOpenid: 'o1' });
    running.simulator.pay('wechatpay', outTradeNo);
    const expected: Record<string, unknown> = {
      valid: { ok: true, kind: 'transaction', transaction: { outTradeNo, totalFen: 8888 } },
      bad_signature: { ok: false, reason: 'bad_signature' },
      tampered_amount: { ok: false, reason: 'bad_signature' },
      // Signed and for us, but the amount differs from the order: only comparing with our own order catches it.
      wrong_amount: { ok: true, kind: 'transaction', transaction: { outTradeNo, totalFen: 8889 } },
      wrong_merchant: { ok: false, reason: 'wrong_merchant' },
      stale_timestamp: { ok: false, reason: 'stale_timestamp' },
      broken_tag: { ok: false, reason: 'bad_ciphertext' },
      unknown_serial: { ok: false, reason: 'unknown_serial' },
    };
    for (const variant of WECHATPAY_NOTIFICATION_VARIANTS) {
      const built = running.simulator.notificationFor('wechatpay', outTradeNo, variant);
      expect(client.verifyAndDecryptNotification(built.headers, built.body), variant).toMatchObject(expected[variant] as object);
    }
    const valid = running.simulator.notificationFor('wechatpay', outTradeNo);
    expect(client.verifyAndDecryptNotification({ ...valid.headers, 'wechatpay-signature': undefined }, valid.body)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(client.verifyAndDecryptNotification(valid.headers, `${valid.body} `)).toMatchObject({ ok: false, reason: 'bad_signature' });
    // Five minutes of skew either way is tolerated, more is not.
    const sent = new Date(Number(valid.headers['wechatpay-timestamp']) * 1000);
    expect(client.verifyAndDecryptNotification(valid.headers, valid.body, new Date(sent.getTime() + 299_000)).ok).toBe(true);
    expect(client.verifyAndDecryptNotification(valid.headers, valid.body, new Date(sent.getTime() - 301_000))).toMatchObject({ reason: 'stale_timestamp' });
    // WeChat Pay's signature probes ("WECHATPAY/SIGNTEST/…") must fail verification.
    expect(client.verifyAndDecryptNotification({ ...valid.headers, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc' }, valid.body)).toMatchObject({ reason: 'bad_signature' });
  });

  it('gets a {"code":"FAIL"} refusal from the merchant for a forgery sent by the simulator', async () => {
    const outTradeNo = nextOrderNo();
    await client.createJsapiOrder({ outTradeNo, description: '水费', amountFen: 1_00, payerOpenid: 'o1' });
    running.simulator.pay('wechatpay', outTradeNo);
    const answer = await running.simulator.sendNotification('wechatpay', outTradeNo, 'bad_signature');
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ code: 'FAIL', message: 'bad_signature' });
    expect((await running.simulator.sendNotification('wechatpay', outTradeNo)).statusCode).toBe(204);
  });
});
