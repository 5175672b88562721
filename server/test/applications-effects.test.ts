/**
 * The completion effects of the account applications (issue 6), end to end against PostgreSQL: holder change
 * (更名过户), category change (用水性质变更), calibration (校表) and removal (拆表销户), each worked through the
 * API by the stages' roles, checked on the account, meter, readings, bills and ledger, and their refusals.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/audit/audit';
import { createBillingRun, workPendingBillingRuns } from '../src/modules/billing';
import { recordPayment } from '../src/modules/payments';
import { appendRouteAccounts, ingestReadings } from '../src/modules/reading';
import { seedDemoTariffs } from '../src/modules/tariffs';
import { givenConnectionTeam, givenRoute, givenStaff, PHOTO, relogin, type TeamMember } from './applications-factory';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount, type CustomerWithAccount } from './factories';
import { createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Detail {
  id: string;
  applicationNo: string;
  status: string;
  version: number;
  currentStage: { code: string } | null;
  customerId: string | null;
  meter: { id: string; serialNo: string } | null;
}

interface BillRow {
  id: string;
  bill_no: string;
  kind: string;
  period: string;
  period_start: string;
  period_end: string;
  consumption_litres: number;
  total_fen: number;
  reason: string | null;
  adjusts_bill_id: string | null;
}

let environment: TestEnvironment;
let utility: Utility;
let team: Awaited<ReturnType<typeof givenConnectionTeam>>;
let billingClerk: TeamMember;
const actor = systemActor('test');

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('effects');
  team = await givenConnectionTeam(environment, utility);
  billingClerk = await givenStaff(environment, utility, 'effects-billing', ['billing_clerk'], 'finance');
  await environment.db.withTenant(utility.tenant.id, (sql) => seedDemoTariffs(environment.context, sql, utility.tenant.id));
}, 120_000);
afterAll(() => environment.close());

const tenantId = () => utility.tenant.id;
const query = <Row>(text: string, params: unknown[] = []) => environment.db.withTenant(tenantId(), (sql) => sql.query<Row>(text, params));

const routes = new Map<string, string>();

/**
 * A household on a route of its own (so each test bills its own March) with readings on 15 January (10 m³)
 * and 15 February (10 m³ more).
 */
async function givenHousehold(): Promise<CustomerWithAccount> {
  const household = await givenCustomerWithAccount(environment, utility);
  const routeId = await givenRoute(environment, utility, `R-EFF-${routes.size + 1}`);
  routes.set(household.account.id, routeId);
  await environment.db.withTenant(tenantId(), async (sql) => {
    await appendRouteAccounts(environment.context, sql, tenantId(), routeId, { accountIds: [household.account.id] }, actor);
    await readings(sql, household, [['2026-01-15', 10_000], ['2026-02-15', 20_000]]);
  });
  return household;
}

async function readings(sql: Parameters<Parameters<TestEnvironment['db']['withTenant']>[1]>[0], household: CustomerWithAccount, list: [string, number][]): Promise<void> {
  const outcome = await ingestReadings(
    sql,
    tenantId(),
    list.map(([readOn, registerLitres], index) => ({ row: index + 1, accountId: household.account.id, readOn, registerLitres, source: 'handheld' as const })),
    { mode: 'all_or_nothing', today: environment.context.clock.now().toISOString().slice(0, 10) },
  );
  expect(outcome.errors).toEqual([]);
}

/** A run of a month, on every route or on one household's. */
async function bill(period: string, household?: CustomerWithAccount): Promise<void> {
  await createBillingRun(environment.context, tenantId(), { period, ...(household ? { routeIds: [routes.get(household.account.id) as string] } : {}) }, actor);
  await workPendingBillingRuns(environment.context);
}

async function pay(accountId: string, amountFen: number): Promise<void> {
  const now = environment.context.clock.now();
  await environment.db.withTenant(tenantId(), (sql) => recordPayment(sql, tenantId(), { accountId, method: 'gov_app', channelTradeNo: `GOV-${randomUUID()}`, amountFen, receivedAt: now, businessDate: now.toISOString().slice(0, 10) }));
}

const billsOf = (accountId: string) =>
  query<BillRow>('SELECT id, bill_no, kind, period, period_start::text, period_end::text, consumption_litres, total_fen, reason, adjusts_bill_id FROM bills WHERE account_id = $1 ORDER BY created_at, bill_no', [accountId]);

async function balances(accountId: string): Promise<{ receivable: number; prepaid: number }> {
  const [row] = await query<{ receivable: number; prepaid: number }>(
    `SELECT coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'receivable'), 0)::int8 AS receivable,
       coalesce(sum(credit_fen - debit_fen) FILTER (WHERE ledger_account = 'prepaid'), 0)::int8 AS prepaid
     FROM ledger_entries WHERE account_id = $1`,
    [accountId],
  );
  return row as { receivable: number; prepaid: number };
}

/** Every journal of the utility balances, and so does the whole ledger. */
async function expectLedgerBalanced(): Promise<void> {
  const unbalanced = await query('SELECT journal_id FROM ledger_entries GROUP BY journal_id HAVING sum(debit_fen) <> sum(credit_fen)');
  expect(unbalanced).toEqual([]);
  const [total] = await query<{ debits: number; credits: number }>('SELECT sum(debit_fen)::int8 AS debits, sum(credit_fen)::int8 AS credits FROM ledger_entries');
  expect(total?.debits).toBe(total?.credits);
}

async function auditActions(objectId: string): Promise<string[]> {
  return (await environment.ownerQuery<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq', [objectId])).map((row) => row.action);
}

async function apply(typeCode: string, household: CustomerWithAccount, materials: string[], extra: Record<string, unknown> = {}): Promise<Detail> {
  const response = await team.clerk.client.post<Detail>('/api/applications', { typeCode, accountId: household.account.id, ...extra });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  for (const material of materials) {
    const uploaded = await team.clerk.client.post(`/api/applications/${response.body.id}/documents`, { material, file: PHOTO });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  }
  return (await team.clerk.client.get<Detail>(`/api/applications/${response.body.id}`)).body;
}

async function advance(member: TeamMember, detail: Detail, outputs: Record<string, unknown>, expected = 200) {
  const response = await member.client.post<Detail & ErrorBody>(`/api/applications/${detail.id}/advance`, { version: detail.version, stage: detail.currentStage?.code, outputs });
  expect(response.status, JSON.stringify(response.body)).toBe(expected);
  return response.body;
}

/** Moves the clock to 10:00 Beijing time of a day; sessions past their limits end, so everyone logs in again. */
async function dayIs(date: string): Promise<void> {
  environment.clock.set(new Date(`${date}T02:00:00Z`));
  await relogin(environment, utility, [...Object.values(team), billingClerk]);
}

let formerHolder: CustomerWithAccount;
let changed: CustomerWithAccount;
let faulty: CustomerWithAccount;
let sound: CustomerWithAccount;
let removed: CustomerWithAccount;
let prepaidRemoved: CustomerWithAccount;

describe('the households, billed for January and February', () => {
  it('are set up with readings and two regular runs', async () => {
    await dayIs('2026-03-02');
    formerHolder = await givenHousehold();
    changed = await givenHousehold();
    faulty = await givenHousehold();
    sound = await givenHousehold();
    removed = await givenHousehold();
    prepaidRemoved = await givenHousehold();
    await bill('2026-01');
    await bill('2026-02');
    // 10 m³ a month in the first residential tier: water 2.07 + resource 1.57 + sewage 1.36 = 5.00 yuan a m³.
    expect((await billsOf(formerHolder.account.id)).map((row) => [row.period, row.consumption_litres, row.total_fen])).toEqual([
      ['2026-01', 10_000, 5_000],
      ['2026-02', 10_000, 5_000],
    ]);
    await pay(formerHolder.account.id, 5_000);
    for (const household of [sound, faulty, removed]) await pay(household.account.id, 10_000);
    await pay(prepaidRemoved.account.id, 20_000);
  });
});

describe('更名过户: a holder change', () => {
  it('bills the former holder to a final reading, refuses while arrears or an unrefunded balance remain, then moves the account', async () => {
    await dayIs('2026-03-10');
    // The former holder uses the portal; the binding ends with the change.
    const [holder] = await query<{ phone: string }>('SELECT phone FROM customers WHERE id = $1', [formerHolder.customer.id]);
    await environment.loginPortal(utility, holder?.phone as string);
    await query('INSERT INTO account_bindings (tenant_id, portal_user_id, account_id) SELECT $1, id, $2 FROM portal_users WHERE phone = $3', [tenantId(), formerHolder.account.id, holder?.phone]);

    let detail = await apply('holder_change', formerHolder, ['id_card', 'property_proof'], { applicantName: '赵新主', applicantPhone: '13811112222' });
    expect(detail.applicationNo).toMatch(/^GH/);
    detail = await advance(team.clerk, detail, {});

    // A final reading inside the billed February would leave its water to nobody.
    const early = await advance(team.reader, detail, { readOn: '2026-02-20', registerLitres: 16_000 }, 400);
    expect(early.fields.map((field) => field.field)).toEqual(['outputs.readOn']);
    expect(early.fields[0]?.zh).toContain('2026-02-28');
    detail = await advance(team.reader, detail, { readOn: '2026-03-10', registerLitres: 26_000 });

    detail = await advance(billingClerk, detail, {});
    const afterSettlement = await billsOf(formerHolder.account.id);
    const final = afterSettlement.at(-1) as BillRow;
    // 6 m³ from 1 to 10 March, billed to the former holder: 30.00 yuan.
    expect(final).toMatchObject({ kind: 'regular', period: '2026-03', period_start: '2026-03-01', period_end: '2026-03-10', consumption_litres: 6_000, total_fen: 3_000 });
    expect(await balances(formerHolder.account.id)).toEqual({ receivable: 8_000, prepaid: 0 });

    // Arrears (February's 50.00 and the final 30.00) must be cleared before 过户.
    const arrears = await advance(team.clerk, detail, { prepaidHandling: 'carry_over' }, 409);
    expect(arrears.code).toBe('arrears_outstanding');
    expect(arrears.message.zh).toContain('80.00');
    expect(arrears.message.zh).toContain(final.bill_no);
    const [unchanged] = await query<{ customer_id: string }>('SELECT customer_id FROM accounts WHERE id = $1', [formerHolder.account.id]);
    expect(unchanged?.customer_id).toBe(formerHolder.customer.id);

    // Paid with 10.00 yuan over: a refund was chosen, so the balance must be refunded first.
    await pay(formerHolder.account.id, 9_000);
    expect(await balances(formerHolder.account.id)).toEqual({ receivable: 0, prepaid: 1_000 });
    detail = (await team.clerk.client.get<Detail>(`/api/applications/${detail.id}`)).body;
    const unrefunded = await advance(team.clerk, detail, { prepaidHandling: 'refund' }, 409);
    expect([unrefunded.code, unrefunded.fields[0]?.field]).toEqual(['prepaid_not_refunded', 'outputs.prepaidHandling']);

    detail = await advance(team.clerk, detail, { prepaidHandling: 'carry_over', notes: '预存款随户转移' });
    expect(detail.status).toBe('completed');
    const [account] = await query<{ account_no: string; customer_id: string; name: string; phone: string }>(
      'SELECT a.account_no, a.customer_id, c.name, c.phone FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1',
      [formerHolder.account.id],
    );
    expect(account).toMatchObject({ account_no: formerHolder.account.accountNo, name: '赵新主', phone: '13811112222' });
    expect(account?.customer_id).not.toBe(formerHolder.customer.id);
    expect(detail.customerId).toBe(account?.customer_id);
    // The account's history stays with it; the prepaid balance was carried over; the old binding is gone.
    expect((await billsOf(formerHolder.account.id)).length).toBe(3);
    expect(await balances(formerHolder.account.id)).toEqual({ receivable: 0, prepaid: 1_000 });
    expect(await query('SELECT 1 FROM account_bindings WHERE account_id = $1', [formerHolder.account.id])).toEqual([]);
    expect(await auditActions(formerHolder.account.id)).toContain('account.transfer');

    // March's run bills the new holder only from 11 March: the 4 m³ read on 15 March.
    await dayIs('2026-04-02');
    await environment.db.withTenant(tenantId(), (sql) => readings(sql, formerHolder, [['2026-03-15', 30_000]]));
    await bill('2026-03', formerHolder);
    const march = (await billsOf(formerHolder.account.id)).filter((row) => row.period === '2026-03');
    expect(march.map((row) => [row.period_start, row.period_end, row.consumption_litres, row.total_fen])).toEqual([
      ['2026-03-01', '2026-03-10', 6_000, 3_000],
      ['2026-03-11', '2026-03-31', 4_000, 2_000],
    ]);
    // A second run of March bills nobody twice.
    await bill('2026-03', formerHolder);
    expect((await billsOf(formerHolder.account.id)).filter((row) => row.period === '2026-03').length).toBe(2);
    await expectLedgerBalanced();
  });
});

describe('用水性质变更: a category change', () => {
  it('reads the meter at the check, changes the category from that day, and March is billed by days at both tariffs', async () => {
    await dayIs('2026-03-10');
    let detail = await apply('category_change', changed, ['id_card', 'use_proof'], { details: { category: 'non_residential' } });
    detail = await advance(team.clerk, detail, {});
    expect((await team.surveyor.client.post(`/api/applications/${detail.id}/documents`, { stage: 'survey', file: PHOTO })).status).toBe(201);
    detail = (await team.clerk.client.get<Detail>(`/api/applications/${detail.id}`)).body;
    detail = await advance(team.surveyor, detail, { notes: '一楼已改为商铺', readOn: '2026-03-10', registerLitres: 26_000 });
    expect((await query('SELECT 1 FROM readings WHERE account_id = $1 AND read_on = $2', [changed.account.id, '2026-03-10'])).length).toBe(1);

    // A day inside February, already billed, is refused and changes nothing.
    const billed = await advance(billingClerk, detail, { category: 'non_residential', effectiveOn: '2026-02-20' }, 400);
    expect(billed.fields.map((field) => field.field)).toEqual(['outputs.effectiveOn']);
    const same = await advance(billingClerk, detail, { category: 'residential' }, 409);
    expect([same.code, same.fields[0]?.field]).toEqual(['category_unchanged', 'outputs.category']);
    expect((await query<{ category: string }>('SELECT category FROM accounts WHERE id = $1', [changed.account.id]))[0]?.category).toBe('residential');

    detail = await advance(billingClerk, detail, { category: 'non_residential' });
    expect(detail.status).toBe('completed');
    expect(await query('SELECT effective_from::text, category_before, category_after FROM account_category_changes WHERE account_id = $1', [changed.account.id])).toEqual([
      { effective_from: '2026-03-10', category_before: 'residential', category_after: 'non_residential' },
    ]);
    expect(await auditActions(changed.account.id)).toContain('account.category_change');

    await dayIs('2026-04-02');
    await environment.db.withTenant(tenantId(), (sql) => readings(sql, changed, [['2026-03-15', 30_000]]));
    await bill('2026-03', changed);
    const [march] = (await billsOf(changed.account.id)).filter((row) => row.period === '2026-03');
    const lines = await query<{ line_type: string; quantity_litres: number | null; unit_price_fen_per_m3: number | null; amount_fen: number; description: string }>(
      'SELECT line_type, quantity_litres, unit_price_fen_per_m3, amount_fen, description FROM bill_lines WHERE bill_id = $1 ORDER BY line_no',
      [march?.id],
    );
    // 10 m³ read in March: 9 days of 31 residential (floor(10 000 × 9 / 31) = 2 903 litres), 22 days non-residential.
    const water = lines.filter((line) => line.line_type === 'water');
    expect(water.map((line) => [line.quantity_litres, line.unit_price_fen_per_m3])).toEqual([
      [2_903, 207],
      [7_097, 427],
    ]);
    expect(water[0]?.description).toContain('2026-03-01至2026-03-09');
    expect(water[1]?.description).toContain('2026-03-10至2026-03-31');
    // The non-residential meter service fee of 10.00 a month, for 22 of 31 days: 7.10.
    expect(lines.filter((line) => line.line_type === 'fixed').map((line) => line.amount_fen)).toEqual([710]);
    expect(march?.total_fen).toBe(lines.reduce((sum, line) => sum + line.amount_fen, 0));
    await expectLedgerBalanced();
  });
});

describe('校表: a calibration test', () => {
  it('out of tolerance: replaces the meter and re-bills January and February by credit and debit notes', async () => {
    await dayIs('2026-03-10');
    let detail = await apply('calibration', faulty, []);
    detail = await advance(team.clerk, detail, {});
    // +4.00 % in the upper zone is out of tolerance (±2 %): the replacement must be given.
    const missing = await advance(team.builder, detail, { reportNo: 'JD-2026-031', errorUpperZone: 400, errorLowerZone: 300 }, 400);
    expect(missing.fields.map((field) => field.field)).toEqual(['outputs.replacedOn', 'outputs.oldRegisterLitres', 'outputs.newSerialNo', 'outputs.newModel', 'outputs.newInitialReadingLitres']);
    detail = await advance(team.builder, detail, {
      reportNo: 'JD-2026-031',
      errorUpperZone: 400,
      errorLowerZone: 300,
      replacedOn: '2026-03-10',
      oldRegisterLitres: 26_000,
      newSerialNo: 'NEW-0310-01',
      newModel: 'LXS-15E',
      newInitialReadingLitres: 5,
    });
    const meters = await query<{ id: string; serial_no: string; status: string; installed_on: string | null; removed_on: string | null; initial_reading_litres: number }>(
      'SELECT id, serial_no, status, installed_on::text, removed_on::text, initial_reading_litres FROM meters WHERE premise_id = $1 ORDER BY created_at',
      [faulty.premise.id],
    );
    expect(meters.map((meter) => [meter.serial_no, meter.status, meter.removed_on])).toEqual([
      [faulty.meter.serialNo, 'removed', '2026-03-10'],
      ['NEW-0310-01', 'installed', null],
    ]);
    expect(meters[1]).toMatchObject({ installed_on: '2026-03-10', initial_reading_litres: 5 });
    expect(detail.meter?.serialNo).toBe('NEW-0310-01');
    // The old meter's last register closes its use.
    expect(await query('SELECT register_litres, consumption_litres FROM readings WHERE meter_id = $1 AND read_on = $2', [faulty.meter.id, '2026-03-10'])).toEqual([{ register_litres: 26_000, consumption_litres: 6_000 }]);
    expect(await auditActions(faulty.meter.id)).toEqual(expect.arrayContaining(['meter.calibration_test', 'meter.remove']));

    // Whoever tested may not settle; the billing clerk re-bills: 10 m³ registered were 10 000 / 1.04 = 9 615 litres.
    detail = await advance(billingClerk, detail, { notes: '超差退补' });
    expect(detail.status).toBe('completed');
    // Issued in one transaction: in period order, each credit note before its debit note.
    const notes = (await billsOf(faulty.account.id)).filter((row) => row.kind !== 'regular').sort((a, b) => a.period.localeCompare(b.period) || a.kind.localeCompare(b.kind));
    expect(notes.map((row) => [row.kind, row.period, row.consumption_litres, row.total_fen, row.reason])).toEqual([
      ['credit_note', '2026-01', -10_000, -5_000, 'calibration'],
      ['debit_note', '2026-01', 9_615, 4_808, 'calibration'],
      ['credit_note', '2026-02', -10_000, -5_000, 'calibration'],
      ['debit_note', '2026-02', 9_615, 4_808, 'calibration'],
    ]);
    // Both months were paid: the 3.84 yuan billed too much is the customer's credit.
    const money = await balances(faulty.account.id);
    expect(money.receivable - money.prepaid).toBe(-384);
    await expectLedgerBalanced();
  });

  it('within tolerance: the meter stays and the test fee is charged to the account', async () => {
    let detail = await apply('calibration', sound, []);
    detail = await advance(team.clerk, detail, {});
    const stray = await advance(team.builder, detail, { reportNo: 'JD-2026-032', errorUpperZone: 150, errorLowerZone: -420, newSerialNo: 'NEW-0310-02' }, 400);
    expect(stray.fields.map((field) => field.field)).toEqual(['outputs.newSerialNo']);
    detail = await advance(team.builder, detail, { reportNo: 'JD-2026-032', errorUpperZone: 150, errorLowerZone: -420 });
    expect((await query<{ status: string }>('SELECT status FROM meters WHERE id = $1', [sound.meter.id]))[0]?.status).toBe('installed');
    expect((await advance(billingClerk, detail, { notes: '检定合格，收取检定费' })).status).toBe('completed');
    const [fee] = (await billsOf(sound.account.id)).filter((row) => row.kind === 'debit_note');
    expect(fee).toMatchObject({ total_fen: 3_000, reason: 'calibration', consumption_litres: 0 });
    const legs = await query<{ ledger_account: string; debit_fen: number; credit_fen: number }>('SELECT ledger_account, debit_fen, credit_fen FROM ledger_entries WHERE bill_id = $1 ORDER BY debit_fen DESC', [fee?.id]);
    expect(legs).toEqual([
      { ledger_account: 'receivable', debit_fen: 3_000, credit_fen: 0 },
      { ledger_account: 'service_fee_revenue', debit_fen: 0, credit_fen: 3_000 },
    ]);
    expect(await balances(sound.account.id)).toEqual({ receivable: 3_000, prepaid: 0 });
    await expectLedgerBalanced();
  });
});

describe('拆表销户: a removal', () => {
  it('final reading, meter removed, final bill; the account waits closing until the payment that settles it closes it', async () => {
    await dayIs('2026-03-10');
    let detail = await apply('removal', removed, ['id_card', 'property_proof']);
    detail = await advance(team.clerk, detail, {});
    detail = await advance(team.reader, detail, { readOn: '2026-03-10', registerLitres: 26_000 });
    const early = await advance(team.builder, detail, { removedOn: '2026-03-09' }, 400);
    expect(early.fields.map((field) => field.field)).toEqual(['outputs.removedOn']);
    detail = await advance(team.builder, detail, { removedOn: '2026-03-10' });
    expect((await query<{ status: string }>('SELECT status FROM meters WHERE id = $1', [removed.meter.id]))[0]?.status).toBe('removed');
    expect(await query('SELECT 1 FROM route_accounts WHERE account_id = $1', [removed.account.id])).toEqual([]);

    detail = await advance(billingClerk, detail, {});
    expect(detail.status).toBe('completed');
    const final = (await billsOf(removed.account.id)).at(-1);
    expect(final).toMatchObject({ period_start: '2026-03-01', period_end: '2026-03-10', consumption_litres: 6_000, total_fen: 3_000 });
    expect((await query<{ status: string }>('SELECT status FROM accounts WHERE id = $1', [removed.account.id]))[0]?.status).toBe('closing');

    // February's bill was paid; the final one is settled on the 12th, which closes the account that day.
    await dayIs('2026-03-12');
    await pay(removed.account.id, 3_000);
    expect(await query('SELECT status, closed_on::text FROM accounts WHERE id = $1', [removed.account.id])).toEqual([{ status: 'closed', closed_on: '2026-03-12' }]);
    expect(await auditActions(removed.account.id)).toEqual(expect.arrayContaining(['account.closing', 'account.close']));
    await expectLedgerBalanced();
  });

  it('closes at once when the prepaid balance pays the final bill, keeping the rest for a refund', async () => {
    await dayIs('2026-03-10');
    let detail = await apply('removal', prepaidRemoved, ['id_card', 'property_proof']);
    detail = await advance(team.clerk, detail, {});
    detail = await advance(team.reader, detail, { readOn: '2026-03-10', registerLitres: 26_000 });
    detail = await advance(team.builder, detail, { removedOn: '2026-03-10' });
    expect((await advance(billingClerk, detail, { notes: '预存抵扣后销户' })).status).toBe('completed');
    expect(await query('SELECT status, closed_on::text FROM accounts WHERE id = $1', [prepaidRemoved.account.id])).toEqual([{ status: 'closed', closed_on: '2026-03-10' }]);
    // 200.00 paid against 100.00 of bills and the 30.00 final bill: 70.00 left to refund.
    expect(await balances(prepaidRemoved.account.id)).toEqual({ receivable: 0, prepaid: 7_000 });
    await expectLedgerBalanced();
  });
});
