import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDailyCollection } from '../src/modules/collection';
import { collectForDay } from '../src/modules/collection/daily';
import { assessLateFees, waiveDaysAwaitingPayment } from '../src/modules/collection/late-fees';
import { recordPayment } from '../src/modules/payments';
import { loadTenantSettings } from '../src/modules/tenancy';
import { insertRegularBill, type TestBill } from './bill-factory';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

const DAY = 86_400_000;
const HOUR = 3_600_000;

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});
afterAll(() => environment.close());

afterEach(() => expectLedgerInvariants(environment));

/** The business day in Shanghai of the test clock, shifted by some days. */
const day = (offset = 0) => new Date(environment.clock.now().getTime() + 8 * HOUR + offset * DAY).toISOString().slice(0, 10);

const bill = (utility: Utility, home: CustomerWithAccount, period: string, dueOn: string, litres = 10_000): Promise<TestBill> =>
  environment.db.withTenant(utility.tenant.id, (sql) => insertRegularBill(sql, utility.tenant.id, home.account.id, { period, consumptionLitres: litres, dueOn }));

const pay = (utility: Utility, home: CustomerWithAccount, amountFen: number) =>
  environment.db.withTenant(utility.tenant.id, (sql) => recordPayment(sql, utility.tenant.id, { accountId: home.account.id, method: 'alipay', amountFen, receivedAt: environment.clock.now(), businessDate: day() }));

const ledgerOf = async (utility: Utility, home: CustomerWithAccount) => {
  const [row] = await environment.db.withTenant(utility.tenant.id, (sql) =>
    sql.query<{ principal: number; fees: number; revenue: number }>(
      `SELECT coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'receivable'), 0)::int8 AS principal,
              coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'late_fee_receivable'), 0)::int8 AS fees,
              coalesce(sum(credit_fen - debit_fen) FILTER (WHERE ledger_account = 'late_fee_revenue'), 0)::int8 AS revenue
       FROM ledger_entries WHERE account_id = $1`,
      [home.account.id],
    ),
  );
  return row as { principal: number; fees: number; revenue: number };
};

const patchSettings = async (utility: Utility, collection: Record<string, unknown>) => {
  const admin = await environment.loginStaff(utility, 'admin');
  const current = await admin.get<{ version: number }>('/api/settings');
  const changed = await admin.patch('/api/settings', { version: current.body.version, collection });
  expect(changed.status).toBe(200);
};

describe('late fees (滞纳金)', () => {
  it('accrue daily on the unpaid principal at 0.05 %/day, stop on what a payment paid, round only the total, and add nothing when assessed twice a day', async () => {
    const utility = await environment.givenUtility('fee');
    const home = await givenCustomerWithAccount(environment, utility, { name: '滞纳户' });
    // Due 9 days ago: days −8 … −1 and today are not all charged — the run charges through yesterday.
    await bill(utility, home, '2025-12', day(-10)); // 5,000 fen
    const first = await runDailyCollection(environment.context, utility.tenant.id);
    // 9 days (due+1 … yesterday) × 5,000 × 5 = 225,000 fen·(1/10,000) = 22.5 → 23 fen.
    expect(first?.lateFeeFen).toBe(23);
    expect(await runDailyCollection(environment.context, utility.tenant.id)).toBeNull();
    const again = await environment.db.withTenant(utility.tenant.id, async (sql) =>
      assessLateFees(sql, utility.tenant.id, home.account.id, day(), (await loadTenantSettings(sql)).collection, environment.clock.now()),
    );
    expect(again).toBe(0);
    expect(await ledgerOf(utility, home)).toEqual({ principal: 5_000, fees: 23, revenue: 23 });

    // A partial payment today: principal first (the fee stays owed); from today on only 2,000 accrues.
    const partial = await pay(utility, home, 3_000);
    expect(partial).toMatchObject({ allocatedFen: 3_000, lateFeeFen: 0, prepaidFen: 0 });
    environment.clock.advance(DAY);
    // Today (now yesterday) on 2,000: +10,000 → basis 235,000 → 23.5 → 24: one more fen.
    expect((await runDailyCollection(environment.context, utility.tenant.id))?.lateFeeFen).toBe(1);
    // Ten days without a run, then one run charges all ten on 2,000: +100,000 → 335,000 → 33.5 → 34.
    environment.clock.advance(10 * DAY);
    expect((await runDailyCollection(environment.context, utility.tenant.id))?.lateFeeFen).toBe(10);
    expect(await ledgerOf(utility, home)).toEqual({ principal: 2_000, fees: 34, revenue: 34 });

    // Paying everything settles principal, then the late fees, and the rest goes to prepaid.
    const full = await pay(utility, home, 2_100);
    expect(full).toMatchObject({ allocatedFen: 2_034, lateFeeFen: 34, prepaidFen: 66 });
    expect(await ledgerOf(utility, home)).toEqual({ principal: 0, fees: 0, revenue: 34 });
    environment.clock.advance(DAY);
    expect((await runDailyCollection(environment.context, utility.tenant.id))?.lateFeeFen).toBe(0);

    const clerk = await environment.loginStaff(utility, 'counter_clerk');
    const money = await clerk.get<{ balanceFen: number }>(`/api/accounts/${home.account.id}/money`);
    expect(money.body.balanceFen).toBe(-66);
    const statement = await clerk.get<{ lines: { entryType: string; changeFen: number }[] }>(`/api/accounts/${home.account.id}/statement`);
    expect(statement.body.lines.filter((line) => line.entryType === 'late_fee').map((line) => line.changeFen)).toEqual([23, 1, 10]);
    const collector = await environment.loginStaff(utility, 'collector');
    const file = await collector.get<{ lateFees: { postedFen: number; capBaseFen: number }[] }>(`/api/accounts/${home.account.id}/collection`);
    expect(file.body.lateFees).toEqual([expect.objectContaining({ postedFen: 34, capBaseFen: 5_000 })]);
  });

  it('never exceed the cap, and spare residential accounts when the utility says so', async () => {
    const utility = await environment.givenUtility('cap');
    await patchSettings(utility, { lateFeeDailyRate: 100, lateFeeCapPercent: 1 });
    const home = await givenCustomerWithAccount(environment, utility, { name: '封顶户', category: 'non_residential' });
    const flat = await givenCustomerWithAccount(environment, utility, { name: '居民户' });
    await bill(utility, home, '2025-12', day(-10));
    await bill(utility, flat, '2025-12', day(-10));
    // 9 days × 5,000 × 1 % = 450 fen, capped at 1 % of 5,000 = 50; residential at 50 too.
    expect((await runDailyCollection(environment.context, utility.tenant.id))?.lateFeeFen).toBe(100);
    await patchSettings(utility, { lateFeeOnResidential: false });
    for (let step = 0; step < 3; step += 1) {
      environment.clock.advance(DAY);
      expect((await runDailyCollection(environment.context, utility.tenant.id))?.lateFeeFen).toBe(0);
    }
    expect((await ledgerOf(utility, home)).fees).toBe(50);
    expect((await ledgerOf(utility, flat)).fees).toBe(50);
  });
});

describe('late-fee accrual follows the principal day by day', () => {
  const run = async (utility: Utility) => (await runDailyCollection(environment.context, utility.tenant.id))?.lateFeeFen;

  it('charges the days before a credit or debit note on the old amount, even when no run came between', async () => {
    const utility = await environment.givenUtility('note');
    const home = await givenCustomerWithAccount(environment, utility, { name: '冲减户' });
    const owed = await bill(utility, home, '2025-12', day(-10)); // 5,000 fen
    expect(await run(utility)).toBe(23); // 9 days × 5,000 × 5 = 225,000
    environment.clock.advance(5 * DAY);
    // Day 5: a credit note of 3,000 (2,000 left); day 7: a debit note of 1,000 (3,000). No run meanwhile.
    const credit = await (await environment.loginStaff(utility, 'billing_clerk')).post(`/api/bills/${owed.id}/adjustments`, { kind: 'credit_note', reason: 'wrong_reading', note: '读数有误', amountFen: 3_000 });
    expect(credit.status).toBe(201);
    environment.clock.advance(2 * DAY);
    const debit = await (await environment.loginStaff(utility, 'billing_clerk')).post(`/api/bills/${owed.id}/adjustments`, { kind: 'debit_note', reason: 'other', note: '补收', amountFen: 1_000 });
    expect(debit.status).toBe(201);
    environment.clock.advance(3 * DAY);
    // Days 0–4 on 5,000 (125,000), 5–6 on 2,000 (20,000), 7–9 on 3,000 (45,000): 415,000 → 41.5 → 42.
    const clerk = await environment.loginStaff(utility, 'counter_clerk');
    const before = await clerk.get<{ lateFeeFen: number }>(`/api/accounts/${home.account.id}/money`);
    expect(before.body.lateFeeFen).toBe(42);
    expect(await run(utility)).toBe(42 - 23);
    expect(await ledgerOf(utility, home)).toMatchObject({ principal: 3_000, fees: 42 });
  });

  it('charges nothing for the days a bill is disputed, and resumes the day after the dispute is closed', async () => {
    const utility = await environment.givenUtility('dsp');
    const home = await givenCustomerWithAccount(environment, utility, { name: '异议户' });
    const disputed = await bill(utility, home, '2025-12', day(-10)); // 5,000 fen
    const other = await bill(utility, home, '2026-01', day(-10)); // another bill of the account, not disputed
    expect(await run(utility)).toBe(46); // 9 days on each: 23 + 23
    environment.clock.advance(2 * DAY); // day 2: the customer disputes one bill
    const opened = await (await environment.loginStaff(utility, 'counter_clerk')).post<{ id: string }>(`/api/bills/${disputed.id}/disputes`, { reason: '水量异常偏高' });
    expect(opened.status).toBe(201);
    environment.clock.advance(2 * DAY); // day 4: days 0–1 on each (50,000 each), days 2–3 only on the other
    expect(await run(utility)).toBe(5 + 10);
    environment.clock.advance(2 * DAY); // day 6: the dispute is closed (the bill stands)
    expect((await (await environment.loginStaff(utility, 'billing_clerk')).post(`/api/bill-disputes/${opened.body.id}/close`, { resolution: '复核读数无误' })).status).toBe(200);
    environment.clock.advance(4 * DAY); // day 10: days 4–6 disputed, 7–9 charged (75,000 → 350,000 → 35)
    expect(await run(utility)).toBe(7 + 15);
    const file = await (await environment.loginStaff(utility, 'collector')).get<{ lateFees: { billId: string; postedFen: number }[] }>(`/api/accounts/${home.account.id}/collection`);
    expect(Object.fromEntries(file.body.lateFees.map((fee) => [fee.billId, fee.postedFen]))).toEqual({ [disputed.id]: 35, [other.id]: 48 });
  });

  it('a payment of everything shown today leaves no late fee behind, also when the daily run has not run for days', async () => {
    const utility = await environment.givenUtility('all');
    const home = await givenCustomerWithAccount(environment, utility, { name: '全缴户' });
    await bill(utility, home, '2025-12', day(-10));
    expect(await run(utility)).toBe(23);
    environment.clock.advance(6 * DAY); // six days no run: 6 × 25,000 more → 375,000 → 38
    const money = await (await environment.loginStaff(utility, 'counter_clerk')).get<{ balanceFen: number; lateFeeFen: number; openBills: unknown[] }>(`/api/accounts/${home.account.id}/money`);
    expect(money.body).toMatchObject({ balanceFen: 5_038, lateFeeFen: 38 });
    const paid = await pay(utility, home, money.body.balanceFen);
    expect(paid).toMatchObject({ allocatedFen: 5_038, lateFeeFen: 38, prepaidFen: 0 });
    expect(await ledgerOf(utility, home)).toMatchObject({ principal: 0, fees: 0, revenue: 38 });
    environment.clock.advance(3 * DAY);
    expect(await run(utility)).toBe(0);
    expect((await ledgerOf(utility, home)).fees).toBe(0);
  });
});

describe('days waived while the account awaited its money (待付免收)', () => {
  it('taking back days already charged lowers the cap base when the principal peaked only in them: cap base and fee as if those days had never been charged', async () => {
    const utility = await environment.givenUtility('wcap');
    // 1 % a day, capped at 10 % of the largest unpaid principal.
    await patchSettings(utility, { lateFeeDailyRate: 100, lateFeeCapPercent: 10 });
    // Two accounts alike: the days of one are charged and then waived, those of the other waived before any run.
    const charged = await givenCustomerWithAccount(environment, utility, { name: '先计后免', category: 'non_residential' });
    const spared = await givenCustomerWithAccount(environment, utility, { name: '未计即免', category: 'non_residential' });
    const homes = [charged, spared];
    const bills = await Promise.all(homes.map((home) => bill(utility, home, '2025-12', day(-10)))); // 5,000 fen each
    const asked = day();
    const assess = (home: CustomerWithAccount) =>
      environment.db.withTenant(utility.tenant.id, async (sql) => assessLateFees(sql, utility.tenant.id, home.account.id, day(), (await loadTenantSettings(sql)).collection, environment.clock.now()));
    const accrual = async (home: CustomerWithAccount) =>
      (await environment.ownerQuery<{ basis: string; cap_base_fen: number; posted_fen: number; accrued_through: string }>('SELECT basis::text, cap_base_fen, posted_fen, accrued_through::text FROM late_fee_accruals WHERE account_id = $1', [home.account.id]))[0];
    // 9 days × 5,000 × 1 % = 450 fen each (cap 500).
    for (const home of homes) expect(await assess(home)).toBe(450);
    // The money is asked for today. Tomorrow a debit note of 5,000 (10,000 owed), the day after a credit note of 5,000.
    const clerk = () => environment.loginStaff(utility, 'billing_clerk');
    environment.clock.advance(DAY);
    for (const owed of bills) expect((await (await clerk()).post(`/api/bills/${owed.id}/adjustments`, { kind: 'debit_note', reason: 'other', note: '补收', amountFen: 5_000 })).status).toBe(201);
    environment.clock.advance(DAY);
    for (const owed of bills) expect((await (await clerk()).post(`/api/bills/${owed.id}/adjustments`, { kind: 'credit_note', reason: 'wrong_reading', note: '读数有误', amountFen: 5_000 })).status).toBe(201);
    environment.clock.advance(2 * DAY);
    // Four days on: a run charges the first account's waiting days, at 5,000, 10,000, 5,000, 5,000 (250 fen more),
    // its cap base now 10,000 (cap 1,000).
    expect(await assess(charged)).toBe(250);
    expect(await accrual(charged)).toMatchObject({ basis: '7000000', cap_base_fen: 10_000, posted_fen: 700 });
    // The money comes in: the four days are waived for both. The first account's are taken back — their basis, and the
    // 10,000 that only they had: its cap base is the 5,000 of the days that stay charged, as for the other account.
    for (const home of homes) await environment.db.withTenant(utility.tenant.id, (sql) => waiveDaysAwaitingPayment(sql, utility.tenant.id, home.account.id, asked, day(), environment.clock.now()));
    const after = { basis: '4500000', cap_base_fen: 5_000, posted_fen: 450, accrued_through: day(-1) };
    expect(await accrual(charged)).toEqual(after);
    expect(await accrual(spared)).toEqual(after);
    const reversal = await environment.ownerQuery<{ description: string; fen: number }>(
      "SELECT description, debit_fen::int8 AS fen FROM ledger_entries WHERE account_id = $1 AND entry_type = 'late_fee' AND ledger_account = 'late_fee_revenue' AND debit_fen > 0",
      [charged.account.id],
    );
    expect(reversal).toEqual([{ description: expect.stringContaining('冲回滞纳金'), fen: 250 }]);
    // Six more days on 5,000 (300 fen) reach the cap of 10 % of 5,000: 500 for both (with the cap base of the waived
    // days the first account would owe 750).
    environment.clock.advance(6 * DAY);
    for (const home of homes) await assess(home);
    for (const home of homes) {
      expect(await accrual(home)).toMatchObject({ basis: '7500000', cap_base_fen: 5_000, posted_fen: 500 });
      expect(await ledgerOf(utility, home)).toEqual({ principal: 5_000, fees: 500, revenue: 500 });
    }
  });
});

describe('dunning notices (催缴通知)', () => {
  it('queues each step once per bill through the outbox, with the account number masked, and only the latest step after a gap', async () => {
    const utility = await environment.givenUtility('dun');
    await environment.ownerQuery("UPDATE tenants SET hotline = '0571-96390' WHERE id = $1", [utility.tenant.id]);
    const home = await givenCustomerWithAccount(environment, utility, { name: '催缴户', phone: '13912340001' });
    const late = await givenCustomerWithAccount(environment, utility, { name: '久欠户', phone: '13912340002' });
    const due = day(-4);
    await bill(utility, home, '2026-01', due);
    await bill(utility, late, '2025-12', day(-40));
    const collect = () =>
      environment.db.withTenant(utility.tenant.id, async (sql) => collectForDay(sql, utility.tenant.id, day(), environment.clock.now(), (await loadTenantSettings(sql)).collection));
    expect((await collect()).notices).toEqual({ sms: 2, wechat: 0, letter: 1 });
    expect((await collect()).notices).toEqual({ sms: 0, wechat: 0, letter: 0 });
    const notices = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ account_id: string; step_days: number; kind: string; channel: string; body: string; outbox_id: string | null }>('SELECT account_id, step_days, kind, channel, body, outbox_id FROM collection_notices ORDER BY account_id, channel'),
    );
    const ofHome = notices.filter((notice) => notice.account_id === home.account.id);
    expect(ofHome.map((notice) => [notice.step_days, notice.kind, notice.channel])).toEqual([[3, 'reminder', 'sms']]);
    const accountNo = home.account.accountNo;
    const masked = `${accountNo.slice(0, 2)}${'*'.repeat(accountNo.length - 6)}${accountNo.slice(-4)}`;
    expect(ofHome[0]?.body).toContain(masked);
    expect(ofHome[0]?.body).not.toContain(accountNo);
    expect(ofHome[0]?.body).toContain('50.00元');
    expect(ofHome[0]?.body).toContain(due);
    expect(ofHome[0]?.body).toContain('0571-96390');
    // 40 days late with no notice yet: only the cut-off notice (step 30), by SMS and a printed letter.
    expect(notices.filter((notice) => notice.account_id === late.account.id).map((notice) => [notice.step_days, notice.kind, notice.channel]).sort()).toEqual([
      [30, 'cutoff_notice', 'letter'],
      [30, 'cutoff_notice', 'sms'],
    ]);
    const outbox = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ recipient: string; template: string }>("SELECT recipient, template FROM message_outbox WHERE template LIKE 'dunning%' ORDER BY recipient"));
    expect(outbox).toEqual([{ recipient: '13912340001', template: 'dunning_reminder' }, { recipient: '13912340002', template: 'dunning_cutoff_notice' }]);

    environment.clock.advance(11 * DAY); // home: 15 days late
    expect((await collect()).notices).toEqual({ sms: 1, wechat: 0, letter: 0 });
    expect((await collect()).notices).toEqual({ sms: 0, wechat: 0, letter: 0 });
    // The collector collects on the route of the long-unpaid account only; the other account's route is someone else's.
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      const [mine, theirs] = await sql.query<{ id: string }>("INSERT INTO reading_routes (tenant_id, code, name) VALUES ($1, 'D01', '催缴一本'), ($1, 'D02', '催缴二本') RETURNING id", [utility.tenant.id]);
      await sql.query('INSERT INTO route_accounts (tenant_id, route_id, account_id, walk_order) VALUES ($1, $2, $3, 1), ($1, $4, $5, 1)', [utility.tenant.id, mine?.id, late.account.id, theirs?.id, home.account.id]);
      await sql.query("INSERT INTO route_assignments (tenant_id, route_id, staff_id, duty, starts_on) VALUES ($1, $2, $3, 'collector', '2025-01-01')", [utility.tenant.id, mine?.id, utility.staff.collector.id]);
    });
    const collector = await environment.loginStaff(utility, 'collector');
    const letters = await collector.get<{ notices: { accountNo: string; kind: string }[] }>('/api/collection-notices?channel=letter');
    expect(letters.body.notices.map((notice) => [notice.accountNo, notice.kind])).toEqual([[late.account.accountNo, 'cutoff_notice']]);
    type Notices = { notices: { accountNo: string }[] };
    const accountsIn = (answer: { body: Notices }) => [...new Set(answer.body.notices.map((notice) => notice.accountNo))].sort();
    // Every channel: the collector sees only the notices of their own route; a supervisor sees every route.
    expect(accountsIn(await collector.get<Notices>('/api/collection-notices'))).toEqual([late.account.accountNo]);
    const supervisor = await environment.loginStaff(utility, 'billing_clerk');
    expect(accountsIn(await supervisor.get<Notices>('/api/collection-notices'))).toEqual([home.account.accountNo, late.account.accountNo].sort());
    // Once the route is handed to another collector, the first one sees none of its notices.
    await environment.db.withTenant(utility.tenant.id, (sql) => sql.query("UPDATE route_assignments SET ends_on = $2::date - 1 WHERE staff_id = $1 AND duty = 'collector'", [utility.staff.collector.id, day()]));
    expect((await (await environment.loginStaff(utility, 'collector')).get<Notices>('/api/collection-notices')).body.notices).toEqual([]);
  });
});

describe('cut-off (停水单) and reconnection (复水单)', () => {
  let utility: Utility;
  // Fresh sessions for every call: the clock jumps days, past the sessions' idle limit.
  const as = (role: 'billing_clerk' | 'manager' | 'collector' | 'counter_clerk') => environment.loginStaff(utility, role);
  const supervisor = 'billing_clerk' as const;
  const manager = 'manager' as const;

  beforeAll(async () => {
    utility = await environment.givenUtility('cut');
  });

  const cutoff = async (role: 'billing_clerk' | 'manager', home: CustomerWithAccount, body: Record<string, unknown> = {}) =>
    (await as(role)).post<{ id: string; status: string; isOverride: boolean } & ErrorBody>(`/api/accounts/${home.account.id}/cutoff-orders`, body);
  const noticeNow = (home: CustomerWithAccount) =>
    environment.db.withTenant(utility.tenant.id, async (sql) => {
      // The cut-off notice is the last dunning step (30 days).
      await insertRegularBill(sql, utility.tenant.id, home.account.id, { period: '2025-11', consumptionLitres: 10_000, dueOn: day(-31) });
      await collectForDay(sql, utility.tenant.id, day(), environment.clock.now(), (await loadTenantSettings(sql)).collection);
    });

  it('is refused before the notice is 72 h old and while a bill is disputed, then issued; paying in full makes exactly one reconnection order due in 24 h', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '停水户', phone: '13912340003' });
    expect((await cutoff(supervisor, home)).body.code).toBe('no_arrears');
    await noticeNow(home);
    expect((await cutoff(supervisor, home)).body.code).toBe('cutoff_notice_too_recent');
    environment.clock.advance(71 * HOUR);
    expect((await cutoff(supervisor, home)).body.code).toBe('cutoff_notice_too_recent');
    environment.clock.advance(HOUR);

    const clerk = await as('counter_clerk');
    const [billRow] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ id: string }>('SELECT id FROM bills WHERE account_id = $1', [home.account.id]));
    const dispute = await clerk.post<{ id: string; status: string }>(`/api/bills/${billRow?.id}/disputes`, { reason: '水量异常偏高' });
    expect(dispute.body.status).toBe('open');
    expect((await clerk.post<ErrorBody>(`/api/bills/${billRow?.id}/disputes`, { reason: '再次' })).body.code).toBe('dispute_open');
    const refused = await cutoff(supervisor, home);
    expect([refused.status, refused.body.code]).toEqual([409, 'bill_disputed']);
    expect((await (await as(supervisor)).post(`/api/bill-disputes/${dispute.body.id}/close`, { resolution: '复核读数无误' })).status).toBe(200);

    const order = await cutoff(supervisor, home);
    expect([order.status, order.body.status, order.body.isOverride]).toEqual([201, 'issued', false]);
    expect((await cutoff(supervisor, home)).body.code).toBe('cutoff_order_open');
    expect((await (await as('collector')).post<{ status: string }>(`/api/cutoff-orders/${order.body.id}/complete`)).body.status).toBe('done');
    expect((await cutoff(supervisor, home)).body.code).toBe('already_cut_off');

    // Part of the arrears: nothing; all of it (principal and late fees): one reconnection order.
    const owed = await ledgerOf(utility, home);
    await pay(utility, home, 1_000);
    expect(await environment.db.withTenant(utility.tenant.id, (sql) => sql.query('SELECT 1 FROM reconnection_orders WHERE account_id = $1', [home.account.id]))).toHaveLength(0);
    const paidAt = environment.clock.now();
    await pay(utility, home, owed.principal + owed.fees + 500);
    await pay(utility, home, 100);
    environment.clock.advance(DAY + HOUR); // past the 24 h deadline
    await runDailyCollection(environment.context, utility.tenant.id);
    const orders = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ id: string; due_at: Date; cutoff_order_id: string }>('SELECT id, due_at, cutoff_order_id FROM reconnection_orders WHERE account_id = $1', [home.account.id]));
    expect(orders).toHaveLength(1);
    expect(orders[0]?.cutoff_order_id).toBe(order.body.id);
    expect(new Date(orders[0]?.due_at as Date).getTime()).toBe(paidAt.getTime() + 24 * HOUR);
    const collector = await as('collector');
    const listed = await collector.get<{ orders: { id: string; isOverdue: boolean }[] }>('/api/reconnection-orders?status=overdue');
    expect(listed.body.orders.map((item) => item.id)).toEqual([orders[0]?.id]);
    expect((await collector.post<{ status: string }>(`/api/reconnection-orders/${orders[0]?.id}/complete`)).body.status).toBe('done');
    expect((await collector.get<{ orders: unknown[] }>('/api/reconnection-orders?status=due')).body.orders).toEqual([]);
  });

  it('is refused for a protected household without an override, and by a supervisor without collection.override; a manager overrides with a reason, audited', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '关爱户', phone: '13912340004' });
    await environment.ownerQuery('UPDATE customers SET is_special_care = true WHERE id = $1', [home.customer.id]);
    await noticeNow(home);
    environment.clock.advance(73 * HOUR);
    const plain = await cutoff(supervisor, home);
    expect([plain.status, plain.body.code, plain.body.fields[0]?.field]).toEqual([409, 'protected_household', 'override']);
    const unauthorised = await cutoff(supervisor, home, { override: true, reason: '多次催缴无果' });
    expect([unauthorised.status, unauthorised.body.fields[0]?.field]).toEqual([403, 'override']);
    expect((await cutoff(manager, home, { override: true })).status).toBe(400);
    const allowed = await cutoff(manager, home, { override: true, reason: '经走访确认有能力缴费，多次催缴无果' });
    expect([allowed.status, allowed.body.isOverride]).toEqual([201, true]);
    const audit = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ action: string; after: { reason: string } }>("SELECT action, after FROM audit_log WHERE object_id = $1", [allowed.body.id]));
    expect(audit).toEqual([{ action: 'cutoff_order.issue_override', after: expect.objectContaining({ override: true, reason: '经走访确认有能力缴费，多次催缴无果' }) }]);
    // Paying in full before the crew goes cancels the issued order. In full means with the late fees of
    // the three days since the last run too: what the account's money shows today.
    const owed = await ledgerOf(utility, home);
    const today = await (await as('counter_clerk')).get<{ balanceFen: number; lateFeeFen: number }>(`/api/accounts/${home.account.id}/money`);
    expect(today.body.lateFeeFen).toBeGreaterThan(owed.fees);
    expect(today.body.balanceFen).toBe(owed.principal + today.body.lateFeeFen);
    await pay(utility, home, today.body.balanceFen);
    expect(await ledgerOf(utility, home)).toMatchObject({ principal: 0, fees: 0 });
    const after = await (await as(manager)).get<{ orders: { id: string; status: string }[] }>('/api/cutoff-orders');
    expect(after.body.orders.find((item) => item.id === allowed.body.id)?.status).toBe('cancelled');
  });
});

describe('arrears lists (欠费清单)', () => {
  it('age accounts into buckets, summarise per route, show collectors only their routes, and export CSV', async () => {
    const utility = await environment.givenUtility('arr');
    const homes: CustomerWithAccount[] = [];
    for (const n of ['一', '二', '三', '四']) homes.push(await givenCustomerWithAccount(environment, utility, { name: `欠费户${n}` }));
    const [a, b, c, d] = homes as [CustomerWithAccount, CustomerWithAccount, CustomerWithAccount, CustomerWithAccount];
    await bill(utility, a, '2026-01', day(-10));
    await bill(utility, b, '2025-11', day(-60));
    await bill(utility, b, '2025-12', day(-20));
    await bill(utility, c, '2025-07', day(-120));
    await bill(utility, d, '2025-01', day(-200));
    await bill(utility, d, '2026-02', day(5)); // not yet due
    await environment.ownerQuery('UPDATE customers SET is_important = true WHERE id = $1', [d.customer.id]);
    const collectorId = utility.staff.collector.id;
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      const [route] = await sql.query<{ id: string }>("INSERT INTO reading_routes (tenant_id, code, name) VALUES ($1, 'R01', '一号本') RETURNING id", [utility.tenant.id]);
      await sql.query('INSERT INTO route_accounts (tenant_id, route_id, account_id, walk_order) VALUES ($1, $2, $3, 1), ($1, $2, $4, 2)', [utility.tenant.id, route?.id, a.account.id, b.account.id]);
      await sql.query("INSERT INTO route_assignments (tenant_id, route_id, staff_id, duty, starts_on) VALUES ($1, $2, $3, 'collector', '2025-01-01')", [utility.tenant.id, route?.id, collectorId]);
    });
    const supervisor = await environment.loginStaff(utility, 'billing_clerk');
    type Report = { accounts: { accountNo: string; bucket: string; ageDays: number; overdueFen: number; owedFen: number; isImportant: boolean; aging: Record<string, number>; collector: { id: string } | null }[]; summary: { route: { code: string } | null; accounts: number; buckets: { bucket: string; accounts: number; overdueFen: number }[] }[] };
    const all = await supervisor.get<Report>('/api/arrears');
    expect(all.status).toBe(200);
    const byNo = new Map(all.body.accounts.map((row) => [row.accountNo, row]));
    expect(byNo.get(a.account.accountNo)).toMatchObject({ bucket: '0_30', ageDays: 10, overdueFen: 5_000, collector: { id: collectorId } });
    expect(byNo.get(b.account.accountNo)).toMatchObject({ bucket: '31_90', ageDays: 60, overdueFen: 10_000, aging: { '0_30': 5_000, '31_90': 5_000, '91_180': 0, over_180: 0 } });
    expect(byNo.get(c.account.accountNo)).toMatchObject({ bucket: '91_180', ageDays: 120 });
    expect(byNo.get(d.account.accountNo)).toMatchObject({ bucket: 'over_180', ageDays: 200, overdueFen: 5_000, owedFen: 10_000, isImportant: true });
    const routed = all.body.summary.find((entry) => entry.route?.code === 'R01');
    expect(routed?.accounts).toBe(2);
    expect(routed?.buckets.map((entry) => [entry.bucket, entry.accounts, entry.overdueFen])).toEqual([['0_30', 1, 10_000], ['31_90', 1, 5_000], ['91_180', 0, 0], ['over_180', 0, 0]]);
    expect((await supervisor.get<Report>('/api/arrears?minAgeDays=100')).body.accounts.map((row) => row.accountNo).sort()).toEqual([c.account.accountNo, d.account.accountNo].sort());
    expect((await supervisor.get<Report>('/api/arrears?minAmountFen=10000')).body.accounts.map((row) => row.accountNo).sort()).toEqual([b.account.accountNo, d.account.accountNo].sort());

    const collector = await environment.loginStaff(utility, 'collector');
    const mine = await collector.get<Report>('/api/arrears');
    expect(mine.body.accounts.map((row) => row.accountNo).sort()).toEqual([a.account.accountNo, b.account.accountNo].sort());
    const note = await collector.post(`/api/accounts/${c.account.id}/collection-notes`, { kind: 'promise_to_pay', note: '户主承诺月底前缴清', promisedOn: day(10), promisedFen: 5_000 });
    expect(note.status).toBe(201);
    expect((await collector.post<ErrorBody>(`/api/accounts/${c.account.id}/collection-notes`, { kind: 'promise_to_pay', note: '没有日期' })).body.fields[0]?.field).toBe('promisedOn');
    const reader = await environment.loginStaff(utility, 'meter_reader');
    expect((await reader.get('/api/arrears')).status).toBe(403);

    const csv = await supervisor.request<string>('GET', '/api/arrears.csv');
    expect(csv.status).toBe(200);
    const text = csv.body;
    expect(text.startsWith('\uFEFF户号,')).toBe(true);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(5);
  });
});
