import type { Sql } from '../../platform/db/database';
import { tariffDefinitionSchema } from './definition';
import type { TariffVersion } from './engine';
import type { AccountClass } from './schemas';

/** The tariffs a billing chunk needs, loaded once: which category an account bills under and its versions. */
export interface TariffBook {
  /** The account's own category when it is of the account's class, else the default category of the class. */
  waterCategoryFor(account: { accountClass: AccountClass; waterCategoryId: string | null }): string | null;
  /**
   * The versions of a category overlapping [periodStart, periodEnd] (inclusive), oldest first. The same
   * arguments give the same array every time, so computeCharges reuses its preparation for it.
   */
  versionsFor(waterCategoryId: string, periodStart: string, periodEnd: string): TariffVersion[];
}

interface BookRow {
  category_id: string;
  account_class: AccountClass;
  is_default_for_class: boolean;
  id: string | null;
  version: number | null;
  effective_from: string | null;
  effective_to: string | null;
  definition: unknown;
}

const overlaps = (version: TariffVersion, periodStart: string, periodEnd: string) =>
  version.effectiveFrom <= periodEnd && (version.effectiveTo === null || version.effectiveTo > periodStart);

/**
 * Loads every category of the tenant and every version in force on some day of [periodStart, periodEnd]
 * (withdrawn versions never are), in one query, in the caller's transaction (so under its tenant).
 */
export async function loadTariffBook(sql: Sql, periodStart: string, periodEnd: string): Promise<TariffBook> {
  const rows = await sql.query<BookRow>(
    `SELECT c.id AS category_id, c.account_class, c.is_default_for_class,
       v.id, v.version, v.effective_from, v.effective_to, v.definition
     FROM water_categories c
     LEFT JOIN tariff_versions v ON v.tenant_id = c.tenant_id AND v.water_category_id = c.id AND v.withdrawn_at IS NULL
       AND v.effective_from <= $2::date AND (v.effective_to IS NULL OR v.effective_to > $1::date)
     ORDER BY c.id, v.effective_from`,
    [periodStart, periodEnd],
  );
  const classes = new Map<string, AccountClass>();
  const defaults = new Map<AccountClass, string>();
  const versions = new Map<string, TariffVersion[]>();
  for (const row of rows) {
    classes.set(row.category_id, row.account_class);
    if (row.is_default_for_class) defaults.set(row.account_class, row.category_id);
    let list = versions.get(row.category_id);
    if (!list) {
      list = [];
      versions.set(row.category_id, list);
    }
    if (row.id !== null && row.version !== null && row.effective_from !== null) {
      list.push({
        id: row.id,
        waterCategoryId: row.category_id,
        version: row.version,
        effectiveFrom: row.effective_from,
        effectiveTo: row.effective_to,
        definition: tariffDefinitionSchema.parse(row.definition),
      });
    }
  }
  const narrowed = new Map<string, TariffVersion[]>();
  const empty: TariffVersion[] = [];
  return {
    waterCategoryFor(account) {
      if (account.waterCategoryId !== null && classes.get(account.waterCategoryId) === account.accountClass) return account.waterCategoryId;
      return defaults.get(account.accountClass) ?? null;
    },
    versionsFor(waterCategoryId, start, end) {
      const all = versions.get(waterCategoryId) ?? empty;
      if (start === periodStart && end === periodEnd) return all;
      const key = `${waterCategoryId}|${start}|${end}`;
      let list = narrowed.get(key);
      if (!list) {
        list = all.filter((version) => overlaps(version, start, end));
        narrowed.set(key, list);
      }
      return list;
    },
  };
}
