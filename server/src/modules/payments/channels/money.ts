/**
 * Money as the channels write it. WeChat Pay counts integer fen; Alipay writes yuan as text ("12.30").
 * Conversions work on the digits, never through floating point, so 0.1 + 0.2 never becomes a payment.
 */

// Whole part without leading zeros, at most two decimals: "0.01", "12.3", "12.30", "100".
const YUAN_PATTERN = /^(-)?(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;

/** 1230 → "12.30", -5 → "-0.05". Refuses anything that is not a safe integer. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`An amount in fen must be a safe integer, not ${String(fen)}`);
  const sign = fen < 0 ? '-' : '';
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * "12.30" → 1230; null for anything that is not a plain decimal with at most two places (so "1.234",
 * "1e3", " 1", "01.00" and "" are refused rather than rounded or guessed).
 */
export function parseYuan(text: string): number | null {
  const match = YUAN_PATTERN.exec(text);
  if (!match) return null;
  const whole = match[2] ?? '';
  const fraction = (match[3] ?? '').padEnd(2, '0');
  // A string of digits converts exactly while it stays below 2^53; past that Number() rounds, which the check catches.
  const fen = Number(whole + fraction);
  if (!Number.isSafeInteger(fen)) return null;
  return match[1] === '-' && fen !== 0 ? -fen : fen;
}

/** Like parseYuan, but throws: for amounts we wrote ourselves, where a bad one is a bug. */
export function yuanToFen(text: string): number {
  const fen = parseYuan(text);
  if (fen === null) throw new RangeError(`Not an amount in yuan with at most two decimals: ${JSON.stringify(text)}`);
  return fen;
}
