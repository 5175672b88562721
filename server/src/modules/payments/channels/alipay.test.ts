import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ALIPAY_NOTIFICATION_UNSIGNED,
  alipayNotificationReply,
  alipaySignContent,
  createAlipayClient,
  extractJsonMemberText,
  parseAlipayStatementDetail,
  type AlipayClient,
} from './alipay';
import { PaymentChannelError } from './errors';
import { loadPublicKey, shanghaiDay, verifySha256WithRsa } from './signing';
import {
  ALIPAY_NOTIFICATION_VARIANTS,
  createSandboxCredentials,
  sandboxAlipayConfig,
  startPaymentSimulator,
  type RunningPaymentSimulator,
  type SandboxCredentials,
} from './simulator';
import { readZip } from '../files/zip';
import { startNotifyReceiver, strangerKeyPair, type NotifyReceiver } from './test-support';

let credentials: SandboxCredentials;
let running: RunningPaymentSimulator;
let receiver: NotifyReceiver;
let client: AlipayClient;
let orderSeq = 0;
const nextOrderNo = (): string => `ALI${Date.now()}${String((orderSeq += 1)).padStart(4, '0')}`;

beforeAll(async () => {
  credentials = createSandboxCredentials();
  running = await startPaymentSimulator({ credentials, timeScale: 1e-6 });
  receiver = await startNotifyReceiver((notification) => {
    const result = client.verifyNotification(notification.body);
    const reply = result.ok ? alipayNotificationReply.ok() : alipayNotificationReply.fail();
    return { statusCode: reply.statusCode, body: reply.body, contentType: reply.contentType };
  });
  client = createAlipayClient(
    sandboxAlipayConfig(credentials, { gatewayUrl: running.alipayGatewayUrl, notifyUrl: `${receiver.url}/alipay`, returnUrl: 'https://portal.example/alipay/return' }),
  );
});

afterAll(async () => {
  await running?.close();
  await receiver?.close();
});

/** What the payer's browser does: open the signed wap.pay URL, land on the cashier, press 确认支付. */
async function payInBrowser(url: string): Promise<{ cashierHtml: string; returnLocation: string | null }> {
  const gateway = await fetch(url, { redirect: 'manual' });
  expect(gateway.status).toBe(302);
  const cashierUrl = gateway.headers.get('location') ?? '';
  const cashierHtml = await (await fetch(cashierUrl)).text();
  const tradeNo = new URL(cashierUrl).searchParams.get('trade_no') ?? '';
  const confirm = await fetch(`${new URL(cashierUrl).origin}${running.simulator.alipayPrefix}/cashier/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ trade_no: tradeNo }).toString(),
    redirect: 'manual',
  });
  return { cashierHtml, returnLocation: confirm.headers.get('location') };
}

describe('Alipay protocol primitives', () => {
  it('signs sorted k=v pairs, leaving out sign (and for notifications sign_type)', () => {
    const params = { b: '2', a: '1', sign: 'x', sign_type: 'RSA2', empty: '' };
    expect(alipaySignContent(params, ['sign'], true)).toBe('a=1&b=2&sign_type=RSA2');
    expect(alipaySignContent(params, ALIPAY_NOTIFICATION_UNSIGNED, false)).toBe('a=1&b=2&empty=');
  });

  it('finds the exact text of the *_response member, escapes and nesting included', () => {
    const text = '{"alipay_trade_query_response":{"code":"10000","msg":"Success","subject":"水费 \\"2月\\" {x}","n":{"a":[1,{"b":"}"}]}},"sign":"abc"}';
    expect(extractJsonMemberText(text, 'alipay_trade_query_response')).toBe('{"code":"10000","msg":"Success","subject":"水费 \\"2月\\" {x}","n":{"a":[1,{"b":"}"}]}}');
    expect(extractJsonMemberText(text, 'error_response')).toBeNull();
    // Only a top-level key counts: not the name inside a string, not a nested member.
    const decoy = '{"x":"\\"alipay_trade_query_response\\":{\\"code\\":\\"10000\\"}","a":{"alipay_trade_query_response":{"code":"1"}},"alipay_trade_query_response" : {"code":"40004"} ,"sign":"s"}';
    expect(JSON.parse(decoy)).toHaveProperty('sign', 's');
    expect(extractJsonMemberText(decoy, 'alipay_trade_query_response')).toBe('{"code":"40004"}');
    expect(extractJsonMemberText('{"n":12,"b":true,"alipay_trade_query_response":{"code":"10000"}}', 'alipay_trade_query_response')).toBe('{"code":"10000"}');
    expect(extractJsonMemberText('{"alipay_trade_query_response":{"code":"10000"', 'alipay_trade_query_response')).toBeNull();
  });
});

describe('Alipay client against the simulator', () => {
  it('pays a wap order in the browser, notifies with a verified form, and returns to return_url signed', async () => {
    const outTradeNo = nextOrderNo();
    expect(await client.queryTrade(outTradeNo)).toBeNull();
    const { url, formHtml } = client.wapPay({ outTradeNo, subject: '江城水务-水费', amountFen: 12_30, quitUrl: 'https://portal.example/bills' });
    expect(url.startsWith(`${running.alipayGatewayUrl}?`)).toBe(true);
    expect(formHtml).toContain('name="biz_content"');
    const params = Object.fromEntries(new URL(url).searchParams);
    expect(params).toMatchObject({ method: 'alipay.trade.wap.pay', charset: 'utf-8', format: 'JSON', sign_type: 'RSA2', version: '1.0', app_id: credentials.alipay.appId });
    expect(params.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(JSON.parse(params.biz_content ?? '{}')).toMatchObject({ out_trade_no: outTradeNo, total_amount: '12.30', product_code: 'QUICK_WAP_WAY' });

    const { cashierHtml, returnLocation } = await payInBrowser(url);
    expect(cashierHtml).toContain('确认支付');
    expect(cashierHtml).toContain('12.30');
    expect(cashierHtml).toContain(credentials.alipay.merchantName);
    expect(cashierHtml).toContain('取消');

    const back = new URL(returnLocation ?? '');
    expect(back.origin + back.pathname).toBe('https://portal.example/alipay/return');
    const returned = Object.fromEntries(back.searchParams);
    expect(returned).toMatchObject({ out_trade_no: outTradeNo, total_amount: '12.30', method: 'alipay.trade.wap.pay.return' });
    expect(verifySha256WithRsa(loadPublicKey(credentials.alipay.alipayPublicKeyPem), alipaySignContent(returned, ALIPAY_NOTIFICATION_UNSIGNED, false), returned.sign ?? '')).toBe(true);

    await vi.waitFor(() => expect(running.simulator.deliveries().find((delivery) => delivery.outTradeNo === outTradeNo)?.isAcknowledged).toBe(true));
    const notice = receiver.received.map((received) => client.verifyNotification(received.body)).find((result) => result.ok && result.outTradeNo === outTradeNo);
    expect(notice).toMatchObject({ ok: true, tradeStatus: 'TRADE_SUCCESS', isPaid: true, totalFen: 1230, receiptFen: 1230, appId: credentials.alipay.appId, sellerId: credentials.alipay.sellerId });

    const trade = await client.queryTrade(outTradeNo);
    expect(trade).toMatchObject({ outTradeNo, tradeStatus: 'TRADE_SUCCESS', totalFen: 1230, buyerPayFen: 1230, isPaid: true });
    expect(trade?.tradeNo).toMatch(/^\d{8}22001\d{15}$/);
    await expect(client.closeTrade(outTradeNo)).rejects.toMatchObject({ code: 'ACQ.TRADE_STATUS_ERROR', isDefinite: true });
  });

  it('closes an opened but unpaid trade; a trade never opened is not_found', async () => {
    const outTradeNo = nextOrderNo();
    expect(await client.closeTrade(outTradeNo)).toBe('not_found');
    const gateway = await fetch(client.wapPay({ outTradeNo, subject: '水费', amountFen: 100 }).url, { redirect: 'manual' });
    expect(gateway.status).toBe(302);
    expect(await client.queryTrade(outTradeNo)).toMatchObject({ tradeStatus: 'WAIT_BUYER_PAY', isPaid: false, buyerPayFen: 0 });
    expect(await client.closeTrade(outTradeNo)).toBe('closed');
    expect(await client.queryTrade(outTradeNo)).toMatchObject({ tradeStatus: 'TRADE_CLOSED', isPaid: false });
    expect(() => running.simulator.pay('alipay', outTradeNo)).toThrow(/关闭/);
  });

  it('refunds in part, answers a repeated out_request_no without moving money, and refuses too much', async () => {
    const outTradeNo = nextOrderNo();
    await fetch(client.wapPay({ outTradeNo, subject: '水费', amountFen: 10_00 }).url, { redirect: 'manual' });
    running.simulator.pay('alipay', outTradeNo);
    expect(await client.refund({ outTradeNo, outRequestNo: 'RF1', refundFen: 2_50, reason: '多缴退费' })).toMatchObject({ hasFundChange: true, refundedFen: 250 });
    expect(await client.refund({ outTradeNo, outRequestNo: 'RF1', refundFen: 2_50 })).toMatchObject({ hasFundChange: false, refundedFen: 250 });
    await expect(client.refund({ outTradeNo, outRequestNo: 'RF2', refundFen: 8_00 })).rejects.toMatchObject({ code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
    expect(await client.refund({ outTradeNo, outRequestNo: 'RF3', refundFen: 7_50 })).toMatchObject({ hasFundChange: true, refundedFen: 1000 });
    // Refunded in full, the trade is closed.
    expect(await client.queryTrade(outTradeNo)).toMatchObject({ tradeStatus: 'TRADE_CLOSED' });
  });

  it('downloads the day\'s statement: a zip of GBK CSV files in Alipay\'s layout', async () => {
    const outTradeNo = nextOrderNo();
    await fetch(client.wapPay({ outTradeNo, subject: '江城水务-水费（2月）', amountFen: 35_00 }).url, { redirect: 'manual' });
    running.simulator.pay('alipay', outTradeNo);
    await client.refund({ outTradeNo, outRequestNo: `RF${outTradeNo}`, refundFen: 5_00 });
    const statement = await client.downloadStatement(shanghaiDay(new Date()));
    expect(statement).not.toBeNull();
    const names = statement?.files.map((file) => file.name) ?? [];
    expect(names.some((name) => name.endsWith('_业务明细.csv'))).toBe(true);
    expect(names.some((name) => name.endsWith('_业务明细(汇总).csv'))).toBe(true);
    // The bytes really are GBK: 水 is 0xCB 0xAE there, and the UTF-8 bytes of 水 (E6 B0 B4) are absent.
    const raw = readZip(statement?.zip ?? Buffer.alloc(0)).find((entry) => entry.name.endsWith('_业务明细.csv'))?.bytes ?? Buffer.alloc(0);
    expect(raw.includes(Buffer.from([0xcb, 0xae]))).toBe(true);
    expect(raw.includes(Buffer.from('水', 'utf8'))).toBe(false);

    const detail = parseAlipayStatementDetail(statement?.files.find((file) => file.name.endsWith('_业务明细.csv'))?.text ?? '');
    expect(detail.account).toBe(credentials.alipay.sellerId);
    const rows = detail.rows.filter((row) => row['商户订单号'] === outTradeNo);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ 业务类型: '交易', '订单金额（元）': '35.00', '商家实收（元）': '35.00', '服务费（元）': '-0.21', 商品名称: '江城水务-水费（2月）' });
    expect(rows[1]).toMatchObject({ 业务类型: '退款', '商家实收（元）': '-5.00', '退款批次号/请求号': `RF${outTradeNo}` });
    expect(await client.downloadStatement('2001-01-01')).toBeNull();
  });

  it('is refused with isv.invalid-signature when its request signature is wrong, and refuses a forged answer', async () => {
    const stranger = createAlipayClient({ ...client.config, appPrivateKeyPem: strangerKeyPair().privateKeyPem });
    const error = await stranger.queryTrade('ANY').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaymentChannelError);
    expect(error).toMatchObject({ channel: 'alipay', code: 'isv.invalid-signature', isDefinite: true });

    const deceived = createAlipayClient({ ...client.config, alipayPublicKeyPem: strangerKeyPair().publicKeyPem });
    await expect(deceived.queryTrade('ANY')).rejects.toMatchObject({ code: 'BAD_RESPONSE_SIGNATURE' });
  });

  it('accepts keys as the bare base64 that Alipay\'s key tool prints', async () => {
    const bare = (pem: string): string => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const plain = createAlipayClient({ ...client.config, appPrivateKeyPem: bare(credentials.alipay.appPrivateKeyPem), alipayPublicKeyPem: bare(credentials.alipay.alipayPublicKeyPem) });
    expect(await plain.queryTrade('NEVER_OPENED')).toBeNull();
  });
});

describe('Alipay notification verification', () => {
  it('accepts the genuine notification and refuses each forgery with its reason', async () => {
    const outTradeNo = nextOrderNo();
    await fetch(client.wapPay({ outTradeNo, subject: '水费', amountFen: 66_60 }).url, { redirect: 'manual' });
    running.simulator.pay('alipay', outTradeNo);
    const expected: Record<string, unknown> = {
      valid: { ok: true, isPaid: true, totalFen: 6660, outTradeNo },
      bad_signature: { ok: false, reason: 'bad_signature' },
      tampered_amount: { ok: false, reason: 'bad_signature' },
      // Signed and for us: only comparing with our own order catches the amount.
      wrong_amount: { ok: true, totalFen: 6661 },
      wrong_merchant: { ok: false, reason: 'wrong_merchant' },
      not_paid: { ok: true, isPaid: false, tradeStatus: 'WAIT_BUYER_PAY' },
      three_decimals: { ok: false, reason: 'bad_amount' },
    };
    for (const variant of ALIPAY_NOTIFICATION_VARIANTS) {
      const built = running.simulator.notificationFor('alipay', outTradeNo, variant);
      expect(client.verifyNotification(built.body), variant).toMatchObject(expected[variant] as object);
    }
    const valid = new URLSearchParams(running.simulator.notificationFor('alipay', outTradeNo).body);
    const withoutSign = new URLSearchParams(valid);
    withoutSign.delete('sign');
    expect(client.verifyNotification(withoutSign.toString())).toMatchObject({ ok: false, reason: 'malformed' });
    const wrongApp = new URLSearchParams(valid);
    wrongApp.set('app_id', '2021000000000000');
    expect(client.verifyNotification(wrongApp.toString())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(client.verifyNotification(`${valid.toString()}&out_trade_no=X`)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('the merchant answers "success" only to the genuine notification', async () => {
    const outTradeNo = nextOrderNo();
    await fetch(client.wapPay({ outTradeNo, subject: '水费', amountFen: 1_00 }).url, { redirect: 'manual' });
    running.simulator.pay('alipay', outTradeNo);
    expect((await running.simulator.sendNotification('alipay', outTradeNo, 'bad_signature')).body).toBe('failure');
    expect((await running.simulator.sendNotification('alipay', outTradeNo)).body).toBe('success');
  });
});
