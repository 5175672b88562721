/**
 * Deadline arithmetic for service requests (时限). A time limit counts either clock time (a burst pipe:
 * 30 minutes are 30 minutes, night or day) or working time (a complaint: 3 working days), in the utility's
 * time zone, skipping weekends and public holidays and counting adjusted working days (调休) as working.
 * Pure functions on instants (Date) and minutes; no database.
 */

import { wallClock } from '../../platform/clock';

export interface WorkingCalendar {
  /** IANA zone of the utility, e.g. Asia/Shanghai. */
  timeZone: string;
  /** Working hours per working day, minutes after local midnight, e.g. 08:30–12:00 and 13:30–17:30. */
  hours: readonly { from: number; to: number }[];
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  weekdays: readonly number[];
  /** Local dates (YYYY-MM-DD) that are not working days although their weekday is (法定节假日). */
  holidays: ReadonlySet<string>;
  /** Local dates that are working days although their weekday is not (调休上班). */
  workdays: ReadonlySet<string>;
}

export type TimeBasis = 'clock' | 'working';

export const DEFAULT_WORKING_HOURS = [
  { from: 8 * 60 + 30, to: 12 * 60 },
  { from: 13 * 60 + 30, to: 17 * 60 + 30 },
] as const;

export function workingCalendar(input: { timeZone: string; hours?: readonly { from: number; to: number }[]; weekdays?: readonly number[]; holidays?: Iterable<string>; workdays?: Iterable<string> }): WorkingCalendar {
  const hours = [...(input.hours ?? DEFAULT_WORKING_HOURS)].sort((a, b) => a.from - b.from);
  for (const [index, span] of hours.entries()) {
    if (!(Number.isInteger(span.from) && Number.isInteger(span.to) && span.from >= 0 && span.to <= 1440 && span.from < span.to)) throw new Error(`working hours ${index} are not a span within one day`);
    const next = hours[index + 1];
    if (next && next.from < span.to) throw new Error('working hours overlap');
  }
  return { timeZone: input.timeZone, hours, weekdays: input.weekdays ?? [1, 2, 3, 4, 5], holidays: new Set(input.holidays ?? []), workdays: new Set(input.workdays ?? []) };
}

/** 'HH:MM' (00:00–24:00) as minutes after midnight. */
export function minuteOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) throw new Error(`${time} is not HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The calendar of a utility's settings (tenancy settings, section calendar) in its time zone. */
export function calendarFromSettings(
  timeZone: string,
  settings: { workingHours: readonly { from: string; to: string }[]; holidays: readonly string[]; workdays: readonly string[] },
): WorkingCalendar {
  return workingCalendar({
    timeZone,
    hours: settings.workingHours.map((span) => ({ from: minuteOfDay(span.from), to: minuteOfDay(span.to) })),
    holidays: settings.holidays,
    workdays: settings.workdays,
  });
}

const MINUTE = 60_000;

/** The local calendar date, weekday and minute of the day of an instant in a zone. */
function localParts(at: Date, timeZone: string): { date: string; weekday: number; minute: number } {
  const wall = wallClock(at, timeZone);
  const day = wall.getUTCDay();
  return { date: wall.toISOString().slice(0, 10), weekday: day === 0 ? 7 : day, minute: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/** The instant of a local date's minute in a zone (zones without DST, and those with it outside the gap). */
function instantOf(date: string, minute: number, timeZone: string): Date {
  const guess = new Date(`${date}T00:00:00Z`).getTime() + minute * MINUTE;
  // Correct by the zone's offset at the guess, twice (stable for every zone China uses and most others).
  let at = guess;
  for (let pass = 0; pass < 2; pass += 1) {
    const local = localParts(new Date(at), timeZone);
    const shown = new Date(`${local.date}T00:00:00Z`).getTime() + local.minute * MINUTE;
    at += guess - shown;
  }
  return new Date(at);
}

const nextDate = (date: string): string => new Date(new Date(`${date}T00:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);

export function isWorkingDay(calendar: WorkingCalendar, date: string, weekday: number): boolean {
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  return calendar.weekdays.includes(weekday);
}

/**
 * The deadline `minutes` after `start`: plain clock time, or working time counted only inside working
 * hours of working days. A start outside working hours begins counting at the next working minute.
 */
export function addTime(calendar: WorkingCalendar, start: Date, minutes: number, basis: TimeBasis): Date {
  if (!Number.isInteger(minutes) || minutes < 0) throw new Error('a time limit is a whole number of minutes, not negative');
  if (basis === 'clock') return new Date(start.getTime() + minutes * MINUTE);
  if (minutes === 0) return start;
  const startLocal = localParts(start, calendar.timeZone);
  // Seconds within the starting minute count as that minute's start: deadlines are whole minutes.
  let date = startLocal.date;
  let weekday = startLocal.weekday;
  let minute = startLocal.minute;
  let remaining = minutes;
  for (let guard = 0; guard < 3_660; guard += 1) {
    if (isWorkingDay(calendar, date, weekday)) {
      for (const span of calendar.hours) {
        if (minute >= span.to) continue;
        const from = Math.max(minute, span.from);
        const available = span.to - from;
        // A limit that ends exactly at the close of a span is due then, not at the next opening.
        if (remaining <= available) return instantOf(date, from + remaining, calendar.timeZone);
        remaining -= available;
        minute = span.to;
      }
    }
    date = nextDate(date);
    weekday = (weekday % 7) + 1;
    minute = 0;
  }
  throw new Error('no working time within ten years: check the calendar');
}

/** Working (or clock) minutes between two instants, for on-time measurement and the dashboard. */
export function elapsedMinutes(calendar: WorkingCalendar, from: Date, to: Date, basis: TimeBasis): number {
  if (to.getTime() <= from.getTime()) return 0;
  if (basis === 'clock') return Math.floor((to.getTime() - from.getTime()) / MINUTE);
  let total = 0;
  const end = localParts(to, calendar.timeZone);
  const start = localParts(from, calendar.timeZone);
  let date = start.date;
  let weekday = start.weekday;
  let minute = start.minute;
  for (let guard = 0; guard < 3_660; guard += 1) {
    const isLast = date === end.date;
    const limit = isLast ? end.minute : 1440;
    if (isWorkingDay(calendar, date, weekday)) {
      for (const span of calendar.hours) {
        const from_ = Math.max(minute, span.from);
        const to_ = Math.min(limit, span.to);
        if (to_ > from_) total += to_ - from_;
      }
    }
    if (isLast) return total;
    date = nextDate(date);
    weekday = (weekday % 7) + 1;
    minute = 0;
  }
  return total;
}
