/**
 * The duty leaders' rota (领导带班): managers on duty for a stretch of time, with the mobile their duty SMS
 * goes to. A request recorded at alert level 4 or above (an important customer, a special-care household, a
 * protected site) notifies, through the SMS outbox, every duty leader whose shift covers that moment, and
 * the request's timeline says who was told, or that nobody was on the rota.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound } from '../../platform/errors';
import { maskPhone } from '../../platform/masking';
import { enqueueSms } from '../notifications';
import type { DutyShift, NewDutyShift } from './desk-schemas';

/** Requests at this alert level and above reach the duty leader. */
export const DUTY_ALERT_LEVEL = 4;
/** The role whose members may be on the rota (service.supervise). */
export const DUTY_ROLE = 'manager';
const SHIFT = { zh: '值班安排', en: 'Duty shift' };
const MAX_SHIFT_MS = 7 * 24 * 3600_000;

interface ShiftRow {
  id: string;
  staff_id: string;
  staff_name: string;
  phone: string;
  starts_at: Date;
  ends_at: Date;
  created_by: string;
  created_at: Date;
  cancelled_at: Date | null;
}

const SHIFT_SELECT = `SELECT d.id, d.staff_id, s.display_name AS staff_name, d.phone, d.starts_at, d.ends_at, d.created_by, d.created_at, d.cancelled_at
  FROM service_duty_shifts d JOIN staff s ON s.id = d.staff_id`;

const toShift = (row: ShiftRow, now: Date): DutyShift => ({
  id: row.id,
  staff: { id: row.staff_id, name: row.staff_name },
  phoneMasked: maskPhone(row.phone) ?? '',
  startsAt: row.starts_at.toISOString(),
  endsAt: row.ends_at.toISOString(),
  isOnDuty: !row.cancelled_at && row.starts_at <= now && now < row.ends_at,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  cancelledAt: row.cancelled_at?.toISOString() ?? null,
});

export async function listDutyShifts(context: PlatformContext, tenantId: string, query: { from?: string | undefined; days: number }): Promise<DutyShift[]> {
  const now = context.clock.now();
  const from = query.from ? new Date(query.from) : now;
  const to = new Date(from.getTime() + query.days * 24 * 3600_000);
  return context.db.withTenant(tenantId, async (sql) =>
    (await sql.query<ShiftRow>(`${SHIFT_SELECT} WHERE d.ends_at > $1 AND d.starts_at < $2 ORDER BY d.starts_at, s.display_name`, [from, to])).map((row) => toShift(row, now)),
  );
}

export async function createDutyShift(context: PlatformContext, tenantId: string, input: NewDutyShift, actor: Actor): Promise<DutyShift> {
  const now = context.clock.now();
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt <= startsAt) throw invalidField('endsAt', '须晚于开始时间', 'must be after startsAt');
  if (endsAt.getTime() - startsAt.getTime() > MAX_SHIFT_MS) throw invalidField('endsAt', '一个班次最长 7 天', 'a shift is at most 7 days');
  if (endsAt <= now) throw invalidField('endsAt', '班次已经结束', 'the shift is over already');
  return context.db.withTenant(tenantId, async (sql) => {
    const staff = await sql.query('SELECT 1 FROM staff s WHERE s.id = $1 AND s.is_active AND EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id AND r.role = $2)', [input.staffId, DUTY_ROLE]);
    if (staff.length === 0) throw invalidField('staffId', '值班领导须为在岗的管理人员', 'must be an active staff member with the manager role');
    const overlap = await sql.query('SELECT 1 FROM service_duty_shifts WHERE staff_id = $1 AND cancelled_at IS NULL AND starts_at < $3 AND ends_at > $2', [input.staffId, startsAt, endsAt]);
    if (overlap.length > 0) throw new DomainError('conflict', 'shift_overlaps', '该人员在这段时间已有值班安排', 'This person is on the rota for part of that time already', [{ field: 'startsAt', zh: '与已有班次重叠', en: 'overlaps a shift' }]);
    const [created] = await sql.query<{ id: string }>(
      'INSERT INTO service_duty_shifts (tenant_id, staff_id, phone, starts_at, ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [tenantId, input.staffId, input.phone, startsAt, endsAt, actor.name, now],
    );
    const id = (created as { id: string }).id;
    await recordAudit(sql, tenantId, actor, now, { action: 'service_duty.create', objectType: 'service_duty_shift', objectId: id, after: { staffId: input.staffId, phone: maskPhone(input.phone), startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() } });
    const rows = await sql.query<ShiftRow>(`${SHIFT_SELECT} WHERE d.id = $1`, [id]);
    return toShift(rows[0] as ShiftRow, now);
  });
}

export async function cancelDutyShift(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<DutyShift> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ cancelled_at: Date | null }>('SELECT cancelled_at FROM service_duty_shifts WHERE id = $1 FOR UPDATE', [id]);
    if (!rows[0]) throw notFound(SHIFT);
    if (rows[0].cancelled_at) throw new DomainError('conflict', 'shift_cancelled', '该班次已取消', 'This shift is cancelled already');
    await sql.query('UPDATE service_duty_shifts SET cancelled_by = $2, cancelled_at = $3 WHERE id = $1', [id, actor.name, now]);
    await recordAudit(sql, tenantId, actor, now, { action: 'service_duty.cancel', objectType: 'service_duty_shift', objectId: id });
    const shift = await sql.query<ShiftRow>(`${SHIFT_SELECT} WHERE d.id = $1`, [id]);
    return toShift(shift[0] as ShiftRow, now);
  });
}

/** Notifies the duty leaders on duty now of a request at alert level 4 or above (in its transaction). */
export async function notifyDutyLeaders(sql: Sql, tenantId: string, request: { id: string; requestNo: string; categoryName: string; address: string | null; alertLevel: number }, actor: Actor, now: Date): Promise<number> {
  if (request.alertLevel < DUTY_ALERT_LEVEL) return 0;
  const shifts = await sql.query<{ staff_name: string; phone: string }>(
    `SELECT s.display_name AS staff_name, d.phone FROM service_duty_shifts d JOIN staff s ON s.id = d.staff_id
     WHERE d.cancelled_at IS NULL AND d.starts_at <= $1 AND d.ends_at > $1 AND s.is_active ORDER BY d.starts_at`,
    [now],
  );
  const [tenant] = await sql.query<{ name: string }>('SELECT name FROM tenants WHERE id = current_tenant_id()');
  const told = new Set<string>();
  for (const shift of shifts) {
    if (told.has(shift.phone)) continue;
    told.add(shift.phone);
    await enqueueSms(
      sql,
      tenantId,
      { to: shift.phone, template: 'service_duty_alert', body: `【${tenant?.name ?? ''}】${request.alertLevel}级预警工单${request.requestNo}：${request.categoryName}${request.address ? `，${request.address}` : ''}。请值班领导关注。` },
      now,
    );
  }
  const names = shifts.map((shift) => `${shift.staff_name}（${maskPhone(shift.phone)}）`);
  await sql.query(
    "INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note, detail) VALUES ($1, $2, 'notify_duty', $3, $4, $5, $6::jsonb)",
    [
      tenantId,
      request.id,
      actor.name,
      now,
      names.length > 0 ? `${request.alertLevel} 级预警，已短信通知值班领导：${names.join('、')}` : `${request.alertLevel} 级预警，但值班表上此时没有值班领导，未能短信通知`,
      JSON.stringify({ alertLevel: request.alertLevel, notified: told.size }),
    ],
  );
  return told.size;
}
