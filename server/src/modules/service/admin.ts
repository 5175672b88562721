/**
 * The service desk's settings, kept by the administrator (settings.manage): the request categories with their
 * time limits, basis (clock or working time), alert level and department, and the materials catalogue.
 * Nothing is deleted: a category or material is retired, so requests and recorded lines keep what they had.
 * A category's kind and code, and a material's base unit and scale, are fixed once made.
 */
import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import type { NewServiceCategory, NewServiceMaterial, ServiceCategoryPatch, ServiceMaterialPatch } from './admin-schemas';
import { catalogueOf, toMaterial } from './materials';
import type { ServiceMaterial } from './mediaSchemas';
import { categoriesOf, toCategory } from './requests';
import type { ServiceCategory } from './schemas';
import { TIME_LIMITS, trackOf, type RequestKind } from './states';

const CATEGORY = { zh: '工单类别', en: 'Request category' };
const MATERIAL = { zh: '材料', en: 'Material' };
const LIMIT_NAMES: Record<string, { zh: string; en: string }> = {
  accept: { zh: '受理', en: 'accept' },
  respond: { zh: '答复', en: 'respond' },
  close: { zh: '办结', en: 'close' },
  dispatch: { zh: '派单', en: 'dispatch' },
  arrive: { zh: '到场', en: 'arrive' },
  control: { zh: '控制', en: 'control' },
  restore: { zh: '恢复供水', en: 'restore' },
};

/**
 * The limits a kind of request needs, exactly: every one of its track's time limits, in minutes from the
 * report, each at least the one before (supply cannot be restored before the crew arrives).
 */
export function checkLimits(kind: RequestKind, limits: Record<string, number>): Record<string, number> {
  const wanted = TIME_LIMITS[trackOf(kind)] as readonly string[];
  const problems: { field: string; zh: string; en: string }[] = [];
  for (const key of Object.keys(limits)) {
    if (!wanted.includes(key)) problems.push({ field: `limits.${key}`, zh: '此类工单没有这个时限', en: `a ${kind} request has no such time limit` });
  }
  let previous = 0;
  for (const key of wanted) {
    const value = limits[key];
    const name = LIMIT_NAMES[key] ?? { zh: key, en: key };
    if (value === undefined) {
      problems.push({ field: `limits.${key}`, zh: `请填写${name.zh}时限`, en: `give the ${name.en} time limit` });
      continue;
    }
    if (value < previous) problems.push({ field: `limits.${key}`, zh: `${name.zh}时限不能短于前一个时限（${previous} 分钟）`, en: `the ${name.en} limit cannot be shorter than the one before (${previous} minutes)` });
    previous = Math.max(previous, value);
  }
  if (problems.length > 0) throw new DomainError('validation', 'validation_failed', '时限设置有误', 'The time limits are not valid', problems);
  return Object.fromEntries(wanted.map((key) => [key, limits[key] as number]));
}

const codeTaken = (what: { zh: string; en: string }) =>
  new DomainError('conflict', 'code_taken', `${what.zh}代码已被使用`, `${what.en} code already in use`, [{ field: 'code', zh: '代码已被使用', en: 'is already in use' }]);

export async function createCategory(context: PlatformContext, tenantId: string, input: NewServiceCategory, actor: Actor): Promise<ServiceCategory> {
  const limits = checkLimits(input.kind, input.limits);
  return context.db.withTenant(tenantId, async (sql) => {
    const existing = await categoriesOf(sql, tenantId);
    if (existing.some((category) => category.code === input.code)) throw codeTaken(CATEGORY);
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits, alert_level, department, sort_order)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, (SELECT coalesce(max(sort_order), 0) + 1 FROM service_categories)) RETURNING id`,
      [tenantId, input.code, input.name, input.nameEn, input.kind, input.timeBasis, JSON.stringify(limits), input.alertLevel, input.department],
    );
    const created = await categoryById(sql, tenantId, (row as { id: string }).id);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'service_category.create', objectType: 'service_category', objectId: created.id, after: { ...created } });
    return created;
  });
}

async function categoryById(sql: Sql, tenantId: string, id: string): Promise<ServiceCategory> {
  const row = (await categoriesOf(sql, tenantId)).find((category) => category.id === id);
  if (!row) throw notFound(CATEGORY);
  return toCategory(row);
}

export async function updateCategory(context: PlatformContext, tenantId: string, id: string, patch: ServiceCategoryPatch, actor: Actor): Promise<ServiceCategory> {
  return context.db.withTenant(tenantId, async (sql) => {
    await sql.query('SELECT 1 FROM service_categories WHERE id = $1 FOR UPDATE', [id]);
    const before = await categoryById(sql, tenantId, id);
    const after: ServiceCategory = {
      ...before,
      name: patch.name ?? before.name,
      nameEn: patch.nameEn ?? before.nameEn,
      timeBasis: patch.timeBasis ?? before.timeBasis,
      limits: patch.limits ? checkLimits(before.kind, patch.limits) : before.limits,
      alertLevel: patch.alertLevel ?? before.alertLevel,
      department: patch.department ?? before.department,
      isActive: patch.isActive ?? before.isActive,
    };
    const change = changedFields(before, after);
    if (!change) return before;
    // Requests already made keep the deadlines they were given; the new limits apply from the next report.
    await sql.query('UPDATE service_categories SET name = $2, name_en = $3, time_basis = $4, limits = $5::jsonb, alert_level = $6, department = $7, is_active = $8 WHERE id = $1', [
      id,
      after.name,
      after.nameEn,
      after.timeBasis,
      JSON.stringify(after.limits),
      after.alertLevel,
      after.department,
      after.isActive,
    ]);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: patch.isActive === false && before.isActive ? 'service_category.retire' : 'service_category.update', objectType: 'service_category', objectId: id, ...change });
    return after;
  });
}

async function materialById(sql: Sql, tenantId: string, id: string): Promise<ServiceMaterial> {
  const row = (await catalogueOf(sql, tenantId)).find((material) => material.id === id);
  if (!row) throw notFound(MATERIAL);
  return toMaterial(row);
}

export async function createMaterial(context: PlatformContext, tenantId: string, input: NewServiceMaterial, actor: Actor): Promise<ServiceMaterial> {
  return context.db.withTenant(tenantId, async (sql) => {
    const existing = await catalogueOf(sql, tenantId);
    if (existing.some((material) => material.code === input.code)) throw codeTaken(MATERIAL);
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO service_materials (tenant_id, code, name, name_en, unit, unit_en, base_unit, base_unit_en, scale, sort_order)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT coalesce(max(sort_order), 0) + 1 FROM service_materials)) RETURNING id`,
      [tenantId, input.code, input.name, input.nameEn, input.unit, input.unitEn, input.baseUnit, input.baseUnitEn, input.scale],
    );
    const created = await materialById(sql, tenantId, (row as { id: string }).id);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'service_material.create', objectType: 'service_material', objectId: created.id, after: { ...created } });
    return created;
  });
}

export async function updateMaterial(context: PlatformContext, tenantId: string, id: string, patch: ServiceMaterialPatch, actor: Actor): Promise<ServiceMaterial> {
  return context.db.withTenant(tenantId, async (sql) => {
    await sql.query('SELECT 1 FROM service_materials WHERE id = $1 FOR UPDATE', [id]);
    const before = await materialById(sql, tenantId, id);
    const after: ServiceMaterial = {
      ...before,
      name: patch.name ?? before.name,
      nameEn: patch.nameEn ?? before.nameEn,
      unit: patch.unit ?? before.unit,
      unitEn: patch.unitEn ?? before.unitEn,
      isActive: patch.isActive ?? before.isActive,
    };
    const change = changedFields(before, after);
    if (!change) return before;
    await sql.query('UPDATE service_materials SET name = $2, name_en = $3, unit = $4, unit_en = $5, is_active = $6 WHERE id = $1', [id, after.name, after.nameEn, after.unit, after.unitEn, after.isActive]);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: patch.isActive === false && before.isActive ? 'service_material.retire' : 'service_material.update', objectType: 'service_material', objectId: id, ...change });
    return after;
  });
}
