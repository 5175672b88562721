import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingRun, workPendingBillingRuns } from '../src/modules/billing';
import { seedDemoTariffs } from '../src/modules/tariffs';
import { systemActor } from '../src/platform/audit/audit';
import { generateTown } from './billing-town';
import { createTestEnvironment, TEST_SECRET_KEY, type TestEnvironment, type Utility } from './harness';

// The same town in two databases. One is billed by a clean in-process run; in the other, `shuiwu worker`
// processes are killed (SIGKILL) at random moments mid-run and restarted until the runs finish. The bills
// must be the same: same accounts and months, same totals, same lines, same postings, none twice.

const ACCOUNTS = 1000;
const MONTHS = ['2025-11', '2025-12', '2026-01'];
const CHUNK_SIZE = 40;
const KILLS = 6;
const BIN = path.resolve(__dirname, '../bin/shuiwu.mjs');

interface Town {
  environment: TestEnvironment;
  utility: Utility;
}
let clean: Town;
let killed: Town;

async function givenTown(): Promise<Town> {
  const environment = await createTestEnvironment();
  const utility = await environment.givenUtility('kill');
  const tenantId = utility.tenant.id;
  await environment.db.withTenant(tenantId, async (sql) => {
    await generateTown(sql, { tenantId, accounts: ACCOUNTS, months: MONTHS, perRoute: 250 });
    await seedDemoTariffs(environment.context, sql, tenantId);
  });
  for (const period of MONTHS) await createBillingRun(environment.context, tenantId, { period }, systemActor('test'), { chunkSize: CHUNK_SIZE });
  return { environment, utility };
}

beforeAll(async () => {
  [clean, killed] = await Promise.all([givenTown(), givenTown()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([clean?.environment.close(), killed?.environment.close()]);
});

const inTown = <Row>(town: Town, text: string) => town.environment.db.withTenant(town.utility.tenant.id, (sql) => sql.query<Row>(text));

/** Every bill as account number and month, with its totals, lines and ledger postings: no ids, no numbers. */
const billsOf = (town: Town) =>
  inTown<{ bill: unknown }>(
    town,
    `SELECT json_build_array(a.account_no, b.period, b.consumption_litres, b.total_fen, b.is_estimated, b.issued_on, b.due_on,
       (SELECT json_agg(json_build_array(l.line_no, l.line_type, l.tier, l.quantity_litres, l.unit_price_fen_per_m3, l.amount_fen, l.description) ORDER BY l.line_no)
        FROM bill_lines l WHERE l.bill_id = b.id),
       (SELECT json_agg(json_build_array(e.ledger_account, e.debit_fen, e.credit_fen) ORDER BY e.ledger_account) FROM ledger_entries e WHERE e.bill_id = b.id)) AS bill
     FROM bills b JOIN accounts a ON a.id = b.account_id ORDER BY a.account_no, b.period`,
  );

const progressOf = async (town: Town) =>
  (await inTown<{ done: number; runs_left: number }>(
    town,
    "SELECT (SELECT count(*) FROM billing_run_chunks WHERE status = 'done')::int AS done, (SELECT count(*) FROM billing_runs WHERE status IN ('pending', 'running'))::int AS runs_left",
  ))[0] as { done: number; runs_left: number };

function startWorker(town: Town): ChildProcess {
  return spawn(process.execPath, [BIN, 'worker'], {
    env: { ...process.env, DATABASE_URL: town.environment.config.databaseUrl, SHUIWU_SECRET_KEY: TEST_SECRET_KEY, SHUIWU_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('a billing worker killed at random moments', () => {
  it('leaves, once restarted, exactly the bills of a clean run', async () => {
    await workPendingBillingRuns(clean.environment.context, { concurrency: 2 });
    const expected = await billsOf(clean);
    expect(expected.length).toBe(MONTHS.length * 977);

    const totalChunks = MONTHS.length * Math.ceil(ACCOUNTS / CHUNK_SIZE);
    let kills = 0;
    let killsInsideTransactions = 0;
    while (kills < KILLS) {
      const before = await progressOf(killed);
      if (before.runs_left === 0) break;
      const child = startWorker(killed);
      // Wait until this worker has billed something, then kill it a random moment later.
      const deadline = Date.now() + 60_000;
      while ((await progressOf(killed)).done === before.done && Date.now() < deadline) await sleep(10);
      await sleep(Math.random() * 120);
      const open = await killed.environment.ownerQuery<{ count: number }>(
        "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL AND application_name = ''",
      );
      child.kill('SIGKILL');
      await exited(child);
      kills += 1;
      if ((open[0]?.count ?? 0) > 0) killsInsideTransactions += 1;
    }
    const partial = await progressOf(killed);
    expect(partial.done, 'the kills must land before the runs finish, or this test proves nothing').toBeLessThan(totalChunks);
    expect(killsInsideTransactions).toBeGreaterThan(0);

    // A last worker finishes the job.
    const last = startWorker(killed);
    const deadline = Date.now() + 120_000;
    while ((await progressOf(killed)).runs_left > 0 && Date.now() < deadline) await sleep(100);
    last.kill('SIGTERM');
    await exited(last);

    const runs = await inTown<{ status: string; done_chunks: number; total_chunks: number }>(killed, 'SELECT status, done_chunks, total_chunks FROM billing_runs ORDER BY period');
    expect(runs).toEqual(MONTHS.map(() => ({ status: 'completed', done_chunks: totalChunks / MONTHS.length, total_chunks: totalChunks / MONTHS.length })));
    const actual = await billsOf(killed);
    expect(actual.length).toBe(expected.length);
    expect(actual).toEqual(expected);
    const [unique] = await inTown<{ bills: number; distinct_bills: number; entries_without_bill: number }>(
      killed,
      `SELECT count(*)::int AS bills, count(DISTINCT (account_id, period))::int AS distinct_bills,
         (SELECT count(*)::int FROM ledger_entries e WHERE e.ledger_account = 'receivable' AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.id = e.bill_id)) AS entries_without_bill FROM bills`,
    );
    expect(unique).toEqual({ bills: expected.length, distinct_bills: expected.length, entries_without_bill: 0 });
  }, 300_000);
});
