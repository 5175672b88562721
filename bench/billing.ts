/**
 * The monthly billing run at utility scale: N accounts (default 1,000,000) with a reading each, billed
 * through the real code path (createBillingRun, then workers claiming chunks: tariff engine, bills, lines,
 * ledger journals, COPY as the bulk writer checked for the tenant: ADR 0007). Against it, in the same run,
 * the floor: COPY of the very same bill, line and ledger rows into the same tables (emptied), as the owner,
 * with the same indexes, constraints and triggers, on as many connections as the run had workers, in COPY's
 * binary format as the run writes them (platform/db/copy-binary.ts).
 *
 *   npm run bench -- billing [--accounts 1000000] [--workers 2] [--chunk N: 10,000 on PostgreSQL, 1,000 on PGlite, as a run has] [--period 2026-01]
 *   npm run bench -- billing --engine pglite --accounts 100000
 *   npm run bench -- billing --reuse   (keep the town of an earlier run of the same size; bill it afresh)
 *
 * PostgreSQL at DATABASE_URL (or TEST_DATABASE_URL; a superuser: the database shuiwu_bench_billing is
 * dropped and created). The last line of output is one JSON object.
 */
import { mkdirSync, createReadStream, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createContext } from '../server/src/app';
import { createBillingRun, DEFAULT_CHUNK_SIZE, EMBEDDED_CHUNK_SIZE, formatYuan, getBillingRun, workBillingRun } from '../server/src/modules/billing';
import { seedDemoTariffs } from '../server/src/modules/tariffs';
import { createTenant } from '../server/src/modules/tenancy';
import { systemActor } from '../server/src/platform/audit/audit';
import { systemClock } from '../server/src/platform/clock';
import { loadConfig } from '../server/src/platform/config';
import { openEmbeddedDatabase, openServerDatabase, type Database } from '../server/src/platform/db/database';
import { migrate } from '../server/src/platform/db/migrate';
import { generateTown } from '../server/test/billing-town';
import { busySeconds, referenceMilliseconds } from './machine';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000000' },
    engine: { type: 'string', default: 'pg' },
    workers: { type: 'string', default: '2' },
    chunk: { type: 'string' },
    period: { type: 'string', default: '2026-01' },
    reuse: { type: 'boolean', default: false },
  },
});
const accounts = Number(values.accounts);
const engine = values.engine === 'pglite' ? 'pglite' : 'pg';
const workers = engine === 'pglite' ? 1 : Number(values.workers);
const period = values.period;
// What a run on this engine takes unless told otherwise (createBillingRun's own default).
const chunkSize = values.chunk ? Number(values.chunk) : engine === 'pglite' ? EMBEDDED_CHUNK_SIZE : DEFAULT_CHUNK_SIZE;
const seconds = (from: number) => (performance.now() - from) / 1000;
const log = (message: string) => console.error(`[bench billing] ${message}`);
/** Empties append-only tables (their refusal triggers off for the one transaction): the owner's script. */
const emptying = (tables: string) => `BEGIN; SET LOCAL session_replication_role = replica; TRUNCATE ${tables} CASCADE; COMMIT`;

// Each table's rows of the run, split between the writers by account (as the run's chunks split them; a
// chunk journal's revenue legs, which name no account, by journal). In the order the run wrote them (its ids
// are time-ordered), the floor's best case.
const TABLES = [
  { table: 'bills', from: 'bills b', order: 'b.id', where: (runId: string) => `b.run_id = '${runId}'`, key: 'b.account_id' },
  { table: 'bill_lines', from: 'bill_lines x JOIN bills b ON b.tenant_id = x.tenant_id AND b.id = x.bill_id', order: 'x.bill_id, x.line_no', where: (runId: string) => `b.run_id = '${runId}'`, key: 'b.account_id' },
  { table: 'ledger_entries', from: 'ledger_entries x', order: 'x.id', where: () => "x.entry_type = 'bill'", key: 'coalesce(x.account_id, x.journal_id)' },
] as const;
const selectOf = (table: (typeof TABLES)[number], columns: string, runId: string, part: number, parts: number) =>
  `SELECT ${columns.split(', ').map((column) => `${table.from.startsWith('bills') ? 'b' : 'x'}.${column}`).join(', ')} FROM ${table.from}
   WHERE ${table.where(runId)} AND abs(hashtext(${table.key}::text)) % ${parts} = ${part} ORDER BY ${table.order}`;

async function columnsOf(query: (text: string) => Promise<{ name: string }[]>, table: string): Promise<string> {
  const rows = await query(`SELECT attname AS name FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`);
  return rows.map((row) => row.name).join(', ');
}

// ---- the database ----
let db: Database;
let benchUrl = '';
let reused = false;
if (engine === 'pg') {
  const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(adminUrl);
  url.pathname = '/shuiwu_bench_billing';
  benchUrl = url.toString();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  if (values.reuse) reused = (await admin.query("SELECT 1 FROM pg_database WHERE datname = 'shuiwu_bench_billing'")).rowCount === 1;
  if (!reused) {
    await admin.query('DROP DATABASE IF EXISTS shuiwu_bench_billing WITH (FORCE)');
    await admin.query('CREATE DATABASE shuiwu_bench_billing');
  }
  await admin.end();
  db = await openServerDatabase(benchUrl, workers * 2 + 2);
} else {
  db = await openEmbeddedDatabase(undefined);
}
await migrate(db);
const context = createContext({ config: loadConfig({ ...(benchUrl ? { DATABASE_URL: benchUrl } : {}), SHUIWU_SECRET_KEY: 'ab'.repeat(32) }), db, clock: systemClock });

// ---- the town: accounts, routes, one reading each, tariffs ----
let started = performance.now();
// A reused town must be the same size; its earlier billing is emptied away (as the floor empties it below).
const [kept] = reused
  ? await db.asOwner((sql) => sql.query<{ id: string; accounts: number }>("SELECT t.id, (SELECT count(*) FROM accounts a WHERE a.tenant_id = t.id)::int AS accounts FROM tenants t WHERE t.code = 'bench'"))
  : [];
if (reused && kept?.accounts !== accounts) throw new Error(`--reuse: the kept town has ${kept?.accounts ?? 0} accounts, not ${accounts}`);
const tenant = kept ?? (await createTenant(context, { code: 'bench', name: '基准水务', nameEn: 'Bench Water', hotline: null }));
if (kept) {
  await db.execAsOwner(emptying('ledger_entries, bill_lines, bills, billing_run_chunks, billing_runs'));
  await db.execAsOwner('VACUUM');
  log('town kept, its billing emptied');
} else {
  await db.asOwner((sql) => generateTown(sql, { tenantId: tenant.id, accounts, months: [period], perRoute: 1000 }));
  await db.withTenant(tenant.id, (sql) => seedDemoTariffs(context, sql, tenant.id));
  log('town generated');
}
await db.execAsOwner('ANALYZE');
if (engine === 'pg') await db.execAsOwner('CHECKPOINT');
const setupSeconds = seconds(started);
log(`town of ${accounts.toLocaleString('en')} accounts ready in ${setupSeconds.toFixed(1)} s`);
const referenceBefore = referenceMilliseconds();

// ---- the billing run, through the real code path ----
started = performance.now();
const runBusy = busySeconds();
const created = await createBillingRun(context, tenant.id, { period }, systemActor('bench'), { chunkSize });
const createSeconds = seconds(started);
await workBillingRun(context, tenant.id, created.id, { concurrency: workers });
const runSeconds = seconds(started);
const run = await getBillingRun(context, tenant.id, created.id);
if (run.status !== 'completed') throw new Error(`run ended ${run.status}`);
log(`billed ${run.summary.bills.toLocaleString('en')} accounts in ${runSeconds.toFixed(1)} s (creating the run: ${createSeconds.toFixed(2)} s; CPU in use on the machine: ${(busySeconds() - runBusy).toFixed(1)} s of ${(runSeconds * os.cpus().length).toFixed(1)})`);

const [counts] = await db.asOwner((sql) =>
  sql.query<{ bills: number; lines: number; entries: number }>(
    `SELECT (SELECT count(*) FROM bills)::int8 AS bills, (SELECT count(*) FROM bill_lines)::int8 AS lines, (SELECT count(*) FROM ledger_entries)::int8 AS entries`,
  ),
);
if (!counts || counts.bills !== run.summary.bills) throw new Error('bill count does not match the summary');

// ---- the floor: COPY of the same rows into the same (emptied) tables, as the owner ----
const TRUNCATE = emptying('ledger_entries, bill_lines, bills');
let floorSeconds: number;
let floorBusy = 0;
if (engine === 'pg') {
  const directory = path.resolve('.tmp/bench-billing');
  mkdirSync(directory, { recursive: true });
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  const columns: Record<string, string> = {};
  for (const entry of TABLES) {
    const { table } = entry;
    columns[table] = await columnsOf(async (text) => (await client.query<{ name: string }>(text)).rows, table);
    for (let part = 0; part < workers; part += 1) {
      const select = selectOf(entry, columns[table] as string, run.id, part, workers);
      await pipeline(client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT binary)`)), createWriteStream(path.join(directory, `${table}.${part}.copy`)));
    }
  }
  await client.query(TRUNCATE);
  await client.query('VACUUM ANALYZE bills, bill_lines, ledger_entries');
  await client.query('CHECKPOINT');
  await client.end();
  started = performance.now();
  floorBusy = busySeconds();
  await Promise.all(
    Array.from({ length: workers }, async (_unused, part) => {
      const writer = new pg.Client({ connectionString: benchUrl });
      await writer.connect();
      await writer.query('BEGIN');
      for (const { table } of TABLES) {
        await pipeline(createReadStream(path.join(directory, `${table}.${part}.copy`)), writer.query(copyFrom(`COPY ${table} (${columns[table]}) FROM STDIN WITH (FORMAT binary)`)));
      }
      await writer.query('COMMIT');
      await writer.end();
    }),
  );
  floorSeconds = seconds(started);
} else {
  const blobs: { table: string; columns: string; blob: Blob }[] = [];
  // PGlite: COPY TO/FROM '/dev/blob' through the raw PGlite instance, as its (superuser) owner.
  const raw = (db as unknown as { pglite: PGlite }).pglite;
  for (const entry of TABLES) {
    const { table } = entry;
    const list = await columnsOf(async (text) => (await raw.query<{ name: string }>(text)).rows, table);
    const result = await raw.query(`COPY (${selectOf(entry, list, run.id, 0, 1)}) TO '/dev/blob' WITH (FORMAT binary)`);
    if (!result.blob) throw new Error('PGlite returned no blob');
    blobs.push({ table, columns: list, blob: result.blob });
  }
  await raw.exec(TRUNCATE);
  started = performance.now();
  await raw.transaction(async (tx) => {
    for (const { table, columns, blob } of blobs) await tx.query(`COPY ${table} (${columns}) FROM '/dev/blob' WITH (FORMAT binary)`, [], { blob });
  });
  floorSeconds = seconds(started);
}
log(`floor (COPY of the same rows) ${floorSeconds.toFixed(1)} s${engine === 'pg' ? ` (CPU in use on the machine: ${(busySeconds() - floorBusy).toFixed(1)} s of ${(floorSeconds * os.cpus().length).toFixed(1)})` : ''}`);
await db.close();

const referenceAfter = referenceMilliseconds();
log(`the machine's reference work took ${referenceBefore} ms before the run and ${referenceAfter} ms after the floor (bench/machine.ts)`);
const ratio = runSeconds / floorSeconds;
const cpu = os.cpus();
console.log(`\n### Billing run, ${accounts.toLocaleString('en')} accounts, ${engine === 'pg' ? 'PostgreSQL server' : 'PGlite (in memory)'}`);
console.log(`${new Date().toISOString().slice(0, 10)} · ${cpu.length} × ${cpu[0]?.model.trim()} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · ${workers} workers · chunks of ${chunkSize.toLocaleString('en')} · setup ${setupSeconds.toFixed(0)} s · reference work ${referenceBefore} / ${referenceAfter} ms\n`);
console.log('| what | rows | seconds | ÷ floor |');
console.log('|---|---:|---:|---:|');
console.log(`| billing run: create, ${run.totalChunks} chunks, tariff engine, bills + lines + ledger | ${counts.bills.toLocaleString('en')} bills, ${counts.lines.toLocaleString('en')} lines, ${counts.entries.toLocaleString('en')} ledger entries | ${runSeconds.toFixed(1)} | ${ratio.toFixed(2)} |`);
console.log(`| floor: COPY of the same rows into the same tables (owner) | same | ${floorSeconds.toFixed(1)} | 1.00 |`);
console.log(`\nSkipped: ${run.summary.skipped.map((entry) => `${entry.reason} ${entry.accounts.toLocaleString('en')}`).join(', ')} · total billed ¥${formatYuan(run.summary.totalFen)}`);
console.log(JSON.stringify({ bench: 'billing', accounts, seconds: Number(runSeconds.toFixed(2)), floor_seconds: Number(floorSeconds.toFixed(2)), ratio: Number(ratio.toFixed(2)) }));
