/**
 * Service locations that take appointments (预约网点): a service hall of the tenancy module with booking
 * rules (businesses handled, weekly hours, slot length and places, how far ahead), dates whose hours differ,
 * and the slots of a day with their places left.
 */
import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound, staleVersion } from '../../platform/errors';
import { calendarFromSettings, type WorkingCalendar } from '../service';
import { createServiceHall, loadTenantSettings } from '../tenancy';
import { addDays, localTime, minutesOf, slotsOn, WEEKDAYS, type DateOverride, type LocationRules, type WeeklyHours } from './hours';
import { type Business, type DateOverrideInput, type DaySlots, type Location, type LocationPatch, type NewLocation } from './schemas';

export const LOCATION_NOT_FOUND = { zh: '预约网点', en: 'Appointment location' };

interface LocationRow {
  id: string;
  name: string;
  address: string;
  phone: string | null;
  is_government_centre: boolean;
  businesses: Business[];
  weekly_hours: WeeklyHours;
  slot_minutes: number;
  capacity: number;
  booking_days: number;
  is_open_on_holidays: boolean;
  is_active: boolean;
  version: number;
  overrides: DateOverride[] | null;
}

const SELECT_LOCATIONS = `
  SELECT l.id, h.name, h.address, h.phone, h.is_government_centre, l.businesses, l.weekly_hours, l.slot_minutes, l.capacity,
    l.booking_days, l.is_open_on_holidays, l.is_active, l.version,
    (SELECT json_agg(json_build_object('date', o.on_date, 'spans', o.spans, 'note', o.note) ORDER BY o.on_date)
       FROM appointment_date_overrides o WHERE o.location_id = l.id AND o.on_date >= $1::date) AS overrides
  FROM appointment_locations l JOIN service_halls h ON h.id = l.id`;

/** The utility's working calendar in its time zone (tenancy settings, section calendar). */
export async function calendarOf(sql: Sql, tenantId: string): Promise<WorkingCalendar> {
  const [tenant] = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]);
  return calendarFromSettings(tenant?.time_zone ?? 'Asia/Shanghai', (await loadTenantSettings(sql)).calendar);
}

export const rulesOf = (row: Pick<LocationRow, 'weekly_hours' | 'slot_minutes' | 'capacity' | 'is_open_on_holidays'>): LocationRules => ({
  weeklyHours: row.weekly_hours,
  slotMinutes: row.slot_minutes,
  capacity: row.capacity,
  isOpenOnHolidays: row.is_open_on_holidays,
});

/** Whether the week's hours reach outside the calendar's working hours: evenings, weekends (延时/错时服务). */
function hasExtendedHours(hours: WeeklyHours, calendar: WorkingCalendar): boolean {
  return WEEKDAYS.some((day) =>
    hours[day].some((span) => !calendar.weekdays.includes(Number(day)) || !calendar.hours.some((working) => minutesOf(span.from) >= working.from && minutesOf(span.to) <= working.to)),
  );
}

function toLocation(row: LocationRow, calendar: WorkingCalendar): Location {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    phone: row.phone,
    type: row.is_government_centre ? 'government_centre' : 'service_hall',
    businesses: row.businesses,
    weeklyHours: row.weekly_hours,
    slotMinutes: row.slot_minutes,
    capacity: row.capacity,
    bookingDays: row.booking_days,
    isOpenOnHolidays: row.is_open_on_holidays,
    isActive: row.is_active,
    hasExtendedHours: hasExtendedHours(row.weekly_hours, calendar),
    overrides: (row.overrides ?? []).map((override) => ({ date: override.date, spans: override.spans, note: override.note })),
    version: row.version,
  };
}

const todayOf = (calendar: WorkingCalendar, now: Date): string => localTime(now, calendar.timeZone).date;

export async function findLocationRow(sql: Sql, today: string, id: string, forUpdate = false): Promise<LocationRow> {
  const rows = await sql.query<LocationRow>(`${SELECT_LOCATIONS} WHERE l.id = $2${forUpdate ? ' FOR UPDATE OF l' : ''}`, [today, id]);
  if (!rows[0]) throw notFound(LOCATION_NOT_FOUND);
  return rows[0];
}

export async function listLocations(context: PlatformContext, tenantId: string, filter: { business?: Business | undefined; activeOnly: boolean }): Promise<Location[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const calendar = await calendarOf(sql, tenantId);
    const rows = await sql.query<LocationRow>(
      `${SELECT_LOCATIONS} WHERE ($2::text IS NULL OR $2 = ANY (l.businesses)) AND (NOT $3 OR l.is_active) ORDER BY h.is_government_centre, h.name`,
      [todayOf(calendar, context.clock.now()), filter.business ?? null, filter.activeOnly],
    );
    return rows.map((row) => toLocation(row, calendar));
  });
}

export async function getLocation(context: PlatformContext, tenantId: string, id: string, options: { activeOnly: boolean }): Promise<Location> {
  return context.db.withTenant(tenantId, async (sql) => {
    const calendar = await calendarOf(sql, tenantId);
    const row = await findLocationRow(sql, todayOf(calendar, context.clock.now()), id);
    if (options.activeOnly && !row.is_active) throw notFound(LOCATION_NOT_FOUND);
    return toLocation(row, calendar);
  });
}

/** A short text of the week's hours for the hall list (tenancy's opening_hours), e.g. "周一至周五 08:30–17:30；周六 09:00–12:00". */
function openingHoursText(hours: WeeklyHours): string {
  const names = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
  const parts: string[] = [];
  let index = 0;
  while (index < 7) {
    const text = hours[WEEKDAYS[index] as '1'].map((span) => `${span.from}–${span.to}`).join('、');
    let end = index;
    while (end + 1 < 7 && hours[WEEKDAYS[end + 1] as '1'].map((span) => `${span.from}–${span.to}`).join('、') === text) end += 1;
    if (text) parts.push(`${names[index]}${end > index ? `至${names[end]}` : ''} ${text}`);
    index = end + 1;
  }
  return parts.join('；') || '暂停预约';
}

/** Takes appointments at a service hall, existing or new (made in the same transaction). */
export async function createLocation(context: PlatformContext, tenantId: string, input: NewLocation, actor: Actor): Promise<Location> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    let hallId = input.hallId;
    if (hallId) {
      const halls = await sql.query('SELECT 1 FROM service_halls WHERE id = $1', [hallId]);
      if (halls.length === 0) throw invalidField('hallId', '营业厅不存在', 'no such service hall');
      const taken = await sql.query('SELECT 1 FROM appointment_locations WHERE id = $1', [hallId]);
      if (taken.length > 0) throw new DomainError('conflict', 'location_exists', '该营业厅已开通预约', 'This service hall already takes appointments', [{ field: 'hallId', zh: '已开通预约', en: 'already takes appointments' }]);
    } else if (input.hall) {
      const clash = await sql.query('SELECT 1 FROM service_halls WHERE name = $1', [input.hall.name]);
      if (clash.length > 0) throw new DomainError('conflict', 'hall_name_taken', '营业厅名称已被使用', 'A service hall of that name exists', [{ field: 'hall.name', zh: '已被使用', en: 'is already taken' }]);
      hallId = await createServiceHall(sql, tenantId, {
        name: input.hall.name,
        address: input.hall.address,
        phone: input.hall.phone,
        openingHours: input.hall.openingHoursText || openingHoursText(input.weeklyHours),
        isGovernmentCentre: input.hall.type === 'government_centre',
      });
    }
    if (!hallId) throw invalidField('hallId', '须指定营业厅', 'a service hall is required');
    await sql.query(
      `INSERT INTO appointment_locations (tenant_id, id, businesses, weekly_hours, slot_minutes, capacity, booking_days, is_open_on_holidays, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $9)`,
      [tenantId, hallId, input.businesses, JSON.stringify(input.weeklyHours), input.slotMinutes, input.capacity, input.bookingDays, input.isOpenOnHolidays, now],
    );
    await recordAudit(sql, tenantId, actor, now, {
      action: 'appointment_location.create',
      objectType: 'appointment_location',
      objectId: hallId,
      after: { hall: input.hall ?? null, businesses: input.businesses, weeklyHours: input.weeklyHours, slotMinutes: input.slotMinutes, capacity: input.capacity, bookingDays: input.bookingDays, isOpenOnHolidays: input.isOpenOnHolidays },
    });
    const calendar = await calendarOf(sql, tenantId);
    return toLocation(await findLocationRow(sql, todayOf(calendar, now), hallId), calendar);
  });
}

/**
 * Changes a location's rules. Bookings already made keep their slots; slots already booked get the new
 * number of places, but never fewer than they hold.
 */
export async function updateLocation(context: PlatformContext, tenantId: string, id: string, patch: LocationPatch, actor: Actor): Promise<Location> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const calendar = await calendarOf(sql, tenantId);
    const row = await findLocationRow(sql, todayOf(calendar, now), id, true);
    if (row.version !== patch.version) throw staleVersion();
    const before = { businesses: row.businesses, weeklyHours: row.weekly_hours, slotMinutes: row.slot_minutes, capacity: row.capacity, bookingDays: row.booking_days, isOpenOnHolidays: row.is_open_on_holidays, isActive: row.is_active };
    const after = {
      businesses: patch.businesses ?? before.businesses,
      weeklyHours: patch.weeklyHours ?? before.weeklyHours,
      slotMinutes: patch.slotMinutes ?? before.slotMinutes,
      capacity: patch.capacity ?? before.capacity,
      bookingDays: patch.bookingDays ?? before.bookingDays,
      isOpenOnHolidays: patch.isOpenOnHolidays ?? before.isOpenOnHolidays,
      isActive: patch.isActive ?? before.isActive,
    };
    await sql.query(
      `UPDATE appointment_locations SET businesses = $2, weekly_hours = $3::jsonb, slot_minutes = $4, capacity = $5, booking_days = $6,
         is_open_on_holidays = $7, is_active = $8, version = version + 1, updated_at = $9 WHERE id = $1`,
      [id, after.businesses, JSON.stringify(after.weeklyHours), after.slotMinutes, after.capacity, after.bookingDays, after.isOpenOnHolidays, after.isActive, now],
    );
    if (after.capacity !== before.capacity) {
      await sql.query('UPDATE appointment_slots SET capacity = greatest($2::int, booked) WHERE location_id = $1 AND starts_at > $3', [id, after.capacity, now]);
    }
    const diff = changedFields(before, after);
    if (diff) await recordAudit(sql, tenantId, actor, now, { action: 'appointment_location.update', objectType: 'appointment_location', objectId: id, ...diff });
    return toLocation(await findLocationRow(sql, todayOf(calendar, now), id), calendar);
  });
}

/** Sets the hours of one date (closed when no spans), replacing an earlier override of that date. */
export async function setDateOverride(context: PlatformContext, tenantId: string, id: string, input: DateOverrideInput, actor: Actor): Promise<Location> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const calendar = await calendarOf(sql, tenantId);
    const today = todayOf(calendar, now);
    await findLocationRow(sql, today, id, true);
    if (input.date < today) throw invalidField('date', '不能早于今天', 'must not be before today');
    const [previous] = await sql.query<{ spans: unknown; note: string }>('SELECT spans, note FROM appointment_date_overrides WHERE location_id = $1 AND on_date = $2', [id, input.date]);
    await sql.query(
      `INSERT INTO appointment_date_overrides (tenant_id, location_id, on_date, spans, note) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (tenant_id, location_id, on_date) DO UPDATE SET spans = EXCLUDED.spans, note = EXCLUDED.note`,
      [tenantId, id, input.date, JSON.stringify(input.spans), input.note],
    );
    await recordAudit(sql, tenantId, actor, now, {
      action: 'appointment_location.override',
      objectType: 'appointment_location',
      objectId: id,
      before: previous ? { date: input.date, spans: previous.spans, note: previous.note } : null,
      after: { date: input.date, spans: input.spans, note: input.note },
    });
    return toLocation(await findLocationRow(sql, today, id), calendar);
  });
}

export async function removeDateOverride(context: PlatformContext, tenantId: string, id: string, date: string, actor: Actor): Promise<void> {
  await context.db.withTenant(tenantId, async (sql) => {
    const removed = await sql.query<{ spans: unknown; note: string }>('DELETE FROM appointment_date_overrides WHERE location_id = $1 AND on_date = $2 RETURNING spans, note', [id, date]);
    if (!removed[0]) throw notFound({ zh: '特殊日期安排', en: 'Date override' });
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'appointment_location.override_remove',
      objectType: 'appointment_location',
      objectId: id,
      before: { date, spans: removed[0].spans, note: removed[0].note },
    });
  });
}

interface SlotUse {
  starts_at: Date;
  capacity: number;
  booked: number;
}

/** The slots of a date with the places left, in the caller's transaction. */
export async function slotsOfDay(sql: Sql, calendar: WorkingCalendar, row: LocationRow, date: string, now: Date): Promise<DaySlots> {
  const [override] = await sql.query<{ spans: DateOverride['spans']; note: string }>('SELECT spans, note FROM appointment_date_overrides WHERE location_id = $1 AND on_date = $2', [row.id, date]);
  const day = slotsOn(rulesOf(row), calendar, date, override ? { date, spans: override.spans, note: override.note } : undefined);
  const used = await sql.query<SlotUse>('SELECT starts_at, capacity, booked FROM appointment_slots WHERE location_id = $1 AND starts_at >= $2 AND starts_at < $3', [
    row.id,
    new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000),
    new Date(Date.parse(`${date}T00:00:00Z`) + 2 * 86_400_000),
  ]);
  const byStart = new Map(used.map((slot) => [new Date(slot.starts_at).getTime(), slot]));
  const today = localTime(now, calendar.timeZone).date;
  return {
    locationId: row.id,
    date,
    kind: day.kind,
    note: day.note,
    isBookable: row.is_active && date >= today && date <= addDays(today, row.booking_days),
    slots: day.slots.map((slot) => {
      const use = byStart.get(slot.startsAt.getTime());
      const capacity = use?.capacity ?? row.capacity;
      const booked = use?.booked ?? 0;
      return {
        startsAt: slot.startsAt.toISOString(),
        endsAt: slot.endsAt.toISOString(),
        from: slot.from,
        to: slot.to,
        capacity,
        booked,
        available: Math.max(capacity - booked, 0),
        isExtended: slot.isExtended,
        isPast: slot.startsAt.getTime() <= now.getTime(),
      };
    }),
  };
}

export async function daySlots(context: PlatformContext, tenantId: string, id: string, date: string, options: { activeOnly: boolean }): Promise<DaySlots> {
  return context.db.withTenant(tenantId, async (sql) => {
    const calendar = await calendarOf(sql, tenantId);
    const now = context.clock.now();
    const row = await findLocationRow(sql, todayOf(calendar, now), id);
    if (options.activeOnly && !row.is_active) throw notFound(LOCATION_NOT_FOUND);
    return slotsOfDay(sql, calendar, row, date, now);
  });
}

/** The bookable days of a location from today, with their slots and places left (the portal's day picker). */
export async function bookableDays(context: PlatformContext, tenantId: string, id: string): Promise<{ days: { date: string; kind: DaySlots['kind']; slots: number; available: number; hasExtendedHours: boolean }[] }> {
  return context.db.withTenant(tenantId, async (sql) => {
    const calendar = await calendarOf(sql, tenantId);
    const now = context.clock.now();
    const today = todayOf(calendar, now);
    const row = await findLocationRow(sql, today, id);
    if (!row.is_active) throw notFound(LOCATION_NOT_FOUND);
    const days = [];
    for (let offset = 0; offset <= row.booking_days; offset += 1) {
      const day = await slotsOfDay(sql, calendar, row, addDays(today, offset), now);
      const open = day.slots.filter((slot) => !slot.isPast);
      days.push({ date: day.date, kind: day.kind, slots: open.length, available: open.reduce((sum, slot) => sum + slot.available, 0), hasExtendedHours: open.some((slot) => slot.isExtended) });
    }
    return { days };
  });
}

