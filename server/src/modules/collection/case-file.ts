/** An account's collection file: what it owes, late fees per bill, notices, notes, disputes and orders. */
import type { PlatformContext } from '../../platform/context';
import { notFound } from '../../platform/errors';
import { noticesOf } from './dunning';
import { arrearsOf } from './late-fees';
import { cutoffOrdersOf, disputesOf, notesOf, reconnectionOrdersOf, todayIn } from './orders';
import type { CollectionCase } from './schemas';

export async function collectionCaseOf(context: PlatformContext, tenantId: string, accountId: string): Promise<CollectionCase> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [account] = await sql.query<{ account_no: string; is_protected: boolean }>(
      'SELECT a.account_no, (c.is_important OR c.is_special_care) AS is_protected FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = $1',
      [accountId],
    );
    if (!account) throw notFound({ zh: '账户', en: 'Account' });
    const now = context.clock.now();
    const arrears = await arrearsOf(sql, accountId, await todayIn(sql, tenantId, now));
    const fees = await sql.query<{ bill_id: string; bill_no: string; due_on: string; accrued_through: string; cap_base_fen: number; posted_fen: number }>(
      'SELECT l.bill_id, b.bill_no, b.due_on, l.accrued_through, l.cap_base_fen, l.posted_fen FROM late_fee_accruals l JOIN bills b ON b.id = l.bill_id WHERE l.account_id = $1 ORDER BY b.period',
      [accountId],
    );
    return {
      accountId,
      accountNo: account.account_no,
      principalFen: arrears.principalFen,
      overdueFen: arrears.overdueFen,
      lateFeeFen: arrears.lateFeeFen,
      isProtected: account.is_protected,
      lateFees: fees.map((row) => ({ billId: row.bill_id, billNo: row.bill_no, dueOn: row.due_on, accruedThrough: row.accrued_through, capBaseFen: row.cap_base_fen, postedFen: row.posted_fen })),
      notices: await noticesOf(sql, { limit: 200 }, accountId),
      notes: await notesOf(sql, accountId),
      disputes: await disputesOf(sql, accountId),
      cutoffOrders: await cutoffOrdersOf(sql, { limit: 100 }, accountId),
      reconnectionOrders: await reconnectionOrdersOf(sql, now, { limit: 100 }, accountId),
    };
  });
}
