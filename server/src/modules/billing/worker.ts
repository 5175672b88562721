import { hostname } from 'node:os';
import { systemActor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { listTenants } from '../tenancy';
import { processNextChunk, type ChunkOptions, type ChunkOutcome } from './chunk';
import { finishRunIfDone } from './runs';

/** Attempts at a chunk that fails with an error (not a killed process) before it is marked failed. */
export const MAX_CHUNK_ATTEMPTS = 3;

export interface BillingWorkerOptions {
  /** Recorded on each chunk it bills (default host:pid). */
  workerId?: string;
  /** Chunks billed at the same time, each on its own connection (1 on PGlite). */
  concurrency?: number;
  /** Test hook, see ChunkOptions. */
  pauseBeforeCommitMs?: number;
  onChunk?: (runId: string, outcome: ChunkOutcome) => void;
  /** Asked between chunks: stop taking new ones when it says so. */
  shouldStop?: () => boolean;
  log?: (message: string) => void;
}

const defaultWorkerId = () => `${hostname()}:${process.pid}`;
const WORKER_ACTOR = systemActor('billing-worker');

async function recordChunkFailure(context: PlatformContext, tenantId: string, runId: string, chunkNo: number, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await context.db.withTenant(tenantId, (sql) =>
    sql.query(
      `UPDATE billing_run_chunks SET attempts = attempts + 1, error = $3,
         status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END, finished_at = CASE WHEN attempts + 1 >= $4 THEN $5::timestamptz END
       WHERE run_id = $1 AND chunk_no = $2 AND status = 'pending'`,
      [runId, chunkNo, message.slice(0, 2000), MAX_CHUNK_ATTEMPTS, context.clock.now()],
    ),
  );
}

/** One worker's loop over a run: claims and bills chunks until none is left to claim. */
async function chunkLoop(context: PlatformContext, tenantId: string, runId: string, options: ChunkOptions & BillingWorkerOptions): Promise<number> {
  let processed = 0;
  while (!options.shouldStop?.()) {
    const claimed: { chunkNo: number | null } = { chunkNo: null };
    let outcome: ChunkOutcome | null;
    try {
      outcome = await processNextChunk(context, tenantId, runId, options, claimed);
    } catch (error) {
      // A chunk that failed rolled back whole; count the attempt (another worker may retry it), and go on.
      if (claimed.chunkNo === null) throw error;
      options.log?.(`billing run ${runId} chunk ${claimed.chunkNo} failed: ${error instanceof Error ? error.message : String(error)}`);
      await recordChunkFailure(context, tenantId, runId, claimed.chunkNo, error);
      continue;
    }
    if (!outcome) break;
    processed += 1;
    // Each chunk grows bills, lines and the ledger by thousands of rows; PGlite has no autovacuum to
    // notice, and the next chunk's plans need to know (nothing to do on the server).
    await context.db.analyzeStale();
    options.onChunk?.(runId, outcome);
  }
  return processed;
}

/**
 * Works one run: `concurrency` loops claim chunks (SKIP LOCKED keeps them apart, and apart from other
 * processes), then the run is finished if no chunk is left. Returns how many chunks this call billed.
 */
export async function workBillingRun(context: PlatformContext, tenantId: string, runId: string, options: BillingWorkerOptions = {}): Promise<number> {
  const concurrency = context.db.kind === 'embedded' ? 1 : Math.max(1, options.concurrency ?? 2);
  const chunkOptions = { ...options, workerId: options.workerId ?? defaultWorkerId() };
  const counts = await Promise.all(Array.from({ length: concurrency }, () => chunkLoop(context, tenantId, runId, chunkOptions)));
  if (!options.shouldStop?.()) await finishRunIfDone(context, tenantId, runId, WORKER_ACTOR);
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Runs with work left, in the order they must be billed: by period, and a run waits while an earlier
 * period's run on any of its routes is unfinished (a year's earlier bills feed the yearly tiers).
 */
async function runsToWork(context: PlatformContext, tenantId: string): Promise<string[]> {
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ id: string }>(
      `SELECT r.id FROM billing_runs r
       WHERE r.status IN ('pending', 'running')
         AND NOT EXISTS (SELECT 1 FROM billing_runs e WHERE e.status IN ('pending', 'running') AND e.period < r.period AND e.route_ids && r.route_ids)
       ORDER BY r.period, r.created_at`,
    ),
  );
  return rows.map((row) => row.id);
}

/** Works every tenant's runs until no chunk is left that this process can claim; returns chunks billed. */
export async function workPendingBillingRuns(context: PlatformContext, options: BillingWorkerOptions = {}): Promise<number> {
  let total = 0;
  for (;;) {
    let round = 0;
    for (const tenant of await listTenants(context)) {
      for (const runId of await runsToWork(context, tenant.id)) {
        if (options.shouldStop?.()) return total + round;
        round += await workBillingRun(context, tenant.id, runId, options);
      }
    }
    total += round;
    if (round === 0) return total;
  }
}

export interface BillingWorker {
  stop(): Promise<void>;
}

/** Polls for billing work every `intervalMs` in this process (the embedded single-process setup). */
export function startBillingWorker(context: PlatformContext, options: BillingWorkerOptions & { intervalMs?: number } = {}): BillingWorker {
  let isStopping = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = workPendingBillingRuns(context, { ...options, shouldStop: () => isStopping })
      .catch((error: unknown) => options.log?.(`billing worker: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        if (!isStopping) timer = setTimeout(tick, options.intervalMs ?? 1000);
      });
  };
  timer = setTimeout(tick, options.intervalMs ?? 1000);
  return {
    async stop() {
      isStopping = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
