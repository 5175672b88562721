import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import { businessDate } from '../../platform/clock';
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue } from '../../platform/db/counters';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound, staleVersion } from '../../platform/errors';
import { findCustomer, insertCustomer } from './customers';
import { findPremise } from './premises';
import { ACCOUNT_COLUMNS, toAccount, type AccountRow } from './rows';
import type { Account, AccountPatch, Customer, NewAccount } from './schemas';

const ACCOUNT = { zh: '账户', en: 'Account' };
const auditView = ({ id: _id, version: _version, fullAddress: _full, ...rest }: Account) => rest;

export async function findAccount(sql: Sql, id: string, forUpdate = false): Promise<Account> {
  const rows = await sql.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts a JOIN premises p ON p.id = a.premise_id WHERE a.id = $1${forUpdate ? ' FOR UPDATE OF a' : ''}`,
    [id],
  );
  if (!rows[0]) throw notFound(ACCOUNT);
  return toAccount(rows[0]);
}

export async function findAccountsOfCustomer(sql: Sql, customerId: string): Promise<Account[]> {
  const rows = await sql.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts a JOIN premises p ON p.id = a.premise_id WHERE a.customer_id = $1 ORDER BY a.status = 'closed', a.account_no`,
    [customerId],
  );
  return rows.map(toAccount);
}

/** 户号: ten digits from the tenant's counter, starting at 1000000001. */
export async function newAccountNo(sql: Sql, tenantId: string): Promise<string> {
  return String(await nextCounterValue(sql, tenantId, 'account_no', 1_000_000_000));
}

/** Business date (YYYY-MM-DD) of an instant in a time zone (platform/clock.ts). */
export { businessDate };

export async function insertAccount(context: PlatformContext, sql: Sql, tenantId: string, input: NewAccount & { openedOn: string }): Promise<Account> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO accounts (tenant_id, account_no, customer_id, premise_id, category, household_size, opened_on, service_hall_id, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
    [tenantId, await newAccountNo(sql, tenantId), input.customerId, input.premiseId, input.category, input.householdSize ?? 3, input.openedOn, input.serviceHallId ?? null, context.clock.now()],
  );
  return findAccount(sql, (rows[0] as { id: string }).id);
}

export async function openAccount(context: PlatformContext, tenantId: string, timeZone: string, input: NewAccount, actor: Actor): Promise<Account> {
  return context.db.withTenant(tenantId, async (sql) => {
    await findCustomer(sql, input.customerId);
    await findPremise(sql, input.premiseId);
    const open = await sql.query<{ account_no: string }>("SELECT account_no FROM accounts WHERE premise_id = $1 AND status <> 'closed'", [input.premiseId]);
    if (open[0]) {
      throw new DomainError('conflict', 'premise_has_open_account', `该用水地址已有在用账户 ${open[0].account_no}`, `The premise already has an open account ${open[0].account_no}`, [
        { field: 'premiseId', zh: '已有在用账户', en: 'already has an open account' },
      ]);
    }
    const account = await insertAccount(context, sql, tenantId, { ...input, openedOn: input.openedOn ?? businessDate(context.clock.now(), timeZone) });
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'account.open',
      objectType: 'account',
      objectId: account.id,
      customerId: account.customerId,
      after: auditView(account),
    });
    return account;
  });
}

export async function updateAccount(context: PlatformContext, tenantId: string, id: string, patch: AccountPatch, actor: Actor): Promise<Account> {
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await findAccount(sql, id, true);
    if (current.version !== patch.version) throw staleVersion();
    await sql.query(
      // A water-use category belongs to one class of accounts: a change of class clears the one set, so
      // the new class's default applies until a clerk sets another.
      `UPDATE accounts SET category = $2, status = $3, household_size = $4, service_hall_id = $5,
         water_category_id = CASE WHEN category = $2 THEN water_category_id END, version = version + 1, updated_at = $6 WHERE id = $1`,
      [
        id,
        patch.category ?? current.category,
        patch.status ?? current.status,
        patch.householdSize ?? current.householdSize,
        patch.serviceHallId === undefined ? current.serviceHallId : patch.serviceHallId,
        context.clock.now(),
      ],
    );
    const updated = await findAccount(sql, id);
    const diff = changedFields(auditView(current), auditView(updated));
    if (diff) await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'account.update', objectType: 'account', objectId: id, customerId: current.customerId, ...diff });
    return updated;
  });
}

/**
 * 更名过户: the account passes to another customer in the caller's transaction. It keeps its number, its
 * bills, readings, ledger and meter (they hang on the account); the old holder's portal bindings end, since
 * the account's bills are no longer theirs to see, except the binding of the portal user who applied for the
 * change, if any. Audited with the holders before and after.
 */
export async function transferAccountHolder(
  context: PlatformContext,
  sql: Sql,
  tenantId: string,
  input: { accountId: string; customerId: string; keepBindingOf?: string | null; reference?: Record<string, unknown> },
  actor: Actor,
): Promise<Account> {
  const current = await findAccount(sql, input.accountId, true);
  const newHolder = await findCustomer(sql, input.customerId);
  if (current.customerId === newHolder.id) {
    throw new DomainError('conflict', 'same_holder', '新户主与原户主是同一客户', 'The new holder is the account’s holder already', [{ field: 'customerId', zh: '与原户主相同', en: 'is the current holder' }]);
  }
  if (current.status === 'closed' || current.status === 'closing') {
    throw new DomainError('conflict', 'account_closed', '账户已销户或正在销户，不能过户', 'The account is closed or being closed; it cannot change holder', [{ field: 'accountId', zh: '已销户', en: 'is closed' }]);
  }
  const now = context.clock.now();
  await sql.query('UPDATE accounts SET customer_id = $2, version = version + 1, updated_at = $3 WHERE id = $1', [input.accountId, newHolder.id, now]);
  const unbound = await sql.query<{ portal_user_id: string }>(
    'DELETE FROM account_bindings WHERE account_id = $1 AND portal_user_id IS DISTINCT FROM $2 RETURNING portal_user_id',
    [input.accountId, input.keepBindingOf ?? null],
  );
  await recordAudit(sql, tenantId, actor, now, {
    action: 'account.transfer',
    objectType: 'account',
    objectId: input.accountId,
    customerId: newHolder.id,
    before: { customerId: current.customerId },
    after: { customerId: newHolder.id, customerNo: newHolder.customerNo, accountNo: current.accountNo, portalBindingsEnded: unbound.length, ...(input.reference ?? {}) },
  });
  return findAccount(sql, input.accountId);
}

/**
 * The customer a holder change passes an account to: the customer of that name and mobile number if there is
 * exactly one, else a new individual customer (audited). Found by both, so a namesake is never taken.
 */
export async function findOrCreateHolder(context: PlatformContext, sql: Sql, tenantId: string, input: { name: string; phone: string | null; reference?: Record<string, unknown> }, actor: Actor): Promise<{ customer: Customer; isNew: boolean }> {
  if (input.phone) {
    const found = await sql.query<{ id: string }>('SELECT id FROM customers WHERE name = $1 AND phone = $2 LIMIT 2', [input.name, input.phone]);
    if (found.length === 1) return { customer: await findCustomer(sql, (found[0] as { id: string }).id), isNew: false };
  }
  const customer = await insertCustomer(context, sql, tenantId, { kind: 'individual', name: input.name, ...(input.phone ? { phone: input.phone } : {}) });
  await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'customer.create', objectType: 'customer', objectId: customer.id, customerId: customer.id, after: { customerNo: customer.customerNo, ...(input.reference ?? {}) } });
  return { customer, isNew: true };
}

/**
 * 销户 in the caller's transaction: 'closing' while the final bill is unpaid, 'closed' (with the day) once
 * nothing is owed. Audited; `reference` says why (the application, the payment).
 */
export async function setAccountClosure(
  sql: Sql,
  tenantId: string,
  input: { accountId: string; status: 'closing' | 'closed'; closedOn: string | null; reference?: Record<string, unknown> },
  actor: Actor,
  now: Date,
): Promise<Account> {
  const current = await findAccount(sql, input.accountId, true);
  if (current.status === 'closed') {
    throw new DomainError('conflict', 'account_closed', '账户已销户', 'The account is closed already', [{ field: 'accountId', zh: '已销户', en: 'is closed already' }]);
  }
  await sql.query('UPDATE accounts SET status = $2, closed_on = $3, version = version + 1, updated_at = $4 WHERE id = $1', [input.accountId, input.status, input.status === 'closed' ? input.closedOn : null, now]);
  await recordAudit(sql, tenantId, actor, now, {
    action: input.status === 'closed' ? 'account.close' : 'account.closing',
    objectType: 'account',
    objectId: input.accountId,
    customerId: current.customerId,
    before: { status: current.status },
    after: { status: input.status, ...(input.status === 'closed' ? { closedOn: input.closedOn } : {}), ...(input.reference ?? {}) },
  });
  return findAccount(sql, input.accountId);
}
