/** Money and volume as people read them. Amounts stay integers (fen, litres) until this last step. */

const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 123456 fen → "1,234.56"; negative amounts keep their sign. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  return `${sign}${groupThousands(String(Math.floor(absolute / 100)))}.${String(absolute % 100).padStart(2, '0')}`;
}

/** 12345 litres → "12.345" (m³, three decimals). */
export function formatCubicMetres(litres: number): string {
  const sign = litres < 0 ? '-' : '';
  const absolute = Math.abs(litres);
  return `${sign}${groupThousands(String(Math.floor(absolute / 1000)))}.${String(absolute % 1000).padStart(3, '0')}`;
}

/** "2026-02" → "2026年02月". */
export const formatPeriodZh = (period: string): string => `${period.slice(0, 4)}年${period.slice(5, 7)}月`;

/** "2026-02-28" → "2026年02月28日". */
export const formatDateZh = (date: string): string => `${date.slice(0, 4)}年${date.slice(5, 7)}月${date.slice(8, 10)}日`;
