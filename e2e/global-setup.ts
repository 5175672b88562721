// Playwright global setup: a fresh `shuiwu_e2e` database on TEST_DATABASE_URL and the Shuiwu server
// (`node server/bin/shuiwu.mjs serve --seed-demo`) on a free port. The returned function is the
// global teardown: it stops the server.
//
// If SHUIWU_E2E_URL is already set, that server is used as it is and nothing is started.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// SHUIWU_E2E_DB lets two runs on one machine keep apart (letters, digits and _ only).
const DB_NAME = /^[a-z0-9_]{1,40}$/.test(process.env.SHUIWU_E2E_DB ?? '') ? (process.env.SHUIWU_E2E_DB as string) : 'shuiwu_e2e';
// Fixed, test-only key (64 hex digits = 32 bytes). Never used outside tests.
const TEST_SECRET_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const HEALTH_TIMEOUT_MS = 120_000;
const SERVER_LOG = path.join(ROOT_DIR, '.tmp', 'e2e-server.log');

function redact(url: string): string {
  return url.replace(/(:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

function recreateDatabase(adminUrl: string): string {
  const sql = [`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`, `CREATE DATABASE ${DB_NAME}`];
  const result = spawnSync(
    'psql',
    [adminUrl, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...sql.flatMap((s) => ['-c', s])],
    { encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '10' } },
  );
  if (result.error) {
    throw new Error(`e2e setup: could not run psql (PostgreSQL client) to create ${DB_NAME}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(
      `e2e setup: creating database ${DB_NAME} on ${redact(adminUrl)} failed:\n${result.stderr}${result.stdout}`,
    );
  }
  const url = new URL(adminUrl);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('e2e setup: could not get a free port'));
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Keeps the tail of the child's output in memory and all of it in .tmp/e2e-server.log. */
class OutputTail {
  private chunks: string[] = [];
  private size = 0;
  private readonly file;

  constructor(private readonly limit = 256 * 1024) {
    mkdirSync(path.dirname(SERVER_LOG), { recursive: true });
    this.file = createWriteStream(SERVER_LOG);
  }

  add(chunk: Buffer): void {
    this.file.write(chunk);
    const text = chunk.toString('utf8');
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    return this.chunks.join('');
  }

  close(): void {
    this.file.end();
  }
}

function printOutput(title: string, tail: OutputTail): void {
  const text = tail.text().trimEnd();
  console.error(`\n----- ${title} (full log: ${path.relative(ROOT_DIR, SERVER_LOG)}) -----`);
  console.error(text === '' ? '(no output)' : text);
  console.error('----- end of server output -----\n');
}

async function waitForHealth(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited before it was healthy (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      lastProblem = `GET /api/health answered ${res.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(500);
  }
  throw new Error(`server not healthy after ${HEALTH_TIMEOUT_MS / 1000} s (last: ${lastProblem})`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (timedOut) {
    console.error('e2e teardown: server ignored SIGTERM for 10 s, sending SIGKILL');
    child.kill('SIGKILL');
    await exited;
  }
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.SHUIWU_E2E_URL) {
    console.log(`e2e setup: using the running server at ${process.env.SHUIWU_E2E_URL}`);
    return async () => {};
  }

  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    throw new Error(
      'e2e setup: TEST_DATABASE_URL is not set (an admin PostgreSQL URL). Run the suite with `npm test` ' +
        '(scripts/test.sh sets it), or `bash scripts/test.sh e2e`, or set SHUIWU_E2E_URL to a running server.',
    );
  }

  const databaseUrl = recreateDatabase(adminUrl);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tail = new OutputTail();
  const started = Date.now();

  const child = spawn(process.execPath, ['server/bin/shuiwu.mjs', 'serve', '--seed-demo'], {
    cwd: ROOT_DIR,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      SHUIWU_SECRET_KEY: TEST_SECRET_KEY,
      // Every journey signs in from 127.0.0.1; a full run signs in more than 20 times a minute.
      SHUIWU_LOGIN_RATE_LIMIT: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => tail.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => tail.add(chunk));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));

  try {
    await Promise.race([waitForHealth(baseUrl, child), spawnError]);
  } catch (error) {
    await stopChild(child);
    printOutput('server output', tail);
    tail.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`e2e setup: \`node server/bin/shuiwu.mjs serve --seed-demo\` failed: ${reason}`, { cause: error });
  }

  console.log(
    `e2e setup: server healthy at ${baseUrl} after ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(database ${DB_NAME}, log ${path.relative(ROOT_DIR, SERVER_LOG)})`,
  );
  process.env.SHUIWU_E2E_URL = baseUrl;

  return async () => {
    const crashed = child.exitCode !== null || child.signalCode !== null;
    if (crashed) {
      console.error(`e2e teardown: the server had already exited (code ${child.exitCode}, signal ${child.signalCode})`);
      printOutput('server output', tail);
    }
    await stopChild(child);
    tail.close();
  };
}
