/**
 * Effective-dated water-use category of an account (用水性质变更, issue 6). The account row holds its
 * category as it is now (or will be, for a change dated ahead); each change is kept in
 * account_category_changes with the category before and after and the first day at the new one. A billing
 * period that a change falls in is cut there: the days before are priced at the old category's tariff and
 * the days from it at the new one's, the water shared out by days, exactly as a tariff change in the middle
 * of a period is (engine.ts) — DOMAIN.md §4 and issue 3.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound } from '../../platform/errors';
import type { TariffBook } from './book';
import { dayNumber, isoDate, type TariffVersion } from './engine';
import type { AccountClass } from './schemas';

export interface AccountCategory {
  accountClass: AccountClass;
  waterCategoryId: string | null;
}

/** One change as stored: the first day at the new category, and the category before and after. */
export interface CategoryChange {
  effectiveFrom: string;
  before: AccountCategory;
  after: AccountCategory;
}

/** A stretch of a period at one category: from `from` (inclusive) to the next span or the period's end. */
export interface CategorySpan extends AccountCategory {
  from: string;
}

/**
 * The spans of [periodStart, periodEnd] for an account at `current` now, given its changes dated after the
 * period's start (any order). With none, one span at the current category.
 */
export function categorySpans(current: AccountCategory, changes: readonly CategoryChange[], periodStart: string, periodEnd: string): CategorySpan[] {
  const later = changes.filter((change) => change.effectiveFrom > periodStart).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  const first = later[0];
  const spans: CategorySpan[] = [{ from: periodStart, ...(first ? first.before : current) }];
  for (const change of later) if (change.effectiveFrom <= periodEnd) spans.push({ from: change.effectiveFrom, ...change.after });
  return spans;
}

/**
 * The tariff versions to price a period whose category changes inside it: each span's category's versions,
 * clipped to the span, so the engine cuts the period at the change and prorates by days. One span gives the
 * book's own array (kept, so the engine reuses its preparation). A problem when a span has no category or
 * no tariff.
 */
export function versionsForSpans(book: TariffBook, spans: readonly CategorySpan[], periodStart: string, periodEnd: string): { versions: TariffVersion[] } | { problem: 'no_water_category' | 'no_tariff' } {
  const only = spans.length === 1 ? spans[0] : undefined;
  if (only) {
    const category = book.waterCategoryFor(only);
    if (!category) return { problem: 'no_water_category' };
    const versions = book.versionsFor(category, periodStart, periodEnd);
    return versions.length === 0 ? { problem: 'no_tariff' } : { versions };
  }
  const versions: TariffVersion[] = [];
  for (let index = 0; index < spans.length; index += 1) {
    const span = spans[index] as CategorySpan;
    const next = spans[index + 1];
    const lastDay = next ? isoDate(dayNumber(next.from) - 1) : periodEnd;
    const endExclusive = next ? next.from : isoDate(dayNumber(periodEnd) + 1);
    const category = book.waterCategoryFor(span);
    if (!category) return { problem: 'no_water_category' };
    const inSpan = book.versionsFor(category, span.from, lastDay);
    if (inSpan.length === 0) return { problem: 'no_tariff' };
    for (const version of inSpan) {
      versions.push({
        ...version,
        effectiveFrom: version.effectiveFrom > span.from ? version.effectiveFrom : span.from,
        effectiveTo: version.effectiveTo !== null && version.effectiveTo < endExclusive ? version.effectiveTo : endExclusive,
      });
    }
  }
  return { versions };
}

export interface CategoryChangeRow {
  account_id: string;
  effective_from: string;
  category_before: AccountClass;
  water_category_before: string | null;
  category_after: AccountClass;
  water_category_after: string | null;
}

const toChange = (row: CategoryChangeRow): CategoryChange => ({
  effectiveFrom: row.effective_from,
  before: { accountClass: row.category_before, waterCategoryId: row.water_category_before },
  after: { accountClass: row.category_after, waterCategoryId: row.water_category_after },
});

/** The category changes of an account dated after a day, oldest first. */
export async function categoryChangesAfter(sql: Sql, accountId: string, after: string): Promise<CategoryChange[]> {
  const rows = await sql.query<CategoryChangeRow>(
    `SELECT account_id, effective_from, category_before, water_category_before, category_after, water_category_after
     FROM account_category_changes WHERE account_id = $1 AND effective_from > $2 ORDER BY effective_from`,
    [accountId, after],
  );
  return rows.map(toChange);
}

/** The same, as stored in a billing chunk's input (json_agg of the rows). */
export function changesFromJson(rows: readonly CategoryChangeRow[] | null): CategoryChange[] {
  return rows ? rows.map(toChange) : [];
}

export interface CategoryChangeRequest {
  accountId: string;
  accountClass: AccountClass;
  /** A category of that class; null: the class's default. */
  waterCategoryId: string | null;
  effectiveFrom: string;
  applicationId?: string | null;
  reference?: Record<string, unknown>;
}

/**
 * Changes an account's water-use category from a day on, in the caller's transaction: the change is kept
 * with the category before and after, and the account row takes the new one. Refused, writing nothing: a
 * category that is not active or not of the class; no change at all; a day inside a period already billed
 * (issued bills are never edited: that would need a re-bill); a day not after an earlier change.
 */
export async function changeAccountCategory(context: PlatformContext, sql: Sql, tenantId: string, input: CategoryChangeRequest, actor: Actor): Promise<CategoryChange> {
  const [account] = await sql.query<{ customer_id: string; account_no: string; category: AccountClass; water_category_id: string | null; status: string }>(
    'SELECT customer_id, account_no, category, water_category_id, status FROM accounts WHERE id = $1 FOR UPDATE',
    [input.accountId],
  );
  if (!account) throw notFound({ zh: '账户', en: 'Account' });
  if (account.status === 'closed' || account.status === 'closing') throw invalidField('accountId', '账户已销户或正在销户', 'the account is closed or being closed');
  if (Number.isNaN(dayNumber(input.effectiveFrom))) throw invalidField('effectiveFrom', '不是有效日期', 'is not a valid date');
  if (input.waterCategoryId !== null) {
    const [category] = await sql.query<{ account_class: AccountClass; is_active: boolean }>('SELECT account_class, is_active FROM water_categories WHERE id = $1', [input.waterCategoryId]);
    if (!category) throw invalidField('waterCategoryId', '用水性质不存在', 'no such water-use category');
    if (category.account_class !== input.accountClass) throw invalidField('waterCategoryId', '用水性质与用水类别不符', 'belongs to another class of accounts');
    if (!category.is_active) throw invalidField('waterCategoryId', '该用水性质已停用', 'is no longer in use');
  }
  if (account.category === input.accountClass && account.water_category_id === input.waterCategoryId) {
    throw new DomainError('conflict', 'category_unchanged', '新用水性质与现用水性质相同', 'The new water-use category is the account’s current one', [{ field: 'category', zh: '与现用水性质相同', en: 'is the current category' }]);
  }
  const [billed] = await sql.query<{ through: string | null }>("SELECT max(period_end)::text AS through FROM bills WHERE account_id = $1 AND kind = 'regular'", [input.accountId]);
  if (billed?.through && input.effectiveFrom <= billed.through) {
    throw invalidField('effectiveFrom', `已出账至 ${billed.through}，生效日期须在其后（已出账单不能更改）`, `the account is billed through ${billed.through}; the change must take effect after that (issued bills are never changed)`);
  }
  const [latest] = await sql.query<{ effective_from: string }>('SELECT effective_from FROM account_category_changes WHERE account_id = $1 ORDER BY effective_from DESC LIMIT 1', [input.accountId]);
  if (latest && input.effectiveFrom <= latest.effective_from) {
    throw invalidField('effectiveFrom', `须晚于上次变更的生效日期 ${latest.effective_from}`, `must be after the previous change, effective ${latest.effective_from}`);
  }
  const now = context.clock.now();
  await sql.query(
    `INSERT INTO account_category_changes (tenant_id, account_id, effective_from, category_before, water_category_before, category_after, water_category_after, application_id, changed_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [tenantId, input.accountId, input.effectiveFrom, account.category, account.water_category_id, input.accountClass, input.waterCategoryId, input.applicationId ?? null, actor.name, now],
  );
  await sql.query('UPDATE accounts SET category = $2, water_category_id = $3, version = version + 1, updated_at = $4 WHERE id = $1', [input.accountId, input.accountClass, input.waterCategoryId, now]);
  const change: CategoryChange = {
    effectiveFrom: input.effectiveFrom,
    before: { accountClass: account.category, waterCategoryId: account.water_category_id },
    after: { accountClass: input.accountClass, waterCategoryId: input.waterCategoryId },
  };
  await recordAudit(sql, tenantId, actor, now, {
    action: 'account.category_change',
    objectType: 'account',
    objectId: input.accountId,
    customerId: account.customer_id,
    before: { category: account.category, waterCategoryId: account.water_category_id },
    after: { category: input.accountClass, waterCategoryId: input.waterCategoryId, effectiveFrom: input.effectiveFrom, accountNo: account.account_no, ...(input.reference ?? {}) },
  });
  return change;
}
