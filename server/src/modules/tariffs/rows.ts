import { businessDate } from '../../platform/clock';
import type { Sql } from '../../platform/db/database';
import type { TariffDefinition } from './definition';
import type { TariffVersion } from './engine';
import type { AccountClass, StoredTariffVersion, TariffVersionSummary, WaterCategory } from './schemas';

/** Row shapes of this module's tables and their conversion to the API's objects (never raw rows out). */

export interface WaterCategoryRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  account_class: AccountClass;
  is_default_for_class: boolean;
  is_active: boolean;
  created_at: Date;
  current_id: string | null;
  current_version: number | null;
  current_from: string | null;
  current_to: string | null;
  next_id: string | null;
  next_version: number | null;
  next_from: string | null;
  next_to: string | null;
  version_count: number;
}

/** Categories with the version in force on $1 (today) and the next one decided; filter with "WHERE …". */
export const CATEGORY_QUERY = `
  SELECT c.id, c.code, c.name, c.name_en, c.account_class, c.is_default_for_class, c.is_active, c.created_at,
    cur.id AS current_id, cur.version AS current_version, cur.effective_from AS current_from, cur.effective_to AS current_to,
    nxt.id AS next_id, nxt.version AS next_version, nxt.effective_from AS next_from, nxt.effective_to AS next_to,
    (SELECT count(*)::int FROM tariff_versions v WHERE v.water_category_id = c.id AND v.withdrawn_at IS NULL) AS version_count
  FROM water_categories c
  LEFT JOIN LATERAL (
    SELECT v.id, v.version, v.effective_from, v.effective_to FROM tariff_versions v
    WHERE v.water_category_id = c.id AND v.withdrawn_at IS NULL AND v.effective_from <= $1::date
    ORDER BY v.effective_from DESC LIMIT 1
  ) cur ON true
  LEFT JOIN LATERAL (
    SELECT v.id, v.version, v.effective_from, v.effective_to FROM tariff_versions v
    WHERE v.water_category_id = c.id AND v.withdrawn_at IS NULL AND v.effective_from > $1::date
    ORDER BY v.effective_from LIMIT 1
  ) nxt ON true`;

const summary = (id: string | null, version: number | null, from: string | null, to: string | null): TariffVersionSummary | null =>
  id === null || version === null || from === null ? null : { id, version, effectiveFrom: from, effectiveTo: to };

export const toWaterCategory = (row: WaterCategoryRow): WaterCategory => ({
  id: row.id,
  code: row.code,
  name: row.name,
  nameEn: row.name_en,
  accountClass: row.account_class,
  isDefaultForClass: row.is_default_for_class,
  isActive: row.is_active,
  createdAt: new Date(row.created_at).toISOString(),
  currentVersion: summary(row.current_id, row.current_version, row.current_from, row.current_to),
  nextVersion: summary(row.next_id, row.next_version, row.next_from, row.next_to),
  versionCount: row.version_count,
});

export interface TariffVersionRow {
  id: string;
  water_category_id: string;
  version: number;
  effective_from: string;
  effective_to: string | null;
  definition: TariffDefinition;
  note: string | null;
  created_by: string;
  created_at: Date;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdrawal_reason: string | null;
}
export const VERSION_COLUMNS =
  'id, water_category_id, version, effective_from, effective_to, definition, note, created_by, created_at, withdrawn_at, withdrawn_by, withdrawal_reason';

/** What a version is on a given day (YYYY-MM-DD). */
export function versionStatus(row: Pick<TariffVersionRow, 'effective_from' | 'effective_to' | 'withdrawn_at'>, today: string): StoredTariffVersion['status'] {
  if (row.withdrawn_at) return 'withdrawn';
  if (row.effective_from > today) return 'scheduled';
  if (row.effective_to !== null && row.effective_to <= today) return 'superseded';
  return 'current';
}

export const toStoredVersion = (row: TariffVersionRow, today: string): StoredTariffVersion => ({
  id: row.id,
  waterCategoryId: row.water_category_id,
  version: row.version,
  effectiveFrom: row.effective_from,
  effectiveTo: row.effective_to,
  status: versionStatus(row, today),
  definition: row.definition,
  note: row.note,
  createdBy: row.created_by,
  createdAt: new Date(row.created_at).toISOString(),
  withdrawnAt: row.withdrawn_at ? new Date(row.withdrawn_at).toISOString() : null,
  withdrawnBy: row.withdrawn_by,
  withdrawalReason: row.withdrawal_reason,
});

export const toEngineVersion = (row: Pick<TariffVersionRow, 'id' | 'water_category_id' | 'version' | 'effective_from' | 'effective_to' | 'definition'>): TariffVersion => ({
  id: row.id,
  waterCategoryId: row.water_category_id,
  version: row.version,
  effectiveFrom: row.effective_from,
  effectiveTo: row.effective_to,
  definition: row.definition,
});

/** The tenant's business date today, read in the caller's transaction (no second transaction: PGlite has one connection). */
export async function businessToday(sql: Sql, tenantId: string, now: Date): Promise<string> {
  const rows = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]);
  const timeZone = rows[0]?.time_zone ?? 'Asia/Shanghai';
  return businessDate(now, timeZone);
}
