// The working calendar in the utility's settings (working hours, public holidays, adjusted working days)
// is the one working-time deadlines are counted in: by default China's national arrangement for 2026 as
// the State Council published it; the administrator may change it, and the next request follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTime, calendarFromSettings } from '../src/modules/service/calendar';
import { CHINA_NATIONAL_CALENDAR, DEFAULT_CALENDAR } from '../src/modules/tenancy/calendar-settings';
import type { ErrorBody } from './endpoints';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Calendar {
  workingHours: { from: string; to: string }[];
  holidays: string[];
  workdays: string[];
}
interface Settings {
  version: number;
  calendar: Calendar;
}
interface Detail {
  deadlines: { timeLimit: string; dueAt: string }[];
}

let environment: TestEnvironment;
let utility: Utility;
let admin: Client;
let hotline: Client;
let complaintId: string;

// Wednesday 30 September 2026, 16:00 in Asia/Shanghai: the day before the National Day holiday.
const EVE_OF_NATIONAL_DAY = '2026-09-30T08:00:00Z';

beforeAll(async () => {
  environment = await createTestEnvironment();
  environment.clock.set(EVE_OF_NATIONAL_DAY);
  utility = await environment.givenUtility('calendar');
  admin = await environment.loginStaff(utility, 'admin');
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  const categories = (await hotline.get<{ categories: { id: string; code: string }[] }>('/api/service-categories')).body.categories;
  complaintId = categories.find((category) => category.code === 'complaint')?.id as string;
});
afterAll(() => environment.close());

let serial = 0;
/** A complaint at an address of its own (so it is never taken for a duplicate of the one before). */
const complaint = async () => {
  serial += 1;
  const created = await hotline.post<Detail>('/api/service-requests', { categoryId: complaintId, channel: 'hotline', address: `江城大道 ${serial} 号`, description: '抄表员态度不好' });
  expect(created.status).toBe(201);
  return Object.fromEntries(created.body.deadlines.map((deadline) => [deadline.timeLimit, deadline.dueAt]));
};

describe('the 2026 national arrangement', () => {
  it('holds 33 days off and 6 adjusted working days, each on the weekday the notice gives', () => {
    const year = CHINA_NATIONAL_CALENDAR['2026'] as { holidays: string[]; workdays: string[] };
    expect(year.holidays).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    const weekday = (date: string) => ['日', '一', '二', '三', '四', '五', '六'][new Date(`${date}T00:00:00Z`).getUTCDay()];
    // 元旦 1月1日（周四）；春节 2月15日（周日）至23日（周一）；国庆 10月1日（周四）至7日（周三）.
    expect([weekday('2026-01-01'), weekday('2026-02-15'), weekday('2026-02-23'), weekday('2026-10-01'), weekday('2026-10-07')]).toEqual(['四', '日', '一', '四', '三']);
    // 上班: 1月4日（周日）、2月14日（周六）、2月28日（周六）、5月9日（周六）、9月20日（周日）、10月10日（周六）.
    expect(year.workdays.map(weekday)).toEqual(['日', '六', '六', '六', '日', '六']);
    expect(CHINA_NATIONAL_CALENDAR['2027']).toBeUndefined();
  });

  it('is what working time skips, and its adjusted Saturdays count as working days', () => {
    const calendar = calendarFromSettings('Asia/Shanghai', DEFAULT_CALENDAR);
    // One working day (450 min) from Friday 9 October 16:00: 90 min that day, the rest on Saturday 10 October (调休上班).
    expect(addTime(calendar, new Date('2026-10-09T08:00:00Z'), 450, 'working').toISOString()).toBe('2026-10-10T08:00:00.000Z');
    // Spring Festival: from Friday 13 February 16:00, Saturday 14 February is worked, then nothing until Tuesday 24 February.
    expect(addTime(calendar, new Date('2026-02-13T08:00:00Z'), 900, 'working').toISOString()).toBe('2026-02-24T08:00:00.000Z');
    // Clock time ignores the calendar.
    expect(addTime(calendar, new Date(EVE_OF_NATIONAL_DAY), 450, 'clock').toISOString()).toBe('2026-09-30T15:30:00.000Z');
  });
});

describe("the utility's calendar in its settings", () => {
  it('starts as the national arrangement with 08:30–12:00 and 13:30–17:30 working hours', async () => {
    const settings = (await admin.get<Settings>('/api/settings')).body;
    expect(settings.calendar.workingHours).toEqual([
      { from: '08:30', to: '12:00' },
      { from: '13:30', to: '17:30' },
    ]);
    expect(settings.calendar.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-07', '2026-02-15']));
    expect(settings.calendar.workdays).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });

  it('gives a complaint made on the eve of National Day its deadlines after the holiday', async () => {
    expect(await complaint()).toEqual({
      accept: '2026-09-30T09:00:00.000Z', // 17:00 the same day
      respond: '2026-10-08T08:00:00.000Z', // 90 min on 30 Sep, then 8 Oct 08:30–12:00 and 13:30–16:00
      close: '2026-10-13T08:00:00.000Z', // 30 Sep, 8, 9, 10 (调休), 12 and 13 Oct
    });
  });

  it('follows the administrator’s changes: no holidays and 09:00–17:00 give the next complaint other deadlines, audited', async () => {
    const { version } = (await admin.get<Settings>('/api/settings')).body;
    const changed = await admin.patch<Settings>('/api/settings', { version, calendar: { workingHours: [{ from: '09:00', to: '17:00' }], holidays: [], workdays: [] } });
    expect(changed.status).toBe(200);
    expect(changed.body.calendar).toEqual({ workingHours: [{ from: '09:00', to: '17:00' }], holidays: [], workdays: [] });
    expect(await complaint()).toEqual({
      accept: '2026-09-30T09:00:00.000Z', // 17:00, the end of the day's hours
      respond: '2026-10-01T07:30:00.000Z', // 60 min on 30 Sep, 390 on 1 Oct from 09:00
      close: '2026-10-07T05:30:00.000Z', // 1, 2, 5, 6 and 7 Oct are ordinary weekdays now
    });
    const audit = await environment.ownerQuery<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
      "SELECT before, after FROM audit_log WHERE tenant_id = $1 AND action = 'settings.update' ORDER BY seq DESC LIMIT 1",
      [utility.tenant.id],
    );
    expect(Object.keys(audit[0]?.after ?? {}).sort()).toEqual(['calendar.holidays', 'calendar.workdays', 'calendar.workingHours']);
    // A local holiday added back on its own keeps the hours.
    const local = await admin.patch<Settings>('/api/settings', { version: changed.body.version, calendar: { holidays: ['2026-10-01'] } });
    expect(local.body.calendar).toEqual({ workingHours: [{ from: '09:00', to: '17:00' }], holidays: ['2026-10-01'], workdays: [] });
  });

  it('refuses a calendar that contradicts itself or is not one, changing nothing', async () => {
    const before = (await admin.get<Settings>('/api/settings')).body;
    const tries: Record<string, { calendar: Partial<Calendar> }> = {
      'a date that is both a holiday and a working day': { calendar: { holidays: ['2026-10-01'], workdays: ['2026-10-01'] } },
      'a date that does not exist': { calendar: { holidays: ['2026-02-30'] } },
      'a date listed twice': { calendar: { holidays: ['2026-10-02', '2026-10-02'] } },
      'overlapping hours': { calendar: { workingHours: [{ from: '08:00', to: '12:00' }, { from: '11:00', to: '17:00' }] } },
      'hours that end before they start': { calendar: { workingHours: [{ from: '17:00', to: '09:00' }] } },
      'a time that is not HH:MM': { calendar: { workingHours: [{ from: '8:30', to: '25:00' }] } },
      'no working hours at all': { calendar: { workingHours: [] } },
    };
    const answers: Record<string, string> = {};
    for (const [name, body] of Object.entries(tries)) {
      const answer = await admin.patch<ErrorBody>('/api/settings', { version: before.version, ...body });
      answers[name] = `${answer.status} ${answer.body.fields[0]?.field.startsWith('calendar') ? 'calendar' : answer.body.fields[0]?.field}`;
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(tries).map((name) => [name, '400 calendar'])));
    expect((await admin.get<Settings>('/api/settings')).body).toEqual(before);
  });
});
