import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDailyCollection } from '../src/modules/collection';
import { expireWithholdingBatches, recordPayment } from '../src/modules/payments';
import { decodeGenericBatch, renderGenericWithholdingResult, type WithholdingResult } from '../src/modules/payments/files';
import { insertRegularBill } from './bill-factory';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

interface Mandate {
  id: string;
  accountId: string;
  bankCode: string;
  bankAccountMasked: string;
  holderName: string;
  status: 'active' | 'cancelled';
  cancelReason: string | null;
}
interface Item {
  sequence: number;
  accountId: string;
  accountNo: string;
  bankAccountMasked: string;
  amountFen: number;
  billRef: string;
  status: 'sent' | 'succeeded' | 'failed';
  failureCode: string | null;
  failureReason: string | null;
  paymentId: string | null;
  receiptNo: string | null;
}
interface Batch {
  id: string;
  batchNo: string;
  utilityCode: string;
  createdOn: string;
  status: 'sent' | 'completed';
  itemCount: number;
  totalFen: number;
  successCount: number;
  successFen: number;
  failedCount: number;
  failedFen: number;
  items: Item[];
}
interface ResultImport {
  batch: Batch;
  applied: number;
  unchanged: number;
}

let environment: TestEnvironment;
let utility: Utility;
let finance: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('wh');
  finance = await environment.loginStaff(utility, 'finance_clerk');
});
afterAll(() => environment.close());

afterEach(() => expectLedgerInvariants(environment));

let bankSerial = 0;
/** A bank of its own per test, so each test's batches see only its own mandates. */
const newBank = () => {
  bankSerial += 1;
  return `BANK${bankSerial}`;
};

/** Bills of 5,000 fen, not yet due on the test clock's day (2026-03-02) unless a test says otherwise. */
async function givenBills(home: CustomerWithAccount, periods: string[], dueOn = '2026-03-31'): Promise<void> {
  await environment.db.withTenant(utility.tenant.id, async (sql) => {
    for (const period of periods) await insertRegularBill(sql, utility.tenant.id, home.account.id, { period, consumptionLitres: 10_000, dueOn });
  });
}

const sign = (home: CustomerWithAccount, bankCode: string, bankAccountNo: string, holderName = home.customer.name) =>
  finance.post<Mandate & ErrorBody>('/api/withholding/mandates', { accountId: home.account.id, bankCode, bankAccountNo, holderName, signedOn: '2026-02-15' });

const counts = async () =>
  (
    await environment.ownerQuery<{ payments: number; settlements: number; audit: number; items: number; journals: number }>(
      `SELECT (SELECT count(*) FROM payments)::int AS payments, (SELECT count(*) FROM bill_settlements)::int AS settlements, (SELECT count(*) FROM audit_log)::int AS audit,
              (SELECT count(*) FROM withholding_items WHERE status <> 'sent')::int AS items, (SELECT count(DISTINCT journal_id) FROM ledger_entries)::int AS journals`,
    )
  )[0];

function resultFile(batch: Batch, outcomes: Record<number, 'success' | { code: string; reason: string }>, trailerOverride?: { totalFen?: number }, settledOn = '2026-03-03'): string {
  const results: WithholdingResult[] = batch.items.map((item) => {
    const outcome = outcomes[item.sequence] ?? 'success';
    return outcome === 'success'
      ? { sequence: item.sequence, accountNo: item.accountNo, status: 'success', amountFen: item.amountFen, failureCode: null, failureReason: null, bankRef: `REF${batch.batchNo}${item.sequence}`, settledOn }
      : { sequence: item.sequence, accountNo: item.accountNo, status: 'failed', amountFen: item.amountFen, failureCode: outcome.code, failureReason: outcome.reason, bankRef: null, settledOn: null };
  });
  return renderGenericWithholdingResult({ utilityCode: batch.utilityCode, batchNo: batch.batchNo, resultDate: settledOn, encoding: 'GBK', results, ...(trailerOverride ? { trailerOverride } : {}) }).bytes.toString('base64');
}

describe('withholding mandates', () => {
  it('keeps the bank account encrypted, shows it masked, reveals it only with an audit entry, and a new mandate supersedes the old', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '代扣张三' });
    const bank = newBank();
    const created = await sign(home, bank, '6222021234567890123');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ bankCode: bank, bankAccountMasked: '6222 **** **** 0123', holderName: '代扣张三', status: 'active' });
    expect(JSON.stringify(created.body)).not.toContain('6222021234567890123');

    const [raw] = await environment.ownerQuery<{ encrypted: Buffer; masked: string }>('SELECT bank_account_encrypted AS encrypted, bank_account_masked AS masked FROM withholding_mandates WHERE id = $1', [created.body.id]);
    expect(raw?.masked).toBe('6222 **** **** 0123');
    expect(Buffer.from(raw?.encrypted ?? []).toString('latin1')).not.toContain('6222021234567890123');
    expect(Buffer.from(raw?.encrypted ?? []).toString('hex')).not.toContain(Buffer.from('6222021234567890123').toString('hex'));
    const [columns] = await environment.ownerQuery<{ text: string }>("SELECT string_agg(t::text, ' ') AS text FROM withholding_mandates t WHERE id = $1", [created.body.id]);
    expect(columns?.text).not.toContain('6222021234567890123');

    const listed = await finance.get<{ mandates: Mandate[] }>(`/api/withholding/mandates?accountId=${home.account.id}`);
    expect(listed.body.mandates.map((mandate) => mandate.bankAccountMasked)).toEqual(['6222 **** **** 0123']);

    const auditBefore = (await counts())?.audit ?? 0;
    const revealed = await finance.post<{ bankAccountNo: string }>(`/api/withholding/mandates/${created.body.id}/reveal`);
    expect(revealed.body).toEqual({ bankAccountNo: '6222021234567890123' });
    const [entry] = await environment.ownerQuery<{ action: string; after: Record<string, unknown> }>("SELECT action, after FROM audit_log WHERE object_id = $1 AND action LIKE '%reveal%'", [created.body.id]);
    expect(entry).toEqual({ action: 'withholding_mandate.reveal.bankAccount', after: { field: 'bankAccountNo', masked: '6222 **** **** 0123' } });
    expect((await counts())?.audit).toBe(auditBefore + 1);

    // A counter clerk (no withholding.manage) cannot reveal it.
    const clerk = await environment.loginStaff(utility, 'counter_clerk');
    expect((await clerk.post(`/api/withholding/mandates/${created.body.id}/reveal`)).status).toBe(403);

    const replaced = await sign(home, bank, '6228481234567890');
    expect(replaced.status).toBe(201);
    const both = await finance.get<{ mandates: Mandate[] }>(`/api/withholding/mandates?accountId=${home.account.id}`);
    expect(both.body.mandates.map((mandate) => [mandate.bankAccountMasked, mandate.status, mandate.cancelReason])).toEqual([
      ['6228 **** **** 7890', 'active', null],
      ['6222 **** **** 0123', 'cancelled', 'superseded'],
    ]);
    const cancelled = await finance.post<Mandate>(`/api/withholding/mandates/${replaced.body.id}/cancel`, { reason: '客户申请解约' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '客户申请解约' });
    expect((await finance.post<ErrorBody>(`/api/withholding/mandates/${replaced.body.id}/cancel`, {})).body.code).toBe('mandate_cancelled');
    const invalid = await finance.post<ErrorBody>('/api/withholding/mandates', { accountId: home.account.id, bankCode: bank, bankAccountNo: '6222-0212', holderName: '代扣张三', signedOn: '2026-02-15' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.fields.map((field) => field.field)).toEqual(['bankAccountNo']);
  });
});

describe('withholding batches', () => {
  it('collects what active mandates owe, encodes the file, imports successes as payments exactly once and keeps failures', async () => {
    const bank = newBank();
    const first = await givenCustomerWithAccount(environment, utility, { name: '代扣甲' });
    const second = await givenCustomerWithAccount(environment, utility, { name: '代扣乙' });
    const unsigned = await givenCustomerWithAccount(environment, utility, { name: '未签约' });
    const cancelled = await givenCustomerWithAccount(environment, utility, { name: '已解约' });
    const paidUp = await givenCustomerWithAccount(environment, utility, { name: '无欠费' });
    await givenBills(first, ['2025-12', '2026-01']); // 5,000 fen each
    await givenBills(second, ['2026-01']);
    await givenBills(unsigned, ['2026-01']);
    await givenBills(cancelled, ['2026-01']);
    expect((await sign(first, bank, '6222021234567890123')).status).toBe(201);
    expect((await sign(second, bank, '6228481234567890')).status).toBe(201);
    expect((await sign(paidUp, bank, '6217001234567890123')).status).toBe(201);
    const gone = await sign(cancelled, bank, '6217001234567890999');
    await finance.post(`/api/withholding/mandates/${gone.body.id}/cancel`, {});

    const created = await finance.post<Batch>('/api/withholding/batches', { bankCode: bank });
    expect(created.status).toBe(201);
    const batch = created.body;
    expect(batch).toMatchObject({ status: 'sent', itemCount: 2, totalFen: 15_000, utilityCode: 'WH', createdOn: '2026-03-02' });
    expect(batch.batchNo).toMatch(/^WH20260302\d{6}$/);
    // One item per account, in account-number order (the first household was opened first).
    expect(batch.items.map((item) => [item.accountId, item.amountFen, item.status, item.bankAccountMasked])).toEqual([
      [first.account.id, 10_000, 'sent', '6222 **** **** 0123'],
      [second.account.id, 5_000, 'sent', '6228 **** **** 7890'],
    ]);
    expect(batch.items.find((item) => item.accountId === first.account.id)?.billRef).toMatch(/\+1$/);

    // Nothing more to ask for while the batch awaits its result.
    const again = await finance.post<ErrorBody>('/api/withholding/batches', { bankCode: bank });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('nothing_to_withhold');

    // The bank's file: the full numbers are in it (the bank needs them), and it reads back as the batch.
    const file = await finance.get(`/api/withholding/batches/${batch.id}/file`);
    expect(file.status).toBe(200);
    expect(String(file.headers['content-disposition'])).toContain(`SWDK_WH_${batch.batchNo}_20260302_REQ.txt`);
    const decoded = decodeGenericBatch(file.rawBody as Buffer);
    expect(decoded.errors).toEqual([]);
    expect(decoded.batch?.items.map((item) => [item.accountNo, item.bankAccountNo, item.amountFen])).toEqual(batch.items.map((item) => [item.accountNo, item.accountId === first.account.id ? '6222021234567890123' : '6228481234567890', item.amountFen]));
    const [download] = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE object_id = $1 AND action = 'withholding_batch.download'", [batch.id]);
    expect(download?.count).toBe(1);

    // The result: the first debited, the second refused for lack of funds.
    const secondItem = batch.items.find((item) => item.accountId === second.account.id) as Item;
    const body = { file: resultFile(batch, { [secondItem.sequence]: { code: 'E01', reason: '余额不足' } }) };
    const before = await counts();
    const imported = await finance.post<ResultImport>(`/api/withholding/batches/${batch.id}/result`, body);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ applied: 2, unchanged: 0, batch: { status: 'completed', successCount: 1, successFen: 10_000, failedCount: 1, failedFen: 5_000 } });
    const items = imported.body.batch.items;
    expect(items.find((item) => item.accountId === second.account.id)).toMatchObject({ status: 'failed', failureCode: 'E01', failureReason: '余额不足', paymentId: null });
    const debited = items.find((item) => item.accountId === first.account.id) as Item;
    expect(debited).toMatchObject({ status: 'succeeded', paymentId: expect.any(String), receiptNo: expect.stringMatching(/^SK/) });
    const after = await counts();
    expect(after).toMatchObject({ payments: (before?.payments ?? 0) + 1, settlements: (before?.settlements ?? 0) + 2, items: (before?.items ?? 0) + 2, journals: (before?.journals ?? 0) + 1 });
    const [payment] = await environment.ownerQuery<{ channel: string; amount_fen: number; allocated_fen: number; channel_trade_no: string }>('SELECT channel, amount_fen, allocated_fen, channel_trade_no FROM payments WHERE id = $1', [debited.paymentId]);
    expect(payment).toEqual({ channel: 'bank_withholding', amount_fen: 10_000, allocated_fen: 10_000, channel_trade_no: `REF${batch.batchNo}${debited.sequence}` });
    const money = await finance.get<{ balanceFen: number }>(`/api/accounts/${first.account.id}/money`);
    expect(money.body.balanceFen).toBe(0);

    // The same file again: nothing changes.
    const repeat = await finance.post<ResultImport>(`/api/withholding/batches/${batch.id}/result`, body);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toMatchObject({ applied: 0, unchanged: 2 });
    expect(await counts()).toEqual(after);

    // A file that says otherwise about an item already imported is refused, and nothing changes.
    const contradicting = await finance.post<ErrorBody>(`/api/withholding/batches/${batch.id}/result`, { file: resultFile(batch, {}) });
    expect(contradicting.status).toBe(409);
    expect(contradicting.body).toMatchObject({ code: 'result_conflicts', fields: [{ field: `sequence ${secondItem.sequence}` }] });
    expect(await counts()).toEqual(after);

    // The failed account owes again, so a new batch asks for it.
    const next = await finance.post<Batch>('/api/withholding/batches', { bankCode: bank });
    expect(next.body.items.map((item) => [item.accountId, item.amountFen])).toEqual([[second.account.id, 5_000]]);

    const list = await finance.get<{ batches: Batch[] }>('/api/withholding/batches');
    expect(list.body.batches.slice(0, 2).map((item) => item.id)).toEqual([next.body.id, batch.id]);
  });

  it('refuses a result file with a wrong trailer total (400, every problem listed) and writes nothing', async () => {
    const bank = newBank();
    const home = await givenCustomerWithAccount(environment, utility, { name: '尾行错' });
    await givenBills(home, ['2026-01']);
    await sign(home, bank, '6222021234567890123');
    const batch = (await finance.post<Batch>('/api/withholding/batches', { bankCode: bank })).body;
    const before = await counts();
    const wrong = await finance.post<ErrorBody>(`/api/withholding/batches/${batch.id}/result`, { file: resultFile(batch, {}, { totalFen: 4_999 }) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('result_file_rejected');
    expect(wrong.body.fields.length).toBeGreaterThan(0);
    expect(wrong.body.fields.every((field) => field.field.startsWith('row ') && field.zh && field.en)).toBe(true);
    expect(wrong.body.fields.some((field) => field.field.includes('total_fen'))).toBe(true);
    expect(await counts()).toEqual(before);
    const detail = await finance.get<Batch>(`/api/withholding/batches/${batch.id}`);
    expect(detail.body).toMatchObject({ status: 'sent', successCount: 0, items: [{ status: 'sent' }] });
    // A file for another batch is refused too.
    const garbage = await finance.post<ErrorBody>(`/api/withholding/batches/${batch.id}/result`, { file: Buffer.from('H|nonsense\r\n').toString('base64') });
    expect(garbage.status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('imports 10 concurrent uploads of one result file as one payment', async () => {
    const bank = newBank();
    const home = await givenCustomerWithAccount(environment, utility, { name: '并发导入' });
    await givenBills(home, ['2026-01']);
    await sign(home, bank, '6222021234567890123');
    const batch = (await finance.post<Batch>('/api/withholding/batches', { bankCode: bank })).body;
    const body = { file: resultFile(batch, {}) };
    const answers = await Promise.all(Array.from({ length: 10 }, () => finance.post<ResultImport>(`/api/withholding/batches/${batch.id}/result`, body)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(answers.reduce((sum, answer) => sum + answer.body.applied, 0)).toBe(1);
    const [payments] = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM payments WHERE account_id = $1 AND channel = 'bank_withholding'", [home.account.id]);
    expect(payments?.count).toBe(1);
  });

  it('asks for the late fees owed today with the bills; a debit that succeeds later clears both, the days the bank took not charged', async () => {
    const bank = newBank();
    const home = await givenCustomerWithAccount(environment, utility, { name: '代扣滞纳' });
    await givenBills(home, ['2025-12'], '2026-02-20'); // 9 days (02-21 … 03-01) on 5,000 fen: 22.5 → 23
    await sign(home, bank, '6222021234567890123');
    const batch = (await finance.post<Batch>('/api/withholding/batches', { bankCode: bank })).body;
    expect(batch.items.map((item) => item.amountFen)).toEqual([5_023]);
    // The bank debits on 03-03 (the result file's date); the file comes in on 03-05, after two daily runs.
    for (let run = 0; run < 2; run += 1) {
      environment.clock.advance(86_400_000);
      await runDailyCollection(environment.context, utility.tenant.id);
    }
    environment.clock.advance(86_400_000);
    const imported = await (await environment.loginStaff(utility, 'finance_clerk')).post<ResultImport>(`/api/withholding/batches/${batch.id}/result`, { file: resultFile(batch, {}) });
    expect(imported.body.batch).toMatchObject({ status: 'completed', successFen: 5_023 });
    const money = await (await environment.loginStaff(utility, 'finance_clerk')).get<{ balanceFen: number; lateFeeFen: number }>(`/api/accounts/${home.account.id}/money`);
    expect(money.body).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
    environment.clock.set('2026-03-02T02:00:00Z');
  });

  it('charges the days the bank had the debit in hand when the debit fails', async () => {
    const bank = newBank();
    const home = await givenCustomerWithAccount(environment, utility, { name: '代扣失败滞纳' });
    await givenBills(home, ['2025-12'], '2026-02-20');
    await sign(home, bank, '6222021234567890123');
    const batch = (await finance.post<Batch>('/api/withholding/batches', { bankCode: bank })).body;
    environment.clock.advance(86_400_000); // 03-03: the run waits on the pending debit
    await runDailyCollection(environment.context, utility.tenant.id);
    const client = await environment.loginStaff(utility, 'finance_clerk');
    expect((await client.get<{ lateFeeFen: number }>(`/api/accounts/${home.account.id}/money`)).body.lateFeeFen).toBe(23);
    const item = batch.items[0] as Item;
    await client.post(`/api/withholding/batches/${batch.id}/result`, { file: resultFile(batch, { [item.sequence]: { code: 'E01', reason: '余额不足' } }) });
    // 03-02 is charged now: 10 days on 5,000 (250,000 → 25).
    expect((await client.get<{ lateFeeFen: number }>(`/api/accounts/${home.account.id}/money`)).body.lateFeeFen).toBe(25);
    environment.clock.set('2026-03-02T02:00:00Z');
  });

  it('a debit asked for while an online order of the account waited carries the late fees through the day before that order: the days from then are waived, those before charged', async ({ onTestFinished }) => {
    onTestFinished(() => environment.clock.set('2026-03-02T02:00:00Z'));
    const bank = newBank();
    const home = await givenCustomerWithAccount(environment, utility, { name: '跨夜代扣' });
    await givenBills(home, ['2025-12'], '2026-02-20'); // 5,000 fen, charged from 02-21
    await sign(home, bank, '6222021234567890123');
    // 23:50 Beijing on 03-03: the customer places an online order for the bill (its fees through 03-02), never paid.
    environment.clock.set('2026-03-03T15:50:00Z');
    const [order] = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ id: string }>(
        `INSERT INTO payment_orders (tenant_id, out_trade_no, channel, account_id, purpose, amount_fen, created_at, expires_at, late_fees_through)
         VALUES ($1, 'WHNIGHT0001', 'wechatpay', $2, 'bills', 5025, $3, $3::timestamptz + interval '30 minutes', '2026-03-02') RETURNING id`,
        [utility.tenant.id, home.account.id, environment.clock.now()],
      ),
    );
    // 00:05 on 03-04, the order still open: the batch of 03-04 asks for the fees through 03-02 only — 10 days on
    // 5,000 fen (250,000 → 25) — since 03-03 waits on the order.
    environment.clock.set('2026-03-03T16:05:00Z');
    const clerk = await environment.loginStaff(utility, 'finance_clerk');
    const batch = (await clerk.post<Batch>('/api/withholding/batches', { bankCode: bank })).body;
    expect(batch).toMatchObject({ createdOn: '2026-03-04', items: [{ accountId: home.account.id, amountFen: 5_025 }] });
    const [item] = await environment.ownerQuery<{ late_fees_through: string }>('SELECT late_fees_through::text FROM withholding_items WHERE batch_id = $1', [batch.id]);
    expect(item?.late_fees_through).toBe('2026-03-02');
    // The order is closed unpaid; the bank debits the 5,025 on the batch day, the file is imported at 10:00.
    await environment.ownerQuery("UPDATE payment_orders SET status = 'closed' WHERE id = $1", [order?.id]);
    environment.clock.set('2026-03-04T02:00:00Z');
    const imported = await (await environment.loginStaff(utility, 'finance_clerk')).post<ResultImport>(`/api/withholding/batches/${batch.id}/result`, { file: resultFile(batch, {}, undefined, '2026-03-04') });
    expect(imported.body.batch, JSON.stringify(imported.body)).toMatchObject({ status: 'completed', successFen: 5_025 });
    // 03-03 (the day the money was asked for from the batch's point of view, waiting on the order and then the bank)
    // is waived: nothing is owed. Waived from the batch day instead, 03-03 would be charged: 275,000 → 28, 3 fen owed.
    const money = async () => (await (await environment.loginStaff(utility, 'finance_clerk')).get<{ balanceFen: number; lateFeeFen: number }>(`/api/accounts/${home.account.id}/money`)).body;
    expect(await money()).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
    const waivers = await environment.ownerQuery<{ from_day: string; to_day: string }>('SELECT from_day::text, to_day::text FROM late_fee_waivers WHERE account_id = $1', [home.account.id]);
    expect(waivers).toEqual([{ from_day: '2026-03-03', to_day: '2026-03-03' }]);
    // The days before (02-21 … 03-02) are charged and paid: 25 fen of revenue, on a basis of exactly those 10 days.
    const [accrual] = await environment.ownerQuery<{ basis: string; accrued_through: string; posted_fen: number }>('SELECT basis::text, accrued_through::text, posted_fen FROM late_fee_accruals WHERE account_id = $1', [home.account.id]);
    expect(accrual).toEqual({ basis: '250000', accrued_through: '2026-03-03', posted_fen: 25 });
    const [revenue] = await environment.ownerQuery<{ fen: number }>(
      "SELECT sum(credit_fen - debit_fen)::int8 AS fen FROM ledger_entries WHERE ledger_account = 'late_fee_revenue' AND journal_id IN (SELECT journal_id FROM ledger_entries WHERE account_id = $1)",
      [home.account.id],
    );
    expect(revenue?.fen).toBe(25);
    // Later runs charge nothing more.
    environment.clock.advance(3 * 86_400_000);
    await runDailyCollection(environment.context, utility.tenant.id);
    expect(await money()).toMatchObject({ balanceFen: 0, lateFeeFen: 0 });
  });

  it('expires a batch whose result file did not come within the configured days: its bills are released and a late result file is refused', async ({ onTestFinished }) => {
    onTestFinished(async () => {
      environment.clock.set('2026-03-02T02:00:00Z');
      const admin = await environment.loginStaff(utility, 'admin');
      const current = await admin.get<{ version: number }>('/api/settings');
      await admin.patch('/api/settings', { version: current.body.version, collection: { withholdingResultDays: 10 } });
    });
    const bank = newBank();
    const home = await givenCustomerWithAccount(environment, utility, { name: '代扣过期' });
    await givenBills(home, ['2026-01']);
    await sign(home, bank, '6222021234567890123');
    const admin = await environment.loginStaff(utility, 'admin');
    const settings = await admin.get<{ version: number; collection: { withholdingResultDays: number } }>('/api/settings');
    expect(settings.body.collection.withholdingResultDays).toBe(10);
    expect((await admin.patch('/api/settings', { version: settings.body.version, collection: { withholdingResultDays: 3 } })).status).toBe(200);
    const batch = (await finance.post<Batch>('/api/withholding/batches', { bankCode: bank })).body;
    // Nothing more to ask for while the bank has it.
    expect((await finance.post<ErrorBody>('/api/withholding/batches', { bankCode: bank })).body.code).toBe('nothing_to_withhold');

    // On the 3rd day after the batch it still waits; on the 4th it expires (once, whoever runs it).
    environment.clock.advance(3 * 86_400_000);
    expect(await expireWithholdingBatches(environment.context, utility.tenant.id)).toBe(0);
    environment.clock.advance(86_400_000);
    // Other tests' batches of the utility may expire with it; two concurrent runs expire each batch once.
    const expiredCounts = await Promise.all([expireWithholdingBatches(environment.context, utility.tenant.id), expireWithholdingBatches(environment.context, utility.tenant.id)]);
    expect(expiredCounts.filter((count) => count > 0)).toHaveLength(1);
    expect(await expireWithholdingBatches(environment.context, utility.tenant.id)).toBe(0);
    const client = await environment.loginStaff(utility, 'finance_clerk');
    const expired = await client.get<Batch & { expiredAt: string | null }>(`/api/withholding/batches/${batch.id}`);
    expect(expired.body).toMatchObject({ status: 'expired', expiredAt: expect.any(String) });
    expect(expired.body.items.map((item) => item.status)).toEqual(['expired']);
    const [audit] = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE object_id = $1 AND action = 'withholding_batch.expire'", [batch.id]);
    expect(audit?.count).toBe(1);

    // The bank's file arrives late: refused with a clear error, nothing written.
    const before = await counts();
    const late = await client.post<ErrorBody>(`/api/withholding/batches/${batch.id}/result`, { file: resultFile(batch, {}) });
    expect([late.status, late.body.code]).toEqual([409, 'batch_expired']);
    expect(late.body.message.zh).toContain('已过期');
    expect(await counts()).toEqual(before);

    // The bills are free again: a new batch asks for them.
    const next = await client.post<Batch>('/api/withholding/batches', { bankCode: bank });
    expect(next.body.items.map((item) => [item.accountId, item.amountFen])).toEqual([[home.account.id, 5_000]]);
  });

  it('refuses an unknown file format and a batch for a bank with nothing to withhold', async () => {
    const unknown = await finance.post<ErrorBody>('/api/withholding/batches', { bankCode: 'ICBC', adapterId: 'icbc-v9' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.fields.map((field) => field.field)).toEqual(['adapterId']);
    const empty = await finance.post<ErrorBody>('/api/withholding/batches', { bankCode: 'NOBANK' });
    expect(empty.status).toBe(409);
    expect(empty.body.code).toBe('nothing_to_withhold');
  });
});

describe('late-fee windows waived before migration 0044 recorded (backfill_late_fee_waivers, migration 0047)', () => {
  it('records each window the code before 0044 waived exactly, skips what is already recorded and what history does not tell, and records nothing twice', async () => {
    const tenantId = utility.tenant.id;
    const bank = newBank();
    const home = (name: string) => givenCustomerWithAccount(environment, utility, { name });
    /** A withholding item of a batch made on `createdOn`, debited on `settledOn` (or failed), as it stands in history. */
    const pastItem = async (account: CustomerWithAccount, mandateId: string, batchNo: string, createdOn: string, settledOn: string | 'failed', lateFeesThrough: string | null = null) =>
      environment.db.withTenant(tenantId, async (sql) => {
        const now = environment.clock.now();
        const payment = settledOn === 'failed' ? null : await recordPayment(sql, tenantId, { accountId: account.account.id, method: 'bank_withholding', amountFen: 100, receivedAt: now, businessDate: settledOn, channelTradeNo: `REF${batchNo}` });
        const [batch] = await sql.query<{ id: string }>(
          `INSERT INTO withholding_batches (tenant_id, batch_no, bank_code, adapter_id, utility_code, created_on, status, item_count, total_fen, success_count, success_fen, failed_count, failed_fen, created_at, created_by, result_imported_at)
           VALUES ($1, $2, $3, 'shuiwu-generic-v1', 'WH', $4, 'completed', 1, 100, $5, $6, $7, $8, $9, 'seed', $9) RETURNING id`,
          [tenantId, batchNo, bank, createdOn, payment ? 1 : 0, payment ? 100 : 0, payment ? 0 : 1, payment ? 0 : 100, now],
        );
        await sql.query(
          `INSERT INTO withholding_items (tenant_id, batch_id, sequence, mandate_id, account_id, amount_fen, bill_ref, status, failure_code, settled_on, payment_id, resulted_at, late_fees_through)
           VALUES ($1, $2, 1, $3, $4, 100, 'SEED', $5, $6, $7, $8, $9, $10)`,
          [tenantId, batch?.id, mandateId, account.account.id, payment ? 'succeeded' : 'failed', payment ? null : 'E01', payment ? settledOn : null, payment?.id ?? null, now, lateFeesThrough],
        );
      });
    /** An online order placed at `createdAt`, paid on `paidOn`, as it stands in history. */
    const pastOrder = async (account: CustomerWithAccount, outTradeNo: string, purpose: 'bills' | 'topup', createdAt: string, paidOn: string, lateFeesThrough: string | null = null) =>
      environment.db.withTenant(tenantId, async (sql) => {
        const [order] = await sql.query<{ id: string }>(
          `INSERT INTO payment_orders (tenant_id, out_trade_no, channel, account_id, purpose, amount_fen, created_at, expires_at, late_fees_through)
           VALUES ($1, $2, 'wechatpay', $3, $4, 100, $5, $5::timestamptz + interval '30 minutes', $6) RETURNING id`,
          [tenantId, outTradeNo, account.account.id, purpose, createdAt, lateFeesThrough],
        );
        const paidAt = new Date(createdAt);
        const payment = await recordPayment(sql, tenantId, { accountId: account.account.id, method: 'wechatpay', amountFen: 100, receivedAt: paidAt, businessDate: paidOn, orderId: order?.id ?? null });
        await sql.query("UPDATE payment_orders SET status = 'paid', payment_id = $2, paid_at = $3 WHERE id = $1", [order?.id, payment.id, paidAt]);
        return payment.id;
      });
    const mandate = async (account: CustomerWithAccount, serial: number) => (await sign(account, bank, `62220212345678${String(serial).padStart(5, '0')}`)).body.id;

    // Debited three days after its batch: 02-10 … 02-12 were waived.
    const debitedLater = await home('回填甲');
    await pastItem(debitedLater, await mandate(debitedLater, 1), 'OLD0001', '2026-02-10', '2026-02-13');
    // Debited on the batch day, and a debit that failed: nothing was waived.
    const sameDay = await home('回填乙');
    const sameDayMandate = await mandate(sameDay, 2);
    await pastItem(sameDay, sameDayMandate, 'OLD0002', '2026-02-10', '2026-02-10');
    await pastItem(sameDay, sameDayMandate, 'OLD0003', '2026-02-11', 'failed');
    // An item made since 0047 (it has its late_fees_through): the code that credited it recorded its window.
    const recent = await home('回填丙');
    await pastItem(recent, await mandate(recent, 3), 'NEW0004', '2026-02-10', '2026-02-13', '2026-02-09');
    // Debited later, its window already recorded (since 0044): not recorded twice.
    const recorded = await home('回填丁');
    await pastItem(recorded, await mandate(recorded, 4), 'OLD0005', '2026-02-10', '2026-02-13');
    await environment.db.withTenant(tenantId, (sql) =>
      sql.query("INSERT INTO late_fee_waivers (tenant_id, account_id, from_day, to_day, created_at) VALUES ($1, $2, '2026-02-10', '2026-02-12', $3)", [tenantId, recorded.account.id, environment.clock.now()]),
    );
    // An order for the bills placed at 00:30 Beijing on 02-12 (16:30 on 02-11 UTC), credited on 02-14: 02-12 … 02-13.
    const orderedLater = await home('回填戊');
    await pastOrder(orderedLater, 'OLDORDER0001', 'bills', '2026-02-11T16:30:00Z', '2026-02-14');
    // Credited the day it was placed, and a top-up credited days later: nothing waived.
    const orderedSameDay = await home('回填己');
    await pastOrder(orderedSameDay, 'OLDORDER0002', 'bills', '2026-02-11T02:00:00Z', '2026-02-11');
    await pastOrder(orderedSameDay, 'OLDORDER0003', 'topup', '2026-02-11T02:00:00Z', '2026-02-14');
    // Credited by a clerk from reconciliation: the order had likely been closed and its days charged — not derivable.
    const foundLater = await home('回填庚');
    const foundPayment = await pastOrder(foundLater, 'OLDORDER0004', 'bills', '2026-02-11T02:00:00Z', '2026-02-14');
    await environment.db.withTenant(tenantId, async (sql) => {
      const staffId = utility.staff.finance_clerk.id;
      const now = environment.clock.now();
      const [run] = await sql.query<{ id: string }>(
        `INSERT INTO reconciliation_runs (tenant_id, channel, statement_date, source, has_statement, statement_rows, statement_payment_fen, statement_refund_fen, ledger_rows, ledger_payment_fen,
           ledger_refund_fen, matched_rows, matched_payment_fen, matched_refund_fen, difference_count, created_by, created_at)
         VALUES ($1, 'wechatpay', '2026-02-11', 'import', false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, $2, $3) RETURNING id`,
        [tenantId, staffId, now],
      );
      await sql.query(
        `INSERT INTO reconciliation_differences (tenant_id, run_id, seq, type, kind, out_trade_no, description_zh, description_en, resolution, note, resolved_by, resolved_at, resolution_payment_id)
         VALUES ($1, $2, 1, 'missing_in_ledger', 'payment', 'OLDORDER0004', '账务缺少', 'Missing in the ledger', 'credited', '通知丢失', $3, $4, $5)`,
        [tenantId, run?.id, staffId, now, foundPayment],
      );
    });
    // An order placed since 0044 (its late_fees_through): recorded when it was credited.
    const orderedRecently = await home('回填辛');
    await pastOrder(orderedRecently, 'NEWORDER0005', 'bills', '2026-02-11T02:00:00Z', '2026-02-14', '2026-02-10');

    const accounts = [debitedLater, sameDay, recent, recorded, orderedLater, orderedSameDay, foundLater, orderedRecently];
    const names = new Map(accounts.map((account) => [account.account.id, account.customer.name]));
    const waivers = async () =>
      (
        await environment.ownerQuery<{ account_id: string; from_day: string; to_day: string }>(
          'SELECT account_id, from_day::text, to_day::text FROM late_fee_waivers WHERE account_id = ANY($1::uuid[]) ORDER BY from_day, to_day',
          [accounts.map((account) => account.account.id)],
        )
      ).map((row) => [names.get(row.account_id), row.from_day, row.to_day]);
    const backfill = () => environment.db.withTenant(tenantId, async (sql) => (await sql.query<{ recorded: number }>('SELECT backfill_late_fee_waivers() AS recorded'))[0]?.recorded);

    expect(await backfill()).toBe(2);
    const expected = [
      ['回填甲', '2026-02-10', '2026-02-12'],
      ['回填丁', '2026-02-10', '2026-02-12'],
      ['回填戊', '2026-02-12', '2026-02-13'],
    ];
    expect((await waivers()).sort()).toEqual(expected.sort());
    // Run again (or by the migration on a database where it already ran): nothing more.
    expect(await backfill()).toBe(0);
    expect((await waivers()).sort()).toEqual(expected.sort());
  });
});
