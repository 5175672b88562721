/**
 * The demo's appointment locations: the main hall with evening hours on weekdays and Saturday mornings
 * (延时/错时服务), a district hall open on Saturdays, and the government service centre window on
 * working days. The halls are the demo's own (seed.ts makes them); a hall missing here is skipped.
 */
import { recordAudit, systemActor } from '../../platform/audit/audit';
import type { Sql } from '../../platform/db/database';
import type { WeeklyHours } from './hours';
import type { Business } from './schemas';

const day = (spans: [string, string][]) => spans.map(([from, to]) => ({ from, to }));

const WEEKDAY_EVENINGS: [string, string][] = [['08:30', '12:00'], ['13:30', '20:00']];

export const DEMO_LOCATIONS: { hallName: string; businesses: Business[]; weeklyHours: WeeklyHours; slotMinutes: number; capacity: number }[] = [
  {
    hallName: '江城水务营业大厅',
    businesses: ['new_connection', 'holder_change', 'category_change', 'meter_calibration', 'meter_removal', 'billing', 'consultation'],
    weeklyHours: { '1': day(WEEKDAY_EVENINGS), '2': day(WEEKDAY_EVENINGS), '3': day(WEEKDAY_EVENINGS), '4': day(WEEKDAY_EVENINGS), '5': day(WEEKDAY_EVENINGS), '6': day([['09:00', '12:00'], ['14:00', '17:00']]), '7': [] },
    slotMinutes: 30,
    capacity: 4,
  },
  {
    hallName: '武昌营业厅',
    businesses: ['holder_change', 'category_change', 'billing', 'consultation'],
    weeklyHours: { '1': day([['08:30', '17:30']]), '2': day([['08:30', '17:30']]), '3': day([['08:30', '17:30']]), '4': day([['08:30', '17:30']]), '5': day([['08:30', '17:30']]), '6': day([['08:30', '12:00']]), '7': [] },
    slotMinutes: 30,
    capacity: 3,
  },
  {
    hallName: '市民之家水务窗口',
    businesses: ['new_connection', 'holder_change', 'meter_removal'],
    weeklyHours: { '1': day([['09:00', '12:00'], ['13:00', '17:00']]), '2': day([['09:00', '12:00'], ['13:00', '17:00']]), '3': day([['09:00', '12:00'], ['13:00', '17:00']]), '4': day([['09:00', '12:00'], ['13:00', '17:00']]), '5': day([['09:00', '12:00'], ['13:00', '17:00']]), '6': [], '7': [] },
    slotMinutes: 60,
    capacity: 2,
  },
];

/** Seeds the demo's appointment locations in the caller's tenant transaction; returns how many were made. */
export async function seedDemoAppointments(sql: Sql, tenantId: string, at: Date): Promise<number> {
  let made = 0;
  for (const location of DEMO_LOCATIONS) {
    const [hall] = await sql.query<{ id: string }>('SELECT id FROM service_halls WHERE name = $1', [location.hallName]);
    if (!hall) continue;
    const rows = await sql.query(
      `INSERT INTO appointment_locations (tenant_id, id, businesses, weekly_hours, slot_minutes, capacity, booking_days, created_at, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, 14, $7, $7) ON CONFLICT DO NOTHING RETURNING id`,
      [tenantId, hall.id, location.businesses, JSON.stringify(location.weeklyHours), location.slotMinutes, location.capacity, at],
    );
    made += rows.length;
  }
  if (made > 0) await recordAudit(sql, tenantId, systemActor('demo-seed'), at, { action: 'demo.seed.appointments', objectType: 'tenant', objectId: tenantId, after: { locations: made } });
  return made;
}
