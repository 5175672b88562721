/**
 * Process settings (业务流程设置), kept by the administrator (settings.manage): per application type the
 * materials asked for (name, required, the kinds of file accepted), each stage's role, time limit in working
 * days and — where the process allows it — whether the stage is worked, and the segregation-of-duties rules;
 * and how soon a new connection must be read before the zero-consumption report flags it.
 *
 * Every change is a new numbered version (application_settings_versions: what changed, and the whole
 * configuration after it) and an audit entry, in one transaction with the change. Applications keep what they
 * were given: a started stage's deadline is stored on the application, so a new time limit counts from the
 * next stage started; a stage left out is passed over by applications that have not reached it, and finished
 * by one already at it.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound, staleVersion } from '../../platform/errors';
import { FILE_TYPES, type FileType } from '../../platform/files';
import { isRole, permissionsOf, ROLE_NAMES, ROLES, type Role } from '../../platform/permissions';
import { loadApplicationTypes, type TypeWithPrefix } from './catalogue';
import {
  MAX_FIRST_READING_DAYS,
  MAX_MATERIALS,
  MAX_STAGE_DAYS,
  MIN_FIRST_READING_DAYS,
  MIN_STAGE_DAYS,
  type ProcessSettings,
  type ProcessSettingsPatch,
  type TypeProcessPatch,
} from './process-settings-schemas';
import { describeSodRule, sodRuleProblems, type RuleProblem, type SodRuleRow } from './segregation';

const TYPE = { zh: '业务类型', en: 'Application type' };
export const DEFAULT_FIRST_READING_DAYS = 45;
const HISTORY_SHOWN = 20;
const KIND_NAMES: Record<FileType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'image/heic': 'HEIC', 'application/pdf': 'PDF' };

/** The roles a stage may be given: those whose holders work applications (application.work). */
export const WORKING_ROLES: readonly Role[] = ROLES.filter((role) => permissionsOf([role]).includes('application.work'));

interface SettingsRow {
  version: number;
  first_reading_days: number;
  updated_at: Date;
  updated_by: string;
}

async function settingsRow(sql: Sql, forUpdate = false): Promise<SettingsRow | null> {
  const [row] = await sql.query<SettingsRow>(`SELECT version, first_reading_days, updated_at, updated_by FROM application_settings${forUpdate ? ' FOR UPDATE' : ''}`);
  return row ?? null;
}

/** Days after its account is opened within which a new connection must have a reading (default 45), inside a tenant transaction. */
export async function firstReadingDaysOf(sql: Sql): Promise<number> {
  return (await settingsRow(sql))?.first_reading_days ?? DEFAULT_FIRST_READING_DAYS;
}

/** The configuration a version keeps: only what the settings change. */
function snapshotOf(types: readonly TypeWithPrefix[], firstReadingDays: number) {
  return {
    firstReadingDays,
    types: types.map((type) => ({
      code: type.code,
      stages: type.stages.map((stage) => ({ code: stage.code, role: stage.role, timeLimitDays: stage.timeLimitDays, isEnabled: stage.isEnabled })),
      materials: type.materials,
      rules: type.rules.map((rule) => ({ kind: rule.kind, stageCodes: rule.stageCodes })),
    })),
  };
}

async function readSettings(sql: Sql, tenantId: string): Promise<ProcessSettings> {
  const types = await loadApplicationTypes(sql, tenantId);
  const row = await settingsRow(sql);
  const open = await sql.query<{ type_id: string; position: number; count: number }>(
    "SELECT type_id, current_position AS position, count(*)::int AS count FROM applications WHERE status IN ('in_progress', 'returned') AND current_position IS NOT NULL GROUP BY 1, 2",
  );
  const history = await sql.query<{ version: number; changed_at: Date; changed_by: string; type_code: string | null; changes: { zh: string; en: string }[] }>(
    'SELECT version, changed_at, changed_by, type_code, changes FROM application_settings_versions ORDER BY version DESC LIMIT $1',
    [HISTORY_SHOWN],
  );
  return {
    version: row?.version ?? 0,
    updatedAt: row?.updated_at.toISOString() ?? null,
    updatedBy: row?.updated_by ?? null,
    firstReadingDays: row?.first_reading_days ?? DEFAULT_FIRST_READING_DAYS,
    types: types.map((type) => ({
      code: type.code,
      name: type.name,
      nameEn: type.nameEn,
      isActive: type.isActive,
      totalDays: type.totalDays,
      stages: type.stages.map((stage) => ({
        position: stage.position,
        code: stage.code,
        name: stage.name,
        nameEn: stage.nameEn,
        role: stage.role,
        roleName: stage.roleName,
        timeLimitDays: stage.timeLimitDays,
        isSkippable: stage.isSkippable,
        isEnabled: stage.isEnabled,
        outputs: stage.outputs,
        openApplications: open.find((item) => item.type_id === type.id && item.position === stage.position)?.count ?? 0,
      })),
      materials: type.materials,
      rules: type.rules,
    })),
    roles: WORKING_ROLES.map((role) => ({ role, name: ROLE_NAMES[role] })),
    fileKinds: [...FILE_TYPES],
    limits: { minStageDays: MIN_STAGE_DAYS, maxStageDays: MAX_STAGE_DAYS, minFirstReadingDays: MIN_FIRST_READING_DAYS, maxFirstReadingDays: MAX_FIRST_READING_DAYS, maxMaterials: MAX_MATERIALS },
    history: history.map((item) => ({ version: item.version, changedAt: item.changed_at.toISOString(), changedBy: item.changed_by, typeCode: item.type_code, changes: item.changes })),
  };
}

export async function getProcessSettings(context: PlatformContext, tenantId: string): Promise<ProcessSettings> {
  return context.db.withTenant(tenantId, (sql) => readSettings(sql, tenantId));
}

// ---- checking a change ----

type Change = { zh: string; en: string };
type StageState = TypeWithPrefix['stages'][number];
type MaterialState = TypeWithPrefix['materials'][number];

const roleLabel = (role: string) => (isRole(role) ? ROLE_NAMES[role] : { zh: role, en: role });
const kindsLabel = (kinds: readonly FileType[]) => kinds.map((kind) => KIND_NAMES[kind]);

/** The stages after the change, the problems found, and what changed in words. */
function applyStageChanges(type: TypeWithPrefix, changes: TypeProcessPatch['stages'], problems: RuleProblem[], said: Change[]): StageState[] {
  const stages = type.stages.map((stage) => ({ ...stage }));
  (changes ?? []).forEach((change, index) => {
    const at = `stages.${index}`;
    const stage = stages.find((candidate) => candidate.code === change.code);
    if (!stage) {
      problems.push({ field: `${at}.code`, zh: '此业务没有这个环节', en: 'is not a stage of this application type' });
      return;
    }
    if ((changes ?? []).findIndex((other) => other.code === change.code) !== index) {
      problems.push({ field: `${at}.code`, zh: `环节“${stage.name}”重复列出`, en: `lists the stage "${stage.code}" twice` });
      return;
    }
    if (change.role !== undefined && change.role !== stage.role) {
      if (!(WORKING_ROLES as readonly string[]).includes(change.role)) {
        problems.push({
          field: `${at}.role`,
          zh: `“${stage.name}”只能交给办理业务申请的角色：${WORKING_ROLES.map((role) => ROLE_NAMES[role].zh).join('、')}`,
          en: `the stage "${stage.code}" can only be given to a role that works applications: ${WORKING_ROLES.join(', ')}`,
        });
      } else {
        said.push({ zh: `“${stage.name}”办理角色：${roleLabel(stage.role).zh} → ${roleLabel(change.role).zh}`, en: `${stage.nameEn}: role ${stage.role} → ${change.role}` });
        stage.role = change.role;
        stage.roleName = roleLabel(change.role);
      }
    }
    if (change.timeLimitDays !== undefined && change.timeLimitDays !== stage.timeLimitDays) {
      if (change.timeLimitDays < MIN_STAGE_DAYS || change.timeLimitDays > MAX_STAGE_DAYS) {
        problems.push({
          field: `${at}.timeLimitDays`,
          zh: `“${stage.name}”的办理时限须为 ${MIN_STAGE_DAYS} 至 ${MAX_STAGE_DAYS} 个工作日`,
          en: `the time limit of "${stage.code}" must be ${MIN_STAGE_DAYS} to ${MAX_STAGE_DAYS} working days`,
        });
      } else {
        said.push({ zh: `“${stage.name}”时限：${stage.timeLimitDays} → ${change.timeLimitDays} 个工作日`, en: `${stage.nameEn}: time limit ${stage.timeLimitDays} → ${change.timeLimitDays} working days` });
        stage.timeLimitDays = change.timeLimitDays;
      }
    }
    if (change.isEnabled !== undefined && change.isEnabled !== stage.isEnabled) {
      if (!stage.isSkippable) {
        problems.push({ field: `${at}.isEnabled`, zh: `“${stage.name}”是必经环节，不能取消`, en: `the stage "${stage.code}" cannot be left out of this process` });
      } else {
        said.push(change.isEnabled ? { zh: `恢复环节“${stage.name}”`, en: `${stage.nameEn}: worked again` } : { zh: `取消环节“${stage.name}”`, en: `${stage.nameEn}: left out` });
        stage.isEnabled = change.isEnabled;
      }
    }
  });
  return stages;
}

function checkMaterials(type: TypeWithPrefix, materials: NonNullable<TypeProcessPatch['materials']>, problems: RuleProblem[], said: Change[]): MaterialState[] {
  if (materials.length > MAX_MATERIALS) problems.push({ field: 'materials', zh: `材料最多 ${MAX_MATERIALS} 项`, en: `at most ${MAX_MATERIALS} materials` });
  materials.forEach((material, index) => {
    const at = `materials.${index}`;
    if (materials.findIndex((other) => other.code === material.code) !== index) problems.push({ field: `${at}.code`, zh: '材料代码重复', en: 'is listed twice' });
    if (material.name.length === 0) problems.push({ field: `${at}.name`, zh: '请填写材料名称', en: 'give the material’s name' });
    if (material.nameEn.length === 0) problems.push({ field: `${at}.nameEn`, zh: '请填写材料的英文名称', en: 'give the material’s English name' });
    if (material.acceptedKinds.length === 0) problems.push({ field: `${at}.acceptedKinds`, zh: '至少接受一种文件格式', en: 'accept at least one kind of file' });
    if (new Set(material.acceptedKinds).size !== material.acceptedKinds.length) problems.push({ field: `${at}.acceptedKinds`, zh: '文件格式重复', en: 'lists a kind twice' });
  });
  const after = materials.map((material) => ({ code: material.code, name: material.name, nameEn: material.nameEn, isRequired: material.isRequired, acceptedKinds: FILE_TYPES.filter((kind) => material.acceptedKinds.includes(kind)) }));
  for (const material of after) {
    const before = type.materials.find((candidate) => candidate.code === material.code);
    if (!before) {
      said.push({ zh: `新增材料“${material.name}”（${material.isRequired ? '必交' : '选交'}）`, en: `New document "${material.nameEn}" (${material.isRequired ? 'required' : 'optional'})` });
      continue;
    }
    if (before.name !== material.name || before.nameEn !== material.nameEn) said.push({ zh: `材料“${before.name}”更名为“${material.name}”`, en: `Document "${before.nameEn}" renamed "${material.nameEn}"` });
    if (before.isRequired !== material.isRequired) said.push({ zh: `材料“${material.name}”改为${material.isRequired ? '必交' : '选交'}`, en: `Document "${material.nameEn}" now ${material.isRequired ? 'required' : 'optional'}` });
    if (before.acceptedKinds.join() !== material.acceptedKinds.join()) {
      said.push({ zh: `材料“${material.name}”接受格式：${kindsLabel(material.acceptedKinds).join('、')}`, en: `Document "${material.nameEn}" accepts ${kindsLabel(material.acceptedKinds).join(', ')}` });
    }
  }
  for (const material of type.materials) {
    if (!after.some((candidate) => candidate.code === material.code)) said.push({ zh: `删除材料“${material.name}”`, en: `Document "${material.nameEn}" removed` });
  }
  if (said.length === 0 && after.map((material) => material.code).join() !== type.materials.map((material) => material.code).join()) said.push({ zh: '调整材料顺序', en: 'Documents reordered' });
  return after;
}

function checkRules(type: TypeWithPrefix, stages: readonly StageState[], rules: NonNullable<TypeProcessPatch['rules']>, problems: RuleProblem[], said: Change[]): SodRuleRow[] {
  problems.push(...sodRuleProblems(rules, stages));
  const key = (rule: SodRuleRow) => `${rule.kind}:${[...rule.stageCodes].sort().join(',')}`;
  const before = new Set(type.rules.map(key));
  const after = new Set(rules.map(key));
  if (rules.length === 0 && type.rules.length > 0) {
    said.push({ zh: '删除全部岗位分离规则', en: 'Every segregation-of-duties rule removed' });
    return [];
  }
  for (const rule of rules) if (!before.has(key(rule))) said.push({ zh: `新增规则：${describeSodRule(rule.kind, stages, rule.stageCodes).zh}`, en: `Rule added: ${describeSodRule(rule.kind, stages, rule.stageCodes).en}` });
  for (const rule of type.rules) if (!after.has(key(rule))) said.push({ zh: `删除规则：${rule.description.zh}`, en: `Rule removed: ${rule.description.en}` });
  return rules.map((rule) => ({ kind: rule.kind, stageCodes: [...rule.stageCodes] }));
}

const invalid = (problems: RuleProblem[]) => new DomainError('validation', 'validation_failed', `流程设置有误：${problems.map((problem) => problem.zh).join('；')}`, `The process settings are not valid: ${problems.map((problem) => problem.en).join('; ')}`, problems);

// ---- recording a change ----

/**
 * Takes the next version if the caller saw the current one; refused as stale otherwise. The row's lock holds
 * other changes back until this transaction ends.
 */
async function nextVersion(sql: Sql, tenantId: string, seen: number, firstReadingDays: number, actor: Actor, now: Date): Promise<number> {
  const current = await settingsRow(sql, true);
  if ((current?.version ?? 0) !== seen) throw staleVersion();
  const [taken] = await sql.query<{ version: number }>(
    `INSERT INTO application_settings (tenant_id, version, first_reading_days, updated_at, updated_by) VALUES ($1, $2 + 1, $3, $4, $5)
     ON CONFLICT (tenant_id) DO UPDATE SET version = EXCLUDED.version, first_reading_days = EXCLUDED.first_reading_days, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
     WHERE application_settings.version = $2 RETURNING version`,
    [tenantId, seen, firstReadingDays, now, actor.name],
  );
  // A first change made by someone else between our read and our insert.
  if (!taken) throw staleVersion();
  return taken.version;
}

async function recordVersion(sql: Sql, tenantId: string, version: number, typeCode: string | null, changes: Change[], actor: Actor, now: Date, firstReadingDays: number): Promise<void> {
  const types = await loadApplicationTypes(sql, tenantId);
  await sql.query(
    'INSERT INTO application_settings_versions (tenant_id, version, changed_at, changed_by, type_code, changes, settings) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)',
    [tenantId, version, now, actor.name, typeCode, JSON.stringify(changes), JSON.stringify(snapshotOf(types, firstReadingDays))],
  );
}

/** Changes one type's stages, materials and rules; refuses a stale version; nothing is written unless all of it is valid. */
export async function updateTypeProcess(context: PlatformContext, tenantId: string, typeCode: string, patch: TypeProcessPatch, actor: Actor): Promise<ProcessSettings> {
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await settingsRow(sql, true);
    if ((current?.version ?? 0) !== patch.version) throw staleVersion();
    const type = (await loadApplicationTypes(sql, tenantId)).find((candidate) => candidate.code === typeCode);
    if (!type) throw notFound(TYPE);
    const problems: RuleProblem[] = [];
    const said: Change[] = [];
    const stages = applyStageChanges(type, patch.stages, problems, said);
    const materials = patch.materials ? checkMaterials(type, patch.materials, problems, said) : type.materials;
    const rules = patch.rules ? checkRules(type, stages, patch.rules, problems, said) : type.rules.map((rule) => ({ kind: rule.kind, stageCodes: rule.stageCodes }));
    if (problems.length > 0) throw invalid(problems);
    if (said.length === 0) return readSettings(sql, tenantId);

    const now = context.clock.now();
    const firstReadingDays = current?.first_reading_days ?? DEFAULT_FIRST_READING_DAYS;
    const version = await nextVersion(sql, tenantId, patch.version, firstReadingDays, actor, now);
    // Stored deadlines are left alone: a stage already started keeps its due time (applications.stage_due_at).
    await sql.query(
      `UPDATE application_stages s SET role = c.role, time_limit_days = c.time_limit_days, is_enabled = c.is_enabled
       FROM jsonb_to_recordset($2::jsonb) AS c(code text, role text, time_limit_days int, is_enabled boolean)
       WHERE s.type_id = $1 AND s.code = c.code`,
      [type.id, JSON.stringify(stages.map((stage) => ({ code: stage.code, role: stage.role, time_limit_days: stage.timeLimitDays, is_enabled: stage.isEnabled })))],
    );
    if (patch.materials) {
      await sql.query('DELETE FROM application_materials WHERE type_id = $1 AND NOT (code = ANY($2::text[]))', [type.id, materials.map((material) => material.code)]);
      await sql.query(
        `INSERT INTO application_materials (tenant_id, type_id, code, name, name_en, is_required, accepted_kinds, sort_order)
         SELECT $1, $2, m.code, m.name, m.name_en, m.is_required, ARRAY(SELECT jsonb_array_elements_text(m.accepted_kinds)), m.sort_order
         FROM jsonb_to_recordset($3::jsonb) AS m(code text, name text, name_en text, is_required boolean, accepted_kinds jsonb, sort_order int)
         ON CONFLICT (tenant_id, type_id, code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, is_required = EXCLUDED.is_required, accepted_kinds = EXCLUDED.accepted_kinds, sort_order = EXCLUDED.sort_order`,
        [tenantId, type.id, JSON.stringify(materials.map((material, index) => ({ code: material.code, name: material.name, name_en: material.nameEn, is_required: material.isRequired, accepted_kinds: material.acceptedKinds, sort_order: index })))],
      );
    }
    if (patch.rules) {
      await sql.query('DELETE FROM application_sod_rules WHERE type_id = $1', [type.id]);
      if (rules.length > 0) {
        await sql.query(
          `INSERT INTO application_sod_rules (tenant_id, type_id, kind, stage_codes)
           SELECT $1, $2, r.kind, ARRAY(SELECT jsonb_array_elements_text(r.stage_codes)) FROM jsonb_to_recordset($3::jsonb) AS r(kind text, stage_codes jsonb)`,
          [tenantId, type.id, JSON.stringify(rules.map((rule) => ({ kind: rule.kind, stage_codes: rule.stageCodes })))],
        );
      }
    }
    await recordVersion(sql, tenantId, version, type.code, said, actor, now, firstReadingDays);
    const compact = (state: { stages: readonly StageState[]; materials: readonly MaterialState[]; rules: readonly SodRuleRow[] }) => ({
      stages: state.stages.map((stage) => ({ code: stage.code, role: stage.role, timeLimitDays: stage.timeLimitDays, isEnabled: stage.isEnabled })),
      materials: state.materials,
      rules: state.rules.map((rule) => ({ kind: rule.kind, stageCodes: rule.stageCodes })),
    });
    const isRulesRemoved = patch.rules !== undefined && rules.length === 0 && type.rules.length > 0;
    await recordAudit(sql, tenantId, actor, now, {
      // Removing every segregation rule of a process is allowed, and stands out in the audit log.
      action: isRulesRemoved ? 'application_process.rules_removed' : 'application_process.update',
      objectType: 'application_type',
      objectId: type.id,
      before: { version: patch.version, ...compact(type) },
      after: { version, changes: said, ...compact({ stages, materials, rules }) },
    });
    return readSettings(sql, tenantId);
  });
}

/** Changes the general process settings (how soon a new connection must be read); audited and versioned. */
export async function updateProcessSettings(context: PlatformContext, tenantId: string, patch: ProcessSettingsPatch, actor: Actor): Promise<ProcessSettings> {
  if (patch.firstReadingDays < MIN_FIRST_READING_DAYS || patch.firstReadingDays > MAX_FIRST_READING_DAYS) {
    throw invalid([{ field: 'firstReadingDays', zh: `新装表首次抄表期限须为 ${MIN_FIRST_READING_DAYS} 至 ${MAX_FIRST_READING_DAYS} 天`, en: `the first-reading period of a new connection must be ${MIN_FIRST_READING_DAYS} to ${MAX_FIRST_READING_DAYS} days` }]);
  }
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await settingsRow(sql, true);
    if ((current?.version ?? 0) !== patch.version) throw staleVersion();
    const before = current?.first_reading_days ?? DEFAULT_FIRST_READING_DAYS;
    if (before === patch.firstReadingDays) return readSettings(sql, tenantId);
    const now = context.clock.now();
    const version = await nextVersion(sql, tenantId, patch.version, patch.firstReadingDays, actor, now);
    const said = [{ zh: `新装表首次抄表期限：${before} → ${patch.firstReadingDays} 天`, en: `First reading of a new connection due within ${before} → ${patch.firstReadingDays} days` }];
    await recordVersion(sql, tenantId, version, null, said, actor, now, patch.firstReadingDays);
    await recordAudit(sql, tenantId, actor, now, { action: 'application_process.update', objectType: 'application_settings', objectId: tenantId, before: { version: patch.version, firstReadingDays: before }, after: { version, firstReadingDays: patch.firstReadingDays } });
    return readSettings(sql, tenantId);
  });
}
