import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deductPrepaid, recordPayment } from '../src/modules/payments';
import { allocateOldestFirst } from '../src/modules/payments/settlement';
import { insertRegularBill, type TestBill } from './bill-factory';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

interface Receipt {
  id: string;
  receiptNo: string;
  amountFen: number;
  allocatedFen: number;
  prepaidFen: number;
  settledBills: { billNo: string; period: string; amountFen: number }[];
  balanceAfterFen: number;
  holderName: string;
}
interface Till {
  id: string;
  payments: number;
  expected: { cash: number; card: number; transfer: number };
  closedAt: string | null;
}
interface Money {
  balanceFen: number;
  prepaidFen: number;
  openBills: { billNo: string; period: string; openFen: number }[];
}

let environment: TestEnvironment;
let utility: Utility;
let cashier: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('pay');
  cashier = await environment.loginStaff(utility, 'counter_clerk');
});
afterAll(() => environment.close());

afterEach(() => expectLedgerInvariants(environment));

async function givenBills(home: CustomerWithAccount, periods: string[], litres = 10_000): Promise<TestBill[]> {
  return environment.db.withTenant(utility.tenant.id, async (sql) => {
    const bills: TestBill[] = [];
    // Not yet due on the test clock's day (2026-03-02): no late fee comes into these sums.
    for (const period of periods) bills.push(await insertRegularBill(sql, utility.tenant.id, home.account.id, { period, consumptionLitres: litres, dueOn: '2026-03-31' }));
    return bills;
  });
}

const pay = (client: Client, accountId: string, body: unknown, key?: string) =>
  client.request<Receipt & ErrorBody>('POST', `/api/accounts/${accountId}/payments`, body, key ? { headers: { 'idempotency-key': key } } : {});

describe('a cashier at the counter', () => {
  it('needs an open till, settles the oldest bills first, puts the rest to prepaid, and closes a till that balances', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '柜台户' });
    const bills = await givenBills(home, ['2025-11', '2025-12', '2026-01']); // 5,000 fen each
    const closed = await pay(cashier, home.account.id, { method: 'cash', amountFen: 100 });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('no_open_till');
    const till = await cashier.post<Till>('/api/tills/open');
    expect(till.status).toBe(200);

    const first = await pay(cashier, home.account.id, { method: 'cash', amountFen: 7_000 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amountFen: 7_000, allocatedFen: 7_000, prepaidFen: 0, balanceAfterFen: 8_000, holderName: '柜*户' });
    expect(first.body.settledBills.map((bill) => [bill.period, bill.amountFen])).toEqual([['2025-11', 5_000], ['2025-12', 2_000]]);
    expect(first.body.receiptNo).toMatch(/^SK2026030200000\d{3}$/);

    environment.clock.advance(1_000);
    const second = await pay(cashier, home.account.id, { method: 'card', amountFen: 10_000 });
    expect(second.body).toMatchObject({ allocatedFen: 8_000, prepaidFen: 2_000, balanceAfterFen: -2_000 });
    const money = await cashier.get<Money>(`/api/accounts/${home.account.id}/money`);
    expect(money.body).toMatchObject({ balanceFen: -2_000, prepaidFen: 2_000, openBills: [] });

    // The next bill is settled from the prepaid balance.
    await environment.db.withTenant(utility.tenant.id, (sql) => insertRegularBill(sql, utility.tenant.id, home.account.id, { period: '2026-02', consumptionLitres: 10_000, issuedOn: '2026-03-01' }));
    environment.clock.advance(1_000);
    const applied = await cashier.post<{ appliedFen: number }>(`/api/accounts/${home.account.id}/prepaid/apply`);
    expect(applied.body.appliedFen).toBe(2_000);
    const after = await cashier.get<Money>(`/api/accounts/${home.account.id}/money`);
    expect(after.body).toMatchObject({ balanceFen: 3_000, prepaidFen: 0, openBills: [{ period: '2026-02', openFen: 3_000 }] });

    const statement = await cashier.get<{ balanceFen: number; lines: { changeFen: number; balanceFen: number }[] }>(`/api/accounts/${home.account.id}/statement`);
    expect(statement.body.balanceFen).toBe(3_000);
    expect(statement.body.lines.map((line) => line.changeFen)).toEqual([5_000, 5_000, 5_000, 5_000, -7_000, -10_000, 0]);
    expect(bills).toHaveLength(3);

    // Counting wrong keeps the till open and names the method; counting right closes it.
    const wrong = await cashier.post<ErrorBody>(`/api/tills/${till.body.id}/close`, { counted: { cash: 7_000, card: 9_999, transfer: 0 } });
    expect(wrong.status).toBe(409);
    expect(wrong.body).toMatchObject({ code: 'till_unbalanced', fields: [{ field: 'counted.card' }] });
    const done = await cashier.post<Till>(`/api/tills/${till.body.id}/close`, { counted: { cash: 7_000, card: 10_000, transfer: 0 } });
    expect(done.body).toMatchObject({ payments: 2, expected: { cash: 7_000, card: 10_000, transfer: 0 }, closedAt: expect.any(String) });
    const supervisor = await environment.loginStaff(utility, 'manager');
    const day = await supervisor.get<{ tills: Till[] }>('/api/tills?date=2026-03-02');
    expect(day.body.tills.find((item) => item.id === till.body.id)?.expected.card).toBe(10_000);
    expect((await pay(cashier, home.account.id, { method: 'cash', amountFen: 100 })).body.code).toBe('no_open_till');
  });

  it('gives 100 concurrent requests with one Idempotency-Key one payment and identical responses; another body with the key is 422', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '幂等户' });
    await givenBills(home, ['2026-01']);
    await cashier.post('/api/tills/open');
    const key = `counter-${home.account.id}`;
    const responses = await Promise.all(Array.from({ length: 100 }, () => pay(cashier, home.account.id, { method: 'cash', amountFen: 1_234 }, key)));
    expect(new Set(responses.map((response) => response.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
    const payments = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM payments WHERE account_id = $1', [home.account.id]);
    expect(payments[0]?.count).toBe(1);
    const other = await pay(cashier, home.account.id, { method: 'cash', amountFen: 1_235 }, key);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it('refuses changes to payments and ledger entries in the database itself', async () => {
    for (const statement of ['UPDATE ledger_entries SET debit_fen = debit_fen + 1', 'DELETE FROM ledger_entries', 'UPDATE payments SET amount_fen = 1', 'DELETE FROM payments', 'DELETE FROM bill_settlements']) {
      await expect(environment.ownerQuery(statement)).rejects.toThrow(/append-only/);
    }
  });
});

describe('the prepaid balance', () => {
  it('lets exactly 500 of 1,000 concurrent deductions through when it covers 500, and never goes negative', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '预存户' });
    await givenBills(home, ['2025-06'], 200_000); // 100,000 fen owed
    const now = environment.clock.now();
    await environment.db.withTenant(utility.tenant.id, (sql) => sql.query("INSERT INTO prepaid_balances (tenant_id, account_id, updated_at) VALUES ($1, $2, $3)", [utility.tenant.id, home.account.id, now]));
    // 50,000 fen in prepaid beside 100,000 owed: a top-up recorded as prepaid before the bill was settled.
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      await sql.query("UPDATE prepaid_balances SET balance_fen = 50000 WHERE account_id = $1", [home.account.id]);
      await sql.query(
        `INSERT INTO ledger_entries (tenant_id, journal_id, account_id, ledger_account, entry_type, debit_fen, credit_fen, business_date, posted_at, description)
         VALUES ($1, $3, $2, 'channel_clearing', 'prepaid_topup', 50000, 0, '2026-03-01', $4, '预存'), ($1, $3, $2, 'prepaid', 'prepaid_topup', 0, 50000, '2026-03-01', $4, '预存')`,
        [utility.tenant.id, home.account.id, '00000000-0000-4000-8000-00000000f00d', now],
      );
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1_000 }, () => environment.db.withTenant(utility.tenant.id, (sql) => deductPrepaid(sql, utility.tenant.id, home.account.id, 100, now, '2026-03-02'))),
    );
    const succeeded = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    expect(succeeded).toBe(500);
    const refusals = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected').map((outcome) => (outcome.reason as { code?: string }).code);
    expect(new Set(refusals)).toEqual(new Set(['insufficient_prepaid']));
    const [balance] = await environment.ownerQuery<{ balance_fen: number }>('SELECT balance_fen FROM prepaid_balances WHERE account_id = $1', [home.account.id]);
    expect(balance?.balance_fen).toBe(0);
    await expect(environment.ownerQuery("UPDATE prepaid_balances SET balance_fen = -1 WHERE account_id = $1", [home.account.id])).rejects.toThrow(/check/);
  }, 60_000);

  it('an overpayment through any channel becomes prepaid and settles nothing it should not', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '多缴户' });
    const receipt = await environment.db.withTenant(utility.tenant.id, (sql) =>
      recordPayment(sql, utility.tenant.id, { accountId: home.account.id, method: 'gov_app', amountFen: 8_800, receivedAt: environment.clock.now(), businessDate: '2026-03-02' }),
    );
    expect(receipt).toMatchObject({ allocatedFen: 0, prepaidFen: 8_800, settlements: [] });
  });
});

describe('splitting a payment over bills (property)', () => {
  it('loses no fen, settles oldest first and never more than a bill owes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 30 }), fc.integer({ min: 1, max: 40_000_000 }), (owed, amount) => {
        const bills = owed.map((openFen, index) => ({ billId: `b${index}`, billNo: `N${index}`, period: `p${index}`, openFen }));
        const { settlements, restFen } = allocateOldestFirst(bills, amount);
        const settled = settlements.reduce((sum, item) => sum + item.amountFen, 0);
        expect(settled + restFen).toBe(amount);
        settlements.forEach((item, index) => {
          expect(item.billId).toBe(`b${index}`);
          expect(item.amountFen).toBeLessThanOrEqual(owed[index] as number);
          if (index < settlements.length - 1) expect(item.amountFen).toBe(owed[index]);
        });
        if (restFen > 0) expect(settled).toBe(owed.reduce((sum, value) => sum + value, 0));
      }),
    );
  });
});

describe('a supervisor reverses a mistaken payment (冲正)', () => {
  interface Reversal {
    id: string;
    paymentId: string;
    receiptNo: string;
    amountFen: number;
    reason: string;
    reversedBy: string;
    tillId: string | null;
  }
  const reverse = (client: Client, paymentId: string, body: unknown, key?: string) =>
    client.request<Reversal & ErrorBody>('POST', `/api/payments/${paymentId}/reversal`, body, key ? { headers: { 'idempotency-key': key } } : {});
  const ledgerOf = async (accountId: string) =>
    (
      await environment.ownerQuery<{ principal: number; fees: number; prepaid: number }>(
        `SELECT coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'receivable'), 0)::int8 AS principal,
                coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'late_fee_receivable'), 0)::int8 AS fees,
                coalesce(sum(credit_fen - debit_fen) FILTER (WHERE ledger_account = 'prepaid'), 0)::int8 AS prepaid
         FROM ledger_entries WHERE account_id = $1`,
        [accountId],
      )
    )[0];

  it('re-opens the bills, late fees and prepaid it settled with a mirror journal, once per payment, off the open till, audited', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '冲正户' });
    // An overdue bill (due 2026-02-20: 9 days of late fee, 23 fen, settled by the payment) and one not yet due.
    await environment.db.withTenant(utility.tenant.id, (sql) => insertRegularBill(sql, utility.tenant.id, home.account.id, { period: '2025-11', consumptionLitres: 10_000, dueOn: '2026-02-20' }));
    await givenBills(home, ['2025-12']);
    const till = (await cashier.post<Till>('/api/tills/open')).body;
    const paid = await pay(cashier, home.account.id, { method: 'cash', amountFen: 12_000 });
    expect(paid.body).toMatchObject({ allocatedFen: 10_023, prepaidFen: 1_977, lateFeeFen: 23 });
    // A new bill is then settled from the prepaid rest.
    await givenBills(home, ['2026-01']);
    expect((await cashier.post<{ appliedFen: number }>(`/api/accounts/${home.account.id}/prepaid/apply`)).body.appliedFen).toBe(1_977);
    expect(await ledgerOf(home.account.id)).toEqual({ principal: 3_023, fees: 0, prepaid: 0 });
    const tillBefore = (await cashier.get<{ till: Till }>('/api/tills/current')).body.till;

    // A cashier has no payment.reverse; the supervisor needs a reason.
    expect((await reverse(cashier, paid.body.id, { reason: '收错户号' })).status).toBe(403);
    const supervisor = await environment.loginStaff(utility, 'manager');
    const noReason = await reverse(supervisor, paid.body.id, {});
    expect([noReason.status, noReason.body.fields[0]?.field]).toEqual([400, 'reason']);

    const key = `reverse-${paid.body.id}`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => reverse(supervisor, paid.body.id, { reason: '收错户号，应为隔壁户' }, key)));
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    const reversal = answers[0]?.body as Reversal;
    expect(reversal).toMatchObject({ paymentId: paid.body.id, receiptNo: paid.body.receiptNo, amountFen: 12_000, reason: '收错户号，应为隔壁户', tillId: till.id });
    expect((await reverse(supervisor, paid.body.id, { reason: '再冲一次' })).body.code).toBe('payment_reversed');
    expect(await environment.ownerQuery('SELECT 1 FROM payment_reversals WHERE payment_id = $1', [paid.body.id])).toHaveLength(1);

    // Everything the payment paid is owed again: the two bills, the late fee, and what its rest paid of the new bill.
    expect(await ledgerOf(home.account.id)).toEqual({ principal: 15_000, fees: 23, prepaid: 0 });
    const money = await cashier.get<Money & { lateFeeFen: number }>(`/api/accounts/${home.account.id}/money`);
    expect(money.body).toMatchObject({ balanceFen: 15_023, lateFeeFen: 23, prepaidFen: 0 });
    expect(money.body.openBills.map((bill) => [bill.period, bill.openFen])).toEqual([['2025-11', 5_000], ['2025-12', 5_000], ['2026-01', 5_000]]);
    const statement = await cashier.get<{ lines: { entryType: string; changeFen: number; description: string }[] }>(`/api/accounts/${home.account.id}/statement`);
    const reversalLines = statement.body.lines.filter((line) => line.entryType === 'payment_reversal');
    expect(reversalLines.map((line) => line.changeFen)).toEqual([12_000]);
    expect(reversalLines[0]?.description).toContain(paid.body.receiptNo);
    const listed = await cashier.get<{ payments: { id: string; reversal: { reason: string } | null }[] }>(`/api/accounts/${home.account.id}/payments`);
    expect(listed.body.payments.find((item) => item.id === paid.body.id)?.reversal).toMatchObject({ reason: '收错户号，应为隔壁户' });

    // The cash comes off the open till, and the day summary lists the reversal.
    const tillAfter = (await cashier.get<{ till: Till }>('/api/tills/current')).body.till;
    expect(tillAfter.expected.cash).toBe(tillBefore.expected.cash - 12_000);
    const day = await supervisor.get<{ reversals: Reversal[] }>('/api/tills?date=2026-03-02');
    expect(day.body.reversals.map((item) => [item.receiptNo, item.amountFen, item.tillId])).toEqual([[paid.body.receiptNo, 12_000, till.id]]);
    const audit = await environment.ownerQuery<{ action: string; after: { reason: string } }>('SELECT action, after FROM audit_log WHERE object_id = $1 AND action = $2', [paid.body.id, 'payment.reverse']);
    expect(audit).toEqual([{ action: 'payment.reverse', after: expect.objectContaining({ reason: '收错户号，应为隔壁户', reopenedLateFeeFen: 23 }) }]);

    // A reversed payment is not refunded.
    const finance = await environment.loginStaff(utility, 'finance_clerk');
    expect((await finance.post<ErrorBody>(`/api/payments/${paid.body.id}/refunds`, { amountFen: 100, reason: '退款', tillId: till.id })).body.code).toBe('payment_reversed');
  });

  it('is refused to whoever took the payment, for a refunded payment and for an online one', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '冲正拒绝户' });
    const supervisor = await environment.loginStaff(utility, 'manager');
    const managerId = utility.staff.manager.id;
    // A supervisor who once took a payment at the counter (before their roles changed) may not reverse it.
    const own = await environment.db.withTenant(utility.tenant.id, async (sql) => {
      const [till] = await sql.query<{ id: string }>('INSERT INTO tills (tenant_id, staff_id, business_date, opened_at, closed_at, expected, counted) VALUES ($1, $2, $3, $4, $4, $5, $5) RETURNING id', [
        utility.tenant.id, managerId, '2026-03-01', environment.clock.now(), JSON.stringify({ cash: 300, card: 0, transfer: 0 }),
      ]);
      return recordPayment(sql, utility.tenant.id, { accountId: home.account.id, method: 'cash', amountFen: 300, receivedAt: environment.clock.now(), businessDate: '2026-03-01', staffId: managerId, tillId: till?.id ?? null });
    });
    const ownAnswer = await reverse(supervisor, own.id, { reason: '录错金额' });
    expect([ownAnswer.status, ownAnswer.body.code]).toEqual([403, 'reversal_by_cashier']);

    const online = await environment.db.withTenant(utility.tenant.id, (sql) => recordPayment(sql, utility.tenant.id, { accountId: home.account.id, method: 'alipay', amountFen: 500, receivedAt: environment.clock.now(), businessDate: '2026-03-02' }));
    expect((await reverse(supervisor, online.id, { reason: '客户误付' })).body.code).toBe('reversal_online_payment');

    await cashier.post('/api/tills/open');
    const cash = await pay(cashier, home.account.id, { method: 'cash', amountFen: 800 });
    const till = (await cashier.get<{ till: Till }>('/api/tills/current')).body.till;
    const finance = await environment.loginStaff(utility, 'finance_clerk');
    expect((await finance.post(`/api/payments/${cash.body.id}/refunds`, { amountFen: 100, reason: '多缴退款', tillId: till.id })).status).toBe(201);
    expect((await reverse(supervisor, cash.body.id, { reason: '收错户号' })).body.code).toBe('payment_refunded');
    expect(await environment.ownerQuery('SELECT 1 FROM payment_reversals r JOIN payments p ON p.id = r.payment_id WHERE p.account_id = $1', [home.account.id])).toEqual([]);
  });
});
