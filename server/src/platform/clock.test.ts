import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessDate, wallClock, zoneOffset } from './clock';

/** The wall clock of an instant in a zone as Intl formats it, field by field: what wallClock must agree with. */
function intlWallClock(at: Date, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second} ${parts.weekday}`;
}
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ours = (at: Date, timeZone: string): string => {
  const wall = wallClock(at, timeZone);
  return `${wall.toISOString().slice(0, 19)} ${WEEKDAYS[wall.getUTCDay()]}`;
};

// China's zone (with its summer time of 1986–1991), zones with summer time both sides of the equator, a
// half-hour change (Lord Howe), quarter-hour offsets (Kathmandu, Chatham) and a zone that skipped a day (Apia).
const ZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'Pacific/Apia', 'UTC'];

describe('wall-clock time in a zone, learnt per hour', () => {
  it('agrees with Intl at any instant from 1950 to 2100, in every zone tried', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom(...ZONES), (time, zone) => {
        const at = new Date(time);
        expect(ours(at, zone)).toBe(intlWallClock(at, zone));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with Intl second by second around changes of offset, before and after the hour is learnt', () => {
    const changes: [string, string][] = [
      ['America/New_York', '2026-03-08T06:30:00Z'],
      ['America/New_York', '2026-11-01T05:30:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T14:30:00Z'],
      ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
      ['Asia/Shanghai', '1991-09-14T16:30:00Z'],
    ];
    for (const [zone, around] of changes) {
      const start = new Date(around).getTime() - 2 * 3_600_000;
      for (let pass = 0; pass < 2; pass += 1) {
        for (let time = start; time <= start + 4 * 3_600_000; time += 59_000) expect(ours(new Date(time), zone)).toBe(intlWallClock(new Date(time), zone));
      }
    }
  });

  it('gives the business date in the zone, and refuses an unknown zone or an invalid instant as Intl does', () => {
    expect(businessDate(new Date('2026-03-01T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-02');
    expect(businessDate(new Date('2026-03-01T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-03-01');
    expect(zoneOffset(new Date('2026-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe(8 * 3_600_000);
    expect(() => businessDate(new Date('2026-03-01T00:00:00Z'), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => businessDate(new Date(Number.NaN), 'Asia/Shanghai')).toThrow(RangeError);
  });
});
