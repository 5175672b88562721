import { describe, expect, it } from 'vitest';
import { cubicMetresToLitres, litresToCubicMetres, mulDivRound } from './units';
import { estimateReading, expectedRange, nextState, READING_RULES, registerModulusLitres, validateReading, type MeterState } from './validation';

/** A DN15 meter read monthly: last actual 1,000 m³ on 1 March, using 15 m³ a month (500 L/day over 360 days). */
const base: MeterState = {
  sizeDn: 15,
  meterStatus: 'installed',
  initialRegisterLitres: 0,
  previous: { readOn: '2026-03-01', registerLitres: 1_000_000 },
  lastActual: { readOn: '2026-03-01', registerLitres: 1_000_000 },
  estimatedSinceActualLitres: 0,
  recentRegisters: [1_000_000, 985_000],
  average: { litres: 180_000, days: 360 },
};

describe('register units', () => {
  it.each([
    ['1234.567', 1_234_567],
    ['0', 0],
    ['12.5', 12_500],
    ['12,05', 12_050],
    [' 7. ', 7_000],
  ])('%s m³ is %i litres', (text, litres) => expect(cubicMetresToLitres(text)).toBe(litres));

  it.each(['-1', '1.2345', 'abc', '', '1e3'])('refuses %s', (text) => expect(cubicMetresToLitres(text)).toBeNull());

  it('prints litres as m³ with three decimals and rounds half up in integer arithmetic', () => {
    expect(litresToCubicMetres(1_234_005)).toBe('1234.005');
    expect(litresToCubicMetres(-2_500)).toBe('-2.500');
    expect(mulDivRound(180_000, 31, 360)).toBe(15_500);
    expect(mulDivRound(1, 1, 2)).toBe(1);
    expect(mulDivRound(2 ** 40, 2 ** 20, 2 ** 30)).toBe(2 ** 30);
  });
});

describe('reading validation', () => {
  it('accepts an ordinary monthly reading and measures use from the last actual reading', () => {
    expect(validateReading(base, { readOn: '2026-04-01', registerLitres: 1_016_000 })).toEqual({ status: 'accepted', anomalies: [], consumptionLitres: 16_000 });
  });

  it('measures the first reading of a meter from its initial register', () => {
    const fresh: MeterState = { ...base, initialRegisterLitres: 3_000, previous: null, lastActual: null, recentRegisters: [], average: null };
    expect(validateReading(fresh, { readOn: '2026-04-01', registerLitres: 9_000 })).toEqual({ status: 'accepted', anomalies: [], consumptionLitres: 6_000 });
  });

  it('sends a decrease to review, with no consumption to bill', () => {
    expect(validateReading(base, { readOn: '2026-04-01', registerLitres: 990_000 })).toEqual({ status: 'suspect', anomalies: ['decrease'], consumptionLitres: null });
  });

  it('counts use across the wrap of a DN25 register (99,999.999 m³) and of a larger one', () => {
    expect(registerModulusLitres(25)).toBe(100_000_000);
    expect(registerModulusLitres(32)).toBe(1_000_000_000);
    const nearTop: MeterState = { ...base, previous: { readOn: '2026-03-01', registerLitres: 99_995_000 }, lastActual: { readOn: '2026-03-01', registerLitres: 99_995_000 }, recentRegisters: [99_995_000] };
    expect(validateReading(nearTop, { readOn: '2026-04-01', registerLitres: 11_000 })).toEqual({ status: 'accepted', anomalies: ['rollover'], consumptionLitres: 16_000 });
    const large: MeterState = { ...nearTop, sizeDn: 50, previous: { readOn: '2026-03-01', registerLitres: 999_990_000 }, lastActual: { readOn: '2026-03-01', registerLitres: 999_990_000 }, average: { litres: 3_600_000, days: 360 } };
    expect(validateReading(large, { readOn: '2026-04-01', registerLitres: 290_000 })).toEqual({ status: 'accepted', anomalies: ['rollover'], consumptionLitres: 300_000 });
  });

  it('does not take an ordinary decrease in the middle of the dial for a rollover', () => {
    const middle: MeterState = { ...base, previous: { readOn: '2026-03-01', registerLitres: 50_000_000 }, lastActual: { readOn: '2026-03-01', registerLitres: 50_000_000 } };
    expect(validateReading(middle, { readOn: '2026-04-01', registerLitres: 1_000 }).anomalies).toEqual(['decrease']);
  });

  it('flags zero use for review when the account used water before, and only notes it for an empty flat', () => {
    expect(validateReading(base, { readOn: '2026-04-01', registerLitres: 1_000_000 })).toEqual({ status: 'suspect', anomalies: ['zero_use'], consumptionLitres: 0 });
    const empty: MeterState = { ...base, average: { litres: 0, days: 360 } };
    expect(validateReading(empty, { readOn: '2026-04-01', registerLitres: 1_000_000 })).toEqual({ status: 'accepted', anomalies: ['zero_use'], consumptionLitres: 0 });
  });

  it(`flags a spike over ${READING_RULES.spikeFactor}× the expected use and over 10 m³`, () => {
    // Expected for 31 days: 15.5 m³; 3× is 46.5 m³.
    expect(validateReading(base, { readOn: '2026-04-01', registerLitres: 1_047_000 })).toEqual({ status: 'suspect', anomalies: ['spike'], consumptionLitres: 47_000 });
    expect(validateReading(base, { readOn: '2026-04-01', registerLitres: 1_046_000 }).status).toBe('accepted');
    // A tiny user: 4× the expected use but under 10 m³ is not a spike.
    const tiny: MeterState = { ...base, average: { litres: 18_000, days: 360 } };
    expect(validateReading(tiny, { readOn: '2026-04-01', registerLitres: 1_008_000 })).toEqual({ status: 'accepted', anomalies: [], consumptionLitres: 8_000 });
  });

  it('does not call a spike without history to compare with', () => {
    const noHistory: MeterState = { ...base, average: null };
    expect(validateReading(noHistory, { readOn: '2026-04-01', registerLitres: 1_500_000 }).status).toBe('accepted');
  });

  it('flags a stuck meter: the same register three readings running while the account uses water', () => {
    const twice: MeterState = { ...base, recentRegisters: [1_000_000, 1_000_000] };
    expect(validateReading(twice, { readOn: '2026-04-01', registerLitres: 1_000_000 })).toEqual({ status: 'suspect', anomalies: ['zero_use', 'stuck'], consumptionLitres: 0 });
    const quiet: MeterState = { ...twice, average: { litres: 0, days: 360 } };
    expect(validateReading(quiet, { readOn: '2026-04-01', registerLitres: 1_000_000 }).anomalies).toEqual(['zero_use']);
  });

  it('flags a reading of a meter that is no longer installed', () => {
    expect(validateReading({ ...base, meterStatus: 'removed' }, { readOn: '2026-04-01', registerLitres: 1_015_000 })).toEqual({ status: 'suspect', anomalies: ['meter_not_installed'], consumptionLitres: 15_000 });
  });
});

describe('estimates and their correction', () => {
  it('estimates from the 12-month average per day × days since the last counted reading, in whole litres', () => {
    expect(estimateReading(base, '2026-04-01')).toEqual({ consumptionLitres: 15_500, registerLitres: 1_015_500 });
    expect(estimateReading({ ...base, average: null }, '2026-04-01')).toBeNull();
  });

  it('bills the next actual reading from the last actual one, minus the estimates already billed', () => {
    const estimate = estimateReading(base, '2026-04-01');
    if (!estimate) throw new Error('no estimate');
    const afterEstimate = nextState(base, { readOn: '2026-04-01', registerLitres: estimate.registerLitres }, { status: 'estimated', consumptionLitres: estimate.consumptionLitres });
    expect(afterEstimate.estimatedSinceActualLitres).toBe(15_500);
    // Two months of real use: 31 m³. 15.5 were estimated, so 15.5 remain: nothing counted twice.
    const actual = validateReading(afterEstimate, { readOn: '2026-05-01', registerLitres: 1_031_000 });
    expect(actual).toEqual({ status: 'accepted', anomalies: [], consumptionLitres: 15_500 });
    expect(estimate.consumptionLitres + (actual.consumptionLitres ?? 0)).toBe(31_000);
  });

  it('credits back an estimate that was too high', () => {
    const afterEstimate = nextState(base, { readOn: '2026-04-01', registerLitres: 1_015_500 }, { status: 'estimated', consumptionLitres: 15_500 });
    // Only 5 m³ used in truth (empty for a while): the next reading gives 10.5 m³ back.
    expect(validateReading(afterEstimate, { readOn: '2026-05-01', registerLitres: 1_005_000 })).toEqual({ status: 'accepted', anomalies: ['estimate_overstated'], consumptionLitres: -10_500 });
  });

  it('shows the reader an expected range around the average use since the last reading', () => {
    expect(expectedRange(base, '2026-04-01')).toEqual({ lowLitres: 1_007_750, highLitres: 1_023_250 });
    expect(expectedRange({ ...base, average: null }, '2026-04-01')).toBeNull();
  });

  it('keeps suspect readings out of the period chain but counts them for a stuck meter', () => {
    const after = nextState(base, { readOn: '2026-04-01', registerLitres: 900_000 }, { status: 'suspect', consumptionLitres: null });
    expect(after.lastActual).toEqual(base.lastActual);
    expect(after.recentRegisters[0]).toBe(900_000);
  });
});
