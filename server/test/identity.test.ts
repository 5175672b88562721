import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, TEST_PASSWORD, type TestEnvironment, type Utility } from './harness';

let environment: TestEnvironment;
let utility: Utility;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('ident');
});
afterAll(() => environment.close());

const login = (username: string, password: string, tenant = 'ident') =>
  environment.anonymous.post<{ code: string; message: { zh: string; en: string } }>('/api/staff/login', { tenant, username, password });

describe('staff login', () => {
  it('logs in with the right password and returns the session, roles and CSRF token', async () => {
    const response = await environment.app.inject({ method: 'POST', url: '/api/staff/login', payload: { tenant: 'ident', username: 'counter-clerk', password: TEST_PASSWORD } });
    expect(response.statusCode).toBe(200);
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/shuiwu_staff=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const body = response.json();
    expect(body.staff.roles).toEqual(['counter_clerk']);
    expect(body.staff.permissions).toContain('customer.write');
    expect(body.csrfToken).toHaveLength(43);
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await login('dispatcher', 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.message.zh).toBe('用户名或密码错误');
  });

  it('locks the account after five wrong passwords, for fifteen minutes, even for the right password', async () => {
    for (let attempt = 1; attempt <= 4; attempt += 1) expect((await login('collector', `wrong-${attempt}`)).status).toBe(401);
    const fifth = await login('collector', 'wrong-5');
    expect(fifth.status).toBe(423);
    expect(fifth.body.code).toBe('account_locked');
    expect((await login('collector', TEST_PASSWORD)).status).toBe(423);
    environment.clock.advanceMinutes(14);
    expect((await login('collector', TEST_PASSWORD)).status).toBe(423);
    environment.clock.advanceMinutes(1);
    expect((await login('collector', TEST_PASSWORD)).status).toBe(200);
    const audit = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ action: string }>("SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq", [utility.staff.collector.id]),
    );
    expect(audit.map((entry) => entry.action)).toEqual([
      'staff.login_failed', 'staff.login_failed', 'staff.login_failed', 'staff.login_failed', 'staff.locked', 'staff.login',
    ]);
  });

  it('ends the session after 30 idle minutes and after 12 hours in any case', async () => {
    const client = await environment.loginStaff(utility, 'manager');
    environment.clock.advanceMinutes(29);
    expect((await client.get('/api/staff/me')).status).toBe(200);
    environment.clock.advanceMinutes(29);
    expect((await client.get('/api/staff/me')).status).toBe(200);
    environment.clock.advanceMinutes(30);
    expect((await client.get('/api/staff/me')).status).toBe(401);

    const busy = await environment.loginStaff(utility, 'manager');
    for (let hour = 0; hour < 12 * 3; hour += 1) {
      environment.clock.advanceMinutes(20);
      const response = await busy.get('/api/staff/me');
      if (hour < 12 * 3 - 1) expect(response.status).toBe(200);
      else expect(response.status).toBe(401);
    }
  });

  it('restarts the idle clock at most once a minute, so requests in between write nothing', async () => {
    const client = await environment.loginStaff(utility, 'auditor');
    const lastSeen = async () => {
      const rows = await environment.db.withTenant(utility.tenant.id, (sql) =>
        sql.query<{ at: Date }>("SELECT max(last_seen_at) AS at FROM sessions WHERE staff_id = $1 AND ended_at IS NULL", [utility.staff.auditor.id]),
      );
      return new Date(rows[0]?.at as Date).getTime();
    };
    const loggedIn = await lastSeen();
    environment.clock.advanceMinutes(0.5);
    expect((await client.get('/api/staff/me')).status).toBe(200);
    expect(await lastSeen()).toBe(loggedIn);
    environment.clock.advanceMinutes(0.5);
    expect((await client.get('/api/staff/me')).status).toBe(200);
    expect(await lastSeen()).toBe(environment.clock.now().getTime());
  });

  it('logout ends the session on the server, so the old cookie no longer works', async () => {
    const client = await environment.loginStaff(utility, 'auditor');
    expect((await client.post('/api/staff/logout')).status).toBe(204);
    expect((await client.get('/api/staff/me')).status).toBe(401);
  });

  it('refuses a state change without the CSRF token', async () => {
    const client = await environment.loginStaff(utility, 'counter_clerk');
    const response = await client.request('POST', '/api/customers', { kind: 'individual', name: '无令牌' }, { omitCsrf: true });
    expect(response.status).toBe(403);
    expect((response.body as { code: string }).code).toBe('csrf_failed');
    expect((await client.post('/api/customers', { kind: 'individual', name: '有令牌' })).status).toBe(201);
  });
});

describe('portal one-time code login', () => {
  const phone = '13700000001';
  const requestCode = (number = phone) =>
    environment.anonymous.post<{ resendAfterSeconds: number; code: string }>('/api/portal/otp', { tenant: 'ident', phone: number });
  const submit = (code: string, number = phone) =>
    environment.anonymous.post<{ code: string }>('/api/portal/login', { tenant: 'ident', phone: number, code });

  it('sends a six-digit code and the same answer for any number', async () => {
    const first = await requestCode('13700000011');
    const second = await requestCode('13700000012');
    expect(first.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(await environment.latestCode(utility, '13700000011')).toMatch(/^\d{6}$/);
  });

  it('accepts the code once, within five minutes', async () => {
    environment.clock.advanceMinutes(2);
    await requestCode();
    const code = await environment.latestCode(utility, phone);
    environment.clock.advanceMinutes(4);
    expect((await submit(code)).status).toBe(200);
    expect((await submit(code)).status).toBe(401);

    environment.clock.advanceMinutes(2);
    await requestCode();
    const late = await environment.latestCode(utility, phone);
    environment.clock.advanceMinutes(5);
    const expired = await submit(late);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('invalid_code');
  });

  it('burns the code after five wrong tries', async () => {
    environment.clock.advanceMinutes(2);
    await requestCode();
    const code = await environment.latestCode(utility, phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await submit(wrong)).status).toBe(401);
    expect((await submit(code)).status).toBe(401);
  });

  it('sends at most one code a minute and ten a day per number', async () => {
    const number = '13700000099';
    environment.clock.set('2026-03-10T01:00:00Z');
    expect((await requestCode(number)).status).toBe(202);
    const tooSoon = await requestCode(number);
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    for (let index = 1; index < 10; index += 1) {
      environment.clock.advanceMinutes(1);
      expect((await requestCode(number)).status).toBe(202);
    }
    environment.clock.advanceMinutes(1);
    const daily = await requestCode(number);
    expect(daily.status).toBe(429);
    expect(daily.body.code).toBe('otp_daily_limit');
    // The day is the utility's calendar day (Asia/Shanghai): 16:00 UTC is midnight there.
    environment.clock.set('2026-03-10T16:00:00Z');
    expect((await requestCode(number)).status).toBe(202);
  });

  it('logs in, shows the masked phone, and logs out on the server', async () => {
    environment.clock.advanceMinutes(10);
    const client = await environment.loginPortal(utility, '13700000123');
    const me = await client.get<{ user: { phoneMasked: string } }>('/api/portal/me');
    expect(me.body.user.phoneMasked).toBe('137****0123');
    expect((await client.post('/api/portal/logout')).status).toBe(204);
    expect((await client.get('/api/portal/me')).status).toBe(401);
  });

  it('keeps staff and portal sessions apart', async () => {
    const portal = await environment.loginPortal(utility, '13700000124');
    expect((await portal.get('/api/staff/me')).status).toBe(401);
    const staff = await environment.loginStaff(utility, 'admin');
    expect((await staff.get('/api/portal/me')).status).toBe(401);
  });
});
