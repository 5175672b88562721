/**
 * Day-before reminders (预约提醒): an SMS through the message outbox to each booking of tomorrow, once per
 * booking and date (a booking moved to another day is reminded of the new day). Sent only between 09:00
 * and 21:00 in the utility's time zone, so nobody is woken by one; the serve loop calls this every minute.
 */
import type { PlatformContext } from '../../platform/context';
import { enqueueSms } from '../notifications';
import { addDays, localTime, timeOf } from './hours';
import { BUSINESS_NAMES, type Business } from './schemas';

export const REMINDER_WINDOW = { from: 9 * 60, to: 21 * 60 };

/** Queues the reminders due now for a utility's bookings of tomorrow; returns how many were queued. */
export async function sendAppointmentReminders(context: PlatformContext, tenantId: string): Promise<number> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const [tenant] = await sql.query<{ name: string; hotline: string | null; time_zone: string }>('SELECT name, hotline, time_zone FROM tenants WHERE id = $1', [tenantId]);
    if (!tenant) return 0;
    const local = localTime(now, tenant.time_zone);
    if (local.minute < REMINDER_WINDOW.from || local.minute >= REMINDER_WINDOW.to) return 0;
    // SKIP LOCKED: a second process running at the same moment takes none of the rows this one holds, and
    // rows it finds after this one commits no longer match (reminded_for is set).
    const due = await sql.query<{ id: string; booking_no: string; phone: string; business: Business; starts_at: Date; ends_at: Date; appointment_date: string; name: string; address: string }>(
      `SELECT a.id, a.booking_no, a.phone, a.business, a.starts_at, a.ends_at, a.appointment_date, h.name, h.address
       FROM appointments a JOIN service_halls h ON h.id = a.location_id
       WHERE a.status = 'booked' AND a.appointment_date = $1 AND a.reminded_for IS DISTINCT FROM a.appointment_date
       ORDER BY a.starts_at, a.booking_no
       FOR UPDATE OF a SKIP LOCKED`,
      [addDays(local.date, 1)],
    );
    for (const booking of due) {
      const from = timeOf(localTime(new Date(booking.starts_at), tenant.time_zone).minute);
      const to = timeOf(localTime(new Date(booking.ends_at), tenant.time_zone).minute || 1440);
      const outboxId = await enqueueSms(sql, tenantId, {
        to: booking.phone,
        template: 'appointment_reminder',
        body: `【${tenant.name}】温馨提醒：您预约了明天（${booking.appointment_date}）${from}–${to}在${booking.name}（${booking.address}）办理“${BUSINESS_NAMES[booking.business].zh}”，预约号 ${booking.booking_no}。请携带身份证件按时到达；如需改约请登录网上营业厅或致电 ${tenant.hotline ?? ''}。`,
      }, now);
      await sql.query('UPDATE appointments SET reminded_for = appointment_date, reminder_outbox_id = $2 WHERE id = $1', [booking.id, outboxId]);
    }
    return due.length;
  });
}
