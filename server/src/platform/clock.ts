/** The source of "now" for every rule that depends on time, so tests can move time explicitly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until a test advances it. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-03-02T02:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }

  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }

  set(time: Date | string): void {
    this.current = new Date(time).getTime();
  }
}

const HOUR = 3_600_000;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
/** Each zone's offset by UTC hour (hours since the epoch), learnt through Intl. */
const hourOffsets = new Map<string, Map<number, number>>();

/** How far a zone's wall clock is ahead of UTC at an instant (ms, whole seconds), asked of Intl. */
function measuredOffset(at: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

/**
 * How far a zone's wall clock is ahead of UTC at an instant, in milliseconds. Intl answers it in about 5 µs a
 * call, and a request's deadlines ask dozens of times, so it is learnt once per zone and UTC hour: an hour
 * whose first and last second have the same offset has no change of offset inside it (zones change at most
 * once in a few months); an hour with a change in it is asked about each instant.
 */
export function zoneOffset(at: Date, timeZone: string): number {
  const time = at.getTime();
  if (!Number.isFinite(time)) throw new RangeError('Invalid time value');
  const hour = Math.floor(time / HOUR);
  let offsets = hourOffsets.get(timeZone);
  if (!offsets) {
    measuredOffset(time, timeZone); // an unknown zone throws here, before it is remembered
    offsets = new Map();
    hourOffsets.set(timeZone, offsets);
  }
  const known = offsets.get(hour);
  if (known !== undefined) return known;
  const first = measuredOffset(hour * HOUR, timeZone);
  if (first !== measuredOffset(hour * HOUR + HOUR - 1, timeZone)) return measuredOffset(time, timeZone);
  if (offsets.size >= 100_000) offsets.clear();
  offsets.set(hour, first);
  return first;
}

/** An instant's wall-clock time in a zone, as a Date whose UTC fields (getUTCHours, toISOString…) read it. */
export function wallClock(at: Date, timeZone: string): Date {
  return new Date(at.getTime() + zoneOffset(at, timeZone));
}

/** The business date (YYYY-MM-DD) of an instant in a utility's time zone. */
export function businessDate(at: Date, timeZone: string): string {
  return wallClock(at, timeZone).toISOString().slice(0, 10);
}
