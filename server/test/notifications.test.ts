import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDailyCollection } from '../src/modules/collection';
import { createWechatOfficialAccountClient, dispatchQueued, enqueueSms, startWechatOfficialAccountSimulator, WECHAT_ERRORS, WechatApiError, type SmsGateway, type SmsMessage } from '../src/modules/notifications';
import { simulatorGateways } from '../src/modules/payments';
import { insertRegularBill } from './bill-factory';
import { givenCustomerWithAccount } from './factories';
import { createTestEnvironment, TEST_ORIGIN, type TestEnvironment, type Utility } from './harness';

/** A gateway that hands messages to the outside world (here: a list), and can be made to fail. */
class RemoteGateway implements SmsGateway {
  readonly name = 'remote-test';
  readonly isLocal = false;
  readonly sent: SmsMessage[] = [];
  isFailing = false;

  async send(message: SmsMessage) {
    if (this.isFailing) throw new Error('gateway unreachable');
    this.sent.push(message);
    return { providerMessageId: `remote-${this.sent.length}`, isDelivered: false };
  }
}

let environment: TestEnvironment;
let utility: Utility;
const gateway = new RemoteGateway();

beforeAll(async () => {
  environment = await createTestEnvironment({ sms: gateway });
  utility = await environment.givenUtility('notify');
});
afterAll(() => environment.close());

describe('the message outbox with a real SMS gateway', () => {
  it('sends the login code to the phone but never shows it to staff', async () => {
    expect((await environment.anonymous.post('/api/portal/otp', { tenant: 'notify', phone: '13600000001' })).status).toBe(202);
    const code = /(\d{6})/.exec(gateway.sent.at(-1)?.body ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const auditor = await environment.loginStaff(utility, 'auditor');
    const outbox = await auditor.get<{ messages: { body: string; status: string; provider: string }[] }>('/api/outbox');
    expect(outbox.body.messages[0]?.body).not.toContain(code);
    expect(outbox.body.messages[0]?.body).toContain('******');
    expect(outbox.body.messages[0]).toMatchObject({ status: 'sent', provider: 'remote-test' });
  });

  it('keeps a message queued while the gateway fails and gives up after five attempts', async () => {
    gateway.isFailing = true;
    environment.clock.advanceMinutes(2);
    await environment.anonymous.post('/api/portal/otp', { tenant: 'notify', phone: '13600000002' });
    const status = async () =>
      (await environment.db.withTenant(utility.tenant.id, (sql) =>
        sql.query<{ status: string; attempts: number }>("SELECT status, attempts FROM message_outbox WHERE recipient = '13600000002'"),
      ))[0];
    expect(await status()).toEqual({ status: 'queued', attempts: 1 });
    for (let pass = 0; pass < 4; pass += 1) await dispatchQueued(environment.context, gateway, utility.tenant.id);
    expect(await status()).toEqual({ status: 'failed', attempts: 5 });
    gateway.isFailing = false;
  });
});

// ---- WeChat messages (微信消息): the official account's protocol, and dunning notices through it ----

/** A fetch answering TEST_ORIGIN from the app in this process (the in-app official account simulator). */
const appFetch = (): typeof fetch =>
  (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const response = await environment.app.inject({ method: (init?.method ?? 'GET') as 'GET', url: url.pathname + url.search, headers: Object.fromEntries(new Headers(init?.headers)), payload: init?.body as string });
    return new Response(response.rawPayload, { status: response.statusCode, headers: response.headers as Record<string, string> });
  }) as typeof fetch;

describe('the WeChat official account client against the simulator', () => {
  const templateId = 'TPL-dunning-0000000000000000000000000000000';
  let running: Awaited<ReturnType<typeof startWechatOfficialAccountSimulator>>;
  let simulatedNow = new Date('2026-03-02T02:00:00Z');
  beforeAll(async () => {
    running = await startWechatOfficialAccountSimulator({ appid: 'wx1234567890abcdef', secret: 'appsecret-0123456789abcdef012345', templateIds: [templateId], now: () => simulatedNow });
  });
  afterAll(() => running.close());
  const client = (secret = 'appsecret-0123456789abcdef012345') =>
    createWechatOfficialAccountClient({ appid: 'wx1234567890abcdef', secret, templateIds: { dunning_reminder: templateId }, apiBaseUrl: running.url, oauthBaseUrl: running.url, now: () => simulatedNow });
  const message = (touser: string) => ({ touser, templateId, data: { keyword1: { value: '10****0001' } } });

  it('caches the access_token until shortly before it expires, and fetches a new one when WeChat says it expired', async () => {
    const account = client();
    const openid = running.simulator.openidOf('alice');
    await account.sendTemplateMessage(message(openid));
    await account.sendTemplateMessage(message(openid));
    expect(running.simulator.accessTokenFetches).toBe(1);
    // WeChat retires the token early (another process fetched one): 42001, a new token, the send goes through.
    running.simulator.expireAccessTokens();
    const { msgid } = await account.sendTemplateMessage(message(openid));
    expect(msgid).toMatch(/^\d+$/);
    expect(running.simulator.accessTokenFetches).toBe(2);
    // Near the end of its 7,200 s the client renews it before using it, without a failed call.
    simulatedNow = new Date(simulatedNow.getTime() + 7_000_000);
    await account.sendTemplateMessage(message(openid));
    expect(running.simulator.accessTokenFetches).toBe(3);
    expect(running.simulator.messages().filter((sent) => sent.touser === openid)).toHaveLength(4);
  });

  it('reports WeChat error codes: busy (retry later), not following (undeliverable), a wrong secret', async () => {
    const account = client();
    const openid = running.simulator.openidOf('bob');
    running.simulator.failNextSends(WECHAT_ERRORS.apiQuotaReached);
    const busy = await account.sendTemplateMessage(message(openid)).catch((error: unknown) => error);
    expect(busy).toBeInstanceOf(WechatApiError);
    expect(busy).toMatchObject({ errcode: 45009, isUndeliverable: false });
    running.simulator.unfollow(openid);
    await expect(account.sendTemplateMessage(message(openid))).rejects.toMatchObject({ errcode: 43004, isUndeliverable: true });
    await expect(account.sendTemplateMessage(message('oNobodyKnowsThisOpenid000000'))).rejects.toMatchObject({ errcode: 40003 });
    await expect(client('wrong-secret').accessToken()).rejects.toMatchObject({ errcode: 40125 });
  });

  it('exchanges an OAuth2 (snsapi_base) code for the openid once; a used code is refused with 40029', async () => {
    const account = client();
    const authorize = new URL(account.authorizeUrl('https://pay.example.cn/api/portal/wechat/oauth/callback', 'abc123'));
    expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
    expect(authorize.hash).toBe('#wechat_redirect');
    const redirected = await fetch(`${running.url}${authorize.pathname}${authorize.search}`, { redirect: 'manual', headers: { cookie: 'sim_wx_user=carol' } });
    expect(redirected.status).toBe(302);
    const back = new URL(redirected.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).toBe('abc123');
    const code = back.searchParams.get('code') ?? '';
    expect(await account.openidFromCode(code)).toBe(running.simulator.openidOf('carol'));
    await expect(account.openidFromCode(code)).rejects.toMatchObject({ errcode: WECHAT_ERRORS.invalidCode });
  });
});

describe('dunning notices by WeChat message, falling back to SMS', () => {
  it('sends a WeChat message to a household whose portal login is bound to WeChat, SMS to one that is not, and SMS when WeChat cannot deliver', async () => {
    const tenantId = utility.tenant.id;
    const officialAccount = environment.simulator.officialAccount;
    if (!officialAccount) throw new Error('no official account simulator');
    const account = simulatorGateways(environment.simulator.credentials, { publicBaseUrl: TEST_ORIGIN, fetch: appFetch(), now: () => environment.clock.now() }).officialAccount(utility.tenant.code);
    const households: { name: string; phone: string; wechatUser: string | null }[] = [
      { name: '微信户', phone: '13611110001', wechatUser: 'dunning-wechat' },
      { name: '短信户', phone: '13611110002', wechatUser: null },
      { name: '取关户', phone: '13611110003', wechatUser: 'dunning-unfollowed' },
    ];
    const accounts: string[] = [];
    for (const household of households) {
      const home = await givenCustomerWithAccount(environment, utility, { name: household.name, phone: household.phone });
      accounts.push(home.account.id);
      const portal = await environment.loginPortal(utility, household.phone);
      expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: home.customer.name })).status).toBe(201);
      await environment.db.withTenant(tenantId, async (sql) => {
        await insertRegularBill(sql, tenantId, home.account.id, { period: '2026-01', consumptionLitres: 10_000, dueOn: '2026-02-20' });
        if (household.wechatUser) {
          await sql.query(
            `INSERT INTO portal_wechat_identities (tenant_id, portal_user_id, appid, openid, bound_at)
             SELECT $1, id, $3, $4, now() FROM portal_users WHERE phone = $2`,
            [tenantId, household.phone, account?.appid, officialAccount.openidOf(household.wechatUser)],
          );
        }
      });
    }
    officialAccount.unfollow(officialAccount.openidOf('dunning-unfollowed'));
    gateway.sent.length = 0;
    await dispatchQueued(environment.context, gateway, tenantId, 50, account);

    const summary = await runDailyCollection(environment.context, tenantId);
    expect(summary?.notices).toEqual({ sms: 1, wechat: 2, letter: 0 });
    await dispatchQueued(environment.context, gateway, tenantId, 50, account);
    // The unfollowed household's WeChat message failed (43004) and became an SMS, sent on the next pass.
    await dispatchQueued(environment.context, gateway, tenantId, 50, account);

    const sent = officialAccount.messages().filter((message) => message.touser === officialAccount.openidOf('dunning-wechat'));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.templateId).toBe(account?.templateIds.dunning_reminder);
    expect(sent[0]?.data.keyword2?.value).toBe('2026-01');
    expect(sent[0]?.data.keyword3?.value).toMatch(/^\d+\.\d{2}元$/);
    expect(gateway.sent.map((message) => message.to).sort()).toEqual(['13611110002', '13611110003']);

    const auditor = await environment.loginStaff(utility, 'auditor');
    const outbox = (await auditor.get<{ messages: { channel: string; template: string; status: string; recipientMasked: string; lastError: string | null; fallbackOutboxId: string | null }[] }>('/api/outbox?limit=20')).body.messages;
    const wechat = outbox.filter((message) => message.channel === 'wechat');
    expect(wechat.map((message) => message.status).sort()).toEqual(['failed', 'sent']);
    const failed = wechat.find((message) => message.status === 'failed');
    expect(failed?.lastError).toContain('43004');
    expect(failed?.fallbackOutboxId).toBeTruthy();
    expect(failed?.recipientMasked).toContain('****');
    const notices = await environment.db.withTenant(tenantId, (sql) => sql.query<{ channel: string; status: string }>('SELECT channel, status FROM collection_notices WHERE account_id = ANY($1::uuid[]) ORDER BY channel', [accounts]));
    expect(notices).toEqual([
      { channel: 'sms', status: 'queued' },
      { channel: 'wechat', status: 'queued' },
      { channel: 'wechat', status: 'queued' },
    ]);
  });
});

describe('the console outbox: channel, attempts, fallback, filters and retry', () => {
  interface Listed {
    id: string;
    channel: 'sms' | 'wechat';
    template: string;
    status: string;
    attempts: number;
    lastError: string | null;
    fallback: { id: string; recipientMasked: string; status: string } | null;
    replacesOutboxId: string | null;
    isRetryable: boolean;
    recipientMasked: string;
  }
  const list = async (query: string) => {
    const auditor = await environment.loginStaff(utility, 'auditor');
    const response = await auditor.get<{ messages: Listed[] }>(`/api/outbox?limit=200${query}`);
    expect(response.status).toBe(200);
    return response.body.messages;
  };

  it('shows which WeChat message fell back to which SMS, and filters by channel and state', async () => {
    const wechat = await list('&channel=wechat');
    expect(wechat.length).toBeGreaterThan(0);
    expect(wechat.every((message) => message.channel === 'wechat')).toBe(true);
    const fellBack = wechat.find((message) => message.fallback !== null);
    if (!fellBack?.fallback) throw new Error('no WeChat message fell back');
    expect(fellBack).toMatchObject({ status: 'failed', attempts: 1, isRetryable: false });
    expect(fellBack.lastError).toContain('43004');
    expect(fellBack.fallback).toEqual({ id: fellBack.fallback.id, recipientMasked: '136****0003', status: 'sent' });
    const sms = await list('&channel=sms');
    expect(sms.every((message) => message.channel === 'sms')).toBe(true);
    expect(sms.find((message) => message.id === fellBack.fallback?.id)?.replacesOutboxId).toBe(fellBack.id);
    const failed = await list('&status=failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((message) => message.status === 'failed')).toBe(true);
    expect((await list('&channel=wechat&status=sent')).every((message) => message.channel === 'wechat' && message.status === 'sent')).toBe(true);
    const auditor = await environment.loginStaff(utility, 'auditor');
    const bad = await auditor.get<{ fields: { field: string }[] }>('/api/outbox?channel=letter');
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0]?.field).toBe('channel');
  });

  it('lets an administrator queue a failed message once more (audited); login codes, fallen-back and unfailed messages are refused', async () => {
    const tenantId = utility.tenant.id;
    const noticeId = await environment.db.withTenant(tenantId, (sql) => enqueueSms(sql, tenantId, { to: '13600000077', template: 'dunning_reminder', body: '【notify 水务】您的水费已逾期。' }, environment.clock.now()));
    gateway.isFailing = true;
    for (let pass = 0; pass < 5; pass += 1) await dispatchQueued(environment.context, gateway, tenantId);
    gateway.isFailing = false;
    const failed = (await list('&status=failed')).find((message) => message.id === noticeId);
    expect(failed).toMatchObject({ attempts: 5, lastError: 'gateway unreachable', isRetryable: true });

    const admin = await environment.loginStaff(utility, 'admin');
    const auditor = await environment.loginStaff(utility, 'auditor');
    expect((await auditor.post(`/api/outbox/${noticeId}/retry`)).status).toBe(403);
    const retried = await admin.post<Listed>(`/api/outbox/${noticeId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: noticeId, status: 'queued', isRetryable: false });
    const again = await admin.post<{ code: string }>(`/api/outbox/${noticeId}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('message_not_failed');
    await dispatchQueued(environment.context, gateway, tenantId);
    expect((await list('&channel=sms')).find((message) => message.id === noticeId)).toMatchObject({ status: 'sent', attempts: 6, lastError: null });
    expect(gateway.sent.some((message) => message.to === '13600000077')).toBe(true);
    const audit = await auditor.get<{ entries: { action: string; objectId: string; before: Record<string, unknown> | null; actorName: string }[] }>(`/api/audit?action=outbox.retry&objectId=${noticeId}`);
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]?.before).toMatchObject({ status: 'failed', attempts: 5, lastError: 'gateway unreachable' });

    const code = (await list('&status=failed')).find((message) => message.template === 'login_code');
    if (!code) throw new Error('no failed login code');
    expect(code.isRetryable).toBe(false);
    expect((await admin.post<{ code: string }>(`/api/outbox/${code.id}/retry`)).body.code).toBe('message_one_time_code');
    const fellBack = (await list('&channel=wechat&status=failed')).find((message) => message.fallback !== null);
    expect((await admin.post<{ code: string }>(`/api/outbox/${fellBack?.id}/retry`)).body.code).toBe('message_fell_back');
    expect((await admin.post(`/api/outbox/00000000-0000-4000-8000-000000000000/retry`)).status).toBe(404);
  });
});
