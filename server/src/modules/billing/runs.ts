import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound } from '../../platform/errors';
import { businessDate } from '../customers';
import { addTotals, emptyTotals, type ChunkTotals } from './compute';
import { activeRoutes, chunkAccountsOfRoutes, findRoutes, type RouteRef } from './route-accounts';
import { LINE_TYPES, SKIP_REASONS, type BillingRun, type BillingRunSummary, type NewBillingRun, type RunStatus, type SkippedAccount, type SkipReason } from './schemas';

/**
 * Accounts per chunk: big enough for set-based writes and for each chunk's fixed costs (its claim, bill-number
 * block, statements planned, triggers, commit) to pay off, small enough to redo after a kill. 10,000 against
 * 5,000: 31.4–36.4 s against 34.4–37.2 s for the 1M-account bench run, alternated (bench/RESULTS.md).
 */
export const DEFAULT_CHUNK_SIZE = 10_000;
/** On PGlite a chunk's transaction holds the only connection, so requests wait for it: smaller chunks. */
export const EMBEDDED_CHUNK_SIZE = 1000;

const RUN = { zh: '核算批次', en: 'Billing run' };

interface RunRow {
  id: string;
  period: string;
  route_ids: string[] | null;
  status: RunStatus;
  total_chunks: number;
  done_chunks: number;
  summary: (ChunkTotals & { accounts?: number; failedChunks?: number }) | null;
  started_by: string;
  created_at: Date;
  finished_at: Date | null;
}

const RUN_COLUMNS = 'id, period, route_ids, status, total_chunks, done_chunks, summary, started_by, created_at, finished_at';

export function toSummary(accounts: number, totals: ChunkTotals, failedChunks: number): BillingRunSummary {
  return {
    accounts,
    bills: totals.bills,
    totalFen: totals.totalFen,
    consumptionLitres: totals.consumptionLitres,
    byLineType: LINE_TYPES.filter((type) => totals.byLineType[type]).map((lineType) => ({ lineType, ...(totals.byLineType[lineType] as { lines: number; amountFen: number }) })),
    skipped: SKIP_REASONS.filter((reason) => totals.skipped[reason]).map((reason) => ({ reason, accounts: totals.skipped[reason] as number })),
    failedChunks,
  };
}

/** Chunk totals of the run's finished chunks, added up: the summary so far. */
async function totalsSoFar(sql: Sql, runId: string): Promise<{ totals: ChunkTotals; failed: number }> {
  const rows = await sql.query<{ totals: ChunkTotals | null; status: string }>("SELECT totals, status FROM billing_run_chunks WHERE run_id = $1 AND status <> 'pending'", [runId]);
  const totals = emptyTotals();
  let failed = 0;
  for (const row of rows) {
    if (row.totals) addTotals(totals, row.totals);
    if (row.status === 'failed') failed += 1;
  }
  return { totals, failed };
}

async function toRun(sql: Sql, row: RunRow): Promise<BillingRun> {
  const accounts = row.summary?.accounts ?? 0;
  const isActive = row.status === 'pending' || row.status === 'running';
  const summary = isActive
    ? await totalsSoFar(sql, row.id).then(({ totals, failed }) => toSummary(accounts, totals, failed))
    : toSummary(accounts, row.summary ?? emptyTotals(), row.summary?.failedChunks ?? 0);
  return {
    id: row.id,
    period: row.period,
    routeIds: row.route_ids ?? [],
    status: row.status,
    accounts,
    totalChunks: row.total_chunks,
    doneChunks: row.done_chunks,
    progress: row.total_chunks === 0 ? 1 : row.done_chunks / row.total_chunks,
    summary,
    startedBy: row.started_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}

async function tenantTimeZone(sql: Sql): Promise<string> {
  const rows = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = current_tenant_id()');
  return rows[0]?.time_zone ?? 'Asia/Shanghai';
}

/** The active run of a period on any of the routes, if there is one. */
export async function findActiveRun(sql: Sql, period: string, routeIds: readonly string[]): Promise<BillingRun | null> {
  const rows = await sql.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM billing_runs WHERE period = $1 AND status IN ('pending', 'running') AND route_ids && $2::uuid[] ORDER BY created_at LIMIT 1`,
    [period, routeIds],
  );
  return rows[0] ? toRun(sql, rows[0]) : null;
}

/**
 * Starts a billing run: the accounts of the routes (all active routes when none are named), split into
 * chunks recorded for workers to claim. Refuses a month not yet begun, unknown or inactive routes, and a
 * second active run of the same period on any of the same routes.
 */
export async function createBillingRun(
  context: PlatformContext,
  tenantId: string,
  input: NewBillingRun,
  actor: Actor,
  options: { chunkSize?: number } = {},
): Promise<BillingRun> {
  const chunkSize = options.chunkSize ?? (context.db.kind === 'embedded' ? EMBEDDED_CHUNK_SIZE : DEFAULT_CHUNK_SIZE);
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const currentMonth = businessDate(now, await tenantTimeZone(sql)).slice(0, 7);
    if (input.period > currentMonth) throw invalidField('period', '不能核算尚未开始的月份', 'cannot bill a month that has not begun');
    // One creator at a time per tenant and period, so two clerks cannot both pass the overlap check.
    await sql.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`billing_run:${tenantId}:${input.period}`]);

    let routes: RouteRef[];
    if (input.routeIds) {
      const wanted = [...new Set(input.routeIds)];
      routes = await findRoutes(sql, { ids: wanted });
      const unknown = wanted.filter((id) => !routes.some((route) => route.id === id));
      if (unknown.length > 0) throw invalidField('routeIds', `抄表本不存在：${unknown.join(', ')}`, `no such route: ${unknown.join(', ')}`);
      const inactive = routes.filter((route) => !route.isActive);
      if (inactive.length > 0) throw invalidField('routeIds', `抄表本已停用：${inactive.map((route) => route.code).join(', ')}`, `route not active: ${inactive.map((route) => route.code).join(', ')}`);
    } else {
      routes = await activeRoutes(sql);
    }
    const routeIds = routes.map((route) => route.id);
    const active = await findActiveRun(sql, input.period, routeIds);
    if (active) {
      throw new DomainError(
        'conflict',
        'billing_run_active',
        `${input.period} 已有进行中的核算批次覆盖所选抄表本`,
        `A billing run of ${input.period} on some of these routes is still in progress`,
        [{ field: input.routeIds ? 'routeIds' : 'period', zh: '已有进行中的核算批次', en: 'a run of this period on these routes is in progress' }],
      );
    }
    const rows = await sql.query<RunRow>(
      `INSERT INTO billing_runs (tenant_id, period, route_ids, status, started_by, created_at)
       VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING ${RUN_COLUMNS}`,
      [tenantId, input.period, routeIds, actor.name, now],
    );
    const inserted = rows[0] as RunRow;
    const accounts = await chunkAccountsOfRoutes(sql, tenantId, inserted.id, routeIds, chunkSize);
    const totalChunks = Math.ceil(accounts / chunkSize);
    const status: RunStatus = totalChunks === 0 ? 'completed' : 'pending';
    const summary = { ...emptyTotals(), accounts, failedChunks: 0 };
    const updated = await sql.query<RunRow>(
      `UPDATE billing_runs SET status = $2, total_chunks = $3, summary = $4::jsonb, finished_at = $5 WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [inserted.id, status, totalChunks, JSON.stringify(summary), status === 'completed' ? now : null],
    );
    const row = updated[0] as RunRow;
    await recordAudit(sql, tenantId, actor, now, {
      action: 'billing_run.start',
      objectType: 'billing_run',
      objectId: row.id,
      after: { period: input.period, routeCodes: routes.map((route) => route.code), accounts, chunks: totalChunks },
    });
    return toRun(sql, row);
  });
}

export async function listBillingRuns(context: PlatformContext, tenantId: string, query: { limit: number; period?: string | undefined }): Promise<BillingRun[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM billing_runs WHERE $1::text IS NULL OR period = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [query.period ?? null, query.limit],
    );
    const runs: BillingRun[] = [];
    for (const row of rows) runs.push(await toRun(sql, row));
    return runs;
  });
}

export async function findBillingRun(sql: Sql, id: string): Promise<BillingRun> {
  const rows = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM billing_runs WHERE id = $1`, [id]);
  if (!rows[0]) throw notFound(RUN);
  return toRun(sql, rows[0]);
}

export async function getBillingRun(context: PlatformContext, tenantId: string, id: string): Promise<BillingRun> {
  return context.db.withTenant(tenantId, (sql) => findBillingRun(sql, id));
}

/** The accounts a run skipped and why, in chunk order. */
export async function listSkippedAccounts(context: PlatformContext, tenantId: string, runId: string, query: { reason?: SkipReason | undefined; limit: number }): Promise<SkippedAccount[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    await findBillingRun(sql, runId);
    const rows = await sql.query<{ account_id: string; account_no: string | null; reason: SkipReason }>(
      `SELECT s.account_id, a.account_no, e.reason
       FROM billing_run_chunks c
       CROSS JOIN LATERAL jsonb_each(coalesce(c.skipped, '{}'::jsonb)) AS e(reason, ids)
       CROSS JOIN LATERAL jsonb_array_elements_text(e.ids) WITH ORDINALITY AS s(account_id, n)
       LEFT JOIN accounts a ON a.id = s.account_id::uuid
       WHERE c.run_id = $1 AND ($2::text IS NULL OR e.reason = $2)
       ORDER BY c.chunk_no, e.reason, s.n LIMIT $3`,
      [runId, query.reason ?? null, query.limit],
    );
    return rows.map((row) => ({ accountId: row.account_id, accountNo: row.account_no ?? '', reason: row.reason }));
  });
}

/**
 * Ends a run whose chunks are all done (or failed): the summary from the chunks' totals, the status, and
 * an audit entry. Several workers may try; the run's row lock lets exactly one do it.
 */
export async function finishRunIfDone(context: PlatformContext, tenantId: string, runId: string, actor: Actor): Promise<BillingRun | null> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM billing_runs WHERE id = $1 FOR UPDATE`, [runId]);
    const row = rows[0];
    if (!row || (row.status !== 'pending' && row.status !== 'running')) return null;
    const [counts] = await sql.query<{ pending: number; done: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'done')::int AS done,
         count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM billing_run_chunks WHERE run_id = $1`,
      [runId],
    );
    if (!counts || counts.pending > 0) return null;
    const { totals } = await totalsSoFar(sql, runId);
    const accounts = row.summary?.accounts ?? 0;
    const status: RunStatus = counts.failed > 0 ? 'failed' : 'completed';
    const now = context.clock.now();
    const updated = await sql.query<RunRow>(
      `UPDATE billing_runs SET status = $2, summary = $3::jsonb, done_chunks = $4, finished_at = $5 WHERE id = $1 RETURNING ${RUN_COLUMNS}`,
      [runId, status, JSON.stringify({ ...totals, accounts, failedChunks: counts.failed }), counts.done, now],
    );
    const summary = toSummary(accounts, totals, counts.failed);
    await recordAudit(sql, tenantId, actor, now, {
      action: status === 'completed' ? 'billing_run.complete' : 'billing_run.fail',
      objectType: 'billing_run',
      objectId: runId,
      after: { period: row.period, bills: summary.bills, totalFen: summary.totalFen, skipped: summary.skipped, failedChunks: counts.failed },
    });
    return toRun(sql, updated[0] as RunRow);
  });
}
