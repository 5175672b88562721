/**
 * Validation of meter readings: pure functions over a meter's state, the same for every channel (handheld,
 * import, head-end API, MQTT, portal). All volumes are integer litres.
 *
 * Consumption rule (estimates are corrected, never double-counted):
 *   raw use   = register − register of the last ACTUAL (accepted) reading of the meter
 *               (the meter's initial register when it has none), across the wrap at the register maximum;
 *   consumption = raw use − Σ consumption of the estimated readings since that actual reading.
 * So an estimate bills water that the next actual reading then does not bill again; an estimate that was too
 * high makes the next consumption negative (a credit), flagged `estimate_overstated`.
 */
import { daysBetween, mulDivRound } from './units';

/** Thresholds of the checks; a utility's policy, kept in one place. */
export const READING_RULES = {
  /** Suspect when the use is more than this many times the expected use for the period … */
  spikeFactor: 3,
  /** … and more than this many litres (10 m³), so tiny users are not flagged for a few extra litres. */
  spikeMinimumLitres: 10_000,
  /** The same register this many readings in a row (including the new one) while the account uses water. */
  stuckReadings: 3,
  /** Days of history behind the average daily use. */
  averageWindowDays: 365,
  /** A decrease is a rollover when the previous register was in the top tenth of the dial … */
  rolloverHighFraction: 0.9,
  /** … and the new one is in the bottom tenth. */
  rolloverLowFraction: 0.1,
  /** Expected range shown to the reader: this share of the expected use … */
  expectedLowFactor: 0.5,
  /** … up to this multiple. */
  expectedHighFactor: 1.5,
} as const;
export type ReadingRules = typeof READING_RULES;

/**
 * Register wrap of a meter by its size: ≤ DN25 meters show 5 whole-m³ digits (0–99,999.999 m³), larger ones 6.
 * Returns the number of litres at which the register returns to zero.
 */
export function registerModulusLitres(sizeDn: number): number {
  return sizeDn <= 25 ? 100_000_000 : 1_000_000_000;
}

export const ANOMALIES = ['decrease', 'rollover', 'zero_use', 'spike', 'stuck', 'meter_not_installed', 'estimate_overstated'] as const;
export type Anomaly = (typeof ANOMALIES)[number];

/** Anomalies that send a reading to the review queue; the others are recorded for information. */
const SUSPECT_ANOMALIES: ReadonlySet<Anomaly> = new Set(['decrease', 'spike', 'stuck', 'meter_not_installed']);

export interface DatedRegister {
  readOn: string;
  registerLitres: number;
}

/** What validation needs to know about a meter before a new reading. */
export interface MeterState {
  sizeDn: number;
  meterStatus: string;
  initialRegisterLitres: number;
  /** The latest counted reading (accepted or estimated): where the next period starts. */
  previous: DatedRegister | null;
  /** The latest accepted actual reading: what raw use is measured from. */
  lastActual: DatedRegister | null;
  /** Σ consumption of estimated readings after lastActual. */
  estimatedSinceActualLitres: number;
  /** Registers of the latest actual readings (accepted or suspect), newest first. */
  recentRegisters: number[];
  /** Use and days of the account's counted periods read in the last 12 months; null when there are none. */
  average: { litres: number; days: number } | null;
}

export interface ValidationResult {
  status: 'accepted' | 'suspect';
  anomalies: Anomaly[];
  /** Null when no sensible figure exists (a decrease): the reviewer then gives one. */
  consumptionLitres: number | null;
}

/** The account's average daily use × days, rounded; null without history or without a period. */
export function expectedUseLitres(state: MeterState, from: string | null, to: string): number | null {
  if (!state.average || state.average.days <= 0 || !from) return null;
  const days = daysBetween(from, to);
  if (days < 0) return null;
  return mulDivRound(Math.max(0, state.average.litres), days, state.average.days);
}

function usesWater(state: MeterState): boolean {
  return state.average !== null && state.average.days > 0 && state.average.litres > 0;
}

/** Validates one reading against the meter's state. */
export function validateReading(state: MeterState, reading: DatedRegister, rules: ReadingRules = READING_RULES): ValidationResult {
  const anomalies: Anomaly[] = [];
  if (state.meterStatus !== 'installed') anomalies.push('meter_not_installed');

  const modulus = registerModulusLitres(state.sizeDn);
  const base = state.lastActual?.registerLitres ?? state.initialRegisterLitres;
  let raw: number | null = reading.registerLitres - base;
  if (raw < 0) {
    const isRollover = base >= modulus * rules.rolloverHighFraction && reading.registerLitres < modulus * rules.rolloverLowFraction;
    if (isRollover) {
      raw = modulus - base + reading.registerLitres;
      anomalies.push('rollover');
    } else {
      raw = null;
      anomalies.push('decrease');
    }
  }

  let consumption: number | null = null;
  if (raw !== null) {
    consumption = raw - state.estimatedSinceActualLitres;
    if (consumption < 0) anomalies.push('estimate_overstated');
    if (raw === 0) anomalies.push('zero_use');
    // The spike check compares raw use with the expected use since the last actual reading.
    const expected = expectedUseLitres(state, state.lastActual?.readOn ?? null, reading.readOn);
    if (expected !== null && usesWater(state) && raw > rules.spikeMinimumLitres && raw > rules.spikeFactor * expected) {
      anomalies.push('spike');
    }
  }

  const sameRegisters = [reading.registerLitres, ...state.recentRegisters].slice(0, rules.stuckReadings);
  if (sameRegisters.length >= rules.stuckReadings && sameRegisters.every((value) => value === reading.registerLitres) && usesWater(state)) {
    anomalies.push('stuck');
  }

  // Zero use is normal for an empty flat; after months of use it needs a look (a stopped meter, a misread).
  const isSuspect = anomalies.some((anomaly) => SUSPECT_ANOMALIES.has(anomaly)) || (anomalies.includes('zero_use') && usesWater(state));
  return { status: isSuspect ? 'suspect' : 'accepted', anomalies, consumptionLitres: consumption };
}

export interface Estimate {
  consumptionLitres: number;
  /** The register the meter would show: the previous (possibly estimated) register plus the estimate, wrapped. */
  registerLitres: number;
}

/**
 * A stopped or unreadable meter is estimated from the previous 12-month average: average daily use × days
 * since the last counted reading, in whole litres. Null when there is no history to estimate from.
 */
export function estimateReading(state: MeterState, readOn: string): Estimate | null {
  const from = state.previous?.readOn ?? null;
  const consumption = expectedUseLitres(state, from, readOn);
  if (consumption === null) return null;
  const start = state.previous?.registerLitres ?? state.initialRegisterLitres;
  return { consumptionLitres: consumption, registerLitres: (start + consumption) % registerModulusLitres(state.sizeDn) };
}

/** The register range a reader should expect today, from the average use since the last reading. */
export function expectedRange(state: MeterState, readOn: string, rules: ReadingRules = READING_RULES): { lowLitres: number; highLitres: number } | null {
  const from = state.previous?.readOn ?? null;
  const expected = expectedUseLitres(state, from, readOn);
  if (expected === null || !state.previous) return null;
  const start = state.previous.registerLitres;
  return {
    lowLitres: start + Math.floor(expected * rules.expectedLowFactor),
    highLitres: start + Math.ceil(expected * rules.expectedHighFactor),
  };
}

/** The state after a reading was stored, so several readings of one meter in a batch chain correctly. */
export function nextState(state: MeterState, reading: DatedRegister, outcome: { status: 'accepted' | 'suspect' | 'estimated'; consumptionLitres: number | null }): MeterState {
  if (outcome.status === 'estimated') {
    return {
      ...state,
      previous: reading,
      estimatedSinceActualLitres: state.estimatedSinceActualLitres + (outcome.consumptionLitres ?? 0),
    };
  }
  const recentRegisters = [reading.registerLitres, ...state.recentRegisters].slice(0, READING_RULES.stuckReadings);
  if (outcome.status === 'suspect') return { ...state, recentRegisters };
  return { ...state, previous: reading, lastActual: reading, estimatedSinceActualLitres: 0, recentRegisters };
}
