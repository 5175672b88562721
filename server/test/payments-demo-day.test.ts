// The demo's day of online payments (server/src/modules/payments/demo-day.ts): a WeChat Pay reconciliation of
// today finds a real statement — the orders the notifications credited match, and two differences are left
// for the clerk: a paid order whose notification was lost (credited after the channel confirms it) and a
// trade of another system on the merchant account (explained).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorGateways, sweepOpenOrders } from '../src/modules/payments';
import { PaymentSimulator, wechatPayTradeBill } from '../src/modules/payments/channels/simulator';
import { playDemoChannelDay, restoreChannelDay } from '../src/modules/payments/demo-day';
import type { App } from '../src/platform/http/server';
import { insertRegularBill } from './bill-factory';
import { givenCustomerWithAccount, type CustomerWithAccount } from './factories';
import { createTestEnvironment, TEST_ORIGIN, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

interface Difference {
  id: string;
  type: string;
  kind: string;
  outTradeNo: string;
  statementFen: number | null;
  canCredit: boolean;
  resolution: string | null;
  resolutionPaymentId: string | null;
}
interface Run {
  id: string;
  hasStatement: boolean;
  statement: { rows: number; paymentFen: number };
  ledger: { rows: number; paymentFen: number };
  matched: { rows: number; paymentFen: number };
  differenceCount: number;
  openDifferenceCount: number;
  differences: Difference[];
}

let environment: TestEnvironment;
let utility: Utility;

/** Requests to TEST_ORIGIN answered by the test app (the gateways reach the simulator mounted in it). */
const inProcessFetch = (app: App): typeof fetch =>
  (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const response = await app.inject({ method: (init?.method ?? 'GET') as 'GET', url: url.pathname + url.search, headers, ...(init?.body !== undefined && init.body !== null ? { payload: String(init.body) } : {}) });
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : String(value));
    return new Response(response.statusCode === 204 ? null : response.rawPayload, { status: response.statusCode, headers: responseHeaders });
  }) as typeof fetch;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('demoday');
});
afterAll(() => environment.close());
afterEach(async () => {
  environment.simulator.setDeliveryInterceptor(null);
  await expectLedgerInvariants(environment);
});

const today = () => new Date(environment.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describe("the demo's day of online payments", () => {
  it('leaves a statement of today that matches the credited orders and has two differences a clerk resolves', async () => {
    const tenantId = utility.tenant.id;
    const homes: CustomerWithAccount[] = [];
    for (let index = 0; index < 7; index += 1) homes.push(await givenCustomerWithAccount(environment, utility, { name: `演示户${index}` }));
    // Every household owes a bill not yet due, but the first is overdue; the portal's demo customer (the last) is left alone.
    await environment.db.withTenant(tenantId, async (sql) => {
      for (const [index, home] of homes.entries()) await insertRegularBill(sql, tenantId, home.account.id, { period: '2026-01', consumptionLitres: 10_000 + index * 1_000, issuedOn: '2026-02-20', dueOn: index === 0 ? '2026-02-10' : '2026-03-12' });
    });
    const demoCustomer = homes[6] as CustomerWithAccount;
    const owedBefore = await environment.ownerQuery<{ account_id: string; fen: number }>(
      "SELECT account_id, sum(debit_fen - credit_fen)::int8 AS fen FROM ledger_entries WHERE ledger_account = 'receivable' AND account_id = ANY($1::uuid[]) GROUP BY account_id",
      [homes.map((home) => home.account.id)],
    );
    const gateways = simulatorGateways(environment.simulator.credentials, { publicBaseUrl: TEST_ORIGIN, fetch: inProcessFetch(environment.app), now: () => environment.clock.now() });

    const day = await playDemoChannelDay(environment.context, gateways, environment.simulator, utility.tenant.code, { exclude: [demoCustomer.account.accountNo] });
    expect(day).not.toBeNull();
    const played = day as NonNullable<typeof day>;
    expect(played.paid).toHaveLength(3);
    expect(played.lost).not.toBeNull();
    const lost = played.lost as NonNullable<typeof played.lost>;
    const touched = [...played.paid.map((order) => order.accountId), lost.accountId];
    expect(touched).not.toContain(demoCustomer.account.id);
    // An account in arrears is left alone (the day changes no arrears list); each order is what its account owes.
    expect(touched).not.toContain(homes[0]?.account.id);
    for (const order of [...played.paid, lost]) expect(order.amountFen).toBe(owedBefore.find((row) => row.account_id === order.accountId)?.fen);

    // The paid orders are credited by their notifications, each settling everything its account owed.
    const paidIds = played.paid.map((order) => order.outTradeNo);
    let credited = 0;
    for (let attempt = 0; attempt < 300 && credited < paidIds.length; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      credited = (await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM payment_orders WHERE out_trade_no = ANY($1::text[]) AND status = 'paid'", [paidIds]))[0]?.count ?? 0;
    }
    expect(credited).toBe(3);
    const finance = await environment.loginStaff(utility, 'finance_clerk');
    for (const order of played.paid) {
      expect((await finance.get<{ balanceFen: number; lateFeeFen: number }>(`/api/accounts/${order.accountId}/money`)).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
    }
    // The order whose notification was lost stays unpaid on our side, and the sweep leaves it (closed).
    environment.clock.advance(5 * 60_000);
    expect(await sweepOpenOrders(environment.context, gateways, { id: tenantId, code: utility.tenant.code })).toEqual({ credited: 0, closed: 0 });
    const [lostRow] = await environment.ownerQuery<{ status: string }>('SELECT status FROM payment_orders WHERE out_trade_no = $1', [lost.outTradeNo]);
    expect(lostRow?.status).toBe('closed');

    const run = await finance.post<Run>('/api/reconciliations', { channel: 'wechatpay', date: today() });
    expect(run.status).toBe(201);
    const paidFen = played.paid.reduce((sum, order) => sum + order.amountFen, 0);
    expect(run.body).toMatchObject({
      hasStatement: true,
      statement: { rows: 5, paymentFen: paidFen + lost.amountFen + played.foreign.amountFen },
      ledger: { rows: 3, paymentFen: paidFen },
      matched: { rows: 3, paymentFen: paidFen },
      differenceCount: 2,
      openDifferenceCount: 2,
    });
    const byTrade = new Map(run.body.differences.map((difference) => [difference.outTradeNo, difference]));
    expect(byTrade.get(lost.outTradeNo)).toMatchObject({ type: 'missing_in_ledger', kind: 'payment', statementFen: lost.amountFen, canCredit: true });
    expect(byTrade.get(played.foreign.outTradeNo)).toMatchObject({ type: 'missing_in_ledger', kind: 'payment', statementFen: played.foreign.amountFen, canCredit: false });

    // The clerk credits the lost payment (the channel confirms it) and explains the other system's trade.
    const base = `/api/reconciliations/${run.body.id}/differences`;
    const creditedAnswer = await finance.post<Difference>(`${base}/${byTrade.get(lost.outTradeNo)?.id}/resolve`, { resolution: 'credited', note: '通知丢失，渠道已确认支付' });
    expect(creditedAnswer.status).toBe(200);
    expect(creditedAnswer.body.resolutionPaymentId).toEqual(expect.any(String));
    expect((await finance.get<{ balanceFen: number }>(`/api/accounts/${lost.accountId}/money`)).body.balanceFen).toBe(0);
    const explained = await finance.post<Difference>(`${base}/${byTrade.get(played.foreign.outTradeNo)?.id}/resolve`, { resolution: 'explained', note: '营业厅 POS 机收款，另行入账' });
    expect(explained.status).toBe(200);
    const after = await finance.get<Run>(`/api/reconciliations/${run.body.id}`);
    expect(after.body.openDifferenceCount).toBe(0);
    // Reconciled again, only the other system's trade is left.
    const rerun = await finance.post<Run>('/api/reconciliations', { channel: 'wechatpay', date: today() });
    expect(rerun.body).toMatchObject({ matched: { rows: 4 }, differenceCount: 1 });

    // The server restarts: its new simulator has forgotten the day, and is given back the 4 payments credited,
    // so today's statement (here its file, uploaded) still matches the ledger line for line.
    const restarted = new PaymentSimulator({ credentials: environment.simulator.credentials });
    expect(await restoreChannelDay(environment.context, restarted, tenantId, today())).toBe(4);
    expect(await restoreChannelDay(environment.context, restarted, tenantId, today())).toBe(0);
    const bill = wechatPayTradeBill(restarted.orders().filter((order) => order.channel === 'wechatpay'), today());
    expect(bill).not.toBeNull();
    const uploaded = await finance.post<Run>('/api/reconciliations/import', { channel: 'wechatpay', date: today(), fileBase64: Buffer.from(bill as string, 'utf8').toString('base64'), fileName: 'restart.csv' });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ statement: { rows: 4, paymentFen: paidFen + lost.amountFen }, matched: { rows: 4 }, differenceCount: 0 });

    // The portal's demo customer still owes what they did.
    const [demoOwed] = await environment.ownerQuery<{ fen: number }>("SELECT sum(debit_fen - credit_fen)::int8 AS fen FROM ledger_entries WHERE ledger_account = 'receivable' AND account_id = $1", [demoCustomer.account.id]);
    expect(demoOwed?.fen).toBe(owedBefore.find((row) => row.account_id === demoCustomer.account.id)?.fen);
    const [audit] = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE tenant_id = $1 AND action = 'demo.channel_day'", [tenantId]);
    expect(audit?.count).toBe(1);

    // Each start of `serve --seed-demo` plays the day: a restart the same day adds no payments (its simulator is
    // given back the day's credited ones), the first start of the next day plays that day.
    const ordersOf = async () => (await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM payment_orders WHERE tenant_id = $1', [tenantId]))[0]?.count;
    const ordersBefore = await ordersOf();
    const sameDay = new PaymentSimulator({ credentials: environment.simulator.credentials });
    expect(await playDemoChannelDay(environment.context, gateways, sameDay, utility.tenant.code, { exclude: [demoCustomer.account.accountNo] })).toBeNull();
    expect(sameDay.orders().filter((order) => order.channel === 'wechatpay')).toHaveLength(4);
    expect(await ordersOf()).toBe(ordersBefore);
    environment.clock.advance(86_400_000);
    const nextDay = await playDemoChannelDay(environment.context, gateways, environment.simulator, utility.tenant.code, { exclude: [demoCustomer.account.accountNo] });
    // One household is left that owes only on bills not yet due.
    expect(nextDay?.paid).toHaveLength(1);
    expect(await playDemoChannelDay(environment.context, gateways, environment.simulator, utility.tenant.code, { exclude: [demoCustomer.account.accountNo] })).toBeNull();
    const [audits] = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE tenant_id = $1 AND action = 'demo.channel_day'", [tenantId]);
    expect(audits?.count).toBe(2);
  });
});
