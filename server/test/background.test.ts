import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createContext } from '../src/app';
import { collectAll, deliverAll, workerOfficialAccounts } from '../src/bin/background';
import { addDays, instantAt, localTime } from '../src/modules/appointments/hours';
import { enqueueWechatMessage, LocalOutboxSmsGateway } from '../src/modules/notifications';
import { createSandboxCredentials, demoSandboxIdentifiers, simulatorGateways, type PaymentSimulator } from '../src/modules/payments';
import { systemClock } from '../src/platform/clock';
import { loadConfig } from '../src/platform/config';
import { openServerDatabase } from '../src/platform/db/database';
import type { App } from '../src/platform/http/server';
import { ensureAppointmentTarget } from './appointments-factory';
import { createTestEnvironment, TEST_SECRET_KEY, type TestEnvironment, type Utility } from './harness';

/**
 * The passes `shuiwu worker` runs (server/src/bin/background.ts), against a `shuiwu serve` of the demo kind
 * listening on a real port: the worker is another process, so it reaches the WeChat official account that
 * serve's simulator plays over HTTP, with the identifiers both derive from the secret key.
 */
let environment: TestEnvironment;
let utility: Utility;
let serve: App;
let serveSimulator: PaymentSimulator;
let serveUrl = '';
const sms = new LocalOutboxSmsGateway();

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('worker');
  // What `shuiwu serve` builds in the demo (cli.ts paymentGatewaysOf): the simulator with derived identifiers.
  const credentials = createSandboxCredentials({ merchantName: '供水单位（演示）', ...demoSandboxIdentifiers(environment.config.secretKey) });
  const origin = { url: '' };
  const built = await buildApp({
    config: environment.config,
    db: environment.db,
    clock: systemClock,
    sms,
    payments: simulatorGateways(credentials, { publicBaseUrl: () => origin.url }),
    paymentSimulator: { credentials },
    logLevel: 'silent',
    serveWeb: false,
  });
  serve = built.app;
  if (!built.simulator) throw new Error('no simulator');
  serveSimulator = built.simulator;
  await serve.listen({ port: 0, host: '127.0.0.1' });
  const address = serve.server.address();
  serveUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  origin.url = serveUrl;
});
afterAll(async () => {
  await serve.close();
  await environment.close();
});

/** A portal user bound to WeChat at the demo account, and a WeChat message queued for them. */
async function queueWechatMessageFor(phone: string, wechatUser: string, appid: string): Promise<{ outboxId: string; openid: string }> {
  const account = serveSimulator.officialAccount;
  if (!account) throw new Error('no official account simulator');
  const openid = account.openidOf(wechatUser);
  await environment.loginPortal(utility, phone);
  const outboxId = await environment.db.withTenant(utility.tenant.id, async (sql) => {
    await sql.query(
      `INSERT INTO portal_wechat_identities (tenant_id, portal_user_id, appid, openid, bound_at) SELECT $1, id, $3, $4, now() FROM portal_users WHERE phone = $2`,
      [utility.tenant.id, phone, appid, openid],
    );
    return enqueueWechatMessage(
      sql,
      utility.tenant.id,
      { openid, template: 'dunning_reminder', body: '【worker 水务】您 2026-01 的水费 35.00 元已逾期，请及时缴纳。', data: { keyword1: { value: '10****0001' }, keyword2: { value: '2026-01' }, keyword3: { value: '35.00元' } }, fallbackPhone: phone },
      environment.clock.now(),
    );
  });
  return { outboxId, openid };
}

const outboxRow = async (id: string) =>
  (
    await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ channel: string; status: string; provider: string | null; fallback_outbox_id: string | null; attempts: number }>(
        'SELECT channel, status, provider, fallback_outbox_id, attempts FROM message_outbox WHERE id = $1',
        [id],
      ),
    )
  )[0];

describe('shuiwu worker delivers WeChat messages through the WeChat channel', () => {
  it('sends a queued WeChat message to the official account played by serve, not as an SMS; the login-code route leaves it queued', async () => {
    const { appid } = demoSandboxIdentifiers(environment.config.secretKey);
    const { outboxId, openid } = await queueWechatMessageFor('13912340001', 'worker-wechat-user', appid);
    // A login code requested meanwhile delivers SMS at once, and must not take the WeChat message with it.
    expect((await environment.anonymous.post('/api/portal/otp', { tenant: utility.tenant.code, phone: '13912340009' })).status).toBe(202);
    expect(await outboxRow(outboxId)).toMatchObject({ status: 'queued', attempts: 0 });

    // The worker's configuration: same database and secret key, serve's address.
    const workerConfig = loadConfig({ DATABASE_URL: environment.config.databaseUrl as string, SHUIWU_SECRET_KEY: TEST_SECRET_KEY, SHUIWU_PUBLIC_URL: serveUrl, SHUIWU_LOG_LEVEL: 'silent' });
    const db = await openServerDatabase(workerConfig.databaseUrl as string, 2);
    try {
      const worker = createContext({ config: workerConfig, db, clock: environment.clock });
      await deliverAll(worker, sms, workerOfficialAccounts(workerConfig));
    } finally {
      await db.close();
    }

    const sent = serveSimulator.officialAccount?.messages().filter((message) => message.touser === openid) ?? [];
    expect(sent).toHaveLength(1);
    expect(sent[0]?.templateId).toBe('SIMtplDunningReminder0000000000000000000000');
    expect(sent[0]?.data.keyword2?.value).toBe('2026-01');
    expect(await outboxRow(outboxId)).toMatchObject({ channel: 'wechat', status: 'sent', provider: `wechat-mp:${appid}`, fallback_outbox_id: null, attempts: 1 });
    const smsToHousehold = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query("SELECT id FROM message_outbox WHERE channel = 'sms' AND recipient = '13912340001' AND template = 'dunning_reminder'"));
    expect(smsToHousehold).toHaveLength(0);
  });

  it('falls back to SMS at once for a utility that has no official account in the payment configuration', async () => {
    const { appid } = demoSandboxIdentifiers(environment.config.secretKey);
    const { outboxId } = await queueWechatMessageFor('13912340002', 'worker-no-account', appid);
    const file = path.join(tmpdir(), `shuiwu-payments-${process.pid}.json`);
    // Real merchants for another utility only: this one has no 公众号.
    writeFileSync(file, JSON.stringify({ elsewhere: {} }));
    const workerConfig = loadConfig({ DATABASE_URL: environment.config.databaseUrl as string, SHUIWU_SECRET_KEY: TEST_SECRET_KEY, SHUIWU_PAYMENT_CONFIG: file, SHUIWU_LOG_LEVEL: 'silent' });
    await deliverAll(environment.context, sms, workerOfficialAccounts(workerConfig));
    const row = await outboxRow(outboxId);
    expect(row).toMatchObject({ status: 'failed' });
    expect(row?.fallback_outbox_id).toBeTruthy();
    await deliverAll(environment.context, sms, workerOfficialAccounts(workerConfig));
    expect(await outboxRow(row?.fallback_outbox_id as string)).toMatchObject({ channel: 'sms', status: 'delivered' });
  });
});

describe('the daily loop (collectAll) sends appointment reminders', () => {
  it('reminds each booking of tomorrow once, across a restart and with two workers at the same moment', async () => {
    const tenantId = utility.tenant.id;
    environment.clock.set('2026-03-10T00:30:00Z'); // 08:30 in Shanghai: before the reminder window
    const target = await environment.db.withTenant(tenantId, (sql) => ensureAppointmentTarget(sql, tenantId, environment.clock.now()));
    const counter = await environment.loginStaff(utility, 'counter_clerk');
    const tomorrow = addDays(localTime(environment.clock.now(), 'Asia/Shanghai').date, 1);
    const book = async (phone: string, hour: number) => {
      const made = await counter.post<{ bookingNo: string }>('/api/appointments', { locationId: target.appointmentLocationId, startsAt: instantAt(tomorrow, hour * 60, 'Asia/Shanghai').toISOString(), business: 'billing', customerName: '提醒客户', phone });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      return made.body.bookingNo;
    };
    const first = await book('13912350001', 9);
    await book('13912350002', 15);
    const reminders = () =>
      environment.db.withTenant(tenantId, (sql) =>
        sql.query<{ recipient: string; body: string }>("SELECT recipient, body FROM message_outbox WHERE template = 'appointment_reminder' AND recipient LIKE '1391235%' ORDER BY recipient"),
      );

    await collectAll(environment.context);
    expect(await reminders()).toHaveLength(0);

    environment.clock.set('2026-03-10T02:00:00Z'); // 10:00: due
    const other = await openServerDatabase(environment.config.databaseUrl as string, 2);
    try {
      // Two workers' daily loops at the same moment, then a restarted process (a new pool) doing it again.
      const second = createContext({ config: environment.config, db: other, clock: environment.clock });
      await Promise.all([collectAll(environment.context), collectAll(second)]);
      const restarted = await openServerDatabase(environment.config.databaseUrl as string, 2);
      try {
        await collectAll(createContext({ config: environment.config, db: restarted, clock: environment.clock }));
      } finally {
        await restarted.close();
      }
    } finally {
      await other.close();
    }
    const sent = await reminders();
    expect(sent.map((message) => message.recipient)).toEqual(['13912350001', '13912350002']);
    expect(sent[0]?.body).toContain(first);
    expect(sent[0]?.body).toContain(tomorrow);
  });
});
