import type { PlatformContext } from '../../platform/context';
import { copyRows, type BulkColumn } from '../../platform/db/bulk';
import { takeCounterBlock } from '../../platform/db/counters';
import { arrayLiteral, type Sql } from '../../platform/db/database';
import { timeOrderedUuid } from '../../platform/db/ids';
import { BILL_LINE_COLUMNS, billLineRow } from '../bills';
import { postJournalsBulk } from '../ledger';
import { loadTariffBook } from '../tariffs';
import { billAccounts, billingJournal, periodRange, type AccountInput, type ChunkTotals, type JournalBill, type Period } from './compute';

const PROFILE = process.env.SHUIWU_BILLING_PROFILE === '1';
/** With SHUIWU_BILLING_PROFILE=1, each phase's milliseconds on stderr (bench/billing.ts). */
function phases(label: string): (name: string) => void {
  let mark = performance.now();
  return (name) => {
    if (!PROFILE) return;
    const now = performance.now();
    console.error(`[chunk ${label}] ${name} ${(now - mark).toFixed(0)} ms`);
    mark = now;
  };
}

/** A chunk transaction's work_mem: room for its statements' transition tables, sorts and hashes. */
const CHUNK_WORK_MEM = '64MB';

/** Days from issue to due date (constant for now; a tenant setting later). */
export const BILL_DUE_DAYS = 30;

const BILL_COLUMNS: BulkColumn[] = [
  { name: 'tenant_id', type: 'uuid' },
  { name: 'id', type: 'uuid' },
  { name: 'bill_no', type: 'text' },
  { name: 'account_id', type: 'uuid' },
  { name: 'period', type: 'text' },
  { name: 'period_start', type: 'date' },
  { name: 'period_end', type: 'date' },
  { name: 'run_id', type: 'uuid' },
  { name: 'consumption_litres', type: 'int8' },
  { name: 'is_estimated', type: 'bool' },
  { name: 'total_fen', type: 'int8' },
  { name: 'issued_on', type: 'date' },
  { name: 'due_on', type: 'date' },
  { name: 'created_at', type: 'timestamptz' },
];

export interface ChunkOptions {
  workerId: string;
  /** Test hook: wait this long after writing, before committing (so a kill lands inside the transaction). */
  pauseBeforeCommitMs?: number;
}

export interface ChunkOutcome {
  chunkNo: number;
  bills: number;
}

function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** Bill numbers: the period and the tenant's bill counter, e.g. 202603-00001234. */
const billNo = (period: string, value: number): string => `${period.replace('-', '')}-${String(value).padStart(8, '0')}`;

// What a chunk needs per account: the account, its use in the period, earlier bills, its category changes.
// Billed: a regular bill of the period reaches its last day, or a final bill of a later period began by then.
// A partial bill of the period (a holder change's, up to a final reading) leaves the days after it to bill,
// with the water of the readings it did not take (PARTIAL_BILL_LITRES, for such accounts only).
const INPUT_COLUMNS = `ids.id AS account_id, a.status, a.category, a.water_category_id, a.household_size,
    c.consumption_litres, c.is_estimated, coalesce(b.billed, false) AS billed, coalesce(b.used_earlier, 0)::int8 AS used_earlier,
    b.billed_through::text AS billed_through, NULL::int8 AS billed_litres`;
const EARLIER_BILLS = `bool_or((e.period = $4 AND e.period_end >= $3::date) OR (e.period > $4 AND e.period_start <= $3::date)) AS billed,
      sum(e.consumption_litres) FILTER (WHERE e.period <= $4) AS used_earlier,
      max(e.period_end) FILTER (WHERE e.period = $4) AS billed_through`;
const CATEGORY_CHANGES = `json_agg(json_build_object('account_id', x.account_id, 'effective_from', x.effective_from, 'category_before', x.category_before,
        'water_category_before', x.water_category_before, 'category_after', x.category_after, 'water_category_after', x.water_category_after))`;

/** One index probe per account and table: for accounts scattered over the id space. */
const INPUTS_BY_ACCOUNT = `
  SELECT ${INPUT_COLUMNS},
    (SELECT ${CATEGORY_CHANGES} FROM account_category_changes x WHERE x.account_id = ids.id AND x.effective_from > $2::date) AS category_changes
  FROM unnest($1::uuid[]) AS ids(id)
  LEFT JOIN accounts a ON a.id = ids.id
  LEFT JOIN period_consumption($2::date, $3::date, $1::uuid[]) c ON c.account_id = ids.id
  LEFT JOIN LATERAL (SELECT ${EARLIER_BILLS} FROM bills e WHERE e.account_id = ids.id AND e.kind = 'regular' AND e.period >= $5) b ON true`;

/**
 * One range scan per table over the ids from the chunk's first to its last, joined to the chunk by hash:
 * 50 ms for 5,000 accounts where the probes take 92 ms (bench/RESULTS.md). For a chunk that is most of its
 * range, which a run of the whole utility's routes always is (route-accounts.ts: consecutive ids).
 */
const INPUTS_BY_RANGE = `
  SELECT ${INPUT_COLUMNS}, x.category_changes
  FROM unnest($1::uuid[]) AS ids(id)
  LEFT JOIN (SELECT * FROM accounts WHERE id BETWEEN $6 AND $7) a ON a.id = ids.id
  LEFT JOIN range_consumption($2::date, $3::date, $6, $7) c ON c.account_id = ids.id
  LEFT JOIN (SELECT e.account_id, ${EARLIER_BILLS} FROM bills e WHERE e.account_id BETWEEN $6 AND $7 AND e.kind = 'regular' AND e.period >= $5
    GROUP BY e.account_id) b ON b.account_id = ids.id
  LEFT JOIN (SELECT x.account_id, ${CATEGORY_CHANGES} AS category_changes FROM account_category_changes x
    WHERE x.account_id BETWEEN $6 AND $7 AND x.effective_from > $2::date GROUP BY x.account_id) x ON x.account_id = ids.id`;

/** How many accounts the range may hold per account of the chunk for the range scans to be the cheaper. */
const RANGE_DENSITY = 2;

/** The water already billed on partial bills of the period: from its first day to each bill's last. */
const PARTIAL_BILL_LITRES = `
  SELECT x.id AS account_id, p.consumption_litres
  FROM unnest($1::uuid[], $2::date[]) AS x(id, through)
  CROSS JOIN LATERAL period_consumption($3::date, x.through, ARRAY[x.id]) p`;

/**
 * The inputs of a chunk's accounts, in the chunk's order. By range where the accounts between the chunk's
 * first and last id are at most RANGE_DENSITY times the chunk (counted, but no further than that), else by
 * account; `by` forces one way (tests: both give the same).
 */
export async function chunkInputs(sql: Sql, accountIds: readonly string[], period: Period, by?: 'range' | 'account'): Promise<AccountInput[]> {
  if (accountIds.length === 0) return [];
  let first = accountIds[0] as string;
  let last = first;
  for (const id of accountIds) {
    if (id < first) first = id;
    if (id > last) last = id;
  }
  const limit = accountIds.length * RANGE_DENSITY;
  const isDense =
    by === undefined
      ? ((await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT FROM accounts WHERE id BETWEEN $1 AND $2 LIMIT $3) x', [first, last, limit + 1]))[0]?.n ?? 0) <= limit
      : by === 'range';
  // One array literal, not an array the driver would convert element by element.
  const params = [arrayLiteral(accountIds), period.start, period.end, period.period, period.yearStart];
  const inputs = isDense ? await sql.query<AccountInput>(INPUTS_BY_RANGE, [...params, first, last]) : await sql.query<AccountInput>(INPUTS_BY_ACCOUNT, params);
  // Joins keep no order: back to the chunk's (its skipped accounts are listed in it).
  const order = new Map(accountIds.map((id, index) => [id, index]));
  inputs.sort((a, b) => (order.get(a.account_id) ?? 0) - (order.get(b.account_id) ?? 0));
  const partial = inputs.filter((input) => input.billed_through !== null);
  if (partial.length > 0) {
    const rows = await sql.query<{ account_id: string; consumption_litres: number }>(PARTIAL_BILL_LITRES, [
      partial.map((input) => input.account_id),
      partial.map((input) => input.billed_through),
      period.start,
    ]);
    const litres = new Map(rows.map((row) => [row.account_id, row.consumption_litres]));
    for (const input of partial) input.billed_litres = litres.get(input.account_id) ?? null;
  }
  return inputs;
}

/**
 * Claims the next pending chunk of a run (FOR UPDATE SKIP LOCKED) and bills it in the same transaction
 * that marks it done: bills, lines and ledger journals written set-based (COPY through temporary tables),
 * the chunk's totals recorded, the run's progress counted. A process killed half-way leaves the chunk
 * pending, its transaction rolled back, for any worker to take. Null when no chunk is left to claim.
 */
export async function processNextChunk(context: PlatformContext, tenantId: string, runId: string, options: ChunkOptions, claimed: { chunkNo: number | null } = { chunkNo: null }): Promise<ChunkOutcome | null> {
  const { db } = context;
  return db.withTenant(tenantId, async (sql) => {
    const startedAt = context.clock.now();
    // The ids as one text: the driver's array parser took 5 ms a chunk for 5,000 uuids, which need no quoting.
    const chunks = await sql.query<{ chunk_no: number; account_ids: string; period: string; issued_on: string }>(
      `SELECT c.chunk_no, array_to_string(c.account_ids, ',') AS account_ids, r.period, (r.created_at AT TIME ZONE t.time_zone)::date AS issued_on
       FROM billing_run_chunks c JOIN billing_runs r ON r.id = c.run_id JOIN tenants t ON t.id = r.tenant_id
       WHERE c.run_id = $1 AND c.status = 'pending' AND r.status IN ('pending', 'running')
       ORDER BY c.chunk_no LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
      [runId],
    );
    const chunk = chunks[0];
    if (!chunk) return null;
    claimed.chunkNo = chunk.chunk_no;
    const phase = phases(String(chunk.chunk_no));
    phase('claim');
    // The reference checks keep each COPY's rows in a transition table, which beyond work_mem goes to a
    // temporary file: a chunk's 30,000 bill lines did, at the default 4 MB. (JIT compilation, measured at
    // 1.6 s of a 2.4 s input query for 5,000 accounts, is off in every application transaction.)
    if (context.db.kind === 'server') await sql.query(`SELECT set_config('work_mem', '${CHUNK_WORK_MEM}', true)`);
    const period = periodRange(chunk.period);
    const inputs = await chunkInputs(sql, chunk.account_ids === '' ? [] : chunk.account_ids.split(','), period);
    phase('inputs');
    const book = await loadTariffBook(sql, period.start, period.end);
    const billing = billAccounts(inputs, book, period);
    phase('tariff engine');
    await writeBills(context, sql, tenantId, runId, chunk.chunk_no, chunk.issued_on, period.period, period.end, billing.bills, phase);

    const finishedAt = context.clock.now();
    await sql.query(
      `UPDATE billing_run_chunks SET status = 'done', claimed_by = $3, claimed_at = $4, finished_at = $5, bills_created = $6,
         skipped = $7::jsonb, totals = $8::jsonb, attempts = attempts + 1, error = NULL
       WHERE run_id = $1 AND chunk_no = $2`,
      [runId, chunk.chunk_no, options.workerId, startedAt, finishedAt, billing.bills.length, JSON.stringify(billing.skipped), JSON.stringify(billing.totals satisfies ChunkTotals)],
    );
    if (options.pauseBeforeCommitMs) await new Promise((resolve) => setTimeout(resolve, options.pauseBeforeCommitMs));
    // Last, so concurrent workers wait on the run's row only for the moment of each other's commit.
    await sql.query("UPDATE billing_runs SET done_chunks = done_chunks + 1, status = 'running' WHERE id = $1", [runId]);
    phase('chunk and run rows');
    return { chunkNo: chunk.chunk_no, bills: billing.bills.length };
  });
}

async function writeBills(
  context: PlatformContext,
  sql: Sql,
  tenantId: string,
  runId: string,
  chunkNo: number,
  issuedOn: string,
  period: string,
  periodEnd: string,
  bills: ReturnType<typeof billAccounts>['bills'],
  phase: (name: string) => void = () => undefined,
): Promise<void> {
  if (bills.length === 0) return;
  const { db } = context;
  // A block of bill numbers per chunk, taken in a short transaction of its own so that the counter's row
  // lock is not held while the chunk writes (PGlite has one connection, and one worker: take it inline).
  const take = (s: Sql) => takeCounterBlock(s, tenantId, 'bill_no', 0, bills.length);
  const firstNo = db.kind === 'server' ? await db.withTenant(tenantId, take) : await take(sql);
  phase('bill numbers');
  const now = context.clock.now();
  const dueOn = addDays(issuedOn, BILL_DUE_DAYS);
  const billRows: unknown[][] = [];
  const lineRows: unknown[][] = [];
  const journalBills: JournalBill[] = [];
  // In account order, with time-ordered ids: each index of bills, lines and entries is then written in
  // one ascending sweep per chunk instead of at random pages (measured: most of the write cost).
  const sorted = [...bills].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  sorted.forEach((bill, index) => {
    const id = timeOrderedUuid();
    const number = billNo(period, firstNo + index);
    billRows.push([tenantId, id, number, bill.accountId, period, bill.periodStart, periodEnd, runId, bill.consumptionLitres, bill.isEstimated, bill.totalFen, issuedOn, dueOn, now]);
    bill.lines.forEach((line, lineIndex) => {
      lineRows.push(billLineRow(tenantId, id, line, lineIndex));
    });
    journalBills.push({ id, billNo: number, accountId: bill.accountId, totalFen: bill.totalFen, lines: bill.lines });
  });
  const journal = billingJournal(journalBills, issuedOn, now, `抄表账单 ${period} 第 ${chunkNo} 批 Billing run ${period}, chunk ${chunkNo}`);
  phase('rows');
  await copyRows(db, sql, 'bills', BILL_COLUMNS, billRows);
  phase('bills');
  await copyRows(db, sql, 'bill_lines', BILL_LINE_COLUMNS, lineRows);
  phase('lines');
  if (journal) await postJournalsBulk(db, sql, tenantId, [journal]);
  phase('ledger');
}
