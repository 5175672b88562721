import { systemActor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { insertCategory } from './categories';
import { BEIJING_RESIDENTIAL, NON_RESIDENTIAL, RESIDENTIAL_FROM_2026_07, SPECIAL_INDUSTRY } from './examples';
import { businessToday } from './rows';
import { insertVersion } from './versions';

/**
 * The demo utility's water-use categories and tariffs, in the caller's transaction: 居民 (Beijing-like annual
 * tiers with a price change on 1 July 2026, so that proration shows on bills spanning it), 非居民 (7.20 yuan
 * with a monthly quota and progressive surcharges) and 特种行业 (45.00 yuan). Does nothing if the tenant has
 * categories already.
 */
export async function seedDemoTariffs(context: PlatformContext, sql: Sql, tenantId: string): Promise<void> {
  const existing = await sql.query('SELECT 1 FROM water_categories LIMIT 1');
  if (existing.length) return;
  const actor = systemActor('demo-seed');
  const today = await businessToday(sql, tenantId, context.clock.now());
  const residential = await insertCategory(context, sql, tenantId, { code: 'RES', name: '居民生活用水', nameEn: 'Residential', accountClass: 'residential', isDefaultForClass: true }, actor, today);
  await insertVersion(context, sql, tenantId, residential.id, { effectiveFrom: '2024-01-01', definition: BEIJING_RESIDENTIAL, note: '居民阶梯水价：年用水量 0–180 m³ 5.00 元，181–260 m³ 7.00 元，260 m³ 以上 9.00 元（含水资源费 1.57 元、污水处理费 1.36 元）' }, actor, today);
  await insertVersion(context, sql, tenantId, residential.id, { effectiveFrom: '2026-07-01', definition: RESIDENTIAL_FROM_2026_07, note: '2026 年 7 月 1 日起各阶梯水费每立方米上调 0.30 元' }, actor, today);
  const business = await insertCategory(context, sql, tenantId, { code: 'NRES', name: '非居民用水', nameEn: 'Non-residential', accountClass: 'non_residential', isDefaultForClass: true }, actor, today);
  await insertVersion(context, sql, tenantId, business.id, { effectiveFrom: '2024-01-01', definition: NON_RESIDENTIAL, note: '非居民 7.20 元/m³（含水资源费、污水处理费），月用水定额 200 m³，超定额累进加价' }, actor, today);
  const special = await insertCategory(context, sql, tenantId, { code: 'SPEC', name: '特种行业用水', nameEn: 'Special industries', accountClass: 'special', isDefaultForClass: true }, actor, today);
  await insertVersion(context, sql, tenantId, special.id, { effectiveFrom: '2024-01-01', definition: SPECIAL_INDUSTRY, note: '洗浴、洗车、纯净水等特种行业 45.00 元/m³（含水资源费、污水处理费）' }, actor, today);
}
