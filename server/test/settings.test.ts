import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface SettingsBody {
  version: number;
  updatedBy: string | null;
  reading: { rotationTermMonths: number; rotationNoticeDays: number };
}

let environment: TestEnvironment;
let utility: Utility;
let admin: Client;
let supervisor: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('settings');
  admin = await environment.loginStaff(utility, 'admin');
  supervisor = await environment.loginStaff(utility, 'reading_supervisor');
});
afterAll(() => environment.close());

describe("a utility's own rules", () => {
  it('start at the documented defaults, change with optimistic locking, and are audited', async () => {
    const initial = await admin.get<SettingsBody>('/api/settings');
    expect(initial.status).toBe(200);
    expect(initial.body.reading).toEqual({ rotationTermMonths: 12, rotationNoticeDays: 30 });
    const changed = await admin.patch<SettingsBody>('/api/settings', { version: initial.body.version, reading: { rotationTermMonths: 6 } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: initial.body.version + 1, reading: { rotationTermMonths: 6, rotationNoticeDays: 30 } });
    const stale = await admin.patch<ErrorBody>('/api/settings', { version: initial.body.version, reading: { rotationTermMonths: 7 } });
    expect(stale.status).toBe(409);
    const bad = await admin.patch<ErrorBody>('/api/settings', { version: changed.body.version, reading: { rotationTermMonths: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0]?.field).toContain('rotationTermMonths');
    const unknown = await admin.patch<ErrorBody>('/api/settings', { version: changed.body.version, reading: { rotationYears: 1 } });
    expect(unknown.status).toBe(400);
    const audit = await environment.ownerQuery<{ before: unknown; after: unknown }>("SELECT before, after FROM audit_log WHERE tenant_id = $1 AND action = 'settings.update'", [utility.tenant.id]);
    expect(audit).toEqual([{ before: { 'reading.rotationTermMonths': 12 }, after: { 'reading.rotationTermMonths': 6 } }]);
  });

  it('the rotation term set by the utility is the one routes are held to', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '轮换户' });
    const created = await supervisor.post<{ route: { id: string } }>('/api/routes', { code: 'ST-01', name: '设置测试抄表本', readingDay: 5 });
    const routeId = created.body.route.id;
    await supervisor.post(`/api/routes/${routeId}/accounts`, { accountNos: [home.account.accountNo] });
    // The term is now 6 months: an assignment of 7 months is refused, one of 6 taken.
    const tooLong = await supervisor.post<ErrorBody>(`/api/routes/${routeId}/assignments`, { staffId: utility.staff.meter_reader.id, duty: 'reader', startsOn: '2025-10-01', endsOn: '2026-04-30' });
    expect(tooLong.body).toMatchObject({ code: 'rotation_rule', fields: [{ field: 'endsOn' }] });
    const fits = await supervisor.post<{ termMonths: number }>(`/api/routes/${routeId}/assignments`, { staffId: utility.staff.meter_reader.id, duty: 'reader', startsOn: '2025-10-01', endsOn: '2026-03-31' });
    expect(fits.status).toBe(201);
    expect(fits.body.termMonths).toBe(6);
  });
});

describe('an account that changes class', () => {
  it('loses the water-use category of its old class, so the new class’s default applies', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '改类户' });
    const clerk = await environment.loginStaff(utility, 'billing_clerk');
    const category = await clerk.post<{ id: string }>('/api/water-categories', { code: 'RES_ELDER', name: '居民（养老机构）', nameEn: 'Residential (care home)', accountClass: 'residential' });
    expect(category.status).toBe(201);
    const [before] = await environment.ownerQuery<{ version: number }>('SELECT version FROM accounts WHERE id = $1', [home.account.id]);
    const set = await clerk.patch<{ version: number; waterCategoryId: string | null }>(`/api/accounts/${home.account.id}/water-category`, { version: before?.version, waterCategoryId: category.body.id });
    expect(set.body.waterCategoryId).toBe(category.body.id);
    const connection = await environment.loginStaff(utility, 'connection_staff');
    const moved = await connection.patch(`/api/accounts/${home.account.id}`, { version: set.body.version, category: 'non_residential' });
    expect(moved.status).toBe(200);
    const after = await environment.ownerQuery<{ category: string; water_category_id: string | null }>('SELECT category, water_category_id FROM accounts WHERE id = $1', [home.account.id]);
    expect(after).toEqual([{ category: 'non_residential', water_category_id: null }]);
  });
});
