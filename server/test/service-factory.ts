import type { Sql } from '../src/platform/db/database';
import type { CustomerWithAccount } from './factories';

export interface ServiceTarget {
  /** A submitted inquiry of the household, waiting to be accepted, and its version. */
  serviceRequestId: string;
  serviceRequestVersion: number;
  /** A request category of the utility. */
  serviceCategoryId: string;
  /** A repair of the household dispatched to a former crew member (no roles left), its version, and the crew member to reassign it to. */
  reassignRequestId: string;
  reassignRequestVersion: number;
  reassignToStaffId: string;
}

/** Makes sure the utility has a request category and the household a submitted inquiry (rows written directly). */
export async function ensureServiceTarget(sql: Sql, tenantId: string, household: CustomerWithAccount, now: Date): Promise<ServiceTarget> {
  await sql.query(
    `INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits) VALUES ($1, 'inquiry', '业务咨询', 'Inquiry', 'inquiry', 'working', '{"accept": 30, "respond": 450, "close": 1350}')
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [tenantId],
  );
  const [category] = await sql.query<{ id: string }>("SELECT id FROM service_categories WHERE code = 'inquiry'");
  let [request] = await sql.query<{ id: string; version: number }>("SELECT id, version FROM service_requests WHERE account_id = $1 AND state = 'submitted' ORDER BY created_at LIMIT 1", [household.account.id]);
  if (!request) {
    [request] = await sql.query<{ id: string; version: number }>(
      `INSERT INTO service_requests (tenant_id, request_no, category_id, kind, channel, customer_id, account_id, premise_id, address, description, alert_level, created_by, created_at, updated_at)
       VALUES ($1, 'T' || replace(gen_random_uuid()::text, '-', ''), $2, 'inquiry', 'hotline', $3, $4, $5, '测试地址', '咨询水价', 1, 'test', $6, $6) RETURNING id, version`,
      [tenantId, category?.id, household.customer.id, household.account.id, household.premise.id, now],
    );
    await sql.query("INSERT INTO service_request_deadlines (tenant_id, request_id, time_limit, due_at) VALUES ($1, $2, 'accept', $3::timestamptz + interval '1 hour')", [tenantId, request?.id, now]);
    await sql.query("INSERT INTO service_request_events (tenant_id, request_id, step, to_state, actor, at) VALUES ($1, $2, 'submit', 'submitted', 'test', $3)", [tenantId, request?.id, now]);
  }
  const reassign = await ensureDispatchedRepair(sql, tenantId, household, now);
  return { serviceRequestId: request?.id as string, serviceRequestVersion: request?.version as number, serviceCategoryId: category?.id as string, ...reassign };
}

/**
 * A repair dispatched to someone other than the utility's repair crew member, for reassigning to them. A
 * reassignment let through gives it to the crew member, so the next call finds none and makes another. The
 * first holder is a former crew member with no roles left, so the crew's lists and field steps elsewhere
 * keep their one crew member.
 */
async function ensureDispatchedRepair(sql: Sql, tenantId: string, household: CustomerWithAccount, now: Date): Promise<Pick<ServiceTarget, 'reassignRequestId' | 'reassignRequestVersion' | 'reassignToStaffId'>> {
  await sql.query(
    `INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits) VALUES ($1, 'leak', '漏水报修', 'Leak', 'repair', 'clock', '{"accept": 30, "dispatch": 60, "arrive": 120, "control": 480, "restore": 1440}')
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [tenantId],
  );
  await sql.query("INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, 'former-crew', '前维修人员', 'x') ON CONFLICT (tenant_id, username) DO NOTHING", [tenantId]);
  const [former] = await sql.query<{ id: string }>("SELECT id FROM staff WHERE username = 'former-crew'");
  const [crew] = await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'repair_crew' ORDER BY staff_id LIMIT 1");
  const [leak] = await sql.query<{ id: string }>("SELECT id FROM service_categories WHERE code = 'leak'");
  let [request] = await sql.query<{ id: string; version: number }>(
    "SELECT id, version FROM service_requests WHERE account_id = $1 AND state = 'dispatched' AND assignee_staff_id = $2 AND request_no LIKE 'RA%' ORDER BY created_at LIMIT 1",
    [household.account.id, former?.id],
  );
  if (!request) {
    [request] = await sql.query<{ id: string; version: number }>(
      `INSERT INTO service_requests (tenant_id, request_no, category_id, kind, channel, state, customer_id, account_id, premise_id, address, description, alert_level, assignee_staff_id, created_by, created_at, updated_at)
       VALUES ($1, 'RA' || replace(gen_random_uuid()::text, '-', ''), $2, 'repair', 'hotline', 'dispatched', $3, $4, $5, '测试地址', '改派', 2, $6, 'test', $7, $7) RETURNING id, version`,
      [tenantId, leak?.id, household.customer.id, household.account.id, household.premise.id, former?.id, now],
    );
  }
  if (!request || !crew) throw new Error('service reassignment target incomplete');
  return { reassignRequestId: request.id, reassignRequestVersion: request.version, reassignToStaffId: crew.id };
}
