import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskBankAccount } from '../src/modules/payments';
import { decodeGenericBatch } from '../src/modules/payments/files';
import { generateTown } from './billing-town';
import { createTestEnvironment, type Client, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

/**
 * A withholding batch for a bank with 20,000 mandates is made set-based (one INSERT … SELECT writes the batch
 * and its items): the items and amounts are exactly what the ledger says each account owes beyond what a
 * pending batch already asks for, and the time it takes is printed for the record.
 */
const MANDATES = 20_000;
const BANK = 'BIGBANK';

let environment: TestEnvironment;
let utility: Utility;
let finance: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('whbig');
  finance = await environment.loginStaff(utility, 'finance_clerk');
  const tenantId = utility.tenant.id;
  const cipher = environment.context.cipher;
  await environment.db.withTenant(tenantId, async (sql) => {
    await generateTown(sql, { tenantId, accounts: MANDATES, months: [] });
    // One bill of 2026-01 for every account (50.00–56.00 yuan), a second of 2026-02 for every 10th; all due
    // 2026-03-31 (after the test clock's day), so no late fee is owed.
    await sql.query(
      `INSERT INTO bills (tenant_id, bill_no, kind, account_id, period, period_start, period_end, consumption_litres, total_fen, issued_on, due_on, created_at)
       SELECT $1, 'B' || p.period || '-' || a.account_no, 'regular', a.id, p.period, (p.period || '-01')::date, ((p.period || '-01')::date + interval '1 month' - interval '1 day')::date,
         10000, 5000 + (a.account_no::int8 % 7) * 100, '2026-03-05', '2026-03-31', now()
       FROM accounts a CROSS JOIN (VALUES ('2026-01'), ('2026-02')) AS p(period)
       WHERE p.period = '2026-01' OR a.account_no::int8 % 10 = 0`,
      [tenantId],
    );
    await sql.query(
      `INSERT INTO ledger_entries (tenant_id, journal_id, account_id, ledger_account, entry_type, debit_fen, credit_fen, bill_id, business_date, posted_at, description)
       SELECT $1, j.journal_id, b.account_id, leg.ledger_account, 'bill', leg.debit, leg.credit, b.id, b.issued_on, b.created_at, '账单 ' || b.bill_no
       FROM (SELECT *, gen_random_uuid() AS journal_id FROM bills) b CROSS JOIN LATERAL (SELECT b.journal_id) j
       CROSS JOIN LATERAL (VALUES ('receivable', b.total_fen, 0::int8), ('water_revenue', 0::int8, b.total_fen)) AS leg(ledger_account, debit, credit)`,
      [tenantId],
    );
    // Every 7th account paid 30.00 yuan of it already.
    await sql.query(
      `INSERT INTO ledger_entries (tenant_id, journal_id, account_id, ledger_account, entry_type, debit_fen, credit_fen, business_date, posted_at, description)
       SELECT $1, j.id, a.id, leg.ledger_account, 'payment', leg.debit, leg.credit, '2026-03-01', now(), '测试缴费'
       FROM accounts a CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id) j
       CROSS JOIN LATERAL (VALUES ('cash', 3000::int8, 0::int8), ('receivable', 0::int8, 3000::int8)) AS leg(ledger_account, debit, credit)
       WHERE a.account_no::int8 % 7 = 0`,
      [tenantId],
    );
    const accounts = await sql.query<{ id: string; account_no: string }>('SELECT id, account_no FROM accounts ORDER BY account_no');
    const bankAccountOf = (accountNo: string) => `62220200${accountNo.slice(-10)}`.padEnd(19, '7');
    await sql.query(
      `INSERT INTO withholding_mandates (tenant_id, account_id, bank_code, bank_account_encrypted, bank_account_blind_index, bank_account_masked, holder_name, signed_on, created_at)
       SELECT $1, m.account_id, $2, m.encrypted, m.blind, m.masked, '住户', '2026-01-01', now()
       FROM unnest($3::uuid[], $4::bytea[], $5::bytea[], $6::text[]) AS m(account_id, encrypted, blind, masked)`,
      [
        tenantId,
        BANK,
        accounts.map((account) => account.id),
        accounts.map((account) => cipher.encrypt(bankAccountOf(account.account_no))),
        accounts.map((account) => cipher.blindIndex(bankAccountOf(account.account_no))),
        accounts.map((account) => maskBankAccount(bankAccountOf(account.account_no))),
      ],
    );
  });
  await environment.ownerQuery('ANALYZE');
}, 300_000);
afterAll(() => environment.close());
afterEach(() => expectLedgerInvariants(environment));

interface Batch {
  id: string;
  batchNo: string;
  itemCount: number;
  totalFen: number;
  items: { sequence: number; accountNo: string; amountFen: number; billRef: string }[];
}

describe('a withholding batch of 20,000 mandates', () => {
  it('is written set-based with exactly what each account owes, and a second batch asks only for what the first does not', async () => {
    const expected = await environment.ownerQuery<{ account_no: string; owed: number }>(
      `SELECT a.account_no, sum(e.debit_fen - e.credit_fen)::int8 AS owed
       FROM accounts a JOIN ledger_entries e ON e.account_id = a.id AND e.ledger_account = 'receivable'
       WHERE a.tenant_id = $1 AND a.status <> 'closed' GROUP BY a.id, a.account_no HAVING sum(e.debit_fen - e.credit_fen) > 0 ORDER BY a.account_no`,
      [utility.tenant.id],
    );
    expect(expected.length).toBeGreaterThan(19_000);

    const started = performance.now();
    const created = await finance.post<Batch>('/api/withholding/batches', { bankCode: BANK });
    const elapsedMs = performance.now() - started;
    expect(created.status).toBe(201);
    const batch = created.body;
    console.log(`withholding batch of ${batch.itemCount} items (${MANDATES} mandates) created in ${Math.round(elapsedMs)} ms`);
    expect(batch.itemCount).toBe(expected.length);
    expect(batch.items.map((item) => [item.accountNo, item.amountFen])).toEqual(expected.map((row) => [row.account_no, row.owed]));
    expect(batch.totalFen).toBe(expected.reduce((sum, row) => sum + row.owed, 0));
    expect(batch.items.map((item) => item.sequence)).toEqual(expected.map((_row, index) => index + 1));
    // Two bills: the first (oldest) one named, "+1" for the other.
    const twoBills = batch.items.find((item) => Number(item.accountNo) % 10 === 0 && Number(item.accountNo) % 7 !== 0);
    expect(twoBills?.billRef).toBe(`B2026-01-${twoBills?.accountNo}+1`);
    const oneBill = batch.items.find((item) => Number(item.accountNo) % 10 !== 0);
    expect(oneBill?.billRef).toBe(`B2026-01-${oneBill?.accountNo}`);

    // The bank's file holds every item.
    const file = await finance.get(`/api/withholding/batches/${batch.id}/file`);
    expect(file.status).toBe(200);
    const decoded = decodeGenericBatch(file.rawBody as Buffer);
    expect(decoded.errors).toEqual([]);
    expect(decoded.batch?.items).toHaveLength(batch.itemCount);

    // Nothing more is owed beyond the pending batch: a second batch finds nothing, and writes nothing.
    const again = await finance.post<{ code: string }>('/api/withholding/batches', { bankCode: BANK });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('nothing_to_withhold');
    const [stored] = await environment.ownerQuery<{ batches: number; items: number }>(
      'SELECT (SELECT count(*) FROM withholding_batches WHERE bank_code = $1)::int AS batches, (SELECT count(*) FROM withholding_items)::int AS items',
      [BANK],
    );
    expect(stored).toEqual({ batches: 1, items: batch.itemCount });
  }, 300_000);
});
