import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/errors';
import type { TariffDefinition } from './definition';
import { computeCharges, type ChargeInput, type ChargeLine, type TariffVersion } from './engine';
import { BEIJING_RESIDENTIAL, MONTHLY_RESIDENTIAL, NON_RESIDENTIAL, RESIDENTIAL_FROM_2026_07, SPECIAL_INDUSTRY } from './examples';

const version = (definition: TariffDefinition, effectiveFrom = '2024-01-01', effectiveTo: string | null = null, number = 1): TariffVersion => ({
  id: `00000000-0000-4000-8000-00000000000${number}`,
  waterCategoryId: '00000000-0000-4000-8000-0000000000aa',
  version: number,
  effectiveFrom,
  effectiveTo,
  definition,
});

const charge = (overrides: Partial<ChargeInput>) =>
  computeCharges({
    periodStart: '2026-01-01',
    periodEnd: '2026-12-31',
    consumptionLitres: 0,
    householdSize: 3,
    usedEarlierInTierYearLitres: 0,
    versions: [version(BEIJING_RESIDENTIAL)],
    ...overrides,
  });

/** Lines as [type, tier, litres, fen/m³, fen] for compact expectations. */
const brief = (lines: ChargeLine[]) => lines.map((line) => [line.lineType, line.tier, line.quantityLitres, line.unitPriceFenPerM3, line.amountFen]);
const sumBy = (lines: ChargeLine[], type: ChargeLine['lineType']) => lines.filter((line) => line.lineType === type).reduce((sum, line) => sum + line.amountFen, 0);

describe('the Beijing residential tariff (annual tiers, fees included in 5.00 / 7.00 / 9.00)', () => {
  it('charges 200 m³ in a year 180 × 5.00 + 20 × 7.00 = 1,040.00 yuan, with water, resource and sewage apart', () => {
    const result = charge({ consumptionLitres: 200_000 });
    expect(result.totalFen).toBe(104_000);
    expect(brief(result.lines)).toEqual([
      ['water', 1, 180_000, 207, 37_260],
      ['water', 2, 20_000, 407, 8_140],
      ['resource', null, 200_000, 157, 31_400],
      ['sewage', null, 200_000, 136, 27_200],
    ]);
    expect(result.lines.map((line) => line.description)).toEqual(['水费（第一阶梯）', '水费（第二阶梯）', '水资源费', '污水处理费']);
    expect([sumBy(result.lines, 'water'), sumBy(result.lines, 'resource'), sumBy(result.lines, 'sewage')]).toEqual([45_400, 31_400, 27_200]);
    expect(result.lines.every((line) => line.tariffVersionId === '00000000-0000-4000-8000-000000000001')).toBe(true);
  });

  it.each([
    [180_000, 90_000],
    [180_001, 90_000], // the litre over: water 0.407, resource 0.157, sewage 0.136 fen, each line rounded
    [180_002, 90_001],
    [260_000, 90_000 + 56_000],
    [300_000, 90_000 + 56_000 + 36_000],
    [0, 0],
  ])('charges %i litres a year %i fen', (litres, fen) => {
    expect(charge({ consumptionLitres: litres }).totalFen).toBe(fen);
  });

  it('continues the year from the litres used in earlier periods', () => {
    const result = charge({ periodStart: '2026-09-01', periodEnd: '2026-09-30', usedEarlierInTierYearLitres: 170_000, consumptionLitres: 20_000 });
    expect(brief(result.lines)).toEqual([
      ['water', 1, 10_000, 207, 2_070],
      ['water', 2, 10_000, 407, 4_070],
      ['resource', null, 20_000, 157, 3_140],
      ['sewage', null, 20_000, 136, 2_720],
    ]);
    expect(result.totalFen).toBe(10_000 * 5 / 10 + 10_000 * 7 / 10);
    const late = charge({ periodStart: '2026-12-01', periodEnd: '2026-12-31', usedEarlierInTierYearLitres: 400_000, consumptionLitres: 10_000 });
    expect(brief(late.lines)[0]).toEqual(['water', 3, 10_000, 607, 6_070]);
    expect(late.totalFen).toBe(9_000);
  });

  it('gives households above four people 30 m³ more in each tier per person (一户多人口)', () => {
    // Six people: tier bounds 240 and 320 m³.
    const six = charge({ consumptionLitres: 250_000, householdSize: 6 });
    expect(brief(six.lines).slice(0, 2)).toEqual([
      ['water', 1, 240_000, 207, 49_680],
      ['water', 2, 10_000, 407, 4_070],
    ]);
    expect(six.totalFen).toBe(240 * 500 + 10 * 700);
    // Up to four people the tiers are as written.
    expect(charge({ consumptionLitres: 250_000, householdSize: 4 }).totalFen).toBe(charge({ consumptionLitres: 250_000, householdSize: 1 }).totalFen);
    expect(charge({ consumptionLitres: 250_000, householdSize: 5 }).totalFen).toBe(210 * 500 + 40 * 700);
  });

  it('rounds each line half-up to the fen, once', () => {
    const flat = (price: number): TariffDefinition => ({ ...SPECIAL_INDUSTRY, tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: price }], surcharges: [] });
    expect(charge({ consumptionLitres: 1, versions: [version(flat(500))] }).totalFen).toBe(1); // 0.5 fen
    expect(charge({ consumptionLitres: 1, versions: [version(flat(499))] }).totalFen).toBe(0); // 0.499 fen
    expect(charge({ consumptionLitres: 3, versions: [version(flat(500))] }).totalFen).toBe(2); // 1.5 fen, not 3 × 1
  });
});

describe('monthly tiers', () => {
  const monthly = (overrides: Partial<ChargeInput>) => charge({ periodStart: '2026-03-01', periodEnd: '2026-03-31', versions: [version(MONTHLY_RESIDENTIAL)], ...overrides });

  it('count each month on its own, whatever was used earlier in the year', () => {
    const result = monthly({ consumptionLitres: 30_000, usedEarlierInTierYearLitres: 500_000 });
    expect(brief(result.lines).filter((line) => line[0] === 'water')).toEqual([
      ['water', 1, 15_000, 207, 3_105],
      ['water', 2, 10_000, 407, 4_070],
      ['water', 3, 5_000, 607, 3_035],
    ]);
    expect(result.totalFen).toBe(15 * 500 + 10 * 700 + 5 * 900);
  });

  it('give every whole calendar month the full tiers, February too', () => {
    const february = monthly({ periodStart: '2026-02-01', periodEnd: '2026-02-28', consumptionLitres: 15_000 });
    expect(brief(february.lines)[0]).toEqual(['water', 1, 15_000, 207, 3_105]);
    expect(february.lines.filter((line) => line.lineType === 'water')).toHaveLength(1);
  });

  it('grow with the household like annual tiers', () => {
    // Six people: 15 + 2 × 2.5 = 20 m³ in the first tier.
    const result = monthly({ consumptionLitres: 20_000, householdSize: 6 });
    expect(result.lines.filter((line) => line.lineType === 'water')).toHaveLength(1);
    expect(result.totalFen).toBe(20 * 500);
  });

  it('prorate the tier bounds by days when the period is not a whole month', () => {
    // 1–10 March: 10/31 of 15 m³ = 4,839 litres, of 25 m³ = 8,065 litres.
    const result = monthly({ periodEnd: '2026-03-10', consumptionLitres: 10_000 });
    expect(brief(result.lines).filter((line) => line[0] === 'water')).toEqual([
      ['water', 1, 4_839, 207, 1_002],
      ['water', 2, 3_226, 407, 1_313],
      ['water', 3, 1_935, 607, 1_175],
    ]);
  });
});

describe('a price change inside the period', () => {
  const june = version(BEIJING_RESIDENTIAL, '2024-01-01', '2026-07-01', 1);
  const july = version(RESIDENTIAL_FROM_2026_07, '2026-07-01', null, 2);

  it('splits the use by days and continues the annual tiers across the change', () => {
    // 16 June – 15 July: 15 days under each version; 31,001 litres → 15,500 + 15,501 (remainder to the last).
    const result = charge({ periodStart: '2026-06-16', periodEnd: '2026-07-15', consumptionLitres: 31_001, usedEarlierInTierYearLitres: 170_000, versions: [june, july] });
    expect(brief(result.lines)).toEqual([
      ['water', 1, 10_000, 207, 2_070],
      ['water', 2, 5_500, 407, 2_239], // 2,238.5 fen, half-up
      ['resource', null, 15_500, 157, 2_434],
      ['sewage', null, 15_500, 136, 2_108],
      ['water', 2, 15_501, 437, 6_774],
      ['resource', null, 15_501, 157, 2_434],
      ['sewage', null, 15_501, 136, 2_108],
    ]);
    expect(result.totalFen).toBe(20_167);
    expect(result.lines.map((line) => line.tariffVersionId)).toEqual([june.id, june.id, june.id, june.id, july.id, july.id, july.id]);
    expect(result.lines[0]?.description).toBe('水费（第一阶梯，2026-06-16至2026-06-30）');
    expect(result.lines[5]?.description).toBe('水资源费（2026-07-01至2026-07-15）');
  });

  it('may charge one more litre a fen less, when it moves the later version’s litres up a tier', () => {
    // 10,013 → 10,014 litres gives June one litre more; July's 5,007 litres then start a litre later in
    // the year, so its first-tier line loses a litre (−1 fen after rounding) and no other line gains a fen.
    // Before rounding the charge rises; each line stays its own quantity × price, rounded once.
    const at = (litres: number) => charge({ periodStart: '2026-06-16', periodEnd: '2026-07-15', consumptionLitres: litres, usedEarlierInTierYearLitres: 170_000, versions: [june, july] }).totalFen;
    expect(at(10_014)).toBe(at(10_013) - 1);
  });

  it('is the same whichever order the versions come in', () => {
    const input = { periodStart: '2026-06-16', periodEnd: '2026-07-15', consumptionLitres: 31_001 };
    expect(charge({ ...input, versions: [july, june] })).toEqual(charge({ ...input, versions: [june, july] }));
  });

  it('prorates monthly tier bounds, quotas and fixed charges by days', () => {
    const before = version(MONTHLY_RESIDENTIAL, '2024-01-01', '2026-07-11', 1);
    const after = version({ ...MONTHLY_RESIDENTIAL, tiers: MONTHLY_RESIDENTIAL.tiers.map((tier) => ({ ...tier, waterPriceFenPerM3: tier.waterPriceFenPerM3 + 30 })) }, '2026-07-11', null, 2);
    // July: 10 days before, 21 after; 31,000 litres → 10,000 + 21,000.
    const result = charge({ periodStart: '2026-07-01', periodEnd: '2026-07-31', consumptionLitres: 31_000, versions: [before, after] });
    const water = brief(result.lines).filter((line) => line[0] === 'water');
    // Bounds 10/31 × 15 m³ = 4,839 and × 25 m³ = 8,065; 21/31 × 15 m³ = 10,161 and × 25 m³ = 16,935.
    expect(water).toEqual([
      ['water', 1, 4_839, 207, 1_002],
      ['water', 2, 3_226, 407, 1_313],
      ['water', 3, 1_935, 607, 1_175],
      ['water', 1, 10_161, 237, 2_408],
      ['water', 2, 6_774, 437, 2_960],
      ['water', 3, 4_065, 637, 2_589],
    ]);

    const quotaBefore = version(NON_RESIDENTIAL, '2024-01-01', '2026-06-16', 1);
    const quotaAfter = version(NON_RESIDENTIAL, '2026-06-16', null, 2);
    // June: 15 days each, so half the 200 m³ quota and half the 10.00 fixed charge in each segment.
    const business = charge({ periodStart: '2026-06-01', periodEnd: '2026-06-30', consumptionLitres: 260_000, versions: [quotaBefore, quotaAfter] });
    const overQuota = brief(business.lines).filter((line) => line[0] === 'over_quota');
    expect(overQuota).toEqual([
      ['over_quota', 1, 20_000, 427, 8_540],
      ['over_quota', 2, 10_000, 854, 8_540],
      ['over_quota', 1, 20_000, 427, 8_540],
      ['over_quota', 2, 10_000, 854, 8_540],
    ]);
    expect(brief(business.lines).filter((line) => line[0] === 'fixed')).toEqual([
      ['fixed', null, null, null, 500],
      ['fixed', null, null, null, 500],
    ]);
  });

  it('starts annual tiers again on 1 January', () => {
    const result = charge({ periodStart: '2025-12-17', periodEnd: '2026-01-15', consumptionLitres: 30_000, usedEarlierInTierYearLitres: 175_000 });
    // 15 days in each year: 15,000 litres from 175 m³ on (5 in tier 1, 10 in tier 2), then 15,000 from zero.
    expect(brief(result.lines).filter((line) => line[0] === 'water')).toEqual([
      ['water', 1, 5_000, 207, 1_035],
      ['water', 2, 10_000, 407, 4_070],
      ['water', 1, 15_000, 207, 3_105],
    ]);
  });

  it('refuses a period with days no version covers', () => {
    const later = version(BEIJING_RESIDENTIAL, '2026-07-01');
    const attempt = () => charge({ periodStart: '2026-06-01', periodEnd: '2026-07-31', consumptionLitres: 1_000, versions: [later] });
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(/2026-06-01 to 2026-06-30/);
    expect(() => charge({ consumptionLitres: 1, versions: [] })).toThrow(/No tariff version is in effect/);
    const closed = version(BEIJING_RESIDENTIAL, '2024-01-01', '2026-05-01');
    expect(() => charge({ periodStart: '2026-04-01', periodEnd: '2026-05-31', versions: [closed] })).toThrow(/2026-05-01 to 2026-05-31/);
  });
});

describe('non-residential tariffs', () => {
  it('add progressive over-quota surcharges and the monthly fixed charge as lines of their own', () => {
    // 260 m³ against a 200 m³ quota: 40 m³ within 20 % over (+4.27), 20 m³ in 20–40 % over (+8.54).
    const result = charge({ periodStart: '2026-06-01', periodEnd: '2026-06-30', consumptionLitres: 260_000, versions: [version(NON_RESIDENTIAL)] });
    expect(brief(result.lines)).toEqual([
      ['water', null, 260_000, 427, 111_020],
      ['resource', null, 260_000, 157, 40_820],
      ['sewage', null, 260_000, 136, 35_360],
      ['over_quota', 1, 40_000, 427, 17_080],
      ['over_quota', 2, 20_000, 854, 17_080],
      ['fixed', null, null, null, 1_000],
    ]);
    expect(result.lines.map((line) => line.description)).toEqual(['水费', '水资源费', '污水处理费', '超定额加价（超定额20%以内部分）', '超定额加价（超定额20%至40%部分）', '计量服务费']);
    expect(result.totalFen).toBe(222_360);
  });

  it('charges nothing but the fixed charge for a month without use', () => {
    const result = charge({ periodStart: '2026-06-01', periodEnd: '2026-06-30', consumptionLitres: 0, versions: [version(NON_RESIDENTIAL)] });
    expect(brief(result.lines)).toEqual([['fixed', null, null, null, 1_000]]);
  });

  it('charges the special-industry flat price of 45.00 yuan/m³', () => {
    expect(charge({ periodStart: '2026-06-01', periodEnd: '2026-06-30', consumptionLitres: 12_000, versions: [version(SPECIAL_INDUSTRY)] }).totalFen).toBe(54_000);
  });
});

describe('negative use (an actual reading below the estimates billed before it)', () => {
  it('credits the litres billed too much at the top of the year’s use, tier by tier, with their fees', () => {
    // 200 m³ counted so far this year (180 in tier 1, 20 in tier 2); the estimates overstated 30 m³.
    const result = charge({ periodStart: '2026-09-01', periodEnd: '2026-09-30', usedEarlierInTierYearLitres: 200_000, consumptionLitres: -30_000 });
    expect(brief(result.lines)).toEqual([
      ['water', 1, -10_000, 207, -2_070],
      ['water', 2, -20_000, 407, -8_140],
      ['resource', null, -30_000, 157, -4_710],
      ['sewage', null, -30_000, 136, -4_080],
    ]);
    expect(result.totalFen).toBe(-(10 * 500 + 20 * 700));
    expect(result.lines[0]?.description).toBe('水费（第一阶梯，冲减多估水量）');
    // It undoes exactly what billing those litres on top of the year charged.
    const billed = charge({ periodStart: '2026-09-01', periodEnd: '2026-09-30', usedEarlierInTierYearLitres: 170_000, consumptionLitres: 30_000 });
    expect(result.totalFen).toBe(-billed.totalFen);
  });

  it('keeps the fixed charge and credits no over-quota surcharge', () => {
    const result = charge({ periodStart: '2026-06-01', periodEnd: '2026-06-30', consumptionLitres: -5_000, versions: [version(NON_RESIDENTIAL)] });
    expect(brief(result.lines)).toEqual([
      ['water', null, -5_000, 427, -2_135],
      ['resource', null, -5_000, 157, -785],
      ['sewage', null, -5_000, 136, -680],
      ['fixed', null, null, null, 1_000],
    ]);
    expect(result.totalFen).toBe(1_000 - 2_135 - 785 - 680);
  });
});

describe('inputs the engine refuses', () => {
  it.each([
    [{ consumptionLitres: -20_000_000_000 }, 'consumptionLitres'],
    [{ consumptionLitres: 1.5 }, 'consumptionLitres'],
    [{ householdSize: 0 }, 'householdSize'],
    [{ usedEarlierInTierYearLitres: -5 }, 'usedEarlierInTierYearLitres'],
    [{ periodStart: '2026-02-30' }, 'periodStart'],
    [{ periodEnd: '2025-12-31' }, 'periodEnd'],
    [{ periodStart: '2024-01-01', periodEnd: '2026-12-31' }, 'periodEnd'],
  ])('%o (%s)', (overrides, field) => {
    try {
      charge(overrides);
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).fields[0]?.field).toBe(field);
    }
  });
});
