import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingRun, getBillingRun, periodRange, workBillingRun, type BillingRun } from '../src/modules/billing';
import { chunkInputs } from '../src/modules/billing/chunk';
import { seedDemoTariffs } from '../src/modules/tariffs';
import { systemActor } from '../src/platform/audit/audit';
import { copyRows } from '../src/platform/db/bulk';
import { generateTown, monthsFrom } from './billing-town';
import { type ErrorBody, outcome } from './endpoints';
import { createTestEnvironment, type TestEnvironment, type Utility } from './harness';

// A town of 1,000 accounts on 10 routes billed month by month for two years, against the real PostgreSQL.

const ACCOUNTS = 1000;
const MONTHS = monthsFrom('2024-03', 24);
const actor = systemActor('test');

let environment: TestEnvironment;
let utility: Utility;
let tenantId: string;
let routeIds: string[];

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('billing');
  tenantId = utility.tenant.id;
  await environment.db.withTenant(tenantId, async (sql) => {
    ({ routeIds } = await generateTown(sql, { tenantId, accounts: ACCOUNTS, months: MONTHS, perRoute: 100 }));
    await seedDemoTariffs(environment.context, sql, tenantId);
  });
}, 120_000);
afterAll(() => environment.close());

const query = <Row>(text: string, params: unknown[] = []) => environment.db.withTenant(tenantId, (sql) => sql.query<Row>(text, params));

async function billMonth(period: string, options: { routeIds?: string[]; chunkSize?: number } = {}): Promise<BillingRun> {
  const run = await createBillingRun(environment.context, tenantId, { period, ...(options.routeIds ? { routeIds: options.routeIds } : {}) }, actor, { chunkSize: options.chunkSize ?? 300 });
  await workBillingRun(environment.context, tenantId, run.id, { concurrency: 2, log: console.error });
  return getBillingRun(environment.context, tenantId, run.id);
}

/** Accounts that must get a bill in a month: active, with a reading in it. */
async function billableAccounts(period: string): Promise<number> {
  const [row] = await query<{ count: number }>(
    `SELECT count(*)::int AS count FROM accounts a WHERE a.status = 'active'
       AND EXISTS (SELECT 1 FROM readings r WHERE r.account_id = a.id AND to_char(r.read_on, 'YYYY-MM') = $1)`,
    [period],
  );
  return row?.count ?? 0;
}

describe('a billing run', () => {
  it('bills 24 months of 1,000 accounts: exactly one bill per billable account and month, totals the sum of their lines, the ledger balanced', async () => {
    for (const period of MONTHS) {
      const run = await billMonth(period);
      expect(run.status, period).toBe('completed');
      expect(run.progress).toBe(1);
      expect(run.accounts).toBe(ACCOUNTS);
      expect(run.summary.bills, period).toBe(await billableAccounts(period));
      expect(run.summary.bills + run.summary.skipped.reduce((sum, skipped) => sum + skipped.accounts, 0)).toBe(ACCOUNTS);
      expect(Object.fromEntries(run.summary.skipped.map((skipped) => [skipped.reason, skipped.accounts]))).toEqual({
        no_reading: 10,
        account_closed: 9,
        account_suspended: 4,
      });
    }
    const [counts] = await query<{ bills: number; distinct_bills: number; months: number; distinct_numbers: number }>(
      `SELECT count(*)::int AS bills, count(DISTINCT (account_id, period))::int AS distinct_bills, count(DISTINCT period)::int AS months,
         count(DISTINCT bill_no)::int AS distinct_numbers FROM bills`,
    );
    let expected = 0;
    for (const period of MONTHS) expected += await billableAccounts(period);
    expect(counts).toEqual({ bills: expected, distinct_bills: expected, months: 24, distinct_numbers: expected });

    const [checks] = await query<{ off_total: number; no_lines: number; debits: number; credits: number; unbalanced_journals: number; receivable_off: number; unposted: number }>(
      `SELECT
         (SELECT count(*)::int FROM bills b WHERE b.total_fen <> (SELECT coalesce(sum(l.amount_fen), 0) FROM bill_lines l WHERE l.bill_id = b.id)) AS off_total,
         (SELECT count(*)::int FROM bills b WHERE NOT EXISTS (SELECT 1 FROM bill_lines l WHERE l.bill_id = b.id)) AS no_lines,
         (SELECT sum(debit_fen)::int8 FROM ledger_entries) AS debits,
         (SELECT sum(credit_fen)::int8 FROM ledger_entries) AS credits,
         (SELECT count(*)::int FROM (SELECT journal_id FROM ledger_entries GROUP BY journal_id HAVING sum(debit_fen) <> sum(credit_fen)) j) AS unbalanced_journals,
         (SELECT count(*)::int FROM bills b WHERE b.total_fen <> (SELECT coalesce(sum(e.debit_fen - e.credit_fen), 0) FROM ledger_entries e
            WHERE e.bill_id = b.id AND e.ledger_account = 'receivable')) AS receivable_off,
         (SELECT count(*)::int FROM bills b WHERE b.total_fen > 0 AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.bill_id = b.id)) AS unposted`,
    );
    expect(checks).toMatchObject({ off_total: 0, no_lines: 0, unbalanced_journals: 0, receivable_off: 0, unposted: 0 });
    expect(checks?.debits).toBe(checks?.credits);
    expect(checks?.debits).toBeGreaterThan(0);

    // Lines go to the accounts they are owed to: water and over-quota revenue, fixed charges, fees for others.
    const byAccount = await query<{ ledger_account: string; credit: number; lines: number }>(
      `SELECT e.ledger_account, sum(e.credit_fen)::int8 AS credit,
         (SELECT sum(l.amount_fen) FROM bill_lines l WHERE l.line_type = ANY(CASE e.ledger_account WHEN 'water_revenue' THEN ARRAY['water', 'over_quota']
            WHEN 'fixed_charge_revenue' THEN ARRAY['fixed'] WHEN 'sewage_fee_payable' THEN ARRAY['sewage'] ELSE ARRAY['resource'] END))::int8 AS lines
       FROM ledger_entries e WHERE e.ledger_account <> 'receivable' GROUP BY e.ledger_account ORDER BY 1`,
    );
    expect(byAccount.map((row) => row.ledger_account)).toEqual(expect.arrayContaining(['resource_fee_payable', 'sewage_fee_payable', 'water_revenue']));
    for (const row of byAccount) expect(row.credit, row.ledger_account).toBe(row.lines);
    // The customer's side is per account and bill; the utility's revenue is posted once per chunk.
    const [shape] = await query<{ customer_legs_without_account: number; revenue_legs: number; revenue_legs_with_account: number; chunks: number }>(
      `SELECT (SELECT count(*)::int FROM ledger_entries WHERE ledger_account = 'receivable' AND (account_id IS NULL OR bill_id IS NULL)) AS customer_legs_without_account,
              (SELECT count(*)::int FROM ledger_entries WHERE ledger_account <> 'receivable') AS revenue_legs,
              (SELECT count(*)::int FROM ledger_entries WHERE ledger_account <> 'receivable' AND (account_id IS NOT NULL OR bill_id IS NOT NULL)) AS revenue_legs_with_account,
              (SELECT count(*)::int FROM billing_run_chunks WHERE bills_created > 0) AS chunks`,
    );
    expect(shape).toMatchObject({ customer_legs_without_account: 0, revenue_legs_with_account: 0 });
    expect(shape?.revenue_legs).toBeLessThanOrEqual((shape?.chunks ?? 0) * 5);

    // Yearly tiers count the year's earlier bills: someone's December is dearer per m³ than their January.
    const tiers = await query<{ tier: number }>("SELECT DISTINCT l.tier FROM bill_lines l WHERE l.line_type = 'water' AND l.tier IS NOT NULL ORDER BY 1");
    expect(tiers.map((row) => row.tier)).toEqual([1, 2, 3]);
  }, 240_000);

  it("reads a chunk's inputs the same by range scans as by index probes, for consecutive and for scattered accounts", async () => {
    const ids = (await query<{ id: string }>('SELECT id FROM accounts ORDER BY id')).map((row) => row.id);
    const sets: Record<string, string[]> = { consecutive: ids.slice(100, 400), scattered: ids.filter((_id, index) => index % 7 === 3), all: ids, one: [ids[5] as string] };
    // A month of the first year, the last month billed (every account billed through it) and one not billed.
    for (const period of [MONTHS[11], MONTHS[23], '2026-03'] as string[]) {
      for (const [name, set] of Object.entries(sets)) {
        const [byRange, byAccount, chosen] = await environment.db.withTenant(tenantId, async (sql) => [
          await chunkInputs(sql, set, periodRange(period), 'range'),
          await chunkInputs(sql, set, periodRange(period), 'account'),
          await chunkInputs(sql, set, periodRange(period)),
        ]);
        expect(byAccount.map((input) => input.account_id), `${name} ${period}`).toEqual(set);
        expect(byRange, `${name} ${period}`).toEqual(byAccount);
        expect(chosen, `${name} ${period}`).toEqual(byAccount);
      }
    }
    // Not a comparison of nothing: use, earlier bills, partial months and missing accounts all appear.
    const [last, unbilled] = await environment.db.withTenant(tenantId, async (sql) => [
      await chunkInputs(sql, ids, periodRange(MONTHS[23] as string), 'range'),
      await chunkInputs(sql, [...ids, '00000000-0000-4000-8000-00000000dead'], periodRange('2026-03'), 'range'),
    ]);
    expect(last.filter((input) => input.billed).length).toBeGreaterThan(900);
    expect(last.filter((input) => (input.billed_litres ?? 0) > 0).length).toBeGreaterThan(900);
    expect(last.filter((input) => input.used_earlier > 0).length).toBeGreaterThan(900);
    expect(unbilled.filter((input) => input.status === null).map((input) => input.account_id)).toEqual(['00000000-0000-4000-8000-00000000dead']);
  });

  it('adds nothing when a month is billed again: every account is skipped as already billed', async () => {
    const period = MONTHS[5] as string;
    const before = await query<{ bills: number; lines: number; entries: number }>(
      'SELECT (SELECT count(*) FROM bills)::int AS bills, (SELECT count(*) FROM bill_lines)::int AS lines, (SELECT count(*) FROM ledger_entries)::int AS entries',
    );
    const run = await billMonth(period);
    expect(run.status).toBe('completed');
    expect(run.summary.bills).toBe(0);
    expect(run.summary.totalFen).toBe(0);
    const skipped = Object.fromEntries(run.summary.skipped.map((entry) => [entry.reason, entry.accounts]));
    expect(skipped.already_billed).toBe(await billableAccounts(period));
    expect(
      await query('SELECT (SELECT count(*) FROM bills)::int AS bills, (SELECT count(*) FROM bill_lines)::int AS lines, (SELECT count(*) FROM ledger_entries)::int AS entries'),
    ).toEqual(before);
  });

  it('refuses a second active run of the same month on overlapping routes, and a month not yet begun', async () => {
    const period = '2026-03';
    const [r1, r2, r3] = routeIds as [string, string, string];
    const first = await createBillingRun(environment.context, tenantId, { period, routeIds: [r1, r2] }, actor);
    expect(first.status).toBe('pending');
    expect(first.totalChunks).toBe(1);
    const clerk = await environment.loginStaff(utility, 'billing_clerk');
    const overlapping = await clerk.post<ErrorBody>('/api/billing-runs', { period, routeIds: [r2, r3] });
    expect(outcome(overlapping)).toBe('409 billing_run_active');
    expect(overlapping.body.fields.map((field) => field.field)).toEqual(['routeIds']);
    const future = await clerk.post<ErrorBody>('/api/billing-runs', { period: '2026-04' });
    expect(outcome(future)).toBe('400 validation_failed');
    expect(future.body.fields.map((field) => field.field)).toEqual(['period']);
    const unknownRoute = await clerk.post<ErrorBody>('/api/billing-runs', { period, routeIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknownRoute.body.fields.map((field) => field.field)).toEqual(['routeIds']);
    // Other routes of the same month are fine.
    const other = await clerk.post<BillingRun>('/api/billing-runs', { period, routeIds: [r3] });
    expect(other.status).toBe(201);
    expect(other.body.accounts).toBe(100);
    await workBillingRun(environment.context, tenantId, first.id);
    await workBillingRun(environment.context, tenantId, other.body.id);
    // No readings in March yet: every account skipped, nothing billed.
    const done = await clerk.get<BillingRun>(`/api/billing-runs/${first.id}`);
    expect(done.body).toMatchObject({ status: 'completed', progress: 1, summary: { bills: 0 } });
  });

  it('is started, watched and summarised through the API by a billing clerk, and read by others with bill.read', async () => {
    // A fresh month for two routes, so the run has something to bill.
    await environment.db.withTenant(tenantId, (sql) =>
      sql.query(
        `INSERT INTO readings (tenant_id, account_id, meter_id, read_on, read_at, register_litres, consumption_litres, source, status)
         SELECT a.tenant_id, a.id, m.id, DATE '2024-02-15', now(), 1000, 12345, 'handheld', 'accepted'
         FROM route_accounts ra JOIN accounts a ON a.id = ra.account_id JOIN meters m ON m.premise_id = a.premise_id
         WHERE ra.route_id = ANY($1::uuid[])`,
        [routeIds.slice(4, 6)],
      ),
    );
    const clerk = await environment.loginStaff(utility, 'billing_clerk');
    const started = await clerk.post<BillingRun>('/api/billing-runs', { period: '2024-02', routeIds: routeIds.slice(4, 6) });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ period: '2024-02', status: 'pending', accounts: 200, totalChunks: 1, doneChunks: 0, progress: 0 });
    await workBillingRun(environment.context, tenantId, started.body.id);
    const collector = await environment.loginStaff(utility, 'collector');
    const watched = await collector.get<BillingRun>(`/api/billing-runs/${started.body.id}`);
    expect(watched.body.status).toBe('completed');
    const billed = await billableAccounts('2024-02');
    expect(watched.body.summary.bills).toBe(billed);
    expect(watched.body.summary.byLineType.map((line) => line.lineType)).toEqual(expect.arrayContaining(['water', 'sewage', 'resource']));
    expect(watched.body.summary.byLineType.reduce((sum, line) => sum + line.amountFen, 0)).toBe(watched.body.summary.totalFen);
    const skipped = await collector.get<{ accounts: { accountNo: string; reason: string }[] }>(`/api/billing-runs/${started.body.id}/skipped?limit=500`);
    expect(skipped.body.accounts.length).toBe(200 - billed);
    expect(new Set(skipped.body.accounts.map((account) => account.reason))).toEqual(new Set(['account_closed', 'account_suspended']));
    const list = await collector.get<{ runs: BillingRun[] }>('/api/billing-runs?period=2024-02');
    expect(list.body.runs.map((run) => run.id)).toEqual([started.body.id]);
    // Started and finished are in the audit log.
    const audit = await query<{ action: string }>("SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq", [started.body.id]);
    expect(audit.map((entry) => entry.action)).toEqual(['billing_run.start', 'billing_run.complete']);
    // A counter clerk reads runs but may not start one.
    const counter = await environment.loginStaff(utility, 'counter_clerk');
    expect((await counter.get('/api/billing-runs')).status).toBe(200);
    expect(outcome(await counter.post('/api/billing-runs', { period: '2024-01' }))).toBe('403 forbidden');
  });

  it('writes through COPY only what row-level security lets the tenant write', async () => {
    const other = await environment.givenUtility('billing-other');
    const rows = Array.from({ length: 60 }, (_unused, index) => [other.tenant.id, `smuggled-${index}`, index]);
    const columns = [{ name: 'tenant_id', type: 'uuid' }, { name: 'name', type: 'text' }, { name: 'value', type: 'int8' }];
    await expect(environment.db.withTenant(tenantId, (sql) => copyRows(environment.db, sql, 'counters', columns, rows))).rejects.toThrow(/row-level security/);
    // COPY straight into the table is refused to the application role by PostgreSQL itself.
    await expect(environment.db.withTenant(tenantId, (sql) => environment.db.copyIn(sql, 'COPY counters (tenant_id, name, value) FROM STDIN', [`${tenantId}\tsmuggled\t1\n`]))).rejects.toThrow(/row-level security/);
    const own = rows.map(([, name, value]) => [tenantId, name, value]);
    await environment.db.withTenant(tenantId, (sql) => copyRows(environment.db, sql, 'counters', columns, own));
    expect(await query("SELECT name FROM counters WHERE name LIKE 'smuggled%'")).toHaveLength(60);
  });
});
