import { parseArgs } from 'node:util';
import { buildApp, createContext, WEB_DIST } from '../app';
import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_STAFF, DEMO_TENANT, seedDemo } from '../demo/seed';
import { DEMO_APPLICATION_STAFF } from '../demo/applications';
import { verifyAuditChain, systemActor } from '../platform/audit/audit';
import { systemClock } from '../platform/clock';
import { ConfigError, loadConfig, type Config } from '../platform/config';
import type { Database } from '../platform/db/database';
import { migrate } from '../platform/db/migrate';
import { openDatabase } from '../platform/db/open';
import { isRole, ROLES } from '../platform/permissions';
import { billRunCommand, startBillingWorker, workPendingBillingRuns } from '../modules/billing';
import { LocalOutboxSmsGateway } from '../modules/notifications';
import { configuredGateways, createSandboxCredentials, demoSandboxIdentifiers, playDemoChannelDay, simulatorGateways, sweepOpenOrders, sweepProcessingRefunds, type PaymentGateways, type SandboxCredentials } from '../modules/payments';
import { importReadingsCommand, startReadingServices } from '../modules/reading';
import { escalateOverdue } from '../modules/service';
import { processOpen311Queue } from '../modules/open311';
import { deliverCity12345Replies } from '../modules/city12345';
import { createStaff, createTenant, listTenants, requireTenantByCode } from '../modules/tenancy';
import { newStaffSchema } from '../modules/tenancy/schemas';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { collectAll, deliverAll, officialAccountsOf, workerOfficialAccounts } from './background';

const HELP = `shuiwu — 水务 Shuiwu platform command line

Usage: npx shuiwu <command> [options]

Commands:
  serve [--seed-demo]      Migrate, optionally seed the demo utility, and serve the API, console and portal
  worker                   Deliver queued messages (SMS, WeChat messages), run the daily collection and
                           appointment reminders, and work billing runs until stopped
  bill-run --tenant C --period YYYY-MM [--routes R1,R2] [--workers N]
                           Bill a month (all active routes, or the named ones) here, with a progress bar;
                           resumes the month's unfinished run of the same routes
  import-readings --tenant C --file F
                           Import a CSV or XLSX of meter readings (account_no, meter_serial, read_on,
                           register_m3): all rows or none, with a per-row error report
  migrate                  Apply database migrations
  seed                     Seed the demo utility (江城水务集团) if it is not there yet
  create-tenant --code C --name N --name-en E [--hotline H]
                           Add a utility (tenant)
  create-staff --tenant C --username U --name N --roles r1,r2 [--password P]
                           Add a staff member (password from --password, SHUIWU_NEW_PASSWORD, or generated)
  list-tenants             List the utilities
  verify-audit [--tenant C]
                           Recompute every audit log hash chain; exit 1 if any is broken
  help                     This text

Environment:
  PORT, HOST               Where to listen (default 127.0.0.1:3000)
  SHUIWU_DATA_DIR          Folder of the embedded database (default .data)
  DATABASE_URL             PostgreSQL server to use instead of the embedded database
  SHUIWU_SECRET_KEY        64 hex characters: key for personal-data encryption (embedded: generated)
  SHUIWU_SECURE_COOKIES    true behind HTTPS
  SHUIWU_MQTT_URL          MQTT broker of remote meters (serve and worker subscribe to readings)
  SHUIWU_PUBLIC_URL        Origin the channels reach this server at; a demo worker sends WeChat messages to
                           the simulator of the serve there (default http://HOST:PORT)
Roles: ${ROLES.join(', ')}
`;

type Command = (args: string[], config: Config) => Promise<number>;

async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

function printDemoLogins(baseUrl: string): void {
  console.log(`
  水务 Shuiwu is running / 已启动
    Staff console  员工控制台   ${baseUrl}/console/
    Customer portal 网上营业厅  ${baseUrl}/portal/
    API docs       接口文档     ${baseUrl}/api/docs

  Demo utility 演示单位: ${DEMO_TENANT.name} (code ${DEMO_TENANT.code})
  Staff logins 员工账号 (password 密码 ${DEMO_PASSWORD}):
${DEMO_STAFF.map((member) => `    ${member.username.padEnd(11)} ${member.displayName}`).join('\n')}
  Application stages 报装各环节 (same password): ${DEMO_APPLICATION_STAFF.map((member) => `${member.username} ${member.displayName}`).join('，')}
  Portal 网上营业厅: log in with any mobile number (e.g. ${DEMO_CUSTOMER.phone}); the SMS code is in the
    console's message outbox (log in as admin or auditor). Bind account ${DEMO_CUSTOMER.accountNo}, holder ${DEMO_CUSTOMER.name}.
`);
}

const serve: Command = async (args, config) => {
  const { values } = parseArgs({ args, options: { 'seed-demo': { type: 'boolean', default: false } } });
  const db = await openDatabase(config);
  const migration = await migrate(db);
  if (migration.applied.length > 0) console.log(`Applied migrations: ${migration.applied.join(', ')}`);
  const context = createContext({ config, db, clock: systemClock });
  if (values['seed-demo']) {
    const started = Date.now();
    const demo = await seedDemo(context);
    // Statistics for the freshly seeded tables: without them (PGlite, or a server with autovacuum off) the
    // first arrears list plans nested loops over every bill and runs for minutes.
    if (demo.isNew) await db.analyzeStale({ all: true });
    if (demo.isNew) console.log(`Seeded demo utility ${demo.tenant.name}: ${demo.customers} customers, ${demo.accounts} accounts, ${demo.meters} meters, ${demo.readings} readings, ${demo.bills} bills in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const sms = new LocalOutboxSmsGateway();
  const origin = { url: config.publicUrl ?? '' };
  const payments = paymentGatewaysOf(config, () => origin.url);
  const { app, simulator } = await buildApp({
    config,
    db,
    clock: systemClock,
    sms,
    payments: payments.gateways,
    ...(payments.credentials ? { paymentSimulator: { credentials: payments.credentials } } : {}),
  });
  if (!existsSync(`${WEB_DIST}/console/index.html`)) {
    console.warn('web/dist is missing: the API runs, but /console and /portal need `npm run build:web` (npm start does it).');
  }
  // Messages queued by any process are delivered here too, so a single process is a whole installation.
  const dispatcher = setInterval(() => {
    void deliverAll(context, sms, officialAccountsOf(payments.gateways)).catch((error: unknown) => app.log.error({ err: error }, 'outbox delivery failed'));
  }, 3000);
  // Open311 batch submissions are made into requests, and replies are pushed to the city's 12345 platform.
  const integrations = setInterval(() => {
    void integrateAll(context).catch((error: unknown) => app.log.error({ err: error }, 'Open311 queue or 12345 replies failed'));
  }, 5000);
  // Billing runs started from the console are billed here too (one chunk at a time), as by `shuiwu worker`.
  const billing = startBillingWorker(context, { workerId: 'serve', concurrency: 1, log: (message) => app.log.error(message) });
  const mqtt = await startReadingServices(context, (message) => app.log.error(message));
  // Orders whose notification never came are asked about at the channel.
  const sweeper = setInterval(() => {
    void sweepAllOrders(context, payments.gateways).catch((error: unknown) => app.log.error({ err: error }, 'payment order sweep failed'));
    void escalateAll(context).catch((error: unknown) => app.log.error({ err: error }, 'service request escalation failed'));
    void collectAll(context).catch((error: unknown) => app.log.error({ err: error }, 'daily collection run failed'));
    // PGlite (or a server with autovacuum off) has no autovacuum: keep the statistics current as tables grow.
    void db.analyzeStale().catch((error: unknown) => app.log.error({ err: error }, 'statistics refresh failed'));
  }, 60_000);
  const stop = async () => {
    clearInterval(dispatcher);
    clearInterval(sweeper);
    clearInterval(integrations);
    await mqtt?.stop();
    await billing.stop();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const listening = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  if (!config.publicUrl) origin.url = listening;
  if (payments.credentials) console.log(`Payments: WeChat Pay and Alipay are played by the built-in simulator at ${origin.url}/sim (set SHUIWU_PAYMENT_CONFIG for real merchants).`);
  // The demo's WeChat Pay day: payments the simulator's notifications credit, one whose notification is lost and
  // a trade of another system, so reconciling today finds a real statement with differences to resolve.
  if (values['seed-demo'] && simulator) {
    void playDemoChannelDay(context, payments.gateways, simulator, DEMO_TENANT.code, { exclude: [DEMO_CUSTOMER.accountNo] }).catch((error: unknown) => app.log.error({ err: error }, 'demo payments of today failed'));
  }
  printDemoLogins(`http://${config.host}:${port}`);
  return new Promise<number>(() => undefined);
};

/** Real merchants from SHUIWU_PAYMENT_CONFIG, else the simulator with keys made at start (the demo). */
function paymentGatewaysOf(config: Config, origin: () => string): { gateways: PaymentGateways; credentials: SandboxCredentials | null } {
  if (config.paymentConfigFile) return { gateways: configuredGateways(config.paymentConfigFile, { publicBaseUrl: origin }), credentials: null };
  // appid and APIv3 key from the secret key: `shuiwu worker` reaches the same simulated official account (background.ts).
  const credentials = createSandboxCredentials({ merchantName: '供水单位（演示）', ...demoSandboxIdentifiers(config.secretKey) });
  return { gateways: simulatorGateways(credentials, { publicBaseUrl: origin }), credentials };
}

async function sweepAllOrders(context: ReturnType<typeof createContext>, gateways: PaymentGateways): Promise<void> {
  for (const tenant of await listTenants(context)) {
    await sweepOpenOrders(context, gateways, tenant);
    // Refunds whose outcome the channel left unknown are asked about again.
    await sweepProcessingRefunds(context, gateways, tenant);
  }
}

/** Escalates every utility's overdue service requests (each level once, whichever process runs it). */
async function escalateAll(context: ReturnType<typeof createContext>): Promise<void> {
  for (const tenant of await listTenants(context)) await escalateOverdue(context, tenant.id);
}

/** Every utility's queued Open311 submissions made into requests, and its due 12345 replies delivered (with retries). */
async function integrateAll(context: ReturnType<typeof createContext>): Promise<void> {
  for (const tenant of await listTenants(context)) {
    await processOpen311Queue(context, tenant.id);
    await deliverCity12345Replies(context, tenant.id);
  }
}

const worker: Command = async (_args, config) => {
  const db = await openDatabase(config);
  await migrate(db);
  const context = createContext({ config, db, clock: systemClock });
  const sms = new LocalOutboxSmsGateway();
  let isRunning = true;
  process.once('SIGINT', () => (isRunning = false));
  process.once('SIGTERM', () => (isRunning = false));
  console.log('Worker delivering queued messages and billing runs; Ctrl+C to stop.');
  const officialAccounts = workerOfficialAccounts(config);
  const mqtt = await startReadingServices(context, console.error);
  while (isRunning) {
    await deliverAll(context, sms, officialAccounts);
    await integrateAll(context);
    await escalateAll(context);
    await collectAll(context);
    const chunks = await workPendingBillingRuns(context, { concurrency: 2, shouldStop: () => !isRunning, log: console.error });
    if (chunks > 0) console.log(`Billed ${chunks} chunks.`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  await mqtt?.stop();
  await db.close();
  return 0;
};

const migrateCommand: Command = async (_args, config) => {
  const db = await openDatabase(config);
  try {
    const result = await migrate(db);
    console.log(result.applied.length ? `Applied: ${result.applied.join(', ')}` : 'Database is up to date.');
    return 0;
  } finally {
    await db.close();
  }
};

const seed: Command = async (_args, config) =>
  withDatabase(config, async (db) => {
    const demo = await seedDemo(createContext({ config, db, clock: systemClock }));
    console.log(demo.isNew ? `Seeded ${demo.tenant.name}: ${demo.customers} customers, ${demo.accounts} accounts.` : `${demo.tenant.name} is already seeded.`);
    return 0;
  });

const createTenantCommand: Command = async (args, config) => {
  const { values } = parseArgs({ args, options: { code: { type: 'string' }, name: { type: 'string' }, 'name-en': { type: 'string' }, hotline: { type: 'string' } } });
  if (!values.code || !values.name || !values['name-en']) {
    console.error('create-tenant needs --code, --name and --name-en');
    return 2;
  }
  const code = values.code;
  const name = values.name;
  const nameEn = values['name-en'];
  return withDatabase(config, async (db) => {
    const tenant = await createTenant(createContext({ config, db, clock: systemClock }), { code, name, nameEn, hotline: values.hotline ?? null });
    console.log(`Created utility ${tenant.name} (${tenant.code}), id ${tenant.id}`);
    return 0;
  });
};

const createStaffCommand: Command = async (args, config) => {
  const { values } = parseArgs({
    args,
    options: { tenant: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' }, password: { type: 'string' } },
  });
  const password = values.password ?? process.env.SHUIWU_NEW_PASSWORD ?? randomBytes(12).toString('base64url');
  const roles = (values.roles ?? '').split(',').map((role) => role.trim()).filter(Boolean);
  const unknownRoles = roles.filter((role) => !isRole(role));
  if (!values.tenant || unknownRoles.length > 0) {
    console.error(!values.tenant ? 'create-staff needs --tenant' : `Unknown roles: ${unknownRoles.join(', ')}. Roles: ${ROLES.join(', ')}`);
    return 2;
  }
  const parsed = newStaffSchema.safeParse({ username: values.username, displayName: values.name, password, roles });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
    return 2;
  }
  const tenantCode = values.tenant;
  return withDatabase(config, async (db) => {
    const context = createContext({ config, db, clock: systemClock });
    const tenant = await requireTenantByCode(context, tenantCode);
    const member = await createStaff(context, tenant.id, parsed.data, systemActor('cli'));
    console.log(`Created ${member.username} (${member.roles.join(', ')}) in ${tenant.code}.`);
    if (!values.password && !process.env.SHUIWU_NEW_PASSWORD) console.log(`Generated password: ${password}`);
    return 0;
  });
};

const listTenantsCommand: Command = async (_args, config) =>
  withDatabase(config, async (db) => {
    for (const tenant of await listTenants(createContext({ config, db, clock: systemClock }))) {
      console.log(`${tenant.code}\t${tenant.name}\t${tenant.nameEn}\t${tenant.timeZone}`);
    }
    return 0;
  });

const verifyAudit: Command = async (args, config) => {
  const { values } = parseArgs({ args, options: { tenant: { type: 'string' } } });
  return withDatabase(config, async (db) => {
    const context = createContext({ config, db, clock: systemClock });
    const tenants = values.tenant ? [await requireTenantByCode(context, values.tenant)] : await listTenants(context);
    let isAllIntact = true;
    for (const tenant of tenants) {
      const result = await db.withTenant(tenant.id, verifyAuditChain);
      const isIntact = result.firstBrokenSeq === null;
      isAllIntact &&= isIntact;
      console.log(`${tenant.code}: ${result.entries} entries, ${isIntact ? 'chain intact / 哈希链完整' : `BROKEN at seq ${result.firstBrokenSeq} / 哈希链在第 ${result.firstBrokenSeq} 条断裂`}`);
    }
    return isAllIntact ? 0 : 1;
  });
};

const COMMANDS: Record<string, Command> = {
  serve,
  worker,
  migrate: migrateCommand,
  seed,
  'create-tenant': createTenantCommand,
  'create-staff': createStaffCommand,
  'list-tenants': listTenantsCommand,
  'verify-audit': verifyAudit,
  'import-readings': (args, config) => withDatabase(config, (db) => importReadingsCommand(createContext({ config, db, clock: systemClock }), args)),
  'bill-run': (args, config) => withDatabase(config, (db) => billRunCommand(createContext({ config, db, clock: systemClock }), args)),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h' || args.includes('--help')) {
    console.log(HELP);
    return name && name !== 'help' && name !== '--help' && name !== '-h' && !COMMANDS[name] ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(args, loadConfig());
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}
