import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp, type AppOptions } from '../src/app';
import { ManualClock } from '../src/platform/clock';
import { loadConfig, type Config } from '../src/platform/config';
import type { PlatformContext } from '../src/platform/context';
import { openServerDatabase, type Database } from '../src/platform/db/database';
import type { App } from '../src/platform/http/server';
import { ROLES, type Role } from '../src/platform/permissions';
import { LocalOutboxSmsGateway } from '../src/modules/notifications';
import { createSandboxCredentials, simulatorGateways, type PaymentSimulator, type SandboxCredentials } from '../src/modules/payments';
import { createTenant, hashPassword, type Tenant } from '../src/modules/tenancy';
import { ADMIN_URL, databaseUrl, templateDatabase } from './database-urls';

export const TEST_SECRET_KEY = '0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0';
export const TEST_PASSWORD = 'Test-password-2026';

export interface Utility {
  tenant: Tenant;
  staff: Record<Role, { id: string; username: string }>;
}

export interface Response<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  rawBody?: Buffer;
}

/** A logged-in browser: keeps the session cookie and sends the CSRF token, like the web apps do. */
/** The origin the test app pretends to be served at (payment notification and return URLs). */
export const TEST_ORIGIN = 'http://shuiwu.test';
let sandboxCredentials: SandboxCredentials | undefined;

/** A fetch that answers requests to TEST_ORIGIN from the app in this process. */
function inProcessFetch(app: () => App | null): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const target = app();
    if (!target) throw new Error('the test app is not built yet');
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const response = await target.inject({ method: (init?.method ?? 'GET') as 'GET', url: url.pathname + url.search, headers, ...(init?.body !== undefined && init.body !== null ? { payload: String(init.body) } : {}) });
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(response.headers)) {
      if (value !== undefined) responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : String(value));
    }
    const bodyless = response.statusCode === 204 || response.statusCode === 304;
    return new Response(bodyless ? null : response.rawPayload, { status: response.statusCode, headers: responseHeaders });
  }) as typeof fetch;
}

export class Client {
  constructor(
    private readonly app: App,
    private readonly cookie: string | null,
    readonly csrfToken: string | null,
  ) {}

  async request<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, options: { omitCsrf?: boolean; headers?: Record<string, string> } = {}): Promise<Response<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET' && !options.omitCsrf) headers['x-csrf-token'] = this.csrfToken;
    const response = await this.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    // JSON answers are parsed; documents (PDF, CSV) come back as the raw text, their bytes in rawBody.
    const isJson = String(response.headers['content-type'] ?? 'application/json').includes('json');
    const parsed = response.body ? (isJson ? response.json() : response.body) : undefined;
    return { status: response.statusCode, body: parsed as T, headers: response.headers, rawBody: response.rawPayload };
  }

  get<T = unknown>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = unknown>(url: string, body: unknown = {}) {
    return this.request<T>('POST', url, body);
  }
  patch<T = unknown>(url: string, body: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  delete<T = unknown>(url: string) {
    return this.request<T>('DELETE', url);
  }
}

function sessionCookie(setCookie: string | string[] | number | undefined): string | null {
  const first = Array.isArray(setCookie) ? setCookie[0] : typeof setCookie === 'string' ? setCookie : undefined;
  return first ? (first.split(';')[0] ?? null) : null;
}

let passwordHash: Promise<string> | undefined;

export interface TestEnvironment {
  app: App;
  context: PlatformContext;
  db: Database;
  clock: ManualClock;
  config: Config;
  /** The payment simulator mounted in the app (WeChat Pay and Alipay). */
  simulator: PaymentSimulator;
  /** An anonymous browser. */
  anonymous: Client;
  /** Creates a utility with one staff member for every role. */
  givenUtility(code: string): Promise<Utility>;
  /** Logs a staff member in through the API. */
  loginStaff(utility: Utility, role: Role): Promise<Client>;
  /** Logs a portal user in through the API, reading the SMS code from the outbox like the demo does. */
  loginPortal(utility: Utility, phone: string): Promise<Client>;
  /** The newest login code sent to a phone. */
  latestCode(utility: Utility, phone: string): Promise<string>;
  /** Runs SQL as the database owner: in tests a superuser, which bypasses RLS. For catalog checks and tampering. */
  ownerQuery<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/** A fresh database copied from the migrated template, the real app on it, and helpers to act as people. */
export async function createTestEnvironment(options: Partial<Pick<AppOptions, 'rateLimitPerMinute' | 'loginRateLimitPerMinute' | 'sms'>> & { databaseQueueLimit?: number } = {}): Promise<TestEnvironment> {
  const name = `shuiwu_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabase()}`);
  await admin.end();
  const url = databaseUrl(name);
  const config = loadConfig({ DATABASE_URL: url, SHUIWU_SECRET_KEY: TEST_SECRET_KEY, SHUIWU_LOG_LEVEL: 'silent', SHUIWU_DB_QUEUE_LIMIT: options.databaseQueueLimit?.toString() });
  const db = await openServerDatabase(url, 4);
  const clock = new ManualClock('2026-03-02T02:00:00Z');
  // The payment simulator is mounted in the app; the clients and the simulator's notifications reach it
  // through app.inject, so no port is opened.
  const credentials = (sandboxCredentials ??= createSandboxCredentials({ merchantName: '测试水务' }));
  let injected: App | null = null;
  const injectFetch = inProcessFetch(() => injected);
  const { app, context, simulator } = await buildApp({
    config,
    db,
    clock,
    payments: simulatorGateways(credentials, { publicBaseUrl: TEST_ORIGIN, fetch: injectFetch, now: () => clock.now() }),
    paymentSimulator: { credentials, publicBaseUrl: TEST_ORIGIN, fetch: injectFetch, timeScale: 1e-6, now: () => clock.now() },
    sms: options.sms ?? new LocalOutboxSmsGateway(),
    logLevel: 'silent',
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
    loginRateLimitPerMinute: options.loginRateLimitPerMinute ?? 100_000,
    serveWeb: false,
  });
  injected = app;
  if (!simulator) throw new Error('the payment simulator was not mounted');
  const mounted: PaymentSimulator = simulator;
  await app.ready();
  const anonymous = new Client(app, null, null);

  const environment: TestEnvironment = {
    app,
    context,
    db,
    clock,
    config,
    simulator: mounted,
    anonymous,
    async givenUtility(code) {
      const tenant = await createTenant(context, { code, name: `${code} 水务`, nameEn: `${code} Water`, hotline: '96655' });
      passwordHash ??= hashPassword(TEST_PASSWORD);
      const hash = await passwordHash;
      const staff = {} as Utility['staff'];
      await db.withTenant(tenant.id, async (sql) => {
        for (const role of ROLES) {
          const username = role.replaceAll('_', '-');
          const rows = await sql.query<{ id: string }>(
            'INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, $2, $3, $4) RETURNING id',
            [tenant.id, username, `${role} of ${code}`, hash],
          );
          const id = (rows[0] as { id: string }).id;
          await sql.query('INSERT INTO staff_roles (tenant_id, staff_id, role) VALUES ($1, $2, $3)', [tenant.id, id, role]);
          staff[role] = { id, username };
        }
      });
      return { tenant, staff };
    },
    async loginStaff(utility, role) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/staff/login',
        payload: { tenant: utility.tenant.code, username: utility.staff[role].username, password: TEST_PASSWORD },
      });
      if (response.statusCode !== 200) throw new Error(`login as ${role} failed: ${response.statusCode} ${response.body}`);
      return new Client(app, sessionCookie(response.headers['set-cookie']), (response.json() as { csrfToken: string }).csrfToken);
    },
    async latestCode(utility, phone) {
      const rows = await db.withTenant(utility.tenant.id, (sql) =>
        sql.query<{ body: string }>("SELECT body FROM message_outbox WHERE recipient = $1 AND template = 'login_code' ORDER BY created_at DESC LIMIT 1", [phone]),
      );
      const code = /(\d{6})/.exec(rows[0]?.body ?? '')?.[1];
      if (!code) throw new Error(`no login code was sent to ${phone}`);
      return code;
    },
    async loginPortal(utility, phone) {
      const sent = await anonymous.post('/api/portal/otp', { tenant: utility.tenant.code, phone });
      if (sent.status !== 202) throw new Error(`OTP request failed: ${sent.status} ${JSON.stringify(sent.body)}`);
      const code = await environment.latestCode(utility, phone);
      const response = await app.inject({ method: 'POST', url: '/api/portal/login', payload: { tenant: utility.tenant.code, phone, code } });
      if (response.statusCode !== 200) throw new Error(`portal login failed: ${response.statusCode} ${response.body}`);
      // Later logins of the same phone must not be refused for resending within a minute.
      clock.advanceMinutes(1);
      return new Client(app, sessionCookie(response.headers['set-cookie']), (response.json() as { csrfToken: string }).csrfToken);
    },
    async ownerQuery(text, params) {
      return db.asOwner((sql) => sql.query(text, params));
    },
    async close() {
      await app.close();
      await db.close();
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
  return environment;
}
