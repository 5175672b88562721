import { addDays, instantAt, localTime } from '../src/modules/appointments/hours';
import type { Sql } from '../src/platform/db/database';

export interface AppointmentTarget {
  /** A location open round the clock every day (holidays too), 50 places an hour, and its version. */
  appointmentLocationId: string;
  appointmentLocationVersion: number;
  /** Midnight (local) two days from now: bookings and moves pick an hour after it. */
  appointmentBaseMs: number;
  /** Booked appointments to move, to cancel, and (today) to check in; and the owner's portal booking (the move one when there is no owner). */
  appointmentMoveId: string;
  appointmentMoveVersion: number;
  appointmentCancelId: string;
  appointmentCancelVersion: number;
  appointmentArriveId: string;
  appointmentArriveVersion: number;
  portalAppointmentId: string;
  portalAppointmentVersion: number;
}

const ALL_DAY = [{ from: '00:00', to: '24:00' }];
const HOURS = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((day) => [day, ALL_DAY]));

/** Makes sure the utility has an appointment location with a date override on 2 June 2026 and live bookings to act on (rows written directly). */
export async function ensureAppointmentTarget(sql: Sql, tenantId: string, now: Date, portalPhone = '13700003333'): Promise<AppointmentTarget> {
  const [tenant] = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]);
  const zone = tenant?.time_zone ?? 'Asia/Shanghai';
  // Named after its utility, so the tenant-isolation test can tell one utility's hall from the other's.
  const hallName = `预约测试营业厅 ${tenantId.slice(0, 8)}`;
  await sql.query("INSERT INTO service_halls (tenant_id, name, address, opening_hours) VALUES ($1, $2, '测试路 8 号', '全天') ON CONFLICT (tenant_id, name) DO NOTHING", [tenantId, hallName]);
  const [hall] = await sql.query<{ id: string }>('SELECT id FROM service_halls WHERE name = $1', [hallName]);
  const locationId = hall?.id as string;
  await sql.query(
    `INSERT INTO appointment_locations (tenant_id, id, businesses, weekly_hours, slot_minutes, capacity, booking_days, is_open_on_holidays, created_at, updated_at)
     VALUES ($1, $2, '{billing,holder_change}', $3::jsonb, 60, 50, 90, true, $4, $4) ON CONFLICT DO NOTHING`,
    [tenantId, locationId, JSON.stringify(HOURS), now],
  );
  await sql.query("INSERT INTO appointment_date_overrides (tenant_id, location_id, on_date, spans, note) VALUES ($1, $2, '2026-06-02', '[]', '测试') ON CONFLICT DO NOTHING", [tenantId, locationId]);
  const today = localTime(now, zone).date;
  const booked = async (phone: string, date: string, hour: number, portalUserId: string | null) => {
    const [existing] = await sql.query<{ id: string; version: number }>("SELECT id, version FROM appointments WHERE phone = $1 AND status = 'booked' ORDER BY created_at DESC LIMIT 1", [phone]);
    if (existing) return existing;
    const startsAt = instantAt(date, hour * 60, zone);
    const endsAt = instantAt(date, hour * 60 + 60, zone);
    await sql.query('INSERT INTO appointment_slots (tenant_id, location_id, starts_at, ends_at, capacity) VALUES ($1, $2, $3, $4, 50) ON CONFLICT DO NOTHING', [tenantId, locationId, startsAt, endsAt]);
    const [made] = await sql.query<{ id: string; version: number }>(
      `INSERT INTO appointments (tenant_id, booking_no, location_id, starts_at, ends_at, appointment_date, business, channel, customer_name, phone, portal_user_id, created_by, created_at, updated_at)
       VALUES ($1, 'YT' || replace(gen_random_uuid()::text, '-', ''), $2, $3, $4, $5, 'billing', $6, '测试预约', $7, $8, 'test', $9, $9) RETURNING id, version`,
      [tenantId, locationId, startsAt, endsAt, date, portalUserId ? 'portal' : 'counter', phone, portalUserId, now],
    );
    return made as { id: string; version: number };
  };
  const move = await booked('13500007001', addDays(today, 3), 10, null);
  const cancel = await booked('13500007002', addDays(today, 3), 11, null);
  const arrive = await booked('13500007003', today, 23, null);
  const [portalUser] = await sql.query<{ id: string }>('SELECT id FROM portal_users WHERE phone = $1', [portalPhone]);
  const portal = portalUser ? await booked(portalPhone, addDays(today, 4), 9, portalUser.id) : move;
  const [location] = await sql.query<{ version: number }>('SELECT version FROM appointment_locations WHERE id = $1', [locationId]);
  return {
    appointmentLocationId: locationId,
    appointmentLocationVersion: location?.version ?? 1,
    appointmentBaseMs: instantAt(addDays(today, 2), 0, zone).getTime(),
    appointmentMoveId: move.id,
    appointmentMoveVersion: move.version,
    appointmentCancelId: cancel.id,
    appointmentCancelVersion: cancel.version,
    appointmentArriveId: arrive.id,
    appointmentArriveVersion: arrive.version,
    portalAppointmentId: portal.id,
    portalAppointmentVersion: portal.version,
  };
}
