import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDailyCollection } from '../src/modules/collection';
import { recordPayment, simulatorGateways, sweepOpenOrders } from '../src/modules/payments';
import { WECHATPAY_NOTIFICATION_VARIANTS, ALIPAY_NOTIFICATION_VARIANTS } from '../src/modules/payments/channels';
import { insertRegularBill } from './bill-factory';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, TEST_ORIGIN, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

interface Order {
  id: string;
  outTradeNo: string;
  amountFen: number;
  status: string;
  payUrl: string | null;
  receipt: { receiptNo: string; amountFen: number; settledBills: { period: string; amountFen: number }[] } | null;
}
interface Money {
  balanceFen: number;
  lateFeeFen: number;
  prepaidFen: number;
  openBills: { billId: string; period: string; openFen: number }[];
}

let environment: TestEnvironment;
let utility: Utility;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('online');
});
afterAll(() => environment.close());
afterEach(() => expectLedgerInvariants(environment));

let phoneSerial = 0;
/** A customer with `bills` regular bills of 5,000 fen, bound in the portal. */
async function givenPayer(periods: string[], options: { dueOn?: string } = {}): Promise<{ home: CustomerWithAccount; portal: Client }> {
  phoneSerial += 1;
  const phone = `1371000${String(phoneSerial).padStart(4, '0')}`;
  const home = await givenCustomerWithAccount(environment, utility, { name: `网缴户${phoneSerial}`, phone });
  await environment.db.withTenant(utility.tenant.id, async (sql) => {
    // Not yet due on the test clock's day (2026-03-02), unless a test says otherwise: no late fee in these sums.
    for (const period of periods) await insertRegularBill(sql, utility.tenant.id, home.account.id, { period, consumptionLitres: 10_000, dueOn: options.dueOn ?? '2026-03-31' });
  });
  const portal = await environment.loginPortal(utility, phone);
  const bound = await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: home.customer.name });
  expect(bound.status).toBe(201);
  return { home, portal };
}

const placeOrder = (portal: Client, body: unknown, key?: string) => portal.request<Order & ErrorBody>('POST', '/api/portal/payment-orders', body, key ? { headers: { 'idempotency-key': key } } : {});

async function waitForPaid(portal: Client, orderId: string): Promise<Order> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const order = await portal.get<Order>(`/api/portal/payment-orders/${orderId}`);
    if (order.body.status === 'paid') return order.body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the order was never paid');
}

/** The customer's browser opens the channel's pay page (Alipay creates its trade only then). */
async function openPayPage(order: Order): Promise<void> {
  let url = new URL(order.payUrl as string);
  for (let hop = 0; hop < 5; hop += 1) {
    const page = await environment.app.inject({ method: 'GET', url: url.pathname + url.search });
    if (page.statusCode >= 300 && page.statusCode < 400 && page.headers.location) {
      url = new URL(String(page.headers.location), url);
      continue;
    }
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('确认支付');
    return;
  }
  throw new Error('too many redirects');
}

/** The utility's channel clients as the app has them: the simulator mounted in the app, reached in process. */
const gateways = () =>
  simulatorGateways(environment.simulator.credentials, {
    publicBaseUrl: TEST_ORIGIN,
    now: () => environment.clock.now(),
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const response = await environment.app.inject({ method: (init?.method ?? 'GET') as 'GET', url: url.pathname + url.search, headers, ...(init?.body ? { payload: String(init.body) } : {}) });
      const answered = new Headers();
      for (const [key, value] of Object.entries(response.headers)) if (value !== undefined) answered.set(key, Array.isArray(value) ? value.join(', ') : String(value));
      return new Response(response.statusCode === 204 ? null : response.rawPayload, { status: response.statusCode, headers: answered });
    }) as typeof fetch,
  });

const notificationLog = (outTradeNo: string | null) =>
  environment.ownerQuery<{ verdict: string; reason: string | null }>('SELECT verdict, reason FROM channel_notifications WHERE tenant_id = $1 AND out_trade_no IS NOT DISTINCT FROM $2 ORDER BY received_at', [utility.tenant.id, outTradeNo]);

describe('paying bills online', () => {
  it.each(['wechatpay', 'alipay'] as const)('with %s: the oldest bills, through the pay page, credited by the signed notification with a receipt', async (channel) => {
    const { home, portal } = await givenPayer(['2025-10', '2025-11', '2025-12']);
    const money = await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`);
    expect(money.body.openBills.map((bill) => bill.period)).toEqual(['2025-10', '2025-11', '2025-12']);
    const [oldest, second, newest] = money.body.openBills;
    // Skipping the oldest bill is refused: payments settle the oldest first.
    const skipping = await placeOrder(portal, { accountId: home.account.id, channel, billIds: [newest?.billId] });
    expect(skipping.status).toBe(409);
    expect(skipping.body).toMatchObject({ code: 'bills_not_oldest_open', fields: [{ field: 'billIds' }] });

    const order = await placeOrder(portal, { accountId: home.account.id, channel, billIds: [oldest?.billId, second?.billId] });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ amountFen: 10_000, status: 'created' });
    expect(order.body.payUrl).toContain(channel === 'wechatpay' ? '/sim/wechatpay/' : '/sim/alipay/');
    // The customer presses 确认支付 on the channel's page; the channel notifies the server.
    await openPayPage(order.body);
    environment.simulator.pay(channel, order.body.outTradeNo);
    const paid = await waitForPaid(portal, order.body.id);
    expect(paid.receipt).toMatchObject({ amountFen: 10_000, settledBills: [{ period: '2025-10', amountFen: 5_000 }, { period: '2025-11', amountFen: 5_000 }] });
    expect(await notificationLog(order.body.outTradeNo)).toEqual([{ verdict: 'credited', reason: null }]);
    const after = await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`);
    expect(after.body).toMatchObject({ balanceFen: 5_000, openBills: [{ period: '2025-12' }] });
    // The channel repeats itself: acknowledged, nothing more is credited.
    const again = await environment.simulator.sendNotification(channel, order.body.outTradeNo);
    expect(again.statusCode).toBeLessThan(300);
    const payments = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM payments WHERE account_id = $1', [home.account.id]);
    expect(payments[0]?.count).toBe(1);
  });

  it('with late fees: an order for every open bill carries the late fees owed today, one for fewer does not, and only late fees can be paid too', async () => {
    // Due 2026-02-20: 9 days (02-21 … 03-01) on two bills of 5,000 fen at 0.05 % a day (22.5 → 23 fen each), never assessed by a daily run.
    const { home, portal } = await givenPayer(['2025-10', '2025-11'], { dueOn: '2026-02-20' });
    const money = await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`);
    expect(money.body).toMatchObject({ balanceFen: 10_046, lateFeeFen: 46 });
    const [oldest, newest] = money.body.openBills;
    expect((await placeOrder(portal, { accountId: home.account.id, channel: 'alipay', billIds: [oldest?.billId] })).body.amountFen).toBe(5_000);
    expect((await placeOrder(portal, { accountId: home.account.id, channel: 'alipay', billIds: [] })).body.code).toBe('bills_not_oldest_open');
    const order = await placeOrder(portal, { accountId: home.account.id, channel: 'alipay', billIds: [oldest?.billId, newest?.billId] });
    expect(order.body.amountFen).toBe(10_046);
    await openPayPage(order.body);
    environment.simulator.pay('alipay', order.body.outTradeNo);
    const paid = await waitForPaid(portal, order.body.id);
    expect(paid.receipt).toMatchObject({ amountFen: 10_046, allocatedFen: 10_046, lateFeeFen: 46, prepaidFen: 0, balanceAfterFen: 0 });
    expect((await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`)).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0, openBills: [] });

    // Principal paid elsewhere, the late fees left: an order of no bills pays just them.
    const other = await givenPayer(['2025-10'], { dueOn: '2026-02-20' });
    await environment.db.withTenant(utility.tenant.id, (sql) =>
      recordPayment(sql, utility.tenant.id, { accountId: other.home.account.id, method: 'bank_withholding', amountFen: 5_000, receivedAt: environment.clock.now(), businessDate: '2026-03-02' }),
    );
    const left = await other.portal.get<Money>(`/api/portal/accounts/${other.home.account.id}/money`);
    expect(left.body).toMatchObject({ balanceFen: 23, lateFeeFen: 23, openBills: [] });
    const feesOnly = await placeOrder(other.portal, { accountId: other.home.account.id, channel: 'wechatpay', billIds: [] });
    expect(feesOnly.body).toMatchObject({ amountFen: 23, status: 'created' });
    await openPayPage(feesOnly.body);
    environment.simulator.pay('wechatpay', feesOnly.body.outTradeNo);
    expect((await waitForPaid(other.portal, feesOnly.body.id)).receipt).toMatchObject({ lateFeeFen: 23, settledBills: [] });
    expect((await other.portal.get<Money>(`/api/portal/accounts/${other.home.account.id}/money`)).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
    expect((await placeOrder(other.portal, { accountId: other.home.account.id, channel: 'wechatpay', billIds: [] })).body.code).toBe('nothing_owed');
  });

  it('an order for everything placed before midnight and credited after it (or days later) leaves no late fee behind', async ({ onTestFinished }) => {
    onTestFinished(() => environment.clock.set('2026-03-02T02:00:00Z'));
    // Due 2026-02-20; ordered at 23:50 Beijing on 03-02: 9 days charged (02-21 … 03-01), 23 fen.
    environment.clock.set('2026-03-02T15:50:00Z');
    const { home, portal } = await givenPayer(['2025-10'], { dueOn: '2026-02-20' });
    const order = await placeOrder(portal, { accountId: home.account.id, channel: 'wechatpay', billIds: [(await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`)).body.openBills[0]?.billId] });
    expect(order.body.amountFen).toBe(5_023);
    await openPayPage(order.body);
    // Paid at 23:58; the notification arrives after midnight, so the payment's business day is 03-03.
    environment.clock.set('2026-03-02T15:58:00Z');
    environment.simulator.setDeliveryInterceptor(() => 'drop');
    environment.simulator.pay('wechatpay', order.body.outTradeNo);
    environment.clock.set('2026-03-02T16:05:00Z');
    // The daily run of 03-03 comes first: while the order waits for its payment, 03-02 is not charged.
    await runDailyCollection(environment.context, utility.tenant.id);
    expect((await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`)).body).toMatchObject({ balanceFen: 5_023, lateFeeFen: 23 });
    environment.simulator.setDeliveryInterceptor(null);
    expect((await environment.simulator.sendNotification('wechatpay', order.body.outTradeNo)).statusCode).toBeLessThan(300);
    const paid = await waitForPaid(portal, order.body.id);
    expect(paid.receipt).toMatchObject({ amountFen: 5_023, allocatedFen: 5_023, prepaidFen: 0, balanceAfterFen: 0 });
    // 03-02, the day the customer ordered and paid, is not charged: nothing is owed, now or later.
    expect((await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`)).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
    environment.clock.advance(3 * 86_400_000);
    expect((await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`)).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });

    // A notification lost for good, the payment found and credited three days later: the days between are not charged either.
    const late = await givenPayer(['2025-10'], { dueOn: '2026-02-20' });
    const lateOrder = await placeOrder(late.portal, { accountId: late.home.account.id, channel: 'wechatpay', billIds: [(await late.portal.get<Money>(`/api/portal/accounts/${late.home.account.id}/money`)).body.openBills[0]?.billId] });
    const owed = lateOrder.body.amountFen;
    await openPayPage(lateOrder.body);
    environment.simulator.setDeliveryInterceptor(() => 'drop');
    environment.simulator.pay('wechatpay', lateOrder.body.outTradeNo);
    environment.clock.advance(3 * 86_400_000);
    await runDailyCollection(environment.context, utility.tenant.id);
    environment.simulator.setDeliveryInterceptor(null);
    const found = await waitForPaid(late.portal, lateOrder.body.id);
    expect(found.receipt).toMatchObject({ amountFen: owed, prepaidFen: 0, balanceAfterFen: 0 });
    expect((await late.portal.get<Money>(`/api/portal/accounts/${late.home.account.id}/money`)).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });

    // An order left unpaid and closed: the days it waited are charged after all, on what was owed each day.
    const idle = await givenPayer(['2025-10'], { dueOn: '2026-02-20' });
    const before = (await idle.portal.get<Money>(`/api/portal/accounts/${idle.home.account.id}/money`)).body.lateFeeFen;
    const idleOrder = await placeOrder(idle.portal, { accountId: idle.home.account.id, channel: 'wechatpay', billIds: [(await idle.portal.get<Money>(`/api/portal/accounts/${idle.home.account.id}/money`)).body.openBills[0]?.billId] });
    await openPayPage(idleOrder.body);
    environment.clock.advance(2 * 86_400_000);
    expect((await idle.portal.get<Money>(`/api/portal/accounts/${idle.home.account.id}/money`)).body.lateFeeFen).toBe(before);
    expect((await sweepOpenOrders(environment.context, gateways(), { id: utility.tenant.id, code: utility.tenant.code })).closed).toBeGreaterThanOrEqual(1);
    // Two more days on 5,000 fen at 0.05 % a day: 5 fen.
    expect((await idle.portal.get<Money>(`/api/portal/accounts/${idle.home.account.id}/money`)).body.lateFeeFen).toBe(before + 5);
  });

  it.for([
    ['still owed', false],
    ['paid through the government app meanwhile', true],
  ] as const)('an order closed unpaid whose payment a clerk credits from reconciliation days later: the late fees posted for the days it waited are reversed (%s)', async ([, paidMeanwhile], { onTestFinished }) => {
    onTestFinished(() => {
      environment.clock.set('2026-03-02T02:00:00Z');
      environment.simulator.setDeliveryInterceptor(null);
    });
    environment.clock.set('2026-03-02T02:00:00Z');
    // Due 2026-02-20; ordered on 03-02 (10:00 Beijing): 9 days charged (02-21 … 03-01), 23 fen.
    const { home, portal } = await givenPayer(['2025-10'], { dueOn: '2026-02-20' });
    const money = () => portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`);
    const order = await placeOrder(portal, { accountId: home.account.id, channel: 'wechatpay', billIds: [(await money()).body.openBills[0]?.billId] });
    expect(order.body.amountFen).toBe(5_023);
    await openPayPage(order.body);
    // The channel takes the money on 03-02, but every notification is lost, and our side had closed the order
    // (the sweep's query answered unpaid a moment before the customer paid).
    environment.simulator.setDeliveryInterceptor(() => 'drop');
    await environment.ownerQuery("UPDATE payment_orders SET status = 'closed' WHERE out_trade_no = $1", [order.body.outTradeNo]);
    environment.simulator.pay('wechatpay', order.body.outTradeNo);
    // The daily run of 03-05 posts the days the order waited (03-02 … 03-04): 12 days in all, 30 fen.
    environment.clock.set('2026-03-05T02:00:00Z');
    await runDailyCollection(environment.context, utility.tenant.id);
    expect((await money()).body).toMatchObject({ balanceFen: 5_030, lateFeeFen: 30 });
    if (paidMeanwhile) {
      await environment.db.withTenant(utility.tenant.id, (sql) =>
        recordPayment(sql, utility.tenant.id, { accountId: home.account.id, method: 'gov_app', amountFen: 5_030, receivedAt: environment.clock.now(), businessDate: '2026-03-05' }),
      );
      expect((await money()).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
    }

    // Reconciling 03-02, the clerk finds the payment missing in the ledger and credits it (on 03-05).
    const finance = await environment.loginStaff(utility, 'finance_clerk');
    const run = await finance.post<{ id: string; differences: { id: string; outTradeNo: string; canCredit: boolean }[] }>('/api/reconciliations', { channel: 'wechatpay', date: '2026-03-02' });
    expect(run.status).toBe(201);
    const difference = run.body.differences.find((item) => item.outTradeNo === order.body.outTradeNo);
    expect(difference).toMatchObject({ canCredit: true });
    const resolved = await finance.post(`/api/reconciliations/${run.body.id}/differences/${difference?.id}/resolve`, { resolution: 'credited', note: '通知丢失，渠道已确认支付' });
    expect(resolved.status).toBe(200);
    environment.simulator.setDeliveryInterceptor(null);
    // The account owes what it would have owed had the notification come on 03-02: nothing (and what was paid the
    // other way, the 7 fen of late fees with it, is held for it).
    const held = paidMeanwhile ? 5_030 : 0;
    expect((await money()).body).toMatchObject({ balanceFen: 0 - held, lateFeeFen: 0, prepaidFen: held });
    // The 7 fen posted for 03-02 … 03-04 are reversed by a journal of their own (to prepaid when they were paid); the
    // late fee entries are untouched.
    const fees = await environment.ownerQuery<{ debit: number; credit: number; prepaid: number; revenue: number }>(
      `SELECT sum(debit_fen) FILTER (WHERE ledger_account = 'late_fee_receivable')::int8 AS debit, sum(credit_fen) FILTER (WHERE ledger_account = 'late_fee_receivable')::int8 AS credit,
              coalesce(sum(credit_fen) FILTER (WHERE ledger_account = 'prepaid'), 0)::int8 AS prepaid, sum(credit_fen - debit_fen) FILTER (WHERE ledger_account = 'late_fee_revenue')::int8 AS revenue
       FROM ledger_entries WHERE journal_id IN (SELECT journal_id FROM ledger_entries WHERE account_id = $1 AND entry_type = 'late_fee')`,
      [home.account.id],
    );
    expect(fees[0]).toEqual({ debit: 30, credit: paidMeanwhile ? 0 : 7, prepaid: paidMeanwhile ? 7 : 0, revenue: 23 });
    const [accrual] = await environment.ownerQuery<{ posted_fen: number; accrued_through: string }>('SELECT posted_fen, accrued_through::text FROM late_fee_accruals WHERE account_id = $1', [home.account.id]);
    expect(accrual).toEqual({ posted_fen: 23, accrued_through: '2026-03-04' });
    // Later assessments do not charge the waived days again.
    environment.clock.advance(3 * 86_400_000);
    await runDailyCollection(environment.context, utility.tenant.id);
    expect((await money()).body).toMatchObject({ balanceFen: 0 - held, lateFeeFen: 0 });
  });

  it('two orders across midnight, the first closed unpaid and the second paid: no late fee is left for the day the first one waited', async ({ onTestFinished }) => {
    onTestFinished(() => environment.clock.set('2026-03-02T02:00:00Z'));
    // Due 2026-02-20. Order A at 23:40 Beijing on 03-02 (9 days charged, 23 fen), never paid.
    environment.clock.set('2026-03-02T15:40:00Z');
    const { home, portal } = await givenPayer(['2025-10'], { dueOn: '2026-02-20' });
    const money = () => portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`);
    const billIds = [(await money()).body.openBills[0]?.billId];
    const first = await placeOrder(portal, { accountId: home.account.id, channel: 'wechatpay', billIds });
    expect(first.body.amountFen).toBe(5_023);
    await openPayPage(first.body);
    // Order B at 00:15 on 03-03, while A still waits: 03-02 is not charged yet, so B asks for 5,023 too; paid at once.
    environment.clock.set('2026-03-02T16:15:00Z');
    const second = await placeOrder(portal, { accountId: home.account.id, channel: 'alipay', billIds });
    expect(second.body.amountFen).toBe(5_023);
    await openPayPage(second.body);
    environment.simulator.pay('alipay', second.body.outTradeNo);
    expect((await waitForPaid(portal, second.body.id)).receipt).toMatchObject({ amountFen: 5_023, prepaidFen: 0, balanceAfterFen: 0 });
    // The sweep closes A (expired, unpaid at the channel); B paid everything asked for, so nothing is owed, now or later.
    environment.clock.set('2026-03-02T16:30:00Z');
    await sweepOpenOrders(environment.context, gateways(), { id: utility.tenant.id, code: utility.tenant.code });
    const [closed] = await environment.ownerQuery<{ status: string }>('SELECT status FROM payment_orders WHERE out_trade_no = $1', [first.body.outTradeNo]);
    expect(closed?.status).toBe('closed');
    expect((await money()).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
    environment.clock.advance(2 * 86_400_000);
    await runDailyCollection(environment.context, utility.tenant.id);
    expect((await money()).body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
  });

  it('tops up, and the prepaid balance settles what is owed at once', async () => {
    const { home, portal } = await givenPayer(['2025-12']);
    const order = await placeOrder(portal, { accountId: home.account.id, channel: 'alipay', topupFen: 20_000 });
    await openPayPage(order.body);
    environment.simulator.pay('alipay', order.body.outTradeNo);
    await waitForPaid(portal, order.body.id);
    const money = await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`);
    expect(money.body).toMatchObject({ balanceFen: -15_000, prepaidFen: 15_000, openBills: [] });
  });

  it('credits an order whose notification never came, by asking the channel', async () => {
    const { home, portal } = await givenPayer(['2026-01']);
    environment.simulator.setDeliveryInterceptor(() => 'drop');
    const order = await placeOrder(portal, { accountId: home.account.id, channel: 'wechatpay', billIds: [(await portal.get<Money>(`/api/portal/accounts/${home.account.id}/money`)).body.openBills[0]?.billId] });
    await openPayPage(order.body);
    environment.simulator.pay('wechatpay', order.body.outTradeNo);
    expect((await portal.get<Order>(`/api/portal/payment-orders/${order.body.id}`)).body.status).toBe('created');
    environment.clock.advance(10_000);
    const polled = await portal.get<Order>(`/api/portal/payment-orders/${order.body.id}`);
    expect(polled.body).toMatchObject({ status: 'paid', receipt: { amountFen: 5_000 } });
    expect(await notificationLog(order.body.outTradeNo)).toEqual([]);
    environment.simulator.setDeliveryInterceptor(null);
  });

  it('gives 100 concurrent order requests with one Idempotency-Key one order', async () => {
    const { home, portal } = await givenPayer([]);
    const responses = await Promise.all(Array.from({ length: 100 }, () => placeOrder(portal, { accountId: home.account.id, channel: 'wechatpay', topupFen: 5_000 }, 'topup-key-0001')));
    expect(new Set(responses.map((response) => `${response.status} ${JSON.stringify(response.body)}`)).size).toBe(1);
    const orders = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM payment_orders WHERE account_id = $1', [home.account.id]);
    expect(orders[0]?.count).toBe(1);
    expect((await placeOrder(portal, { accountId: home.account.id, channel: 'wechatpay', topupFen: 5_001 }, 'topup-key-0001')).status).toBe(422);
  });
});

describe('forged and tampered notifications', () => {
  // Only the forged notification each test sends reaches the server.
  beforeAll(() => environment.simulator.setDeliveryInterceptor(() => 'drop'));
  afterAll(() => environment.simulator.setDeliveryInterceptor(null));
  it.each([
    ...WECHATPAY_NOTIFICATION_VARIANTS.filter((variant) => variant !== 'valid').map((variant) => ['wechatpay', variant] as const),
    ...ALIPAY_NOTIFICATION_VARIANTS.filter((variant) => variant !== 'valid').map((variant) => ['alipay', variant] as const),
  ])('%s %s: no credit, and a security log entry', async (channel, variant) => {
    const { home, portal } = await givenPayer([]);
    const order = await placeOrder(portal, { accountId: home.account.id, channel, topupFen: 3_000 });
    await openPayPage(order.body);
    environment.simulator.pay(channel, order.body.outTradeNo);
    const before = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM channel_notifications WHERE tenant_id = $1 AND verdict IN ('refused', 'ignored')", [utility.tenant.id]);
    await environment.simulator.sendNotification(channel, order.body.outTradeNo, variant);
    const payments = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM payments WHERE account_id = $1', [home.account.id]);
    expect(payments[0]?.count).toBe(0);
    const after = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM channel_notifications WHERE tenant_id = $1 AND verdict IN ('refused', 'ignored')", [utility.tenant.id]);
    expect((after[0]?.count ?? 0) - (before[0]?.count ?? 0)).toBe(1);
  });
});

describe('10,000 notifications for 1,000 orders, shuffled, 50 at a time', () => {
  it('credits exactly 1,000 payments, acknowledges every notification, never answers 5xx, and the ledger holds what the channel took', async () => {
    const payers: { home: CustomerWithAccount; portal: Client }[] = [];
    for (let index = 0; index < 20; index += 1) payers.push(await givenPayer([]));
    environment.simulator.setDeliveryInterceptor(() => 'drop');
    const orders: { outTradeNo: string; amountFen: number }[] = [];
    for (let batch = 0; batch < 100; batch += 1) {
      const placed = await Promise.all(
        Array.from({ length: 10 }, (_, index) => {
          const payer = payers[(batch * 10 + index) % payers.length] as { home: CustomerWithAccount; portal: Client };
          return placeOrder(payer.portal, { accountId: payer.home.account.id, channel: batch % 2 === 0 ? 'wechatpay' : 'alipay', topupFen: 100 + ((batch * 37 + index * 101) % 9_900) });
        }),
      );
      for (const order of placed) {
        expect(order.status).toBe(201);
        await openPayPage(order.body);
        environment.simulator.pay(batch % 2 === 0 ? 'wechatpay' : 'alipay', order.body.outTradeNo);
        orders.push({ outTradeNo: order.body.outTradeNo, amountFen: order.body.amountFen });
      }
    }
    const channelOf = new Map(orders.map((order, index) => [order.outTradeNo, Math.floor(index / 10) % 2 === 0 ? ('wechatpay' as const) : ('alipay' as const)]));
    // Five differently signed notifications per order, each delivered twice.
    const deliveries: { url: string; headers: Record<string, string>; body: string }[] = [];
    for (const order of orders) {
      for (let copy = 0; copy < 5; copy += 1) {
        const built = environment.simulator.notificationFor(channelOf.get(order.outTradeNo) as 'wechatpay', order.outTradeNo);
        deliveries.push(built, built);
      }
    }
    for (let index = deliveries.length - 1; index > 0; index -= 1) {
      const other = Math.floor(Math.random() * (index + 1));
      [deliveries[index], deliveries[other]] = [deliveries[other] as (typeof deliveries)[number], deliveries[index] as (typeof deliveries)[number]];
    }
    const statuses: number[] = [];
    for (let start = 0; start < deliveries.length; start += 50) {
      const answers = await Promise.all(
        deliveries.slice(start, start + 50).map((delivery) => environment.app.inject({ method: 'POST', url: new URL(delivery.url).pathname, headers: delivery.headers, payload: delivery.body })),
      );
      for (const answer of answers) {
        statuses.push(answer.statusCode);
        if (answer.statusCode === 200) expect(answer.body).toBe('success');
      }
    }
    expect(statuses).toHaveLength(10_000);
    expect(statuses.filter((status) => status >= 300)).toEqual([]);
    const outTradeNos = orders.map((order) => order.outTradeNo);
    const [credited] = await environment.ownerQuery<{ count: number; total: number }>(
      'SELECT count(*)::int AS count, coalesce(sum(p.amount_fen), 0)::int8 AS total FROM payments p JOIN payment_orders o ON o.id = p.order_id WHERE o.out_trade_no = ANY($1)',
      [outTradeNos],
    );
    expect(credited?.count).toBe(1_000);
    const channelTotal = orders.reduce((sum, order) => sum + order.amountFen, 0);
    expect(credited?.total).toBe(channelTotal);
    const [clearing] = await environment.ownerQuery<{ total: number }>(
      "SELECT coalesce(sum(e.debit_fen - e.credit_fen), 0)::int8 AS total FROM ledger_entries e JOIN payments p ON p.journal_id = e.journal_id JOIN payment_orders o ON o.id = p.order_id WHERE o.out_trade_no = ANY($1) AND e.ledger_account = 'channel_clearing'",
      [outTradeNos],
    );
    expect(clearing?.total).toBe(channelTotal);
    environment.simulator.setDeliveryInterceptor(null);
  }, 300_000);
});
