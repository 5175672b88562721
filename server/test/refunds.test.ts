import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorGateways, type PaymentGateways } from '../src/modules/payments';
import { PaymentChannelError, type WechatPayClient } from '../src/modules/payments/channels';
import { requestRefund } from '../src/modules/payments/refunds';
import { insertRegularBill } from './bill-factory';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, TEST_ORIGIN, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

interface Order {
  id: string;
  outTradeNo: string;
  status: string;
  payUrl: string | null;
  receipt: { id: string; amountFen: number } | null;
}
interface Refund {
  id: string;
  refundNo: string;
  status: 'processing' | 'succeeded' | 'failed';
  amountFen: number;
  method: string;
  channelStatus: string | null;
}
interface Money {
  balanceFen: number;
  prepaidFen: number;
}

let environment: TestEnvironment;
let utility: Utility;
let finance: Client;
let clerk: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('refunds');
  finance = await environment.loginStaff(utility, 'finance_clerk');
  clerk = await environment.loginStaff(utility, 'counter_clerk');
});
afterAll(() => environment.close());
afterEach(() => expectLedgerInvariants(environment));

let serial = 0;
async function givenHousehold(): Promise<{ home: CustomerWithAccount; portal: Client }> {
  serial += 1;
  const phone = `1372000${String(serial).padStart(4, '0')}`;
  const home = await givenCustomerWithAccount(environment, utility, { name: `退款户${serial}`, phone });
  const portal = await environment.loginPortal(utility, phone);
  expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: home.customer.name })).status).toBe(201);
  return { home, portal };
}

/** A top-up paid through the channel's page and credited by its notification: the payment id and order number. */
async function paidTopup(portal: Client, accountId: string, channel: 'wechatpay' | 'alipay', topupFen: number): Promise<{ paymentId: string; outTradeNo: string }> {
  const order = await portal.post<Order>('/api/portal/payment-orders', { accountId, channel, topupFen });
  expect(order.status).toBe(201);
  let url = new URL(order.body.payUrl as string);
  for (let hop = 0; hop < 5; hop += 1) {
    const page = await environment.app.inject({ method: 'GET', url: url.pathname + url.search });
    if (page.statusCode >= 300 && page.statusCode < 400 && page.headers.location) url = new URL(String(page.headers.location), url);
    else break;
  }
  environment.simulator.pay(channel, order.body.outTradeNo);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const polled = await portal.get<Order>(`/api/portal/payment-orders/${order.body.id}`);
    if (polled.body.status === 'paid') return { paymentId: polled.body.receipt?.id as string, outTradeNo: order.body.outTradeNo };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('never paid');
}

const refund = (paymentId: string, body: Record<string, unknown>, key?: string) =>
  finance.request<Refund & ErrorBody>('POST', `/api/payments/${paymentId}/refunds`, body, key ? { headers: { 'idempotency-key': key } } : {});

const money = async (accountId: string) => (await finance.get<Money>(`/api/accounts/${accountId}/money`)).body;

/** Polls the refund list (which asks the channel about a processing refund) until the refund is finished. */
async function finished(paymentId: string, refundId: string): Promise<Refund> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const listed = await finance.get<{ refunds: Refund[] }>(`/api/payments/${paymentId}/refunds`);
    const found = listed.body.refunds.find((candidate) => candidate.id === refundId);
    if (found && found.status !== 'processing') return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the refund never finished');
}

describe('refunds through the original channel', () => {
  it('WeChat Pay: a partial then a full refund, confirmed by REFUND.SUCCESS; nothing more can be refunded', async () => {
    const { home, portal } = await givenHousehold();
    const { paymentId, outTradeNo } = await paidTopup(portal, home.account.id, 'wechatpay', 10_000);
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 10_000 });

    const partial = await refund(paymentId, { amountFen: 3_000, reason: '多缴' });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ amountFen: 3_000, method: 'wechatpay' });
    expect(partial.body.refundNo).toMatch(/^TK\d{16}$/);
    // Reserved at once: the prepaid balance cannot be spent twice meanwhile.
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 7_000, balanceFen: -7_000 });
    expect((await finished(paymentId, partial.body.id)).status).toBe('succeeded');

    const full = await refund(paymentId, { amountFen: 7_000, reason: '销户退款' });
    expect(full.status).toBe(201);
    expect((await finished(paymentId, full.body.id)).status).toBe('succeeded');
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 0, balanceFen: 0 });

    const more = await refund(paymentId, { amountFen: 1, reason: '再退' });
    expect(more.status).toBe(409);
    expect(more.body).toMatchObject({ code: 'refund_exceeds_payment', fields: [{ field: 'amountFen' }] });

    const atChannel = environment.simulator.order('wechatpay', outTradeNo) as { refunds: { outRefundNo: string; refundFen: number; status: string }[] };
    expect(atChannel.refunds.map((item) => [item.outRefundNo, item.refundFen, item.status])).toEqual([
      [partial.body.refundNo, 3_000, 'SUCCESS'],
      [full.body.refundNo, 7_000, 'SUCCESS'],
    ]);
    // The refund results came to the payment notify URL, and repeats of them change nothing.
    const logged = await environment.ownerQuery<{ verdict: string }>("SELECT verdict FROM channel_notifications WHERE out_trade_no = $1 AND verdict IN ('refunded', 'duplicate')", [outTradeNo]);
    expect(logged.length).toBeGreaterThanOrEqual(1);
    const audit = await environment.ownerQuery<{ action: string }>("SELECT action FROM audit_log WHERE object_type = 'refund' AND object_id = $1 ORDER BY seq", [partial.body.id]);
    expect(audit.map((entry) => entry.action)).toEqual(['refund.request', 'refund.succeeded']);
  });

  it('Alipay: refunded at once through alipay.trade.refund', async () => {
    const { home, portal } = await givenHousehold();
    const { paymentId, outTradeNo } = await paidTopup(portal, home.account.id, 'alipay', 5_000);
    const done = await refund(paymentId, { amountFen: 5_000, reason: '重复缴费' });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: 'succeeded', method: 'alipay', amountFen: 5_000 });
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 0 });
    const atChannel = environment.simulator.order('alipay', outTradeNo) as { refunds: { outRequestNo: string; refundFen: number }[] };
    expect(atChannel.refunds.map((item) => [item.outRequestNo, item.refundFen])).toEqual([[done.body.refundNo, 5_000]]);
  });

  it('cash: paid out of an open till, which then closes on what is left in it', async () => {
    const { home } = await givenHousehold();
    const till = (await clerk.post<{ id: string }>('/api/tills/open')).body;
    const paid = await clerk.post<{ id: string }>(`/api/accounts/${home.account.id}/payments`, { method: 'cash', amountFen: 5_000 });
    expect(paid.status).toBe(201);
    const withoutTill = await refund(paid.body.id, { amountFen: 2_000, reason: '多缴' });
    expect(withoutTill.status).toBe(400);
    expect(withoutTill.body).toMatchObject({ fields: [{ field: 'tillId' }] });
    const tooMuchForTill = await refund(paid.body.id, { amountFen: 2_000, reason: '多缴', tillId: '00000000-0000-4000-8000-000000000000' });
    expect(tooMuchForTill.body).toMatchObject({ code: 'till_not_open' });

    const done = await refund(paid.body.id, { amountFen: 2_000, reason: '多缴', tillId: till.id });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: 'succeeded', method: 'cash', amountFen: 2_000 });
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 3_000 });
    const current = await clerk.get<{ till: { expected: { cash: number } } }>('/api/tills/current');
    expect(current.body.till.expected.cash).toBeGreaterThanOrEqual(3_000);
    const expected = current.body.till.expected;
    expect((await clerk.post(`/api/tills/${till.id}/close`, { counted: expected })).status).toBe(200);
  });

  it('refunds only what the account has in credit (prepaid), and writes nothing when it refuses', async () => {
    const { home } = await givenHousehold();
    await environment.db.withTenant(utility.tenant.id, (sql) => insertRegularBill(sql, utility.tenant.id, home.account.id, { period: '2026-01', consumptionLitres: 10_000 }));
    const owed = (await money(home.account.id)).balanceFen;
    expect(owed).toBeGreaterThan(0);
    const till = (await clerk.post<{ id: string }>('/api/tills/open')).body;
    const paid = await clerk.post<{ id: string }>(`/api/accounts/${home.account.id}/payments`, { method: 'cash', amountFen: owed + 1_000 });
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 1_000, balanceFen: -1_000 });
    const before = await environment.ownerQuery<{ refunds: number; entries: number }>('SELECT (SELECT count(*) FROM refunds)::int AS refunds, (SELECT count(*) FROM ledger_entries)::int AS entries');
    const tooMuch = await refund(paid.body.id, { amountFen: 1_500, reason: '多缴', tillId: till.id });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 'insufficient_prepaid', message: { zh: expect.stringContaining('1000'), en: expect.any(String) }, fields: [{ field: 'amountFen', zh: expect.any(String), en: expect.any(String) }] });
    expect(await environment.ownerQuery('SELECT (SELECT count(*) FROM refunds)::int AS refunds, (SELECT count(*) FROM ledger_entries)::int AS entries')).toEqual(before);
    expect((await refund(paid.body.id, { amountFen: 1_000, reason: '多缴', tillId: till.id })).status).toBe(201);
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 0, balanceFen: 0 });
  });

  it('gives 100 concurrent refund requests with one Idempotency-Key one refund', async () => {
    const { home } = await givenHousehold();
    const till = (await clerk.post<{ id: string }>('/api/tills/open')).body;
    const paid = await clerk.post<{ id: string }>(`/api/accounts/${home.account.id}/payments`, { method: 'cash', amountFen: 3_000 });
    const body = { amountFen: 100, reason: '多缴', tillId: till.id };
    const responses = await Promise.all(Array.from({ length: 100 }, () => refund(paid.body.id, body, 'refund-key-0001')));
    expect(new Set(responses.map((response) => `${response.status} ${JSON.stringify(response.body)}`)).size).toBe(1);
    expect(responses[0]?.status).toBe(201);
    const rows = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM refunds WHERE payment_id = $1', [paid.body.id]);
    expect(rows[0]?.count).toBe(1);
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 2_900 });
    expect((await refund(paid.body.id, { ...body, amountFen: 101 }, 'refund-key-0001')).status).toBe(422);
    // Without a key, requests are separate refunds, serialised by the account's money lock: never below zero.
    const many = await Promise.all(Array.from({ length: 40 }, () => refund(paid.body.id, body)));
    expect(many.filter((response) => response.status === 201).length).toBe(29);
    expect(many.filter((response) => response.status === 409).every((response) => ['insufficient_prepaid', 'refund_exceeds_payment'].includes(response.body.code))).toBe(true);
    expect(await money(home.account.id)).toMatchObject({ prepaidFen: 0 });
  });
});

describe('an answer that never comes', () => {
  /** Gateways whose WeChat Pay client loses the answer to the first refund request, before or after the channel acted. */
  function losingGateways(when: 'before' | 'after'): { gateways: PaymentGateways; calls: string[] } {
    const base = simulatorGateways(environment.simulator.credentials, { publicBaseUrl: TEST_ORIGIN, fetch: injectedFetch(), now: () => environment.clock.now() });
    const calls: string[] = [];
    return {
      calls,
      gateways: {
        ...base,
        forTenant(code) {
          const clients = base.forTenant(code);
          const wechat = clients.wechatpay as WechatPayClient;
          const wrapped: WechatPayClient = {
            ...wechat,
            async refund(input) {
              calls.push(`refund ${input.outRefundNo}`);
              if (calls.length === 1) {
                if (when === 'after') await wechat.refund(input);
                throw new PaymentChannelError('wechatpay', 'NETWORK_ERROR', 'timeout', null, false);
              }
              return wechat.refund(input);
            },
            async queryRefund(outRefundNo) {
              calls.push(`query ${outRefundNo}`);
              return wechat.queryRefund(outRefundNo);
            },
          };
          return { ...clients, wechatpay: wrapped };
        },
      },
    };
  }
  const injectedFetch = (): typeof fetch =>
    (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const response = await environment.app.inject({ method: (init?.method ?? 'GET') as 'GET', url: url.pathname + url.search, headers, ...(init?.body ? { payload: String(init.body) } : {}) });
      return new Response(response.statusCode === 204 ? null : response.rawPayload, { status: response.statusCode, headers: response.headers as Record<string, string> });
    }) as typeof fetch;

  it.each(['before', 'after'] as const)('lost %s the channel acted: the refund is looked up, then sent again with the same number only if the channel does not have it', async (when) => {
    const { home, portal } = await givenHousehold();
    const { paymentId, outTradeNo } = await paidTopup(portal, home.account.id, 'wechatpay', 4_000);
    const { gateways, calls } = losingGateways(when);
    const staffId = utility.staff.finance_clerk.id;
    const done = await requestRefund(environment.context, gateways, { tenantId: utility.tenant.id, staffId, actor: { type: 'staff', id: staffId, name: 'finance', ip: null } }, paymentId, { amountFen: 4_000, reason: '多缴' });
    expect(['processing', 'succeeded']).toContain(done.status);
    expect(calls).toEqual(when === 'after' ? [`refund ${done.refundNo}`, `query ${done.refundNo}`] : [`refund ${done.refundNo}`, `query ${done.refundNo}`, `refund ${done.refundNo}`]);
    const atChannel = environment.simulator.order('wechatpay', outTradeNo) as { refunds: { outRefundNo: string }[] };
    expect(atChannel.refunds.map((item) => item.outRefundNo)).toEqual([done.refundNo]);
    expect((await finished(paymentId, done.id)).status).toBe('succeeded');
  });
});
