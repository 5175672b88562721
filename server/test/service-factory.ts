import type { Sql } from '../src/platform/db/database';
import type { CustomerWithAccount } from './factories';

export interface ServiceTarget {
  /** A submitted inquiry of the household, waiting to be accepted, and its version. */
  serviceRequestId: string;
  serviceRequestVersion: number;
  /** A request category of the utility. */
  serviceCategoryId: string;
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
  return { serviceRequestId: request?.id as string, serviceRequestVersion: request?.version as number, serviceCategoryId: category?.id as string };
}
