import type { Sql } from '../src/platform/db/database';
import { recordPayment } from '../src/modules/payments';
import { insertRegularBill } from './bill-factory';
import type { CustomerWithAccount } from './factories';

export interface MoneyTarget {
  /** A payment of the household's account. */
  paymentId: string;
  /** An online payment order of the household's account. */
  paymentOrderId: string;
  /** The counter clerk's open till of today, and what its payments add up to per method. */
  tillId: string;
  tillExpected: { cash: number; card: number; transfer: number };
}

/**
 * Makes sure the household's account owes something and has some prepaid balance, has a payment, and that
 * the utility's counter clerk has an open till for `today` (rows written directly, as the services would).
 */
export async function ensureMoneyTarget(sql: Sql, tenantId: string, household: CustomerWithAccount, today: string, now: Date): Promise<MoneyTarget> {
  const accountId = household.account.id;
  const [owed] = await sql.query<{ fen: number }>("SELECT coalesce(sum(debit_fen - credit_fen), 0)::int8 AS fen FROM ledger_entries WHERE account_id = $1 AND ledger_account = 'receivable'", [accountId]);
  if ((owed?.fen ?? 0) < 1_000) {
    // A month before the account's first bill: one regular bill per account and month.
    const [free] = await sql.query<{ period: string }>(
      "SELECT to_char(coalesce(min(to_date(period, 'YYYY-MM')), date '2026-01-01') - interval '1 month', 'YYYY-MM') AS period FROM bills WHERE account_id = $1 AND kind = 'regular'",
      [accountId],
    );
    await insertRegularBill(sql, tenantId, accountId, { period: free?.period as string, consumptionLitres: 20_000 });
  }
  await sql.query('INSERT INTO prepaid_balances (tenant_id, account_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [tenantId, accountId, now]);
  const [prepaid] = await sql.query<{ balance_fen: number }>('SELECT balance_fen FROM prepaid_balances WHERE account_id = $1', [accountId]);
  if ((prepaid?.balance_fen ?? 0) < 100) {
    await sql.query(
      `INSERT INTO ledger_entries (tenant_id, journal_id, account_id, ledger_account, entry_type, debit_fen, credit_fen, business_date, posted_at, description)
       SELECT $1, j.id, $2, l.account, 'prepaid_topup', l.debit, l.credit, $3, $4, '预存'
       FROM (SELECT gen_random_uuid() AS id) j, (VALUES ('channel_clearing', 1000, 0), ('prepaid', 0, 1000)) AS l(account, debit, credit)`,
      [tenantId, accountId, today, now],
    );
    await sql.query('UPDATE prepaid_balances SET balance_fen = balance_fen + 1000 WHERE account_id = $1', [accountId]);
  }
  const clerk = await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'counter_clerk' ORDER BY staff_id LIMIT 1");
  const clerkId = clerk[0]?.id;
  if (!clerkId) throw new Error('no counter clerk');
  await sql.query('INSERT INTO tills (tenant_id, staff_id, business_date, opened_at) SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM tills WHERE staff_id = $2 AND closed_at IS NULL)', [tenantId, clerkId, today, now]);
  const [till] = await sql.query<{ id: string }>('SELECT id FROM tills WHERE staff_id = $1 AND closed_at IS NULL', [clerkId]);
  const totals = await sql.query<{ channel: 'cash' | 'card' | 'transfer'; amount: number }>('SELECT channel, sum(amount_fen)::int8 AS amount FROM payments WHERE till_id = $1 GROUP BY channel', [till?.id]);
  const tillExpected = { cash: 0, card: 0, transfer: 0 };
  for (const row of totals) tillExpected[row.channel] = row.amount;
  let [payment] = await sql.query<{ id: string }>('SELECT id FROM payments WHERE account_id = $1 ORDER BY received_at LIMIT 1', [accountId]);
  if (!payment) {
    payment = await recordPayment(sql, tenantId, { accountId, method: 'alipay', amountFen: 1, receivedAt: now, businessDate: today });
  }
  let [order] = await sql.query<{ id: string }>('SELECT id FROM payment_orders WHERE account_id = $1 ORDER BY created_at LIMIT 1', [accountId]);
  if (!order) {
    [order] = await sql.query<{ id: string }>(
      `INSERT INTO payment_orders (tenant_id, out_trade_no, channel, account_id, purpose, amount_fen, portal_user_id, created_at, expires_at)
       VALUES ($1, $2, 'alipay', $3, 'topup', 500, (SELECT portal_user_id FROM account_bindings WHERE account_id = $3 LIMIT 1), $4, $4::timestamptz + interval '30 minutes') RETURNING id`,
      [tenantId, `TEST${accountId.replaceAll('-', '').slice(0, 20)}`, accountId, now],
    );
  }
  return { paymentId: payment.id, paymentOrderId: order?.id as string, tillId: till?.id as string, tillExpected };
}
