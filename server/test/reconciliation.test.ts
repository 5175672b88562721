import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderWechatTradeBill, type StatementRowInput } from '../src/modules/payments/files';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

interface Difference {
  id: string;
  type: string;
  kind: string;
  outTradeNo: string;
  outRefundNo: string | null;
  statementFen: number | null;
  ledgerFen: number | null;
  canCredit: boolean;
  resolution: string | null;
  resolutionPaymentId: string | null;
}
interface Run {
  id: string;
  hasStatement: boolean;
  statement: { rows: number; paymentFen: number; refundFen: number };
  ledger: { rows: number; paymentFen: number; refundFen: number };
  matched: { rows: number };
  differenceCount: number;
  openDifferenceCount: number;
  counts: Record<string, number>;
  differences: Difference[];
}
interface Order {
  id: string;
  outTradeNo: string;
  status: string;
  payUrl: string | null;
}

let environment: TestEnvironment;
let utility: Utility;
let finance: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('recon');
  finance = await environment.loginStaff(utility, 'finance_clerk');
});
afterAll(() => environment.close());
afterEach(() => expectLedgerInvariants(environment));

/** A valid version-4 UUID made from an md5 expression (SQL), so generated ids pass the API's uuid checks. */
const uuid = (md5: string) => `regexp_replace(${md5}, '^(.{12}).(.{3}).(.{15})$', '\\14\\28\\3')::uuid`;

const sortKey = (difference: Pick<Difference, 'type' | 'outTradeNo' | 'outRefundNo'>) => `${difference.type} ${difference.outTradeNo} ${difference.outRefundNo ?? ''}`;

describe('reconciling an uploaded statement', () => {
  const DAY = '2026-02-20';
  const orderNo = (index: number) => `SWBULK${String(index).padStart(8, '0')}`;
  let home: CustomerWithAccount;

  /** 5,000 WeChat Pay payments of the day in the ledger (orders, payments, journals, prepaid), and 3 refunds of them. */
  beforeAll(async () => {
    home = await givenCustomerWithAccount(environment, utility, { name: '对账户' });
    const tenantId = utility.tenant.id;
    await environment.db.withTenant(tenantId, async (sql) => {
      const dayStart = `${DAY}T00:00:00+08:00`;
      const params = [tenantId, home.account.id, dayStart];
      await sql.query(
        `INSERT INTO payment_orders (tenant_id, id, out_trade_no, channel, account_id, purpose, amount_fen, status, created_at, expires_at, paid_at, payment_id)
         SELECT $1, ${uuid("md5('o' || g)")}, 'SWBULK' || lpad(g::text, 8, '0'), 'wechatpay', $2, 'topup', 1000 + g, 'paid',
                $3::timestamptz + g * interval '15 seconds', $3::timestamptz + g * interval '15 seconds' + interval '30 minutes', $3::timestamptz + g * interval '15 seconds', ${uuid("md5('p' || g)")}
         FROM generate_series(0, 4999) g`,
        params,
      );
      await sql.query(
        `INSERT INTO payments (tenant_id, id, receipt_no, account_id, channel, amount_fen, allocated_fen, prepaid_fen, order_id, channel_trade_no, received_at, business_date, journal_id)
         SELECT $1, ${uuid("md5('p' || g)")}, 'SKBULK' || lpad(g::text, 8, '0'), $2, 'wechatpay', 1000 + g, 0, 1000 + g, ${uuid("md5('o' || g)")}, '4200' || lpad(g::text, 24, '0'),
                $3::timestamptz + g * interval '15 seconds', $3::date, ${uuid("md5('j' || g)")}
         FROM generate_series(0, 4999) g`,
        params,
      );
      await sql.query(
        `INSERT INTO ledger_entries (tenant_id, journal_id, account_id, ledger_account, entry_type, debit_fen, credit_fen, business_date, posted_at, description)
         SELECT $1, ${uuid("md5('j' || g)")}, $2, l.account, 'payment', CASE WHEN l.debit THEN 1000 + g ELSE 0 END, CASE WHEN l.debit THEN 0 ELSE 1000 + g END,
                $3::date, $3::timestamptz + g * interval '15 seconds', '微信支付缴费'
         FROM generate_series(0, 4999) g, (VALUES ('channel_clearing', true), ('prepaid', false)) AS l(account, debit)`,
        params,
      );
      const total = Array.from({ length: 5000 }, (_unused, g) => 1000 + g).reduce((sum, fen) => sum + fen, 0);
      await sql.query('INSERT INTO prepaid_balances (tenant_id, account_id, balance_fen, updated_at) VALUES ($1, $2, $3, now())', [tenantId, home.account.id, total]);
      // Refunds of orders 10, 11 and 12, completed late that evening.
      for (const index of [10, 11, 12]) {
        await sql.query(
          `WITH j AS (SELECT ${uuid("md5('rj' || $4::int)")} AS id)
           INSERT INTO ledger_entries (tenant_id, journal_id, account_id, ledger_account, entry_type, debit_fen, credit_fen, business_date, posted_at, description)
           SELECT $1, j.id, $2, l.account, 'refund', l.debit, l.credit, $3::date, $3::timestamptz + interval '23 hours', '微信支付退款'
           FROM j, (VALUES ('prepaid', 500, 0), ('channel_clearing', 0, 500)) AS l(account, debit, credit)`,
          [tenantId, home.account.id, dayStart, index],
        );
        await sql.query(
          `INSERT INTO refunds (tenant_id, refund_no, payment_id, account_id, channel, out_trade_no, amount_fen, reason, status, staff_id, requested_at, business_date, journal_id, completed_at)
           VALUES ($1, 'TKBULK' || lpad($4::text, 6, '0'), ${uuid("md5('p' || $4::int)")}, $2, 'wechatpay', 'SWBULK' || lpad($4::text, 8, '0'), 500, '多缴', 'succeeded', $5,
                   $3::timestamptz + interval '23 hours', $3::date, ${uuid("md5('rj' || $4::int)")}, $3::timestamptz + interval '23 hours')`,
          [tenantId, home.account.id, dayStart, index, utility.staff.finance_clerk.id],
        );
      }
      await sql.query('UPDATE prepaid_balances SET balance_fen = balance_fen - 1500 WHERE account_id = $1', [home.account.id]);
    });
  });

  it('finds exactly the planted differences in a 5,000-line statement, stores them, and resolves each once', async () => {
    const paidRow = (index: number): StatementRowInput => ({
      tradeTime: new Date(new Date(`${DAY}T00:00:00+08:00`).getTime() + index * 15_000).toISOString(),
      channelTradeNo: `4200${String(index).padStart(24, '0')}`,
      outTradeNo: orderNo(index),
      state: 'paid',
      amountFen: 1000 + index,
      refundFen: 0,
      outRefundNo: null,
      channelRefundNo: null,
      feeFen: Math.round((1000 + index) * 0.006),
    });
    const refundRow = (index: number, refundFen = 500): StatementRowInput => ({
      ...paidRow(index),
      tradeTime: `${DAY}T23:00:00+08:00`,
      state: 'refund',
      refundFen,
      outRefundNo: `TKBULK${String(index).padStart(6, '0')}`,
      channelRefundNo: `5030${String(index).padStart(20, '0')}`,
      feeFen: -3,
    });
    const missingInStatement = [17, 2_222, 4_999];
    const mismatched = new Map([[40, 1], [3_000, 999_00]]);
    const rows: StatementRowInput[] = [];
    for (let index = 0; index < 5_000; index += 1) {
      if (missingInStatement.includes(index)) continue;
      const row = paidRow(index);
      rows.push(mismatched.has(index) ? { ...row, amountFen: mismatched.get(index) as number } : row);
      if (index === 1_234) rows.push(row);
    }
    // Payments the ledger never heard of, a refund it lacks, and refunds 10 (matching) and 11 (wrong amount); 12 is missing.
    rows.push({ ...paidRow(0), outTradeNo: 'SWSTRANGER000001', channelTradeNo: '4200999999999999999999990001', amountFen: 777 });
    rows.push({ ...paidRow(1), outTradeNo: 'SWSTRANGER000002', channelTradeNo: '4200999999999999999999990002', amountFen: 888 });
    rows.push(refundRow(10), refundRow(11, 400), { ...refundRow(20), outRefundNo: 'TKUNKNOWN001' });
    expect(rows.length).toBe(5_003);
    const file = renderWechatTradeBill(rows);

    const response = await finance.post<Run>('/api/reconciliations/import', { channel: 'wechatpay', date: DAY, fileBase64: file.toString('base64'), fileName: 'tradebill.csv' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const planted = [
      ...missingInStatement.map((index) => ({ type: 'missing_in_statement', outTradeNo: orderNo(index), outRefundNo: null })),
      { type: 'missing_in_statement', outTradeNo: orderNo(12), outRefundNo: 'TKBULK000012' },
      ...[...mismatched.keys()].map((index) => ({ type: 'amount_mismatch', outTradeNo: orderNo(index), outRefundNo: null })),
      { type: 'amount_mismatch', outTradeNo: orderNo(11), outRefundNo: 'TKBULK000011' },
      { type: 'duplicate_in_statement', outTradeNo: orderNo(1_234), outRefundNo: null },
      { type: 'missing_in_ledger', outTradeNo: 'SWSTRANGER000001', outRefundNo: null },
      { type: 'missing_in_ledger', outTradeNo: 'SWSTRANGER000002', outRefundNo: null },
      { type: 'missing_in_ledger', outTradeNo: orderNo(20), outRefundNo: 'TKUNKNOWN001' },
    ];
    const run = response.body;
    expect(run.differences.map(sortKey).sort()).toEqual(planted.map(sortKey).sort());
    expect(run).toMatchObject({
      hasStatement: true,
      statement: { rows: 5_003 },
      ledger: { rows: 5_003 },
      matched: { rows: 5_000 - 3 - 2 + 1 },
      differenceCount: planted.length,
      openDifferenceCount: planted.length,
      counts: { missing_in_statement: 4, amount_mismatch: 3, duplicate_in_statement: 1, missing_in_ledger: 3, duplicate_in_ledger: 0 },
    });
    const mismatch = run.differences.find((difference) => difference.outTradeNo === orderNo(3_000));
    expect(mismatch).toMatchObject({ statementFen: 99_900, ledgerFen: 4_000, canCredit: false });
    // Stored: the run, its file, and every difference, also as read back later.
    const [stored] = await environment.ownerQuery<{ differences: number; sha: string; bytes: number }>(
      "SELECT (SELECT count(*) FROM reconciliation_differences WHERE run_id = r.id)::int AS differences, r.file_sha256 AS sha, length(r.file) AS bytes FROM reconciliation_runs r WHERE r.id = $1",
      [run.id],
    );
    expect(stored).toMatchObject({ differences: planted.length, bytes: file.length });
    const again = await finance.get<Run>(`/api/reconciliations/${run.id}?type=missing_in_ledger`);
    expect(again.body.differences.map((difference) => difference.outTradeNo).sort()).toEqual(['SWSTRANGER000001', 'SWSTRANGER000002', orderNo(20)].sort());
    const listed = await finance.get<{ reconciliations: { id: string }[] }>(`/api/reconciliations?date=${DAY}&channel=wechatpay`);
    expect(listed.body.reconciliations.map((item) => item.id)).toContain(run.id);

    // A stranger's payment is no order of ours: it cannot be credited, only explained or written off, once.
    const stranger = run.differences.find((difference) => difference.outTradeNo === 'SWSTRANGER000001') as Difference;
    const credit = await finance.post<ErrorBody>(`/api/reconciliations/${run.id}/differences/${stranger.id}/resolve`, { resolution: 'credited', note: '补记' });
    expect(credit.status).toBe(409);
    expect(credit.body).toMatchObject({ code: 'not_creditable', fields: [{ field: 'resolution' }] });
    const explained = await finance.post<Difference>(`/api/reconciliations/${run.id}/differences/${stranger.id}/resolve`, { resolution: 'channel_error', note: '渠道错记到本商户，已联系微信支付' });
    expect(explained.status).toBe(200);
    expect(explained.body).toMatchObject({ resolution: 'channel_error', canCredit: false });
    expect((await finance.post<ErrorBody>(`/api/reconciliations/${run.id}/differences/${stranger.id}/resolve`, { resolution: 'explained', note: '再次处理' })).body).toMatchObject({ code: 'already_resolved' });
    expect((await finance.get<Run>(`/api/reconciliations/${run.id}`)).body.openDifferenceCount).toBe(planted.length - 1);
    const audit = await environment.ownerQuery<{ action: string }>("SELECT action FROM audit_log WHERE object_id IN ($1, $2) ORDER BY seq", [run.id, stranger.id]);
    expect(audit.map((entry) => entry.action)).toEqual(['reconciliation.run', 'reconciliation.resolve']);
  });

  it('refuses a statement of another day, or one that does not read, and stores nothing', async () => {
    const before = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM reconciliation_runs');
    const otherDay = renderWechatTradeBill([{ tradeTime: '2026-02-21T08:00:00+08:00', channelTradeNo: '4200000000000000000000000001', outTradeNo: 'SWX00000001', state: 'paid', amountFen: 100, refundFen: 0, outRefundNo: null, channelRefundNo: null, feeFen: 1 }]);
    const wrongDay = await finance.post<ErrorBody>('/api/reconciliations/import', { channel: 'wechatpay', date: DAY, fileBase64: otherDay.toString('base64') });
    expect(wrongDay.status).toBe(400);
    expect(wrongDay.body).toMatchObject({ code: 'statement_wrong_day', fields: [{ field: 'date' }] });
    const garbage = await finance.post<ErrorBody>('/api/reconciliations/import', { channel: 'wechatpay', date: DAY, fileBase64: Buffer.from('not,a,bill\n1,2,3\n').toString('base64') });
    expect(garbage.status).toBe(400);
    expect(garbage.body.code).toBe('statement_rejected');
    expect(garbage.body.fields.length).toBeGreaterThan(0);
    expect(await environment.ownerQuery('SELECT count(*)::int AS count FROM reconciliation_runs')).toEqual(before);
  });
});

describe("reconciling the channel's own statement, downloaded", () => {
  let phoneSerial = 0;
  async function payer(): Promise<{ home: CustomerWithAccount; portal: Client }> {
    phoneSerial += 1;
    const phone = `1373000${String(phoneSerial).padStart(4, '0')}`;
    const home = await givenCustomerWithAccount(environment, utility, { name: `下载户${phoneSerial}`, phone });
    const portal = await environment.loginPortal(utility, phone);
    expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: home.customer.name })).status).toBe(201);
    return { home, portal };
  }
  async function payOrder(portal: Client, accountId: string, channel: 'wechatpay' | 'alipay', topupFen: number): Promise<Order> {
    const order = await portal.post<Order>('/api/portal/payment-orders', { accountId, channel, topupFen });
    let url = new URL(order.body.payUrl as string);
    for (let hop = 0; hop < 5; hop += 1) {
      const page = await environment.app.inject({ method: 'GET', url: url.pathname + url.search });
      if (page.statusCode >= 300 && page.statusCode < 400 && page.headers.location) url = new URL(String(page.headers.location), url);
      else break;
    }
    environment.simulator.pay(channel, order.body.outTradeNo);
    return order.body;
  }
  const today = () => new Date(environment.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const paymentsOf = (orderId: string) => environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM payments WHERE order_id = $1', [orderId]);

  it.each(['wechatpay', 'alipay'] as const)('%s: a payment whose notification was lost is found, and crediting it credits it exactly once', async (channel) => {
    // A day of its own for each channel's run.
    environment.clock.advance(2 * 86_400_000);
    finance = await environment.loginStaff(utility, 'finance_clerk');
    const { home, portal } = await payer();
    const heard = await payOrder(portal, home.account.id, channel, 3_000);
    for (let attempt = 0; attempt < 200 && (await paymentsOf(heard.id))[0]?.count === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    environment.simulator.setDeliveryInterceptor(() => 'drop');
    const lost = await payOrder(portal, home.account.id, channel, 4_500);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await paymentsOf(lost.id))[0]?.count).toBe(0);

    const run = await finance.post<Run>('/api/reconciliations', { channel, date: today() });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ hasStatement: true, statement: { rows: 2, paymentFen: 7_500 }, ledger: { rows: 1, paymentFen: 3_000 }, matched: { rows: 1 } });
    expect(run.body.differences).toEqual([expect.objectContaining({ type: 'missing_in_ledger', kind: 'payment', outTradeNo: lost.outTradeNo, statementFen: 4_500, canCredit: true, resolution: null })]);
    const difference = run.body.differences[0] as Difference;

    // Five people press 信用入账 at once: one credits, the others are told it is done.
    const url = `/api/reconciliations/${run.body.id}/differences/${difference.id}/resolve`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => finance.post<Difference & ErrorBody>(url, { resolution: 'credited', note: '通知丢失，渠道已确认支付' })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const resolved = answers.find((answer) => answer.status === 200)?.body as Difference;
    expect(resolved).toMatchObject({ resolution: 'credited', canCredit: false });
    expect((await paymentsOf(lost.id))[0]?.count).toBe(1);
    const [payment] = await environment.ownerQuery<{ id: string; amount_fen: number }>('SELECT id, amount_fen FROM payments WHERE order_id = $1', [lost.id]);
    expect(resolved.resolutionPaymentId).toBe(payment?.id);
    expect(payment?.amount_fen).toBe(4_500);

    // The notification turns up after all: acknowledged as a repeat, nothing more is credited.
    environment.simulator.setDeliveryInterceptor(null);
    const late = await environment.simulator.sendNotification(channel, lost.outTradeNo);
    expect(late.statusCode).toBeLessThan(300);
    expect((await paymentsOf(lost.id))[0]?.count).toBe(1);
    const money = await finance.get<{ prepaidFen: number }>(`/api/accounts/${home.account.id}/money`);
    expect(money.body.prepaidFen).toBe(7_500);

    // Reconciled again, the day agrees.
    const rerun = await finance.post<Run>('/api/reconciliations', { channel, date: today() });
    expect(rerun.body).toMatchObject({ differenceCount: 0, matched: { rows: 2 } });
  });

  it('a day the channel has no statement for: every payment of ours that day is a difference', async () => {
    environment.clock.advance(2 * 86_400_000);
    finance = await environment.loginStaff(utility, 'finance_clerk');
    const run = await finance.post<Run>('/api/reconciliations', { channel: 'wechatpay', date: today() });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ hasStatement: false, statement: { rows: 0 }, ledger: { rows: 0 }, differenceCount: 0 });
    const future = await finance.post<ErrorBody>('/api/reconciliations', { channel: 'wechatpay', date: '2099-01-01' });
    expect(future.status).toBe(400);
    expect(future.body.fields).toEqual([{ field: 'date', zh: expect.any(String), en: expect.any(String) }]);
  });
});
