import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/app';
import { createBillingRun, getBillingRun, workPendingBillingRuns } from '../src/modules/billing';
import { seedDemoTariffs } from '../src/modules/tariffs';
import { createTenant } from '../src/modules/tenancy';
import { systemActor } from '../src/platform/audit/audit';
import { ManualClock } from '../src/platform/clock';
import { loadConfig } from '../src/platform/config';
import type { PlatformContext } from '../src/platform/context';
import { copyRows } from '../src/platform/db/bulk';
import { openEmbeddedDatabase, type Database } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { generateTown } from './billing-town';
import { TEST_SECRET_KEY } from './harness';

// The embedded setup (PGlite, one connection) bills too: chunks one at a time, bill numbers taken in the
// chunk's own transaction, rows written by INSERT … unnest under row-level security.
let db: Database;
let context: PlatformContext;
let tenantId: string;

beforeAll(async () => {
  db = await openEmbeddedDatabase(undefined);
  await migrate(db);
  context = createContext({ config: loadConfig({ SHUIWU_SECRET_KEY: TEST_SECRET_KEY }), db, clock: new ManualClock('2026-03-02T02:00:00Z') });
  tenantId = (await createTenant(context, { code: 'embedded-billing', name: '嵌入式', nameEn: 'Embedded', hotline: null })).id;
  await db.withTenant(tenantId, async (sql) => {
    await generateTown(sql, { tenantId, accounts: 300, months: ['2026-01', '2026-02'], perRoute: 100 });
    await seedDemoTariffs(context, sql, tenantId);
  });
}, 120_000);
afterAll(() => db.close());

describe('a billing run on the embedded database', () => {
  it('bills two months once each, in order, and a second run of a month adds nothing', async () => {
    const january = await createBillingRun(context, tenantId, { period: '2026-01' }, systemActor('test'), { chunkSize: 100 });
    const february = await createBillingRun(context, tenantId, { period: '2026-02' }, systemActor('test'), { chunkSize: 100 });
    expect(january.totalChunks).toBe(3);
    await workPendingBillingRuns(context, { concurrency: 2 });
    for (const run of [january, february]) {
      const done = await getBillingRun(context, tenantId, run.id);
      expect(done).toMatchObject({ status: 'completed', progress: 1, summary: { bills: 294 } });
    }
    const again = await createBillingRun(context, tenantId, { period: '2026-02' }, systemActor('test'));
    await workPendingBillingRuns(context);
    expect((await getBillingRun(context, tenantId, again.id)).summary).toMatchObject({ bills: 0, skipped: expect.arrayContaining([{ reason: 'already_billed', accounts: 294 }]) });
    const [check] = await db.withTenant(tenantId, (sql) =>
      sql.query<{ bills: number; distinct_bills: number; off: number; debits: number; credits: number; numbers: number }>(
        `SELECT count(*)::int AS bills, count(DISTINCT (account_id, period))::int AS distinct_bills, count(DISTINCT bill_no)::int AS numbers,
           (SELECT count(*)::int FROM bills b WHERE b.total_fen <> (SELECT sum(amount_fen) FROM bill_lines l WHERE l.bill_id = b.id)) AS off,
           (SELECT sum(debit_fen)::int8 FROM ledger_entries) AS debits, (SELECT sum(credit_fen)::int8 FROM ledger_entries) AS credits
         FROM bills`,
      ),
    );
    expect(check).toMatchObject({ bills: 588, distinct_bills: 588, numbers: 588, off: 0 });
    expect(check?.debits).toBe(check?.credits);
  });

  it("copies as the application role only into temporary tables, and row-level security still checks every row", async () => {
    await expect(db.withTenant(tenantId, (sql) => db.copyIn(sql, 'COPY counters (tenant_id, name, value) FROM STDIN', [`${tenantId}\tsmuggled\t1\n`]))).rejects.toThrow(/temporary/);
    const other = (await createTenant(context, { code: 'embedded-other', name: '他方', nameEn: 'Other', hotline: null })).id;
    const rows = Array.from({ length: 60 }, (_unused, index) => [other, `smuggled-${index}`, index]);
    const columns = [{ name: 'tenant_id', type: 'uuid' }, { name: 'name', type: 'text' }, { name: 'value', type: 'int8' }];
    await expect(db.withTenant(tenantId, (sql) => copyRows(db, sql, 'counters', columns, rows))).rejects.toThrow(/row-level security/);
    expect(await db.withTenant(other, (sql) => sql.query("SELECT 1 FROM counters WHERE name LIKE 'smuggled%'"))).toEqual([]);
  });
});
