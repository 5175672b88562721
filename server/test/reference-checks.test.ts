import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/app';
import { createBillingRun, workPendingBillingRuns } from '../src/modules/billing';
import { seedDemoTariffs } from '../src/modules/tariffs';
import { createTenant } from '../src/modules/tenancy';
import { systemActor } from '../src/platform/audit/audit';
import { ManualClock } from '../src/platform/clock';
import { loadConfig } from '../src/platform/config';
import { BULK_ROLE, copyRows, type BulkColumn } from '../src/platform/db/bulk';
import { APP_ROLE, openEmbeddedDatabase, type Database } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { generateTown } from './billing-town';
import { createTestEnvironment, TEST_SECRET_KEY, type TestEnvironment } from './harness';

// ADR 0006: bills, bill lines, ledger entries and readings check their parents once per statement (a
// transition table anti-joined to the parent) instead of a foreign key per row; the parents are never
// deleted or re-keyed. The same migrations, the same answers, on PostgreSQL and on PGlite.

interface Fixture {
  db: Database;
  tenantId: string;
  otherTenantId: string;
  bill: { id: string; accountId: string; runId: string };
  meterId: string;
  tariffVersionId: string;
  close(): Promise<void>;
}

const MISSING = '00000000-0000-4000-8000-00000000dead';

async function fixture(db: Database, close: () => Promise<void>): Promise<Fixture> {
  const context = createContext({ config: loadConfig({ SHUIWU_SECRET_KEY: TEST_SECRET_KEY }), db, clock: new ManualClock('2026-02-02T02:00:00Z') });
  const tenantId = (await createTenant(context, { code: 'refs-a', name: '甲', nameEn: 'A', hotline: null })).id;
  const otherTenantId = (await createTenant(context, { code: 'refs-b', name: '乙', nameEn: 'B', hotline: null })).id;
  // Enough accounts (and so bills) in the first utility for the checks that read a range of keys (0053).
  for (const [tenant, firstAccountNo, accounts] of [[tenantId, 2_000_000_000, 1200], [otherTenantId, 2_100_000_000, 3]] as const) {
    await db.withTenant(tenant, async (sql) => {
      await generateTown(sql, { tenantId: tenant, accounts, months: ['2026-01'], perRoute: 400, firstAccountNo });
      await seedDemoTariffs(context, sql, tenant);
    });
  }
  await createBillingRun(context, tenantId, { period: '2026-01' }, systemActor('test'));
  await workPendingBillingRuns(context);
  const [row] = await db.withTenant(tenantId, (sql) =>
    sql.query<{ id: string; account_id: string; run_id: string; meter_id: string; tariff_version_id: string }>(
      `SELECT b.id, b.account_id, b.run_id, (SELECT id FROM meters LIMIT 1) AS meter_id,
         (SELECT tariff_version_id FROM bill_lines WHERE tariff_version_id IS NOT NULL LIMIT 1) AS tariff_version_id
       FROM bills b LIMIT 1`,
    ),
  );
  if (!row) throw new Error('the billing run wrote no bill');
  return { db, tenantId, otherTenantId, bill: { id: row.id, accountId: row.account_id, runId: row.run_id }, meterId: row.meter_id, tariffVersionId: row.tariff_version_id, close };
}

/** The error's SQLSTATE and constraint, or 'ok'. */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    return constraint ? `${code} ${constraint}` : `${code}`;
  }
}

// A period of its own per call, so the one-regular-bill-per-period rule never answers first.
let periods = 0;
const nextPeriod = () => {
  periods += 1;
  return `${2000 + Math.floor(periods / 12)}-${String((periods % 12) + 1).padStart(2, '0')}`;
};
const billInsert = (accountId: string, runId: string | null, adjusts: string | null = null) => ({
  text: `INSERT INTO bills (tenant_id, bill_no, kind, account_id, period, period_start, period_end, run_id, adjusts_bill_id, reason,
           consumption_litres, total_fen, issued_on, due_on, created_at)
         VALUES (current_tenant_id(), 'T-' || gen_random_uuid(), $3, $1, $6, ($6 || '-01')::date, ($6 || '-28')::date, $2, $4, $5, 0, 0, '2026-02-01', '2026-03-01', now())`,
  params: [accountId, runId, adjusts ? 'credit_note' : 'regular', adjusts, adjusts ? 'meter_error' : null, nextPeriod()],
});

function describeChecks(engine: string, open: () => Promise<Fixture>) {
  describe(`reference checks on ${engine}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await open();
    }, 120_000);
    afterAll(() => f?.close());

    const asApp = (text: string, params: unknown[] = [], tenant?: string) => outcome(f.db.withTenant(tenant ?? f.tenantId, (sql) => sql.query(text, params)));
    const asOwner = (text: string, params: unknown[] = []) => outcome(f.db.asOwner((sql) => sql.query(text, params)));

    // A function that turns a plan method off costs the plans still needing it above 10^10, far past
    // jit_above_cost: without jit = off, each small insert compiled its probes (80–130 ms a check, 0054).
    it('never JIT-compiles a function that turns plan methods off, such as the reference checks', async () => {
      const rows = await f.db.asOwner((sql) =>
        sql.query<{ name: string; jit: boolean }>(
          `SELECT p.proname AS name, 'jit=off' = ANY (p.proconfig) AS jit
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND EXISTS (SELECT FROM unnest(p.proconfig) AS c WHERE c LIKE 'enable\\_%=off')
           ORDER BY 1`,
        ),
      );
      expect(rows).toContainEqual({ name: 'check_parent_rows', jit: true });
      expect(rows.filter((row) => !row.jit)).toEqual([]);
    });

    it('refuses a bill whose account, run or adjusted bill is missing (23503, named constraint)', async () => {
      const noAccount = billInsert(MISSING, f.bill.runId);
      expect(await asApp(noAccount.text, noAccount.params)).toBe('23503 bills_tenant_id_account_id_fkey');
      const noRun = billInsert(f.bill.accountId, MISSING);
      expect(await asApp(noRun.text, noRun.params)).toBe('23503 bills_tenant_id_run_id_fkey');
      const noBill = billInsert(f.bill.accountId, null, MISSING);
      expect(await asApp(noBill.text, noBill.params)).toBe('23503 bills_tenant_id_adjusts_bill_id_fkey');
      const note = billInsert(f.bill.accountId, null, f.bill.id);
      expect(await asApp(note.text, note.params)).toBe('ok');
    });

    it('refuses bill lines and ledger entries whose bill, tariff version or account is missing', async () => {
      const line = `INSERT INTO bill_lines (tenant_id, bill_id, line_no, line_type, amount_fen, tariff_version_id, description) VALUES (current_tenant_id(), $1, 99, 'adjustment', 0, $2, 'test')`;
      expect(await asApp(line, [MISSING, null])).toBe('23503 bill_lines_tenant_id_bill_id_fkey');
      expect(await asApp(line, [f.bill.id, MISSING])).toBe('23503 bill_lines_tenant_id_tariff_version_id_fkey');
      const entry = `INSERT INTO ledger_entries (tenant_id, journal_id, account_id, ledger_account, entry_type, debit_fen, bill_id, business_date, posted_at, description)
                     VALUES (current_tenant_id(), gen_random_uuid(), $1, 'adjustment', 'adjustment', 1, $2, '2026-02-01', now(), 'test')`;
      expect(await asApp(entry, [f.bill.accountId, MISSING])).toBe('23503 ledger_entries_tenant_id_bill_id_fkey');
      expect(await asApp(entry, [MISSING, f.bill.id])).toBe('23503 ledger_entries_tenant_id_account_id_fkey');
      // The owner is held to the same rules (a trigger, not a privilege).
      expect(await asOwner(line.replaceAll('current_tenant_id()', `'${f.tenantId}'::uuid`), [MISSING, null])).toBe('23503 bill_lines_tenant_id_bill_id_fkey');
    });

    it('refuses readings (a partitioned table) whose account or meter is missing', async () => {
      const reading = `INSERT INTO readings (tenant_id, account_id, meter_id, read_on, read_at, register_litres, source, status)
                       VALUES (current_tenant_id(), $1, $2, '2026-01-20', now(), 1000, 'api', 'accepted')`;
      expect(await asApp(reading, [f.bill.accountId, MISSING])).toBe('23503 readings_tenant_id_meter_id_fkey');
      expect(await asApp(reading, [MISSING, f.meterId])).toBe('23503 readings_tenant_id_account_id_fkey');
    });

    it("refuses a row pointing at another utility's parent, and a whole statement for one bad row", async () => {
      const line = `INSERT INTO bill_lines (tenant_id, bill_id, line_no, line_type, amount_fen, description) VALUES (current_tenant_id(), $1, 98, 'adjustment', 0, 'test')`;
      expect(await asApp(line, [f.bill.id], f.otherTenantId)).toBe('23503 bill_lines_tenant_id_bill_id_fkey');
      const many = `INSERT INTO bill_lines (tenant_id, bill_id, line_no, line_type, amount_fen, description)
                    SELECT current_tenant_id(), CASE WHEN n = 500 THEN $2::uuid ELSE $1::uuid END, 100 + n, 'adjustment', 0, 'test' FROM generate_series(1, 1000) AS n`;
      expect(await asApp(many, [f.bill.id, MISSING])).toBe('23503 bill_lines_tenant_id_bill_id_fkey');
      const [count] = await f.db.withTenant(f.tenantId, (sql) => sql.query<{ n: number }>('SELECT count(*)::int AS n FROM bill_lines WHERE line_no > 97'));
      expect(count?.n).toBe(0);
    });

    it('refuses to delete, truncate or re-key accounts, meters, billing runs and tariff versions', async () => {
      // 42501, like the schema's other refusals (append-only tables, kept tariff versions).
      expect(await asApp('DELETE FROM accounts WHERE id = $1', [f.bill.accountId])).toBe('42501');
      expect(await asOwner('DELETE FROM accounts WHERE id = $1', [f.bill.accountId])).toBe('42501');
      expect(await asOwner('DELETE FROM meters WHERE id = $1', [f.meterId])).toBe('42501');
      expect(await asOwner('DELETE FROM billing_runs WHERE id = $1', [f.bill.runId])).toBe('42501');
      expect(await asOwner('DELETE FROM tariff_versions WHERE id = $1', [f.tariffVersionId])).toBe('42501');
      expect(await asOwner('UPDATE accounts SET id = gen_random_uuid() WHERE id = $1', [f.bill.accountId])).toBe('42501');
      expect(await asOwner('UPDATE meters SET id = gen_random_uuid() WHERE id = $1', [f.meterId])).toBe('42501');
      expect(await asOwner('UPDATE readings SET meter_id = gen_random_uuid() WHERE account_id = $1', [f.bill.accountId])).toBe('42501');
      for (const table of ['accounts', 'meters', 'billing_runs', 'tariff_versions']) expect(await asOwner(`TRUNCATE ${table} CASCADE`)).not.toBe('ok');
      // Ordinary changes still go through.
      expect(await asApp("UPDATE accounts SET household_size = household_size WHERE id = $1", [f.bill.accountId])).toBe('ok');
    });

    // Migration 0053: a statement of many keys of one tenant lying close together is checked against one read
    // of the parent's key range; anything not found there (missing, or the range too sparse) goes to the probes.
    it('checks many close keys by one range read, and sparse, missing or mixed keys by the probes', async () => {
      const accountIds = await f.db.withTenant(f.tenantId, async (sql) => (await sql.query<{ id: string }>('SELECT id FROM accounts ORDER BY id')).map((row) => row.id));
      expect(accountIds.length).toBe(1200);
      // Bills for the given accounts in one statement, in a period of its own; the answer and how many times
      // the statement read the accounts' indexes (the range read is one scan, the probes one scan per key).
      const billsFor = (ids: readonly string[], tenant = f.tenantId) =>
        f.db.withTenant(tenant, async (sql) => {
          const scans = async () => (await sql.query<{ n: number }>("SELECT coalesce(sum(idx_scan), 0)::int AS n FROM pg_stat_xact_user_tables WHERE relname = 'accounts'"))[0]?.n ?? 0;
          const before = await scans();
          const answer = await outcome(sql.query(
            `INSERT INTO bills (tenant_id, bill_no, account_id, period, period_start, period_end, consumption_litres, total_fen, issued_on, due_on, created_at)
             SELECT current_tenant_id(), 'R-' || gen_random_uuid(), a, $2, ($2 || '-01')::date, ($2 || '-28')::date, 0, 0, '2026-02-01', '2026-03-01', now()
             FROM unnest($1::uuid[]) AS a`,
            [ids, nextPeriod()],
          ));
          return { answer, scans: answer === 'ok' ? (await scans()) - before : null };
        });
      const dense = await billsFor(accountIds);
      expect(dense.answer).toBe('ok');
      expect(dense.scans).toBeLessThan(10);
      // Every fourth account: the range holds four times as many accounts as there are keys, beyond the two the
      // read allows. With the accounts analysed, their count says so before anything is read (migration 0053):
      // the probes only, one scan per key.
      await f.db.asOwner((sql) => sql.query('ANALYZE accounts'));
      const sparse = await billsFor(accountIds.filter((_, index) => index % 4 === 0));
      expect(sparse).toEqual({ answer: 'ok', scans: 300 });
      // A key inside the range that names no account: refused, the statement's other 1,199 rows with it.
      const at = accountIds.findIndex((id, index) => index >= 600 && !id.endsWith('f'));
      const near = accountIds[at] as string;
      const between = `${near.slice(0, 35)}${(parseInt(near.slice(35), 16) + 1).toString(16)}`;
      expect(between > near && between < (accountIds[at + 1] as string)).toBe(true);
      const withMissing = accountIds.map((id, index) => (index === at ? between : id));
      expect((await billsFor(withMissing)).answer).toBe('23503 bills_tenant_id_account_id_fkey');
      // The probes name the missing key, as a foreign key would.
      const detail = await f.db
        .withTenant(f.tenantId, (sql) => sql.query(
          `INSERT INTO bills (tenant_id, bill_no, account_id, period, period_start, period_end, consumption_litres, total_fen, issued_on, due_on, created_at)
           SELECT current_tenant_id(), 'R-' || gen_random_uuid(), a, '2023-01', '2023-01-01', '2023-01-28', 0, 0, '2026-02-01', '2026-03-01', now() FROM unnest($1::uuid[]) AS a`,
          [withMissing],
        ))
        .then(() => 'ok', (error: { detail?: string }) => error.detail);
      expect(detail).toBe(`Key (tenant_id, account_id)=(${f.tenantId}, ${between}) is not present in table "accounts".`);
      // The readings' checks read up to eight parent keys per row (migration 0053): a reading for every meter
      // goes through on one read of each parent; one unknown meter among them is refused, by name.
      const meterIds = await f.db.withTenant(f.tenantId, async (sql) => (await sql.query<{ id: string }>('SELECT id FROM meters ORDER BY id')).map((row) => row.id));
      const readingsFor = (meters: readonly string[]) =>
        f.db.withTenant(f.tenantId, async (sql) => {
          const scans = async () => (await sql.query<{ n: number }>("SELECT coalesce(sum(idx_scan), 0)::int AS n FROM pg_stat_xact_user_tables WHERE relname IN ('accounts', 'meters')"))[0]?.n ?? 0;
          const before = await scans();
          const answer = await outcome(sql.query(
            `INSERT INTO readings (tenant_id, account_id, meter_id, read_on, read_at, register_litres, source, status)
             SELECT current_tenant_id(), a, m, '2026-01-21', now(), 1000, 'api', 'accepted' FROM unnest($1::uuid[], $2::uuid[]) AS x(a, m)`,
            [accountIds.slice(0, meters.length), meters],
          ));
          return { answer, scans: answer === 'ok' ? (await scans()) - before : null };
        });
      const everyMeter = await readingsFor(meterIds.slice(0, 1200));
      expect(everyMeter.answer).toBe('ok');
      expect(everyMeter.scans).toBeLessThan(10);
      expect((await readingsFor(meterIds.slice(0, 1200).map((id, index) => (index === 900 ? MISSING.replace('dead', 'beef') : id)))).answer).toBe('23503 readings_tenant_id_meter_id_fkey');

      // A key of another utility among them, written by the owner (no policy): the probes find it missing here.
      const mixed = await outcome(f.db.asOwner((sql) => sql.query(
        `INSERT INTO bill_lines (tenant_id, bill_id, line_no, line_type, amount_fen, description)
         SELECT CASE WHEN n = 700 THEN $2::uuid ELSE $1::uuid END, $3::uuid, 200 + n, 'adjustment', 0, 'test' FROM generate_series(1, 1000) AS n`,
        [f.tenantId, f.otherTenantId, f.bill.id],
      )));
      expect(mixed).toBe('23503 bill_lines_tenant_id_bill_id_fkey');
      const [lines] = await f.db.withTenant(f.tenantId, (sql) => sql.query<{ n: number }>('SELECT count(*)::int AS n FROM bill_lines WHERE line_no > 199'));
      expect(lines?.n).toBe(0);
    });

    // ADR 0007: on PostgreSQL bulk rows are COPied straight into the table as the bulk writer, on PGlite through a
    // temporary table; either way only the transaction's tenant's rows get in.
    const LINE_COLUMNS: BulkColumn[] = ['tenant_id:uuid', 'bill_id:uuid', 'line_no:int4', 'line_type:text', 'amount_fen:int8', 'description:text'].map((spec) => {
      const [name, type] = spec.split(':') as [string, string];
      return { name, type };
    });
    const lines = (tenantId: string, from: number) => Array.from({ length: 60 }, (_, n) => [tenantId, f.bill.id, from + n, 'adjustment', 0, '批量 bulk']);
    const linesFrom = (from: number) => f.db.withTenant(f.tenantId, async (sql) => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM bill_lines WHERE line_no >= $1', [from]))[0]?.n);

    it('appends many rows of the tenant, and refuses the whole statement for one row of another tenant', async () => {
      const after = await f.db.withTenant(f.tenantId, async (sql) => {
        await copyRows(f.db, sql, 'bill_lines', LINE_COLUMNS, lines(f.tenantId, 1000));
        // Back to the application role for what follows in the transaction.
        return (await sql.query<{ role: string }>('SELECT current_user AS role'))[0]?.role;
      });
      expect(after).toBe(APP_ROLE);
      expect(await linesFrom(1000)).toBe(60);
      const mixed = lines(f.tenantId, 2000);
      (mixed[30] as unknown[])[0] = f.otherTenantId;
      expect(await outcome(f.db.withTenant(f.tenantId, (sql) => copyRows(f.db, sql, 'bill_lines', LINE_COLUMNS, mixed)))).toBe('42501');
      expect(await linesFrom(2000)).toBe(0);
      // The owner's own seeds and repairs (no tenant set) still go through a temporary table.
      await f.db.asOwner((sql) => copyRows(f.db, sql, 'bill_lines', LINE_COLUMNS, lines(f.tenantId, 3000)));
      expect(await linesFrom(3000)).toBe(60);
    });

    if (engine === 'PostgreSQL') {
      it('copies as the bulk writer, which may only append to the bulk tables of the transaction\'s tenant', async () => {
        // No scratch table is made (one per column list, so a new list would have made one): the rows went straight in.
        const scratchTables = async () => (await f.db.asOwner((sql) => sql.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'copy_rows_bill_lines_%' AND relpersistence = 't'")))[0]?.n;
        const before = await scratchTables();
        await f.db.withTenant(f.tenantId, (sql) => copyRows(f.db, sql, 'bill_lines', [...LINE_COLUMNS, { name: 'tier', type: 'int4' }], lines(f.tenantId, 5000).map((row) => [...row, 1])));
        expect(await linesFrom(5000)).toBe(60);
        expect(await scratchTables()).toBe(before);
        const [role] = await f.db.asOwner((sql) => sql.query<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }>(
          "SELECT rolsuper, rolbypassrls, (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns FROM pg_roles r WHERE rolname = $1", [BULK_ROLE]));
        expect(role).toEqual({ rolsuper: false, rolbypassrls: true, owns: 0 });
        const grants = await f.db.asOwner((sql) => sql.query<{ grant: string }>(
          `SELECT table_name || ' ' || privilege_type AS grant FROM information_schema.role_table_grants WHERE grantee = $1 ORDER BY 1`, [BULK_ROLE]));
        expect(grants.map((row) => row.grant)).toEqual([
          'accounts SELECT', 'bill_lines INSERT', 'billing_runs SELECT', 'bills INSERT', 'bills SELECT', 'ledger_entries INSERT', 'meters SELECT', 'readings INSERT', 'tariff_versions SELECT',
        ]);
        // copyRows takes the role for any table it may insert into: each such table must check the tenant.
        const unguarded = await f.db.asOwner((sql) => sql.query<{ table: string }>(
          `SELECT g.table_name AS table FROM information_schema.role_table_grants g
           WHERE g.grantee = $1 AND g.privilege_type = 'INSERT'
             AND NOT EXISTS (SELECT FROM pg_trigger t WHERE t.tgrelid = g.table_name::regclass AND t.tgfoid = 'check_bulk_tenant'::regproc)`, [BULK_ROLE]));
        expect(unguarded).toEqual([]);
        // Taken on by hand, the tenant rule holds for plain INSERTs too, and with no tenant nothing gets in.
        const line = (tenant: string) => `SET LOCAL ROLE ${BULK_ROLE}; INSERT INTO bill_lines (tenant_id, bill_id, line_no, line_type, amount_fen, description) VALUES ('${tenant}', '${f.bill.id}', 4000, 'adjustment', 0, 'x')`;
        expect(await outcome(f.db.withTenant(f.tenantId, (sql) => sql.query(line(f.otherTenantId))))).toBe('42501');
        expect(await outcome(f.db.withoutTenant((sql) => sql.query(line(f.tenantId))))).toBe('42501');
        expect(await outcome(f.db.withTenant(f.tenantId, (sql) => sql.query(`SET LOCAL ROLE ${BULK_ROLE}; UPDATE bill_lines SET description = 'x'`)))).toBe('42501');
        expect(await outcome(f.db.withTenant(f.tenantId, (sql) => sql.query(line(f.tenantId))))).toBe('ok');
      });
    }
  });
}

describeChecks('PostgreSQL', async () => {
  const environment: TestEnvironment = await createTestEnvironment();
  return fixture(environment.db, () => environment.close());
});

describeChecks('PGlite', async () => {
  const db = await openEmbeddedDatabase(undefined);
  await migrate(db);
  return fixture(db, () => db.close());
});

// The planner needs statistics for the set-based checks and the arrears list. A server whose autovacuum is
// on keeps them itself; one configured with `autovacuum = off` (as CI machines can be) is treated as PGlite.
describe('planner statistics on PostgreSQL', () => {
  it('analyses every table after seeding, and stale tables too (once a minute at most) when the server runs no autovacuum', async () => {
    const environment = await createTestEnvironment();
    try {
      const { db } = environment;
      await db.execAsOwner('CREATE TABLE stats_probe (n int)');
      await db.asOwner((sql) => sql.query('INSERT INTO stats_probe SELECT generate_series(1, 5000)'));
      expect(await db.analyzeStale({ all: true })).toContain('stats_probe');
      const reltuples = async () => (await db.asOwner((sql) => sql.query<{ n: number }>("SELECT reltuples::int8 AS n FROM pg_class WHERE relname = 'stats_probe'")))[0]?.n;
      expect(await reltuples()).toBe(5000);
      const [setting] = await db.asOwner((sql) => sql.query<{ on: boolean }>("SELECT current_setting('autovacuum') = 'on' AS on"));
      await db.asOwner((sql) => sql.query('INSERT INTO stats_probe SELECT generate_series(1, 5000)'));
      // Another connection's counts reach the statistics views within about ten seconds of its going idle.
      const counted = async () => (await db.asOwner((sql) => sql.query<{ n: number }>("SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables WHERE relname = 'stats_probe'")))[0]?.n ?? 0;
      for (let waited = 0; (await counted()) < 5000 && waited < 20_000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
      const analysed = await db.analyzeStale();
      if (setting?.on === true) expect(analysed).toEqual([]);
      else {
        expect(analysed).toContain('stats_probe');
        expect(await reltuples()).toBe(10000);
        // Looked at once a minute at most, as autovacuum's launcher would: stale again, but not yet analysed.
        await db.asOwner((sql) => sql.query('INSERT INTO stats_probe SELECT generate_series(1, 5000)'));
        for (let waited = 0; (await counted()) < 5000 && waited < 20_000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
        expect(await db.analyzeStale()).toEqual([]);
        expect(await reltuples()).toBe(10000);
        expect(await db.analyzeStale({ all: true })).toContain('stats_probe');
        expect(await reltuples()).toBe(15000);
      }
    } finally {
      await environment.close();
    }
  }, 60_000);
});
