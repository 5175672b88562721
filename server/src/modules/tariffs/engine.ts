import { DomainError } from '../../platform/errors';
import type { TariffDefinition } from './definition';

/**
 * The tariff engine: what a period's water costs under the tariff versions in force. Pure and fast — a
 * billing run calls it once per account — so everything that depends only on the versions and the period
 * (tier tables, day splits, month fractions, fixed amounts, line descriptions) is worked out once and kept
 * with the versions array, and a call only walks the tiers of the one or two segments of its period.
 *
 * Money is integer fen and volume integer litres throughout. A line's amount is quantity × price / 1000
 * rounded half-up to the fen, once per line; the total is the sum of the lines.
 */

export interface TariffVersion {
  id: string;
  waterCategoryId: string;
  version: number;
  /** First day the version applies (YYYY-MM-DD). */
  effectiveFrom: string;
  /** First day it no longer applies (exclusive; the next version's effectiveFrom), null while open. */
  effectiveTo: string | null;
  definition: TariffDefinition;
}

export interface ChargeInput {
  periodStart: string;
  /** Inclusive, YYYY-MM-DD. */
  periodEnd: string;
  consumptionLitres: number;
  householdSize: number;
  /** Same account, same calendar year, before this period; 0 for monthly tiers. */
  usedEarlierInTierYearLitres: number;
  /** Of the account's category, overlapping the period. */
  versions: TariffVersion[];
}

export interface ChargeLine {
  lineType: 'water' | 'sewage' | 'resource' | 'fixed' | 'over_quota';
  tier: number | null;
  quantityLitres: number | null;
  unitPriceFenPerM3: number | null;
  amountFen: number;
  tariffVersionId: string;
  /** Chinese, e.g. '水费（第一阶梯）'. */
  description: string;
}

export interface ChargeResult {
  lines: ChargeLine[];
  totalFen: number;
}

/** Longest period the engine prices in one call (keeps every intermediate product below 2^53). */
export const MAX_PERIOD_DAYS = 400;
/** Largest household the engine prices (tier bounds grow per person). */
export const MAX_HOUSEHOLD_SIZE = 100;
/** Largest consumption the engine prices in one call: 10 million m³. */
export const MAX_CONSUMPTION_LITRES = 10_000_000_000;

// ---- calendar arithmetic on day numbers (days since 1970-01-01), no Date objects ----

/** Day number of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** [year, month, day] of a day number. */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const DIGIT_0 = 48;
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index += 1) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The day number of 'YYYY-MM-DD', or NaN when it is not a real date. */
export function dayNumber(iso: string): number {
  if (typeof iso !== 'string' || iso.length !== 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return Number.NaN;
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 2);
  const day = digits(iso, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return daysFromCivil(year, month, day);
}

export function isoDate(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// ---- exact integer arithmetic ----

/** A month counts as MONTH_UNITS units whatever its length: the least common multiple of 28, 29, 30 and 31. */
const MONTH_UNITS = 377_580;

/** floor(numerator / denominator) for non-negative safe integers, exact. */
function floorDiv(numerator: number, denominator: number): number {
  const quotient = Math.floor(numerator / denominator);
  const remainder = numerator - quotient * denominator;
  if (remainder < 0) return quotient - 1;
  return remainder >= denominator ? quotient + 1 : quotient;
}

/** numerator / denominator rounded half-up, for non-negative safe integers, exact. */
function roundDiv(numerator: number, denominator: number): number {
  const quotient = floorDiv(numerator, denominator);
  return 2 * (numerator - quotient * denominator) >= denominator ? quotient + 1 : quotient;
}

/**
 * value × monthUnits / MONTH_UNITS, half-up, as value × whole months + the rounded rest: exact for values up
 * to 2.4 × 10^10, where the plain product could pass 2^53.
 */
function prorate(value: number, wholeMonths: number, restUnits: number): number {
  return value * wholeMonths + roundDiv(value * restUnits, MONTH_UNITS);
}

/** A line's amount: litres × fen/m³ ÷ 1000, half-up. */
const amountOf = (litres: number, fenPerM3: number): number => roundDiv(litres * fenPerM3, 1000);

// ---- per-definition preparation ----

const BASIS_ANNUAL = 0;
const BASIS_MONTHLY = 1;
const BASIS_FLAT = 2;

interface CompiledTariff {
  basis: number;
  tierCount: number;
  /** Cumulative upper bounds for households up to baseSize; Infinity for the last tier. */
  thresholds: number[];
  /** Growth of each upper bound per person above baseSize (0 for the last tier). */
  extraPerPerson: number[];
  baseSize: number;
  waterPrices: number[];
  surchargeTypes: ChargeLine['lineType'][];
  surchargePrices: number[];
  surchargeNames: string[];
  fixedFenPerMonth: number[];
  fixedNames: string[];
  quotaLitresPerMonth: number;
  quotaPercents: number[];
  quotaPrices: number[];
  quotaLabels: string[];
  tierLabels: (string | null)[];
}

const CHINESE_NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

const compiledDefinitions = new WeakMap<TariffDefinition, CompiledTariff>();

function compile(definition: TariffDefinition): CompiledTariff {
  const known = compiledDefinitions.get(definition);
  if (known) return known;
  const tiered = definition.tierBasis !== 'flat' && definition.tiers.length > 1;
  const steps = definition.quota?.steps ?? [];
  const compiled: CompiledTariff = {
    basis: definition.tierBasis === 'annual' ? BASIS_ANNUAL : definition.tierBasis === 'monthly' ? BASIS_MONTHLY : BASIS_FLAT,
    tierCount: definition.tierBasis === 'flat' ? 1 : definition.tiers.length,
    thresholds: definition.tiers.map((tier, index) =>
      tier.upToLitresPerYearOrMonth === null || index === definition.tiers.length - 1 || definition.tierBasis === 'flat' ? Number.POSITIVE_INFINITY : tier.upToLitresPerYearOrMonth,
    ),
    extraPerPerson: definition.tiers.map((_tier, index) => definition.household?.extraLitresPerPersonPerTier[index] ?? 0),
    baseSize: definition.household ? definition.household.baseSize : Number.POSITIVE_INFINITY,
    waterPrices: definition.tiers.map((tier) => tier.waterPriceFenPerM3),
    surchargeTypes: definition.surcharges.map((surcharge) => surcharge.code),
    surchargePrices: definition.surcharges.map((surcharge) => surcharge.priceFenPerM3),
    surchargeNames: definition.surcharges.map((surcharge) => surcharge.name),
    fixedFenPerMonth: definition.fixedCharges.map((charge) => charge.fenPerMonth),
    fixedNames: definition.fixedCharges.map((charge) => charge.name),
    quotaLitresPerMonth: definition.quota?.litresPerMonth ?? 0,
    quotaPercents: steps.map((step) => step.overPercent),
    quotaPrices: steps.map((step) => step.surchargeFenPerM3),
    quotaLabels: steps.map((step, index) => {
      const next = steps[index + 1];
      if (next) return step.overPercent === 0 ? `超定额${next.overPercent}%以内部分` : `超定额${step.overPercent}%至${next.overPercent}%部分`;
      return step.overPercent === 0 ? '超定额部分' : `超定额${step.overPercent}%以上部分`;
    }),
    tierLabels: definition.tiers.map((_tier, index) => (tiered ? `第${CHINESE_NUMBERS[index] ?? String(index + 1)}阶梯` : null)),
  };
  compiledDefinitions.set(definition, compiled);
  return compiled;
}

// ---- per-period preparation ----

interface Segment {
  version: TariffVersion;
  tariff: CompiledTariff;
  /** Days from the period's start to this segment's end. */
  cumulativeDays: number;
  /** Length in months: wholeMonths + restUnits / MONTH_UNITS. */
  wholeMonths: number;
  restUnits: number;
  /** The first segment of a new calendar year: annual tiers start again. */
  startsYear: boolean;
  /** Over-quota step bounds in litres for this segment's share of the monthly quota. */
  quotaBounds: number[];
  fixedAmounts: number[];
  waterDescriptions: string[];
  surchargeDescriptions: string[];
  fixedDescriptions: string[];
  quotaDescriptions: string[];
}

interface Plan {
  periodStart: string;
  periodEnd: string;
  /** The version objects the plan was made for, in the caller's order. */
  versions: readonly TariffVersion[];
  days: number;
  segments: Segment[];
}

/**
 * The last plan made for a versions array, and for its first version object: a billing run passes the
 * same array (TariffBook.versionsFor) or at least the same version objects again and again.
 */
const plansByArray = new WeakMap<readonly TariffVersion[], Plan>();
const plansByFirstVersion = new WeakMap<TariffVersion, Plan>();

const invalid = (field: string, zh: string, en: string) =>
  new DomainError('validation', 'validation_failed', `${field}：${zh}`, `${field}: ${en}`, [{ field, zh, en }]);

export const noTariffInEffect = (from: string, to: string): DomainError =>
  new DomainError('validation', 'no_tariff_in_effect', `${from} 至 ${to} 没有生效的水价版本`, `No tariff version is in effect from ${from} to ${to}`, [
    { field: 'periodStart', zh: `${from} 至 ${to} 没有生效的水价`, en: `no tariff in effect from ${from} to ${to}` },
  ]);

/** Month units of [start, end): each day counts MONTH_UNITS / (days in its month). */
function monthUnitsBetween(start: number, end: number): number {
  let units = 0;
  let cursor = start;
  while (cursor < end) {
    const [year, month] = civilFromDays(cursor);
    const length = daysInMonth(year, month);
    const nextMonth = daysFromCivil(year, month, 1) + length;
    const chunkEnd = nextMonth < end ? nextMonth : end;
    units += (chunkEnd - cursor) * (MONTH_UNITS / length);
    cursor = chunkEnd;
  }
  return units;
}

/** Puts a qualifier inside the description's closing bracket, or adds a bracket. */
function qualify(description: string, qualifier: string | null): string {
  if (!qualifier) return description;
  return description.endsWith('）') ? `${description.slice(0, -1)}，${qualifier}）` : `${description}（${qualifier}）`;
}

function buildSegment(version: TariffVersion, start: number, end: number, periodStart: number, startsYear: boolean, dated: boolean): Segment {
  const tariff = compile(version.definition);
  const monthUnits = monthUnitsBetween(start, end);
  const wholeMonths = Math.floor(monthUnits / MONTH_UNITS);
  const restUnits = monthUnits - wholeMonths * MONTH_UNITS;
  const range = dated ? `${isoDate(start)}至${isoDate(end - 1)}` : null;
  const quota = prorate(tariff.quotaLitresPerMonth, wholeMonths, restUnits);
  return {
    version,
    tariff,
    cumulativeDays: end - periodStart,
    wholeMonths,
    restUnits,
    startsYear,
    quotaBounds: quota > 0 ? tariff.quotaPercents.map((percent) => quota + roundDiv(quota * percent, 100)) : [],
    fixedAmounts: tariff.fixedFenPerMonth.map((fen) => prorate(fen, wholeMonths, restUnits)),
    waterDescriptions: tariff.tierLabels.map((tierLabel) => qualify(tierLabel ? `水费（${tierLabel}）` : '水费', range)),
    surchargeDescriptions: tariff.surchargeNames.map((name) => qualify(name, range)),
    fixedDescriptions: tariff.fixedNames.map((name) => qualify(name, range)),
    quotaDescriptions: tariff.quotaLabels.map((quotaLabel) => qualify(`超定额加价（${quotaLabel}）`, range)),
  };
}

/**
 * Cuts the period into segments, one per version in force (a later version ends an earlier one) and a new
 * one at each 1 January, and refuses a period with a day no version covers.
 */
function makePlan(versions: readonly TariffVersion[], periodStartText: string, periodEndText: string): Plan {
  const periodStart = dayNumber(periodStartText);
  const periodEndInclusive = dayNumber(periodEndText);
  if (Number.isNaN(periodStart)) throw invalid('periodStart', '不是有效日期', 'is not a valid date');
  if (Number.isNaN(periodEndInclusive)) throw invalid('periodEnd', '不是有效日期', 'is not a valid date');
  if (periodEndInclusive < periodStart) throw invalid('periodEnd', '不能早于开始日期', 'may not be before the start');
  const periodEnd = periodEndInclusive + 1;
  if (periodEnd - periodStart > MAX_PERIOD_DAYS) throw invalid('periodEnd', `计费期不能超过 ${MAX_PERIOD_DAYS} 天`, `a period may not exceed ${MAX_PERIOD_DAYS} days`);

  const ordered = [...versions].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : a.version - b.version));
  const windows: { version: TariffVersion; start: number; end: number }[] = [];
  let cursor = periodStart;
  ordered.forEach((version, index) => {
    const from = dayNumber(version.effectiveFrom);
    const to = version.effectiveTo === null ? Number.POSITIVE_INFINITY : dayNumber(version.effectiveTo);
    const next = ordered[index + 1];
    const nextFrom = next ? dayNumber(next.effectiveFrom) : Number.POSITIVE_INFINITY;
    const start = Math.max(from, periodStart, cursor);
    const end = Math.min(to, nextFrom, periodEnd);
    if (start >= end) return;
    if (start > cursor) throw noTariffInEffect(isoDate(cursor), isoDate(start - 1));
    windows.push({ version, start, end });
    cursor = end;
  });
  if (cursor < periodEnd) throw noTariffInEffect(isoDate(cursor), isoDate(periodEnd - 1));

  // A new segment at every 1 January inside a window, where annual tiers start again.
  const pieces: { version: TariffVersion; start: number; end: number; startsYear: boolean }[] = [];
  let year = civilFromDays(periodStart)[0];
  for (const window of windows) {
    let start = window.start;
    while (start < window.end) {
      const startYear = civilFromDays(start)[0];
      const nextYear = daysFromCivil(startYear + 1, 1, 1);
      const end = nextYear < window.end ? nextYear : window.end;
      pieces.push({ version: window.version, start, end, startsYear: startYear !== year });
      year = startYear;
      start = end;
    }
  }
  const dated = pieces.length > 1;
  return {
    periodStart: periodStartText,
    periodEnd: periodEndText,
    versions: [...versions],
    days: periodEnd - periodStart,
    segments: pieces.map((piece) => buildSegment(piece.version, piece.start, piece.end, periodStart, piece.startsYear, dated)),
  };
}

function samePlan(plan: Plan | undefined, versions: readonly TariffVersion[], periodStart: string, periodEnd: string): plan is Plan {
  if (!plan || plan.periodStart !== periodStart || plan.periodEnd !== periodEnd || plan.versions.length !== versions.length) return false;
  for (let index = 0; index < versions.length; index += 1) if (plan.versions[index] !== versions[index]) return false;
  return true;
}

function planFor(versions: readonly TariffVersion[], periodStart: string, periodEnd: string): Plan {
  const byArray = plansByArray.get(versions);
  if (samePlan(byArray, versions, periodStart, periodEnd)) return byArray;
  const first = versions[0];
  const byFirst = first ? plansByFirstVersion.get(first) : undefined;
  if (samePlan(byFirst, versions, periodStart, periodEnd)) {
    plansByArray.set(versions, byFirst);
    return byFirst;
  }
  const plan = makePlan(versions, periodStart, periodEnd);
  plansByArray.set(versions, plan);
  if (first) plansByFirstVersion.set(first, plan);
  return plan;
}

function isWhole(value: number, max: number): boolean {
  return Number.isSafeInteger(value) && value >= 0 && value <= max;
}

/**
 * The charge lines and total for one account's period. Consumption is split between the versions in force
 * by days (integer litres, the remainder to the last segment); annual tiers continue across segments from
 * the litres used earlier in the year; monthly tier bounds, quotas and fixed charges are prorated by days.
 */
export function computeCharges(input: ChargeInput): ChargeResult {
  if (Number.isSafeInteger(input.consumptionLitres) && input.consumptionLitres < 0) return creditForOverstatedUse(input);
  const consumption = input.consumptionLitres;
  const householdSize = input.householdSize;
  if (!isWhole(consumption, MAX_CONSUMPTION_LITRES)) throw invalid('consumptionLitres', '必须是不超过 100 亿升的非负整数', 'must be a whole number of litres from 0 to 10 billion');
  if (!Number.isSafeInteger(householdSize) || householdSize < 1 || householdSize > MAX_HOUSEHOLD_SIZE) {
    throw invalid('householdSize', `必须是 1 至 ${MAX_HOUSEHOLD_SIZE} 的整数`, `must be a whole number from 1 to ${MAX_HOUSEHOLD_SIZE}`);
  }
  if (!isWhole(input.usedEarlierInTierYearLitres, MAX_CONSUMPTION_LITRES)) {
    throw invalid('usedEarlierInTierYearLitres', '必须是非负整数', 'must be a non-negative whole number of litres');
  }
  const plan = planFor(input.versions, input.periodStart, input.periodEnd);
  const segments = plan.segments;
  const lines: ChargeLine[] = [];
  let total = 0;
  let position = input.usedEarlierInTierYearLitres;
  let allocated = 0;

  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index] as Segment;
    const tariff = segment.tariff;
    const versionId = segment.version.id;
    // Cumulative boundaries: segment k gets floor(C × days up to its end / days) minus what went before.
    const boundary = index === segments.length - 1 ? consumption : floorDiv(consumption * segment.cumulativeDays, plan.days);
    const litres = boundary - allocated;
    allocated = boundary;
    if (segment.startsYear) position = 0;

    if (litres > 0) {
      if (tariff.basis === BASIS_FLAT || tariff.tierCount === 1) {
        const price = tariff.waterPrices[0] as number;
        const amount = amountOf(litres, price);
        total += amount;
        lines.push({ lineType: 'water', tier: tariff.basis === BASIS_FLAT ? null : 1, quantityLitres: litres, unitPriceFenPerM3: price, amountFen: amount, tariffVersionId: versionId, description: segment.waterDescriptions[0] as string });
      } else {
        const start = tariff.basis === BASIS_ANNUAL ? position : 0;
        const end = start + litres;
        const extraPeople = householdSize > tariff.baseSize ? householdSize - tariff.baseSize : 0;
        let lower = 0;
        for (let tier = 0; tier < tariff.tierCount; tier += 1) {
          let upper = (tariff.thresholds[tier] as number) + extraPeople * (tariff.extraPerPerson[tier] as number);
          if (tariff.basis === BASIS_MONTHLY && upper !== Number.POSITIVE_INFINITY) upper = prorate(upper, segment.wholeMonths, segment.restUnits);
          const from = start > lower ? start : lower;
          const to = end < upper ? end : upper;
          if (to > from) {
            const quantity = to - from;
            const price = tariff.waterPrices[tier] as number;
            const amount = amountOf(quantity, price);
            total += amount;
            lines.push({ lineType: 'water', tier: tier + 1, quantityLitres: quantity, unitPriceFenPerM3: price, amountFen: amount, tariffVersionId: versionId, description: segment.waterDescriptions[tier] as string });
          }
          if (upper >= end) break;
          lower = upper;
        }
      }
      for (let item = 0; item < tariff.surchargePrices.length; item += 1) {
        const price = tariff.surchargePrices[item] as number;
        const amount = amountOf(litres, price);
        total += amount;
        lines.push({ lineType: tariff.surchargeTypes[item] as ChargeLine['lineType'], tier: null, quantityLitres: litres, unitPriceFenPerM3: price, amountFen: amount, tariffVersionId: versionId, description: segment.surchargeDescriptions[item] as string });
      }
      const bounds = segment.quotaBounds;
      for (let step = 0; step < bounds.length; step += 1) {
        const lowerBound = bounds[step] as number;
        if (litres <= lowerBound) break;
        const upperBound = step + 1 < bounds.length ? (bounds[step + 1] as number) : Number.POSITIVE_INFINITY;
        const quantity = (litres < upperBound ? litres : upperBound) - lowerBound;
        if (quantity <= 0) continue;
        const price = tariff.quotaPrices[step] as number;
        const amount = amountOf(quantity, price);
        total += amount;
        lines.push({ lineType: 'over_quota', tier: step + 1, quantityLitres: quantity, unitPriceFenPerM3: price, amountFen: amount, tariffVersionId: versionId, description: segment.quotaDescriptions[step] as string });
      }
    }
    position += litres;
    for (let item = 0; item < segment.fixedAmounts.length; item += 1) {
      const amount = segment.fixedAmounts[item] as number;
      if (amount === 0) continue;
      total += amount;
      lines.push({ lineType: 'fixed', tier: null, quantityLitres: null, unitPriceFenPerM3: null, amountFen: amount, tariffVersionId: versionId, description: segment.fixedDescriptions[item] as string });
    }
  }
  return { lines, totalFen: total };
}

/**
 * Negative use: an actual reading below the estimates billed before it (validation.ts flags it
 * `estimate_overstated`). The litres billed too much were billed last, at the top of the use counted so far
 * in the tier year, so they are credited there: the water and surcharge lines of those litres taken from
 * the year's use, at the prices in force now, negated — which never credits more than the tiers they were
 * billed in (at most the same tier, or a lower one under monthly tiers). Over-quota surcharges are not
 * credited (the quota was the earlier period's); fixed charges are due as in any period.
 */
function creditForOverstatedUse(input: ChargeInput): ChargeResult {
  const overstated = -input.consumptionLitres;
  if (!isWhole(overstated, MAX_CONSUMPTION_LITRES)) throw invalid('consumptionLitres', '超出范围', 'is out of range');
  const usedEarlier = input.usedEarlierInTierYearLitres;
  const fixed = computeCharges({ ...input, consumptionLitres: 0 });
  const reversed = computeCharges({ ...input, consumptionLitres: overstated, usedEarlierInTierYearLitres: usedEarlier > overstated ? usedEarlier - overstated : 0 });
  const lines: ChargeLine[] = [];
  let total = 0;
  for (const line of reversed.lines) {
    if (line.lineType === 'fixed' || line.lineType === 'over_quota') continue;
    total -= line.amountFen;
    lines.push({ ...line, quantityLitres: line.quantityLitres === null ? null : -line.quantityLitres, amountFen: -line.amountFen, description: qualify(line.description, '冲减多估水量') });
  }
  for (const line of fixed.lines) {
    total += line.amountFen;
    lines.push(line);
  }
  return { lines, totalFen: total };
}
