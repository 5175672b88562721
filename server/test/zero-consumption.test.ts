import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../src/modules/analytics/zero-consumption';
import { ensureApplicationTypes } from '../src/modules/applications';
import { givenBill } from './bill-factory';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Report {
  periods: string[];
  total: number;
  rows: { accountNo: string; customerName: string; district: string; openedOn: string; meters: { serialNo: string; installedOn: string | null }[]; lastUsePeriod: string | null }[];
}

let environment: TestEnvironment;
let utility: Utility;
let manager: Client;
const household: Record<'zero' | 'usedInJanuary' | 'missingBill' | 'neverUsed' | 'closed', CustomerWithAccount> = {} as never;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('zero-use');
  const bill = (who: CustomerWithAccount, period: string, litres: number) => givenBill(environment, utility, who.account.id, { period, consumptionLitres: litres });
  household.zero = await givenCustomerWithAccount(environment, utility, { name: '零用水甲' });
  household.usedInJanuary = await givenCustomerWithAccount(environment, utility, { name: '一月用水' });
  household.missingBill = await givenCustomerWithAccount(environment, utility, { name: '缺账单' });
  household.neverUsed = await givenCustomerWithAccount(environment, utility, { name: '从未用水' });
  household.closed = await givenCustomerWithAccount(environment, utility, { name: '已销户' });
  await environment.db.withTenant(utility.tenant.id, async (sql) => {
    await sql.query("UPDATE premises SET district = '汉阳区' WHERE id = $1", [household.neverUsed.premise.id]);
    await sql.query("UPDATE accounts SET status = 'closed' WHERE id = $1", [household.closed.account.id]);
  });
  await bill(household.zero, '2025-11', 8_000);
  for (const period of ['2025-12', '2026-01', '2026-02']) {
    await bill(household.zero, period, 0);
    await bill(household.usedInJanuary, period, period === '2026-01' ? 3_000 : 0);
    await bill(household.neverUsed, period, 0);
    await bill(household.closed, period, 0);
    if (period !== '2025-12') await bill(household.missingBill, period, 0);
  }
  manager = await environment.loginStaff(utility, 'manager');
});
afterAll(() => environment.close());

const report = (query: string) => manager.get<Report>(`/api/reports/zero-consumption?${query}`);

describe('the zero-consumption report (零水量用户)', () => {
  it('lists the open accounts with no use in each of the last three billed periods, with meter and opening dates', async () => {
    const response = await report('periods=3');
    expect(response.status).toBe(200);
    expect(response.body.periods).toEqual(['2026-02', '2026-01', '2025-12']);
    // By district (in code-point order, the same on every database), then account number.
    expect(response.body.rows.map((row) => row.customerName)).toEqual(['从未用水', '零用水甲']);
    expect(response.body.total).toBe(2);
    const [never, zero] = response.body.rows;
    expect(zero).toMatchObject({ accountNo: household.zero.account.accountNo, district: '江岸区', lastUsePeriod: '2025-11', openedOn: household.zero.account.openedOn });
    expect(zero?.meters).toEqual([{ serialNo: household.zero.meter.serialNo, installedOn: '2024-05-01' }]);
    expect(never).toMatchObject({ district: '汉阳区', lastUsePeriod: null });
  });

  it('looks at as many periods as asked, and filters by district', async () => {
    expect((await report('periods=1')).body.rows.map((row) => row.customerName)).toEqual(['从未用水', '零用水甲', '一月用水', '缺账单']);
    expect((await report('periods=4')).body.rows).toEqual([]);
    expect((await report('periods=3&district=' + encodeURIComponent('汉阳区'))).body.rows.map((row) => row.customerName)).toEqual(['从未用水']);
  });

  it('pages', async () => {
    const first = await report('periods=1&pageSize=3&page=1');
    const second = await report('periods=1&pageSize=3&page=2');
    expect(first.body.total).toBe(4);
    expect([...first.body.rows, ...second.body.rows].map((row) => row.customerName)).toEqual(['从未用水', '零用水甲', '一月用水', '缺账单']);
  });

  it('exports CSV for Excel (UTF-8 with BOM), and is refused without report.read', async () => {
    const response = await manager.get<string>('/api/reports/zero-consumption.csv?periods=3');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="zero-consumption-2026-02.csv"');
    const lines = response.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(response.body.startsWith('\uFEFF户号,')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',从未用水,汉阳区,');
    expect(lines[1]).toContain(',从未用水,2025-12 2026-01 2026-02');
    expect(lines[2]).toContain(`${household.zero.account.accountNo},零用水甲,江岸区,`);
    expect(lines[2]).toContain(',2025-11,2025-12 2026-01 2026-02');
    const clerk = await environment.loginStaff(utility, 'counter_clerk');
    expect((await clerk.get('/api/reports/zero-consumption.csv')).status).toBe(403);
    expect((await clerk.get('/api/reports/zero-consumption')).status).toBe(403);
  });

  it('quotes CSV fields and never lets one be read as a formula', () => {
    expect(csvField('江岸区')).toBe('江岸区');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe("'-1");
  });
});

describe('new connections in the zero-consumption report (报装 → 立户 → 首次抄表)', () => {
  interface FlaggedReport {
    firstReadingDays: number;
    today: string;
    total: number;
    rows: {
      customerName: string;
      isZeroUse: boolean;
      newConnection: { applicationNo: string; status: string; stage: { code: string; name: string } | null; submittedOn: string; finishedOn: string | null } | null;
      firstReadOn: string | null;
      firstReadingDueOn: string | null;
      isFirstReadingOverdue: boolean;
    }[];
  }
  let town: Utility;
  let townManager: Client;
  let serial = 0;

  /** A household whose account was opened on a day, by a new-connection application standing as given. */
  async function connectedOn(name: string, openedOn: string, application: { status: 'in_progress' | 'completed'; finishedAt?: string }) {
    const household = await givenCustomerWithAccount(environment, town, { name });
    serial += 1;
    const applicationNo = `BZ${openedOn.replaceAll('-', '')}${String(serial).padStart(5, '0')}`;
    await environment.db.withTenant(town.tenant.id, async (sql) => {
      await ensureApplicationTypes(sql, town.tenant.id);
      await sql.query('UPDATE accounts SET opened_on = $2 WHERE id = $1', [household.account.id, openedOn]);
      await sql.query(
        `INSERT INTO applications (tenant_id, application_no, type_id, channel, status, current_position, customer_id, applicant_name, applicant_phone, premise_id, address, account_id, meter_id,
           stage_started_at, stage_due_at, due_at, created_by, submitted_at, finished_at)
         SELECT $1, $2, t.id, 'counter', $3::text, CASE WHEN $3::text = 'in_progress' THEN s.position END, $4, $5, '13600001111', $6, '测试地址', $7, $8,
           CASE WHEN $3::text = 'in_progress' THEN $9::timestamptz END, CASE WHEN $3::text = 'in_progress' THEN $9::timestamptz + interval '7 days' END,
           $9::timestamptz + interval '60 days', 'test', $9::timestamptz - interval '40 days', $10::timestamptz
         FROM application_types t JOIN application_stages s ON s.type_id = t.id AND s.code = 'first_reading' WHERE t.code = 'new_connection'`,
        [town.tenant.id, applicationNo, application.status, household.customer.id, name, household.premise.id, household.account.id, household.meter.id, `${openedOn}T02:00:00Z`, application.finishedAt ?? null],
      );
    });
    return { household, applicationNo };
  }

  async function readingOf(who: CustomerWithAccount, readOn: string, source: 'handheld' | 'estimate' = 'handheld') {
    await environment.db.withTenant(town.tenant.id, (sql) =>
      sql.query("INSERT INTO readings (tenant_id, account_id, meter_id, read_on, read_at, register_litres, source, status) VALUES ($1, $2, $3, $4, $5, 0, $6, $7)", [
        town.tenant.id, who.account.id, who.meter.id, readOn, `${readOn}T02:00:00Z`, source, source === 'estimate' ? 'estimated' : 'accepted',
      ]),
    );
  }

  const flagged = (query: string) => townManager.get<FlaggedReport>(`/api/reports/zero-consumption?${query}`);
  const connections: Record<string, { household: CustomerWithAccount; applicationNo: string }> = {};

  beforeAll(async () => {
    town = await environment.givenUtility('zero-new');
    const bill = (who: CustomerWithAccount, period: string, litres: number) => givenBill(environment, town, who.account.id, { period, consumptionLitres: litres });
    // Today is 2 March 2026; a first reading is due within 45 days of opening by default.
    connections.waiting = await connectedOn('待首抄', '2026-01-01', { status: 'in_progress' });
    connections.recent = await connectedOn('刚立户', '2026-02-20', { status: 'in_progress' });
    connections.readInTime = await connectedOn('按时首抄', '2025-11-20', { status: 'completed', finishedAt: '2025-11-30T08:00:00Z' });
    connections.readLate = await connectedOn('逾期首抄', '2025-11-01', { status: 'completed', finishedAt: '2026-01-10T08:00:00Z' });
    connections.estimatedOnly = await connectedOn('仅估抄', '2026-01-01', { status: 'in_progress' });
    const plain = await givenCustomerWithAccount(environment, town, { name: '普通零用水' });
    await readingOf(connections.readInTime.household, '2025-11-30');
    await readingOf(connections.readLate.household, '2026-01-10');
    await readingOf(connections.estimatedOnly.household, '2026-02-01', 'estimate');
    for (const period of ['2025-12', '2026-01', '2026-02']) {
      await bill(connections.readInTime.household, period, 0);
      await bill(connections.readLate.household, period, 0);
      await bill(plain, period, 0);
    }
    townManager = await environment.loginStaff(town, 'manager');
  });

  it('shows each account’s new-connection application (number, stage or completion date), and lists unread connections past the period even without bills', async () => {
    const response = await flagged('periods=3');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ firstReadingDays: 45, today: '2026-03-02' });
    const byName = Object.fromEntries(response.body.rows.map((row) => [row.customerName, row]));
    // Not 刚立户: opened 10 days ago, still within its period.
    expect(Object.keys(byName).sort()).toEqual(['仅估抄', '待首抄', '按时首抄', '普通零用水', '逾期首抄'].sort());
    expect(byName['待首抄']).toMatchObject({
      isZeroUse: false,
      newConnection: { applicationNo: connections.waiting?.applicationNo, status: 'in_progress', stage: { code: 'first_reading', name: '首次抄表' }, finishedOn: null },
      firstReadOn: null,
      firstReadingDueOn: '2026-02-15',
      isFirstReadingOverdue: true,
    });
    // An estimate is no reading.
    expect(byName['仅估抄']).toMatchObject({ firstReadOn: null, isFirstReadingOverdue: true });
    expect(byName['按时首抄']).toMatchObject({ isZeroUse: true, newConnection: { status: 'completed', stage: null, finishedOn: '2025-11-30' }, firstReadOn: '2025-11-30', isFirstReadingOverdue: false });
    // Read, but only after its 45 days (due 16 December): flagged, and listed anyway for its zero use.
    expect(byName['逾期首抄']).toMatchObject({ isZeroUse: true, newConnection: { finishedOn: '2026-01-10' }, firstReadOn: '2026-01-10', firstReadingDueOn: '2025-12-16', isFirstReadingOverdue: true });
    expect(byName['普通零用水']).toMatchObject({ isZeroUse: true, newConnection: null, firstReadingDueOn: null, isFirstReadingOverdue: false });
  });

  it('filters to the flagged connections, exports them, and follows the utility’s own period', async () => {
    expect((await flagged('periods=3&onlyFlagged=true')).body.rows.map((row) => row.customerName).sort()).toEqual(['仅估抄', '待首抄', '逾期首抄'].sort());
    const csv = await townManager.get<string>('/api/reports/zero-consumption.csv?periods=3&onlyFlagged=true');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain(',报装申请号,报装办理情况,首次抄表日期,首次抄表期限（开户后45天）,标记');
    expect(lines.find((line) => line.includes('待首抄'))).toContain(`,${connections.waiting?.applicationNo},办理中：首次抄表,,2026-02-15,新装表逾期未抄表`);
    expect(lines.find((line) => line.includes('逾期首抄'))).toContain(',已办结 2026-01-10,2026-01-10,2025-12-16,新装表逾期才抄表');

    // The utility allows 70 days: 待首抄 and 仅估抄 (opened 1 January) are due 12 March, 逾期首抄 was read on its 70th day.
    const admin = await environment.loginStaff(town, 'admin');
    const settings = await admin.get<{ version: number }>('/api/application-settings');
    expect((await admin.patch('/api/application-settings', { version: settings.body.version, firstReadingDays: 70 })).status).toBe(200);
    const relaxed = await flagged('periods=3');
    expect(relaxed.body.firstReadingDays).toBe(70);
    expect(relaxed.body.rows.map((row) => row.customerName).sort()).toEqual(['按时首抄', '普通零用水', '逾期首抄'].sort());
    expect(relaxed.body.rows.every((row) => !row.isFirstReadingOverdue)).toBe(true);
    expect((await flagged('periods=3&onlyFlagged=true')).body.rows).toEqual([]);
  });

  it('shows one utility nothing of another’s connections', async () => {
    const names = (await report('periods=1')).body.rows.map((row) => row.customerName);
    expect(names).toEqual(['从未用水', '零用水甲', '一月用水', '缺账单']);
  });
});
