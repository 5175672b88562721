import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAlipayClient } from '../alipay';
import { startNotifyReceiver, type NotifyAnswer, type NotifyReceiver } from '../test-support';
import { createWechatPayClient } from '../wechatpay';
import { createSandboxCredentials, sandboxAlipayConfig, sandboxWechatPayConfig, type SandboxCredentials } from './credentials';
import { ALIPAY_RETRY_SCHEDULE_MS, buildAlipayNotification, buildWechatPayNotification, WECHATPAY_RETRY_SCHEDULE_MS } from './notifications';
import { alipayNotificationParams, wechatPayTransactionJson } from './orders';
import { registerPaymentSimulator, startPaymentSimulator, type RunningPaymentSimulator } from './simulator';

let credentials: SandboxCredentials;
let running: RunningPaymentSimulator;
let receiver: NotifyReceiver;
const wechatAck: NotifyAnswer = () => ({ statusCode: 204 });
const wechatFail: NotifyAnswer = () => ({ statusCode: 500, body: '{"code":"FAIL","message":"稍后再试"}', contentType: 'application/json' });
/** Each test decides how the merchant answers; by default it acknowledges. */
let answer: NotifyAnswer = wechatAck;
let orderSeq = 0;
const nextOrderNo = (): string => `SIM${Date.now()}${String((orderSeq += 1)).padStart(4, '0')}`;

beforeAll(async () => {
  credentials = createSandboxCredentials();
  // 1e-5: WeChat Pay's 24-hour schedule takes under a second, Alipay's 25 hours about the same.
  running = await startPaymentSimulator({ credentials, timeScale: 1e-5 });
  receiver = await startNotifyReceiver((notification, index) => answer(notification, index));
});

afterEach(() => {
  running.simulator.setDeliveryInterceptor(null);
  answer = wechatAck;
});

afterAll(async () => {
  await running?.close();
  await receiver?.close();
});

const wechat = (): ReturnType<typeof createWechatPayClient> =>
  createWechatPayClient(sandboxWechatPayConfig(credentials, { baseUrl: running.wechatpayBaseUrl, notifyUrl: `${receiver.url}/wechatpay` }));
const alipay = (): ReturnType<typeof createAlipayClient> =>
  createAlipayClient(sandboxAlipayConfig(credentials, { gatewayUrl: running.alipayGatewayUrl, notifyUrl: `${receiver.url}/alipay`, returnUrl: 'https://portal.example/r' }));

async function paidWechatOrder(): Promise<string> {
  const outTradeNo = nextOrderNo();
  await wechat().createJsapiOrder({ outTradeNo, description: '水费', amountFen: 1_00, payerOpenid: 'o1' });
  running.simulator.pay('wechatpay', outTradeNo);
  return outTradeNo;
}

async function paidAlipayOrder(): Promise<string> {
  const outTradeNo = nextOrderNo();
  await fetch(alipay().wapPay({ outTradeNo, subject: '水费', amountFen: 1_00 }).url, { redirect: 'manual' });
  running.simulator.pay('alipay', outTradeNo);
  return outTradeNo;
}

const deliveryOf = (outTradeNo: string): ReturnType<typeof running.simulator.deliveries>[number] | undefined =>
  running.simulator.deliveries().find((delivery) => delivery.outTradeNo === outTradeNo && delivery.kind === 'payment');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('notification retries', () => {
  it('WeChat Pay: retries after failures and stops at the first 204', async () => {
    let failuresLeft = 3;
    answer = (notification, index) => (notification.path === '/wechatpay' && failuresLeft-- > 0 ? wechatFail(notification, index) : wechatAck(notification, index));
    const outTradeNo = await paidWechatOrder();
    await vi.waitFor(() => expect(deliveryOf(outTradeNo)?.isFinished).toBe(true));
    await sleep(300);
    const delivery = deliveryOf(outTradeNo);
    expect(delivery?.isAcknowledged).toBe(true);
    expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 204]);
    expect(delivery?.attempts.map((attempt) => attempt.delayMs)).toEqual([0, 15_000, 15_000, 30_000]);
  });

  it('WeChat Pay: keeps failing through the whole published schedule, 16 attempts over about 24 hours', async () => {
    answer = wechatFail;
    const outTradeNo = await paidWechatOrder();
    await vi.waitFor(() => expect(deliveryOf(outTradeNo)?.isFinished).toBe(true), { timeout: 10_000 });
    const delivery = deliveryOf(outTradeNo);
    expect(delivery?.isAcknowledged).toBe(false);
    expect(delivery?.attempts).toHaveLength(16);
    expect(delivery?.attempts.slice(1).map((attempt) => attempt.delayMs)).toEqual(WECHATPAY_RETRY_SCHEDULE_MS);
    const totalMinutes = WECHATPAY_RETRY_SCHEDULE_MS.reduce((sum, ms) => sum + ms, 0) / 60_000;
    expect(totalMinutes).toBe(24 * 60 + 4);
  });

  it('WeChat Pay: a 200 counts as received too, but a 3xx or a timeout-like network error does not', async () => {
    answer = (_notification, index) => ({ statusCode: index % 2 === 0 ? 302 : 200 });
    const outTradeNo = await paidWechatOrder();
    await vi.waitFor(() => expect(deliveryOf(outTradeNo)?.isAcknowledged).toBe(true));
    expect(deliveryOf(outTradeNo)?.attempts.at(-1)?.statusCode).toBe(200);
  });

  it('Alipay: only the literal body "success" stops the retries', async () => {
    const bodies = ['failure', 'SUCCESS', 'ok', 'success'];
    let calls = 0;
    answer = () => ({ statusCode: 200, body: bodies[calls++] ?? 'success', contentType: 'text/plain' });
    const outTradeNo = await paidAlipayOrder();
    await vi.waitFor(() => expect(deliveryOf(outTradeNo)?.isFinished).toBe(true));
    await sleep(300);
    const delivery = deliveryOf(outTradeNo);
    expect(delivery?.isAcknowledged).toBe(true);
    expect(delivery?.attempts.map((attempt) => attempt.responseBody)).toEqual(bodies);
    expect(delivery?.attempts.map((attempt) => attempt.delayMs)).toEqual([0, 240_000, 600_000, 600_000]);
  });

  it('Alipay: keeps failing through its schedule, 8 attempts with the same notify_id', async () => {
    answer = () => ({ statusCode: 500, body: 'oops' });
    const outTradeNo = await paidAlipayOrder();
    await vi.waitFor(() => expect(deliveryOf(outTradeNo)?.isFinished).toBe(true), { timeout: 10_000 });
    const delivery = deliveryOf(outTradeNo);
    expect(delivery?.attempts).toHaveLength(8);
    expect(delivery?.attempts.slice(1).map((attempt) => attempt.delayMs)).toEqual(ALIPAY_RETRY_SCHEDULE_MS);
    const notifyIds = new Set(
      receiver.received.filter((received) => received.body.includes(outTradeNo)).map((received) => new URLSearchParams(received.body).get('notify_id')),
    );
    expect(notifyIds.size).toBe(1);
  });
});

describe('test hooks', () => {
  it('drops, duplicates and forges attempts on demand', async () => {
    answer = (notification) => {
      const result = wechat().verifyAndDecryptNotification(notification.headers, notification.body);
      return result.ok ? { statusCode: 204 } : { statusCode: 401, body: JSON.stringify({ code: 'FAIL', message: result.reason }) };
    };
    const actions = ['drop', { variant: 'broken_tag' }, 'duplicate'] as const;
    running.simulator.setDeliveryInterceptor((_delivery, attempt) => actions[attempt] ?? 'deliver');
    const outTradeNo = await paidWechatOrder();
    await vi.waitFor(() => expect(deliveryOf(outTradeNo)?.isFinished).toBe(true));
    const delivery = deliveryOf(outTradeNo);
    expect(delivery?.attempts.map((attempt) => [attempt.action, attempt.statusCode])).toEqual([
      ['drop', null],
      ['broken_tag', 401],
      ['duplicate', 204],
    ]);
    expect(JSON.parse(delivery?.attempts[1]?.responseBody ?? '{}')).toEqual({ code: 'FAIL', message: 'bad_ciphertext' });
    // Two copies of the same event arrived in the last attempt: same event ID, so the merchant can tell.
    const eventIds = receiver.received
      .filter((received) => received.path === '/wechatpay')
      .map((received) => wechat().verifyAndDecryptNotification(received.headers, received.body))
      .filter((result) => result.ok && result.kind === 'transaction' && result.transaction.outTradeNo === outTradeNo)
      .map((result) => (result.ok ? result.eventId : ''));
    expect(eventIds).toHaveLength(2);
    expect(new Set(eventIds).size).toBe(1);
  });

  it('lists orders and builds correctly signed notifications quickly enough for bulk tests', async () => {
    const outTradeNo = await paidWechatOrder();
    expect(running.simulator.orders().find((order) => order.outTradeNo === outTradeNo)).toMatchObject({ channel: 'wechatpay', state: 'SUCCESS', totalFen: 100 });
    const started = performance.now();
    for (let index = 0; index < 100; index += 1) expect(wechat().verifyAndDecryptNotification(...asArgs(running.simulator.notificationFor('wechatpay', outTradeNo)))).toMatchObject({ ok: true });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(() => running.simulator.notificationFor('wechatpay', 'NOT_AN_ORDER')).toThrow();
  });

  it('builds notifications without a running simulator, from an order and the sandbox keys', async () => {
    const wechatOrder = running.simulator.order('wechatpay', await paidWechatOrder());
    const alipayOrder = running.simulator.order('alipay', await paidAlipayOrder());
    if (!wechatOrder || !alipayOrder) throw new Error('orders missing');
    const keys = credentials.wechatpay;
    const built = buildWechatPayNotification({
      platformPrivateKey: keys.platformPrivateKeyPem,
      platformPublicKeyId: keys.platformPublicKeyId,
      apiV3Key: keys.apiV3Key,
      resource: wechatPayTransactionJson(wechatOrder),
      eventId: 'EV-1',
    });
    expect(wechat().verifyAndDecryptNotification(built.headers, built.body)).toMatchObject({ ok: true, eventId: 'EV-1', transaction: { outTradeNo: wechatOrder.outTradeNo } });
    const form = buildAlipayNotification({ alipayPrivateKey: credentials.alipay.alipayPrivateKeyPem, params: alipayNotificationParams(alipayOrder, new Date()) });
    expect(alipay().verifyNotification(form.body)).toMatchObject({ ok: true, outTradeNo: alipayOrder.outTradeNo, totalFen: 100 });
  });

  it('stops every pending retry when stopped', async () => {
    // 0.1: the first retry is due 1.5 s after the first attempt.
    const local = await startPaymentSimulator({ credentials, timeScale: 0.1 });
    answer = wechatFail;
    const client = createWechatPayClient(sandboxWechatPayConfig(credentials, { baseUrl: local.wechatpayBaseUrl, notifyUrl: `${receiver.url}/wechatpay` }));
    const outTradeNo = nextOrderNo();
    await client.createJsapiOrder({ outTradeNo, description: '水费', amountFen: 1_00, payerOpenid: 'o1' });
    local.simulator.pay('wechatpay', outTradeNo);
    await vi.waitFor(() => expect(local.simulator.deliveries()[0]?.attempts).toHaveLength(1));
    expect(local.simulator.deliveries()[0]?.nextAttemptAt).not.toBeNull();
    await local.close();
    await sleep(2_000);
    expect(local.simulator.deliveries()[0]?.attempts).toHaveLength(1);
  });
});

describe('mounted inside an application', () => {
  it('works under a prefix next to routes that parse JSON, without changing how they parse', async () => {
    const app = Fastify({ logger: false });
    app.post('/api/echo', async (request) => ({ received: request.body }));
    await registerPaymentSimulator(app, { credentials, wechatpayPrefix: '/demo/sim/wechatpay', alipayPrefix: '/demo/sim/alipay', timeScale: 1e-5 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = app.server.address();
      const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const client = createWechatPayClient(sandboxWechatPayConfig(credentials, { baseUrl: `${origin}/demo/sim/wechatpay`, notifyUrl: `${receiver.url}/wechatpay` }));
      const { h5Url } = await client.createH5Order({ outTradeNo: nextOrderNo(), description: '水费', amountFen: 2_00, payerClientIp: '127.0.0.1' });
      expect(h5Url.startsWith(`${origin}/demo/sim/wechatpay/checkmweb?`)).toBe(true);
      const page = await fetch(h5Url);
      expect(page.headers.get('content-type')).toContain('text/html');
      const alipayClient = createAlipayClient(
        sandboxAlipayConfig(credentials, { gatewayUrl: `${origin}/demo/sim/alipay/gateway.do`, notifyUrl: `${receiver.url}/alipay`, returnUrl: 'https://portal.example/r' }),
      );
      expect(await alipayClient.queryTrade('NEVER_OPENED')).toBeNull();
      const echo = await fetch(`${origin}/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(await echo.json()).toEqual({ received: { a: 1 } });
    } finally {
      await app.close();
    }
  });
});

function asArgs(built: { headers: Record<string, string>; body: string }): [Record<string, string>, string] {
  return [built.headers, built.body];
}
