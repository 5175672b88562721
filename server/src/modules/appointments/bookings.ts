/**
 * Bookings (预约): made, moved and cancelled by the customer in the portal or by the counter for them, with
 * a booking number (预约号) at once and an SMS for each. Two people never get the last place of a slot:
 * the slot's row is locked before its places are counted, and the database refuses an overfull slot anyway
 * (migration 0035: the booked count is kept by a trigger under a CHECK).
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue } from '../../platform/db/counters';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound, staleVersion } from '../../platform/errors';
import { maskPhone } from '../../platform/masking';
import { enqueueSms } from '../notifications';
import type { WorkingCalendar } from '../service';
import { addDays, localTime, slotsOn, timeOf } from './hours';
import { calendarOf, findLocationRow, LOCATION_NOT_FOUND, rulesOf } from './locations';
import { BUSINESS_NAMES, type Appointment, type Business, type CounterBooking, type MoveInput, type PortalBooking } from './schemas';

/** Upcoming bookings one phone number may hold at once (across businesses). */
export const MAX_UPCOMING_PER_PHONE = 3;

const APPOINTMENT = { zh: '预约', en: 'Appointment' };

export interface AppointmentRow {
  id: string;
  booking_no: string;
  location_id: string;
  location_name: string;
  location_address: string;
  business: Business;
  starts_at: Date;
  ends_at: Date;
  appointment_date: string;
  status: Appointment['status'];
  channel: Appointment['channel'];
  customer_name: string;
  phone: string;
  account_no: string | null;
  portal_user_id: string | null;
  note: string;
  created_at: Date;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  arrived_at: Date | null;
  version: number;
  time_zone: string;
}

export const SELECT_APPOINTMENTS = `
  SELECT a.id, a.booking_no, a.location_id, h.name AS location_name, h.address AS location_address, a.business, a.starts_at, a.ends_at,
    a.appointment_date, a.status, a.channel, a.customer_name, a.phone, ac.account_no, a.portal_user_id, a.note, a.created_at,
    a.cancelled_at, a.cancel_reason, a.arrived_at, a.version, t.time_zone
  FROM appointments a JOIN service_halls h ON h.id = a.location_id JOIN tenants t ON t.id = a.tenant_id
  LEFT JOIN accounts ac ON ac.id = a.account_id`;

const iso = (value: Date | null): string | null => (value ? new Date(value).toISOString() : null);

export function toAppointment(row: AppointmentRow, now: Date): Appointment {
  const startsAt = new Date(row.starts_at);
  const endsAt = new Date(row.ends_at);
  return {
    id: row.id,
    bookingNo: row.booking_no,
    locationId: row.location_id,
    locationName: row.location_name,
    locationAddress: row.location_address,
    business: row.business,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    date: row.appointment_date,
    from: timeOf(localTime(startsAt, row.time_zone).minute),
    to: timeOf(localTime(endsAt, row.time_zone).minute || 1440),
    status: row.status,
    channel: row.channel,
    customerName: row.customer_name,
    phoneMasked: maskPhone(row.phone) ?? '',
    accountNo: row.account_no,
    note: row.note,
    createdAt: new Date(row.created_at).toISOString(),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    arrivedAt: iso(row.arrived_at),
    canChange: row.status === 'booked' && startsAt.getTime() > now.getTime(),
    version: row.version,
  };
}

const slotFull = (): DomainError =>
  new DomainError('conflict', 'slot_full', '该时段已约满，请选择其他时段', 'This slot is fully booked; choose another time', [{ field: 'startsAt', zh: '已约满', en: 'is fully booked' }]);

/** The slot a booking asks for, checked against the location's rules for that day; its local date. */
async function chosenSlot(sql: Sql, calendar: WorkingCalendar, now: Date, choice: { locationId: string; startsAt: string }, business: Business) {
  const today = localTime(now, calendar.timeZone).date;
  const location = await findLocationRow(sql, today, choice.locationId).catch((error: unknown) => {
    if (error instanceof DomainError && error.kind === 'not_found') throw invalidField('locationId', '预约网点不存在', 'no such appointment location');
    throw error;
  });
  if (!location.is_active) throw new DomainError('conflict', 'location_inactive', '该网点暂停预约', 'This location takes no appointments at present', [{ field: 'locationId', zh: '暂停预约', en: 'takes no appointments at present' }]);
  if (!location.businesses.includes(business)) throw invalidField('business', `${location.name}不办理该业务`, `is not handled at ${location.name}`);
  const startsAt = new Date(choice.startsAt);
  if (startsAt.getTime() <= now.getTime()) throw invalidField('startsAt', '该时段已开始或已过去', 'has already started or passed');
  const date = localTime(startsAt, calendar.timeZone).date;
  if (date > addDays(today, location.booking_days)) throw invalidField('startsAt', `最多可预约 ${location.booking_days} 天内的时段`, `must be within ${location.booking_days} days from today`);
  const [override] = await sql.query<{ spans: { from: string; to: string }[]; note: string }>('SELECT spans, note FROM appointment_date_overrides WHERE location_id = $1 AND on_date = $2', [location.id, date]);
  const day = slotsOn(rulesOf(location), calendar, date, override ? { date, ...override } : undefined);
  const slot = day.slots.find((candidate) => candidate.startsAt.getTime() === startsAt.getTime());
  if (!slot) throw invalidField('startsAt', '不是该网点当天的预约时段', 'is not a slot of the location on that day');
  return { location, slot, date };
}

/** The slot's row, made if this is its first booking, locked; refused when it has no place left. */
async function lockSlotWithPlace(sql: Sql, tenantId: string, locationId: string, slot: { startsAt: Date; endsAt: Date }, capacity: number): Promise<void> {
  await sql.query(
    `INSERT INTO appointment_slots (tenant_id, location_id, starts_at, ends_at, capacity) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, location_id, starts_at) DO NOTHING`,
    [tenantId, locationId, slot.startsAt, slot.endsAt, capacity],
  );
  const [row] = await sql.query<{ capacity: number; booked: number }>('SELECT capacity, booked FROM appointment_slots WHERE location_id = $1 AND starts_at = $2 FOR UPDATE', [locationId, slot.startsAt]);
  if (!row || row.booked >= row.capacity) throw slotFull();
}

/** Runs a statement that counts a booking into its slot: the slot's CHECK, should it ever fire, is the same refusal. */
async function countingIntoSlot<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: string }).code === '23514' && String((error as Error).message).includes('appointment_slots_booked_within_capacity')) throw slotFull();
    throw error;
  }
}

/** One person (one phone number) holds one upcoming booking per business and at most three in all. */
async function checkPhoneLimits(sql: Sql, phone: string, business: Business, now: Date, exceptId: string | null): Promise<void> {
  // Two requests of the same person are ordered, so they cannot both pass the check below.
  await sql.query("SELECT pg_advisory_xact_lock(hashtextextended('appointment-phone:' || $1::text, 0))", [phone]);
  const upcoming = await sql.query<{ booking_no: string; business: Business }>(
    "SELECT booking_no, business FROM appointments WHERE phone = $1 AND status = 'booked' AND starts_at > $2 AND ($3::uuid IS NULL OR id <> $3)",
    [phone, now, exceptId],
  );
  const same = upcoming.find((booking) => booking.business === business);
  if (same) {
    throw new DomainError('conflict', 'already_booked', `该手机号已预约此业务（预约号 ${same.booking_no}），如需换时间请改约`, `This phone number already has a booking for this business (${same.booking_no}); move it instead`, [
      { field: 'business', zh: '已有预约', en: 'already booked' },
    ]);
  }
  if (upcoming.length >= MAX_UPCOMING_PER_PHONE) {
    throw new DomainError('conflict', 'too_many_bookings', `同一手机号最多同时保留 ${MAX_UPCOMING_PER_PHONE} 个预约`, `One phone number may hold at most ${MAX_UPCOMING_PER_PHONE} upcoming bookings`, [
      { field: 'phone', zh: '预约数已达上限', en: 'has reached the limit of bookings' },
    ]);
  }
}

async function utilityOf(sql: Sql, tenantId: string): Promise<{ name: string; hotline: string }> {
  const [tenant] = await sql.query<{ name: string; hotline: string | null }>('SELECT name, hotline FROM tenants WHERE id = $1', [tenantId]);
  return { name: tenant?.name ?? '', hotline: tenant?.hotline ?? '' };
}

async function findAppointmentRow(sql: Sql, id: string, owner: { portalUserId: string } | null, forUpdate: boolean): Promise<AppointmentRow> {
  const rows = await sql.query<AppointmentRow>(`${SELECT_APPOINTMENTS} WHERE a.id = $1 AND ($2::uuid IS NULL OR a.portal_user_id = $2)${forUpdate ? ' FOR UPDATE OF a' : ''}`, [id, owner?.portalUserId ?? null]);
  // Another customer's booking is answered exactly like one that does not exist.
  if (!rows[0]) throw notFound(APPOINTMENT);
  return rows[0];
}

const auditView = (appointment: Appointment) => ({
  bookingNo: appointment.bookingNo,
  locationId: appointment.locationId,
  business: appointment.business,
  startsAt: appointment.startsAt,
  status: appointment.status,
  customerName: appointment.customerName,
  phone: appointment.phoneMasked,
});

type NewBooking = (PortalBooking & { phone: string; portalUserId: string; channel: 'portal' }) | (CounterBooking & { channel: 'counter' });

/** Books a place: refused when the slot is full, the phone already holds a booking for the business, or the slot is not one of the location's. */
export async function bookAppointment(context: PlatformContext, tenantId: string, booking: NewBooking, actor: Actor): Promise<Appointment> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const calendar = await calendarOf(sql, tenantId);
    const { location, slot, date } = await chosenSlot(sql, calendar, now, booking, booking.business);
    let accountId: string | null = null;
    if (booking.channel === 'counter' && booking.accountNo) {
      const [account] = await sql.query<{ id: string }>('SELECT id FROM accounts WHERE account_no = $1', [booking.accountNo]);
      if (!account) throw invalidField('accountNo', '户号不存在', 'no such account');
      accountId = account.id;
    }
    await checkPhoneLimits(sql, booking.phone, booking.business, now, null);
    await lockSlotWithPlace(sql, tenantId, location.id, slot, location.capacity);
    const bookingNo = `YY${String(await nextCounterValue(sql, tenantId, 'appointment_no', 10_000_000)).padStart(8, '0')}`;
    const [inserted] = await countingIntoSlot(() =>
      sql.query<{ id: string }>(
        `INSERT INTO appointments (tenant_id, booking_no, location_id, starts_at, ends_at, appointment_date, business, channel, customer_name, phone,
           account_id, portal_user_id, note, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
        [tenantId, bookingNo, location.id, slot.startsAt, slot.endsAt, date, booking.business, booking.channel, booking.customerName, booking.phone, accountId,
          booking.channel === 'portal' ? booking.portalUserId : null, booking.note, actor.name, now],
      ),
    );
    const appointment = toAppointment(await findAppointmentRow(sql, (inserted as { id: string }).id, null, false), now);
    await recordAudit(sql, tenantId, actor, now, { action: 'appointment.book', objectType: 'appointment', objectId: appointment.id, after: auditView(appointment) });
    const utility = await utilityOf(sql, tenantId);
    await enqueueSms(sql, tenantId, {
      to: booking.phone,
      template: 'appointment_booked',
      body: `【${utility.name}】您已预约${appointment.locationName}“${BUSINESS_NAMES[appointment.business].zh}”，时间 ${appointment.date} ${appointment.from}–${appointment.to}，预约号 ${appointment.bookingNo}。如需改约或取消，请登录网上营业厅或致电 ${utility.hotline}。`,
    }, now);
    return appointment;
  });
}

/** Moves a booking to another slot (of the same or another location handling its business); the booking number stays. */
export async function moveAppointment(context: PlatformContext, tenantId: string, id: string, input: MoveInput, actor: Actor, owner: { portalUserId: string } | null): Promise<Appointment> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const current = await findAppointmentRow(sql, id, owner, true);
    if (current.version !== input.version) throw staleVersion();
    if (!toAppointment(current, now).canChange) throw notChangeable(current);
    const calendar = await calendarOf(sql, tenantId);
    const { location, slot, date } = await chosenSlot(sql, calendar, now, input, current.business);
    if (location.id === current.location_id && slot.startsAt.getTime() === new Date(current.starts_at).getTime()) throw invalidField('startsAt', '与原预约时段相同', 'is the slot already booked');
    await checkPhoneLimits(sql, current.phone, current.business, now, current.id);
    await sql.query(
      `INSERT INTO appointment_slots (tenant_id, location_id, starts_at, ends_at, capacity) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, location_id, starts_at) DO NOTHING`,
      [tenantId, location.id, slot.startsAt, slot.endsAt, location.capacity],
    );
    // Both slots locked in one order, so two moves in opposite directions cannot deadlock.
    const locked = await sql.query<{ location_id: string; starts_at: Date; capacity: number; booked: number }>(
      `SELECT location_id, starts_at, capacity, booked FROM appointment_slots
       WHERE (location_id, starts_at) IN (($1::uuid, $2::timestamptz), ($3::uuid, $4::timestamptz)) ORDER BY location_id, starts_at FOR UPDATE`,
      [current.location_id, current.starts_at, location.id, slot.startsAt],
    );
    const target = locked.find((row) => row.location_id === location.id && new Date(row.starts_at).getTime() === slot.startsAt.getTime());
    if (!target || target.booked >= target.capacity) throw slotFull();
    await countingIntoSlot(() =>
      sql.query(
        `UPDATE appointments SET location_id = $2, starts_at = $3, ends_at = $4, appointment_date = $5, version = version + 1, updated_at = $6 WHERE id = $1`,
        [id, location.id, slot.startsAt, slot.endsAt, date, now],
      ),
    );
    const before = toAppointment(current, now);
    const after = toAppointment(await findAppointmentRow(sql, id, null, false), now);
    await recordAudit(sql, tenantId, actor, now, { action: 'appointment.move', objectType: 'appointment', objectId: id, before: auditView(before), after: auditView(after) });
    const utility = await utilityOf(sql, tenantId);
    await enqueueSms(sql, tenantId, {
      to: current.phone,
      template: 'appointment_moved',
      body: `【${utility.name}】您的预约 ${after.bookingNo} 已改至 ${after.locationName} ${after.date} ${after.from}–${after.to}（原 ${before.date} ${before.from}）。`,
    }, now);
    return after;
  });
}

function notChangeable(row: AppointmentRow): DomainError {
  const reason =
    row.status === 'cancelled'
      ? { zh: '该预约已取消', en: 'The booking is cancelled' }
      : row.status === 'arrived'
        ? { zh: '已到场签到的预约不能更改', en: 'The customer has already checked in' }
        : { zh: '预约时段已开始，不能更改', en: 'The booked slot has already started' };
  return new DomainError('conflict', 'appointment_not_changeable', reason.zh, reason.en);
}

export async function cancelAppointment(context: PlatformContext, tenantId: string, id: string, input: { version: number; reason: string }, actor: Actor, owner: { portalUserId: string } | null): Promise<Appointment> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const current = await findAppointmentRow(sql, id, owner, true);
    if (current.version !== input.version) throw staleVersion();
    if (!toAppointment(current, now).canChange) throw notChangeable(current);
    const reason = input.reason || (owner ? '客户取消' : '窗口取消');
    await sql.query(
      "UPDATE appointments SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3, version = version + 1, updated_at = $2 WHERE id = $1",
      [id, now, reason],
    );
    const after = toAppointment(await findAppointmentRow(sql, id, null, false), now);
    await recordAudit(sql, tenantId, actor, now, { action: 'appointment.cancel', objectType: 'appointment', objectId: id, before: auditView(toAppointment(current, now)), after: { ...auditView(after), reason } });
    const utility = await utilityOf(sql, tenantId);
    await enqueueSms(sql, tenantId, { to: current.phone, template: 'appointment_cancelled', body: `【${utility.name}】您的预约 ${after.bookingNo}（${after.date} ${after.from} ${after.locationName}）已取消。` }, now);
    return after;
  });
}

/** The counter checks a customer in (签到) on the day of the booking. */
export async function markArrived(context: PlatformContext, tenantId: string, id: string, input: { version: number }, actor: Actor): Promise<Appointment> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const current = await findAppointmentRow(sql, id, null, true);
    if (current.version !== input.version) throw staleVersion();
    if (current.status !== 'booked') throw notChangeable(current);
    if (current.appointment_date !== localTime(now, current.time_zone).date) {
      throw new DomainError('conflict', 'not_appointment_day', `只能在预约当天（${current.appointment_date}）签到`, `Check in only on the day of the booking (${current.appointment_date})`);
    }
    await sql.query("UPDATE appointments SET status = 'arrived', arrived_at = $2, version = version + 1, updated_at = $2 WHERE id = $1", [id, now]);
    const after = toAppointment(await findAppointmentRow(sql, id, null, false), now);
    await recordAudit(sql, tenantId, actor, now, { action: 'appointment.arrive', objectType: 'appointment', objectId: id, before: { status: current.status }, after: { status: after.status } });
    return after;
  });
}

/** The bookings of a location's day (the counter's list), or one person's bookings by booking number or phone. */
export async function listAppointments(context: PlatformContext, tenantId: string, filter: { locationId?: string | undefined; date?: string | undefined; q?: string | undefined }): Promise<Appointment[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    if (filter.locationId) {
      const calendar = await calendarOf(sql, tenantId);
      await findLocationRow(sql, localTime(now, calendar.timeZone).date, filter.locationId).catch((error: unknown) => {
        if (error instanceof DomainError && error.kind === 'not_found') throw notFound(LOCATION_NOT_FOUND);
        throw error;
      });
    }
    const q = filter.q ?? null;
    const rows = await sql.query<AppointmentRow>(
      `${SELECT_APPOINTMENTS}
       WHERE ($1::uuid IS NULL OR a.location_id = $1) AND ($2::date IS NULL OR a.appointment_date = $2)
         AND ($3::text IS NULL OR a.booking_no = upper($3) OR a.phone = $3)
       ORDER BY a.starts_at, a.booking_no LIMIT 500`,
      [filter.locationId ?? null, filter.date ?? (q ? null : localTime(now, (await calendarOf(sql, tenantId)).timeZone).date), q],
    );
    return rows.map((row) => toAppointment(row, now));
  });
}

export async function listPortalAppointments(context: PlatformContext, tenantId: string, portalUserId: string): Promise<Appointment[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const rows = await sql.query<AppointmentRow>(`${SELECT_APPOINTMENTS} WHERE a.portal_user_id = $1 ORDER BY a.starts_at DESC LIMIT 50`, [portalUserId]);
    return rows.map((row) => toAppointment(row, now));
  });
}

export async function getAppointment(context: PlatformContext, tenantId: string, id: string, owner: { portalUserId: string } | null): Promise<Appointment> {
  return context.db.withTenant(tenantId, async (sql) => toAppointment(await findAppointmentRow(sql, id, owner, false), context.clock.now()));
}
