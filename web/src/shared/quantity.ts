/**
 * Quantities of materials: whole numbers of a base unit (centimetres of pipe, pieces), shown in the unit
 * people use (metres) with as many decimals as the scale allows. Parsing and formatting go through strings
 * and integers only, never through floating point.
 */

const decimalsOf = (scale: number): number => Math.max(0, String(scale).length - 1);

/** 250 at scale 100 → "2.5"; 3 at scale 1 → "3". */
export function formatQuantity(quantity: number, scale: number): string {
  const decimals = decimalsOf(scale);
  const whole = Math.floor(quantity / scale);
  if (decimals === 0) return String(whole);
  const fraction = String(quantity % scale).padStart(decimals, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/** "2.5" at scale 100 → 250; null when it is not a positive amount with at most the allowed decimals. */
export function parseQuantity(text: string, scale: number): number | null {
  const decimals = decimalsOf(scale);
  const match = /^(\d{1,9})(?:[.,](\d*))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return null;
  const value = Number(match[1]) * scale + (decimals === 0 ? 0 : Number(fraction.padEnd(decimals, '0')));
  return value > 0 && Number.isSafeInteger(value) ? value : null;
}

/** How many decimals a quantity of this scale may have (for input hints). */
export const quantityDecimals = decimalsOf;
