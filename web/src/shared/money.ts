/**
 * Money and water as people read them, in both apps. The API counts fen and litres in integers; these turn
 * them into text with integer arithmetic only, so no amount ever passes through a float.
 */

const groupThousands = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** 123456 fen → "1,234.56"; a negative amount (a credit note) keeps its sign. */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  return `${sign}${groupThousands(String(Math.floor(absolute / 100)))}.${String(absolute % 100).padStart(2, '0')}`;
}

/** 12345 litres → "12.345" (m³, three decimals, as on the bill). */
export function formatCubicMetres(litres: number): string {
  const sign = litres < 0 ? '-' : '';
  const absolute = Math.abs(litres);
  return `${sign}${groupThousands(String(Math.floor(absolute / 1000)))}.${String(absolute % 1000).padStart(3, '0')}`;
}

/** Yuan typed by a person ("12.5", "12.50", "1,234") → fen, or null when it is not an amount of money. */
export function parseYuan(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim().replaceAll(',', ''));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** m³ typed by a person ("12.345") → litres, or null. */
export function parseCubicMetres(text: string): number | null {
  const match = /^(\d{1,7})(?:\.(\d{1,3}))?$/.exec(text.trim().replaceAll(',', ''));
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
}
