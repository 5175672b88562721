import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accrueBasis, addDays, BASIS_PER_FEN, chargeableDays, chargeDays, feeTarget, feeToPost, undisputedDays, unpaidAsOf, type BillOfAccount, type DateRange, type LedgerMove } from '../src/modules/collection/late-fees';

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

// Accrual against history (late-fees.ts accrualStates): each day is charged on the principal as it stood at
// the end of that day, except disputed days, however the runs fall.

const START = '2026-01-01';
const dayOf = (index: number) => addDays(START, index);
/** A bill's life over up to 120 days: principal changes on some days, dispute intervals, and run days. */
const life = fc.record({
  changes: fc.array(fc.record({ day: fc.integer({ min: 0, max: 119 }), principal: fc.integer({ min: 0, max: 5_000_000 }) }), { maxLength: 12 }),
  initial: fc.integer({ min: 0, max: 5_000_000 }),
  disputes: fc.array(fc.record({ from: fc.integer({ min: 0, max: 119 }), length: fc.integer({ min: 0, max: 40 }), open: fc.boolean() }), { maxLength: 4 }),
  runs: fc.array(fc.integer({ min: 0, max: 119 }), { maxLength: 15 }),
  rate: rate,
});

describe('late fee accrual against history', () => {
  it('charges exactly Σ principal(end of day) × rate over the undisputed days, however the runs split the days', () => {
    fc.assert(
      fc.property(life, ({ changes, initial, disputes, runs, rate: dailyRate }) => {
        const principalByDay: number[] = [];
        for (let index = 0, current = initial; index < 120; index += 1) {
          for (const change of changes) if (change.day === index) current = change.principal;
          principalByDay.push(current);
        }
        const principalOn = (date: string) => principalByDay[(Date.parse(`${date}T00:00:00Z`) - Date.parse(`${START}T00:00:00Z`)) / 86_400_000] ?? 0;
        const disputed: DateRange[] = disputes.map((item) => ({ from: dayOf(item.from), to: item.open ? null : dayOf(Math.min(item.from + item.length, 119)) }));
        const isDisputed = (index: number) => disputes.some((item) => index >= item.from && (item.open || index <= item.from + item.length));
        let naive = 0n;
        let naiveCap = 0;
        for (let index = 0; index < 120; index += 1) {
          const principal = principalByDay[index] as number;
          if (isDisputed(index) || principal === 0) continue;
          naive += BigInt(principal) * BigInt(dailyRate);
          naiveCap = Math.max(naiveCap, principal);
        }
        // The runs: each charges from the day after the last run through its own day, the last one through day 119.
        const points = [...new Set([...runs, 119])].sort((a, b) => a - b);
        const changeDays = changes.map((change) => dayOf(change.day));
        let basis = 0n;
        let cap = 0;
        let from = 0;
        for (const point of points) {
          const charged = chargeDays({ from: dayOf(from), to: dayOf(point), changes: changeDays, principalOn, disputed, dailyRate });
          basis += charged.basis;
          cap = Math.max(cap, charged.capBaseFen);
          from = point + 1;
        }
        expect(basis).toBe(naive);
        expect(cap).toBe(dailyRate > 0 ? naiveCap : cap);
      }),
    );
  });

  it('takes away each disputed day once, whatever the intervals overlap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.array(fc.record({ from: fc.integer({ min: 0, max: 120 }), to: fc.option(fc.integer({ min: 0, max: 120 })) }), { maxLength: 6 }), (a, span, intervals) => {
        const to = a + span;
        const ranges: DateRange[] = intervals.map((item) => ({ from: dayOf(item.from), to: item.to === null ? null : dayOf(item.to) }));
        let expected = 0;
        for (let index = a; index <= to; index += 1) {
          if (!intervals.some((item) => index >= item.from && (item.to === null || index <= item.to))) expected += 1;
        }
        expect(undisputedDays(dayOf(a), dayOf(to), ranges)).toBe(expected);
      }),
    );
  });

  it('puts what was owed on a day on the newest bills issued by then, never more than a bill’s net, losing no fen', () => {
    const bill = fc.record({ net: fc.integer({ min: -5_000, max: 50_000 }), issued: fc.integer({ min: 0, max: 60 }), notes: fc.array(fc.record({ amount: fc.integer({ min: -20_000, max: 20_000 }), after: fc.integer({ min: 0, max: 30 }) }), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(bill, { minLength: 1, maxLength: 8 }), fc.array(fc.record({ amount: fc.integer({ min: 1, max: 60_000 }), day: fc.integer({ min: 0, max: 60 }) }), { maxLength: 6 }), fc.integer({ min: 0, max: 60 }), (plan, payments, asOf) => {
        const bills: BillOfAccount[] = [];
        const moves: LedgerMove[] = [];
        plan.forEach((item, index) => {
          const id = `b${index}`;
          bills.push({ id, kind: 'regular', adjusts_bill_id: null, period: `2025-${String(index + 1).padStart(2, '0')}`, created_at: new Date(index * 1000) });
          moves.push({ bill_id: id, entry_type: 'bill', business_date: dayOf(item.issued), change: item.net });
          item.notes.forEach((note, noteIndex) => {
            bills.push({ id: `${id}n${noteIndex}`, kind: note.amount < 0 ? 'credit_note' : 'debit_note', adjusts_bill_id: id, period: bills[bills.length - 1]?.period ?? '', created_at: new Date(0) });
            // A note comes on or after the day of the bill it adjusts.
            moves.push({ bill_id: `${id}n${noteIndex}`, entry_type: note.amount < 0 ? 'credit_note' : 'debit_note', business_date: dayOf(item.issued + note.after), change: note.amount });
          });
        });
        for (const payment of payments) moves.push({ bill_id: null, entry_type: 'payment', business_date: dayOf(payment.day), change: -payment.amount });
        const date = dayOf(asOf);
        const unpaid = unpaidAsOf(bills, moves, date);
        const upTo = moves.filter((move) => move.business_date <= date);
        const owed = Math.max(upTo.reduce((sum, move) => sum + move.change, 0), 0);
        const nets = plan.map((_item, index) => upTo.filter((move) => move.bill_id === `b${index}` || move.bill_id?.startsWith(`b${index}n`)).reduce((sum, move) => sum + move.change, 0));
        const issued = plan.map((item) => item.issued <= asOf);
        const positive = nets.reduce((sum, net, index) => sum + (issued[index] && net > 0 ? net : 0), 0);
        const total = [...unpaid.values()].reduce((sum, value) => sum + value, 0);
        expect(total).toBe(Math.min(owed, positive));
        nets.forEach((net, index) => {
          const value = unpaid.get(`b${index}`) ?? 0;
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(issued[index] ? Math.max(net, 0) : 0);
          // Newest first: a bill carries something only if every newer bill issued by then is full.
          if (value > 0) for (let newer = index + 1; newer < plan.length; newer += 1) if (issued[newer] && (nets[newer] as number) > 0) expect(unpaid.get(`b${newer}`)).toBe(nets[newer]);
        });
      }),
    );
  });
});
