import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/app';
import { DEMO_CUSTOMER, seedDemo } from '../src/demo/seed';
import { ManualClock } from '../src/platform/clock';
import { loadConfig } from '../src/platform/config';
import { arrayLiteral, openEmbeddedDatabase, type Database } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { searchCustomers } from '../src/modules/customers';
import { TEST_SECRET_KEY } from './harness';

// The one-command start runs on PGlite (PostgreSQL 18 in WebAssembly); the same migrations and the same
// row-level security must hold there as on the PostgreSQL 15 server.
let db: Database;

beforeAll(async () => {
  db = await openEmbeddedDatabase(undefined);
}, 60_000);
afterAll(() => db.close());

describe('the embedded database', () => {
  it('applies every migration, and a second run applies none', async () => {
    const first = await migrate(db);
    expect(first.applied.length).toBeGreaterThanOrEqual(7);
    const second = await migrate(db);
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
  });

  it('analyses a table once it has changed past autovacuum\'s threshold, which PGlite does not run on its own', async () => {
    await db.execAsOwner('CREATE TABLE stats_probe (n int); ANALYZE stats_probe');
    expect(await db.analyzeStale()).not.toContain('stats_probe');
    await db.asOwner((sql) => sql.query('INSERT INTO stats_probe SELECT generate_series(1, 30)'));
    expect(await db.analyzeStale()).not.toContain('stats_probe'); // 30 rows: under 50 + 10 %
    await db.asOwner((sql) => sql.query('INSERT INTO stats_probe SELECT generate_series(1, 5000)'));
    expect(await db.analyzeStale()).toContain('stats_probe');
    const [stats] = await db.asOwner((sql) => sql.query<{ reltuples: number }>("SELECT reltuples::int8 AS reltuples FROM pg_class WHERE relname = 'stats_probe'"));
    expect(stats?.reltuples).toBe(5030);
    expect(await db.analyzeStale()).not.toContain('stats_probe');
    await db.execAsOwner('DROP TABLE stats_probe');
  });

  it('filters by tenant: requests run as the application role, never the superuser', async () => {
    const [a] = await db.asOwner((sql) => sql.query<{ id: string }>("INSERT INTO tenants (code, name, name_en) VALUES ('emb-a', 'A', 'A') RETURNING id"));
    const [b] = await db.asOwner((sql) => sql.query<{ id: string }>("INSERT INTO tenants (code, name, name_en) VALUES ('emb-b', 'B', 'B') RETURNING id"));
    const tenantA = a?.id as string;
    const tenantB = b?.id as string;
    await db.withTenant(tenantA, (sql) => sql.query("INSERT INTO premises (tenant_id, district, street, address) VALUES ($1, '区', '街', '1号')", [tenantA]));
    await expect(
      db.withTenant(tenantA, (sql) => sql.query("INSERT INTO premises (tenant_id, district, street, address) VALUES ($1, '区', '街', '2号')", [tenantB])),
    ).rejects.toThrow(/row-level security/);
    expect(await db.withTenant(tenantB, (sql) => sql.query('SELECT * FROM premises'))).toEqual([]);
    expect(await db.withoutTenant((sql) => sql.query('SELECT * FROM premises'))).toEqual([]);
    const [who] = await db.withTenant(tenantA, (sql) => sql.query<{ user: string }>('SELECT current_user AS user'));
    expect(who?.user).toBe('shuiwu_app');
  });

  it('seeds the demo utility deterministically and finds its customers', async () => {
    const context = createContext({ config: loadConfig({ SHUIWU_SECRET_KEY: TEST_SECRET_KEY }), db, clock: new ManualClock('2026-11-20T02:00:00Z') });
    const demo = await seedDemo(context, { customers: 300, billedPeriods: ['2026-09'] });
    expect(demo.isNew).toBe(true);
    expect(demo.accounts).toBeGreaterThanOrEqual(300);
    // Tariffs, routes and a year of readings are seeded, and the billing run bills the month on PGlite.
    expect(demo.readings).toBeGreaterThan(demo.accounts * 10);
    expect(demo.bills).toBeGreaterThan(demo.accounts * 0.9);
    const found = await searchCustomers(context, demo.tenant.id, DEMO_CUSTOMER.accountNo, 5);
    expect(found[0]?.name).toBe(DEMO_CUSTOMER.name);
    const again = await seedDemo(context);
    expect(again.isNew).toBe(false);
  });
});

describe('selectText on the embedded database', () => {
  it('answers rows of text fields as the query does, and refuses a column that is not text', async () => {
    const query = "SELECT e AS e, $2::text AS b, '$1 stays'::text AS literal FROM unnest($1::text[]) WITH ORDINALITY AS t(e, n) ORDER BY n";
    const values = ['plain', 'tab\there', 'back\\slash', "quote'd", 'dq"uote', 'NULL', null, '水务'];
    const rows = await db.asOwner((sql) => db.selectText(sql, query, [arrayLiteral(values), null]));
    expect(rows).toEqual(values.map((value) => [value, null, '$1 stays']));
    await expect(db.asOwner((sql) => db.selectText(sql, 'SELECT 1 AS n'))).rejects.toThrow(/text columns only/);
  });
});
