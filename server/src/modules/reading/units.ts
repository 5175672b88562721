/**
 * Volumes are integer litres everywhere. People and files speak cubic metres with up to three decimals
 * ("1234.567" m³ = 1,234,567 L); the conversion is done on the digits, never through a binary float.
 */
export const MAX_REGISTER_LITRES = 999_999_999_999;

/** "1234.5" → 1234500; null when the text is not a non-negative number with at most three decimals. */
export function cubicMetresToLitres(text: string): number | null {
  const match = /^\s*(\d{1,9})(?:[.,](\d{0,3}))?\s*$/.exec(text);
  if (!match) return null;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(3, '0'));
  return whole * 1000 + fraction;
}

/** 1234567 → "1234.567"; always three decimals so columns line up. */
export function litresToCubicMetres(litres: number): string {
  const sign = litres < 0 ? '-' : '';
  const absolute = Math.abs(litres);
  return `${sign}${Math.floor(absolute / 1000)}.${String(absolute % 1000).padStart(3, '0')}`;
}

/** a × b ÷ c rounded half up, for non-negative integers (results well below 2^53). */
export function mulDivRound(a: number, b: number, c: number): number {
  if (c <= 0) throw new Error('mulDivRound: divisor must be positive');
  const product = a * b;
  if (!Number.isSafeInteger(product)) {
    return Number((BigInt(a) * BigInt(b) * 2n + BigInt(c)) / (2n * BigInt(c)));
  }
  return Math.floor((2 * product + c) / (2 * c));
}

/** Whole days from one ISO date to another (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Adds calendar months; the 31st becomes the last day of a shorter month. */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  return `${targetYear}-${String(targetMonth).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/** A real calendar date as YYYY-MM-DD (rejects 2026-02-30). */
export { isCalendarDate } from '../../platform/validation';
