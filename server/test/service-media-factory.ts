import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../src/platform/files';
import type { Sql } from '../src/platform/db/database';
import type { CustomerWithAccount } from './factories';
import { TINY_PNG_BASE64 } from './reading-factory';

export interface ServiceMediaTarget {
  /** A submitted inquiry of the household with room for more report photos, and one of its photos. */
  photoRequestId: string;
  servicePhotoId: string;
  /** A repair of the household assigned to the utility's repair crew member, who is on site (arrived). */
  fieldRequestId: string;
  /** A material of the catalogue, and a line of it recorded on the field request. */
  serviceMaterialId: string;
  materialUseId: string;
}

const TINY_PNG = Buffer.from(TINY_PNG_BASE64, 'base64');

/** Stores a photo file and its attachment row directly, as the uploads facility would. */
async function insertPhoto(sql: Sql, dataDir: string, tenantId: string, requestId: string, now: Date): Promise<string> {
  const relative = `files/${tenantId}/${now.toISOString().slice(0, 7)}/${randomBytes(16).toString('hex')}.png`;
  await mkdir(path.dirname(path.join(dataDir, relative)), { recursive: true });
  await writeFile(path.join(dataDir, relative), TINY_PNG);
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO attachments (tenant_id, owner_kind, owner_id, purpose, content_type, bytes, sha256, width, height, stored_path, uploaded_by_type, uploaded_by_name, uploaded_at)
     VALUES ($1, 'service_request', $2, 'submit', 'image/png', $3, $4, 1, 1, $5, 'system', 'test', $6) RETURNING id`,
    [tenantId, requestId, TINY_PNG.length, sha256Hex(TINY_PNG), relative, now],
  );
  return row?.id as string;
}

/**
 * Makes sure the household has what the photo and material endpoints act on (rows written directly, made
 * again when earlier requests used them up: a request's report photos filled, a material line removed).
 */
export async function ensureServiceMediaTarget(sql: Sql, dataDir: string, tenantId: string, household: CustomerWithAccount, now: Date): Promise<ServiceMediaTarget> {
  // Catalogue and categories as the service creates them on first use; a minimal one of each suffices here.
  await sql.query(
    `INSERT INTO service_materials (tenant_id, code, name, name_en, unit, unit_en, base_unit, base_unit_en, scale) VALUES ($1, 'pipe_di_dn100', '球墨铸铁管 DN100', 'Ductile iron pipe DN100', '米', 'm', '厘米', 'cm', 100)
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [tenantId],
  );
  await sql.query(
    `INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits) VALUES ($1, 'leak', '漏水报修', 'Leak', 'repair', 'clock', '{"accept": 30, "dispatch": 60, "arrive": 120, "control": 480, "restore": 1440}')
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [tenantId],
  );
  const [material] = await sql.query<{ id: string }>("SELECT id FROM service_materials WHERE code = 'pipe_di_dn100'");
  const [leak] = await sql.query<{ id: string }>("SELECT id FROM service_categories WHERE code = 'leak'");
  const [inquiry] = await sql.query<{ id: string }>("SELECT id FROM service_categories WHERE kind = 'inquiry' ORDER BY code LIMIT 1");
  const [crew] = await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'repair_crew' ORDER BY staff_id LIMIT 1");
  const insertRequest = async (categoryId: string | undefined, kind: string, state: string, assignee: string | null) =>
    (
      await sql.query<{ id: string }>(
        `INSERT INTO service_requests (tenant_id, request_no, category_id, kind, channel, state, customer_id, account_id, premise_id, address, description, alert_level, assignee_staff_id, created_by, created_at, updated_at)
         VALUES ($1, 'M' || replace(gen_random_uuid()::text, '-', ''), $2, $3, 'hotline', $4, $5, $6, $7, '测试地址', '照片与材料', 1, $8, 'test', $9, $9) RETURNING id`,
        [tenantId, categoryId, kind, state, household.customer.id, household.account.id, household.premise.id, assignee, now],
      )
    )[0]?.id as string;

  // At most six report photos per request: a fresh request once three are there.
  let [photoRequest] = await sql.query<{ id: string }>(
    `SELECT r.id FROM service_requests r WHERE r.account_id = $1 AND r.state = 'submitted' AND r.request_no LIKE 'M%'
       AND (SELECT count(*) FROM attachments a WHERE a.owner_kind = 'service_request' AND a.owner_id = r.id AND a.purpose = 'submit') < 3
     ORDER BY r.created_at LIMIT 1`,
    [household.account.id],
  );
  photoRequest ??= { id: await insertRequest(inquiry?.id, 'inquiry', 'submitted', null) };
  const [photo] = await sql.query<{ id: string }>("SELECT id FROM attachments WHERE owner_kind = 'service_request' AND owner_id = $1 ORDER BY seq LIMIT 1", [photoRequest.id]);
  const servicePhotoId = photo?.id ?? (await insertPhoto(sql, dataDir, tenantId, photoRequest.id, now));

  let [fieldRequest] = await sql.query<{ id: string }>("SELECT id FROM service_requests WHERE account_id = $1 AND state = 'arrived' AND assignee_staff_id = $2 ORDER BY created_at LIMIT 1", [household.account.id, crew?.id]);
  fieldRequest ??= { id: await insertRequest(leak?.id, 'repair', 'arrived', crew?.id ?? null) };
  let [use] = await sql.query<{ id: string }>('SELECT id FROM service_request_materials WHERE request_id = $1 ORDER BY seq LIMIT 1', [fieldRequest.id]);
  use ??= (
    await sql.query<{ id: string }>(
      "INSERT INTO service_request_materials (tenant_id, request_id, material_id, quantity, recorded_by_staff_id, recorded_by, recorded_at) VALUES ($1, $2, $3, 100, $4, 'test', $5) RETURNING id",
      [tenantId, fieldRequest.id, material?.id, crew?.id, now],
    )
  )[0];
  if (!material || !use || !crew) throw new Error('service media target incomplete');
  return { photoRequestId: photoRequest.id, servicePhotoId, fieldRequestId: fieldRequest.id, serviceMaterialId: material.id, materialUseId: use.id };
}
