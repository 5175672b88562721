/**
 * Money as the counter writes it: the amount in Chinese capital numerals (大写) that a receipt carries
 * next to the figures, and fen as the plain text of an amount field. Integers only: no amount passes
 * through a float.
 */

import type { CounterMethod, MethodTotals } from '../../api/types';

/** The ways of paying at the counter, in the order the console offers them. */
export const COUNTER_METHODS: readonly CounterMethod[] = ['cash', 'card', 'transfer'];
/** The most one counter payment may be (the server's limit): 1,000,000 yuan. */
export const MAX_PAYMENT_FEN = 100_000_000;

export const totalOf = (totals: MethodTotals): number => totals.cash + totals.card + totals.transfer;

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
/** Within a group of four digits, thousands to ones. */
const PLACES = ['仟', '佰', '拾', ''] as const;
/** Of each group of four digits, ones upwards. */
const GROUPS = ['', '万', '亿', '万亿'] as const;

/** Whole yuan (a string of digits without leading zeros, not "0") in capitals: 10005 → 壹万零伍. */
function wholeYuan(digits: string): string {
  const groupCount = Math.ceil(digits.length / 4);
  const padded = digits.padStart(groupCount * 4, '0');
  let text = '';
  // A zero (or a run of zeros, or an empty group) seen since the last digit written: one 零 before the next.
  let zero = false;
  for (let group = 0; group < groupCount; group += 1) {
    const quad = padded.slice(group * 4, group * 4 + 4);
    const unit = GROUPS[groupCount - 1 - group] ?? '';
    if (quad === '0000') {
      if (text) zero = true;
      continue;
    }
    for (let place = 0; place < 4; place += 1) {
      const digit = Number(quad[place]);
      if (digit === 0) {
        if (text) zero = true;
        continue;
      }
      if (zero) text += '零';
      zero = false;
      text += `${DIGITS[digit]}${PLACES[place]}`;
    }
    text += unit;
  }
  return text;
}

/**
 * An amount of fen in Chinese capital numerals as written on receipts and cheques:
 * 12345 → 壹佰贰拾叁元肆角伍分, 10000 → 壹佰元整, 100005 → 壹仟元零伍分, 50 → 伍角, 0 → 零元整.
 * A negative amount is prefixed 负.
 */
export function fenToCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  if (fen < 0) return `负${fenToCapitals(-fen)}`;
  if (fen === 0) return '零元整';
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor((fen % 100) / 10);
  const cents = fen % 10;
  let text = yuan > 0 ? `${wholeYuan(String(yuan))}元` : '';
  if (jiao > 0) text += `${DIGITS[jiao]}角`;
  else if (cents > 0 && yuan > 0) text += '零';
  if (cents > 0) text += `${DIGITS[cents]}分`;
  if (jiao === 0 && cents === 0) text += '整';
  return text;
}

/** Fen as an amount field shows it: 123456 → "1234.56" (no grouping, so that it parses back). */
export function fenToYuanInput(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
