/**
 * The utility's application types with their stages, materials and segregation-of-duties rules: created with
 * the defaults (defaults.ts) the first time they are asked for, read as one structure, and published without
 * login (公开业务办理流程). Stage deadlines count working days in the utility's calendar (service module).
 */
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { isRole, ROLE_NAMES } from '../../platform/permissions';
import { addTime, calendarFromSettings, type WorkingCalendar } from '../service';
import type { FileType } from '../../platform/files';
import { loadTenantSettings, requireTenantByCode } from '../tenancy';
import { DEFAULT_APPLICATION_TYPES } from './defaults';
import type { ApplicationType, OutputSpec, Stage } from './schemas';
import { describeSodRule } from './segregation';

export interface TypeWithPrefix extends ApplicationType {
  prefix: string;
  isActive: boolean;
}

const roleName = (role: string) => (isRole(role) ? ROLE_NAMES[role] : { zh: role, en: role });

/** Creates the default types of a utility that has none yet; a second caller at the same time adds nothing. */
export async function ensureApplicationTypes(sql: Sql, tenantId: string): Promise<void> {
  const existing = await sql.query('SELECT 1 FROM application_types LIMIT 1');
  if (existing.length > 0) return;
  const types = DEFAULT_APPLICATION_TYPES.map((type, index) => ({
    code: type.code,
    name: type.name,
    name_en: type.nameEn,
    description: type.description,
    description_en: type.descriptionEn,
    number_prefix: type.prefix,
    sort_order: index,
  }));
  const inserted = await sql.query<{ id: string; code: string }>(
    `INSERT INTO application_types (tenant_id, code, name, name_en, description, description_en, number_prefix, sort_order)
     SELECT $1, t.code, t.name, t.name_en, t.description, t.description_en, t.number_prefix, t.sort_order
     FROM jsonb_to_recordset($2::jsonb) AS t(code text, name text, name_en text, description text, description_en text, number_prefix text, sort_order int)
     ON CONFLICT (tenant_id, code) DO NOTHING RETURNING id, code`,
    [tenantId, JSON.stringify(types)],
  );
  // Another transaction made them first: its rows, not ours, hold the stages.
  if (inserted.length === 0) return;
  const idOf = new Map(inserted.map((row) => [row.code, row.id]));
  const stages = DEFAULT_APPLICATION_TYPES.flatMap((type) =>
    type.stages.map((stage, index) => ({ type_id: idOf.get(type.code), position: index + 1, code: stage.code, name: stage.name, name_en: stage.nameEn, role: stage.role, time_limit_days: stage.days, outputs: stage.outputs })),
  ).filter((stage) => stage.type_id);
  await sql.query(
    `INSERT INTO application_stages (tenant_id, type_id, position, code, name, name_en, role, time_limit_days, outputs)
     SELECT $1, s.type_id, s.position, s.code, s.name, s.name_en, s.role, s.time_limit_days, s.outputs
     FROM jsonb_to_recordset($2::jsonb) AS s(type_id uuid, position int, code text, name text, name_en text, role text, time_limit_days int, outputs jsonb)`,
    [tenantId, JSON.stringify(stages)],
  );
  const materials = DEFAULT_APPLICATION_TYPES.flatMap((type) => type.materials.map((material, index) => ({ type_id: idOf.get(type.code), code: material.code, name: material.name, name_en: material.nameEn, is_required: material.isRequired, sort_order: index }))).filter((material) => material.type_id);
  await sql.query(
    `INSERT INTO application_materials (tenant_id, type_id, code, name, name_en, is_required, sort_order)
     SELECT $1, m.type_id, m.code, m.name, m.name_en, m.is_required, m.sort_order
     FROM jsonb_to_recordset($2::jsonb) AS m(type_id uuid, code text, name text, name_en text, is_required boolean, sort_order int)`,
    [tenantId, JSON.stringify(materials)],
  );
  const rules = DEFAULT_APPLICATION_TYPES.flatMap((type) => type.rules.map((rule) => ({ type_id: idOf.get(type.code), kind: rule.kind, stage_codes: rule.stageCodes }))).filter((rule) => rule.type_id);
  await sql.query(
    `INSERT INTO application_sod_rules (tenant_id, type_id, kind, stage_codes)
     SELECT $1, r.type_id, r.kind, ARRAY(SELECT jsonb_array_elements_text(r.stage_codes))
     FROM jsonb_to_recordset($2::jsonb) AS r(type_id uuid, kind text, stage_codes jsonb)`,
    [tenantId, JSON.stringify(rules)],
  );
}

interface TypeRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  description: string;
  description_en: string;
  number_prefix: string;
  acceptance_fee_fen: number;
  is_active: boolean;
}

interface StageRow {
  type_id: string;
  position: number;
  code: string;
  name: string;
  name_en: string;
  role: string;
  time_limit_days: number;
  outputs: OutputSpec[];
  is_enabled: boolean;
}

/** Whether the process lets a utility leave the stage out: a property of the process (defaults.ts), not of the utility. */
export const isSkippableStage = (typeCode: string, stageCode: string): boolean =>
  DEFAULT_APPLICATION_TYPES.find((type) => type.code === typeCode)?.stages.find((stage) => stage.code === stageCode)?.isSkippable === true;

/** Every type of the utility (made with the defaults if there are none), in order, with stages, materials and rules. */
export async function loadApplicationTypes(sql: Sql, tenantId: string): Promise<TypeWithPrefix[]> {
  await ensureApplicationTypes(sql, tenantId);
  const types = await sql.query<TypeRow>('SELECT id, code, name, name_en, description, description_en, number_prefix, acceptance_fee_fen, is_active FROM application_types ORDER BY sort_order, code');
  const stages = await sql.query<StageRow>('SELECT type_id, position, code, name, name_en, role, time_limit_days, outputs, is_enabled FROM application_stages ORDER BY type_id, position');
  const materials = await sql.query<{ type_id: string; code: string; name: string; name_en: string; is_required: boolean; accepted_kinds: FileType[] }>(
    'SELECT type_id, code, name, name_en, is_required, accepted_kinds FROM application_materials ORDER BY type_id, sort_order, code',
  );
  const rules = await sql.query<{ type_id: string; kind: 'different_people' | 'different_departments'; stage_codes: string[] }>('SELECT type_id, kind, stage_codes FROM application_sod_rules ORDER BY type_id, kind DESC, stage_codes');
  return types.map((type) => {
    const typeStages: Stage[] = stages
      .filter((stage) => stage.type_id === type.id)
      .map((stage) => ({
        position: stage.position,
        code: stage.code,
        name: stage.name,
        nameEn: stage.name_en,
        role: stage.role,
        roleName: roleName(stage.role),
        timeLimitDays: stage.time_limit_days,
        outputs: stage.outputs,
        isSkippable: isSkippableStage(type.code, stage.code),
        // A stage the process does not let be skipped is worked, whatever a row says.
        isEnabled: stage.is_enabled || !isSkippableStage(type.code, stage.code),
      }));
    return {
      id: type.id,
      code: type.code,
      name: type.name,
      nameEn: type.name_en,
      description: type.description,
      descriptionEn: type.description_en,
      acceptanceFeeFen: Number(type.acceptance_fee_fen),
      totalDays: typeStages.reduce((sum, stage) => sum + (stage.isEnabled ? stage.timeLimitDays : 0), 0),
      stages: typeStages,
      materials: materials.filter((material) => material.type_id === type.id).map((material) => ({ code: material.code, name: material.name, nameEn: material.name_en, isRequired: material.is_required, acceptedKinds: material.accepted_kinds })),
      rules: rules.filter((rule) => rule.type_id === type.id).map((rule) => ({ kind: rule.kind, stageCodes: rule.stage_codes, description: describeSodRule(rule.kind, typeStages, rule.stage_codes) })),
      prefix: type.number_prefix,
      isActive: type.is_active,
    };
  });
}

export async function listApplicationTypes(context: PlatformContext, tenantId: string): Promise<ApplicationType[]> {
  return context.db.withTenant(tenantId, async (sql) => (await loadApplicationTypes(sql, tenantId)).map(({ prefix: _prefix, isActive: _active, ...type }) => type));
}

/** 公开业务办理流程: the active types of a utility, for anyone (no login), the utility named by its code. */
export async function publicProcesses(context: PlatformContext, tenantCode: string) {
  const tenant = await requireTenantByCode(context, tenantCode);
  const processes = await context.db.withTenant(tenant.id, async (sql) => (await loadApplicationTypes(sql, tenant.id)).filter((type) => type.isActive));
  return {
    utility: { code: tenant.code, name: tenant.name, hotline: tenant.hotline ?? null },
    // The published process is the one worked: stages the utility left out are not shown.
    processes: processes.map(({ id: _id, prefix: _prefix, isActive: _active, ...type }) => ({ ...type, stages: type.stages.filter((stage) => stage.isEnabled) })),
  };
}

// ---- working days ----

/** The utility's working calendar: its zone, and the working hours, holidays and adjusted working days of its settings. */
export async function calendarOf(sql: Sql, tenantId: string): Promise<WorkingCalendar> {
  const [tenant] = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]);
  return calendarFromSettings(tenant?.time_zone ?? 'Asia/Shanghai', (await loadTenantSettings(sql)).calendar);
}

/** Minutes of working time in one working day of the calendar (8 h on the default 08:30–12:00, 13:30–17:30). */
export const workingDayMinutes = (calendar: WorkingCalendar): number => calendar.hours.reduce((sum, span) => sum + (span.to - span.from), 0);

/**
 * The deadline `days` working days after `start`: the same working minute that many working days on,
 * skipping weekends and public holidays and counting adjusted working days (调休). A start outside working
 * hours counts from the next working minute.
 */
export function addWorkingDays(calendar: WorkingCalendar, start: Date, days: number): Date {
  return addTime(calendar, start, days * workingDayMinutes(calendar), 'working');
}
