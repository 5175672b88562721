// A large batch (a route book's or a district's file) takes other paths than a handful of readings: on the
// server its keys go into keyed temporary tables and its rows come back by COPY (ingest.ts, history.ts).
// Those paths must give exactly what the ordinary queries give, reading for reading.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestReadings, type ReadingInput } from '../src/modules/reading';
import { loadMeterStates, type MeterInfo } from '../src/modules/reading/history';
import { listReviewQueue } from '../src/modules/reading/readings';
import type { Sql } from '../src/platform/db/database';
import { createTestEnvironment, type TestEnvironment, type Utility } from './harness';

let environment: TestEnvironment;
let utility: Utility;

// Above the large-batch threshold (10,000) for the accounts named by number (6 in 7) and the meters named
// by serial (4 in 5, and those without an account number) alike.
const HOMES = 12_600;
const FIRST_NO = 4_100_000_000;
const uuidOf = (prefix: string, expression: string) => `('${prefix}0000000-0000-4000-8000-' || lpad(to_hex(${expression}), 12, '0'))::uuid`;
const registerOf = (index: number, month: number) => (index % 500) * 1000 + 40_000 + month * (8_000 + (index % 13) * 1000);

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('large-batch');
  await environment.db.withTenant(utility.tenant.id, async (sql) => {
    const tenant = utility.tenant.id;
    await sql.query(`INSERT INTO customers (tenant_id, id, customer_no, kind, name) SELECT $1::uuid, ${uuidOf('c', 'i')}, 'L' || ($3::int8 + i), 'individual', '住户' || i FROM generate_series(1, $2::int) AS i`, [tenant, HOMES, FIRST_NO]);
    await sql.query(`INSERT INTO premises (tenant_id, id, district, street, address) SELECT $1::uuid, ${uuidOf('e', 'i')}, '江岸区', '大批路', i || '号' FROM generate_series(1, $2::int) AS i`, [tenant, HOMES]);
    await sql.query(
      `INSERT INTO accounts (tenant_id, id, account_no, customer_id, premise_id, category, household_size, opened_on)
       SELECT $1::uuid, ${uuidOf('a', 'i')}, ($3::int8 + i)::text, ${uuidOf('c', 'i')}, ${uuidOf('e', 'i')}, 'residential', 3, DATE '2015-01-01' FROM generate_series(1, $2::int) AS i`,
      [tenant, HOMES, FIRST_NO],
    );
    await sql.query(
      `INSERT INTO meters (tenant_id, id, serial_no, premise_id, model, size_dn, status, installed_on, first_verified_on, initial_reading_litres)
       SELECT $1::uuid, ${uuidOf('b', 'i')}, 'LB-' || ($3::int8 + i), ${uuidOf('e', 'i')}, 'LXS-15E', 15, 'installed', DATE '2024-01-01', DATE '2023-12-01', (i % 500) * 1000
       FROM generate_series(1, $2::int) AS i`,
      [tenant, HOMES, FIRST_NO],
    );
  });
}, 120_000);
afterAll(() => environment.close());

/** One month's file: every home by account number and meter serial, some by one of them only. */
function monthOf(month: number, readOn: string): ReadingInput[] {
  return Array.from({ length: HOMES }, (_unused, offset) => {
    const index = offset + 1;
    const byAccount = index % 7 !== 0;
    const byMeter = index % 5 !== 0 || !byAccount;
    // Every 997th home used far more water (a spike), every 1009th reads lower (a decrease) in month 3.
    const register = registerOf(index, month) + (month === 3 && index % 997 === 0 ? 900_000 : 0) - (month === 3 && index % 1009 === 0 ? 30_000 : 0);
    return { row: offset + 2, accountNo: byAccount ? String(FIRST_NO + index) : null, meterSerial: byMeter ? `LB-${FIRST_NO + index}` : null, readOn, registerLitres: register, source: 'import' as const };
  });
}

class RolledBack<T> extends Error {
  constructor(readonly value: T) {
    super('rolled back');
  }
}

/** The work's answer, from a transaction that is then rolled back. */
async function rolledBack<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
  try {
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      throw new RolledBack(await work(sql));
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  }
  throw new Error('unreachable');
}

const comparable = (outcome: Awaited<ReturnType<typeof ingestReadings>>) => outcome.items.map(({ readingId: _id, ...item }) => item);

describe('a large batch of readings', () => {
  it('is resolved, de-duplicated and validated on the staged paths exactly as on the ordinary ones', async () => {
    const options = { mode: 'all_or_nothing' as const, today: '2026-03-31', fields: {} };
    for (const [month, readOn] of [[1, '2026-01-05'], [2, '2026-02-05'], [3, '2026-03-05']] as const) {
      const inputs = monthOf(month, readOn);
      // The ordinary path in a transaction rolled back, then the staged path for real.
      const ordinary = await rolledBack((sql) => ingestReadings(sql, utility.tenant.id, inputs, options));
      const staged = await environment.db.withTenant(utility.tenant.id, (sql) => ingestReadings(sql, utility.tenant.id, inputs, { ...options, db: environment.db }));
      expect(staged.errors).toEqual([]);
      expect(staged.created).toBe(HOMES);
      expect(comparable(staged)).toEqual(comparable(ordinary));
    }
    const [counts] = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ readings: number; spikes: number; decreases: number }>(
        "SELECT count(*)::int AS readings, count(*) FILTER (WHERE 'spike' = ANY(anomalies))::int AS spikes, count(*) FILTER (WHERE 'decrease' = ANY(anomalies))::int AS decreases FROM readings WHERE read_on = '2026-03-05'",
      ),
    );
    expect(counts).toEqual({ readings: HOMES, spikes: Math.floor(HOMES / 997), decreases: Math.floor(HOMES / 1009) });
    // The same file again: every row a duplicate, found on the staged path.
    const again = await environment.db.withTenant(utility.tenant.id, (sql) => ingestReadings(sql, utility.tenant.id, monthOf(3, '2026-03-05'), { ...options, db: environment.db }));
    expect({ created: again.created, duplicates: again.duplicates }).toEqual({ created: 0, duplicates: HOMES });
  }, 120_000);

  it('lists the suspect readings of many meters for review, each with its own meter’s last reading', async () => {
    const queue = await listReviewQueue(environment.context, utility.tenant.id, 50, undefined);
    // The spikes and decreases of month 3 (imported above), of as many meters.
    expect(queue.items.length).toBe(Math.floor(HOMES / 997) + Math.floor(HOMES / 1009));
    for (const item of queue.items) expect({ previousReadOn: item.previousReadOn, hasExpected: item.expected !== null }).toEqual({ previousReadOn: '2026-02-05', hasExpected: true });
  });

  it('refuses, per row and on both paths, what cannot be resolved: unknown or malformed numbers and ids, an address with no open account or with no or several meters, a meter of another account, a closed account', async () => {
    // Homes past the fixture's, made in a transaction that is rolled back: each case's premise, accounts and meters.
    const cases = await rolledBack(async (sql) => {
      const tenant = utility.tenant.id;
      const premise = async (address: string) => (await sql.query<{ id: string }>("INSERT INTO premises (tenant_id, district, street, address) VALUES ($1, '江岸区', '解析路', $2) RETURNING id", [tenant, address]))[0]?.id as string;
      const customer = (await sql.query<{ id: string }>("INSERT INTO customers (tenant_id, customer_no, kind, name) VALUES ($1, 'R-1', 'individual', '解析') RETURNING id", [tenant]))[0]?.id as string;
      const account = async (premiseId: string, number: string, status: string) =>
        (await sql.query<{ id: string }>("INSERT INTO accounts (tenant_id, account_no, customer_id, premise_id, category, household_size, opened_on, status) VALUES ($1, $2, $3, $4, 'residential', 3, DATE '2015-01-01', $5) RETURNING id", [tenant, number, customer, premiseId, status]))[0]?.id as string;
      const meter = async (premiseId: string, serial: string) =>
        (await sql.query<{ id: string }>("INSERT INTO meters (tenant_id, serial_no, premise_id, model, size_dn, status, installed_on, first_verified_on, initial_reading_litres) VALUES ($1, $2, $3, 'LXS-15E', 15, 'installed', DATE '2024-01-01', DATE '2023-12-01', 0) RETURNING id", [tenant, serial, premiseId]))[0]?.id as string;
      const twoMeters = await premise('两表');
      await account(twoMeters, '4200000001', 'active');
      await meter(twoMeters, 'RS-TWO-1');
      await meter(twoMeters, 'RS-TWO-2');
      await account(await premise('无表'), '4200000002', 'active');
      const closed = await premise('已销户');
      await account(closed, '4200000003', 'closed');
      await meter(closed, 'RS-CLOSED');
      const home = `${FIRST_NO + 1}`;
      const rows: [Partial<ReadingInput>, { field: string; en: string } | null][] = [
        [{ accountNo: '4299999999', meterSerial: `LB-${FIRST_NO + 1}` }, { field: 'account', en: 'no account with this number' }],
        [{ accountNo: '12-34', meterSerial: `LB-${FIRST_NO + 1}` }, { field: 'account', en: 'no account with this number' }],
        [{ accountId: 'not-a-uuid' }, { field: 'account', en: 'no account with this number' }],
        [{ accountNo: home, meterSerial: 'RS-NONE' }, { field: 'meter', en: 'no meter with this serial number' }],
        [{ meterId: 'not-a-uuid' }, { field: 'meter', en: 'no meter with this serial number' }],
        [{ meterSerial: 'RS-CLOSED' }, { field: 'meter', en: 'the meter is not at an address with an open account' }],
        [{ accountNo: '4200000001' }, { field: 'meter', en: 'the account has several meters: name one' }],
        [{ accountNo: '4200000002' }, { field: 'meter', en: 'the account has no installed meter' }],
        [{ accountNo: home, meterSerial: `LB-${FIRST_NO + 2}` }, { field: 'meter', en: `the meter does not belong to account ${home}` }],
        [{ accountNo: '4200000003', meterSerial: 'RS-CLOSED' }, { field: 'account', en: 'the account is closed' }],
        [{ accountNo: '4200000001', meterSerial: 'RS-TWO-2' }, null],
        [{ meterSerial: `LB-${FIRST_NO + 3}` }, null],
        [{ accountId: (await sql.query<{ id: string }>('SELECT id FROM accounts WHERE account_no = $1', [`${FIRST_NO + 4}`]))[0]?.id as string }, null],
      ];
      const inputs = rows.map(([named], index): ReadingInput => ({ row: index, readOn: '2026-04-05', registerLitres: 900_000, source: 'api', ...named }));
      const expected = rows.map(([, error]) => error);
      const options = { mode: 'per_item' as const, today: '2026-04-30', fields: { account: 'account', meter: 'meter' } };
      const ordinary = await ingestReadings(sql, tenant, inputs, options);
      // The same rows on the staged path: past the threshold with copies of the last case, which resolve.
      const padding = Array.from({ length: 10_000 }, (_unused, index): ReadingInput => ({ ...(inputs.at(-1) as ReadingInput), row: inputs.length + index }));
      const staged = await ingestReadings(sql, tenant, [...inputs, ...padding], { ...options, db: environment.db });
      return { expected, ordinary, staged };
    });
    const found = (outcome: Awaited<ReturnType<typeof ingestReadings>>) =>
      cases.expected.map((_expected, index) => {
        const item = outcome.items[index];
        return item?.outcome === 'error' ? { field: item.errors[0]?.field, en: item.errors[0]?.en } : null;
      });
    expect(found(cases.ordinary)).toEqual(cases.expected);
    expect(found(cases.staged)).toEqual(cases.expected);
    expect(cases.staged.items.slice(cases.expected.length).every((item) => item.outcome !== 'error')).toBe(true);
  }, 120_000);

  it('loads each meter’s state from keyed temporary tables exactly as from the ids given as arrays', async () => {
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      const rows = await sql.query<{ id: string; serial_no: string; premise_id: string; account_id: string }>(
        'SELECT m.id, m.serial_no, m.premise_id, a.id AS account_id FROM meters m JOIN accounts a ON a.premise_id = m.premise_id ORDER BY m.serial_no',
      );
      expect(rows.length).toBe(HOMES);
      const meters: MeterInfo[] = rows.map((row) => ({ id: row.id, serialNo: row.serial_no, premiseId: row.premise_id, sizeDn: 15, status: 'installed', initialReadingLitres: 0, installedOn: '2024-01-01' }));
      const accountOf = new Map(rows.map((row) => [row.id, row.account_id]));
      const asOf = new Map(rows.map((row, index) => [row.id, index % 2 === 0 ? '2026-04-05' : '2026-03-05']));
      const staged = await loadMeterStates(sql, meters, accountOf, asOf, { db: environment.db });
      const ordinary = await loadMeterStates(sql, meters, accountOf, asOf);
      expect(staged).toEqual(ordinary);
      // Not vacuous: the states carry history, and each average the periods read before its date.
      const [first, second] = [staged.get(rows[0]?.id as string), staged.get(rows[1]?.id as string)];
      expect(first?.lastActual?.readOn).toBe('2026-03-05');
      expect(second?.lastActual?.readOn).toBe('2026-03-05');
      expect(first?.average?.days).toBe(59);
      expect(second?.average?.days).toBe(31);
    });
  });

  it('finds a head-end batch’s repeated external ids on the staged path exactly as on the ordinary one', async () => {
    // Every home's meter by serial with an external id, then the same ids again with other registers, so
    // only the external id (not meter, date and register) makes the second batch's rows duplicates.
    const batch = (offset: number): ReadingInput[] =>
      Array.from({ length: HOMES }, (_unused, index) => ({ row: index, meterSerial: `LB-${FIRST_NO + index + 1}`, readOn: '2026-03-20', registerLitres: registerOf(index + 1, 3) + offset, source: 'api' as const, externalId: `he-${index + 1}` }));
    const options = { mode: 'per_item' as const, today: '2026-03-31', fields: {} };
    for (const [offset, expected] of [[1000, { created: HOMES, duplicates: 0 }], [2000, { created: 0, duplicates: HOMES }]] as const) {
      const inputs = batch(offset);
      const ordinary = await rolledBack((sql) => ingestReadings(sql, utility.tenant.id, inputs, options));
      const staged = await environment.db.withTenant(utility.tenant.id, (sql) => ingestReadings(sql, utility.tenant.id, inputs, { ...options, db: environment.db }));
      expect({ created: staged.created, duplicates: staged.duplicates, errors: staged.errors }).toEqual({ ...expected, errors: [] });
      expect(comparable(staged)).toEqual(comparable(ordinary));
    }
  }, 120_000);

  it('validates a mixed file on the staged path exactly as on the ordinary one: repeats, refusals, and meters read twice or out of order', async () => {
    // After the tests above every home has readings up to 2026-03-20 (the head-end's). A meter's history is
    // loaded for the rows kept: its account is that of its last kept row in date order, and its average is as
    // of its earliest kept date. Rows dropped before the history (repeats of stored readings or of earlier
    // rows, refusals) must not count, on either path.
    const month3 = monthOf(3, '2026-03-05');
    const inputs: ReadingInput[] = [];
    const add = (input: Omit<ReadingInput, 'row' | 'source'>) => inputs.push({ ...input, row: inputs.length + 2, source: 'import' });
    for (let index = 1; index <= HOMES; index += 1) {
      const accountNo = String(FIRST_NO + index);
      const meterSerial = `LB-${FIRST_NO + index}`;
      const april = registerOf(index, 4) + 5000;
      // A stored reading sent again, before the home's new one: found in the table, not the meter's first row kept.
      if (index % 11 === 0) add({ accountNo, meterSerial, readOn: '2026-03-05', registerLitres: (month3[index - 1] as ReadingInput).registerLitres });
      if (index % 23 === 0) add({ accountNo: `9${accountNo.slice(1)}`, meterSerial, readOn: '2026-04-02', registerLitres: april });
      add({ accountNo: index % 7 === 0 ? null : accountNo, meterSerial, readOn: '2026-04-05', registerLitres: april });
      if (index % 10 === 0) add({ accountNo, meterSerial: null, readOn: '2026-04-15', registerLitres: april + 3000 });
      if (index % 13 === 0) add({ accountNo, meterSerial, readOn: '2026-04-05', registerLitres: april });
      // An earlier date after a later one in the file: validated in date order all the same.
      if (index % 19 === 0) add({ accountNo, meterSerial, readOn: '2026-04-01', registerLitres: april - 2000 });
      // A spike against the average as of the meter's earliest kept date.
      if (index % 29 === 0) add({ accountNo, meterSerial, readOn: '2026-04-25', registerLitres: april + 400_000 });
    }
    const options = { mode: 'per_item' as const, today: '2026-04-30', fields: {} };
    const ordinary = await rolledBack((sql) => ingestReadings(sql, utility.tenant.id, inputs, options));
    const staged = await rolledBack((sql) => ingestReadings(sql, utility.tenant.id, inputs, { ...options, db: environment.db }));
    expect(comparable(staged)).toEqual(comparable(ordinary));
    // Not vacuous: every kind of row is there.
    const count = (outcome: typeof staged, test: (item: (typeof staged.items)[number]) => boolean) => outcome.items.filter(test).length;
    expect(staged.duplicates).toBe(Math.floor(HOMES / 11) + Math.floor(HOMES / 13));
    expect(staged.errors.length).toBe(Math.floor(HOMES / 23));
    expect(count(staged, (item) => item.anomalies.includes('spike'))).toBeGreaterThanOrEqual(Math.floor(HOMES / 29));
    expect(staged.created).toBe(inputs.length - staged.duplicates - staged.errors.length);
  }, 120_000);
});
