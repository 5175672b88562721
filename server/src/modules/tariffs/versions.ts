import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { findCategory } from './categories';
import { computeCharges } from './engine';
import { businessToday, toEngineVersion, toStoredVersion, VERSION_COLUMNS, type TariffVersionRow } from './rows';
import type { NewTariffVersion, PreviewRequest, StoredTariffVersion, TariffHistory, TariffPreview } from './schemas';

const TARIFF_VERSION = { zh: '水价版本', en: 'Tariff version' };

async function findVersionRow(sql: Sql, id: string, forUpdate = false): Promise<TariffVersionRow> {
  const rows = await sql.query<TariffVersionRow>(`SELECT ${VERSION_COLUMNS} FROM tariff_versions WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(TARIFF_VERSION);
  return rows[0];
}

/** The category's latest version that was not withdrawn: the one a new version follows. */
async function latestVersion(sql: Sql, categoryId: string): Promise<TariffVersionRow | null> {
  const rows = await sql.query<TariffVersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM tariff_versions WHERE water_category_id = $1 AND withdrawn_at IS NULL ORDER BY effective_from DESC LIMIT 1 FOR UPDATE`,
    [categoryId],
  );
  return rows[0] ?? null;
}

export async function getTariffHistory(context: PlatformContext, tenantId: string, categoryId: string): Promise<TariffHistory> {
  return context.db.withTenant(tenantId, async (sql) => {
    const today = await businessToday(sql, tenantId, context.clock.now());
    const category = await findCategory(sql, categoryId, today);
    const rows = await sql.query<TariffVersionRow>(`SELECT ${VERSION_COLUMNS} FROM tariff_versions WHERE water_category_id = $1 ORDER BY version DESC`, [categoryId]);
    return { category, versions: rows.map((row) => toStoredVersion(row, today)) };
  });
}

export async function getTariffVersion(context: PlatformContext, tenantId: string, id: string): Promise<StoredTariffVersion> {
  return context.db.withTenant(tenantId, async (sql) => toStoredVersion(await findVersionRow(sql, id), await businessToday(sql, tenantId, context.clock.now())));
}

const auditView = (version: StoredTariffVersion) => ({
  version: version.version,
  effectiveFrom: version.effectiveFrom,
  effectiveTo: version.effectiveTo,
  definition: version.definition,
  note: version.note,
});

/**
 * Adds a version to a category. It must start after the version it follows, which it closes; it may not
 * start inside a period already billed under that version (those bills stay as they were).
 */
export async function insertVersion(
  context: PlatformContext,
  sql: Sql,
  tenantId: string,
  categoryId: string,
  input: NewTariffVersion,
  actor: Actor,
  today: string,
): Promise<StoredTariffVersion> {
  const category = await findCategory(sql, categoryId, today, true);
  const previous = await latestVersion(sql, categoryId);
  if (previous && input.effectiveFrom <= previous.effective_from) {
    throw new DomainError(
      'validation',
      'validation_failed',
      `生效日期必须晚于当前版本（第 ${previous.version} 版）的生效日期 ${previous.effective_from}`,
      `The first day must be after that of the current version (version ${previous.version}, ${previous.effective_from})`,
      [{ field: 'effectiveFrom', zh: `必须晚于 ${previous.effective_from}`, en: `must be after ${previous.effective_from}` }],
    );
  }
  if (previous && input.effectiveFrom <= today) {
    const billed = await sql.query<{ period_end: string }>(
      `SELECT b.period_end FROM bill_lines l JOIN bills b ON b.tenant_id = l.tenant_id AND b.id = l.bill_id
       WHERE l.tariff_version_id = $1 AND b.period_end >= $2 ORDER BY b.period_end DESC LIMIT 1`,
      [previous.id, input.effectiveFrom],
    );
    if (billed[0]) {
      throw new DomainError(
        'conflict',
        'period_already_billed',
        `${billed[0].period_end} 之前的用水已按第 ${previous.version} 版出账，新版本不能早于该日期生效`,
        `Use up to ${billed[0].period_end} is already billed under version ${previous.version}; a new version cannot start before that`,
        [{ field: 'effectiveFrom', zh: `必须晚于已出账的 ${billed[0].period_end}`, en: `must be after ${billed[0].period_end}, already billed` }],
      );
    }
  }
  const numbers = await sql.query<{ next: number }>('SELECT coalesce(max(version), 0) + 1 AS next FROM tariff_versions WHERE water_category_id = $1', [categoryId]);
  if (previous) await sql.query('UPDATE tariff_versions SET effective_to = $2 WHERE id = $1', [previous.id, input.effectiveFrom]);
  const inserted = await sql.query<TariffVersionRow>(
    `INSERT INTO tariff_versions (tenant_id, water_category_id, version, effective_from, definition, note, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${VERSION_COLUMNS}`,
    [tenantId, categoryId, numbers[0]?.next ?? 1, input.effectiveFrom, JSON.stringify(input.definition), input.note ?? null, actor.name, context.clock.now()],
  );
  const version = toStoredVersion(inserted[0] as TariffVersionRow, today);
  await recordAudit(sql, tenantId, actor, context.clock.now(), {
    action: 'tariff_version.create',
    objectType: 'tariff_version',
    objectId: version.id,
    before: previous ? { category: category.code, previousVersion: previous.version, previousEffectiveTo: previous.effective_to } : null,
    after: { category: category.code, ...auditView(version), ...(previous ? { previousVersion: previous.version, previousEffectiveTo: input.effectiveFrom } : {}) },
  });
  return version;
}

export async function createTariffVersion(context: PlatformContext, tenantId: string, categoryId: string, input: NewTariffVersion, actor: Actor): Promise<StoredTariffVersion> {
  return context.db.withTenant(tenantId, async (sql) =>
    insertVersion(context, sql, tenantId, categoryId, input, actor, await businessToday(sql, tenantId, context.clock.now())),
  );
}

/**
 * Withdraws a decided version before its first day: it stays on record, marked withdrawn, and the version
 * before it is open-ended again. Only the category's latest version can be withdrawn.
 */
export async function withdrawTariffVersion(context: PlatformContext, tenantId: string, id: string, reason: string, actor: Actor): Promise<StoredTariffVersion> {
  return context.db.withTenant(tenantId, async (sql) => {
    const today = await businessToday(sql, tenantId, context.clock.now());
    const target = await findVersionRow(sql, id);
    const category = await findCategory(sql, target.water_category_id, today, true);
    const row = await findVersionRow(sql, id, true);
    const conflict = (code: string, zh: string, en: string) => new DomainError('conflict', code, zh, en);
    if (row.withdrawn_at) throw conflict('already_withdrawn', `第 ${row.version} 版已撤回`, `Version ${row.version} is already withdrawn`);
    if (row.effective_from <= today) {
      throw conflict('version_in_effect', `第 ${row.version} 版已于 ${row.effective_from} 生效，不能撤回；请新增版本调整水价`, `Version ${row.version} took effect on ${row.effective_from} and cannot be withdrawn; add a new version instead`);
    }
    const latest = await latestVersion(sql, row.water_category_id);
    if (latest?.id !== row.id) {
      throw conflict('not_latest_version', `请先撤回更晚的第 ${latest?.version ?? '?'} 版`, `Withdraw the later version ${latest?.version ?? '?'} first`);
    }
    const previous = await sql.query<TariffVersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM tariff_versions WHERE water_category_id = $1 AND withdrawn_at IS NULL AND id <> $2 ORDER BY effective_from DESC LIMIT 1 FOR UPDATE`,
      [row.water_category_id, row.id],
    );
    const updated = await sql.query<TariffVersionRow>(
      `UPDATE tariff_versions SET withdrawn_at = $2, withdrawn_by = $3, withdrawal_reason = $4 WHERE id = $1 RETURNING ${VERSION_COLUMNS}`,
      [row.id, context.clock.now(), actor.name, reason],
    );
    if (previous[0]) await sql.query('UPDATE tariff_versions SET effective_to = $2 WHERE id = $1', [previous[0].id, row.effective_to]);
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'tariff_version.withdraw',
      objectType: 'tariff_version',
      objectId: row.id,
      before: { category: category.code, version: row.version, effectiveFrom: row.effective_from, withdrawn: false },
      after: { category: category.code, version: row.version, withdrawn: true, reason, ...(previous[0] ? { reopenedVersion: previous[0].version, reopenedEffectiveTo: row.effective_to } : {}) },
    });
    return toStoredVersion(updated[0] as TariffVersionRow, today);
  });
}

/** What a period's use would cost under a category's tariffs: for the calculator and the counter. */
export async function previewCharges(context: PlatformContext, tenantId: string, input: PreviewRequest): Promise<TariffPreview> {
  return context.db.withTenant(tenantId, async (sql) => {
    const today = await businessToday(sql, tenantId, context.clock.now());
    const category = await findCategory(sql, input.waterCategoryId, today);
    const rows = await sql.query<TariffVersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM tariff_versions
       WHERE water_category_id = $1 AND withdrawn_at IS NULL AND effective_from <= $3 AND (effective_to IS NULL OR effective_to > $2)
       ORDER BY effective_from`,
      [input.waterCategoryId, input.periodStart, input.periodEnd],
    );
    const versions = rows.map(toEngineVersion);
    const usedEarlier = input.usedEarlierInTierYearLitres ?? 0;
    const result = computeCharges({
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      consumptionLitres: input.consumptionLitres,
      householdSize: input.householdSize,
      usedEarlierInTierYearLitres: usedEarlier,
      versions,
    });
    return {
      category: { id: category.id, code: category.code, name: category.name, nameEn: category.nameEn },
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      consumptionLitres: input.consumptionLitres,
      householdSize: input.householdSize,
      usedEarlierInTierYearLitres: usedEarlier,
      versions: versions.map((version) => ({ id: version.id, version: version.version, effectiveFrom: version.effectiveFrom, effectiveTo: version.effectiveTo })),
      lines: result.lines,
      totalFen: result.totalFen,
    };
  });
}
