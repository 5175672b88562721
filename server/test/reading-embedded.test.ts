// The embedded setup (PGlite, `npm start`) takes readings through the same ingest as the server: a file by
// account number and serial, a head-end batch naming meters only, a reading naming the account only, and the
// same file again. On PGlite every look-up goes as arrays (no staged keys) and every insert as INSERT … unnest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/app';
import { ImportRejected, importReadingFile, ingestReadings } from '../src/modules/reading';
import { ingestHeadEndBatch } from '../src/modules/reading/importer';
import { createTenant } from '../src/modules/tenancy';
import { systemActor } from '../src/platform/audit/audit';
import { ManualClock } from '../src/platform/clock';
import { loadConfig } from '../src/platform/config';
import type { PlatformContext } from '../src/platform/context';
import { openEmbeddedDatabase, type Database } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { generateTown } from './billing-town';
import { TEST_SECRET_KEY } from './harness';

let db: Database;
let context: PlatformContext;
let tenantId: string;
const HOMES = 200;
const FIRST_NO = 2_000_000_000;

beforeAll(async () => {
  db = await openEmbeddedDatabase(undefined);
  await migrate(db);
  context = createContext({ config: loadConfig({ SHUIWU_SECRET_KEY: TEST_SECRET_KEY }), db, clock: new ManualClock('2026-03-25T02:00:00Z') });
  tenantId = (await createTenant(context, { code: 'embedded-readings', name: '嵌入式抄表', nameEn: 'Embedded readings', hotline: null })).id;
  // January and February read on the 15th: registers 40,000 + i % 1000 and 80,000 + i % 1000 litres.
  await db.withTenant(tenantId, (sql) => generateTown(sql, { tenantId, accounts: HOMES, months: ['2026-01', '2026-02'], perRoute: 100 }));
}, 120_000);
afterAll(() => db.close());

// March's file: every open home, by account number and serial, 40 m³ more than February.
const open = Array.from({ length: HOMES }, (_unused, offset) => offset + 1).filter((i) => i % 101 !== 0);
const marchFile = () =>
  Buffer.from(['account_no,meter_serial,read_on,register_litres', ...open.map((i) => `${FIRST_NO + i},TM-${FIRST_NO + i},2026-03-15,${120_000 + (i % 1000)}`)].join('\n'));

describe('readings on the embedded database', () => {
  it('imports a file, a head-end batch and an account-only reading, and finds the file again as duplicates', async () => {
    const report = await importReadingFile(context, tenantId, 'march.csv', marchFile(), systemActor('test'), null);
    expect(report).toMatchObject({ rows: open.length, imported: open.length, duplicates: 0 });

    const rows = await db.withTenant(tenantId, (sql) =>
      sql.query<{ account_no: string; consumption_litres: number; status: string }>(
        "SELECT a.account_no, r.consumption_litres, r.status FROM readings r JOIN accounts a ON a.id = r.account_id WHERE r.read_on = '2026-03-15' ORDER BY a.account_no",
      ),
    );
    expect(rows).toHaveLength(open.length);
    // Consumption from February's register; the homes never read before (every 97th) from the meter's initial 0.
    expect(rows.find((row) => row.account_no === `${FIRST_NO + 1}`)).toMatchObject({ consumption_litres: 40_000, status: 'accepted' });
    expect(rows.find((row) => row.account_no === `${FIRST_NO + 97}`)?.consumption_litres).toBe(120_097);

    // A head-end batch names meters only: each belongs to the open account at its premise.
    const batch = await ingestHeadEndBatch(context, tenantId, [
      { externalId: 'he-2', meterSerial: `TM-${FIRST_NO + 2}`, readAt: '2026-03-20T02:00:00Z', registerLitres: 130_002 },
      { externalId: 'he-101', meterSerial: `TM-${FIRST_NO + 101}`, readAt: '2026-03-20T02:00:00Z', registerLitres: 130_101 },
      { externalId: 'he-x', meterSerial: 'TM-NONE', readAt: '2026-03-20T02:00:00Z', registerLitres: 1 },
    ], systemActor('test'));
    expect(batch.results.map((result) => [result.outcome, result.errors[0]?.en ?? null])).toEqual([
      ['created', null],
      ['error', 'the meter is not at an address with an open account'],
      ['error', 'no meter with this serial number'],
    ]);

    // A reading naming the account only is taken on the meter installed at its premise, and counted from
    // March's accepted reading of that meter.
    const accountOnly = await db.withTenant(tenantId, (sql) =>
      ingestReadings(sql, tenantId, [{ row: 0, accountNo: `${FIRST_NO + 1}`, readOn: '2026-03-21', registerLitres: 125_001, source: 'portal' }], { mode: 'per_item', today: '2026-03-25', db }),
    );
    expect(accountOnly.items[0]).toMatchObject({ outcome: 'created', consumptionLitres: 5_000 });

    // The same file again: every row a duplicate, nothing written.
    const again = await importReadingFile(context, tenantId, 'march-again.csv', marchFile(), systemActor('test'), null);
    expect(again).toMatchObject({ imported: 0, duplicates: open.length });

    // A file with a date before a meter's latest reading is refused whole.
    const late = Buffer.from(`account_no,meter_serial,read_on,register_litres\n${FIRST_NO + 4},TM-${FIRST_NO + 4},2026-03-10,121000\n${FIRST_NO + 5},TM-${FIRST_NO + 5},2026-03-24,121005\n`);
    const refused = await importReadingFile(context, tenantId, 'late.csv', late, systemActor('test'), null).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ImportRejected);
    expect((refused as ImportRejected).errors).toEqual([expect.objectContaining({ row: 2, field: 'read_on', en: "is before the meter's latest reading on 2026-03-15" })]);
  });
});
