/**
 * What a customer and the counter read about money: receipts, the payments of an account, and the
 * statement of account (对账单) — every ledger journal that moved what the account owes, with the running
 * balance. The balance is always the sum of the ledger entries, never a stored figure.
 */
import type { Sql } from '../../platform/db/database';
import { notFound } from '../../platform/errors';
import { maskPersonName } from '../../platform/masking';
import type { PaymentSummary, Receipt, Statement } from './schemas';
import { METHOD_NAMES, type PaymentMethod } from './settlement';

interface PaymentRow {
  id: string;
  receipt_no: string;
  account_id: string;
  account_no: string;
  channel: PaymentMethod;
  amount_fen: number;
  allocated_fen: number;
  prepaid_fen: number;
  received_at: Date;
  business_date: string;
  staff_name: string | null;
  channel_trade_no: string | null;
  refunded_fen: number;
  reversed_at: Date | null;
  reversal_reason: string | null;
  reversed_by: string | null;
}

const PAYMENT_SELECT = `SELECT p.id, p.receipt_no, p.account_id, a.account_no, p.channel, p.amount_fen, p.allocated_fen, p.prepaid_fen,
    p.received_at, p.business_date, s.display_name AS staff_name, p.channel_trade_no,
    (SELECT coalesce(sum(f.amount_fen), 0) FROM refunds f WHERE f.payment_id = p.id AND f.status <> 'failed')::int8 AS refunded_fen,
    v.reversed_at, v.reason AS reversal_reason, vs.display_name AS reversed_by
  FROM payments p JOIN accounts a ON a.id = p.account_id LEFT JOIN staff s ON s.id = p.staff_id
  LEFT JOIN payment_reversals v ON v.payment_id = p.id LEFT JOIN staff vs ON vs.id = v.staff_id`;

const toSummary = (row: PaymentRow): PaymentSummary => ({
  id: row.id,
  receiptNo: row.receipt_no,
  accountId: row.account_id,
  accountNo: row.account_no,
  method: row.channel,
  methodName: METHOD_NAMES[row.channel],
  amountFen: row.amount_fen,
  allocatedFen: row.allocated_fen,
  prepaidFen: row.prepaid_fen,
  receivedAt: row.received_at.toISOString(),
  businessDate: row.business_date,
  cashier: row.staff_name,
  channelTradeNo: row.channel_trade_no,
  refundedFen: row.refunded_fen,
  reversal: row.reversed_at ? { reversedAt: new Date(row.reversed_at).toISOString(), reason: row.reversal_reason ?? '', reversedBy: row.reversed_by ?? '' } : null,
});

/** What the customer owes (positive: principal on bills and late fees) or has in credit (negative), from the ledger. */
export async function balanceOf(sql: Sql, accountId: string): Promise<number> {
  const rows = await sql.query<{ balance: number }>(
    "SELECT coalesce(sum(debit_fen - credit_fen), 0)::int8 AS balance FROM ledger_entries WHERE account_id = $1 AND ledger_account IN ('receivable', 'late_fee_receivable', 'prepaid')",
    [accountId],
  );
  return rows[0]?.balance ?? 0;
}

export async function paymentsOf(sql: Sql, accountId: string, limit: number): Promise<PaymentSummary[]> {
  const rows = await sql.query<PaymentRow>(`${PAYMENT_SELECT} WHERE p.account_id = $1 ORDER BY p.received_at DESC, p.receipt_no DESC LIMIT $2`, [accountId, limit]);
  return rows.map(toSummary);
}

/** The receipt of a payment: who paid what, for which bills, and the balance after it. */
export async function receiptOf(sql: Sql, tenantId: string, paymentId: string): Promise<Receipt> {
  const rows = await sql.query<PaymentRow>(`${PAYMENT_SELECT} WHERE p.id = $1`, [paymentId]);
  const row = rows[0];
  if (!row) throw notFound({ zh: '缴费记录', en: 'Payment' });
  const [holder] = await sql.query<{ name: string; kind: string; full_address: string }>(
    `SELECT c.name, c.kind, pr.full_address FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN premises pr ON pr.id = a.premise_id WHERE a.id = $1`,
    [row.account_id],
  );
  const settled = await sql.query<{ bill_id: string; bill_no: string; period: string; amount_fen: number }>(
    `SELECT b.id AS bill_id, b.bill_no, b.period, s.amount_fen FROM bill_settlements s JOIN bills b ON b.id = s.bill_id WHERE s.payment_id = $1 ORDER BY b.period`,
    [paymentId],
  );
  const [fees] = await sql.query<{ fen: number }>(
    "SELECT coalesce(sum(e.credit_fen - e.debit_fen), 0)::int8 AS fen FROM ledger_entries e JOIN payments p ON p.journal_id = e.journal_id WHERE p.id = $1 AND e.ledger_account = 'late_fee_receivable'",
    [paymentId],
  );
  const [utility] = await sql.query<{ name: string; hotline: string | null }>('SELECT name, hotline FROM tenants WHERE id = $1', [tenantId]);
  return {
    ...toSummary(row),
    holderName: holder ? (holder.kind === 'organisation' ? holder.name : maskPersonName(holder.name)) : '',
    address: holder?.full_address ?? '',
    settledBills: settled.map((item) => ({ billId: item.bill_id, billNo: item.bill_no, period: item.period, amountFen: item.amount_fen })),
    lateFeeFen: fees?.fen ?? 0,
    balanceAfterFen: await balanceOf(sql, row.account_id),
    utility: { name: utility?.name ?? '', hotline: utility?.hotline ?? null },
  };
}

/**
 * The statement of account: each journal that touched what the account owes, oldest first, with the
 * change (positive: charged; negative: paid or credited) and the running balance.
 */
export async function statementOf(sql: Sql, accountId: string, limit: number): Promise<Statement> {
  const rows = await sql.query<{ journal_id: string; entry_type: string; business_date: string; posted_at: Date; description: string; change: number; bill_no: string | null }>(
    `SELECT e.journal_id, min(e.entry_type) AS entry_type, min(e.business_date::text) AS business_date, min(e.posted_at) AS posted_at,
            min(e.description) AS description, sum(e.debit_fen - e.credit_fen)::int8 AS change, min(b.bill_no) AS bill_no
     FROM ledger_entries e LEFT JOIN bills b ON b.id = e.bill_id
     WHERE e.account_id = $1 AND e.ledger_account IN ('receivable', 'late_fee_receivable', 'prepaid')
     GROUP BY e.journal_id ORDER BY min(e.posted_at), e.journal_id`,
    [accountId],
  );
  let balance = 0;
  const lines = rows.map((row) => {
    balance += row.change;
    return { journalId: row.journal_id, entryType: row.entry_type, businessDate: row.business_date, postedAt: row.posted_at.toISOString(), description: row.description, billNo: row.bill_no, changeFen: row.change, balanceFen: balance };
  });
  const [prepaid] = await sql.query<{ balance_fen: number }>('SELECT balance_fen FROM prepaid_balances WHERE account_id = $1', [accountId]);
  return { balanceFen: balance, prepaidFen: prepaid?.balance_fen ?? 0, lines: lines.slice(-limit) };
}
