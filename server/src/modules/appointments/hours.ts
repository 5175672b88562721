/**
 * Opening hours and slots of a service location (预约网点), pure functions on dates and minutes. A day's
 * hours come from, in order: a date override of the location (closed, or other hours); the utility's
 * working calendar (a public holiday closes the location unless it keeps holiday duty; an adjusted working
 * day 调休上班 opens it with its Monday hours); the week's hours of that weekday. A slot is extended service
 * (延时/错时服务) when it lies outside the calendar's working hours of a working day.
 */
import { isWorkingDay, type WorkingCalendar } from '../service';

export interface Span {
  from: string;
  to: string;
}

/** ISO weekday ('1' Monday … '7' Sunday) → spans of that day, in order. */
export type WeeklyHours = Record<'1' | '2' | '3' | '4' | '5' | '6' | '7', Span[]>;

export const WEEKDAYS = ['1', '2', '3', '4', '5', '6', '7'] as const;

export interface LocationRules {
  weeklyHours: WeeklyHours;
  slotMinutes: number;
  capacity: number;
  isOpenOnHolidays: boolean;
}

export interface DateOverride {
  date: string;
  spans: Span[];
  note: string;
}

export type DayKind = 'regular' | 'holiday' | 'adjusted_workday' | 'override';

export interface SlotTime {
  startsAt: Date;
  endsAt: Date;
  /** Local 'HH:MM' of the start and end. */
  from: string;
  to: string;
  isExtended: boolean;
}

const MINUTE = 60_000;

export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
export const timeOf = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

export const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local date and minute of the day of an instant in a zone. */
export function localTime(at: Date, timeZone: string): { date: string; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(at)) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** The instant of a local date's minute in a zone (zones without DST, as China's; and others outside the gap). */
export function instantAt(date: string, minute: number, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + minute * MINUTE;
  let at = guess;
  for (let pass = 0; pass < 2; pass += 1) {
    const local = localTime(new Date(at), timeZone);
    at += guess - (Date.parse(`${local.date}T00:00:00Z`) + local.minute * MINUTE);
  }
  return new Date(at);
}

/** Spans in order, each ending after it starts, none overlapping the next: null when valid, else why. */
export function spansProblem(spans: readonly Span[]): { zh: string; en: string } | null {
  for (const [index, span] of spans.entries()) {
    if (minutesOf(span.from) >= minutesOf(span.to)) return { zh: `第 ${index + 1} 段的结束时间须晚于开始时间`, en: `span ${index + 1} must end after it starts` };
    const previous = spans[index - 1];
    if (previous && minutesOf(span.from) < minutesOf(previous.to)) return { zh: `第 ${index + 1} 段与上一段重叠或顺序不对`, en: `span ${index + 1} overlaps the one before or is out of order` };
  }
  return null;
}

/** The hours of a location on a date, and why. */
export function hoursOn(rules: LocationRules, calendar: WorkingCalendar, date: string, override?: DateOverride): { kind: DayKind; spans: Span[]; note: string } {
  if (override) return { kind: 'override', spans: override.spans, note: override.note };
  const weekday = weekdayOf(date);
  const isWeekday = calendar.weekdays.includes(weekday);
  const isWorking = isWorkingDay(calendar, date, weekday);
  if (isWeekday && !isWorking) return { kind: 'holiday', spans: rules.isOpenOnHolidays ? rules.weeklyHours[String(weekday) as '1'] : [], note: '' };
  // An adjusted working day (调休上班) on a weekend is a working day: the location keeps its Monday hours.
  if (!isWeekday && isWorking) return { kind: 'adjusted_workday', spans: rules.weeklyHours['1'], note: '' };
  return { kind: 'regular', spans: rules.weeklyHours[String(weekday) as '1'], note: '' };
}

/** The slots of a date: each span cut into slots of the location's length; a remainder too short for a slot is left out. */
export function slotsOn(rules: LocationRules, calendar: WorkingCalendar, date: string, override?: DateOverride): { kind: DayKind; note: string; slots: SlotTime[] } {
  const day = hoursOn(rules, calendar, date, override);
  const isWorking = isWorkingDay(calendar, date, weekdayOf(date));
  const slots: SlotTime[] = [];
  for (const span of day.spans) {
    for (let start = minutesOf(span.from); start + rules.slotMinutes <= minutesOf(span.to); start += rules.slotMinutes) {
      const end = start + rules.slotMinutes;
      const isWithinWorkingHours = isWorking && calendar.hours.some((hours) => start >= hours.from && end <= hours.to);
      slots.push({
        startsAt: instantAt(date, start, calendar.timeZone),
        endsAt: instantAt(date, end, calendar.timeZone),
        from: timeOf(start),
        to: timeOf(end),
        isExtended: !isWithinWorkingHours,
      });
    }
  }
  return { kind: day.kind, note: day.note, slots };
}
