import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/bin/cli';
import { recordAudit, systemActor } from '../src/platform/audit/audit';
import { openServerDatabase, type Database } from '../src/platform/db/database';
import { givenCustomerWithAccount } from './factories';
import { createTestEnvironment, TEST_SECRET_KEY, type Client, type TestEnvironment, type Utility } from './harness';

let environment: TestEnvironment;
let utility: Utility;
let auditor: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('audit');
  await givenCustomerWithAccount(environment, utility);
  await givenCustomerWithAccount(environment, utility);
  auditor = await environment.loginStaff(utility, 'auditor');
});
afterAll(() => environment.close());

const verify = async () => (await auditor.get<{ entries: number; isIntact: boolean; firstBrokenSeq: number | null }>('/api/audit/verify')).body;

async function runCli(args: string[]): Promise<number> {
  const saved = { url: process.env.DATABASE_URL, key: process.env.SHUIWU_SECRET_KEY };
  process.env.DATABASE_URL = environment.config.databaseUrl;
  process.env.SHUIWU_SECRET_KEY = TEST_SECRET_KEY;
  try {
    return await main(args);
  } finally {
    process.env.DATABASE_URL = saved.url;
    process.env.SHUIWU_SECRET_KEY = saved.key;
    if (saved.url === undefined) delete process.env.DATABASE_URL;
    if (saved.key === undefined) delete process.env.SHUIWU_SECRET_KEY;
  }
}

describe('the audit log', () => {
  it('chains every entry to the one before', async () => {
    const result = await verify();
    expect(result.entries).toBeGreaterThan(5);
    expect(result).toMatchObject({ isIntact: true, firstBrokenSeq: null });
    expect(await runCli(['verify-audit', '--tenant', 'audit'])).toBe(0);
  });

  it('refuses UPDATE and DELETE from the application and from the owner', async () => {
    await expect(environment.db.withTenant(utility.tenant.id, (sql) => sql.query("UPDATE audit_log SET action = 'x'"))).rejects.toThrow(/permission denied/);
    await expect(environment.db.withTenant(utility.tenant.id, (sql) => sql.query('DELETE FROM audit_log'))).rejects.toThrow(/permission denied/);
    await expect(environment.ownerQuery("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
    await expect(environment.ownerQuery('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });

  it('pages newest first with a cursor', async () => {
    const first = await auditor.get<{ entries: { seq: number }[]; nextBefore: number | null }>('/api/audit?limit=3');
    expect(first.body.entries.map((entry) => entry.seq)).toEqual([...first.body.entries.map((entry) => entry.seq)].sort((a, b) => b - a));
    expect(first.body.nextBefore).toBe(first.body.entries[2]?.seq);
    const second = await auditor.get<{ entries: { seq: number }[] }>(`/api/audit?limit=3&before=${first.body.nextBefore}`);
    const all = await auditor.get<{ entries: { seq: number }[] }>('/api/audit?limit=6');
    expect([...first.body.entries, ...second.body.entries].map((entry) => entry.seq)).toEqual(all.body.entries.map((entry) => entry.seq));
  });

  it('finds the first tampered entry when someone with the owner role edits history behind the triggers', async () => {
    const [third] = await environment.ownerQuery<{ seq: number }>('SELECT seq FROM audit_log WHERE tenant_id = $1 ORDER BY seq OFFSET 2 LIMIT 1', [utility.tenant.id]);
    await environment.ownerQuery('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await environment.ownerQuery(`UPDATE audit_log SET actor_name = 'someone else' WHERE tenant_id = $1 AND seq = $2`, [utility.tenant.id, third?.seq]);
    await environment.ownerQuery('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    expect(await verify()).toMatchObject({ isIntact: false, firstBrokenSeq: third?.seq });
    expect(await runCli(['verify-audit', '--tenant', 'audit'])).toBe(1);
  });

  it('notices entries cut from the end of the chain', async () => {
    const other = await environment.givenUtility('audit-tail');
    await givenCustomerWithAccount(environment, other);
    const otherAuditor = await environment.loginStaff(other, 'auditor');
    const last = (await otherAuditor.get<{ entries: { seq: number }[] }>('/api/audit?limit=1')).body.entries[0]?.seq;
    await environment.ownerQuery('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await environment.ownerQuery('DELETE FROM audit_log WHERE tenant_id = $1 AND seq = $2', [other.tenant.id, last]);
    await environment.ownerQuery('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    const result = (await otherAuditor.get<{ isIntact: boolean; firstBrokenSeq: number }>('/api/audit/verify')).body;
    expect(result).toEqual(expect.objectContaining({ isIntact: false, firstBrokenSeq: last }));
  });
});

describe('the chain lanes (ADR 0008)', () => {
  let lanes: Utility;
  let lanesAuditor: Client;
  /** Twenty-four connections, so more transactions than lanes can be open at once. */
  let wide: Database;
  beforeAll(async () => {
    lanes = await environment.givenUtility('audit-lanes');
    lanesAuditor = await environment.loginStaff(lanes, 'auditor');
    wide = await openServerDatabase(environment.config.databaseUrl ?? '', 24);
    // Every connection opened before the tests, so the writers below start together.
    await Promise.all(Array.from({ length: 24 }, () => wide.withTenant(lanes.tenant.id, (sql) => sql.query('SELECT pg_sleep(0.1)'))));
  });
  afterAll(() => wide.close());
  const verifyLanes = async () => (await lanesAuditor.get<{ entries: number; isIntact: boolean; firstBrokenSeq: number | null }>('/api/audit/verify')).body;
  const entriesOf = (objectId: string) =>
    environment.ownerQuery<{ seq: string; lane: number; link: string }>('SELECT seq, lane, link FROM audit_log WHERE tenant_id = $1 AND object_id = $2 ORDER BY seq', [lanes.tenant.id, objectId]);

  /** One transaction writing `count` entries for `objectId`, holding its lane for `holdMs` before it commits. */
  const writer = (objectId: string, count: number, holdMs: number) =>
    wide.withTenant(lanes.tenant.id, async (sql) => {
      for (let index = 0; index < count; index++) {
        await recordAudit(sql, lanes.tenant.id, systemActor('lanes-test'), new Date(), { action: 'test.lane', objectType: 'test', objectId, after: { index } });
      }
      await sql.query('SELECT pg_sleep($1)', [holdMs / 1000]);
    });

  it('lets concurrent writers of one utility take lanes of their own, and keeps each transaction in one lane', async () => {
    await Promise.all(Array.from({ length: 6 }, (_, index) => writer(`concurrent-${index}`, 3, 600)));
    const used = new Set<number>();
    for (let index = 0; index < 6; index++) {
      const rows = await entriesOf(`concurrent-${index}`);
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((row) => row.lane)).size).toBe(1);
      const links = rows.map((row) => Number(row.link));
      expect(links).toEqual([links[0], (links[0] ?? 0) + 1, (links[0] ?? 0) + 2]);
      used.add(rows[0]?.lane ?? -1);
    }
    // Six transactions held their lanes at the same time: none waited behind another's.
    expect(used.size).toBe(6);
    expect(await verifyLanes()).toMatchObject({ isIntact: true, firstBrokenSeq: null });
  });

  it('makes a writer wait behind a lane only when all sixteen are held, and still chains every entry', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, index) => writer(`crowded-${index}`, 2, 600)));
    const rows = await environment.ownerQuery<{ lanes: number; entries: number }>(
      "SELECT count(DISTINCT lane) AS lanes, count(*) AS entries FROM audit_log WHERE tenant_id = $1 AND object_id LIKE 'crowded-%'",
      [lanes.tenant.id],
    );
    expect(rows[0]).toEqual({ lanes: 16, entries: 40 });
    const heads = await environment.ownerQuery<{ count: number }>('SELECT count(*) FROM audit_chain_heads WHERE tenant_id = $1', [lanes.tenant.id]);
    expect(heads[0]?.count).toBe(16);
    expect(await verifyLanes()).toMatchObject({ isIntact: true, firstBrokenSeq: null });
  });

  it('hashes an entry written before lanes as migration 0005 did, and a linked entry over its seq, lane and link too', async () => {
    const [row] = await environment.ownerQuery<{ unlinked: boolean; linked: boolean }>(`
      SELECT audit_entry_hash('\\x01', $1, 7, 0::smallint, NULL, '2026-11-24T08:00:00Z', 'system', NULL, 'x', 'a', 'o', 'i', NULL, NULL, NULL, NULL)
          = audit_row_hash('\\x01', $1, 7, '2026-11-24T08:00:00Z', 'system', NULL, 'x', 'a', 'o', 'i', NULL, NULL, NULL, NULL) AS unlinked,
        audit_entry_hash('\\x01', $1, 7, 0::smallint, 7, '2026-11-24T08:00:00Z', 'system', NULL, 'x', 'a', 'o', 'i', NULL, NULL, NULL, NULL)
          = audit_row_hash('\\x01', $1, 7, '2026-11-24T08:00:00Z', 'system', NULL, 'x', 'a', 'o', 'i', NULL, NULL, NULL, NULL) AS linked`, [lanes.tenant.id]);
    expect(row).toEqual({ unlinked: true, linked: false });
  });

  async function tamper(statement: string, params: unknown[]): Promise<void> {
    // Behind the append-only trigger, and past the number being generated always.
    await environment.ownerQuery('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only, ALTER COLUMN seq SET GENERATED BY DEFAULT');
    try {
      await environment.ownerQuery(statement, params);
    } finally {
      await environment.ownerQuery('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only, ALTER COLUMN seq SET GENERATED ALWAYS');
    }
  }

  it.each([
    ['its number', 'UPDATE audit_log SET seq = seq + 1000000 WHERE tenant_id = $1 AND seq = $2'],
    ['its lane', 'UPDATE audit_log SET lane = (lane + 1) % 16 WHERE tenant_id = $1 AND seq = $2'],
    ['its link removed, to pass it off as an entry from before lanes', 'UPDATE audit_log SET link = NULL WHERE tenant_id = $1 AND seq = $2'],
  ])('finds a linked entry edited in %s', async (_what, statement) => {
    const objectId = `edited-${Math.random()}`;
    await writer(objectId, 1, 0);
    const seq = Number((await entriesOf(objectId))[0]?.seq);
    await tamper(statement, [lanes.tenant.id, seq]);
    expect((await verifyLanes()).isIntact).toBe(false);
    // Put it back, so the next case starts from an intact chain.
    await tamper(
      'UPDATE audit_log SET seq = $2, lane = h.lane, link = h.last_seq FROM audit_chain_heads h WHERE audit_log.tenant_id = $1 AND h.tenant_id = $1 AND h.last_entry_seq = $2 AND audit_log.object_id = $3',
      [lanes.tenant.id, seq, objectId],
    );
    expect(await verifyLanes()).toMatchObject({ isIntact: true, firstBrokenSeq: null });
  });

  it('names the entry cut from the end of a lane that is not the last one written', async () => {
    // Lane 0 is held while 'cut-me' is written, so it goes to another lane; 'after-cut' then goes to lane 0.
    const holder = writer('holding-lane-0', 1, 500);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await writer('cut-me', 1, 0);
    await holder;
    await writer('after-cut', 1, 0);
    const [cut] = await entriesOf('cut-me');
    const [after] = await entriesOf('after-cut');
    expect(after?.lane).not.toBe(cut?.lane);
    expect(Number(after?.seq)).toBeGreaterThan(Number(cut?.seq));
    await tamper('DELETE FROM audit_log WHERE tenant_id = $1 AND seq = $2', [lanes.tenant.id, Number(cut?.seq)]);
    expect(await verifyLanes()).toMatchObject({ isIntact: false, firstBrokenSeq: Number(cut?.seq) });
  });
});
