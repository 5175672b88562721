import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/bin/cli';
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
    expect(second.body.entries[0]?.seq).toBe((first.body.nextBefore ?? 0) - 1);
  });

  it('finds the first tampered entry when someone with the owner role edits history behind the triggers', async () => {
    await environment.ownerQuery('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await environment.ownerQuery(`UPDATE audit_log SET actor_name = 'someone else' WHERE tenant_id = $1 AND seq = 3`, [utility.tenant.id]);
    await environment.ownerQuery('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    expect(await verify()).toMatchObject({ isIntact: false, firstBrokenSeq: 3 });
    expect(await runCli(['verify-audit', '--tenant', 'audit'])).toBe(1);
  });

  it('notices entries cut from the end of the chain', async () => {
    const other = await environment.givenUtility('audit-tail');
    await givenCustomerWithAccount(environment, other);
    const otherAuditor = await environment.loginStaff(other, 'auditor');
    const before = (await otherAuditor.get<{ entries: number }>('/api/audit/verify')).body.entries;
    await environment.ownerQuery('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await environment.ownerQuery('DELETE FROM audit_log WHERE tenant_id = $1 AND seq = $2', [other.tenant.id, before]);
    await environment.ownerQuery('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    const result = (await otherAuditor.get<{ isIntact: boolean; firstBrokenSeq: number }>('/api/audit/verify')).body;
    expect(result).toEqual(expect.objectContaining({ isIntact: false, firstBrokenSeq: before }));
  });
});
