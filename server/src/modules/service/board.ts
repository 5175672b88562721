/**
 * The dispatcher's board (调度看板): open work by area, priority and deadline. Each area (the district of
 * the premise, else of the address) lists its open requests most urgent first: those past a deadline, then
 * the higher alert level, then the nearest deadline. And the crew's phone reveal: the assigned crew member
 * may see the resident's full number to call them from the job (audited, like the call-back reveal).
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { DomainError, notFound } from '../../platform/errors';
import type { ServiceBoard } from './admin-schemas';
import { deadlinesOf, listCrews, REQUEST_SELECT, toRequest, type RequestRow } from './requests';
import type { ServiceRequest } from './schemas';

const REQUEST = { zh: '工单', en: 'Service request' };

/** The district an address starts with ("江岸区沿江大道…" → "江岸区"), for requests with no premise. */
export function districtOf(address: string | null): string | null {
  const match = address === null ? null : /^\s*([\u4e00-\u9fa5]{1,6}?[区县])/.exec(address);
  return match?.[1] ?? null;
}

/** Most urgent first: past a deadline (the longest past first), then the higher alert level, then the nearest deadline. */
export function byUrgency(now: Date) {
  const dueOf = (request: ServiceRequest) => (request.nextDeadline ? Date.parse(request.nextDeadline.dueAt) : Number.POSITIVE_INFINITY);
  return (a: ServiceRequest, b: ServiceRequest): number => {
    const aOverdue = dueOf(a) < now.getTime();
    const bOverdue = dueOf(b) < now.getTime();
    if (aOverdue !== bOverdue) return aOverdue ? -1 : 1;
    if (!aOverdue && a.alertLevel !== b.alertLevel) return b.alertLevel - a.alertLevel;
    return dueOf(a) - dueOf(b) || a.requestNo.localeCompare(b.requestNo);
  };
}

export async function serviceBoard(context: PlatformContext, tenantId: string, filter: { track: 'field' | 'desk' | 'all'; minAlertLevel?: number | undefined }): Promise<ServiceBoard> {
  const now = context.clock.now();
  const { requests, districts } = await context.db.withTenant(tenantId, async (sql) => {
    const where = ["r.state NOT IN ('closed', 'cancelled')"];
    if (filter.track === 'field') where.push("r.kind = 'repair'");
    if (filter.track === 'desk') where.push("r.kind <> 'repair'");
    const params: unknown[] = [];
    if (filter.minAlertLevel) {
      params.push(filter.minAlertLevel);
      where.push(`r.alert_level >= $${params.length}`);
    }
    const rows = await sql.query<RequestRow & { district: string | null }>(
      `SELECT q.*, p.district FROM (${REQUEST_SELECT} WHERE ${where.join(' AND ')} ORDER BY r.created_at LIMIT 1000) q LEFT JOIN premises p ON p.id = q.premise_id`,
      params,
    );
    const deadlines = await deadlinesOf(sql, rows.map((row) => row.id));
    return {
      requests: rows.map((row) => toRequest(row, deadlines.get(row.id) ?? [], now)),
      districts: new Map(rows.map((row) => [row.id, row.district ?? districtOf(row.address)])),
    };
  });
  const areas = new Map<string | null, ServiceRequest[]>();
  for (const request of requests) {
    const area = districts.get(request.id) ?? null;
    areas.set(area, [...(areas.get(area) ?? []), request]);
  }
  const isOverdue = (request: ServiceRequest) => request.nextDeadline !== null && Date.parse(request.nextDeadline.dueAt) < now.getTime();
  const list = [...areas.entries()].map(([area, items]) => ({ area, open: items.length, overdue: items.filter(isOverdue).length, requests: [...items].sort(byUrgency(now)) }));
  // The areas with the most overdue work first, then the busiest; the unlocated last.
  list.sort((a, b) => (a.area === null ? 1 : 0) - (b.area === null ? 1 : 0) || b.overdue - a.overdue || b.open - a.open || (a.area ?? '').localeCompare(b.area ?? '', 'zh'));
  return { generatedAt: now.toISOString(), areas: list, crews: await listCrews(context, tenantId) };
}

/** The full number of the resident of a request assigned to this crew member, while the job is open (audited). */
export async function revealRequestPhone(context: PlatformContext, tenantId: string, staffId: string, id: string, actor: Actor): Promise<{ number: string }> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ state: string; assignee_staff_id: string | null; contact_phone: string | null; customer_id: string | null; customer_phone: string | null }>(
      'SELECT r.state, r.assignee_staff_id, r.contact_phone, r.customer_id, c.phone AS customer_phone FROM service_requests r LEFT JOIN customers c ON c.id = r.customer_id WHERE r.id = $1',
      [id],
    );
    const request = rows[0];
    if (!request) throw notFound(REQUEST);
    if (request.assignee_staff_id !== staffId) {
      throw new DomainError('forbidden', 'not_assignee', '只有接单的维修人员可以查看客户电话', 'Only the crew member the request is assigned to may see the number', [{ field: 'id', zh: '不是接单的维修人员', en: 'not the assigned crew member' }]);
    }
    if (request.state === 'closed' || request.state === 'cancelled') {
      throw new DomainError('conflict', 'request_finished', '工单已结束，号码不再显示', 'The request is finished; its number is no longer shown', [{ field: 'id', zh: '工单已结束', en: 'the request is finished' }]);
    }
    const number = request.contact_phone ?? request.customer_phone;
    if (!number) throw new DomainError('not_found', 'no_phone', '该工单没有联系电话', 'The request has no contact number', [{ field: 'id', zh: '没有联系电话', en: 'has no contact number' }]);
    await recordAudit(sql, tenantId, actor, now, {
      action: 'service_request.reveal_phone',
      objectType: 'service_request',
      objectId: id,
      ...(request.customer_id ? { customerId: request.customer_id } : {}),
      after: { source: request.contact_phone ? 'contact' : 'customer' },
    });
    return { number };
  });
}
