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
  /** A cash payment of the household's account with at least 100 fen left to refund (the open till holds at least that much cash). */
  refundPaymentId: string;
  /** A payment of the household's account that can be reversed (冲正): bank withholding, neither refunded nor reversed. */
  reversiblePaymentId: string;
  /** A reconciliation run of the utility with an unresolved difference. */
  reconciliationId: string;
  reconciliationDifferenceId: string;
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
  // A cash payment with something left to refund, and cash in the open till to pay a refund out of.
  const [tillCash] = await sql.query<{ fen: number }>(
    `SELECT (coalesce((SELECT sum(amount_fen) FROM payments WHERE till_id = $1 AND channel = 'cash'), 0)
           - coalesce((SELECT sum(amount_fen) FROM refunds WHERE till_id = $1 AND channel = 'cash' AND status <> 'failed'), 0))::int8 AS fen`,
    [till?.id],
  );
  let [refundable] = await sql.query<{ id: string }>(
    `SELECT p.id FROM payments p WHERE p.account_id = $1 AND p.channel = 'cash'
       AND p.amount_fen - coalesce((SELECT sum(r.amount_fen) FROM refunds r WHERE r.payment_id = p.id AND r.status <> 'failed'), 0) >= 100
     ORDER BY p.received_at, p.id LIMIT 1`,
    [accountId],
  );
  if (!refundable || (tillCash?.fen ?? 0) < 100) {
    refundable = await recordPayment(sql, tenantId, { accountId, method: 'cash', amountFen: 2_000, receivedAt: now, businessDate: today, staffId: clerkId, tillId: till?.id as string });
  }
  const totals = await sql.query<{ channel: 'cash' | 'card' | 'transfer'; amount: number }>(
    `SELECT channel, sum(amount)::int8 AS amount FROM (
       SELECT channel, amount_fen AS amount FROM payments WHERE till_id = $1
       UNION ALL SELECT channel, -amount_fen FROM refunds WHERE till_id = $1 AND status <> 'failed') AS moves GROUP BY channel`,
    [till?.id],
  );
  const tillExpected = { cash: 0, card: 0, transfer: 0 };
  for (const row of totals) tillExpected[row.channel] = row.amount;
  let [payment] = await sql.query<{ id: string }>('SELECT id FROM payments WHERE account_id = $1 ORDER BY received_at LIMIT 1', [accountId]);
  if (!payment) {
    payment = await recordPayment(sql, tenantId, { accountId, method: 'alipay', amountFen: 1, receivedAt: now, businessDate: today });
  }
  let [reversible] = await sql.query<{ id: string }>(
    `SELECT p.id FROM payments p WHERE p.account_id = $1 AND p.channel = 'bank_withholding'
       AND NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id) AND NOT EXISTS (SELECT 1 FROM refunds f WHERE f.payment_id = p.id)
     ORDER BY p.received_at, p.id LIMIT 1`,
    [accountId],
  );
  reversible ??= await recordPayment(sql, tenantId, { accountId, method: 'bank_withholding', amountFen: 500, receivedAt: now, businessDate: today, channelTradeNo: `REV${now.getTime()}` });
  let [order] = await sql.query<{ id: string }>('SELECT id FROM payment_orders WHERE account_id = $1 ORDER BY created_at LIMIT 1', [accountId]);
  if (!order) {
    [order] = await sql.query<{ id: string }>(
      `INSERT INTO payment_orders (tenant_id, out_trade_no, channel, account_id, purpose, amount_fen, portal_user_id, created_at, expires_at)
       VALUES ($1, $2, 'alipay', $3, 'topup', 500, (SELECT portal_user_id FROM account_bindings WHERE account_id = $3 LIMIT 1), $4, $4::timestamptz + interval '30 minutes') RETURNING id`,
      [tenantId, `TEST${accountId.replaceAll('-', '').slice(0, 20)}`, accountId, now],
    );
  }
  let [difference] = await sql.query<{ id: string; run_id: string }>('SELECT id, run_id FROM reconciliation_differences WHERE resolution IS NULL ORDER BY run_id, seq LIMIT 1');
  if (!difference) {
    const [finance] = await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'finance_clerk' ORDER BY staff_id LIMIT 1");
    if (!finance) throw new Error('no finance clerk');
    const [run] = await sql.query<{ id: string }>(
      `INSERT INTO reconciliation_runs (tenant_id, channel, statement_date, source, has_statement, statement_rows, statement_payment_fen, statement_refund_fen,
         ledger_rows, ledger_payment_fen, ledger_refund_fen, matched_rows, matched_payment_fen, matched_refund_fen, difference_count, created_by, created_at)
       VALUES ($1, 'wechatpay', $2, 'download', false, 0, 0, 0, 1, 500, 0, 0, 0, 0, 1, $3, $4) RETURNING id`,
      [tenantId, today, finance.id, now],
    );
    [difference] = await sql.query<{ id: string; run_id: string }>(
      `INSERT INTO reconciliation_differences (tenant_id, run_id, seq, type, kind, out_trade_no, ledger_fen, description_zh, description_en)
       VALUES ($1, $2, 1, 'missing_in_statement', 'payment', 'TESTDIFF0001', 500, '账务中有，对账单中没有', 'In the ledger, not in the statement') RETURNING id, run_id`,
      [tenantId, run?.id],
    );
  }
  return {
    paymentId: payment.id,
    paymentOrderId: order?.id as string,
    tillId: till?.id as string,
    tillExpected,
    refundPaymentId: refundable.id,
    reversiblePaymentId: reversible.id,
    reconciliationId: difference?.run_id as string,
    reconciliationDifferenceId: difference?.id as string,
  };
}
