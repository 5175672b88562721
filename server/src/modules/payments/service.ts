/** Reads of an account's money for staff and for the customer (only accounts they bound; others are "not found"). */
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { notFound } from '../../platform/errors';
import { lateFeesDueFen, lateFeesOwedFen } from '../collection';
import { isAccountBound } from '../customers';
import { todayOf } from './counter';
import type { AccountMoney, PaymentSummary, Receipt, Statement } from './schemas';
import { openBills } from './settlement';
import { balanceOf, paymentsOf, receiptOf, statementOf } from './statement';

export type Viewer = { kind: 'staff' } | { kind: 'portal'; portalUserId: string };

const ACCOUNT = { zh: '账户', en: 'Account' };

async function requireAccount(sql: Sql, viewer: Viewer, accountId: string): Promise<void> {
  if (viewer.kind === 'portal') {
    if (!(await isAccountBound(sql, viewer.portalUserId, accountId))) throw notFound(ACCOUNT);
    return;
  }
  const rows = await sql.query('SELECT 1 FROM accounts WHERE id = $1', [accountId]);
  if (rows.length === 0) throw notFound(ACCOUNT);
}

/**
 * What an account owes today: late fees are brought up to date (accrued through yesterday, as a payment
 * today would assess them), so paying balanceFen — the open bills and lateFeeFen, less prepaid — leaves
 * nothing owed.
 */
export async function moneyOf(sql: Sql, tenantId: string, accountId: string, today: string): Promise<AccountMoney> {
  const [prepaid] = await sql.query<{ balance_fen: number }>('SELECT balance_fen FROM prepaid_balances WHERE account_id = $1', [accountId]);
  const lateFeeFen = await lateFeesDueFen(sql, tenantId, accountId, today);
  const pendingFen = lateFeeFen - (await lateFeesOwedFen(sql, accountId));
  return { accountId, balanceFen: (await balanceOf(sql, accountId)) + pendingFen, prepaidFen: prepaid?.balance_fen ?? 0, lateFeeFen, openBills: await openBills(sql, accountId, today) };
}

export async function getAccountMoney(context: PlatformContext, tenantId: string, viewer: Viewer, accountId: string): Promise<AccountMoney> {
  const today = await todayOf(context, tenantId);
  return context.db.withTenant(tenantId, async (sql) => {
    await requireAccount(sql, viewer, accountId);
    return moneyOf(sql, tenantId, accountId, today);
  });
}

export async function listPayments(context: PlatformContext, tenantId: string, viewer: Viewer, accountId: string, limit: number): Promise<PaymentSummary[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    await requireAccount(sql, viewer, accountId);
    return paymentsOf(sql, accountId, limit);
  });
}

export async function getStatement(context: PlatformContext, tenantId: string, viewer: Viewer, accountId: string, limit: number): Promise<Statement> {
  return context.db.withTenant(tenantId, async (sql) => {
    await requireAccount(sql, viewer, accountId);
    return statementOf(sql, accountId, limit);
  });
}

export async function getReceipt(context: PlatformContext, tenantId: string, viewer: Viewer, paymentId: string): Promise<Receipt> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ account_id: string }>('SELECT account_id FROM payments WHERE id = $1', [paymentId]);
    const accountId = rows[0]?.account_id;
    if (!accountId) throw notFound({ zh: '缴费记录', en: 'Payment' });
    if (viewer.kind === 'portal' && !(await isAccountBound(sql, viewer.portalUserId, accountId))) throw notFound({ zh: '缴费记录', en: 'Payment' });
    return receiptOf(sql, tenantId, paymentId);
  });
}
