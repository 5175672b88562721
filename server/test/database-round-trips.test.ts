// The server database's round trips (platform/db/database.ts): a transaction's first statement goes with
// its BEGIN and settings, its parameters inlined as quoted literals, and statements queued with atCommit go
// with the COMMIT. What the application sees must be exactly what bound parameters gave it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAuditAtCommit, systemActor, verifyAuditChain } from '../src/platform/audit/audit';
import { arrayLiteral, openServerDatabase, selectText } from '../src/platform/db/database';
import { createTestEnvironment, type TestEnvironment, type Utility } from './harness';

let environment: TestEnvironment;
let utility: Utility;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('trips');
});
afterAll(() => environment.close());

const PROBE = 'SELECT $1::text AS a, $2::int AS b, $3::boolean AS c, $4::timestamptz AS d, $5::text[] AS e, $6::jsonb AS f, $7::text AS g, $8::numeric AS h';
const hostile = "x'); DROP TABLE counters; -- \\' \\\\ $1 $$ 水务 \u00e9";

describe('a transaction in few round trips', () => {
  it('answers a first statement with inlined parameters exactly as the same statement with bound ones', async () => {
    const params = [hostile, 42, true, new Date('2026-03-02T02:00:00.123Z'), ['a', "b'c", 'd"e', null], { say: "it's", n: [1, 2] }, null, -1.5];
    const [inlined, bound] = await environment.db.withTenant(utility.tenant.id, async (sql) => [await sql.query(PROBE, params), await sql.query(PROBE, params)]);
    expect(inlined).toEqual(bound);
    expect(inlined?.[0]).toMatchObject({ a: hostile, b: 42, c: true, e: ['a', "b'c", 'd"e', null], f: { say: "it's", n: [1, 2] }, g: null, h: '-1.5' });
    expect((inlined?.[0] as { d: Date }).d.toISOString()).toBe('2026-03-02T02:00:00.123Z');
    const [counters] = await environment.ownerQuery<{ exists: boolean }>("SELECT to_regclass('public.counters') IS NOT NULL AS exists");
    expect(counters?.exists).toBe(true);
  });

  it('runs the first statement as the application role with the tenant set', async () => {
    const [who] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ role: string; tenant: string }>("SELECT current_user AS role, current_setting('app.tenant_id') AS tenant"));
    expect(who).toEqual({ role: 'shuiwu_app', tenant: utility.tenant.id });
    const [first] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ role: string; tenant: string }>('SELECT current_user AS role, current_setting($1) AS tenant', ['app.tenant_id']));
    expect(first).toEqual({ role: 'shuiwu_app', tenant: utility.tenant.id });
  });

  it('compiles nothing (JIT off) in a transaction of the application, with or without a tenant, unless the transaction asks', async () => {
    const jit = "SELECT current_setting('jit') AS jit";
    expect(await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ jit: string }>(jit))).toEqual([{ jit: 'off' }]);
    expect(await environment.db.withoutTenant((sql) => sql.query<{ jit: string }>(jit))).toEqual([{ jit: 'off' }]);
    expect(await environment.db.withoutTenant((sql) => sql.query<{ jit: string }>(jit), { jit: 'on' })).toEqual([{ jit: 'on' }]);
  });

  it('keeps a first statement marked prepared prepared on its connection, under the same role and tenant', async () => {
    // No quoted text of its own, so it could go inlined with the BEGIN.
    const text = 'SELECT current_user AS role, current_setting($2) AS tenant, $1::text AS echo, (SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE $3)::int AS prepared';
    const runs = [];
    for (let index = 0; index < 2; index += 1) {
      runs.push((await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ role: string; tenant: string; echo: string; prepared: number }>(text, [hostile, 'app.tenant_id', '%AS echo%'], { prepared: true })))[0]);
    }
    for (const run of runs) expect(run).toMatchObject({ role: 'shuiwu_app', tenant: utility.tenant.id, echo: hostile });
    // Prepared (named) on the connection that ran it: the statement sees itself among the connection's prepared statements.
    expect(runs.every((run) => (run?.prepared ?? 0) >= 1)).toBe(true);
  });

  it('writes an entry queued for the commit after the transaction’s own statements, chained, and only if it commits', async () => {
    const at = new Date('2026-03-02T02:00:00Z');
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      await recordAuditAtCommit(sql, utility.tenant.id, systemActor('round-trip test'), at, { action: 'test.queued', objectType: 'test', objectId: hostile, after: { note: "it's" } });
      // Not there yet: it goes with the COMMIT.
      expect(await sql.query("SELECT 1 FROM audit_log WHERE action = 'test.queued'")).toHaveLength(0);
    });
    const written = await environment.ownerQuery<{ object_id: string; after: unknown }>("SELECT object_id, after FROM audit_log WHERE tenant_id = $1 AND action = 'test.queued'", [utility.tenant.id]);
    expect(written).toEqual([{ object_id: hostile, after: { note: "it's" } }]);
    await expect(
      environment.db.withTenant(utility.tenant.id, async (sql) => {
        await recordAuditAtCommit(sql, utility.tenant.id, systemActor('round-trip test'), at, { action: 'test.rolled_back', objectType: 'test', objectId: '1' });
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(await environment.ownerQuery("SELECT 1 FROM audit_log WHERE action = 'test.rolled_back'")).toHaveLength(0);
    const chain = await environment.db.withTenant(utility.tenant.id, (sql) => verifyAuditChain(sql));
    expect(chain.firstBrokenSeq).toBeNull();
  });

  it('rolls the whole transaction back when a statement queued for the commit fails', async () => {
    await expect(
      environment.db.withTenant(utility.tenant.id, async (sql) => {
        await sql.query("INSERT INTO counters (tenant_id, name, value) VALUES ($1, 'round_trip_test', 1)", [utility.tenant.id]);
        // actor_type must be staff, portal_user or system.
        await recordAuditAtCommit(sql, utility.tenant.id, { type: 'nobody' as 'system', id: null, name: 'x', ip: null }, new Date(), { action: 'test.refused', objectType: 'test', objectId: '1' });
      }),
    ).rejects.toThrow(/actor_type/);
    expect(await environment.ownerQuery("SELECT 1 FROM counters WHERE name = 'round_trip_test'")).toHaveLength(0);
    // The connection is usable again afterwards.
    const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ one: number }>('SELECT 1 AS one'));
    expect(row).toEqual({ one: 1 });
  });
});

describe('queryWithoutTenant: one statement as a transaction of its own, in one round trip', () => {
  it('answers exactly as the bound statement does, as the application role with no tenant, and commits', async () => {
    const single = await openServerDatabase(environment.config.databaseUrl ?? '', 1);
    try {
      const params = [hostile, 42, true, new Date('2026-03-02T02:00:00.123Z'), ['a', "b'c", null], { say: "it's" }, null, -1.5];
      const [once] = await single.queryWithoutTenant(PROBE, params);
      const [bound] = await single.withoutTenant(async (sql) => {
        await sql.query('SELECT 1');
        return sql.query(PROBE, params);
      });
      expect(once).toEqual(bound);
      const who = () => single.queryWithoutTenant<{ role: string; tenant: string | null; xact: number }>("SELECT current_user AS role, current_setting('app.tenant_id', true) AS tenant, pg_current_xact_id()::text::bigint AS xact");
      const [first] = await who();
      const [second] = await who();
      expect(first).toMatchObject({ role: 'shuiwu_app' });
      expect(first?.tenant ?? '').toBe('');
      // A transaction of its own each time, over when it answers: the one connection's next one starts anew.
      expect(second?.xact).toBeGreaterThan(first?.xact ?? Infinity);
      // A failing statement rolls back, and the connection serves the next one.
      await expect(single.queryWithoutTenant('SELECT 1 / $1::int AS x', [0])).rejects.toThrow(/division by zero/);
      // One with quoted text of its own is not inlined, and answers the same.
      expect(await single.queryWithoutTenant("SELECT 'it''s' AS quoted, $1::text AS echo", [hostile])).toEqual([{ quoted: "it's", echo: hostile }]);
    } finally {
      await single.close();
    }
  });
});

// selectText: a large result read as COPY (…) TO STDOUT, its parameters inlined, must answer exactly what the
// same query with bound parameters does, and under the same role, tenant and policies.
const TEXT_PROBE = `SELECT $1::text AS a, e AS e, $3::text AS c, current_user::text AS role, '$1 stays'::text AS literal
  FROM unnest($2::text[]) WITH ORDINALITY AS t(e, n) ORDER BY n`;
const awkward = ['plain', 'tab\there', 'new\nline', 'back\\slash', "quote'd", 'dq"uote', 'comma,brace{}', 'NULL', null, '水务', ''];

describe('selectText', () => {
  it('answers rows of text fields exactly as the bound query does: nulls, tabs, newlines, backslashes, quotes and a $1 inside a literal', async () => {
    const params = [hostile, arrayLiteral(awkward), null];
    const [copied, bound] = await environment.db.withTenant(utility.tenant.id, async (sql) => [
      await environment.db.selectText(sql, TEXT_PROBE, params),
      (await sql.query<Record<string, string | null>>(TEXT_PROBE, params)).map((row) => Object.values(row)),
    ]);
    expect(copied).toEqual(bound);
    expect(copied?.map((row) => row[1])).toEqual(awkward);
    expect(copied?.[0]).toEqual([hostile, 'plain', null, 'shuiwu_app', '$1 stays']);
    // The same through the helper without a database at hand (an ordinary query).
    const viaQuery = await environment.db.withTenant(utility.tenant.id, (sql) => selectText(sql, undefined, TEXT_PROBE, params));
    expect(viaQuery).toEqual(bound);
  });

  it('sees only the transaction’s tenant, as any query does', async () => {
    const other = await environment.givenUtility('trips-other');
    const query = 'SELECT DISTINCT tenant_id::text AS tenant FROM staff WHERE tenant_id = ANY($1::uuid[])';
    const both = [arrayLiteral([utility.tenant.id, other.tenant.id])];
    expect(await environment.db.withTenant(utility.tenant.id, (sql) => environment.db.selectText(sql, query, both))).toEqual([[utility.tenant.id]]);
    expect(await environment.db.withTenant(other.tenant.id, (sql) => environment.db.selectText(sql, query, both))).toEqual([[other.tenant.id]]);
    const owner = await environment.db.asOwner((sql) => environment.db.selectText(sql, query, both));
    expect(owner.map(([tenant]) => tenant).sort()).toEqual([utility.tenant.id, other.tenant.id].sort());
  });

  it('refuses a query whose parameters could not be inlined safely', async () => {
    await expect(environment.db.withTenant(utility.tenant.id, (sql) => environment.db.selectText(sql, "SELECT E'x'::text AS a, $1::text AS b", ['y']))).rejects.toThrow(/escape strings/);
    await expect(environment.db.withTenant(utility.tenant.id, (sql) => environment.db.selectText(sql, 'SELECT $$x$$::text AS a', []))).rejects.toThrow(/dollar quoting/);
  });
});
