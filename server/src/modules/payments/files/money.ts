/**
 * Yuan amounts as the channels print them ("12.30", "-0.05940") to integers, by string arithmetic only:
 * a float never touches money (0.1 + 0.2 is not 0.3).
 */

/**
 * "12.3" with decimals 2 → 1230: the amount in units of 10^-decimals yuan. Accepts an optional minus sign and
 * at most `decimals` decimal places; null for anything else (including "1e3", "1,000", " 1" and too many places).
 * The digit count is limited so the result is always a safe integer.
 */
export function parseDecimalUnits(text: string, decimals: number): number | null {
  const match = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const whole = (match[2] as string).replace(/^0+(?=\d)/, '');
  const fraction = match[3] ?? '';
  if (fraction.length > decimals || (match[3] !== undefined && fraction.length === 0)) return null;
  if (whole.length + decimals > 15) return null;
  const units = Number(whole + fraction.padEnd(decimals, '0'));
  return match[1] && units !== 0 ? -units : units;
}

/** A yuan amount with at most 2 decimals → fen, or null. */
export const yuanToFen = (text: string): number | null => parseDecimalUnits(text, 2);

/** Integer units of 10^-decimals yuan → "d.dd…" with exactly `decimals` places. */
export function formatDecimalUnits(units: number, decimals: number): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`not a whole number of units: ${units}`);
  const digits = String(Math.abs(units)).padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return units < 0 ? `-${text}` : text;
}

/** Fen → yuan with 2 decimals: 1230 → "12.30", -5 → "-0.05". */
export const fenToYuan = (fen: number): string => formatDecimalUnits(fen, 2);

/** Units of 10^-5 yuan (thousandths of a fen) → fen, rounding half away from zero. */
export function milliFenToFen(milliFen: number): number {
  const rounded = Math.floor((Math.abs(milliFen) + 500) / 1000);
  return milliFen < 0 ? -rounded : rounded;
}
