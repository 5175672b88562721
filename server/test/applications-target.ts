/**
 * What the application endpoints act on in the access and tenant-isolation tests: applications of the
 * household's account (so the household's portal user sees them), written directly, made again when earlier
 * requests used them up (a returned one resubmitted, a material's files filled).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureApplicationTypes } from '../src/modules/applications';
import type { Sql } from '../src/platform/db/database';
import { sha256Hex } from '../src/platform/files';
import type { CustomerWithAccount } from './factories';
import { TINY_PNG_BASE64 } from './reading-factory';

export interface ApplicationTarget {
  /** An application in progress at its first stage, with room for more documents. */
  applicationId: string;
  applicationVersion: number;
  applicationDocumentId: string;
  /** An application returned to the applicant (to resubmit). */
  returnedApplicationId: string;
  returnedApplicationVersion: number;
  /** A staff member whose department may be set. */
  departmentStaffId: string;
}

const TINY_PNG = Buffer.from(TINY_PNG_BASE64, 'base64');
let serial = 0;

async function insertApplication(sql: Sql, tenantId: string, household: CustomerWithAccount, status: 'in_progress' | 'returned', now: Date): Promise<string> {
  serial += 1;
  const number = `GH${String(Date.now() % 1e9).padStart(9, '0')}${String(serial).padStart(4, '0')}`;
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO applications (tenant_id, application_no, type_id, channel, status, current_position, customer_id, applicant_name, applicant_phone, premise_id, address, account_id,
       stage_started_at, stage_due_at, due_at, reason, created_by, submitted_at)
     SELECT $1, $2, t.id, 'counter', $3::text, 1, $4, '李建国', '13700000000', $5, '测试地址', $6, $7::timestamptz, $7::timestamptz + interval '1 day', $7::timestamptz + interval '7 days',
       CASE WHEN $3::text = 'returned' THEN '请补充材料' END, 'test', $7::timestamptz
     FROM application_types t WHERE t.code = 'holder_change' RETURNING id`,
    [tenantId, number, status, household.customer.id, household.premise.id, household.account.id, now],
  );
  const id = (row as { id: string }).id;
  await sql.query("INSERT INTO application_events (tenant_id, application_id, kind, position, stage_code, actor, actor_kind, actor_name, at) VALUES ($1, $2, 'submitted', 1, 'accept', 'test', 'system', 'test', $3)", [tenantId, id, now]);
  return id;
}

async function insertDocument(sql: Sql, dataDir: string, tenantId: string, applicationId: string, now: Date): Promise<string> {
  const relative = `files/${tenantId}/${now.toISOString().slice(0, 7)}/${randomBytes(16).toString('hex')}.png`;
  await mkdir(path.dirname(path.join(dataDir, relative)), { recursive: true });
  await writeFile(path.join(dataDir, relative), TINY_PNG);
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO attachments (tenant_id, owner_kind, owner_id, purpose, content_type, bytes, sha256, width, height, stored_path, uploaded_by_type, uploaded_by_name, uploaded_at)
     VALUES ($1, 'application', $2, 'material_id_card', 'image/png', $3, $4, 1, 1, $5, 'system', 'test', $6) RETURNING id`,
    [tenantId, applicationId, TINY_PNG.length, sha256Hex(TINY_PNG), relative, now],
  );
  return (row as { id: string }).id;
}

export async function ensureApplicationTarget(sql: Sql, dataDir: string, tenantId: string, household: CustomerWithAccount, now: Date): Promise<ApplicationTarget> {
  await ensureApplicationTypes(sql, tenantId);
  // At most six files per material: a fresh application once three are there.
  let [open] = await sql.query<{ id: string; version: number }>(
    `SELECT a.id, a.version FROM applications a WHERE a.account_id = $1 AND a.status = 'in_progress' AND a.application_no LIKE 'GH%' AND a.created_by = 'test'
       AND (SELECT count(*) FROM attachments f WHERE f.owner_kind = 'application' AND f.owner_id = a.id) < 3
     ORDER BY a.submitted_at, a.id LIMIT 1`,
    [household.account.id],
  );
  open ??= { id: await insertApplication(sql, tenantId, household, 'in_progress', now), version: 1 };
  const [document] = await sql.query<{ id: string }>("SELECT id FROM attachments WHERE owner_kind = 'application' AND owner_id = $1 ORDER BY seq LIMIT 1", [open.id]);
  let [returned] = await sql.query<{ id: string; version: number }>("SELECT id, version FROM applications WHERE account_id = $1 AND status = 'returned' AND created_by = 'test' ORDER BY submitted_at, id LIMIT 1", [household.account.id]);
  returned ??= { id: await insertApplication(sql, tenantId, household, 'returned', now), version: 1 };
  const [clerk] = await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'counter_clerk' ORDER BY staff_id LIMIT 1");
  return {
    applicationId: open.id,
    applicationVersion: open.version,
    applicationDocumentId: document?.id ?? (await insertDocument(sql, dataDir, tenantId, open.id, now)),
    returnedApplicationId: returned.id,
    returnedApplicationVersion: returned.version,
    departmentStaffId: clerk?.id as string,
  };
}
