import { z } from 'zod';

/**
 * A tariff version's definition, stored as JSON in tariff_versions.definition. Volumes are integer litres
 * and prices integer fen per m³ (5.00 yuan/m³ = 500), so 1 litre at p fen/m³ costs p/1000 fen.
 */

export const TIER_BASES = ['annual', 'monthly', 'flat'] as const;
export const SURCHARGE_CODES = ['sewage', 'resource'] as const;

/** Limits that keep every product of the engine's integer arithmetic below 2^53 (see engine.ts). */
export const LIMITS = {
  maxPriceFenPerM3: 100_000,
  maxThresholdLitres: 1_000_000_000,
  maxExtraLitresPerPerson: 100_000_000,
  maxFixedFenPerMonth: 100_000_000,
  maxQuotaLitresPerMonth: 1_000_000_000,
  maxOverPercent: 1000,
  maxTiers: 10,
} as const;

const priceFenPerM3 = z.number().int().min(0).max(LIMITS.maxPriceFenPerM3);
const label = z.string().trim().min(1).max(30);

export const tariffTierSchema = z.strictObject({
  /** Cumulative upper bound of the tier per year (annual) or per month (monthly); null for the open last tier. */
  upToLitresPerYearOrMonth: z.number().int().min(1).max(LIMITS.maxThresholdLitres).nullable(),
  /** The water price proper, without the sewage and water-resource fees. */
  waterPriceFenPerM3: priceFenPerM3,
});

export const householdRuleSchema = z.strictObject({
  /** Households of up to this many people get the tiers as written. */
  baseSize: z.number().int().min(1).max(20),
  /** For each bounded tier, litres its upper bound grows by for every person above baseSize. */
  extraLitresPerPersonPerTier: z.array(z.number().int().min(0).max(LIMITS.maxExtraLitresPerPerson)).max(LIMITS.maxTiers - 1),
});

export const surchargeSchema = z.strictObject({
  code: z.enum(SURCHARGE_CODES),
  name: label,
  priceFenPerM3,
});

export const fixedChargeSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,29}$/, 'must be 2–30 lowercase letters, digits or _'),
  name: label,
  fenPerMonth: z.number().int().min(0).max(LIMITS.maxFixedFenPerMonth),
});

export const quotaStepSchema = z.strictObject({
  /** The step applies to use above quota × (1 + overPercent/100), up to the next step. */
  overPercent: z.number().int().min(0).max(LIMITS.maxOverPercent),
  surchargeFenPerM3: priceFenPerM3,
});

export const quotaSchema = z.strictObject({
  litresPerMonth: z.number().int().min(1).max(LIMITS.maxQuotaLitresPerMonth),
  steps: z.array(quotaStepSchema).min(1).max(5),
});

type Issue = { path: (string | number)[]; en: string; zh: string };

/** The rules a definition must keep beyond its field types; each broken rule names the field. */
export function definitionProblems(definition: {
  tierBasis: (typeof TIER_BASES)[number];
  tiers: { upToLitresPerYearOrMonth: number | null; waterPriceFenPerM3: number }[];
  household: { baseSize: number; extraLitresPerPersonPerTier: number[] } | null;
  surcharges: { code: string }[];
  fixedCharges: { code: string }[];
  quota: { steps: { overPercent: number; surchargeFenPerM3: number }[] } | null;
}): Issue[] {
  const issues: Issue[] = [];
  const { tiers } = definition;
  if (definition.tierBasis === 'flat') {
    if (tiers.length !== 1) issues.push({ path: ['tiers'], en: 'a flat tariff has exactly one price', zh: '固定单价只能设一个价格' });
    if (definition.household) issues.push({ path: ['household'], en: 'a flat tariff has no tiers to enlarge for large households', zh: '固定单价没有阶梯，不能设置多人口户规则' });
  }
  tiers.forEach((tier, index) => {
    const isLast = index === tiers.length - 1;
    const field = ['tiers', index, 'upToLitresPerYearOrMonth'];
    if (isLast && tier.upToLitresPerYearOrMonth !== null) {
      issues.push({ path: field, en: 'the last tier must be open-ended (no upper bound)', zh: '最后一个阶梯不设上限' });
    }
    if (!isLast && tier.upToLitresPerYearOrMonth === null) {
      issues.push({ path: field, en: 'only the last tier may be open-ended', zh: '请填写该阶梯的水量上限（只有最后一个阶梯不设上限）' });
    }
    const previous = tiers[index - 1];
    if (previous && tier.upToLitresPerYearOrMonth !== null && previous.upToLitresPerYearOrMonth !== null && tier.upToLitresPerYearOrMonth <= previous.upToLitresPerYearOrMonth) {
      issues.push({ path: field, en: 'must be above the previous tier’s upper bound', zh: '必须大于上一阶梯的上限' });
    }
    if (previous && tier.waterPriceFenPerM3 < previous.waterPriceFenPerM3) {
      issues.push({ path: ['tiers', index, 'waterPriceFenPerM3'], en: 'may not be below the previous tier’s price', zh: '阶梯单价不得低于上一阶梯' });
    }
  });
  if (definition.household) {
    const extra = definition.household.extraLitresPerPersonPerTier;
    if (extra.length !== tiers.length - 1) {
      issues.push({
        path: ['household', 'extraLitresPerPersonPerTier'],
        en: `needs one value for each bounded tier (${tiers.length - 1})`,
        zh: `每个有上限的阶梯都需填写每人增加的水量（共 ${tiers.length - 1} 个）`,
      });
    }
    extra.forEach((value, index) => {
      const previous = extra[index - 1];
      if (previous !== undefined && value < previous) {
        issues.push({
          path: ['household', 'extraLitresPerPersonPerTier', index],
          en: 'may not be below the previous tier’s increase (the tiers would overlap)',
          zh: '不得少于上一阶梯的增加量（否则阶梯会重叠）',
        });
      }
    });
  }
  const duplicates = (items: { code: string }[], field: string) =>
    items.forEach((item, index) => {
      if (items.findIndex((other) => other.code === item.code) !== index) issues.push({ path: [field, index, 'code'], en: 'is used twice', zh: '代码重复' });
    });
  duplicates(definition.surcharges, 'surcharges');
  duplicates(definition.fixedCharges, 'fixedCharges');
  definition.quota?.steps.forEach((step, index, steps) => {
    const previous = steps[index - 1];
    if (previous && step.overPercent <= previous.overPercent) {
      issues.push({ path: ['quota', 'steps', index, 'overPercent'], en: 'must be above the previous step', zh: '必须大于上一档的超额比例' });
    }
    if (previous && step.surchargeFenPerM3 < previous.surchargeFenPerM3) {
      issues.push({ path: ['quota', 'steps', index, 'surchargeFenPerM3'], en: 'may not be below the previous step (the surcharge is progressive)', zh: '累进加价不得低于上一档' });
    }
  });
  return issues;
}

export const tariffDefinitionSchema = z
  .strictObject({
    tierBasis: z.enum(TIER_BASES).describe('annual: tiers per household per calendar year; monthly: per month; flat: one price'),
    tiers: z.array(tariffTierSchema).min(1).max(LIMITS.maxTiers),
    household: householdRuleSchema.nullable().describe('一户多人口: larger households get larger tiers'),
    surcharges: z.array(surchargeSchema).max(SURCHARGE_CODES.length).describe('Sewage treatment and water-resource fees, each its own bill line'),
    fixedCharges: z.array(fixedChargeSchema).max(5),
    quota: quotaSchema.nullable().describe('超定额累进加价: non-residential monthly quota with progressive surcharges'),
  })
  .superRefine((definition, context) => {
    for (const issue of definitionProblems(definition)) {
      context.addIssue({ code: 'custom', path: issue.path, message: issue.en, params: { zh: issue.zh } });
    }
  })
  .meta({ id: 'TariffDefinition' });

export type TariffDefinition = z.infer<typeof tariffDefinitionSchema>;
export type TierBasis = (typeof TIER_BASES)[number];
