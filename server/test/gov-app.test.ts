import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { govRequestHeaders, signGovRequest } from '../src/modules/payments';
import { insertRegularBill } from './bill-factory';
import { currentTarget, type ErrorBody, outcome, PUBLIC_ENDPOINTS } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { createTestEnvironment, type Response, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

interface Answer {
  govTradeNo: string;
  status: 'credited';
  accountNo: string;
  amountFen: number;
  receiptNo: string;
  allocatedFen: number;
  prepaidFen: number;
  statementDate: string;
}

let environment: TestEnvironment;
let utility: Utility;
let credential: { appId: string; secret: string; id: string };

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('gov');
  const admin = await environment.loginStaff(utility, 'admin');
  const issued = await admin.post<{ credential: { id: string; appId: string; status: string }; secret: string }>('/api/gov-app/credentials', { label: '赣服通' });
  expect(issued.status).toBe(201);
  credential = { appId: issued.body.credential.appId, secret: issued.body.secret, id: issued.body.credential.id };
  const listed = await admin.get<{ credentials: Record<string, unknown>[] }>('/api/gov-app/credentials');
  expect(JSON.stringify(listed.body)).not.toContain(credential.secret);
});
afterAll(() => environment.close());
afterEach(() => expectLedgerInvariants(environment));

let nonceSerial = 0;
const freshNonce = () => {
  nonceSerial += 1;
  return `nonce-${Date.now()}-${String(nonceSerial).padStart(8, '0')}`;
};

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, options: { headers?: Record<string, string>; unsigned?: boolean; as?: { appId: string; secret: string } } = {}): Promise<Response<T>> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const signed = options.unsigned ? {} : govRequestHeaders(options.as ?? credential, { method, path, ...(payload !== undefined ? { body: payload } : {}), now: environment.clock.now(), nonce: freshNonce() });
  const response = await environment.app.inject({
    method,
    url: path,
    headers: { ...signed, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.json() as T, headers: response.headers };
}

const base = () => `/api/gov/${utility.tenant.code}`;
const refusals = () =>
  environment.ownerQuery<{ reason: string }>("SELECT reason FROM channel_notifications WHERE channel = 'gov_app' AND verdict = 'refused' AND tenant_id = $1 ORDER BY received_at, reason", [utility.tenant.id]);

async function givenOwingHousehold(name: string): Promise<CustomerWithAccount> {
  const home = await givenCustomerWithAccount(environment, utility, { name });
  await environment.db.withTenant(utility.tenant.id, async (sql) => {
    await insertRegularBill(sql, utility.tenant.id, home.account.id, { period: '2026-01', consumptionLitres: 10_000 });
    await insertRegularBill(sql, utility.tenant.id, home.account.id, { period: '2026-02', consumptionLitres: 10_000 });
  });
  return home;
}

describe('signed requests', () => {
  it('round trip: a correctly signed lookup answers what the account owes, the holder name masked', async () => {
    const home = await givenOwingHousehold('政务张三丰');
    const lookup = await call<{ accountNo: string; holderName: string; address: string; owedFen: number; lateFeeFen: number; openBills: { period: string; openFen: number }[] }>('GET', `${base()}/bills?accountNo=${home.account.accountNo}`);
    expect(lookup.status).toBe(200);
    // The 2026-01 bill fell due on 2026-02-18: 11 days on 5,000 fen at 0.05 % (27.5 → 28 fen), brought up to date
    // although no daily run has assessed it; owedFen is what paying everything costs.
    expect(lookup.body).toMatchObject({ accountNo: home.account.accountNo, holderName: '政***丰', owedFen: 10_028, lateFeeFen: 28, openBills: [{ period: '2026-01', openFen: 5_000 }, { period: '2026-02', openFen: 5_000 }] });
    expect(lookup.body.address).toContain('测试小区');
    const unknown = await call<ErrorBody>('GET', `${base()}/bills?accountNo=9999999999`);
    expect(outcome(unknown)).toBe('404 account_not_found');
  });

  it('the signature is HMAC-SHA256 over the documented canonical string', () => {
    // The worked example of docs/GOV-APP-API.md.
    const signature = signGovRequest('test-secret-please-change', {
      appId: 'gov_example01',
      method: 'POST',
      path: '/api/gov/jcsw/payments',
      timestamp: '1772416800',
      nonce: '4f0c2a9e8b7d6c5a4f0c2a9e8b7d6c5a',
      body: '{"accountNo":"1000000001","amountFen":4560,"govTradeNo":"GFT202603020001","paidAt":"2026-03-02T10:00:00+08:00"}',
    });
    expect(signature).toBe(EXAMPLE_SIGNATURE);
  });

  it('refuses unsigned, forged, stale, replayed and revoked requests with 401 in the error shape, and logs each', async () => {
    const home = await givenOwingHousehold('伪造测试');
    const path = `${base()}/bills?accountNo=${home.account.accountNo}`;
    const before = (await refusals()).length;
    const answers: Record<string, string> = {};

    answers.unsigned = outcome(await call('GET', path, undefined, { unsigned: true }));
    answers.forged = outcome(await call('GET', path, undefined, { as: { appId: credential.appId, secret: 'not-the-secret' } }));
    const tampered = govRequestHeaders(credential, { method: 'GET', path, now: environment.clock.now(), nonce: freshNonce() });
    answers.otherPath = outcome(await call('GET', `${base()}/bills?accountNo=1000000001`, undefined, { unsigned: true, headers: tampered }));
    const stale = govRequestHeaders(credential, { method: 'GET', path, now: new Date(environment.clock.now().getTime() - 301_000), nonce: freshNonce() });
    answers.stale = outcome(await call('GET', path, undefined, { unsigned: true, headers: stale }));
    const future = govRequestHeaders(credential, { method: 'GET', path, now: new Date(environment.clock.now().getTime() + 301_000), nonce: freshNonce() });
    answers.future = outcome(await call('GET', path, undefined, { unsigned: true, headers: future }));
    const once = govRequestHeaders(credential, { method: 'GET', path, now: environment.clock.now(), nonce: freshNonce() });
    answers.first = outcome(await call('GET', path, undefined, { unsigned: true, headers: once }));
    answers.replayed = outcome(await call('GET', path, undefined, { unsigned: true, headers: once }));
    // A body changed in transit: the body hash no longer matches.
    const body = { accountNo: home.account.accountNo, amountFen: 100, govTradeNo: 'GFT-TAMPER-1', paidAt: '2026-03-02T09:00:00+08:00' };
    const signedBody = govRequestHeaders(credential, { method: 'POST', path: `${base()}/payments`, body: JSON.stringify(body), now: environment.clock.now(), nonce: freshNonce() });
    answers.tamperedBody = outcome(await call('POST', `${base()}/payments`, { ...body, amountFen: 1 }, { unsigned: true, headers: signedBody }));
    answers.unknownApp = outcome(await call('GET', path, undefined, { as: { appId: 'gov_unknown01', secret: credential.secret } }));

    expect(answers).toEqual({
      unsigned: '401 signature_missing',
      forged: '401 signature_invalid',
      otherPath: '401 signature_invalid',
      stale: '401 timestamp_out_of_window',
      future: '401 timestamp_out_of_window',
      first: '200',
      replayed: '401 nonce_replayed',
      tamperedBody: '401 signature_invalid',
      unknownApp: '401 unknown_app',
    });
    const logged = (await refusals()).slice(before).map((row) => row.reason).sort();
    expect(logged).toEqual(['nonce_replayed', 'signature_invalid', 'signature_invalid', 'signature_invalid', 'signature_missing', 'timestamp_out_of_window', 'timestamp_out_of_window', 'unknown_app'].sort());
    const unsigned = await call<ErrorBody>('GET', path, undefined, { unsigned: true });
    expect(unsigned.body).toEqual({ code: 'signature_missing', message: { zh: expect.any(String), en: expect.any(String) }, fields: [] });
    expect(outcome(await call('GET', `/api/gov/no-such-utility/bills?accountNo=1`, undefined, {}))).toBe('404 unknown_utility');
    const paymentsWritten = await environment.ownerQuery('SELECT 1 FROM payments WHERE account_id = $1', [home.account.id]);
    expect(paymentsWritten).toEqual([]);
  });

  it('refuses a revoked credential', async () => {
    const admin = await environment.loginStaff(utility, 'admin');
    const issued = await admin.post<{ credential: { id: string; appId: string }; secret: string }>('/api/gov-app/credentials', { label: '待停用' });
    const other = { appId: issued.body.credential.appId, secret: issued.body.secret };
    expect((await call('GET', `${base()}/statements?date=2026-03-02`, undefined, { as: other })).status).toBe(200);
    expect((await admin.post(`/api/gov-app/credentials/${issued.body.credential.id}/revoke`)).status).toBe(200);
    expect(outcome(await call('GET', `${base()}/statements?date=2026-03-02`, undefined, { as: other }))).toBe('401 unknown_app');
  });

  it('the public endpoint table has the status an unsigned call gets', async () => {
    const home = await givenOwingHousehold('公开接口');
    const target = await currentTarget(environment, utility, home);
    for (const endpoint of PUBLIC_ENDPOINTS.filter((candidate) => candidate.path.startsWith('/api/gov/'))) {
      const response = await environment.anonymous.request(endpoint.method, endpoint.url(target));
      expect(response.status, endpoint.path).toBe(endpoint.success);
    }
  });
});

describe('payment confirmations', () => {
  it('paying what the lookup says clears the bills and the late fees, and the answer says what went to late fees', async () => {
    const home = await givenOwingHousehold('政务滞纳');
    const lookup = await call<{ owedFen: number; lateFeeFen: number }>('GET', `${base()}/bills?accountNo=${home.account.accountNo}`);
    expect(lookup.body).toMatchObject({ owedFen: 10_028, lateFeeFen: 28 });
    const paid = await call<Answer & { lateFeeFen: number }>('POST', `${base()}/payments`, { accountNo: home.account.accountNo, amountFen: lookup.body.owedFen, govTradeNo: 'GFTLATEFEE0001', paidAt: '2026-03-02T09:40:00+08:00' });
    expect(paid.body).toMatchObject({ amountFen: 10_028, allocatedFen: 10_028, lateFeeFen: 28, prepaidFen: 0 });
    const after = await call<{ owedFen: number; lateFeeFen: number; balanceFen: number; openBills: unknown[] }>('GET', `${base()}/bills?accountNo=${home.account.accountNo}`);
    expect(after.body).toMatchObject({ owedFen: 0, lateFeeFen: 0, balanceFen: 0, openBills: [] });
  });

  it('credit the account once per govTradeNo: a repeat gets the first answer, another amount is refused', async () => {
    const home = await givenOwingHousehold('政务缴费');
    const body = { accountNo: home.account.accountNo, amountFen: 7_000, govTradeNo: 'GFT202603020001', paidAt: '2026-03-02T09:30:00+08:00' };
    const first = await call<Answer>('POST', `${base()}/payments`, body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ govTradeNo: 'GFT202603020001', status: 'credited', accountNo: home.account.accountNo, amountFen: 7_000, allocatedFen: 7_000, prepaidFen: 0, statementDate: '2026-03-02' });
    expect(first.body.receiptNo).toMatch(/^SK20260302/);
    const repeat = await call<Answer>('POST', `${base()}/payments`, body);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    const conflicting = await call<ErrorBody>('POST', `${base()}/payments`, { ...body, amountFen: 7_001 });
    expect(outcome(conflicting)).toBe('409 gov_trade_no_conflict');
    expect(conflicting.body.fields).toEqual([{ field: 'amountFen', zh: expect.any(String), en: expect.any(String) }]);
    const invalid = await call<ErrorBody>('POST', `${base()}/payments`, { ...body, amountFen: 12.5, govTradeNo: 'GFT202603020002' });
    expect(outcome(invalid)).toBe('400 validation_failed');
    const unknownAccount = await call<ErrorBody>('POST', `${base()}/payments`, { ...body, accountNo: '9999999999', govTradeNo: 'GFT202603020003' });
    expect(outcome(unknownAccount)).toBe('404 account_not_found');

    const payments = await environment.ownerQuery<{ channel: string; amount_fen: number; channel_trade_no: string }>('SELECT channel, amount_fen, channel_trade_no FROM payments WHERE account_id = $1', [home.account.id]);
    expect(payments).toEqual([{ channel: 'gov_app', amount_fen: 7_000, channel_trade_no: 'GFT202603020001' }]);
    const log = await environment.ownerQuery<{ verdict: string; reason: string | null }>(
      "SELECT verdict, reason FROM channel_notifications WHERE channel = 'gov_app' AND out_trade_no = 'GFT202603020001' ORDER BY received_at, verdict",
      [],
    );
    expect(log.map((row) => row.verdict).sort()).toEqual(['credited', 'duplicate', 'refused']);
    const [audit] = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE action = 'payment.gov_app' AND after->>'govTradeNo' = 'GFT202603020001'");
    expect(audit?.count).toBe(1);

    const statement = await call<{ date: string; count: number; totalFen: number; payments: { govTradeNo: string; amountFen: number; receiptNo: string }[] }>('GET', `${base()}/statements?date=2026-03-02`);
    expect(statement.status).toBe(200);
    expect(statement.body.payments.filter((payment) => payment.govTradeNo === 'GFT202603020001')).toEqual([expect.objectContaining({ amountFen: 7_000, receiptNo: first.body.receiptNo })]);
    expect(statement.body.totalFen).toBe(statement.body.payments.reduce((sum, payment) => sum + payment.amountFen, 0));
    const otherDay = await call<{ count: number }>('GET', `${base()}/statements?date=2026-03-01`);
    expect(otherDay.body.count).toBe(0);
  });

  it('gives 100 concurrent confirmations of one govTradeNo one payment and identical answers', async () => {
    const home = await givenOwingHousehold('并发政务');
    const body = { accountNo: home.account.accountNo, amountFen: 10_000, govTradeNo: 'GFT-CONCURRENT-0001', paidAt: '2026-03-02T09:45:00+08:00' };
    const answers = await Promise.all(Array.from({ length: 100 }, () => call<Answer>('POST', `${base()}/payments`, body)));
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    const [payments] = await environment.ownerQuery<{ count: number; total: number }>('SELECT count(*)::int AS count, coalesce(sum(amount_fen), 0)::int8 AS total FROM payments WHERE account_id = $1', [home.account.id]);
    expect(payments).toEqual({ count: 1, total: 10_000 });
    const [settled] = await environment.ownerQuery<{ total: number }>('SELECT coalesce(sum(s.amount_fen), 0)::int8 AS total FROM bill_settlements s JOIN bills b ON b.id = s.bill_id WHERE b.account_id = $1', [home.account.id]);
    expect(settled?.total).toBe(10_000);
  });
});

const EXAMPLE_SIGNATURE = 'jihbrI/VkSeomRBVOGBiwYxwuD+4pkAyAgLrB9UFOOw=';
