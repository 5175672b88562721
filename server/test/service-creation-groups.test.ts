/**
 * Creations of one utility that arrive together are written together (group commit, platform/db/groups.ts):
 * each still gets its own number, deadlines, first event, audit entry and answer, a refusal stays the
 * refused creation's own, and a group whose transaction fails leaves nothing written and each creation
 * tried again alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Detail {
  id: string;
  requestNo: string;
  description: string;
  deadlines: { timeLimit: string }[];
  events: { step: string }[];
}

let environment: TestEnvironment;
let utility: Utility;
let hotline: Client;
let inquiry: string;
let accounts: string[];

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('grp');
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  const { categories } = (await hotline.get<{ categories: { id: string; code: string }[] }>('/api/service-categories')).body;
  inquiry = categories.find((category) => category.code === 'inquiry')?.id as string;
  accounts = [];
  for (let index = 0; index < 6; index += 1) accounts.push((await givenCustomerWithAccount(environment, utility, { name: `同批户${index}` })).account.id);
});
afterAll(() => environment.close());

/**
 * Runs `first`, then `rest` together, so that `rest` is written in groups: the first creation is written
 * alone and slowly (a trigger of the test's own sleeps while it is written), and the others arrive meanwhile.
 * While it is written, a second writer takes a group of those waiting, and the rest wait for a free writer.
 * Every transaction also sleeps a little at its first row, so that the second writer's group is still being
 * written when the last creations arrive: on a loaded machine they came in spread out, and the second writer
 * had finished its group and taken another before they were all there (4 transactions in a full run).
 */
async function inGroups<T>(first: (description: string) => Promise<T>, rest: (() => Promise<T>)[]): Promise<T[]> {
  await environment.db.execAsOwner(`
    CREATE FUNCTION slow_test_request() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.description = '慢慢写入' THEN PERFORM pg_sleep(0.5); END IF;
      IF current_setting('test.slept', true) IS DISTINCT FROM 'yes' THEN
        PERFORM set_config('test.slept', 'yes', true);
        PERFORM pg_sleep(0.3);
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER slow_test_request BEFORE INSERT ON service_requests FOR EACH ROW EXECUTE FUNCTION slow_test_request();`);
  try {
    const firstAnswer = first('慢慢写入');
    await new Promise((resolve) => setTimeout(resolve, 100));
    return await Promise.all([firstAnswer, ...rest.map((run) => run())]);
  } finally {
    await environment.db.execAsOwner('DROP TRIGGER slow_test_request ON service_requests; DROP FUNCTION slow_test_request()');
  }
}

const create = (description: string, accountId: string) => hotline.post<Detail & ErrorBody>('/api/service-requests', { categoryId: inquiry, channel: 'hotline', accountId, description, confirmNotDuplicate: true });

/** What was written for these requests, and in how many transactions (rows of one transaction share xmin). */
async function written(ids: readonly string[]) {
  return environment.db.asOwner(async (sql) => {
    const [row] = await sql.query<{ requests: number; transactions: number; deadlines: number; events: number; audits: number }>(
      `SELECT (SELECT count(*)::int FROM service_requests WHERE id = ANY($1::uuid[])) AS requests,
         (SELECT count(DISTINCT xmin::text)::int FROM service_requests WHERE id = ANY($1::uuid[])) AS transactions,
         (SELECT count(*)::int FROM service_request_deadlines WHERE request_id = ANY($1::uuid[])) AS deadlines,
         (SELECT count(*)::int FROM service_request_events WHERE request_id = ANY($1::uuid[]) AND step = 'submit') AS events,
         (SELECT count(*)::int FROM audit_log WHERE action = 'service_request.create' AND object_id = ANY($1::text[])) AS audits`,
      [ids],
    );
    return row;
  });
}

describe('creations arriving together', () => {
  it('are written in fewer transactions than creations, each with its own number, deadlines, event and audit entry', async () => {
    const answers = await inGroups(
      (description) => create(description, accounts[0] as string),
      Array.from({ length: 29 }, (_unused, index) => () => create(`同批来电 ${index + 1}`, accounts[(index + 1) % accounts.length] as string)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    expect(answers.map((answer) => answer.body.description)).toEqual(answers.map((_answer, index) => (index === 0 ? '慢慢写入' : `同批来电 ${index}`)));
    expect(new Set(answers.map((answer) => answer.body.requestNo)).size).toBe(30);
    for (const answer of answers) expect(answer.body.deadlines.map((deadline) => deadline.timeLimit)).toEqual(['accept', 'respond', 'close']);
    const ids = answers.map((answer) => answer.body.id);
    const rows = await written(ids);
    expect(rows).toMatchObject({ requests: 30, deadlines: 90, events: 30, audits: 30 });
    // The first alone, the others in the groups of at most two writers.
    expect(rows?.transactions).toBeLessThanOrEqual(3);
    // Each reads back as it was answered.
    const again = await hotline.get<Detail>(`/api/service-requests/${ids[7]}`);
    expect(again.body).toMatchObject({ requestNo: answers[7]?.body.requestNo, description: '同批来电 7' });
    // The audit chain still verifies.
    const auditor = await environment.loginStaff(utility, 'auditor');
    const verified = await auditor.get<{ isIntact: boolean; entries: number }>('/api/audit/verify');
    expect(verified.body.isIntact).toBe(true);
  });

  it('refuse only the creation that is wrong, which writes nothing', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const one = (index: number) => () => create(`混批来电 ${index}`, index % 5 === 3 ? missing : (accounts[index % accounts.length] as string));
    const answers = await inGroups((description) => create(description, accounts[0] as string), Array.from({ length: 19 }, (_unused, index) => one(index + 1)));
    for (const [index, answer] of answers.entries()) {
      if (index % 5 === 3) {
        expect(answer.status, `creation ${index}`).toBe(400);
        expect(answer.body.fields[0]?.field).toBe('accountId');
      } else expect(answer.status, `creation ${index}`).toBe(201);
    }
    const refused = await environment.db.asOwner((sql) => sql.query("SELECT id FROM service_requests WHERE account_id IS NULL"));
    expect(refused).toEqual([]);
    const rows = await written(answers.filter((answer) => answer.status === 201).map((answer) => answer.body.id));
    expect(rows).toMatchObject({ requests: 16, events: 16, audits: 16 });
    expect(rows?.transactions).toBeLessThanOrEqual(3);
  });

  it('whose transaction fails at its commit are each tried again alone: the others are written, the failing one alone fails', async () => {
    // A check the database makes only when the request is written, with the COMMIT: the group's commit fails.
    // A sequence, which a rollback does not undo, counts the attempts to write a request.
    await environment.db.execAsOwner(`
      CREATE SEQUENCE test_request_attempts;
      GRANT USAGE ON SEQUENCE test_request_attempts TO shuiwu_app;
      CREATE FUNCTION refuse_test_request() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM nextval('test_request_attempts');
        IF NEW.description = '提交时被拒' THEN RAISE EXCEPTION 'refused by the test''s trigger'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_test_request BEFORE INSERT ON service_requests FOR EACH ROW EXECUTE FUNCTION refuse_test_request();`);
    try {
      const descriptions = Array.from({ length: 16 }, (_unused, index) => (index === 9 ? '提交时被拒' : `重试来电 ${index}`));
      const one = (index: number) => () => create(descriptions[index] as string, accounts[index % accounts.length] as string);
      const answers = await inGroups((description) => create(description, accounts[0] as string), Array.from({ length: 15 }, (_unused, index) => one(index + 1)));
      expect(answers.map((answer) => answer.status)).toEqual(descriptions.map((_description, index) => (index === 9 ? 500 : 201)));
      const ids = answers.filter((answer) => answer.status === 201).map((answer) => answer.body.id);
      expect(await written(ids)).toMatchObject({ requests: 15, deadlines: 45, events: 15, audits: 15 });
      const numbers = answers.filter((answer) => answer.status === 201).map((answer) => answer.body.requestNo);
      expect(new Set(numbers).size).toBe(15);
      const failed = await environment.db.asOwner((sql) => sql.query("SELECT id FROM service_requests WHERE description = '提交时被拒'"));
      expect(failed).toEqual([]);
      // The failing one was tried in a group and again alone: more attempts than creations.
      const [attempts] = await environment.db.asOwner((sql) => sql.query<{ n: number }>('SELECT last_value::int AS n FROM test_request_attempts'));
      expect(attempts?.n).toBeGreaterThan(16);
    } finally {
      await environment.db.execAsOwner('DROP TRIGGER refuse_test_request ON service_requests; DROP FUNCTION refuse_test_request(); DROP SEQUENCE test_request_attempts');
    }
  });
});
