import { randomBytes } from 'node:crypto';
import { maskBankAccount } from '../src/modules/payments';
import { renderGenericWithholdingResult } from '../src/modules/payments/files';
import type { PersonalDataCipher } from '../src/platform/crypto';
import type { Sql } from '../src/platform/db/database';
import { insertRegularBill } from './bill-factory';
import type { CustomerWithAccount } from './factories';

export const TEST_BANK_CODE = 'TESTBANK';
export const TEST_BANK_ACCOUNT = '6222021234567890123';

export interface WithholdingTarget {
  /** The household account's active withholding mandate (bank TEST_BANK_CODE). */
  mandateId: string;
  /** A withholding batch awaiting its result. */
  withholdingBatchId: string;
  /** A valid result file (all successes) for that batch, base64. */
  withholdingResultFile: string;
  /** An active government-app partner credential. */
  govCredentialId: string;
}

/**
 * Makes sure the household's account has an active mandate and owes at least 10 yuan more than pending
 * batches ask for (so a new batch finds something), that a batch awaits its result (with a result file for
 * it), and that an active government-app credential exists: rows written directly, as the services would.
 */
export async function ensureWithholdingTarget(cipher: PersonalDataCipher, sql: Sql, tenantId: string, household: CustomerWithAccount, today: string, now: Date): Promise<WithholdingTarget> {
  const accountId = household.account.id;
  const insertMandate = async () =>
    (
      await sql.query<{ id: string }>(
        `INSERT INTO withholding_mandates (tenant_id, account_id, bank_code, bank_account_encrypted, bank_account_blind_index, bank_account_masked, holder_name, signed_on, created_at)
         SELECT $1, $2, $3, $4, $5, $6, c.name, '2026-01-01', $7 FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $2 RETURNING id`,
        [tenantId, accountId, TEST_BANK_CODE, cipher.encrypt(TEST_BANK_ACCOUNT), cipher.blindIndex(TEST_BANK_ACCOUNT), maskBankAccount(TEST_BANK_ACCOUNT), now],
      )
    )[0];
  const [active] = await sql.query<{ id: string; bank_code: string }>("SELECT id, bank_code FROM withholding_mandates WHERE account_id = $1 AND status = 'active'", [accountId]);
  let mandateId = active?.id;
  if (active && active.bank_code !== TEST_BANK_CODE) {
    await sql.query("UPDATE withholding_mandates SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'test' WHERE id = $1", [active.id, now]);
    mandateId = undefined;
  }
  mandateId ??= (await insertMandate())?.id;
  if (!mandateId) throw new Error('no mandate');

  let [batch] = await sql.query<{ id: string; batch_no: string; utility_code: string }>("SELECT id, batch_no, utility_code FROM withholding_batches WHERE status = 'sent' ORDER BY created_at DESC, id LIMIT 1");
  if (!batch) {
    [batch] = await sql.query<{ id: string; batch_no: string; utility_code: string }>(
      `INSERT INTO withholding_batches (tenant_id, batch_no, bank_code, adapter_id, utility_code, created_on, item_count, total_fen, created_at, created_by)
       VALUES ($1, $2, $3, 'shuiwu-generic-v1', 'TEST01', $4, 1, 100, $5, 'test') RETURNING id, batch_no, utility_code`,
      [tenantId, `T${randomBytes(6).toString('hex')}`, TEST_BANK_CODE, today, now],
    );
    await sql.query("INSERT INTO withholding_items (tenant_id, batch_id, sequence, mandate_id, account_id, amount_fen, bill_ref) VALUES ($1, $2, 1, $3, $4, 100, 'TEST')", [tenantId, batch?.id, mandateId, accountId]);
  }
  if (!batch) throw new Error('no batch');
  const items = await sql.query<{ sequence: number; account_no: string; amount_fen: number }>(
    'SELECT i.sequence, a.account_no, i.amount_fen FROM withholding_items i JOIN accounts a ON a.id = i.account_id WHERE i.batch_id = $1 ORDER BY i.sequence',
    [batch.id],
  );
  const file = renderGenericWithholdingResult({
    utilityCode: batch.utility_code,
    batchNo: batch.batch_no,
    resultDate: today,
    encoding: 'UTF-8',
    results: items.map((item) => ({ sequence: item.sequence, accountNo: item.account_no, status: 'success', amountFen: item.amount_fen, failureCode: null, failureReason: null, bankRef: `${batch?.batch_no}-${item.sequence}`, settledOn: today })),
  });

  // Something owed beyond what pending batches ask for.
  const [money] = await sql.query<{ owed: number; pending: number }>(
    `SELECT (SELECT coalesce(sum(debit_fen - credit_fen), 0) FROM ledger_entries WHERE account_id = $1 AND ledger_account = 'receivable')::int8 AS owed,
            (SELECT coalesce(sum(amount_fen), 0) FROM withholding_items WHERE account_id = $1 AND status = 'sent')::int8 AS pending`,
    [accountId],
  );
  if ((money?.owed ?? 0) - (money?.pending ?? 0) < 1_000) {
    const [free] = await sql.query<{ period: string }>(
      "SELECT to_char(coalesce(min(to_date(period, 'YYYY-MM')), date '2026-01-01') - interval '1 month', 'YYYY-MM') AS period FROM bills WHERE account_id = $1 AND kind = 'regular'",
      [accountId],
    );
    await insertRegularBill(sql, tenantId, accountId, { period: free?.period as string, consumptionLitres: 20_000 });
  }

  let [credential] = await sql.query<{ id: string }>("SELECT id FROM gov_app_credentials WHERE status = 'active' ORDER BY created_at LIMIT 1");
  if (!credential) {
    [credential] = await sql.query<{ id: string }>(
      "INSERT INTO gov_app_credentials (tenant_id, app_id, label, secret_encrypted, created_at) VALUES ($1, $2, 'test', $3, $4) RETURNING id",
      [tenantId, `gov_test_${randomBytes(6).toString('hex')}`, cipher.encrypt(randomBytes(32).toString('base64url')), now],
    );
  }
  return { mandateId, withholdingBatchId: batch.id, withholdingResultFile: file.bytes.toString('base64'), govCredentialId: credential?.id as string };
}
