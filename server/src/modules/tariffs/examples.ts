import type { TariffDefinition } from './definition';

/**
 * Tariffs of the demo utility and the tests. The residential one is Beijing's (DOMAIN.md §4): 0–180 m³ a
 * year 5.00, 181–260 m³ 7.00, above 260 m³ 9.00 yuan/m³, each including the water-resource fee 1.57 and
 * the sewage treatment fee 1.36, which the bill shows as lines of their own: water 2.07 / 4.07 / 6.07.
 */

export const SEWAGE_NAME = '污水处理费';
export const RESOURCE_NAME = '水资源费';

export const BEIJING_RESIDENTIAL: TariffDefinition = {
  tierBasis: 'annual',
  tiers: [
    { upToLitresPerYearOrMonth: 180_000, waterPriceFenPerM3: 207 },
    { upToLitresPerYearOrMonth: 260_000, waterPriceFenPerM3: 407 },
    { upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 607 },
  ],
  // Households of more than four people: each further person adds 30 m³ a year to both tier bounds.
  household: { baseSize: 4, extraLitresPerPersonPerTier: [30_000, 30_000] },
  surcharges: [
    { code: 'resource', name: RESOURCE_NAME, priceFenPerM3: 157 },
    { code: 'sewage', name: SEWAGE_NAME, priceFenPerM3: 136 },
  ],
  fixedCharges: [],
  quota: null,
};

/** The residential tariff after the demo's price change of 1 July 2026: 0.30 yuan/m³ more in every tier. */
export const RESIDENTIAL_FROM_2026_07: TariffDefinition = {
  ...BEIJING_RESIDENTIAL,
  tiers: [
    { upToLitresPerYearOrMonth: 180_000, waterPriceFenPerM3: 237 },
    { upToLitresPerYearOrMonth: 260_000, waterPriceFenPerM3: 437 },
    { upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 637 },
  ],
};

/** 非居民: 7.20 yuan/m³ including fees, a 200 m³ monthly quota with progressive over-quota surcharges. */
export const NON_RESIDENTIAL: TariffDefinition = {
  tierBasis: 'flat',
  tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 427 }],
  household: null,
  surcharges: [
    { code: 'resource', name: RESOURCE_NAME, priceFenPerM3: 157 },
    { code: 'sewage', name: SEWAGE_NAME, priceFenPerM3: 136 },
  ],
  fixedCharges: [{ code: 'meter_service', name: '计量服务费', fenPerMonth: 1_000 }],
  // 超定额累进加价: up to 20 % over quota once the water price more, 20–40 % twice, beyond 40 % three times.
  quota: {
    litresPerMonth: 200_000,
    steps: [
      { overPercent: 0, surchargeFenPerM3: 427 },
      { overPercent: 20, surchargeFenPerM3: 854 },
      { overPercent: 40, surchargeFenPerM3: 1_281 },
    ],
  },
};

/** 特种行业 (car washes, bath houses, bottled water): 45.00 yuan/m³ including fees. */
export const SPECIAL_INDUSTRY: TariffDefinition = {
  tierBasis: 'flat',
  tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 4_207 }],
  household: null,
  surcharges: [
    { code: 'resource', name: RESOURCE_NAME, priceFenPerM3: 157 },
    { code: 'sewage', name: SEWAGE_NAME, priceFenPerM3: 136 },
  ],
  fixedCharges: [],
  quota: null,
};

/** A monthly-tier residential tariff (some cities count tiers per month): 0–15 m³, 15–25 m³, above. */
export const MONTHLY_RESIDENTIAL: TariffDefinition = {
  tierBasis: 'monthly',
  tiers: [
    { upToLitresPerYearOrMonth: 15_000, waterPriceFenPerM3: 207 },
    { upToLitresPerYearOrMonth: 25_000, waterPriceFenPerM3: 407 },
    { upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 607 },
  ],
  household: { baseSize: 4, extraLitresPerPersonPerTier: [2_500, 2_500] },
  surcharges: [
    { code: 'resource', name: RESOURCE_NAME, priceFenPerM3: 157 },
    { code: 'sewage', name: SEWAGE_NAME, priceFenPerM3: 136 },
  ],
  fixedCharges: [],
  quota: null,
};
