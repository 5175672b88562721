import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { maskPersonName } from '../../platform/masking';
import type { PortalAccount } from './schemas';

export const MAX_FAILED_BINDINGS_PER_DAY = 10;

interface PortalAccountRow {
  id: string;
  account_no: string;
  name: string;
  kind: 'individual' | 'organisation';
  full_address: string;
  category: PortalAccount['category'];
  status: PortalAccount['status'];
  household_size: number;
  opened_on: string;
  bound_at: Date;
  meters: PortalAccount['meters'] | null;
}

const SELECT_BOUND_ACCOUNTS = `
  SELECT a.id, a.account_no, c.name, c.kind, p.full_address, a.category, a.status, a.household_size, a.opened_on, b.created_at AS bound_at,
    (SELECT json_agg(json_build_object('serialNo', m.serial_no, 'sizeDn', m.size_dn, 'isRemote', m.is_remote, 'installedOn', m.installed_on)
       ORDER BY m.installed_on DESC) FROM meters m WHERE m.premise_id = a.premise_id AND m.status = 'installed') AS meters
  FROM account_bindings b
  JOIN accounts a ON a.id = b.account_id
  JOIN customers c ON c.id = a.customer_id
  JOIN premises p ON p.id = a.premise_id
  WHERE b.portal_user_id = $1`;

const toPortalAccount = (row: PortalAccountRow): PortalAccount => ({
  id: row.id,
  accountNo: row.account_no,
  holderNameMasked: row.kind === 'organisation' ? row.name : maskPersonName(row.name),
  fullAddress: row.full_address,
  category: row.category,
  status: row.status,
  householdSize: row.household_size,
  openedOn: row.opened_on,
  meters: row.meters ?? [],
  boundAt: new Date(row.bound_at).toISOString(),
});

export async function listBoundAccounts(context: PlatformContext, tenantId: string, portalUserId: string): Promise<PortalAccount[]> {
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<PortalAccountRow>(`${SELECT_BOUND_ACCOUNTS} ORDER BY b.created_at`, [portalUserId]),
  );
  return rows.map(toPortalAccount);
}

async function findBoundAccount(sql: Sql, portalUserId: string, accountId: string): Promise<PortalAccount> {
  const rows = await sql.query<PortalAccountRow>(`${SELECT_BOUND_ACCOUNTS} AND a.id = $2`, [portalUserId, accountId]);
  // An account the user has not bound is answered exactly like one that does not exist.
  if (!rows[0]) throw notFound({ zh: '账户', en: 'Account' });
  return toPortalAccount(rows[0]);
}

/**
 * The portal's one access rule: a customer sees an account, and anything of it, only while their portal
 * user has it bound. Other modules ask this before showing a portal user an account's data.
 */
export async function isAccountBound(sql: Sql, portalUserId: string, accountId: string): Promise<boolean> {
  const rows = await sql.query('SELECT 1 FROM account_bindings WHERE portal_user_id = $1 AND account_id = $2', [portalUserId, accountId]);
  return rows.length > 0;
}

export async function getBoundAccount(context: PlatformContext, tenantId: string, portalUserId: string, accountId: string): Promise<PortalAccount> {
  return context.db.withTenant(tenantId, (sql) => findBoundAccount(sql, portalUserId, accountId));
}

const normaliseName = (name: string) => name.replace(/\s+/g, '').toLowerCase();

/**
 * Binds an account to the portal user when the holder's name matches. A wrong number and a wrong name get
 * the same answer, and ten failures in a day stop further tries, so holder names cannot be harvested.
 */
export async function bindAccount(
  context: PlatformContext,
  tenantId: string,
  portalUserId: string,
  input: { accountNo: string; holderName: string },
  actor: Actor,
): Promise<PortalAccount> {
  const now = context.clock.now();
  const outcome = await context.db.withTenant(tenantId, async (sql) => {
    const failures = await sql.query<{ count: number }>(
      `SELECT count(*)::int8 AS count FROM binding_attempts WHERE portal_user_id = $1 AND NOT succeeded AND attempted_at > $2::timestamptz - interval '1 day'`,
      [portalUserId, now],
    );
    if ((failures[0]?.count ?? 0) >= MAX_FAILED_BINDINGS_PER_DAY) {
      return new DomainError('rate_limited', 'binding_attempts_exceeded', '今日绑定失败次数过多，请明天再试或联系客服', 'Too many failed binding attempts today; try tomorrow or call the hotline', [], 3600);
    }
    const accounts = await sql.query<{ id: string; name: string; status: string }>(
      'SELECT a.id, c.name, a.status FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.account_no = $1',
      [input.accountNo],
    );
    const account = accounts[0];
    const isMatch = account !== undefined && account.status !== 'closed' && normaliseName(account.name) === normaliseName(input.holderName);
    await sql.query('INSERT INTO binding_attempts (tenant_id, portal_user_id, account_no, succeeded, attempted_at) VALUES ($1, $2, $3, $4, $5)', [
      tenantId,
      portalUserId,
      input.accountNo,
      isMatch,
      now,
    ]);
    if (!isMatch || !account) {
      return new DomainError('validation', 'binding_failed', '户号与户主姓名不匹配，请核对水费单上的信息', 'The account number and holder name do not match; check them against your water bill', [
        { field: 'accountNo', zh: '户号或户主姓名不正确', en: 'account number or holder name is wrong' },
      ]);
    }
    const inserted = await sql.query(
      `INSERT INTO account_bindings (tenant_id, portal_user_id, account_id, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING account_id`,
      [tenantId, portalUserId, account.id, now],
    );
    if (inserted.length > 0) {
      await recordAudit(sql, tenantId, actor, now, { action: 'portal.bind', objectType: 'account', objectId: account.id, after: { portalUserId } });
    }
    return findBoundAccount(sql, portalUserId, account.id);
  });
  if (outcome instanceof DomainError) throw outcome;
  return outcome;
}

export async function unbindAccount(context: PlatformContext, tenantId: string, portalUserId: string, accountId: string, actor: Actor): Promise<void> {
  await context.db.withTenant(tenantId, async (sql) => {
    const removed = await sql.query('DELETE FROM account_bindings WHERE portal_user_id = $1 AND account_id = $2 RETURNING account_id', [portalUserId, accountId]);
    if (removed.length === 0) throw notFound({ zh: '账户', en: 'Account' });
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'portal.unbind', objectType: 'account', objectId: accountId, before: { portalUserId } });
  });
}
