/**
 * The principal still unpaid on every regular bill of the tenant, set-based, by the same rule as the bills
 * module's standingsOf: what an account owes on bills (its receivable) sits on its newest bills, because
 * payments settle the oldest first; credited bills (net ≤ 0) take none of it.
 *
 * OPEN_BILLS_CTE defines `owed` (per account: principal, late fees) and `open_bills` (per bill: open_fen).
 */
export const OPEN_BILLS_CTE = `
  owed AS (
    SELECT account_id,
      greatest(coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'receivable'), 0), 0)::int8 AS principal,
      greatest(coalesce(sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'late_fee_receivable'), 0), 0)::int8 AS fees
    FROM ledger_entries WHERE ledger_account IN ('receivable', 'late_fee_receivable') GROUP BY account_id
  ),
  nets AS (
    SELECT r.id AS bill_id, r.bill_no, r.period, r.account_id, r.due_on, r.created_at,
      greatest(r.total_fen + coalesce(n.total, 0), 0)::int8 AS net
    FROM bills r JOIN owed o ON o.account_id = r.account_id AND o.principal > 0
    LEFT JOIN LATERAL (SELECT sum(total_fen) AS total FROM bills x WHERE x.adjusts_bill_id = r.id) n ON true
    WHERE r.kind = 'regular'
  ),
  open_bills AS (
    SELECT b.*, greatest(least(b.net, o.principal - coalesce(sum(b.net) OVER (PARTITION BY b.account_id ORDER BY b.period DESC, b.created_at DESC
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)), 0)::int8 AS open_fen
    FROM nets b JOIN owed o ON o.account_id = b.account_id
  )`;

/** 10-digit account numbers shown as 10****0123 in messages. */
export function maskAccountNo(accountNo: string): string {
  if (accountNo.length <= 6) return accountNo;
  return `${accountNo.slice(0, 2)}${'*'.repeat(accountNo.length - 6)}${accountNo.slice(-4)}`;
}
