import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingTopic, startReadingSubscriber } from '../src/modules/reading';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { TINY_PNG_BASE64 } from './reading-factory';

let environment: TestEnvironment;
let utility: Utility;
let supervisor: Client;
let reader: Client;
let homes: CustomerWithAccount[];
let ownRouteId: string;

interface ReadingBody {
  id: string;
  status: string;
  anomalies: string[];
  consumptionLitres: number | null;
  registerLitres: number | null;
  source: string;
  hasPhoto: boolean;
  cannotReadReason: string | null;
}

const csv = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`).toString('base64');
const readingsOf = async (accountId: string) =>
  environment.db.withTenant(utility.tenant.id, (sql) =>
    sql.query<{ read_on: string; register_litres: number | null; consumption_litres: number | null; status: string; anomalies: string[]; source: string }>(
      'SELECT read_on, register_litres, consumption_litres, status, anomalies, source FROM readings WHERE account_id = $1 ORDER BY read_on, created_at',
      [accountId],
    ),
  );

/** Twelve monthly readings of 15 m³ (2025-03 … 2026-02) straight into the table: a year of history. */
async function givenHistory(home: CustomerWithAccount, monthly = 15_000): Promise<void> {
  await environment.db.withTenant(utility.tenant.id, async (sql) => {
    for (let month = 0; month < 12; month += 1) {
      const date = new Date(Date.UTC(2025, 2 + month, 1)).toISOString().slice(0, 10);
      await sql.query(
        `INSERT INTO readings (tenant_id, account_id, meter_id, read_on, read_at, register_litres, consumption_litres, source, status)
         VALUES ($1, $2, $3, $4, $4::date + time '10:00', $5, $6, 'handheld', 'accepted')`,
        [utility.tenant.id, home.account.id, home.meter.id, date, 100_000 + month * monthly, month === 0 ? 0 : monthly],
      );
    }
  });
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('reading');
  homes = [];
  for (let index = 0; index < 6; index += 1) homes.push(await givenCustomerWithAccount(environment, utility, { name: `住户${index}` }));
  supervisor = await environment.loginStaff(utility, 'reading_supervisor');
  reader = await environment.loginStaff(utility, 'meter_reader');
  // Until the routes tests below build their own, the reader reads homes 0, 1, 2 and 5 on a route of theirs.
  const created = await supervisor.post<{ route: { id: string } }>('/api/routes', { code: 'JA-00', name: '江岸零号抄表本', readingDay: 3 });
  ownRouteId = created.body.route.id;
  await supervisor.post(`/api/routes/${ownRouteId}/accounts`, { accountNos: [0, 1, 2, 5].map((index) => homes[index]?.account.accountNo) });
  expect((await supervisor.post(`/api/routes/${ownRouteId}/assignments`, { staffId: utility.staff.meter_reader.id, duty: 'reader', startsOn: '2026-01-01' })).status).toBe(201);
});
afterAll(() => environment.close());

describe('a reader enters readings', () => {
  it('refuses a reader an account that is not on their route that day, and lets a supervisor enter it', async () => {
    const elsewhere = homes[4] as CustomerWithAccount;
    const refused = await reader.post<ErrorBody>('/api/readings', { accountId: elsewhere.account.id, readOn: '2026-03-01', registerM3: '12' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'not_your_route', fields: [{ field: 'accountId' }] });
    const beforeTerm = await reader.post<ErrorBody>('/api/readings', { accountId: homes[0]?.account.id, readOn: '2025-12-31', registerM3: '12' });
    expect(beforeTerm.body.code).toBe('not_your_route');
    expect(await readingsOf(elsewhere.account.id)).toEqual([]);
    const bySupervisor = await supervisor.post('/api/readings', { accountId: elsewhere.account.id, readOn: '2026-03-01', cannotReadReason: 'no_access' });
    expect(bySupervisor.status).toBe(201);
    await environment.db.withTenant(utility.tenant.id, (sql) => sql.query('DELETE FROM readings WHERE account_id = $1', [elsewhere.account.id]));
  });

  it('validates at once: an ordinary reading is accepted with its use, a spike waits for review, with a photo kept', async () => {
    const home = homes[0] as CustomerWithAccount;
    await givenHistory(home);
    // Last actual: 265 m³ on 2026-02-01; 29 days at 15 m³ / ~30 days expected ≈ 14.3 m³.
    const ordinary = await reader.post<{ reading: ReadingBody; expected: { lowLitres: number; highLitres: number } }>('/api/readings', { accountId: home.account.id, readOn: '2026-03-01', registerM3: '279.5' });
    expect(ordinary.status).toBe(201);
    expect(ordinary.body.reading).toMatchObject({ status: 'accepted', anomalies: [], consumptionLitres: 14_500, registerLitres: 279_500, source: 'handheld' });
    expect(ordinary.body.expected.lowLitres).toBeLessThan(279_500);
    expect(ordinary.body.expected.highLitres).toBeGreaterThan(279_500);

    const spike = await reader.post<{ reading: ReadingBody }>('/api/readings', { accountId: home.account.id, readOn: '2026-03-02', registerM3: '400', photo: { contentType: 'image/png', dataBase64: TINY_PNG_BASE64 } });
    expect(spike.body.reading).toMatchObject({ status: 'suspect', anomalies: ['spike'], consumptionLitres: 120_500, hasPhoto: true });
    const photo = await supervisor.get<{ contentType: string; dataBase64: string }>(`/api/readings/${spike.body.reading.id}/photo`);
    expect(photo.body).toEqual({ contentType: 'image/png', dataBase64: TINY_PNG_BASE64 });

    // The same register again the same day is a duplicate, not a second reading.
    const again = await reader.post<{ isDuplicate: boolean; reading: ReadingBody }>('/api/readings', { accountId: home.account.id, readOn: '2026-03-02', registerLitres: 400_000 });
    expect(again.body).toMatchObject({ isDuplicate: true, reading: { id: spike.body.reading.id } });
  });

  it('refuses a photo that is not an image, a future date, and a reading dated before the last one, writing nothing', async () => {
    const home = homes[0] as CustomerWithAccount;
    const before = await readingsOf(home.account.id);
    const fake = await reader.post<ErrorBody>('/api/readings', { accountId: home.account.id, registerM3: '401', photo: { contentType: 'image/jpeg', dataBase64: Buffer.from('not a picture at all').toString('base64') } });
    expect(fake.status).toBe(400);
    expect(fake.body.fields[0]?.field).toBe('photo');
    const future = await reader.post<ErrorBody>('/api/readings', { accountId: home.account.id, readOn: '2026-03-09', registerM3: '401' });
    expect(future.body.fields[0]?.field).toBe('readOn');
    const backdated = await reader.post<ErrorBody>('/api/readings', { accountId: home.account.id, readOn: '2026-02-15', registerM3: '270' });
    expect(backdated.body.fields[0]).toMatchObject({ field: 'readOn', en: expect.stringContaining('2026-03-01') });
    const neither = await reader.post<ErrorBody>('/api/readings', { accountId: home.account.id });
    expect(neither.status).toBe(400);
    expect(await readingsOf(home.account.id)).toEqual(before);
  });

  it('estimates a meter that cannot be read from the 12-month average, and the next actual reading corrects it', async () => {
    const home = homes[1] as CustomerWithAccount;
    await givenHistory(home);
    const locked = await reader.post<{ reading: ReadingBody }>('/api/readings', { accountId: home.account.id, readOn: '2026-03-01', cannotReadReason: 'no_access' });
    expect(locked.status).toBe(201);
    // 165 m³ over the 337 days of the periods read in the last 365 days, × 28 days since 2026-02-01.
    const estimate = Math.floor((2 * 165_000 * 28 + 337) / (2 * 337));
    expect(locked.body.reading).toMatchObject({ status: 'estimated', source: 'estimate', cannotReadReason: 'no_access', consumptionLitres: estimate });
    // Actually 30 m³ used since 2026-02-01 (register 295 m³): only what the estimate did not bill.
    const actual = await reader.post<{ reading: ReadingBody }>('/api/readings', { accountId: home.account.id, readOn: '2026-03-02', registerM3: '295' });
    expect(actual.body.reading).toMatchObject({ status: 'accepted', consumptionLitres: 30_000 - estimate });
    const billed = (await readingsOf(home.account.id)).filter((row) => row.read_on >= '2026-03-01').reduce((total, row) => total + (row.consumption_litres ?? 0), 0);
    expect(billed).toBe(30_000);
  });

  it('records a visit with no history as unread, and asks for a note when the reason is "other"', async () => {
    const home = homes[5] as CustomerWithAccount;
    const other = await reader.post<ErrorBody>('/api/readings', { accountId: home.account.id, cannotReadReason: 'other' });
    expect(other.body.fields[0]?.field).toBe('note');
    const buried = await reader.post<{ reading: ReadingBody }>('/api/readings', { accountId: home.account.id, cannotReadReason: 'meter_buried' });
    expect(buried.body.reading).toMatchObject({ status: 'unread', registerLitres: null, consumptionLitres: null, cannotReadReason: 'meter_buried' });
  });
});

describe('the review queue', () => {
  it('lists suspect readings; accept bills the computed use, reject bills nothing, both audited', async () => {
    const queue = await supervisor.get<{ items: { reading: ReadingBody; accountNo: string; previousRegisterLitres: number }[]; total: number }>('/api/readings/review-queue');
    expect(queue.status).toBe(200);
    const spike = queue.body.items.find((item) => item.accountNo === homes[0]?.account.accountNo);
    expect(spike).toMatchObject({ reading: { status: 'suspect', anomalies: ['spike'] }, previousRegisterLitres: 279_500 });
    const accepted = await supervisor.post<ReadingBody>(`/api/readings/${spike?.reading.id}/review`, { decision: 'accept', note: '核实：水管爆裂，用户确认' });
    expect(accepted.body).toMatchObject({ status: 'accepted', consumptionLitres: 120_500 });
    const twice = await supervisor.post<ErrorBody>(`/api/readings/${spike?.reading.id}/review`, { decision: 'reject', note: '重复' });
    expect(twice.body.code).toBe('not_suspect');
    const audit = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ action: string }>("SELECT action FROM audit_log WHERE object_id = $1 AND action LIKE 'reading.review%'", [spike?.reading.id]));
    expect(audit.map((row) => row.action)).toEqual(['reading.review.accept']);
  });

  it('estimates instead of a stuck meter, and refuses to accept a reading a later one was measured against', async () => {
    const home = homes[2] as CustomerWithAccount;
    await givenHistory(home);
    // 265 m³ on 2026-02-01 and again twice: stuck.
    await reader.post('/api/readings', { accountId: home.account.id, readOn: '2026-02-20', registerM3: '265' });
    const stuck = await reader.post<{ reading: ReadingBody }>('/api/readings', { accountId: home.account.id, readOn: '2026-03-01', registerM3: '265' });
    expect(stuck.body.reading).toMatchObject({ status: 'suspect', anomalies: ['zero_use', 'stuck'] });
    const estimated = await supervisor.post<ReadingBody>(`/api/readings/${stuck.body.reading.id}/review`, { decision: 'estimate', note: '表停走，按近12个月平均估算' });
    expect(estimated.body.status).toBe('rejected');
    const rows = await readingsOf(home.account.id);
    expect(rows.at(-1)).toMatchObject({ read_on: '2026-03-01', status: 'estimated', source: 'estimate' });
    expect(rows.at(-1)?.consumption_litres).toBeGreaterThan(10_000);

    const first = rows.find((row) => row.read_on === '2026-02-20');
    expect(first?.status).toBe('suspect');
    const earlier = (await supervisor.get<{ items: { reading: ReadingBody & { readOn: string } }[] }>('/api/readings/review-queue')).body.items.find((item) => item.reading.readOn === '2026-02-20');
    const superseded = await supervisor.post<ErrorBody>(`/api/readings/${earlier?.reading.id}/review`, { decision: 'accept', note: '确认' });
    expect(superseded.body.code).toBe('superseded');
  });
});

describe('imports', () => {
  it('rejects a file with any bad row, reports every problem by row and column in both languages, and writes nothing', async () => {
    const [a, b] = homes as [CustomerWithAccount, CustomerWithAccount];
    const before = await readingsOf(a.account.id);
    const response = await supervisor.post<{ code: string; rows: number; errors: { row: number; field: string; zh: string; en: string }[] }>('/api/readings/import', {
      fileName: 'march.csv',
      contentBase64: csv([
        'account_no,meter_serial,read_on,register_m3',
        `${a.account.accountNo},${a.meter.serialNo},2026-03-02,401.000`,
        `9999999999,${a.meter.serialNo},2026-03-02,12`,
        `${b.account.accountNo},${a.meter.serialNo},2026-03-02,12`,
        `${b.account.accountNo},${b.meter.serialNo},2026-13-02,12`,
        `${b.account.accountNo},${b.meter.serialNo},2026-03-02,12.3456`,
      ]),
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('import_rejected');
    expect(response.body.rows).toBe(5);
    expect(response.body.errors.map((error) => [error.row, error.field])).toEqual([
      [3, 'account_no'],
      [4, 'meter_serial'],
      [5, 'read_on'],
      [6, 'register_m3'],
    ]);
    expect(response.body.errors[0]).toMatchObject({ zh: '户号不存在', en: 'no account with this number' });
    expect(await readingsOf(a.account.id)).toEqual(before);
  });

  it('imports a good CSV set-based, ignoring and counting duplicates, validating every row', async () => {
    const [, , , c, d] = homes as CustomerWithAccount[] as [CustomerWithAccount, CustomerWithAccount, CustomerWithAccount, CustomerWithAccount, CustomerWithAccount];
    const file = csv([
      'read_on,account_no,meter_serial,register_litres',
      `2026-02-01,${c.account.accountNo},${c.meter.serialNo},10000`,
      `2026-03-01,${c.account.accountNo},${c.meter.serialNo},25000`,
      `2026-03-01,${c.account.accountNo},${c.meter.serialNo},25000`,
      `2026-03-01,${d.account.accountNo},${d.meter.serialNo},5000`,
    ]);
    const first = await supervisor.post('/api/readings/import', { fileName: 'feb-mar.csv', contentBase64: file });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ rows: 4, imported: 3, duplicates: 1, accepted: 3, suspect: 0 });
    expect((await readingsOf(c.account.id)).map((row) => [row.read_on, row.consumption_litres, row.source])).toEqual([
      ['2026-02-01', 10_000, 'import'],
      ['2026-03-01', 15_000, 'import'],
    ]);
    const again = await supervisor.post('/api/readings/import', { fileName: 'feb-mar.csv', contentBase64: file });
    expect(again.body).toMatchObject({ rows: 4, imported: 0, duplicates: 4 });
  });

  it('imports XLSX with Chinese headers and dates as cells', async () => {
    const home = homes[4] as CustomerWithAccount;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('抄表');
    sheet.addRow(['户号', '表号', '抄表日期', '读数(m³)']);
    sheet.addRow([home.account.accountNo, home.meter.serialNo, new Date('2026-03-02T00:00:00Z'), 12.345]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await supervisor.post('/api/readings/import', { fileName: '三月.xlsx', contentBase64: bytes.toString('base64') });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ imported: 1 });
    expect((await readingsOf(home.account.id)).at(-1)).toMatchObject({ read_on: '2026-03-02', register_litres: 12_345 });
  });

  it('takes a head-end batch with per-item results (207): created, duplicate by external id, unknown meter', async () => {
    const home = homes[3] as CustomerWithAccount;
    const batch = {
      readings: [
        { externalId: 'HE-1', meterSerial: home.meter.serialNo, readAt: '2026-03-02T01:00:00Z', registerLitres: 26_000 },
        { externalId: 'HE-1', meterSerial: home.meter.serialNo, readAt: '2026-03-02T01:00:00Z', registerLitres: 26_000 },
        { externalId: 'HE-2', meterSerial: 'NOPE-0001', readAt: '2026-03-02T01:00:00Z', registerLitres: 1 },
      ],
    };
    const response = await supervisor.post<{ created: number; duplicates: number; failed: number; results: { outcome: string; errors: { field: string }[] }[] }>('/api/readings/batch', batch);
    expect(response.status).toBe(207);
    expect(response.body).toMatchObject({ created: 1, duplicates: 1, failed: 1 });
    expect(response.body.results.map((result) => result.outcome)).toEqual(['created', 'duplicate', 'error']);
    expect(response.body.results[2]?.errors[0]?.field).toBe('meterSerial');
    const replay = await supervisor.post<{ created: number; duplicates: number }>('/api/readings/batch', { readings: [batch.readings[0]] });
    expect(replay.body).toMatchObject({ created: 0, duplicates: 1 });
  });
});

describe('routes (抄表本) and rotation', () => {
  let routeId: string;
  beforeAll(async () => {
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      await sql.query('DELETE FROM route_assignments WHERE route_id = $1', [ownRouteId]);
      await sql.query('DELETE FROM route_accounts WHERE route_id = $1', [ownRouteId]);
      await sql.query('UPDATE reading_routes SET is_active = false WHERE id = $1', [ownRouteId]);
    });
  });

  it('creates a route, adds accounts in walk order, reorders and removes them', async () => {
    const created = await supervisor.post<{ route: { id: string } }>('/api/routes', { code: 'JA-01', name: '江岸一号抄表本', readingDay: 5 });
    expect(created.status).toBe(201);
    routeId = created.body.route.id;
    const added = await supervisor.post<{ accounts: { accountId: string; walkOrder: number }[] }>(`/api/routes/${routeId}/accounts`, { accountNos: homes.slice(0, 3).map((home) => home.account.accountNo) });
    expect(added.body.accounts.map((account) => account.walkOrder)).toEqual([1, 2, 3]);
    const ids = added.body.accounts.map((account) => account.accountId);
    const reordered = await supervisor.post<{ accounts: { accountId: string }[] }>(`/api/routes/${routeId}/walk-order`, { accountIds: [ids[2], ids[0], ids[1]] });
    expect(reordered.body.accounts.map((account) => account.accountId)).toEqual([ids[2], ids[0], ids[1]]);
    const partial = await supervisor.post<ErrorBody>(`/api/routes/${routeId}/walk-order`, { accountIds: [ids[0]] });
    expect(partial.status).toBe(400);
    expect((await supervisor.delete(`/api/routes/${routeId}/accounts/${ids[0]}`)).status).toBe(204);
    const detail = await supervisor.get<{ accounts: { accountId: string; walkOrder: number }[] }>(`/api/routes/${routeId}`);
    expect(detail.body.accounts.map((account) => [account.accountId, account.walkOrder])).toEqual([[ids[2], 1], [ids[1], 2]]);
  });

  it('enforces the 12-month term and keeps readers and collectors apart', async () => {
    const readerId = utility.staff.meter_reader.id;
    const collectorId = utility.staff.collector.id;
    const tooLong = await supervisor.post<ErrorBody>(`/api/routes/${routeId}/assignments`, { staffId: readerId, duty: 'reader', startsOn: '2025-04-01', endsOn: '2026-06-30' });
    expect(tooLong.body).toMatchObject({ code: 'rotation_rule', fields: [{ field: 'endsOn' }] });
    const notAReader = await supervisor.post<ErrorBody>(`/api/routes/${routeId}/assignments`, { staffId: collectorId, duty: 'reader', startsOn: '2025-04-01' });
    expect(notAReader.body.fields[0]?.field).toBe('staffId');
    expect((await supervisor.post(`/api/routes/${routeId}/assignments`, { staffId: readerId, duty: 'reader', startsOn: '2025-04-01' })).status).toBe(201);
    expect((await supervisor.post(`/api/routes/${routeId}/assignments`, { staffId: collectorId, duty: 'collector', startsOn: '2025-04-01' })).status).toBe(201);
    // A reader with the collector role as well still may not collect on the route they read.
    await environment.db.withTenant(utility.tenant.id, (sql) => sql.query("INSERT INTO staff_roles (tenant_id, staff_id, role) VALUES ($1, $2, 'collector')", [utility.tenant.id, readerId]));
    const both = await supervisor.post<ErrorBody>(`/api/routes/${routeId}/assignments`, { staffId: readerId, duty: 'collector', startsOn: '2026-01-01' });
    expect(both.body).toMatchObject({ code: 'rotation_rule', fields: [{ field: 'staffId' }] });
  });

  it('lists the route as due for rotation near the end of the term and proposes another reader', async () => {
    // The term began 2025-04-01 and ends 2026-03-31; today is 2026-03-02.
    const routes = await supervisor.get<{ routes: { id: string; isDueForRotation: boolean; termEndsOn: string; reader: { id: string } }[] }>('/api/routes');
    expect(routes.body.routes.find((route) => route.id === routeId)).toMatchObject({ isDueForRotation: true, termEndsOn: '2026-03-31', reader: { id: utility.staff.meter_reader.id } });
    const second = await environment.db.withTenant(utility.tenant.id, async (sql) => {
      const [row] = await sql.query<{ id: string }>("INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, 'reader-two', '第二抄表员', 'x') RETURNING id", [utility.tenant.id]);
      await sql.query("INSERT INTO staff_roles (tenant_id, staff_id, role) VALUES ($1, $2, 'meter_reader')", [utility.tenant.id, row?.id]);
      return row?.id;
    });
    const proposal = await supervisor.get<{ proposals: { route: { id: string }; proposedReader: { id: string } | null; startsOn: string }[] }>('/api/routes/rotation-proposal');
    expect(proposal.body.proposals.find((item) => item.route.id === routeId)).toMatchObject({ proposedReader: { id: second }, startsOn: '2026-04-01' });
    // Extending the current reader is refused; the proposed one is taken.
    const extend = await supervisor.post<ErrorBody>(`/api/routes/${routeId}/assignments`, { staffId: utility.staff.meter_reader.id, duty: 'reader', startsOn: '2026-04-01' });
    expect(extend.body.code).toBe('rotation_rule');
    expect((await supervisor.post(`/api/routes/${routeId}/assignments`, { staffId: second, duty: 'reader', startsOn: '2026-04-01' })).status).toBe(201);
  });

  it("shows the reader their routes and the month's sheet in walk order with last reading, expected range and progress", async () => {
    const mine = await reader.get<{ routes: { route: { id: string }; total: number; done: number }[] }>('/api/routes/mine');
    expect(mine.body.routes).toEqual([expect.objectContaining({ route: expect.objectContaining({ id: routeId }), total: 2 })]);
    const sheet = await reader.get<{ total: number; done: number; items: { accountNo: string; last: { registerLitres: number } | null; expected: unknown; current: unknown }[] }>(`/api/routes/${routeId}/sheet?period=2026-03`);
    expect(sheet.status).toBe(200);
    expect(sheet.body.items.map((item) => item.accountNo)).toEqual([homes[2]?.account.accountNo, homes[1]?.account.accountNo]);
    expect(sheet.body.items[0]?.last?.registerLitres).toBe(265_000);
    expect(sheet.body.items[0]?.expected).not.toBeNull();
    expect(sheet.body).toMatchObject({ total: 2, done: 2 });
  });
});

describe('portal self-reading (抄表自报)', () => {
  it('records a bound account’s register with a photo, validated like any reading', async () => {
    const home = homes[0] as CustomerWithAccount;
    const portal = await environment.loginPortal(utility, '13700008888');
    expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '住户0' })).status).toBe(201);
    const response = await portal.post<{ reading: { status: string; source: string; consumptionLitres: number }; needsReview: boolean }>(`/api/portal/accounts/${home.account.id}/readings`, {
      registerM3: '405.5',
      photo: { contentType: 'image/png', dataBase64: TINY_PNG_BASE64 },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ reading: { status: 'accepted', source: 'portal', consumptionLitres: 5_500 }, needsReview: false });
    const list = await portal.get<{ readings: { source: string }[] }>(`/api/portal/accounts/${home.account.id}/readings`);
    expect(list.body.readings[0]?.source).toBe('portal');
    const other = homes[1] as CustomerWithAccount;
    expect((await portal.post(`/api/portal/accounts/${other.account.id}/readings`, { registerM3: '1' })).status).toBe(404);
  });
});

const MQTT_URL = process.env.SHUIWU_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

describe('MQTT ingestion against the broker', () => {
  it('stores readings from remote meters, ignores duplicates and keeps malformed or unknown-meter messages as dead letters', async () => {
    const mqtt = await import('mqtt');
    const home = homes[5] as CustomerWithAccount;
    // Alone, not in the servers' shared group: a server running on this broker must not take these messages.
    const subscriber = await startReadingSubscriber(environment.context, MQTT_URL, { flushMs: 50, shareGroup: null });
    const publisher = await mqtt.connectAsync(MQTT_URL);
    try {
      const topic = readingTopic(utility.tenant.code, home.meter.serialNo);
      const message = JSON.stringify({ externalId: 'M-1', readAt: '2026-03-02T01:30:00Z', registerLitres: 40_000 });
      await publisher.publishAsync(topic, message, { qos: 1 });
      await publisher.publishAsync(topic, message, { qos: 1 });
      await publisher.publishAsync(topic, '{not json', { qos: 1 });
      await publisher.publishAsync(readingTopic(utility.tenant.code, 'NO-SUCH-METER'), JSON.stringify({ externalId: 'M-2', readAt: '2026-03-02T01:30:00Z', registerLitres: 1 }), { qos: 1 });
      await publisher.publishAsync(topic, JSON.stringify({ externalId: 'M-3', readAt: 'yesterday', registerLitres: 1 }), { qos: 1 });
      const deadline = Date.now() + 10_000;
      while (subscriber.stats.received < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await subscriber.drain();
      expect(subscriber.stats).toMatchObject({ received: 5, created: 1, duplicates: 1, deadLetters: 3 });
      expect((await readingsOf(home.account.id)).filter((row) => row.source === 'mqtt')).toHaveLength(1);
      const dead = await supervisor.get<{ deadLetters: { reason: string; payload: string }[] }>('/api/readings/dead-letters');
      expect(dead.body.deadLetters.map((letter) => letter.reason).sort()).toEqual(['meterSerial: no meter with this serial number', 'payload is not JSON', 'readAt must be an ISO 8601 date-time']);
    } finally {
      await publisher.endAsync();
      await subscriber.stop();
    }
  });
});
