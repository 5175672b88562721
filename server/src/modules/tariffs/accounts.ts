import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { invalidField, notFound, staleVersion } from '../../platform/errors';
import type { AccountClass, AccountWaterCategory, AccountWaterCategoryPatch } from './schemas';

interface AccountCategoryRow {
  id: string;
  account_no: string;
  customer_id: string;
  category: AccountClass;
  water_category_id: string | null;
  version: number;
}

interface CategoryRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  account_class: AccountClass;
  is_active: boolean;
}

async function findAccountCategory(sql: Sql, id: string, forUpdate: boolean): Promise<AccountCategoryRow> {
  const rows = await sql.query<AccountCategoryRow>(
    `SELECT id, account_no, customer_id, category, water_category_id, version FROM accounts WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (!rows[0]) throw notFound({ zh: '账户', en: 'Account' });
  return rows[0];
}

/** The category an account's bills use: the one set on it, else its class's default. */
async function effectiveCategory(sql: Sql, account: AccountCategoryRow): Promise<CategoryRow | null> {
  const rows = await sql.query<CategoryRow>(
    `SELECT id, code, name, name_en, account_class, is_active FROM water_categories
     WHERE (id = $1 AND account_class = $2) OR (is_default_for_class AND account_class = $2)
     ORDER BY id = $1 DESC LIMIT 1`,
    [account.water_category_id, account.category],
  );
  return rows[0] ?? null;
}

async function view(sql: Sql, account: AccountCategoryRow): Promise<AccountWaterCategory> {
  const effective = await effectiveCategory(sql, account);
  return {
    accountId: account.id,
    accountNo: account.account_no,
    accountClass: account.category,
    waterCategoryId: account.water_category_id,
    effectiveWaterCategory: effective ? { id: effective.id, code: effective.code, name: effective.name, nameEn: effective.name_en } : null,
    version: account.version,
  };
}

/**
 * Sets the water-use category (用水性质) of an account, or clears it so that the default of the account's
 * class applies. The category must be active and of the account's class. Recorded in the audit log.
 */
export async function setAccountWaterCategory(context: PlatformContext, tenantId: string, accountId: string, patch: AccountWaterCategoryPatch, actor: Actor): Promise<AccountWaterCategory> {
  return context.db.withTenant(tenantId, async (sql) => {
    const account = await findAccountCategory(sql, accountId, true);
    if (account.version !== patch.version) throw staleVersion();
    let code: string | null = null;
    if (patch.waterCategoryId !== null) {
      const rows = await sql.query<CategoryRow>('SELECT id, code, name, name_en, account_class, is_active FROM water_categories WHERE id = $1', [patch.waterCategoryId]);
      const category = rows[0];
      if (!category) throw invalidField('waterCategoryId', '用水性质不存在', 'no such water-use category');
      if (category.account_class !== account.category) {
        throw invalidField('waterCategoryId', '用水性质与账户的用水类别不符', 'belongs to another class of accounts than this one');
      }
      if (!category.is_active) throw invalidField('waterCategoryId', '该用水性质已停用', 'is no longer in use');
      code = category.code;
    }
    const before = account.water_category_id
      ? ((await sql.query<{ code: string }>('SELECT code FROM water_categories WHERE id = $1', [account.water_category_id]))[0]?.code ?? null)
      : null;
    if (before === code) return view(sql, account);
    const updated = await sql.query<AccountCategoryRow>(
      `UPDATE accounts SET water_category_id = $2, version = version + 1, updated_at = $3 WHERE id = $1
       RETURNING id, account_no, customer_id, category, water_category_id, version`,
      [accountId, patch.waterCategoryId, context.clock.now()],
    );
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'account.water_category',
      objectType: 'account',
      objectId: accountId,
      customerId: account.customer_id,
      before: { waterCategory: before },
      after: { waterCategory: code },
    });
    return view(sql, updated[0] as AccountCategoryRow);
  });
}
