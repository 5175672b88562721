import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTariffBook, seedDemoTariffs, type TariffDefinition } from '../src/modules/tariffs';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount, type CustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

// The tariff API as a billing clerk uses it, on a real database. The clock stands at 2026-03-02.

interface Category {
  id: string;
  code: string;
  accountClass: string;
  isDefaultForClass: boolean;
  isActive: boolean;
  currentVersion: { id: string; version: number; effectiveFrom: string; effectiveTo: string | null } | null;
  nextVersion: { id: string; version: number; effectiveFrom: string } | null;
  versionCount: number;
}
interface Version {
  id: string;
  version: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  status: string;
  definition: TariffDefinition;
  withdrawalReason: string | null;
}
interface Preview {
  totalFen: number;
  lines: { lineType: string; tier: number | null; quantityLitres: number | null; amountFen: number; tariffVersionId: string; description: string }[];
  versions: { id: string; version: number }[];
}

const BEIJING: TariffDefinition = {
  tierBasis: 'annual',
  tiers: [
    { upToLitresPerYearOrMonth: 180_000, waterPriceFenPerM3: 207 },
    { upToLitresPerYearOrMonth: 260_000, waterPriceFenPerM3: 407 },
    { upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 607 },
  ],
  household: { baseSize: 4, extraLitresPerPersonPerTier: [30_000, 30_000] },
  surcharges: [
    { code: 'resource', name: '水资源费', priceFenPerM3: 157 },
    { code: 'sewage', name: '污水处理费', priceFenPerM3: 136 },
  ],
  fixedCharges: [],
  quota: null,
};
const dearer = (definition: TariffDefinition, fen: number): TariffDefinition => ({
  ...definition,
  tiers: definition.tiers.map((tier) => ({ ...tier, waterPriceFenPerM3: tier.waterPriceFenPerM3 + fen })),
});

let environment: TestEnvironment;
let utility: Utility;
let clerk: Client;
let counter: Client;
let household: CustomerWithAccount;
let residential: Category;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('tariffs');
  clerk = await environment.loginStaff(utility, 'billing_clerk');
  counter = await environment.loginStaff(utility, 'counter_clerk');
  household = await givenCustomerWithAccount(environment, utility);
});
afterAll(() => environment.close());

const auditOf = (objectId: string) =>
  environment.db.withTenant(utility.tenant.id, (sql) =>
    sql.query<{ action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; actor_name: string }>(
      'SELECT action, before, after, actor_name FROM audit_log WHERE object_id = $1 ORDER BY seq',
      [objectId],
    ),
  );

describe('water-use categories', () => {
  it('are created by the billing clerk, one default per class, and audited', async () => {
    const created = await clerk.post<Category>('/api/water-categories', { code: 'RES', name: '居民生活用水', nameEn: 'Residential', accountClass: 'residential', isDefaultForClass: true });
    expect(created.status).toBe(201);
    residential = created.body;
    expect(residential).toMatchObject({ code: 'RES', isDefaultForClass: true, isActive: true, currentVersion: null, versionCount: 0 });

    const second = await clerk.post<Category>('/api/water-categories', { code: 'RES_LOW', name: '低保户用水', nameEn: 'Low-income households', accountClass: 'residential', isDefaultForClass: true });
    expect(second.status).toBe(201);
    const list = await counter.get<{ categories: Category[] }>('/api/water-categories');
    expect(list.body.categories.map((category) => [category.code, category.isDefaultForClass])).toEqual([['RES', false], ['RES_LOW', true]]);
    // The default goes back to RES; the flag cannot simply be taken away from the default.
    expect((await clerk.patch(`/api/water-categories/${residential.id}`, { isDefaultForClass: true })).status).toBe(200);
    const refused = await clerk.patch<ErrorBody>(`/api/water-categories/${residential.id}`, { isDefaultForClass: false });
    expect([refused.status, refused.body.fields[0]?.field]).toEqual([400, 'isDefaultForClass']);
    const deactivated = await clerk.patch<Category>(`/api/water-categories/${second.body.id}`, { isActive: false, name: '低保户用水（停用）' });
    expect(deactivated.body).toMatchObject({ isActive: false, isDefaultForClass: false });
    expect((await auditOf(second.body.id)).map((entry) => entry.action)).toEqual(['water_category.create', 'water_category.update', 'water_category.update']);
  });

  it('refuse a code in use, with the field named', async () => {
    const duplicate = await clerk.post<ErrorBody>('/api/water-categories', { code: 'RES', name: '重复', nameEn: 'Duplicate', accountClass: 'residential' });
    expect([duplicate.status, duplicate.body.code, duplicate.body.fields[0]?.field]).toEqual([409, 'duplicate_code', 'code']);
    const malformed = await clerk.post<ErrorBody>('/api/water-categories', { code: 'res', name: '小写', nameEn: 'Lower', accountClass: 'residential' });
    expect([malformed.status, malformed.body.fields[0]?.field]).toEqual([400, 'code']);
  });
});

describe('tariff versions', () => {
  it('check the definition and name each broken rule’s field in Chinese and English', async () => {
    const bad: TariffDefinition = {
      ...BEIJING,
      tiers: [
        { upToLitresPerYearOrMonth: 180_000, waterPriceFenPerM3: 207 },
        { upToLitresPerYearOrMonth: 150_000, waterPriceFenPerM3: 107 },
        { upToLitresPerYearOrMonth: 300_000, waterPriceFenPerM3: 607 },
      ],
    };
    const response = await clerk.post<ErrorBody>(`/api/water-categories/${residential.id}/tariff-versions`, { effectiveFrom: '2024-01-01', definition: bad });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual(
      expect.arrayContaining([
        { field: 'definition.tiers.1.upToLitresPerYearOrMonth', zh: '必须大于上一阶梯的上限', en: 'must be above the previous tier’s upper bound' },
        { field: 'definition.tiers.1.waterPriceFenPerM3', zh: '阶梯单价不得低于上一阶梯', en: 'may not be below the previous tier’s price' },
        { field: 'definition.tiers.2.upToLitresPerYearOrMonth', zh: '最后一个阶梯不设上限', en: 'the last tier must be open-ended (no upper bound)' },
      ]),
    );
    const fractional = await clerk.post<ErrorBody>(`/api/water-categories/${residential.id}/tariff-versions`, {
      effectiveFrom: '2024-01-01',
      definition: { ...BEIJING, tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 5.5 }] },
    });
    expect(fractional.body.fields.map((field) => field.field)).toContain('definition.tiers.0.waterPriceFenPerM3');
  });

  it('follow one another: a new version starts after the current one and closes it', async () => {
    const first = await clerk.post<Version>(`/api/water-categories/${residential.id}/tariff-versions`, { effectiveFrom: '2024-01-01', definition: BEIJING, note: '北京居民阶梯水价' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, effectiveFrom: '2024-01-01', effectiveTo: null, status: 'current' });
    const early = await clerk.post<ErrorBody>(`/api/water-categories/${residential.id}/tariff-versions`, { effectiveFrom: '2024-01-01', definition: dearer(BEIJING, 30) });
    expect([early.status, early.body.fields[0]?.field]).toEqual([400, 'effectiveFrom']);

    const second = await clerk.post<Version>(`/api/water-categories/${residential.id}/tariff-versions`, { effectiveFrom: '2026-07-01', definition: dearer(BEIJING, 30) });
    expect(second.body).toMatchObject({ version: 2, effectiveFrom: '2026-07-01', effectiveTo: null, status: 'scheduled' });
    const history = await counter.get<{ category: Category; versions: Version[] }>(`/api/water-categories/${residential.id}/tariff-versions`);
    expect(history.body.versions.map((version) => [version.version, version.effectiveFrom, version.effectiveTo, version.status])).toEqual([
      [2, '2026-07-01', null, 'scheduled'],
      [1, '2024-01-01', '2026-07-01', 'current'],
    ]);
    expect(history.body.category).toMatchObject({ currentVersion: { version: 1 }, nextVersion: { version: 2 }, versionCount: 2 });
    const audit = await auditOf(second.body.id);
    expect(audit[0]).toMatchObject({ action: 'tariff_version.create', before: { category: 'RES', previousVersion: 1, previousEffectiveTo: null }, after: { version: 2, previousEffectiveTo: '2026-07-01' } });
  });

  it('never change in the database, except for the end date and a withdrawal', async () => {
    const [version] = (await counter.get<{ versions: Version[] }>(`/api/water-categories/${residential.id}/tariff-versions`)).body.versions.slice(-1);
    const refusal = (statement: string) =>
      environment.db
        .withTenant(utility.tenant.id, (sql) => sql.query(statement, [version?.id]))
        .then(
          () => 'done',
          (error: { code?: string }) => error.code,
        );
    expect(await refusal(`UPDATE tariff_versions SET definition = '{}' WHERE id = $1`)).toBe('42501');
    expect(await refusal(`UPDATE tariff_versions SET effective_from = '2023-01-01' WHERE id = $1`)).toBe('42501');
    expect(await refusal('DELETE FROM tariff_versions WHERE id = $1')).toBe('42501');
    expect(await environment.ownerQuery('DELETE FROM tariff_versions WHERE id = $1', [version?.id]).then(() => 'done', (error: { code?: string }) => error.code)).toBe('42501');
  });

  it('may be withdrawn only before their first day, the latest first; the one before runs on', async () => {
    const history = async () => (await counter.get<{ versions: Version[] }>(`/api/water-categories/${residential.id}/tariff-versions`)).body.versions;
    const [scheduled, current] = await history();
    const third = await clerk.post<Version>(`/api/water-categories/${residential.id}/tariff-versions`, { effectiveFrom: '2027-01-01', definition: dearer(BEIJING, 60) });
    const notLatest = await clerk.post<ErrorBody>(`/api/tariff-versions/${scheduled?.id}/withdraw`, { reason: '价格听证未通过' });
    expect([notLatest.status, notLatest.body.code]).toEqual([409, 'not_latest_version']);
    expect((await clerk.post(`/api/tariff-versions/${third.body.id}/withdraw`, { reason: '录入有误' })).status).toBe(200);
    const withdrawn = await clerk.post<Version>(`/api/tariff-versions/${scheduled?.id}/withdraw`, { reason: '价格听证未通过' });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawalReason: '价格听证未通过' });
    const inEffect = await clerk.post<ErrorBody>(`/api/tariff-versions/${current?.id}/withdraw`, { reason: '试试看' });
    expect([inEffect.status, inEffect.body.code]).toEqual([409, 'version_in_effect']);
    expect((await history()).map((version) => [version.version, version.status, version.effectiveTo])).toEqual([
      [3, 'withdrawn', null],
      [2, 'withdrawn', null], // open again once version 3 was withdrawn, then withdrawn itself
      [1, 'current', null],
    ]);
    // The price change is decided again as version 4: numbers are never reused.
    const again = await clerk.post<Version>(`/api/water-categories/${residential.id}/tariff-versions`, { effectiveFrom: '2026-07-01', definition: dearer(BEIJING, 30) });
    expect(again.body.version).toBe(4);
    expect((await auditOf(scheduled?.id ?? '')).map((entry) => entry.action)).toEqual(['tariff_version.create', 'tariff_version.withdraw']);
  });

  it('may not start inside a period already billed under the version before', async () => {
    const category = (await clerk.post<Category>('/api/water-categories', { code: 'SPEC', name: '特种行业用水', nameEn: 'Special', accountClass: 'special', isDefaultForClass: true })).body;
    const flat: TariffDefinition = { ...BEIJING, tierBasis: 'flat', tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 4_207 }], household: null };
    const first = (await clerk.post<Version>(`/api/water-categories/${category.id}/tariff-versions`, { effectiveFrom: '2025-01-01', definition: flat })).body;
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      const [bill] = await sql.query<{ id: string }>(
        `INSERT INTO bills (tenant_id, bill_no, account_id, period, period_start, period_end, consumption_litres, total_fen, issued_on, due_on, created_at)
         VALUES ($1, 'B202601-1', $2, '2026-01', '2026-01-01', '2026-01-31', 1000, 4500, '2026-02-01', '2026-02-28', now()) RETURNING id`,
        [utility.tenant.id, household.account.id],
      );
      await sql.query(
        `INSERT INTO bill_lines (tenant_id, bill_id, line_no, line_type, quantity_litres, unit_price_fen_per_m3, amount_fen, tariff_version_id, description)
         VALUES ($1, $2, 1, 'water', 1000, 4207, 4207, $3, '水费')`,
        [utility.tenant.id, bill?.id, first.id],
      );
    });
    const retroactive = await clerk.post<ErrorBody>(`/api/water-categories/${category.id}/tariff-versions`, { effectiveFrom: '2026-01-15', definition: flat });
    expect([retroactive.status, retroactive.body.code, retroactive.body.fields[0]?.field]).toEqual([409, 'period_already_billed', 'effectiveFrom']);
    expect((await clerk.post(`/api/water-categories/${category.id}/tariff-versions`, { effectiveFrom: '2026-02-01', definition: flat })).status).toBe(201);
  });
});

describe('the preview calculator', () => {
  it('prices 200 m³ in a year at 1,040.00 yuan with the water, resource and sewage lines', async () => {
    const preview = await counter.post<Preview>('/api/tariffs/preview', {
      waterCategoryId: residential.id, periodStart: '2026-01-01', periodEnd: '2026-06-30', consumptionLitres: 200_000, householdSize: 3,
    });
    expect(preview.status).toBe(200);
    expect(preview.body.totalFen).toBe(104_000);
    expect(preview.body.lines.map((line) => [line.description, line.amountFen])).toEqual([
      ['水费（第一阶梯）', 37_260],
      ['水费（第二阶梯）', 8_140],
      ['水资源费', 31_400],
      ['污水处理费', 27_200],
    ]);
  });

  it('prorates across the price change by days, naming each version', async () => {
    const preview = await counter.post<Preview>('/api/tariffs/preview', {
      waterCategoryId: residential.id, periodStart: '2026-06-16', periodEnd: '2026-07-15', consumptionLitres: 30_000, householdSize: 3, usedEarlierInTierYearLitres: 100_000,
    });
    expect(preview.body.versions.map((version) => version.version)).toEqual([1, 4]);
    expect(preview.body.lines.filter((line) => line.lineType === 'water').map((line) => [line.quantityLitres, line.amountFen, line.description])).toEqual([
      [15_000, 3_105, '水费（第一阶梯，2026-06-16至2026-06-30）'],
      [15_000, 3_555, '水费（第一阶梯，2026-07-01至2026-07-15）'],
    ]);
  });

  it('says when no tariff is in effect', async () => {
    const preview = await counter.post<ErrorBody>('/api/tariffs/preview', {
      waterCategoryId: residential.id, periodStart: '2023-12-01', periodEnd: '2024-01-31', consumptionLitres: 1_000, householdSize: 3,
    });
    expect([preview.status, preview.body.code]).toEqual([400, 'no_tariff_in_effect']);
    const long = await counter.post<ErrorBody>('/api/tariffs/preview', {
      waterCategoryId: residential.id, periodStart: '2025-01-01', periodEnd: '2026-06-30', consumptionLitres: 1_000, householdSize: 3,
    });
    expect([long.status, long.body.fields[0]?.field]).toEqual([400, 'periodEnd']);
  });
});

describe("an account's category", () => {
  it('is set by account.write, must match the class, checks the version, and is audited', async () => {
    const low = (await counter.get<{ categories: Category[] }>('/api/water-categories')).body.categories.find((category) => category.code === 'RES_LOW');
    expect((await clerk.patch(`/api/water-categories/${low?.id}`, { isActive: true })).status).toBe(200);
    const special = (await counter.get<{ categories: Category[] }>('/api/water-categories')).body.categories.find((category) => category.code === 'SPEC');
    const url = `/api/accounts/${household.account.id}/water-category`;
    const set = await counter.patch<{ waterCategoryId: string; effectiveWaterCategory: { code: string }; version: number }>(url, { version: household.account.version, waterCategoryId: low?.id });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ waterCategoryId: low?.id, effectiveWaterCategory: { code: 'RES_LOW' }, version: household.account.version + 1 });
    const stale = await counter.patch<ErrorBody>(url, { version: household.account.version, waterCategoryId: null });
    expect([stale.status, stale.body.code]).toEqual([409, 'stale_version']);
    const wrongClass = await counter.patch<ErrorBody>(url, { version: set.body.version, waterCategoryId: special?.id });
    expect([wrongClass.status, wrongClass.body.fields[0]?.field]).toEqual([400, 'waterCategoryId']);
    const cleared = await counter.patch<{ waterCategoryId: string | null; effectiveWaterCategory: { code: string } }>(url, { version: set.body.version, waterCategoryId: null });
    expect(cleared.body).toMatchObject({ waterCategoryId: null, effectiveWaterCategory: { code: 'RES' } });
    const audit = (await auditOf(household.account.id)).filter((entry) => entry.action === 'account.water_category');
    expect(audit.map((entry) => [entry.before, entry.after])).toEqual([
      [{ waterCategory: null }, { waterCategory: 'RES_LOW' }],
      [{ waterCategory: 'RES_LOW' }, { waterCategory: null }],
    ]);
    expect((await environment.loginStaff(utility, 'hotline_agent').then((agent) => agent.patch(url, { version: 1, waterCategoryId: null }))).status).toBe(403);
  });
});

describe('the tariff book a billing run loads', () => {
  it('finds the category of each account and the versions of a period, in one query', async () => {
    const categories = (await counter.get<{ categories: Category[] }>('/api/water-categories')).body.categories;
    const code = (id: string | null) => categories.find((category) => category.id === id)?.code ?? null;
    const low = categories.find((category) => category.code === 'RES_LOW')?.id ?? null;
    const special = categories.find((category) => category.code === 'SPEC')?.id ?? null;
    const book = await environment.db.withTenant(utility.tenant.id, (sql) => loadTariffBook(sql, '2026-06-01', '2026-07-31'));
    expect(code(book.waterCategoryFor({ accountClass: 'residential', waterCategoryId: null }))).toBe('RES');
    expect(code(book.waterCategoryFor({ accountClass: 'residential', waterCategoryId: low }))).toBe('RES_LOW');
    // A category of another class (the account's class changed since) gives way to the class default.
    expect(code(book.waterCategoryFor({ accountClass: 'residential', waterCategoryId: special }))).toBe('RES');
    expect(book.waterCategoryFor({ accountClass: 'non_residential', waterCategoryId: null })).toBeNull();
    const both = book.versionsFor(residential.id, '2026-06-01', '2026-07-31');
    expect(both.map((version) => version.version)).toEqual([1, 4]);
    expect(book.versionsFor(residential.id, '2026-06-01', '2026-07-31')).toBe(both);
    expect(book.versionsFor(residential.id, '2026-06-01', '2026-06-30').map((version) => version.version)).toEqual([1]);
    expect(book.versionsFor(residential.id, '2026-07-01', '2026-07-31')).toBe(book.versionsFor(residential.id, '2026-07-01', '2026-07-31'));
  });
});

describe('the demo tariffs', () => {
  it('seed three categories with their versions, once', async () => {
    const demo = await environment.givenUtility('tariff-demo');
    await environment.db.withTenant(demo.tenant.id, (sql) => seedDemoTariffs(environment.context, sql, demo.tenant.id));
    await environment.db.withTenant(demo.tenant.id, (sql) => seedDemoTariffs(environment.context, sql, demo.tenant.id));
    const reader = await environment.loginStaff(demo, 'manager');
    const categories = (await reader.get<{ categories: Category[] }>('/api/water-categories')).body.categories;
    expect(categories.map((category) => [category.code, category.accountClass, category.isDefaultForClass, category.currentVersion?.version, category.nextVersion?.effectiveFrom ?? null])).toEqual([
      ['RES', 'residential', true, 1, '2026-07-01'],
      ['NRES', 'non_residential', true, 1, null],
      ['SPEC', 'special', true, 1, null],
    ]);
    const business = await reader.post<Preview>('/api/tariffs/preview', {
      waterCategoryId: categories[1]?.id, periodStart: '2026-06-01', periodEnd: '2026-06-30', consumptionLitres: 260_000, householdSize: 1,
    });
    expect(business.body.totalFen).toBe(222_360);
  });
});
