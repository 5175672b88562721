import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tariffDefinitionSchema, type TariffDefinition } from './definition';
import { computeCharges, dayNumber, isoDate, type ChargeInput, type ChargeLine, type TariffVersion } from './engine';

// Properties of the engine over generated tariffs, periods and uses: amounts are whole fen, the lines add
// up to the total and account for every litre, and using more never costs less.

const price = fc.integer({ min: 0, max: 20_000 });

/** A valid definition: ascending tier bounds, non-decreasing prices and steps, as the schema demands. */
const definitionArbitrary: fc.Arbitrary<TariffDefinition> = fc
  .record({
    tierBasis: fc.constantFrom('annual' as const, 'monthly' as const, 'flat' as const),
    tierCount: fc.integer({ min: 1, max: 4 }),
    widths: fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 3, maxLength: 3 }),
    prices: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 4, maxLength: 4 }),
    household: fc.option(fc.record({ baseSize: fc.integer({ min: 1, max: 6 }), extras: fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 3, maxLength: 3 }) })),
    sewage: fc.option(price),
    resource: fc.option(price),
    fixed: fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 2 }),
    quota: fc.option(
      fc.record({
        litresPerMonth: fc.integer({ min: 1, max: 500_000 }),
        percents: fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 3 }),
        prices: fc.array(price, { minLength: 3, maxLength: 3 }),
      }),
    ),
  })
  .map((raw) => {
    const tierCount = raw.tierBasis === 'flat' ? 1 : raw.tierCount;
    let bound = 0;
    const sortedPrices = [...raw.prices].sort((a, b) => a - b);
    const tiers = Array.from({ length: tierCount }, (_unused, index) => {
      bound += raw.widths[index] ?? 1;
      return { upToLitresPerYearOrMonth: index === tierCount - 1 ? null : bound, waterPriceFenPerM3: sortedPrices[index] ?? 0 };
    });
    const extras = [...(raw.household?.extras ?? [])].sort((a, b) => a - b).slice(0, tierCount - 1);
    const percents = [...(raw.quota?.percents ?? [])].sort((a, b) => a - b);
    const stepPrices = [...(raw.quota?.prices ?? [])].sort((a, b) => a - b);
    return {
      tierBasis: raw.tierBasis,
      tiers,
      household: raw.household && raw.tierBasis !== 'flat' ? { baseSize: raw.household.baseSize, extraLitresPerPersonPerTier: extras } : null,
      surcharges: [
        ...(raw.sewage === null ? [] : [{ code: 'sewage' as const, name: '污水处理费', priceFenPerM3: raw.sewage }]),
        ...(raw.resource === null ? [] : [{ code: 'resource' as const, name: '水资源费', priceFenPerM3: raw.resource }]),
      ],
      fixedCharges: raw.fixed.map((fenPerMonth, index) => ({ code: `fixed_${index}`, name: `固定费${index}`, fenPerMonth })),
      quota: raw.quota
        ? { litresPerMonth: raw.quota.litresPerMonth, steps: percents.map((overPercent, index) => ({ overPercent, surchargeFenPerM3: stepPrices[index] ?? 0 })) }
        : null,
    };
  });

const FIRST_DAY = dayNumber('2024-01-01');

/** A period of 1–92 days in 2024–2027 and one or two versions covering it (the second starting inside it). */
const scenarioArbitrary = fc
  .record({
    start: fc.integer({ min: 0, max: 4 * 365 - 100 }),
    length: fc.integer({ min: 1, max: 92 }),
    first: definitionArbitrary,
    second: fc.option(fc.record({ definition: definitionArbitrary, offset: fc.integer({ min: 1, max: 91 }) }), { freq: 2 }),
    householdSize: fc.integer({ min: 1, max: 10 }),
    usedEarlier: fc.integer({ min: 0, max: 600_000 }),
  })
  .map((raw) => {
    const periodStart = FIRST_DAY + raw.start;
    const periodEnd = periodStart + raw.length - 1;
    const change = raw.second && raw.second.offset < raw.length ? periodStart + raw.second.offset : null;
    const versions: TariffVersion[] = [
      { id: 'v1', waterCategoryId: 'c', version: 1, effectiveFrom: '2023-01-01', effectiveTo: change === null ? null : isoDate(change), definition: raw.first },
    ];
    if (change !== null && raw.second) {
      versions.push({ id: 'v2', waterCategoryId: 'c', version: 2, effectiveFrom: isoDate(change), effectiveTo: null, definition: raw.second.definition });
    }
    return {
      periodStart: isoDate(periodStart),
      periodEnd: isoDate(periodEnd),
      householdSize: raw.householdSize,
      usedEarlierInTierYearLitres: raw.usedEarlier,
      versions,
    };
  });

type Scenario = Omit<ChargeInput, 'consumptionLitres'>;
const litres = fc.integer({ min: 0, max: 2_000_000 });

describe('tariff engine properties', () => {
  it('generates only definitions the schema accepts', () => {
    fc.assert(fc.property(definitionArbitrary, (definition) => tariffDefinitionSchema.safeParse(definition).success));
  });

  it('gives whole, non-negative fen on every line, lines that add up to the total, and every litre billed once', () => {
    fc.assert(
      fc.property(scenarioArbitrary, litres, (scenario: Scenario, consumption) => {
        const { lines, totalFen } = computeCharges({ ...scenario, consumptionLitres: consumption });
        for (const line of lines) {
          expect(Number.isSafeInteger(line.amountFen) && line.amountFen >= 0).toBe(true);
          if (line.quantityLitres !== null && line.unitPriceFenPerM3 !== null) {
            // Each line is its own quantity × price, rounded half-up once.
            expect(line.amountFen).toBe(Math.floor((line.quantityLitres * line.unitPriceFenPerM3 + 500) / 1000));
          }
        }
        expect(lines.reduce((sum, line) => sum + line.amountFen, 0)).toBe(totalFen);
        const litresOf = (type: string, versionId?: string) =>
          lines.filter((line) => line.lineType === type && (!versionId || line.tariffVersionId === versionId)).reduce((sum, line) => sum + (line.quantityLitres ?? 0), 0);
        expect(litresOf('water')).toBe(consumption);
        // Each version's fees are charged on exactly the water that version prices.
        for (const version of scenario.versions) {
          for (const surcharge of version.definition.surcharges) expect(litresOf(surcharge.code, version.id)).toBe(litresOf('water', version.id));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never charges less for more water', () => {
    fc.assert(
      fc.property(scenarioArbitrary, litres, fc.integer({ min: 1, max: 50_000 }), (scenario: Scenario, consumption, more) => {
        fc.pre(!roundsAcrossSegments(scenario));
        const less = computeCharges({ ...scenario, consumptionLitres: consumption }).totalFen;
        const most = computeCharges({ ...scenario, consumptionLitres: consumption + more }).totalFen;
        expect(most).toBeGreaterThanOrEqual(less);
      }),
      { numRuns: 1000 },
    );
  });

  it('never charges less for one litre more', () => {
    fc.assert(
      fc.property(scenarioArbitrary, litres, (scenario: Scenario, consumption) => {
        fc.pre(!roundsAcrossSegments(scenario));
        const less = computeCharges({ ...scenario, consumptionLitres: consumption }).totalFen;
        const more = computeCharges({ ...scenario, consumptionLitres: consumption + 1 }).totalFen;
        expect(more).toBeGreaterThanOrEqual(less);
      }),
      { numRuns: 1000 },
    );
  });

  // Where annual tiers continue across a price change, one more litre for the first version pushes the
  // second version's litres one litre up the tiers: one line loses a litre, another gains one. The exact
  // charge still rises, but a line rounded once on its own may drop a fen while the others do not rise.
  it('across a price change with annual tiers: never less before rounding, at most 1 fen less after', () => {
    fc.assert(
      fc.property(scenarioArbitrary, litres, (scenario: Scenario, consumption) => {
        const less = computeCharges({ ...scenario, consumptionLitres: consumption });
        const more = computeCharges({ ...scenario, consumptionLitres: consumption + 1 });
        expect(exactOf(more.lines)).toBeGreaterThanOrEqual(exactOf(less.lines));
        expect(more.totalFen).toBeGreaterThanOrEqual(less.totalFen - 1);
      }),
      { numRuns: 2000 },
    );
  });
});

/** The charge before rounding, in thousandths of a fen. */
function exactOf(lines: ChargeLine[]): number {
  return lines.reduce((sum, line) => sum + (line.quantityLitres !== null && line.unitPriceFenPerM3 !== null ? line.quantityLitres * line.unitPriceFenPerM3 : line.amountFen * 1000), 0);
}

/** Whether a later version continues annual tiers, so that more water for an earlier one moves its litres up a tier. */
function roundsAcrossSegments(scenario: Scenario): boolean {
  const annualAcrossChange = scenario.versions.slice(1).some((version) => version.definition.tierBasis === 'annual' && version.definition.tiers.length > 1);
  // Over-quota surcharges are worked out per segment (each version's days, each calendar year) on prorated
  // quotas, so one more litre can move a litre from one segment's surcharge line to another's: two lines
  // each rounded on their own, like the tiers above (the last property covers these scenarios too).
  const segments = scenario.versions.length > 1 || scenario.periodStart.slice(0, 4) !== scenario.periodEnd.slice(0, 4);
  const quotaAcrossSegments = segments && scenario.versions.some((version) => version.definition.quota !== null);
  return annualAcrossChange || quotaAcrossSegments;
}
