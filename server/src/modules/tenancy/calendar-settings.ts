/**
 * The utility's working calendar (工作日历), a section of its settings: working hours, public holidays
 * (法定节假日) and adjusted working days (调休上班). Time limits counted in working time (a complaint's three
 * working days) skip what is not working time here. The default is China's national arrangement as the
 * General Office of the State Council publishes it each year (国务院办公厅关于部分节假日安排的通知); a utility
 * may add local days or correct it, and must add a year's arrangement once it is published.
 */
import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';

const timeSchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time HH:MM');
const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const distinctDates = (limit: number) =>
  z
    .array(isoDateSchema)
    .max(limit)
    .refine((dates) => new Set(dates).size === dates.length, 'a date is listed twice');

export const calendarSettingsSchema = z
  .strictObject({
    workingHours: z
      .array(z.strictObject({ from: timeSchema, to: timeSchema }))
      .min(1)
      .max(4)
      .refine((spans) => spans.every((span, index) => minutes(span.from) < minutes(span.to) && (index === 0 || minutes(span.from) >= minutes((spans[index - 1] as { to: string }).to))), 'spans must each end after they start, in order, without overlapping')
      .meta({ description: 'Working hours of a working day, local time, e.g. [{from:"08:30",to:"12:00"},{from:"13:30",to:"17:30"}]' }),
    holidays: distinctDates(1000).meta({ description: 'Public holidays and the days off of their arrangements (法定节假日, YYYY-MM-DD): not working days whatever their weekday' }),
    workdays: distinctDates(300).meta({ description: 'Adjusted working days (调休上班, YYYY-MM-DD): working days although they fall on a weekend' }),
  })
  .meta({ id: 'CalendarSettings' });
export type CalendarSettings = z.infer<typeof calendarSettingsSchema>;

const span = (from: string, days: number): string[] =>
  Array.from({ length: days }, (_unused, index) => new Date(Date.parse(`${from}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10));

/**
 * The national arrangements published so far, by year.
 * 2026: 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025, Xinhua): 元旦 1–3 Jan (work Sun 4 Jan);
 * 春节 15–23 Feb (work Sat 14 Feb, Sat 28 Feb); 清明 4–6 Apr; 劳动节 1–5 May (work Sat 9 May); 端午 19–21 Jun;
 * 中秋 25–27 Sep; 国庆 1–7 Oct (work Sun 20 Sep, Sat 10 Oct).
 * 2027: not yet published; the administrator adds it in the settings when the State Council does.
 */
export const CHINA_NATIONAL_CALENDAR: Record<string, { holidays: string[]; workdays: string[] }> = {
  '2026': {
    holidays: [...span('2026-01-01', 3), ...span('2026-02-15', 9), ...span('2026-04-04', 3), ...span('2026-05-01', 5), ...span('2026-06-19', 3), ...span('2026-09-25', 3), ...span('2026-10-01', 7)],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

export const DEFAULT_CALENDAR: CalendarSettings = {
  workingHours: [
    { from: '08:30', to: '12:00' },
    { from: '13:30', to: '17:30' },
  ],
  holidays: Object.values(CHINA_NATIONAL_CALENDAR).flatMap((year) => year.holidays),
  workdays: Object.values(CHINA_NATIONAL_CALENDAR).flatMap((year) => year.workdays),
};

/** A date that is both a holiday and an adjusted working day, if any: the calendar would contradict itself. */
export function calendarContradiction(calendar: CalendarSettings): string | null {
  const holidays = new Set(calendar.holidays);
  return calendar.workdays.find((date) => holidays.has(date)) ?? null;
}
