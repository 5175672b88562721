import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlipayClient } from '../src/modules/payments/channels';
import { givenCustomerWithAccount, type CustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

/**
 * Alipay refunds settle from the channel's answer: alipay.trade.refund's synchronous result when it says the
 * money moved (fund_change Y), and alipay.trade.fastpay.refund.query whenever the outcome is unknown (an
 * answer lost, 20000 / ACQ.SYSTEM_ERROR, fund_change N). A refund is sent again only under the same
 * out_request_no and only after the query said Alipay does not have it, so money never goes back twice.
 */
interface Order {
  id: string;
  outTradeNo: string;
  status: string;
  payUrl: string | null;
  receipt: { id: string } | null;
}
interface Refund {
  id: string;
  refundNo: string;
  status: 'processing' | 'succeeded' | 'failed';
  amountFen: number;
  channelStatus: string | null;
  channelRefundNo: string | null;
  failureReason: string | null;
}

let environment: TestEnvironment;
let utility: Utility;
let finance: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('alirefund');
  finance = await environment.loginStaff(utility, 'finance_clerk');
});
afterAll(() => environment.close());
afterEach(() => expectLedgerInvariants(environment));

let serial = 0;
async function paidAlipayTopup(topupFen: number): Promise<{ home: CustomerWithAccount; paymentId: string; outTradeNo: string }> {
  serial += 1;
  const phone = `1373000${String(serial).padStart(4, '0')}`;
  const home = await givenCustomerWithAccount(environment, utility, { name: `支付宝退款户${serial}`, phone });
  const portal = await environment.loginPortal(utility, phone);
  expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: home.customer.name })).status).toBe(201);
  const order = await portal.post<Order>('/api/portal/payment-orders', { accountId: home.account.id, channel: 'alipay', topupFen });
  expect(order.status).toBe(201);
  // The browser opens the pay URL: Alipay creates the trade then.
  const url = new URL(order.body.payUrl as string);
  await environment.app.inject({ method: 'GET', url: url.pathname + url.search });
  environment.simulator.pay('alipay', order.body.outTradeNo);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const polled = await portal.get<Order>(`/api/portal/payment-orders/${order.body.id}`);
    if (polled.body.status === 'paid') return { home, paymentId: polled.body.receipt?.id as string, outTradeNo: order.body.outTradeNo };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('never paid');
}

const refund = (paymentId: string, amountFen: number) => finance.post<Refund>(`/api/payments/${paymentId}/refunds`, { amountFen, reason: '多缴退款' });
const prepaidOf = async (accountId: string) => (await finance.get<{ prepaidFen: number }>(`/api/accounts/${accountId}/money`)).body.prepaidFen;
const refundsAtAlipay = (outTradeNo: string) => (environment.simulator.order('alipay', outTradeNo)?.refunds ?? []).map((item) => [item.outRequestNo, item.refundFen]);

describe('Alipay refund outcomes', () => {
  it('a refund whose answer is lost after Alipay made it is settled by alipay.trade.fastpay.refund.query, not sent twice', async () => {
    const { home, paymentId, outTradeNo } = await paidAlipayTopup(6_000);
    environment.simulator.failNextAlipayRefunds('answer_lost');
    const done = await refund(paymentId, 6_000);
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: 'succeeded', channelStatus: 'REFUND_SUCCESS', amountFen: 6_000 });
    expect(refundsAtAlipay(outTradeNo)).toEqual([[done.body.refundNo, 6_000]]);
    expect(await prepaidOf(home.account.id)).toBe(0);
  });

  it('a system error before Alipay acted: the query finds nothing, the same request number is sent again and succeeds', async () => {
    const { paymentId, outTradeNo } = await paidAlipayTopup(5_000);
    environment.simulator.failNextAlipayRefunds('system_error');
    const done = await refund(paymentId, 2_000);
    expect(done.body).toMatchObject({ status: 'succeeded', channelStatus: 'SUCCESS', amountFen: 2_000 });
    expect(refundsAtAlipay(outTradeNo)).toEqual([[done.body.refundNo, 2_000]]);
  });

  it('a definite refusal fails the refund and puts the money back in the prepaid balance', async () => {
    const { home, paymentId, outTradeNo } = await paidAlipayTopup(4_000);
    environment.simulator.failNextAlipayRefunds('refused');
    const failed = await refund(paymentId, 4_000);
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({ status: 'failed', channelStatus: 'ACQ.SELLER_BALANCE_NOT_ENOUGH' });
    expect(failed.body.failureReason).toContain('卖家余额不足');
    expect(refundsAtAlipay(outTradeNo)).toEqual([]);
    expect(await prepaidOf(home.account.id)).toBe(4_000);
  });

  it('an outcome still unknown stays processing with the money reserved, and the refund list settles it later from the query', async () => {
    const { home, paymentId, outTradeNo } = await paidAlipayTopup(3_000);
    // Both tries error before Alipay acts; their queries find nothing.
    environment.simulator.failNextAlipayRefunds('system_error', 'system_error');
    const pending = await refund(paymentId, 3_000);
    expect(pending.body).toMatchObject({ status: 'processing', channelStatus: 'UNKNOWN' });
    expect(await prepaidOf(home.account.id)).toBe(0);
    expect(refundsAtAlipay(outTradeNo)).toEqual([]);
    // A few seconds on, the list asks Alipay again: still nothing there, so the same request number is sent.
    environment.clock.advance(6_000);
    const listed = await finance.get<{ refunds: Refund[] }>(`/api/payments/${paymentId}/refunds`);
    expect(listed.body.refunds[0]).toMatchObject({ id: pending.body.id, status: 'succeeded', channelStatus: 'SUCCESS' });
    expect(refundsAtAlipay(outTradeNo)).toEqual([[pending.body.refundNo, 3_000]]);
    const [audit] = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE object_id = $1 AND action = 'refund.succeeded'", [pending.body.id]);
    expect(audit?.count).toBe(1);
  });

  it('the client: a repeated out_request_no answers fund_change N, and the refund query reports REFUND_SUCCESS or nothing', async () => {
    const { outTradeNo } = await paidAlipayTopup(2_500);
    const client = (await import('../src/modules/payments')).simulatorGateways(environment.simulator.credentials, {
      publicBaseUrl: 'http://shuiwu.test',
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const response = await environment.app.inject({ method: (init?.method ?? 'GET') as 'GET', url: url.pathname + url.search, headers: Object.fromEntries(new Headers(init?.headers)), payload: init?.body as string });
        return new Response(response.rawPayload, { status: response.statusCode, headers: response.headers as Record<string, string> });
      }) as typeof fetch,
    }).forTenant(utility.tenant.code).alipay as AlipayClient;
    expect(await client.queryRefund(outTradeNo, 'R-NONE')).toBeNull();
    const first = await client.refund({ outTradeNo, outRequestNo: 'R-1', refundFen: 1_000 });
    const repeat = await client.refund({ outTradeNo, outRequestNo: 'R-1', refundFen: 1_000 });
    expect([first.hasFundChange, repeat.hasFundChange]).toEqual([true, false]);
    expect(await client.queryRefund(outTradeNo, 'R-1')).toMatchObject({ outRequestNo: 'R-1', refundFen: 1_000, refundStatus: 'REFUND_SUCCESS' });
    expect(refundsAtAlipay(outTradeNo)).toEqual([['R-1', 1_000]]);
  });
});
