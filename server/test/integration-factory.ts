import { randomBytes } from 'node:crypto';
import type { PersonalDataCipher } from '../src/platform/crypto';
import type { Sql } from '../src/platform/db/database';
import type { CustomerWithAccount } from './factories';

/** The records the Open311 and city 12345 administration endpoints act on. */
export interface IntegrationTarget {
  /** An active Open311 API key. */
  open311KeyId: string;
  /** An active link of the city's 12345 platform. */
  cityLinkId: string;
  /** A reply to the 12345 platform whose delivery failed. */
  cityReplyId: string;
}

async function activeKey(sql: Sql, tenantId: string, now: Date): Promise<string> {
  const [found] = await sql.query<{ id: string }>("SELECT id FROM open311_api_keys WHERE status = 'active' ORDER BY created_at, id LIMIT 1");
  if (found) return found.id;
  const [made] = await sql.query<{ id: string }>(
    "INSERT INTO open311_api_keys (tenant_id, label, key_prefix, key_hash, rate_limit_per_minute, created_by, created_at) VALUES ($1, '测试应用', 'o311_test', $2, 60, 'test', $3) RETURNING id",
    [tenantId, randomBytes(32), now],
  );
  return made?.id as string;
}

async function activeLink(cipher: PersonalDataCipher, sql: Sql, tenantId: string, now: Date): Promise<string> {
  const [found] = await sql.query<{ id: string }>("SELECT id FROM city_12345_links WHERE status = 'active' ORDER BY created_at, id LIMIT 1");
  if (found) return found.id;
  const [made] = await sql.query<{ id: string }>(
    "INSERT INTO city_12345_links (tenant_id, app_id, label, secret_encrypted, reply_url, created_at) VALUES ($1, $2, '12345 平台', $3, 'https://12345.example.gov.cn/replies', $4) RETURNING id",
    [tenantId, `c12345_${randomBytes(9).toString('base64url')}`, cipher.encrypt('test-secret'), now],
  );
  return made?.id as string;
}

/**
 * A work order of the city linked to a request of the household, and a failed reply to it: an answering
 * step's event (the trigger of migration 0029 queues its reply) whose delivery is then marked failed.
 */
async function failedReply(cipher: PersonalDataCipher, sql: Sql, tenantId: string, household: CustomerWithAccount, now: Date): Promise<string> {
  const [found] = await sql.query<{ id: string }>("SELECT id FROM city_12345_replies WHERE status = 'failed' ORDER BY created_at, id LIMIT 1");
  if (found) return found.id;
  const linkId = await activeLink(cipher, sql, tenantId, now);
  let [order] = await sql.query<{ id: string; request_id: string }>("SELECT id, request_id FROM city_12345_orders WHERE status = 'created' ORDER BY received_at, id LIMIT 1");
  if (!order) {
    await sql.query(
      `INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits) VALUES ($1, 'inquiry', '业务咨询', 'Inquiry', 'inquiry', 'working', '{"accept": 30, "respond": 450, "close": 1350}')
       ON CONFLICT (tenant_id, code) DO NOTHING`,
      [tenantId],
    );
    const [category] = await sql.query<{ id: string }>("SELECT id FROM service_categories WHERE code = 'inquiry'");
    const [request] = await sql.query<{ id: string }>(
      `INSERT INTO service_requests (tenant_id, request_no, category_id, kind, channel, state, customer_id, account_id, premise_id, address, description, alert_level, created_by, created_at, updated_at)
       VALUES ($1, 'C' || replace(gen_random_uuid()::text, '-', ''), $2, 'inquiry', 'city_12345', 'accepted', $3, $4, $5, '测试地址', '12345 转来的咨询', 1, 'city_12345:test', $6, $6) RETURNING id`,
      [tenantId, category?.id, household.customer.id, household.account.id, household.premise.id, now],
    );
    [order] = await sql.query<{ id: string; request_id: string }>(
      `INSERT INTO city_12345_orders (tenant_id, order_no, link_id, payload_hash, order_type, category_text, category_id, city_deadline, status, request_id, response, claimed_at, received_at)
       VALUES ($1, $2, $3, $4, 'consult', '供水/咨询', $5, $6::timestamptz + interval '3 days', 'created', $7, '{}', $6, $6) RETURNING id, request_id`,
      [tenantId, `T${randomBytes(8).toString('hex')}`, linkId, randomBytes(32), category?.id, now, request?.id],
    );
  }
  const [event] = await sql.query<{ id: string }>(
    "INSERT INTO service_request_events (tenant_id, request_id, step, from_state, to_state, actor, at, note) VALUES ($1, $2, 'respond', 'accepted', 'responded', 'test', $3, '测试答复') RETURNING id",
    [tenantId, order?.request_id, now],
  );
  const [reply] = await sql.query<{ id: string }>("UPDATE city_12345_replies SET status = 'failed', attempts = 1, last_status = 400, last_error = 'HTTP 400' WHERE event_id = $1 RETURNING id", [event?.id]);
  return reply?.id as string;
}

/** Makes sure the utility has an active Open311 key, an active 12345 link and a failed reply (rows written directly). */
export async function ensureIntegrationTarget(cipher: PersonalDataCipher, sql: Sql, tenantId: string, household: CustomerWithAccount, now: Date): Promise<IntegrationTarget> {
  return {
    open311KeyId: await activeKey(sql, tenantId, now),
    cityLinkId: await activeLink(cipher, sql, tenantId, now),
    cityReplyId: await failedReply(cipher, sql, tenantId, household, now),
  };
}

/**
 * A row in every Open311 and 12345 table (for the tenant-isolation test): a published service's settings, a
 * queued submission, a used nonce and a logged call, beside what ensureIntegrationTarget makes.
 */
export async function seedIntegrationTables(cipher: PersonalDataCipher, sql: Sql, tenantId: string, household: CustomerWithAccount, now: Date): Promise<void> {
  const target = await ensureIntegrationTarget(cipher, sql, tenantId, household, now);
  const [category] = await sql.query<{ id: string }>("SELECT id FROM service_categories WHERE code = 'inquiry'");
  await sql.query(
    "INSERT INTO open311_services (tenant_id, category_id, is_published, type, keywords, updated_by, updated_at) VALUES ($1, $2, true, 'batch', '咨询', 'seed', $3) ON CONFLICT DO NOTHING",
    [tenantId, category?.id, now],
  );
  await sql.query(
    `INSERT INTO open311_submissions (tenant_id, token, api_key_id, category_id, service_type, status, input, contact_encrypted, description, created_at)
     VALUES ($1, $2, $3, $4, 'batch', 'queued', $5::jsonb, $6, '种子报告', $7)`,
    [tenantId, randomBytes(18).toString('base64url'), target.open311KeyId, category?.id, JSON.stringify({ categoryId: category?.id, address: '种子地址', description: '种子报告' }), cipher.encrypt('{"phone":"13800000000"}'), now],
  );
  const [link] = await sql.query<{ app_id: string }>('SELECT app_id FROM city_12345_links WHERE id = $1', [target.cityLinkId]);
  await sql.query('INSERT INTO city_12345_nonces (tenant_id, app_id, nonce, seen_at) VALUES ($1, $2, $3, $4)', [tenantId, link?.app_id, `seed-nonce-${randomBytes(6).toString('hex')}`, now]);
  await sql.query("INSERT INTO city_12345_calls (tenant_id, received_at, verdict, app_id, order_no, method, path) VALUES ($1, $2, 'accepted', $3, 'SEED000001', 'POST', '/api/city12345/seed/orders')", [tenantId, now, link?.app_id]);
}
