import type { PersonalDataCipher } from '../src/platform/crypto';
import type { Sql } from '../src/platform/db/database';

/** The service desk's records the endpoints act on (rows written directly, made again when used up). */
export interface ServiceDeskTarget {
  /** A draft knowledge article (to edit and publish) and its version. */
  knowledgeDraftId: string;
  knowledgeDraftVersion: number;
  /** A published knowledge article (to archive) and its version. */
  knowledgePublishedId: string;
  knowledgePublishedVersion: number;
  /** A call not yet linked to the target's service request. */
  serviceCallId: string;
  /** An open call-back task and its version. */
  callbackId: string;
  callbackVersion: number;
  /** A pending follow-up of the target's request, and one whose poor repair rating awaits the supervisor. */
  followUpId: string;
  followUpVersion: number;
  escalatedFollowUpId: string;
  escalatedFollowUpVersion: number;
  /** A duty shift not cancelled, and a manager who may be put on the rota. */
  dutyShiftId: string;
  dutyStaffId: string;
}

const DESK_NUMBER = '13812345678';

async function oneRow<T>(sql: Sql, select: string, params: unknown[], insert: () => Promise<T>): Promise<T> {
  const rows = await sql.query<T>(select, params);
  return rows[0] ?? insert();
}

async function article(sql: Sql, tenantId: string, status: 'draft' | 'published', title: string, now: Date): Promise<{ id: string; version: number }> {
  const [created] = await sql.query<{ id: string; version: number }>(
    `INSERT INTO service_kb_articles (tenant_id, status, version, published_version, title, created_by, created_at, updated_by, updated_at, published_at)
     VALUES ($1, $2, 1, $3, $4, 'test', $5, 'test', $5, $6) RETURNING id, version`,
    [tenantId, status, status === 'published' ? 1 : null, title, now, status === 'published' ? now : null],
  );
  await sql.query(
    `INSERT INTO service_kb_article_versions (tenant_id, article_id, version, title, body, tags, keywords, search_title, search_keywords, search_body, saved_by, saved_at)
     VALUES ($1, $2, 1, $3, '可通过网上营业厅、微信或营业厅缴纳水费。', '{缴费}', '{交费}', $3, '交费 | 缴费', '可通过网上营业厅、微信或营业厅缴纳水费。', 'test', $4)`,
    [tenantId, created?.id, title, now],
  );
  return created as { id: string; version: number };
}

/** Makes sure every desk table has a row for the utility, and the endpoints have records to act on. */
export async function ensureServiceDeskTarget(cipher: PersonalDataCipher, sql: Sql, tenantId: string, serviceRequestId: string, now: Date): Promise<ServiceDeskTarget> {
  const draft = await oneRow(sql, "SELECT id, version FROM service_kb_articles WHERE status = 'draft' ORDER BY created_at LIMIT 1", [], () => article(sql, tenantId, 'draft', '水费缴纳方式（草稿）', now));
  const published = await oneRow(sql, "SELECT id, version FROM service_kb_articles WHERE status = 'published' ORDER BY created_at LIMIT 1", [], () => article(sql, tenantId, 'published', '水费缴纳方式', now));
  const uses = await sql.query('SELECT 1 FROM service_kb_uses LIMIT 1');
  if (uses.length === 0) {
    const [version] = await sql.query<{ published_version: number }>('SELECT published_version FROM service_kb_articles WHERE id = $1', [published.id]);
    await sql.query("INSERT INTO service_kb_uses (tenant_id, article_id, version, request_id, used_by, used_at) VALUES ($1, $2, $3, $4, 'test', $5)", [tenantId, published.id, version?.published_version ?? 1, serviceRequestId, now]);
  }
  const newCall = async (outcome: 'answered' | 'missed') => {
    const [call] = await sql.query<{ id: string }>(
      `INSERT INTO service_calls (tenant_id, direction, outcome, number_cipher, number_index, number_masked, started_at, answered_at, business_date, created_by, created_at)
       VALUES ($1, 'inbound', $2, $3, $4, '138****5678', $5, $6, '2026-03-02', 'test', $5) RETURNING id`,
      [tenantId, outcome, cipher.encrypt(DESK_NUMBER), cipher.blindIndex(DESK_NUMBER), now, outcome === 'answered' ? now : null],
    );
    return (call as { id: string }).id;
  };
  const serviceCallId = await oneRow(
    sql,
    "SELECT c.id FROM service_calls c WHERE c.outcome = 'answered' AND NOT EXISTS (SELECT 1 FROM service_call_requests l WHERE l.call_id = c.id AND l.request_id = $1) ORDER BY c.created_at LIMIT 1",
    [serviceRequestId],
    async () => ({ id: await newCall('answered') }),
  );
  const links = await sql.query('SELECT 1 FROM service_call_requests LIMIT 1');
  if (links.length === 0) {
    const linked = await newCall('answered');
    await sql.query("INSERT INTO service_call_requests (tenant_id, call_id, request_id, linked_by, linked_at) VALUES ($1, $2, $3, 'test', $4)", [tenantId, linked, serviceRequestId, now]);
  }
  const callback = await oneRow(sql, "SELECT id, version FROM service_callbacks WHERE state = 'open' LIMIT 1", [], async () => {
    const missed = await newCall('missed');
    const [created] = await sql.query<{ id: string; version: number }>(
      "INSERT INTO service_callbacks (tenant_id, call_id, number_index, due_at, created_at) VALUES ($1, $2, $3, $4::timestamptz + interval '30 minutes', $4) RETURNING id, version",
      [tenantId, missed, cipher.blindIndex(DESK_NUMBER), now],
    );
    return created as { id: string; version: number };
  });
  const followUp = await oneRow(sql, "SELECT id, version FROM service_followups WHERE state = 'pending' LIMIT 1", [], async () => {
    const [created] = await sql.query<{ id: string; version: number }>(
      "INSERT INTO service_followups (tenant_id, request_id, reason, due_at, created_at) VALUES ($1, $2, 'kind_rule', $3::timestamptz + interval '2 days', $3) RETURNING id, version",
      [tenantId, serviceRequestId, now],
    );
    return created as { id: string; version: number };
  });
  const escalated = await oneRow(sql, "SELECT id, version FROM service_followups WHERE outcome = 'escalated' AND reviewed_at IS NULL LIMIT 1", [], async () => {
    const [created] = await sql.query<{ id: string; version: number }>(
      `INSERT INTO service_followups (tenant_id, request_id, reason, state, due_at, created_at, rating, rated_via, recorded_by, recorded_at, outcome)
       VALUES ($1, $2, 'kind_rule', 'done', $3, $3, 1, 'phone', 'test', $3, 'escalated') RETURNING id, version`,
      [tenantId, serviceRequestId, now],
    );
    return created as { id: string; version: number };
  });
  const [manager] = await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'manager' ORDER BY staff_id LIMIT 1");
  if (!manager) throw new Error('the utility has no manager');
  const shift = await oneRow(sql, 'SELECT id FROM service_duty_shifts WHERE cancelled_at IS NULL LIMIT 1', [], async () => {
    const [created] = await sql.query<{ id: string }>(
      "INSERT INTO service_duty_shifts (tenant_id, staff_id, phone, starts_at, ends_at, created_by, created_at) VALUES ($1, $2, '13900000001', $3::timestamptz + interval '10 days', $3::timestamptz + interval '11 days', 'test', $3) RETURNING id",
      [tenantId, manager.id, now],
    );
    return created as { id: string };
  });
  return {
    knowledgeDraftId: draft.id,
    knowledgeDraftVersion: draft.version,
    knowledgePublishedId: published.id,
    knowledgePublishedVersion: published.version,
    serviceCallId: serviceCallId.id,
    callbackId: callback.id,
    callbackVersion: callback.version,
    followUpId: followUp.id,
    followUpVersion: followUp.version,
    escalatedFollowUpId: escalated.id,
    escalatedFollowUpVersion: escalated.version,
    dutyShiftId: shift.id,
    dutyStaffId: manager.id,
  };
}
