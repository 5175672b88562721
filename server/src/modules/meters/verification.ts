/**
 * JJG 162-2019: billing meters up to DN25 are replaced at most 6 years after first verification, DN32 to
 * DN50 after 4 years; larger meters are verified every 2 years. Returns the due date as YYYY-MM-DD.
 */
export function verificationIntervalYears(sizeDn: number): number {
  if (sizeDn <= 25) return 6;
  if (sizeDn <= 50) return 4;
  return 2;
}

export function verificationDueOn(meter: { sizeDn: number; firstVerifiedOn: string | null; installedOn: string | null; status: string }): string | null {
  if (meter.status !== 'installed') return null;
  const from = meter.firstVerifiedOn ?? meter.installedOn;
  if (!from) return null;
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  const dueYear = year + verificationIntervalYears(meter.sizeDn);
  // 29 February moves to 28 February in a year that has none.
  const lastDay = new Date(Date.UTC(dueYear, month, 0)).getUTCDate();
  return `${dueYear}-${String(month).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/**
 * Tolerance of a meter in service found by a calibration test (校表), JJG 162-2019 for class 2 water meters
 * at water up to 30 °C: ±2 % in the upper flow zone (Q2 ≤ Q ≤ Q4) and ±5 % in the lower (Q1 ≤ Q < Q2).
 * Errors are in hundredths of a percent (+250 = the meter registers 2.50 % more than flowed).
 */
export const CALIBRATION_TOLERANCE = { upperZoneHundredths: 200, lowerZoneHundredths: 500 } as const;

export function isWithinTolerance(errorUpperZone: number, errorLowerZone: number): boolean {
  return Math.abs(errorUpperZone) <= CALIBRATION_TOLERANCE.upperZoneHundredths && Math.abs(errorLowerZone) <= CALIBRATION_TOLERANCE.lowerZoneHundredths;
}
