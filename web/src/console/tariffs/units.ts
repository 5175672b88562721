/**
 * Money and volume as the tariff pages show and read them. The API counts integer fen and litres; the
 * forms take yuan and m³ as decimal text and convert by moving the decimal point, never through floats.
 */

/** '1,040.00' for 104000 fen. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100).toLocaleString('en')}.${String(abs % 100).padStart(2, '0')}`;
}

/** '180', '0.5' or '1,234.567' for litres as m³. */
export function formatLitres(litres: number): string {
  const whole = Math.trunc(litres / 1000).toLocaleString('en');
  const rest = Math.abs(litres % 1000);
  return rest === 0 ? whole : `${whole}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}

/** An integer in the smallest unit as decimal text: toDecimal(207, 2) = '2.07', toDecimal(180000, 3) = '180'. */
export function toDecimal(value: number, scale: number): string {
  const unit = 10 ** scale;
  const whole = Math.trunc(value / unit);
  const rest = String(Math.abs(value % unit)).padStart(scale, '0').replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : String(whole);
}

/**
 * Decimal text in the smallest unit: parseDecimal('2.07', 2) = 207, parseDecimal('180', 3) = 180000. Null
 * for anything that is not a non-negative number with at most `scale` decimals.
 */
export function parseDecimal(text: string | number | null | undefined, scale: number): number | null {
  if (text === null || text === undefined) return null;
  const value = String(text).trim();
  const match = new RegExp(`^(\\d+)(?:\\.(\\d{0,${scale}}))?$`).exec(value);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = (match[2] ?? '').padEnd(scale, '0');
  const result = Number(whole) * 10 ** scale + Number(fraction || '0');
  return Number.isSafeInteger(result) ? result : null;
}

export const fenFromYuan = (text: string | number | null | undefined): number | null => parseDecimal(text, 2);
export const litresFromM3 = (text: string | number | null | undefined): number | null => parseDecimal(text, 3);
/** Fen as yuan text with two decimals for form fields: 500 → '5.00'. */
export function yuanText(fen: number): string {
  const [whole, fraction = ''] = toDecimal(fen, 2).split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}
export const m3Text = (litres: number): string => toDecimal(litres, 3);

const CHINESE_ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
/** 1 → '一' for Chinese tier names; digits elsewhere. */
export const tierNumber = (n: number, language: string): string => (language.startsWith('en') ? String(n) : (CHINESE_ORDINALS[n - 1] ?? String(n)));
