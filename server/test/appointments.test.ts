import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/app';
import { sendAppointmentReminders } from '../src/modules/appointments';
import { bookAppointment } from '../src/modules/appointments/bookings';
import { systemActor } from '../src/platform/audit/audit';
import { openServerDatabase } from '../src/platform/db/database';
import { DomainError } from '../src/platform/errors';
import { createTestEnvironment, type Client, type TestEnvironment, type Utility } from './harness';

interface Location {
  id: string;
  type: string;
  hasExtendedHours: boolean;
  version: number;
  overrides: { date: string }[];
}
interface Slot {
  startsAt: string;
  from: string;
  to: string;
  capacity: number;
  booked: number;
  available: number;
  isExtended: boolean;
}
interface Day {
  kind: string;
  slots: Slot[];
}
interface Appointment {
  id: string;
  bookingNo: string;
  status: string;
  date: string;
  from: string;
  to: string;
  phoneMasked: string;
  version: number;
  canChange: boolean;
  locationId: string;
}
interface ErrorBody {
  code: string;
  message: { zh: string; en: string };
  fields: { field: string; zh: string; en: string }[];
}

let environment: TestEnvironment;
let utility: Utility;
let admin: Client;
let counter: Client;

const span = (from: string, to: string) => ({ from, to });
const WEEKDAY = [span('08:30', '12:00'), span('13:30', '20:00')];
const HOURS = { '1': WEEKDAY, '2': WEEKDAY, '3': WEEKDAY, '4': WEEKDAY, '5': WEEKDAY, '6': [span('09:00', '12:00')], '7': [] };
/** Local time in Shanghai (UTC+8) as an instant. */
const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`).toISOString();

async function createLocation(name: string, overrides: Record<string, unknown> = {}): Promise<Location> {
  const response = await admin.post<Location>('/api/appointment-locations', {
    hall: { name, address: `${name}地址`, phone: '0710-96655', type: 'government_centre' },
    businesses: ['new_connection', 'holder_change', 'billing'],
    weeklyHours: HOURS,
    slotMinutes: 30,
    capacity: 2,
    bookingDays: 90,
    isOpenOnHolidays: false,
    ...overrides,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

const outbox = (template: string) =>
  environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ recipient: string; body: string }>('SELECT recipient, body FROM message_outbox WHERE template = $1 ORDER BY created_at, id', [template]));

/** Sets the clock and logs staff in again (a jump past the idle limit ends their sessions). */
async function setClock(time: string): Promise<void> {
  environment.clock.set(time);
  admin = await environment.loginStaff(utility, 'admin');
  counter = await environment.loginStaff(utility, 'counter_clerk');
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('yuyue');
});
afterAll(() => environment.close());

describe('service locations and their hours', () => {
  let location: Location;

  beforeAll(async () => {
    // Monday 2 March 2026, 10:00 in Shanghai.
    await setClock('2026-03-02T02:00:00Z');
    location = await createLocation('市民之家水务窗口');
  });

  it('makes a government service centre location with extended hours, audited', async () => {
    expect(location.type).toBe('government_centre');
    expect(location.hasExtendedHours).toBe(true);
    const audit = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ action: string }>("SELECT action FROM audit_log WHERE object_id = $1", [location.id]));
    expect(audit.map((row) => row.action)).toContain('appointment_location.create');
    const halls = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ is_government_centre: boolean }>('SELECT is_government_centre FROM service_halls WHERE id = $1', [location.id]));
    expect(halls[0]?.is_government_centre).toBe(true);
  });

  it('cuts a weekday into slots, evenings marked as extended service', async () => {
    const day = (await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-03-03`)).body;
    expect(day.kind).toBe('regular');
    // 08:30–12:00 is 7 slots of 30 minutes, 13:30–20:00 is 13.
    expect(day.slots).toHaveLength(20);
    expect(day.slots[0]).toMatchObject({ from: '08:30', to: '09:00', startsAt: at('2026-03-03', '08:30'), capacity: 2, available: 2, isExtended: false });
    expect(day.slots.find((slot) => slot.from === '18:00')?.isExtended).toBe(true);
    expect(day.slots.find((slot) => slot.from === '17:00')?.isExtended).toBe(false);
  });

  it('opens on Saturday mornings (extended), not on Sundays, nor on public holidays; adjusted working days keep Monday hours', async () => {
    const saturday = (await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-03-07`)).body;
    expect(saturday.slots.map((slot) => slot.from)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
    expect(saturday.slots.every((slot) => slot.isExtended)).toBe(true);
    expect((await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-03-08`)).body.slots).toHaveLength(0);
    // 清明: Monday 6 April 2026 is a public holiday of the national calendar.
    const holiday = (await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-04-06`)).body;
    expect(holiday).toMatchObject({ kind: 'holiday', slots: [] });
    // Saturday 9 May 2026 is worked (调休) for the May Day holiday.
    const adjusted = (await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-05-09`)).body;
    expect(adjusted.kind).toBe('adjusted_workday');
    expect(adjusted.slots).toHaveLength(20);
    expect(adjusted.slots[0]?.isExtended).toBe(false);
  });

  it('keeps holiday duty when told to, and closes or changes single dates', async () => {
    const duty = await admin.patch<Location>(`/api/appointment-locations/${location.id}`, { version: location.version, isOpenOnHolidays: true });
    expect(duty.status).toBe(200);
    location = duty.body;
    const holiday = (await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-04-06`)).body;
    expect(holiday.kind).toBe('holiday');
    expect(holiday.slots).toHaveLength(20);
    expect(holiday.slots.every((slot) => slot.isExtended)).toBe(true);

    const closed = await admin.post<Location>(`/api/appointment-locations/${location.id}/date-overrides`, { date: '2026-03-10', spans: [], note: '系统升级' });
    expect(closed.status).toBe(200);
    expect(closed.body.overrides).toEqual([{ date: '2026-03-10', spans: [], note: '系统升级' }]);
    expect((await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-03-10`)).body).toMatchObject({ kind: 'override', slots: [] });
    const evening = await admin.post(`/api/appointment-locations/${location.id}/date-overrides`, { date: '2026-03-10', spans: [span('18:00', '19:00')] });
    expect(evening.status).toBe(200);
    expect((await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-03-10`)).body.slots.map((slot) => slot.from)).toEqual(['18:00', '18:30']);
    expect((await admin.delete(`/api/appointment-locations/${location.id}/date-overrides/2026-03-10`)).status).toBe(204);
    expect((await counter.get<Day>(`/api/appointment-locations/${location.id}/slots?date=2026-03-10`)).body.slots).toHaveLength(20);
  });

  it('refuses hours that overlap, with the field and the reason in Chinese and English, and writes nothing', async () => {
    const before = (await counter.get<{ locations: Location[] }>('/api/appointment-locations')).body.locations.length;
    const response = await admin.post<ErrorBody>('/api/appointment-locations', {
      hall: { name: '重叠营业厅', address: '某路 1 号', phone: null, type: 'service_hall' },
      businesses: ['billing'],
      weeklyHours: { ...HOURS, '2': [span('08:30', '12:00'), span('11:00', '17:00')] },
      slotMinutes: 30,
      capacity: 2,
      bookingDays: 14,
      isOpenOnHolidays: false,
    });
    expect(response.status).toBe(400);
    expect(response.body.fields).toEqual([{ field: 'weeklyHours.2', zh: expect.stringContaining('重叠'), en: expect.stringContaining('overlaps') }]);
    expect((await counter.get<{ locations: Location[] }>('/api/appointment-locations')).body.locations).toHaveLength(before);
    const halls = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query("SELECT 1 FROM service_halls WHERE name = '重叠营业厅'"));
    expect(halls).toHaveLength(0);
  });

  it('lets only the administrator change locations', async () => {
    expect((await counter.patch(`/api/appointment-locations/${location.id}`, { version: location.version, capacity: 9 })).status).toBe(403);
  });
});

describe('booking, moving and cancelling', () => {
  let location: Location;
  let customer: Client;
  let booking: Appointment;

  beforeAll(async () => {
    await setClock('2026-03-02T02:00:00Z');
    location = await createLocation('江岸营业厅');
    customer = await environment.loginPortal(utility, '13912345678');
  });

  it('books from the portal and answers with a booking number at once, confirmed by SMS', async () => {
    const found = (await customer.get<{ locations: Location[] }>('/api/portal/appointment-locations?business=new_connection')).body.locations;
    expect(found.map((item) => item.id)).toContain(location.id);
    const days = (await customer.get<{ days: { date: string; available: number }[] }>(`/api/portal/appointment-locations/${location.id}/days`)).body.days;
    expect(days[0]?.date).toBe('2026-03-02');
    expect(days.find((day) => day.date === '2026-03-08')?.available).toBe(0);

    const response = await customer.post<Appointment>('/api/portal/appointments', { locationId: location.id, startsAt: at('2026-03-03', '09:00'), business: 'new_connection', customerName: '张三' });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    booking = response.body;
    expect(booking).toMatchObject({ status: 'booked', date: '2026-03-03', from: '09:00', to: '09:30', phoneMasked: '139****5678', canChange: true });
    expect(booking.bookingNo).toMatch(/^YY\d{8}$/);
    const sms = await outbox('appointment_booked');
    expect(sms.at(-1)).toMatchObject({ recipient: '13912345678', body: expect.stringContaining(booking.bookingNo) });
    const slot = (await customer.get<Day>(`/api/portal/appointment-locations/${location.id}/slots?date=2026-03-03`)).body.slots.find((item) => item.from === '09:00');
    expect(slot).toMatchObject({ booked: 1, available: 1 });
  });

  it('refuses a second booking of the same business for the same phone, and slots that do not exist', async () => {
    const again = await customer.post<ErrorBody>('/api/portal/appointments', { locationId: location.id, startsAt: at('2026-03-04', '09:00'), business: 'new_connection', customerName: '张三' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_booked');
    const sunday = await customer.post<ErrorBody>('/api/portal/appointments', { locationId: location.id, startsAt: at('2026-03-08', '09:00'), business: 'billing', customerName: '张三' });
    expect(sunday.status).toBe(400);
    expect(sunday.body.fields[0]).toMatchObject({ field: 'startsAt', zh: '不是该网点当天的预约时段', en: 'is not a slot of the location on that day' });
    const past = await customer.post<ErrorBody>('/api/portal/appointments', { locationId: location.id, startsAt: at('2026-03-02', '09:00'), business: 'billing', customerName: '张三' });
    expect(past.body.fields[0]?.field).toBe('startsAt');
    const other = await customer.post<ErrorBody>('/api/portal/appointments', { locationId: location.id, startsAt: at('2026-03-04', '09:00'), business: 'meter_calibration', customerName: '张三' });
    expect(other.status).toBe(400);
    expect(other.body.fields[0]?.field).toBe('business');
  });

  it('moves the booking to an evening slot, keeping its number, and frees the old place', async () => {
    const moved = await customer.post<Appointment>(`/api/portal/appointments/${booking.id}/move`, { locationId: location.id, startsAt: at('2026-03-04', '18:30'), version: booking.version });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ bookingNo: booking.bookingNo, date: '2026-03-04', from: '18:30', to: '19:00' });
    const oldSlot = (await customer.get<Day>(`/api/portal/appointment-locations/${location.id}/slots?date=2026-03-03`)).body.slots.find((item) => item.from === '09:00');
    const newSlot = (await customer.get<Day>(`/api/portal/appointment-locations/${location.id}/slots?date=2026-03-04`)).body.slots.find((item) => item.from === '18:30');
    expect(oldSlot?.booked).toBe(0);
    expect(newSlot).toMatchObject({ booked: 1, isExtended: true });
    const stale = await customer.post<ErrorBody>(`/api/portal/appointments/${booking.id}/move`, { locationId: location.id, startsAt: at('2026-03-05', '09:00'), version: booking.version });
    expect(stale.body.code).toBe('stale_version');
    booking = moved.body;
    expect((await outbox('appointment_moved')).at(-1)?.body).toContain('18:30');
  });

  it('hides one customer’s booking from another', async () => {
    const stranger = await environment.loginPortal(utility, '13700000001');
    expect((await stranger.get(`/api/portal/appointments/${booking.id}`)).status).toBe(404);
    expect((await stranger.post(`/api/portal/appointments/${booking.id}/cancel`, { version: booking.version })).status).toBe(404);
    expect((await stranger.get<{ appointments: unknown[] }>('/api/portal/appointments')).body.appointments).toHaveLength(0);
  });

  it('cancels the booking, freeing its place', async () => {
    const cancelled = await customer.post<Appointment>(`/api/portal/appointments/${booking.id}/cancel`, { version: booking.version });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', canChange: false });
    const slot = (await customer.get<Day>(`/api/portal/appointment-locations/${location.id}/slots?date=2026-03-04`)).body.slots.find((item) => item.from === '18:30');
    expect(slot?.booked).toBe(0);
    const again = await customer.post<ErrorBody>(`/api/portal/appointments/${booking.id}/cancel`, { version: cancelled.body.version });
    expect(again.body).toMatchObject({ code: 'appointment_not_changeable', message: { zh: '该预约已取消', en: 'The booking is cancelled' } });
    const mine = (await customer.get<{ appointments: Appointment[] }>('/api/portal/appointments')).body.appointments;
    expect(mine.map((item) => item.status)).toEqual(['cancelled']);
  });

  it('books a walk-in at the counter, lists the day for the location, checks the customer in, all audited', async () => {
    const walkIn = await counter.post<Appointment>('/api/appointments', { locationId: location.id, startsAt: at('2026-03-02', '14:00'), business: 'holder_change', customerName: '李四', phone: '13600001111' });
    expect(walkIn.status, JSON.stringify(walkIn.body)).toBe(201);
    const unknownAccount = await counter.post<ErrorBody>('/api/appointments', { locationId: location.id, startsAt: at('2026-03-02', '14:00'), business: 'billing', customerName: '王五', phone: '13600002222', accountNo: '999999999' });
    expect(unknownAccount.body.fields[0]).toMatchObject({ field: 'accountNo', zh: '户号不存在', en: 'no such account' });
    const day = (await counter.get<{ appointments: Appointment[] }>(`/api/appointments?locationId=${location.id}&date=2026-03-02`)).body.appointments;
    expect(day.map((item) => item.bookingNo)).toEqual([walkIn.body.bookingNo]);
    const byPhone = (await counter.get<{ appointments: Appointment[] }>('/api/appointments?q=13600001111')).body.appointments;
    expect(byPhone.map((item) => item.id)).toEqual([walkIn.body.id]);
    const arrived = await counter.post<Appointment>(`/api/appointments/${walkIn.body.id}/arrive`, { version: walkIn.body.version });
    expect(arrived.body.status).toBe('arrived');
    const audit = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ action: string; actor_type: string }>('SELECT action, actor_type FROM audit_log WHERE object_id = $1 ORDER BY seq', [walkIn.body.id]));
    expect(audit).toEqual([{ action: 'appointment.book', actor_type: 'staff' }, { action: 'appointment.arrive', actor_type: 'staff' }]);
    const reader = await environment.loginStaff(utility, 'meter_reader');
    expect((await reader.get('/api/appointments')).status).toBe(403);
  });
});

describe('the last place', () => {
  it('goes to exactly ten of 100 people booking ten places at once; the other 90 are refused clearly', async () => {
    await setClock('2026-03-02T02:00:00Z');
    const location = await createLocation('汉阳营业厅', { capacity: 10 });
    // A pool wide enough that the bookings really run side by side.
    const db = await openServerDatabase(environment.config.databaseUrl as string, 25);
    try {
      const context = createContext({ config: environment.config, db, clock: environment.clock });
      const startsAt = at('2026-03-12', '10:00');
      const results = await Promise.allSettled(
        Array.from({ length: 100 }, (_unused, index) =>
          bookAppointment(context, utility.tenant.id, { channel: 'counter', locationId: location.id, startsAt, business: 'billing', customerName: `客户${index}`, phone: `135${String(index).padStart(8, '0')}`, note: '' }, systemActor('test')),
        ),
      );
      const booked = results.filter((result) => result.status === 'fulfilled');
      const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      expect(booked).toHaveLength(10);
      expect(refused).toHaveLength(90);
      for (const reason of refused) {
        expect(reason).toBeInstanceOf(DomainError);
        expect(reason).toMatchObject({ code: 'slot_full', zh: '该时段已约满，请选择其他时段', en: 'This slot is fully booked; choose another time', fields: [{ field: 'startsAt', zh: '已约满', en: 'is fully booked' }] });
      }
      const counts = await environment.db.withTenant(utility.tenant.id, (sql) =>
        sql.query<{ booked: number; bookings: number }>(
          "SELECT s.booked, (SELECT count(*)::int FROM appointments a WHERE a.location_id = s.location_id AND a.starts_at = s.starts_at AND a.status = 'booked') AS bookings FROM appointment_slots s WHERE s.location_id = $1",
          [location.id],
        ),
      );
      expect(counts).toEqual([{ booked: 10, bookings: 10 }]);
      // Over HTTP the refusal is the common error shape.
      const late = await counter.post<ErrorBody>('/api/appointments', { locationId: location.id, startsAt, business: 'billing', customerName: '迟到者', phone: '13599999999' });
      expect(late.status).toBe(409);
      expect(late.body).toEqual({ code: 'slot_full', message: { zh: '该时段已约满，请选择其他时段', en: 'This slot is fully booked; choose another time' }, fields: [{ field: 'startsAt', zh: '已约满', en: 'is fully booked' }] });
    } finally {
      await db.close();
    }
  });

  it('is guarded by the database itself: a booking written past the service into a full slot is refused', async () => {
    const [slot] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ location_id: string; starts_at: Date; ends_at: Date }>('SELECT location_id, starts_at, ends_at FROM appointment_slots WHERE booked = capacity LIMIT 1'));
    if (!slot) throw new Error('no full slot');
    await expect(
      environment.db.withTenant(utility.tenant.id, (sql) =>
        sql.query(
          `INSERT INTO appointments (tenant_id, booking_no, location_id, starts_at, ends_at, appointment_date, business, channel, customer_name, phone, created_by, created_at, updated_at)
           VALUES ($1, 'YYDIRECT', $2, $3, $4, '2026-03-12', 'billing', 'counter', '直写', '13500000999', 'test', now(), now())`,
          [utility.tenant.id, slot.location_id, slot.starts_at, slot.ends_at],
        ),
      ),
    ).rejects.toThrow(/appointment_slots_booked_within_capacity/);
  });
});

describe('reminders the day before', () => {
  it('go out once per booking, between 09:00 and 21:00 the day before, again only for a booking moved to another day', async () => {
    await setClock('2026-03-02T02:00:00Z');
    const location = await createLocation('青山营业厅');
    const book = async (phone: string, date: string, time: string) => {
      const response = await counter.post<Appointment>('/api/appointments', { locationId: location.id, startsAt: at(date, time), business: 'billing', customerName: '提醒客户', phone });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body;
    };
    const first = await book('13811110001', '2026-03-04', '09:00');
    const second = await book('13811110002', '2026-03-04', '19:00');
    const cancelled = await book('13811110003', '2026-03-04', '10:00');
    await counter.post(`/api/appointments/${cancelled.id}/cancel`, { version: cancelled.version, reason: '客户来电取消' });
    const later = await book('13811110004', '2026-03-05', '09:00');
    const reminders = async () => (await outbox('appointment_reminder')).filter((message) => message.recipient.startsWith('1381111'));

    // 08:00 on Tuesday the 3rd, Shanghai: too early.
    environment.clock.set('2026-03-03T00:00:00Z');
    expect(await sendAppointmentReminders(environment.context, utility.tenant.id)).toBe(0);
    // 09:30: both of Wednesday's live bookings, once.
    environment.clock.set('2026-03-03T01:30:00Z');
    expect(await sendAppointmentReminders(environment.context, utility.tenant.id)).toBe(2);
    expect(await sendAppointmentReminders(environment.context, utility.tenant.id)).toBe(0);
    environment.clock.set('2026-03-03T10:00:00Z');
    expect(await sendAppointmentReminders(environment.context, utility.tenant.id)).toBe(0);
    expect((await reminders()).map((message) => message.recipient).sort()).toEqual(['13811110001', '13811110002']);
    expect((await reminders()).find((message) => message.recipient === '13811110001')?.body).toContain(first.bookingNo);

    // The second booking moves to Thursday: it is reminded of Thursday on Wednesday, with the one made for Thursday.
    await setClock('2026-03-03T11:00:00Z');
    const moved = await counter.post<Appointment>(`/api/appointments/${second.id}/move`, { locationId: location.id, startsAt: at('2026-03-05', '19:00'), version: second.version });
    expect(moved.status).toBe(200);
    environment.clock.set('2026-03-04T02:00:00Z');
    expect(await sendAppointmentReminders(environment.context, utility.tenant.id)).toBe(2);
    expect(await sendAppointmentReminders(environment.context, utility.tenant.id)).toBe(0);
    const all = (await reminders()).map((message) => message.recipient).sort();
    expect(all).toEqual(['13811110001', '13811110002', '13811110002', '13811110004']);
    expect(later.date).toBe('2026-03-05');
  });

  it('is sent once even when two processes run the reminders at the same moment', async () => {
    await setClock('2026-03-04T02:00:00Z');
    const location = await createLocation('洪山营业厅');
    const made = await counter.post<Appointment>('/api/appointments', { locationId: location.id, startsAt: at('2026-03-06', '09:00'), business: 'billing', customerName: '并发提醒', phone: '13822220001' });
    expect(made.status).toBe(201);
    environment.clock.set('2026-03-05T02:00:00Z');
    const db = await openServerDatabase(environment.config.databaseUrl as string, 4);
    try {
      const other = createContext({ config: environment.config, db, clock: environment.clock });
      const sent = await Promise.all([sendAppointmentReminders(environment.context, utility.tenant.id), sendAppointmentReminders(other, utility.tenant.id)]);
      expect(sent[0] + sent[1]).toBe(1);
      expect((await outbox('appointment_reminder')).filter((message) => message.recipient === '13822220001')).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});
