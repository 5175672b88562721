import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTime, elapsedMinutes, workingCalendar } from './calendar';

// 2026: National Day holiday 10-01…10-07 (Thu…Wed), with Saturday 10-10 a working day (调休).
const calendar = workingCalendar({
  timeZone: 'Asia/Shanghai',
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'],
  workdays: ['2026-10-10'],
});
const at = (local: string) => new Date(`${local}+08:00`);

describe('clock time', () => {
  it('counts every minute, night and weekend alike', () => {
    expect(addTime(calendar, at('2026-10-03T23:50:00'), 30, 'clock')).toEqual(at('2026-10-04T00:20:00'));
  });
});

describe('working time', () => {
  it('counts within working hours and skips the lunch break', () => {
    expect(addTime(calendar, at('2026-09-29T11:30:00'), 60, 'working')).toEqual(at('2026-09-29T14:00:00'));
  });

  it('starts at the next opening when the request comes in at night', () => {
    expect(addTime(calendar, at('2026-09-28T20:15:00'), 30, 'working')).toEqual(at('2026-09-29T09:00:00'));
  });

  it('is due at the close of a span, not at the next opening, when the limit ends there', () => {
    expect(addTime(calendar, at('2026-09-29T16:30:00'), 60, 'working')).toEqual(at('2026-09-29T17:30:00'));
  });

  it('skips weekends and public holidays, and counts an adjusted working Saturday', () => {
    // Wednesday 09-30 17:00: 30 minutes that day, then the holiday (with its weekend), then 30 on Thursday 10-08.
    expect(addTime(calendar, at('2026-09-30T17:00:00'), 60, 'working')).toEqual(at('2026-10-08T09:00:00'));
    // Friday 10-09 at closing time, 3 working days (3 × 450 minutes): Saturday 10-10 counts, then Monday and Tuesday.
    expect(addTime(calendar, at('2026-10-09T17:30:00'), 3 * 450, 'working')).toEqual(at('2026-10-13T17:30:00'));
  });

  it('measures back what it added (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 * 60 }), fc.integer({ min: 1, max: 5_000 }), (offsetMinutes, limit) => {
        const start = new Date(at('2026-09-20T00:00:00').getTime() + offsetMinutes * 60_000);
        const due = addTime(calendar, start, limit, 'working');
        expect(due.getTime()).toBeGreaterThan(start.getTime());
        expect(elapsedMinutes(calendar, start, due, 'working')).toBe(limit);
        // One minute earlier, less than the limit has passed.
        expect(elapsedMinutes(calendar, start, new Date(due.getTime() - 60_000), 'working')).toBe(limit - 1);
      }),
      { numRuns: 300 },
    );
  });
});
