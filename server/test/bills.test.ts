import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoTariffs } from '../src/modules/tariffs';
import { givenBill, givenPayment, type TestBill } from './bill-factory';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Bill {
  id: string;
  billNo: string;
  kind: string;
  period: string;
  totalFen: number;
  consumptionLitres: number;
  isEstimated: boolean;
  adjustsBillId: string | null;
  netTotalFen: number | null;
  outstandingFen: number | null;
  status: string | null;
}
interface BillLine {
  lineNo: number;
  lineType: string;
  tier: number | null;
  quantityLitres: number | null;
  amountFen: number;
  description: string;
}
interface BillDetail {
  bill: Bill;
  lines: BillLine[];
  notes: (Bill & { lines: BillLine[] })[];
  original: Bill | null;
  account: { accountNo: string; holderNameMasked: string };
  remainingFen: number;
  balanceFen: number;
}
interface AdjustmentResult {
  notes: (Bill & { lines: BillLine[] })[];
  remainingFen: number;
  balanceFen: number;
}

let environment: TestEnvironment;
let utility: Utility;
let home: CustomerWithAccount;
let other: CustomerWithAccount;
let clerk: Client;
let billing: Client;
let owner: Client;
let neighbour: Client;
/** Home's bills, 2025-04 to 2026-02, oldest first. */
const bills: TestBill[] = [];
const PERIODS = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02'];
const USE = [9_000, 10_500, 12_250, 16_000, 18_420, 15_000, 11_000, 0, 9_800, 10_200, 12_345];

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('bills');
  home = await givenCustomerWithAccount(environment, utility, { name: '王秀英' });
  other = await givenCustomerWithAccount(environment, utility, { name: '李建国' });
  for (const [index, period] of PERIODS.entries()) {
    bills.push(await givenBill(environment, utility, home.account.id, { period, consumptionLitres: USE[index] as number, isEstimated: period === '2025-10' }));
  }
  await givenBill(environment, utility, other.account.id, { period: '2026-02', consumptionLitres: 5_000 });
  // Before any tariff was in force (the demo tariffs start on 2024-01-01): cannot be re-billed.
  await givenBill(environment, utility, other.account.id, { period: '2023-06', consumptionLitres: 5_000 });
  await environment.db.withTenant(utility.tenant.id, (sql) => seedDemoTariffs(environment.context, sql, utility.tenant.id));
  clerk = await environment.loginStaff(utility, 'counter_clerk');
  billing = await environment.loginStaff(utility, 'billing_clerk');
  owner = await environment.loginPortal(utility, '13700007777');
  neighbour = await environment.loginPortal(utility, '13700008888');
  expect((await owner.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '王秀英' })).status).toBe(201);
  expect((await neighbour.post('/api/portal/bindings', { accountNo: other.account.accountNo, holderName: '李建国' })).status).toBe(201);
});
afterAll(() => environment.close());

const latest = () => bills.at(-1) as TestBill;
const ledgerOf = (billIds: string[]) =>
  environment.db.withTenant(utility.tenant.id, (sql) =>
    sql.query<{ ledger_account: string; debit: number; credit: number }>(
      `SELECT ledger_account, sum(debit_fen)::int8 AS debit, sum(credit_fen)::int8 AS credit FROM ledger_entries WHERE bill_id = ANY($1::uuid[])
       GROUP BY ledger_account ORDER BY ledger_account`,
      [billIds],
    ),
  );

describe('reading bills (staff)', () => {
  it('lists an account’s bills newest first, in pages, with the balance', async () => {
    const first = await clerk.get<{ bills: Bill[]; total: number; balanceFen: number }>(`/api/accounts/${home.account.id}/bills?page=1&pageSize=4`);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(11);
    expect(first.body.bills.map((bill) => bill.period)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
    const last = await clerk.get<{ bills: Bill[] }>(`/api/accounts/${home.account.id}/bills?page=3&pageSize=4`);
    expect(last.body.bills.map((bill) => bill.period)).toEqual(['2025-06', '2025-05', '2025-04']);
    expect(first.body.balanceFen).toBe(bills.reduce((sum, bill) => sum + bill.totalFen, 0));
  });

  it('says where each bill stands: what is owed is owed on the newest bills, past due ones are overdue', async () => {
    const total = bills.reduce((sum, bill) => sum + bill.totalFen, 0);
    const newest = latest().totalFen;
    // Paid everything but the newest bill and half of the one before it.
    const previous = (bills.at(-2) as TestBill).totalFen;
    await givenPayment(environment, utility, home.account.id, total - newest - Math.floor(previous / 2));
    const listed = await clerk.get<{ bills: Bill[]; balanceFen: number }>(`/api/accounts/${home.account.id}/bills?pageSize=4`);
    expect(listed.body.balanceFen).toBe(newest + Math.floor(previous / 2));
    const [february, january, december, november] = listed.body.bills as [Bill, Bill, Bill, Bill];
    // The clock stands at 2026-03-02: February's bill (issued 03-03, due 03-18) is not yet due, January's is.
    expect(february).toMatchObject({ status: 'unpaid', outstandingFen: newest, netTotalFen: newest });
    expect(january).toMatchObject({ status: 'overdue', outstandingFen: Math.floor(previous / 2) });
    expect(december).toMatchObject({ status: 'paid', outstandingFen: 0 });
    // A bill of nothing (no use, no fixed charge) owes nothing.
    expect(november).toMatchObject({ consumptionLitres: 0, totalFen: 0, status: 'paid', outstandingFen: 0 });
  });

  it('shows a bill with its three fees, the readings and the balance', async () => {
    const detail = await clerk.get<BillDetail>(`/api/bills/${latest().id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.lines.map((line) => line.lineType)).toEqual(['water', 'sewage', 'resource']);
    expect(detail.body.lines.map((line) => line.amountFen)).toEqual([2555, 1679, 1938]);
    expect(detail.body.bill.totalFen).toBe(2555 + 1679 + 1938);
    expect(detail.body.account).toMatchObject({ accountNo: home.account.accountNo, holderNameMasked: '王*英' });
    expect(detail.body.notes).toEqual([]);
    expect(detail.body.remainingFen).toBe(detail.body.bill.totalFen);
  });

  it('gives twelve months of use ending at the latest billed period, with gaps as null', async () => {
    const usage = await clerk.get<{ points: { period: string; consumptionLitres: number | null; isEstimated: boolean }[] }>(`/api/accounts/${home.account.id}/usage?months=12`);
    expect(usage.status).toBe(200);
    expect(usage.body.points.map((point) => point.period)).toEqual(['2025-03', ...PERIODS]);
    expect(usage.body.points.map((point) => point.consumptionLitres)).toEqual([null, ...USE]);
    expect(usage.body.points.find((point) => point.period === '2025-10')?.isEstimated).toBe(true);
  });

  it('answers 404 for an account or bill that does not exist', async () => {
    expect((await clerk.get<ErrorBody>('/api/bills/00000000-0000-4000-8000-000000000000')).body.code).toBe('not_found');
    expect((await clerk.get('/api/accounts/00000000-0000-4000-8000-000000000000/bills')).status).toBe(404);
  });
});

describe('the bill PDF', () => {
  it('is an A4 PDF in Chinese with the utility, the bill number, the fees, the total, the due date and the chart', async () => {
    const response = await clerk.get<string>(`/api/bills/${latest().id}/pdf`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const data = response.rawBody as Buffer;
    expect(data.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bill-')), 'bill.pdf');
    writeFileSync(file, data);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(utility.tenant.name);
    expect(text).toContain('水费账单');
    expect(text).toContain(latest().billNo);
    expect(text).toContain(home.account.accountNo);
    expect(text).toContain('王*英');
    for (const fee of ['水费（第1阶梯）', '污水处理费', '水资源费']) expect(text).toContain(fee);
    expect(text).toContain('12.345');
    expect(text).toContain(`¥ ${(latest().totalFen / 100).toFixed(2)}`);
    expect(text).toContain('缴费截止日期：2026年03月18日');
    expect(text).toContain('近12个月用水量');
    expect(text).toContain('96655');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    expect(info).toMatch(/Pages:\s+1\n/);
  });
});

describe('credit and debit notes', () => {
  it('a credit note is a new bill on the original, shares the amount over the fees in the ledger, and leaves the original as it was', async () => {
    const original = bills.at(-3) as TestBill;
    const before = await clerk.get<BillDetail>(`/api/bills/${original.id}`);
    const response = await billing.post<AdjustmentResult>(`/api/bills/${original.id}/adjustments`, { kind: 'credit_note', reason: 'calibration', note: '水表校验超差，退还多收水费', amountFen: 1000 });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const [note] = response.body.notes as [Bill & { lines: BillLine[] }];
    expect(note).toMatchObject({ kind: 'credit_note', adjustsBillId: original.id, totalFen: -1000, period: '2025-12', consumptionLitres: 0 });
    expect(note.billNo).toMatch(/^CN202603\d{6}$/);
    expect(note.lines).toEqual([{ lineNo: 1, lineType: 'adjustment', tier: null, quantityLitres: null, unitPriceFenPerM3: null, amountFen: -1000, description: '水表校验超差，退还多收水费' }]);
    expect(response.body.remainingFen).toBe(original.totalFen - 1000);
    // Receivable down by 10 yuan; revenue and both fees down in proportion (9,800 L: 2029 + 1333 + 1539 fen).
    const ledger = await ledgerOf([note.id]);
    expect(ledger).toEqual([
      { ledger_account: 'receivable', debit: 0, credit: 1000 },
      { ledger_account: 'resource_fee_payable', debit: 314, credit: 0 },
      { ledger_account: 'sewage_fee_payable', debit: 272, credit: 0 },
      { ledger_account: 'water_revenue', debit: 414, credit: 0 },
    ]);
    const after = await clerk.get<BillDetail>(`/api/bills/${original.id}`);
    expect(after.body.bill).toEqual({ ...before.body.bill, netTotalFen: original.totalFen - 1000, outstandingFen: expect.any(Number), status: expect.any(String) });
    expect(after.body.lines).toEqual(before.body.lines);
    expect(after.body.notes.map((item) => item.id)).toEqual([note.id]);
    expect(after.body.remainingFen).toBe(original.totalFen - 1000);
    const audit = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ action: string; subject_customer_id: string }>("SELECT action, subject_customer_id FROM audit_log WHERE object_id = $1", [note.id]));
    expect(audit).toEqual([{ action: 'bill.credit_note', subject_customer_id: home.customer.id }]);
    // The note is shown on its own too, with the bill it adjusts.
    const noteDetail = await clerk.get<BillDetail>(`/api/bills/${note.id}`);
    expect(noteDetail.body.original?.id).toBe(original.id);
  });

  it('refuses a credit note above what is left of the bill, and writes nothing', async () => {
    const original = bills.at(-3) as TestBill;
    const counts = () => environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ bills: number; entries: number }>('SELECT (SELECT count(*) FROM bills)::int AS bills, (SELECT count(*) FROM ledger_entries)::int AS entries'));
    const before = await counts();
    const response = await billing.post<ErrorBody>(`/api/bills/${original.id}/adjustments`, { kind: 'credit_note', reason: 'other', note: '多退', amountFen: original.totalFen - 1000 + 1 });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('credit_exceeds_remaining');
    expect(response.body.fields[0]).toMatchObject({ field: 'amountFen', zh: expect.any(String), en: expect.any(String) });
    expect(await counts()).toEqual(before);
    // Exactly what is left is allowed: the bill is then fully credited.
    const exact = await billing.post<AdjustmentResult>(`/api/bills/${original.id}/adjustments`, { kind: 'credit_note', reason: 'other', note: '全额冲减', amountFen: original.totalFen - 1000 });
    expect(exact.status).toBe(201);
    expect(exact.body.remainingFen).toBe(0);
    const listed = await clerk.get<{ bills: Bill[] }>(`/api/accounts/${home.account.id}/bills?pageSize=20`);
    expect(listed.body.bills.find((bill) => bill.id === original.id)).toMatchObject({ status: 'credited', netTotalFen: 0 });
  });

  it('a debit note raises what is owed, itemised, and a credit note may then take back up to the new remainder', async () => {
    const original = bills.at(-4) as TestBill;
    const debit = await billing.post<AdjustmentResult>(`/api/bills/${original.id}/adjustments`, {
      kind: 'debit_note',
      reason: 'tariff_error',
      note: '水价版本错误，补收差额',
      lines: [
        { description: '补收水费差额', amountFen: 300 },
        { description: '补收污水处理费差额', amountFen: 120 },
      ],
    });
    expect(debit.status).toBe(201);
    expect(debit.body.notes[0]).toMatchObject({ kind: 'debit_note', totalFen: 420, billNo: expect.stringMatching(/^DN/) });
    expect(debit.body.remainingFen).toBe(original.totalFen + 420);
    const ledger = await ledgerOf([debit.body.notes[0]?.id as string]);
    expect(ledger.find((row) => row.ledger_account === 'receivable')).toEqual({ ledger_account: 'receivable', debit: 420, credit: 0 });
    const credits = ledger.filter((row) => row.ledger_account !== 'receivable').reduce((sum, row) => sum + row.credit - row.debit, 0);
    expect(credits).toBe(420);
    const back = await billing.post(`/api/bills/${original.id}/adjustments`, { kind: 'credit_note', reason: 'other', note: '全部冲回', amountFen: original.totalFen + 420 });
    expect(back.status).toBe(201);
  });

  it('refuses to adjust a note, bodies with neither or both of amount and lines, and callers without bill.adjust', async () => {
    const listed = await clerk.get<{ bills: Bill[] }>(`/api/accounts/${home.account.id}/bills?pageSize=30`);
    const note = listed.body.bills.find((bill) => bill.kind !== 'regular') as Bill;
    expect((await billing.post<ErrorBody>(`/api/bills/${note.id}/adjustments`, { kind: 'debit_note', reason: 'other', note: '试试', amountFen: 1 })).body.code).toBe('adjust_the_original');
    const neither = await billing.post<ErrorBody>(`/api/bills/${latest().id}/adjustments`, { kind: 'debit_note', reason: 'other', note: '试试' });
    expect(neither.status).toBe(400);
    expect(neither.body.fields.map((field) => field.field)).toEqual(['amountFen']);
    expect((await billing.post(`/api/bills/${latest().id}/adjustments`, { kind: 'debit_note', reason: 'other', note: '试试', amountFen: 1, lines: [{ description: 'x', amountFen: 1 }] })).status).toBe(400);
    expect((await billing.post(`/api/bills/${latest().id}/adjustments`, { kind: 'debit_note', reason: 'other', note: '试试', amountFen: 1.5 })).status).toBe(400);
    expect((await clerk.post(`/api/bills/${latest().id}/adjustments`, { kind: 'debit_note', reason: 'other', note: '试试', amountFen: 1 })).status).toBe(403);
  });

  it('keeps every journal balanced and bills append-only', async () => {
    const unbalanced = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query('SELECT journal_id FROM ledger_entries GROUP BY journal_id HAVING sum(debit_fen) <> sum(credit_fen)'),
    );
    expect(unbalanced).toEqual([]);
    await expect(environment.db.withTenant(utility.tenant.id, (sql) => sql.query('UPDATE bills SET total_fen = 0 WHERE id = $1', [latest().id]))).rejects.toThrow();
  });

  it('lets two clerks credit the same bill at once only up to what is left', async () => {
    const original = bills.at(-5) as TestBill;
    const half = Math.ceil(original.totalFen / 2) + 1;
    const answers = await Promise.all([1, 2].map(() => billing.post(`/api/bills/${original.id}/adjustments`, { kind: 'credit_note', reason: 'other', note: '并发冲减', amountFen: half })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 400]);
  });
});

describe('re-billing with the correct consumption', () => {
  it('issues, together, a credit note for what the bill stands at and a debit note recomputed by the tariff', async () => {
    const original = bills.at(-2) as TestBill; // 2026-01, 10,200 L billed
    const response = await billing.post<AdjustmentResult>(`/api/bills/${original.id}/rebill`, { correctConsumptionLitres: 10_000, reason: 'wrong_reading', note: '抄表员误读，实际 10 立方米' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const [credit, debit] = response.body.notes as [Bill & { lines: BillLine[] }, Bill & { lines: BillLine[] }];
    expect(credit).toMatchObject({ kind: 'credit_note', totalFen: -original.totalFen, consumptionLitres: -10_200, reason: 'wrong_reading' });
    expect(credit.lines.map((line) => [line.lineType, line.amountFen])).toEqual(original.lines.map((line) => [line.lineType, -line.amountFen]));
    // 10 m³ at 2.07 + 1.57 + 1.36 yuan, tier 1 (the year's earlier use is nothing).
    expect(debit).toMatchObject({ kind: 'debit_note', totalFen: 5000, consumptionLitres: 10_000 });
    expect(debit.lines.map((line) => [line.lineType, line.tier, line.quantityLitres, line.amountFen]).sort()).toEqual(
      [['water', 1, 10_000, 2070], ['resource', null, 10_000, 1570], ['sewage', null, 10_000, 1360]].sort(),
    );
    expect(response.body.remainingFen).toBe(5000);
    // The credit note's journal is the exact reverse of the bill's; the debit note's follows its lines.
    expect(await ledgerOf([credit.id])).toEqual([
      { ledger_account: 'receivable', debit: 0, credit: original.totalFen },
      { ledger_account: 'resource_fee_payable', debit: 1601, credit: 0 },
      { ledger_account: 'sewage_fee_payable', debit: 1387, credit: 0 },
      { ledger_account: 'water_revenue', debit: 2111, credit: 0 },
    ]);
    expect(await ledgerOf([debit.id])).toEqual([
      { ledger_account: 'receivable', debit: 5000, credit: 0 },
      { ledger_account: 'resource_fee_payable', debit: 0, credit: 1570 },
      { ledger_account: 'sewage_fee_payable', debit: 0, credit: 1360 },
      { ledger_account: 'water_revenue', debit: 0, credit: 2070 },
    ]);
    const usage = await clerk.get<{ points: { period: string; consumptionLitres: number | null }[] }>(`/api/accounts/${home.account.id}/usage`);
    expect(usage.body.points.find((point) => point.period === '2026-01')?.consumptionLitres).toBe(10_000);
    const detail = await clerk.get<BillDetail>(`/api/bills/${original.id}`);
    expect(detail.body.bill).toMatchObject({ totalFen: original.totalFen, consumptionLitres: 10_200, netTotalFen: 5000 });
    expect(detail.body.notes.map((note) => note.kind)).toEqual(['credit_note', 'debit_note']);
  });

  it('re-bills a re-billed bill from where it stands, and the PDF of a note says what it adjusts', async () => {
    const original = bills.at(-2) as TestBill;
    const again = await billing.post<AdjustmentResult>(`/api/bills/${original.id}/rebill`, { correctConsumptionLitres: 11_000, reason: 'calibration' });
    expect(again.status).toBe(201);
    expect(again.body.notes.map((note) => [note.kind, note.totalFen, note.consumptionLitres])).toEqual([
      ['credit_note', -5000, -10_000],
      ['debit_note', 5500, 11_000],
    ]);
    expect(again.body.remainingFen).toBe(5500);
    const pdf = await clerk.get(`/api/bills/${again.body.notes[0]?.id as string}/pdf`);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'note-')), 'note.pdf');
    writeFileSync(file, pdf.rawBody as Buffer);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('红字账单（冲减）');
    expect(text).toContain(original.billNo);
    expect(text).toContain('-50.00');
  });

  it('refuses a period no tariff covers, and writes nothing', async () => {
    const old = await clerk.get<{ bills: Bill[] }>(`/api/accounts/${other.account.id}/bills`);
    const bill = old.body.bills.find((item) => item.period === '2023-06') as Bill;
    const response = await billing.post<ErrorBody>(`/api/bills/${bill.id}/rebill`, { correctConsumptionLitres: 1_000, reason: 'wrong_reading' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('no_tariff');
    expect((await clerk.get<BillDetail>(`/api/bills/${bill.id}`)).body.notes).toEqual([]);
  });

  it('re-billing to nothing takes everything back and bills nothing', async () => {
    const old = await clerk.get<{ bills: Bill[] }>(`/api/accounts/${other.account.id}/bills`);
    const bill = old.body.bills.find((item) => item.period === '2026-02') as Bill;
    const response = await billing.post<AdjustmentResult>(`/api/bills/${bill.id}/rebill`, { correctConsumptionLitres: 0, reason: 'calibration' });
    expect(response.status).toBe(201);
    expect(response.body.notes.map((note) => note.kind)).toEqual(['credit_note']);
    expect(response.body.remainingFen).toBe(0);
  });
});

describe('the portal', () => {
  it('shows a customer the bills, a bill, its PDF and the usage of an account they bound', async () => {
    const listed = await owner.get<{ bills: Bill[]; total: number }>(`/api/portal/accounts/${home.account.id}/bills?pageSize=5`);
    expect(listed.status).toBe(200);
    expect(listed.body.bills[0]?.id).toBe(latest().id);
    const detail = await owner.get<BillDetail>(`/api/portal/bills/${latest().id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.lines).toHaveLength(3);
    const pdf = await owner.get(`/api/portal/bills/${latest().id}/pdf?download=true`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-disposition']).toBe(`attachment; filename="bill-${latest().billNo}.pdf"`);
    expect((await owner.get(`/api/portal/accounts/${home.account.id}/usage`)).status).toBe(200);
  });

  it('answers 404 for the bills, usage and PDFs of an account the customer has not bound', async () => {
    const answers = await Promise.all([
      neighbour.get(`/api/portal/accounts/${home.account.id}/bills`),
      neighbour.get(`/api/portal/accounts/${home.account.id}/usage`),
      neighbour.get(`/api/portal/bills/${latest().id}`),
      neighbour.get(`/api/portal/bills/${latest().id}/pdf`),
    ]);
    expect(answers.map((answer) => `${answer.status} ${(answer.body as ErrorBody).code}`)).toEqual(Array.from({ length: 4 }, () => '404 not_found'));
  });
});
