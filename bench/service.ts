/**
 * Service-request creation under load, over loopback HTTP: a hotline agent's POST /api/service-requests
 * (schema, session + CSRF, permission, duplicate check, deadlines from the working calendar, number,
 * events, audit entry: the real route) sent open-loop at a fixed rate, so a slow answer cannot hold back
 * the next request (latency counts from when each request was due, not when it was sent). Against it, in
 * the same run and at the same rate on the same server: GET /api/health (one database round trip), the
 * floor of what any endpoint costs on this machine.
 *
 *   [SHUIWU_DB_POOL_SIZE=N] [BENCH_SOCKETS=256] npm run bench -- service [--rate 1000] [--seconds 20] [--warmup 3] [--accounts 20000] [--history 100000]
 *
 * The utility starts with a year of past requests (`--history`, closed, each with its deadlines and two
 * events), analysed, as a utility's tables are in service: against empty tables the planner keeps plans made
 * for empty tables (the foreign-key checks of each deadline and event then scan every request).
 *
 * The server runs in a child process (as `shuiwu serve` would; the load generator must not share its event
 * loop) against PostgreSQL at DATABASE_URL or TEST_DATABASE_URL (a superuser: the database
 * shuiwu_bench_service is dropped and created). The last line of output is one JSON object. With
 * BENCH_LOG_MS=N the database logs statements slower than N ms; with BENCH_EXPLAIN=1 it logs every
 * statement's plan, nested ones included (auto_explain), for a short run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { buildApp, createContext } from '../server/src/app';
import { LocalOutboxSmsGateway } from '../server/src/modules/notifications';
import { createSandboxCredentials, simulatorGateways } from '../server/src/modules/payments';
import { categoriesOf } from '../server/src/modules/service/requests';
import { createTenant, hashPassword } from '../server/src/modules/tenancy';
import { systemClock } from '../server/src/platform/clock';
import { loadConfig } from '../server/src/platform/config';
import { openServerDatabase, type Sql } from '../server/src/platform/db/database';
import { migrate } from '../server/src/platform/db/migrate';
import { generateTown } from '../server/test/billing-town';
import { referenceMilliseconds } from './machine';

const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'load' },
    url: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    accounts: { type: 'string', default: '20000' },
    history: { type: 'string', default: '100000' },
  },
});
const log = (message: string) => console.error(`[bench service] ${message}`);

/** How late this process's event loop ran (timers due every 10 ms), in ms: a stall shows as a long delay. */
interface LoopDelay {
  p99: number;
  max: number;
}
const loopDelayOf = (histogram: IntervalHistogram): LoopDelay => ({ p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 });
const PASSWORD = 'Bench-password-2026';
const SECRET = 'cd'.repeat(32);

// ---- the server process: the composition root, listening on a free loopback port ----
if (values.role === 'server') {
  // The pool as configured (SHUIWU_DB_POOL_SIZE, default 10), as `shuiwu serve` would open it.
  const config = loadConfig({ DATABASE_URL: values.url as string, SHUIWU_SECRET_KEY: SECRET, SHUIWU_LOG_LEVEL: 'silent', SHUIWU_DB_POOL_SIZE: process.env.SHUIWU_DB_POOL_SIZE });
  const db = await openServerDatabase(values.url as string, config.databasePoolSize);
  // Rate limits per client stay as configured in production for everything but this one client's volume.
  const { app } = await buildApp({ config, db, clock: systemClock, sms: new LocalOutboxSmsGateway(), payments: simulatorGateways(createSandboxCredentials({ merchantName: 'bench' }), { publicBaseUrl: () => 'http://127.0.0.1' }), logLevel: 'silent', rateLimitPerMinute: 10_000_000, loginRateLimitPerMinute: 100 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  // Its event loop's delay, reset and reported when the load generator asks (a phase at a time).
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message) => {
    if (message === 'delay-reset') delay.reset();
    if (message === 'delay-report') process.send?.({ delay: loopDelayOf(delay) });
  });
  // Gone with the load generator, however it ends.
  process.on('disconnect', () => process.exit(0));
  // And on SIGTERM through process.exit, so a server run with --cpu-prof writes its profile.
  process.on('SIGTERM', () => process.exit(0));
  await new Promise(() => undefined);
}

const rate = Number(values.rate);
const durationSeconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const accounts = Number(values.accounts);
const history = Number(values.history);

// ---- the database: a utility with a town of accounts and a hotline agent ----
const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = new URL(adminUrl);
benchUrl.pathname = '/shuiwu_bench_service';
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS shuiwu_bench_service WITH (FORCE)');
await admin.query('CREATE DATABASE shuiwu_bench_service');
if (process.env.BENCH_LOG_MS) await admin.query(`ALTER DATABASE shuiwu_bench_service SET log_min_duration_statement = ${Number(process.env.BENCH_LOG_MS)}`);
if (process.env.BENCH_EXPLAIN) {
  for (const setting of ["session_preload_libraries = 'auto_explain'", 'auto_explain.log_min_duration = 0', 'auto_explain.log_nested_statements = on']) {
    await admin.query(`ALTER DATABASE shuiwu_bench_service SET ${setting}`);
  }
}
await admin.end();
const db = await openServerDatabase(benchUrl.toString(), 4);
await migrate(db);
const context = createContext({ config: loadConfig({ DATABASE_URL: benchUrl.toString(), SHUIWU_SECRET_KEY: SECRET }), db, clock: systemClock });
const tenant = await createTenant(context, { code: 'bench', name: '基准水务', nameEn: 'Bench Water', hotline: '96655' });
await db.asOwner((sql) => generateTown(sql, { tenantId: tenant.id, accounts, months: [], perRoute: 1000 }));
const passwordHash = await hashPassword(PASSWORD);
await db.withTenant(tenant.id, async (sql) => {
  const [staff] = await sql.query<{ id: string }>("INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, 'agent', '话务员', $2) RETURNING id", [tenant.id, passwordHash]);
  await sql.query("INSERT INTO staff_roles (tenant_id, staff_id, role) VALUES ($1, $2, 'hotline_agent')", [tenant.id, staff?.id]);
});
const premises = await db.withTenant(tenant.id, (sql) =>
  sql.query<{ account_id: string; premise_id: string }>('SELECT id AS account_id, premise_id FROM accounts ORDER BY account_no'),
);
// The categories the hotline will use, created with the defaults as on first use.
await db.withTenant(tenant.id, (sql) => categoriesOf(sql, tenant.id));
await db.asOwner((sql) => seedHistory(sql, tenant.id, history));
await db.execAsOwner('ANALYZE');
await db.close();
log(`utility with ${premises.length.toLocaleString('en')} accounts and ${history.toLocaleString('en')} past requests ready`);

/**
 * `count` closed requests over the year before today, at the town's premises in turn: numbered per day
 * ("GD" + day + serial), each with its category's deadlines (met) and a submit and a close event.
 */
async function seedHistory(sql: Sql, tenantId: string, count: number): Promise<void> {
  if (count <= 0) return;
  // Made from the utility's own accounts and categories in these statements, so their references hold; the
  // per-row reference checks and triggers (a million of them) are skipped, as a restore would.
  await sql.query('SET LOCAL session_replication_role = replica');
  await sql.query(
    `CREATE TEMPORARY TABLE past ON COMMIT DROP AS
     WITH a AS (SELECT id, premise_id, customer_id, row_number() OVER (ORDER BY account_no) - 1 AS n FROM accounts WHERE tenant_id = $1),
     c AS (SELECT id, kind, limits, row_number() OVER (ORDER BY code) - 1 AS n FROM service_categories WHERE tenant_id = $1),
     r AS (SELECT i, i % (SELECT count(*) FROM a) AS account_n, i % (SELECT count(*) FROM c) AS category_n,
             (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 day' * (1 + (i * 365 / $2))
               + interval '1 second' * ((i * 7919) % 50000 + 28800)) AT TIME ZONE 'Asia/Shanghai' AS created_at
           FROM generate_series(0, $2 - 1) AS i)
     SELECT gen_random_uuid() AS id, r.i, r.created_at, c.id AS category_id, c.kind, c.limits, a.id AS account_id, a.premise_id, a.customer_id,
       'GD' || to_char(r.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad((row_number() OVER (PARTITION BY (r.created_at AT TIME ZONE 'Asia/Shanghai')::date ORDER BY r.i))::text, 5, '0') AS request_no
     FROM r JOIN a ON a.n = r.account_n JOIN c ON c.n = r.category_n`,
    [tenantId, count],
  );
  const [made] = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM past');
  if (made?.n !== count) throw new Error(`${made?.n ?? 0} past requests made of ${count}: has the utility its categories?`);
  await sql.query(
    `INSERT INTO service_requests (tenant_id, id, request_no, category_id, kind, channel, state, customer_id, account_id, premise_id, description, contact_name, alert_level, created_by, created_at, updated_at, closed_at)
     SELECT $1::uuid, id, request_no, category_id, kind, 'hotline', 'closed', customer_id, account_id, premise_id, '历史工单 ' || i, '李女士', 2, 'bench', created_at, created_at + interval '1 day', created_at + interval '1 day' FROM past`,
    [tenantId],
  );
  await sql.query(
    `INSERT INTO service_request_deadlines (tenant_id, request_id, time_limit, due_at, met_at)
     SELECT $1::uuid, p.id, l.key, p.created_at + interval '1 minute' * l.value::int, p.created_at + interval '1 minute' * l.value::int / 2
     FROM past p, jsonb_each_text(p.limits) AS l`,
    [tenantId],
  );
  await sql.query(
    `INSERT INTO service_request_events (tenant_id, request_id, step, from_state, to_state, actor, at)
     SELECT $1::uuid, id, 'submit', NULL, 'submitted', '话务员', created_at FROM past
     UNION ALL SELECT $1::uuid, id, 'close', 'submitted', 'closed', '话务员', created_at + interval '1 day' FROM past`,
    [tenantId],
  );
}

// ---- the server ----
const server: ChildProcess = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--role', 'server', '--url', benchUrl.toString()], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise<number>((resolve, reject) => {
  let text = '';
  server.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const match = /listening (\d+)/.exec(text);
    if (match) resolve(Number(match[1]));
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(process.env.BENCH_SOCKETS ?? 256) });

function send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, headers: response.headers }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * The measured phases' client: HTTP/1.1 over kept-alive loopback sockets, one request at a time on each (at
 * most `sockets`; more wait for a free one), the request written as one buffer and the answer read by its
 * Content-Length. It does what node:http's client does for these requests at about a third of its CPU, which
 * on two cores the server and PostgreSQL would otherwise lose to the load generator.
 */
class LoadClient {
  private readonly idle: net.Socket[] = [];
  private readonly waiting: (() => void)[] = [];
  private open = 0;
  constructor(
    private readonly port: number,
    private readonly sockets: number,
  ) {}

  async request(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
    const socket = await this.take();
    const payload = body === undefined ? '' : body;
    const head = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    if (body !== undefined) head.push('content-type: application/json', `content-length: ${Buffer.byteLength(payload)}`);
    return new Promise((resolve, reject) => {
      let received: Buffer = Buffer.alloc(0);
      let bodyStart = -1;
      let length = 0;
      let status = 0;
      const done = (error?: Error) => {
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        if (error) {
          socket.destroy();
          reject(error);
          return;
        }
        this.give(socket);
        resolve({ status, text: received.subarray(bodyStart, bodyStart + length).toString('utf8') });
      };
      const onData = (chunk: Buffer) => {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        if (bodyStart < 0) {
          const end = received.indexOf('\r\n\r\n');
          if (end < 0) return;
          const headText = received.subarray(0, end).toString('latin1');
          status = Number(headText.slice(9, 12));
          const match = /\r\ncontent-length: *(\d+)/i.exec(headText);
          if (!match) return done(new Error(`answer without Content-Length: ${headText.slice(0, 200)}`));
          length = Number(match[1]);
          bodyStart = end + 4;
        }
        if (received.length >= bodyStart + length) done();
      };
      const onError = (error: Error) => done(error);
      const onClose = () => done(new Error('connection closed before the answer'));
      socket.on('data', onData);
      socket.on('error', onError);
      socket.once('close', onClose);
      socket.write(`${head.join('\r\n')}\r\n\r\n${payload}`);
    });
  }

  private take(): Promise<net.Socket> {
    const socket = this.idle.pop();
    if (socket) return Promise.resolve(socket);
    if (this.open < this.sockets) {
      this.open += 1;
      return new Promise((resolve, reject) => {
        const fresh = net.connect({ host: '127.0.0.1', port: this.port, noDelay: true }, () => {
          fresh.off('error', reject);
          resolve(fresh);
        });
        fresh.once('error', reject);
        // Errors are answered by the request using the socket; one closed while idle is forgotten.
        fresh.on('error', () => undefined);
        fresh.once('close', () => {
          this.open -= 1;
          const at = this.idle.indexOf(fresh);
          if (at >= 0) this.idle.splice(at, 1);
          this.next();
        });
      });
    }
    return new Promise((resolve) => this.waiting.push(() => void this.take().then(resolve)));
  }

  private give(socket: net.Socket): void {
    this.idle.push(socket);
    this.next();
  }

  private next(): void {
    this.waiting.shift()?.();
  }

  close(): void {
    for (const socket of this.idle) socket.destroy();
  }
}
const load = new LoadClient(port, Number(process.env.BENCH_SOCKETS ?? 256));

const login = await send('POST', '/api/staff/login', {}, JSON.stringify({ tenant: 'bench', username: 'agent', password: PASSWORD }));
if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
const cookie = (login.headers['set-cookie'] ?? []).map((entry) => entry.split(';')[0]).join('; ');
const session = { cookie, 'x-csrf-token': (JSON.parse(login.text) as { csrfToken: string }).csrfToken };
const { categories } = JSON.parse((await send('GET', '/api/service-categories', session)).text) as { categories: { id: string; code: string; kind: string }[] };
const desk = categories.filter((category) => category.kind !== 'repair');
const repairs = categories.filter((category) => category.kind === 'repair');
if (desk.length === 0 || repairs.length === 0) throw new Error('the utility has no request categories');

let sequence = 0;
/** A request as an agent takes it: every tenth a repair, each at the next account's premise. */
function nextRequest(): string {
  sequence += 1;
  const at = premises[sequence % premises.length] as { account_id: string; premise_id: string };
  const category = sequence % 10 === 0 ? (repairs[sequence % repairs.length] as { id: string }) : (desk[sequence % desk.length] as { id: string });
  return JSON.stringify({
    categoryId: category.id,
    channel: 'hotline',
    accountId: at.account_id,
    premiseId: at.premise_id,
    description: `来电反映：第 ${sequence} 号基准请求，用户询问水费及用水情况。`,
    contactName: '张先生',
    contactPhone: `139${String(sequence % 100_000_000).padStart(8, '0')}`,
    confirmNotDuplicate: true,
  });
}

interface Phase {
  latencies: number[];
  /** The slowest answer to a request due in each second of the phase, ms (where the tail falls in time). */
  slowestBySecond: number[];
  errors: Map<string, number>;
  sent: number;
  seconds: number;
}

/** Open loop: request i is due at start + i / rate; each latency counts from its due time (from its sending, where it went early). */
async function openLoop(label: string, seconds: number, request: () => Promise<{ status: number; text: string }>, expected: number): Promise<Phase> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  const slowestBySecond = Array.from({ length: Math.ceil(seconds) }, () => 0);
  const errors = new Map<string, number>();
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    // A request less than a millisecond early is sent without waiting: it counts from when it was sent.
    const from = Math.min(due, performance.now());
    pending.push(
      request().then(
        (answer) => {
          const latency = performance.now() - from;
          latencies.push(latency);
          const second = Math.floor((index * 1000) / rate / 1000);
          slowestBySecond[second] = Math.max(slowestBySecond[second] ?? 0, latency);
          if (answer.status !== expected) {
            const key = `${answer.status} ${answer.text.slice(0, 120)}`;
            errors.set(key, (errors.get(key) ?? 0) + 1);
          }
        },
        (error: unknown) => {
          const key = String(error).slice(0, 120);
          errors.set(key, (errors.get(key) ?? 0) + 1);
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  log(`${label}: ${total.toLocaleString('en')} requests in ${elapsed.toFixed(1)} s`);
  return { latencies, slowestBySecond, errors, sent: total, seconds: elapsed };
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
function summary(phase: Phase) {
  const sorted = [...phase.latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0, errors: [...phase.errors.values()].reduce((a, b) => a + b, 0), throughput: phase.sent / phase.seconds };
}

/**
 * CPU seconds used so far by the server process and by the PostgreSQL backends serving the bench database
 * (from /proc: Linux only, same machine), so a phase's CPU per request can be told apart from the time it
 * waited for a CPU on a machine shared with others. A backend that ended meanwhile is not counted.
 */
// The bench's own connections (this one and the wait sampler's) are named, and not counted as serving.
const PROBE_NAME = 'shuiwu-bench-probe';
const monitor = new pg.Client({ connectionString: benchUrl.toString(), application_name: PROBE_NAME });
await monitor.connect();
const TICKS_PER_SECOND = 100;
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
interface CpuSample {
  server: number;
  generator: number;
  backends: Map<number, number>;
}
async function cpuSample(): Promise<CpuSample> {
  const rows = (await monitor.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> $1 AND backend_type = 'client backend'", [PROBE_NAME])).rows;
  const own = process.cpuUsage();
  return { server: server.pid ? cpuSecondsOf(server.pid) : 0, generator: (own.user + own.system) / 1e6, backends: new Map(rows.map((row) => [row.pid, cpuSecondsOf(row.pid)])) };
}
function cpuSpent(before: CpuSample, after: CpuSample) {
  let database = 0;
  for (const [pid, seconds] of after.backends) database += seconds - (before.backends.get(pid) ?? 0);
  return { server: after.server - before.server, generator: after.generator - before.generator, database };
}

/** The server's event-loop delay since the last reset (asked over the IPC channel). */
function serverLoopDelay(): Promise<LoopDelay> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'delay' in message) {
        server.off('message', onMessage);
        resolve((message as { delay: LoopDelay }).delay);
      }
    };
    server.on('message', onMessage);
    server.send('delay-report');
  });
}

/**
 * What the bench database's backends are doing, sampled every 100 ms on a connection of its own: per wait
 * event (or "CPU" when running), how many backends were seen in it, summed over the samples; a lock wait
 * with the last statement of the backend it waits behind. Backends idle inside a transaction are waiting
 * for the server process.
 */
const sampler = new pg.Client({ connectionString: benchUrl.toString(), application_name: PROBE_NAME });
await sampler.connect();
function sampleWaits(): { stop: () => Promise<Map<string, number>> } {
  const seen = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = (
        await sampler.query<{ what: string; n: number }>(
          `SELECT CASE WHEN a.state = 'idle in transaction' THEN 'idle in transaction'
                   WHEN a.wait_event_type = 'Lock' THEN 'Lock:' || a.wait_event || ' behind «' || coalesce((SELECT left(regexp_replace(b.query, '\\s+', ' ', 'g'), 60)
                     FROM pg_stat_activity b WHERE b.pid = (pg_blocking_pids(a.pid))[1]), '?') || '»'
                   ELSE coalesce(a.wait_event_type || ':' || a.wait_event, 'CPU') END AS what, count(*)::int AS n
           FROM pg_stat_activity a WHERE a.datname = current_database() AND a.application_name <> '${PROBE_NAME}' AND a.backend_type = 'client backend'
             AND a.state IN ('active', 'idle in transaction') GROUP BY 1`,
        )
      ).rows;
      for (const row of rows) seen.set(row.what, (seen.get(row.what) ?? 0) + row.n);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return seen;
    },
  };
}

const create = () => load.request('POST', '/api/service-requests', session, nextRequest());
const health = () => load.request('GET', '/api/health', {});
try {
  const referenceBefore = referenceMilliseconds();
  const loadBefore = os.loadavg()[0] ?? 0;
  await openLoop('warm-up (creation)', warmupSeconds, create, 201);
  const cpuBefore = await cpuSample();
  const baseline = summary(await openLoop('baseline GET /api/health', durationSeconds, health, 200));
  const cpuBetween = await cpuSample();
  const generatorDelay = monitorEventLoopDelay({ resolution: 10 });
  generatorDelay.enable();
  server.send('delay-reset');
  const waits = sampleWaits();
  const creationPhase = await openLoop('POST /api/service-requests', durationSeconds, create, 201);
  const waitsSeen = await waits.stop();
  generatorDelay.disable();
  const serverDelay = await serverLoopDelay();
  const cpuAfter = await cpuSample();
  const cpuMs = (spent: { server: number; generator: number; database: number }, requests: number) => ({ server: (spent.server * 1000) / requests, generator: (spent.generator * 1000) / requests, database: (spent.database * 1000) / requests });
  const baselineCpu = cpuMs(cpuSpent(cpuBefore, cpuBetween), Math.round(rate * durationSeconds));
  const creationCpu = cpuMs(cpuSpent(cpuBetween, cpuAfter), creationPhase.sent);
  const creation = summary(creationPhase);
  const loadAfter = os.loadavg()[0] ?? 0;
  const referenceAfter = referenceMilliseconds();
  for (const [key, count] of creationPhase.errors) log(`error ×${count}: ${key}`);
  const cpu = os.cpus();
  const ms = (value: number) => value.toFixed(1);
  console.log(`\n### Service-request creation, ${rate.toLocaleString('en')} requests/s for ${durationSeconds} s, loopback HTTP`);
  console.log(`${new Date().toISOString().slice(0, 10)} · ${cpu.length} × ${cpu[0]?.model.trim()} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} · reference work ${referenceBefore} / ${referenceAfter} ms (bench/machine.ts)\n`);
  console.log('| what | sent/s | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU ms/request | PostgreSQL CPU ms/request | load generator CPU ms/request |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| POST /api/service-requests (hotline agent) | ${creation.throughput.toFixed(0)} | ${ms(creation.p50)} | ${ms(creation.p95)} | ${ms(creation.p99)} | ${ms(creation.max)} | ${creation.errors} | ${creationCpu.server.toFixed(2)} | ${creationCpu.database.toFixed(2)} | ${creationCpu.generator.toFixed(2)} |`);
  console.log(`| baseline: GET /api/health | ${baseline.throughput.toFixed(0)} | ${ms(baseline.p50)} | ${ms(baseline.p95)} | ${ms(baseline.p99)} | ${ms(baseline.max)} | ${baseline.errors} | ${baselineCpu.server.toFixed(2)} | ${baselineCpu.database.toFixed(2)} | ${baselineCpu.generator.toFixed(2)} |`);
  const samples = [...waitsSeen].sort((a, b) => b[1] - a[1]);
  const ownDelay = loopDelayOf(generatorDelay);
  console.log(`\nDuring creation: event-loop delay of the server p99 ${ms(serverDelay.p99)} ms, max ${ms(serverDelay.max)} ms; of the load generator p99 ${ms(ownDelay.p99)} ms, max ${ms(ownDelay.max)} ms.`);
  console.log(`Slowest creation due in each second (ms): ${creationPhase.slowestBySecond.map((latency) => latency.toFixed(0)).join(' ')}.`);
  console.log(`PostgreSQL backends seen, every 100 ms: ${samples.map(([what, count]) => `${what} ${count}`).join(', ') || 'none'}.\n`);
  console.log(JSON.stringify({ bench: 'service', rate, seconds: durationSeconds, p50_ms: Number(ms(creation.p50)), p99_ms: Number(ms(creation.p99)), errors: creation.errors, baseline_p99_ms: Number(ms(baseline.p99)), p99_ratio: Number((creation.p99 / Math.max(baseline.p99, 0.1)).toFixed(2)), served_per_s: Number(creation.throughput.toFixed(0)), server_cpu_ms: Number(creationCpu.server.toFixed(2)), database_cpu_ms: Number(creationCpu.database.toFixed(2)) }));
} finally {
  await monitor.end();
  await sampler.end();
  agent.destroy();
  load.close();
  server.kill('SIGTERM');
}
process.exit(0);
