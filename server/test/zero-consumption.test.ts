import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvField } from '../src/modules/analytics/zero-consumption';
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
