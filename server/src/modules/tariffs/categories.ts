import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { businessToday, CATEGORY_QUERY, toWaterCategory, type WaterCategoryRow } from './rows';
import type { NewWaterCategory, WaterCategory, WaterCategoryPatch } from './schemas';

export const WATER_CATEGORY = { zh: '用水性质', en: 'Water-use category' };

/** What the audit log keeps of a category: its own fields, not the version summaries. */
const auditView = (category: WaterCategory) => ({
  code: category.code,
  name: category.name,
  nameEn: category.nameEn,
  accountClass: category.accountClass,
  isDefaultForClass: category.isDefaultForClass,
  isActive: category.isActive,
});

export async function listCategories(sql: Sql, today: string): Promise<WaterCategory[]> {
  const rows = await sql.query<WaterCategoryRow>(`${CATEGORY_QUERY} ORDER BY array_position(ARRAY['residential','non_residential','special'], c.account_class), c.code`, [today]);
  return rows.map(toWaterCategory);
}

export async function findCategory(sql: Sql, id: string, today: string, forUpdate = false): Promise<WaterCategory> {
  if (forUpdate) await sql.query('SELECT 1 FROM water_categories WHERE id = $1 FOR UPDATE', [id]);
  const rows = await sql.query<WaterCategoryRow>(`${CATEGORY_QUERY} WHERE c.id = $2`, [today, id]);
  if (!rows[0]) throw notFound(WATER_CATEGORY);
  return toWaterCategory(rows[0]);
}

export async function listWaterCategories(context: PlatformContext, tenantId: string): Promise<WaterCategory[]> {
  return context.db.withTenant(tenantId, async (sql) => listCategories(sql, await businessToday(sql, tenantId, context.clock.now())));
}

/** Takes the default flag from the class's current default, recording the change. */
async function clearDefault(context: PlatformContext, sql: Sql, tenantId: string, accountClass: string, today: string, actor: Actor): Promise<void> {
  const rows = await sql.query<{ id: string }>('SELECT id FROM water_categories WHERE account_class = $1 AND is_default_for_class FOR UPDATE', [accountClass]);
  for (const { id } of rows) {
    const before = await findCategory(sql, id, today);
    await sql.query('UPDATE water_categories SET is_default_for_class = false WHERE id = $1', [id]);
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'water_category.update',
      objectType: 'water_category',
      objectId: id,
      before: { isDefaultForClass: before.isDefaultForClass },
      after: { isDefaultForClass: false },
    });
  }
}

export async function insertCategory(context: PlatformContext, sql: Sql, tenantId: string, input: NewWaterCategory, actor: Actor, today: string): Promise<WaterCategory> {
  const taken = await sql.query('SELECT 1 FROM water_categories WHERE code = $1', [input.code]);
  if (taken.length) {
    throw new DomainError('conflict', 'duplicate_code', `用水性质代码 ${input.code} 已存在`, `The category code ${input.code} is already in use`, [
      { field: 'code', zh: '代码已存在', en: 'is already in use' },
    ]);
  }
  if (input.isDefaultForClass) await clearDefault(context, sql, tenantId, input.accountClass, today, actor);
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO water_categories (tenant_id, code, name, name_en, account_class, is_default_for_class, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [tenantId, input.code, input.name, input.nameEn, input.accountClass, input.isDefaultForClass ?? false, context.clock.now()],
  );
  const category = await findCategory(sql, (rows[0] as { id: string }).id, today);
  await recordAudit(sql, tenantId, actor, context.clock.now(), {
    action: 'water_category.create',
    objectType: 'water_category',
    objectId: category.id,
    after: auditView(category),
  });
  return category;
}

export async function createWaterCategory(context: PlatformContext, tenantId: string, input: NewWaterCategory, actor: Actor): Promise<WaterCategory> {
  return context.db.withTenant(tenantId, async (sql) => insertCategory(context, sql, tenantId, input, actor, await businessToday(sql, tenantId, context.clock.now())));
}

const refuse = (field: string, zh: string, en: string) => new DomainError('validation', 'validation_failed', zh, en, [{ field, zh, en }]);

export async function updateWaterCategory(context: PlatformContext, tenantId: string, id: string, patch: WaterCategoryPatch, actor: Actor): Promise<WaterCategory> {
  return context.db.withTenant(tenantId, async (sql) => {
    const today = await businessToday(sql, tenantId, context.clock.now());
    const current = await findCategory(sql, id, today, true);
    const isActive = patch.isActive ?? current.isActive;
    const isDefault = patch.isDefaultForClass ?? current.isDefaultForClass;
    if (current.isDefaultForClass && !isDefault) {
      throw refuse('isDefaultForClass', '每类用水至少要有一个默认用水性质：请把另一个用水性质设为默认', 'a class keeps its default: make another category the default instead');
    }
    if (isDefault && !isActive) {
      throw refuse('isActive', '默认用水性质不能停用：请先把另一个用水性质设为默认', 'the default category cannot be deactivated: make another one the default first');
    }
    if (isDefault && !current.isDefaultForClass) await clearDefault(context, sql, tenantId, current.accountClass, today, actor);
    await sql.query('UPDATE water_categories SET name = $2, name_en = $3, is_default_for_class = $4, is_active = $5 WHERE id = $1', [
      id,
      patch.name ?? current.name,
      patch.nameEn ?? current.nameEn,
      isDefault,
      isActive,
    ]);
    const updated = await findCategory(sql, id, today);
    const diff = changedFields(auditView(current), auditView(updated));
    if (diff) await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'water_category.update', objectType: 'water_category', objectId: id, ...diff });
    return updated;
  });
}
