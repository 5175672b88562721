import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrueBasis, BASIS_PER_FEN, chargeableDays, feeTarget, feeToPost } from '../src/modules/collection/late-fees';

// The late-fee arithmetic (late-fees.ts) over random principals, rates, caps and ways of splitting days.

const rate = fc.integer({ min: 0, max: 100 });
const capPercent = fc.integer({ min: 0, max: 100 });
/** One bill's life: the unpaid principal on each overdue day (it only falls, as payments come in). */
const principals = fc.array(fc.integer({ min: 0, max: 2_000_000_00 }), { minLength: 1, maxLength: 400 }).map((values) => values.sort((a, b) => b - a));

/** Assessments at the given day indexes (and after the last day): what each posts. */
function postings(days: readonly number[], dailyRate: number, cap: number, splits: readonly number[]): number[] {
  const points = [...new Set([...splits.filter((point) => point > 0 && point < days.length), days.length])].sort((a, b) => a - b);
  let basis = 0n;
  let capBase = 0;
  let posted = 0;
  let day = 0;
  const result: number[] = [];
  for (const point of points) {
    // Within a segment the principal may change only at accrual points; accrue day by day (as payments force).
    for (; day < point; day += 1) {
      const principal = days[day] as number;
      basis = accrueBasis(basis, principal, dailyRate, 1);
      capBase = Math.max(capBase, principal);
    }
    const amount = feeToPost(feeTarget(basis, capBase, cap), posted);
    posted += amount;
    result.push(amount);
  }
  return result;
}

describe('late fee arithmetic', () => {
  it('never exceeds the cap, is whole fen and never negative', () => {
    fc.assert(
      fc.property(principals, rate, capPercent, (days, dailyRate, cap) => {
        const basis = days.reduce((sum, principal) => accrueBasis(sum, principal, dailyRate, 1), 0n);
        const capBase = Math.max(...days);
        const target = feeTarget(basis, capBase, cap);
        expect(Number.isSafeInteger(target)).toBe(true);
        expect(target).toBeGreaterThanOrEqual(0);
        expect(target).toBeLessThanOrEqual(Math.floor((capBase * cap) / 100));
        // Round half up of the exact basis, unless capped.
        const exact = (basis + BASIS_PER_FEN / 2n) / BASIS_PER_FEN;
        expect(BigInt(target)).toBe(exact < BigInt(Math.floor((capBase * cap) / 100)) ? exact : BigInt(Math.floor((capBase * cap) / 100)));
      }),
    );
  });

  it('posts the same total however the days are split between assessments, each posting ≥ 0 (exactly, not just within rounding)', () => {
    fc.assert(
      fc.property(principals, rate, capPercent, fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 30 }), (days, dailyRate, cap, first, second) => {
        const a = postings(days, dailyRate, cap, first);
        const b = postings(days, dailyRate, cap, second);
        const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
        expect(a.every((amount) => Number.isSafeInteger(amount) && amount >= 0)).toBe(true);
        expect(sum(a)).toBe(sum(b));
        // Daily assessment and a single one at the end agree exactly too.
        expect(sum(postings(days, dailyRate, cap, days.map((_value, index) => index)))).toBe(sum(postings(days, dailyRate, cap, [])));
      }),
    );
  });

  it('charges each day once: accruing through the same day again adds no day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), (grace, span) => {
        const first = '2026-01-10';
        const through = new Date(Date.parse(`${first}T00:00:00Z`) + (grace + span) * 86_400_000).toISOString().slice(0, 10);
        const all = chargeableDays(first, null, through);
        expect(chargeableDays(first, through, through)).toBe(0);
        const middle = new Date(Date.parse(`${first}T00:00:00Z`) + grace * 86_400_000).toISOString().slice(0, 10);
        expect(chargeableDays(first, null, middle) + chargeableDays(first, middle, through)).toBe(all);
      }),
    );
  });
});
