import { expect } from 'vitest';
import type { TestEnvironment } from './harness';

/**
 * What must hold of the ledger after every test that moves money (issue 4): total debits equal total
 * credits, and so does each journal; each prepaid balance kept beside the ledger is the sum of its account's
 * prepaid entries; and the database itself refuses UPDATE and DELETE of ledger entries (a statement trigger,
 * so even a statement that matches no row is refused, as the owner too).
 */
export async function expectLedgerInvariants(environment: TestEnvironment): Promise<void> {
  const [totals] = await environment.ownerQuery<{ debits: number; credits: number }>(
    'SELECT coalesce(sum(debit_fen), 0)::int8 AS debits, coalesce(sum(credit_fen), 0)::int8 AS credits FROM ledger_entries',
  );
  expect(totals?.debits).toBe(totals?.credits);
  const unbalanced = await environment.ownerQuery('SELECT journal_id FROM ledger_entries GROUP BY journal_id HAVING sum(debit_fen) <> sum(credit_fen)');
  expect(unbalanced).toEqual([]);
  const drift = await environment.ownerQuery<{ account_id: string }>(
    `SELECT p.account_id FROM prepaid_balances p
     LEFT JOIN (SELECT account_id, sum(credit_fen - debit_fen) AS prepaid FROM ledger_entries WHERE ledger_account = 'prepaid' GROUP BY account_id) l ON l.account_id = p.account_id
     WHERE p.balance_fen <> coalesce(l.prepaid, 0)`,
  );
  expect(drift).toEqual([]);
  for (const change of ['UPDATE ledger_entries SET debit_fen = debit_fen WHERE false', 'DELETE FROM ledger_entries WHERE false']) {
    await expect(environment.ownerQuery(change), change).rejects.toMatchObject({ code: '42501' });
  }
}
