/**
 * GeoReport v2 service requests: POST requests makes a service request (channel open311) through the service
 * module, at once for a realtime service or through the queue for a batch one; GET requests, GET requests/{id}
 * and GET tokens/{token} show them with the service desk's state mapped to open/closed.
 *
 * Only requests submitted through Open311 are listed: requests from the hotline, the counter or the portal
 * were not made public by the people who made them, and their descriptions often hold personal details.
 * Contact details (name, phone, e-mail) are never returned; the phone and name become the request's contact
 * (stored and masked as for every request), the e-mail and device id are kept encrypted or hashed only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { DomainError } from '../../platform/errors';
import { createRequest, stateName, type NewServiceRequest, type RequestState } from '../service';
import { findTenantByCode, listTenants, type Tenant } from '../tenancy';
import { attributesOf, checkAttributes, parseW3cDateTime } from './attributes';
import { publishedServices, servicesOf, type Open311Service } from './catalogue';
import { badRequest, notFound, type Tree } from './format';
import type { KeyHolder } from './keys';

/** Form fields and query parameters as sent: every name with its values, in order. */
export type Fields = ReadonlyMap<string, readonly string[]>;

export function fieldsOf(params: URLSearchParams): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [name, value] of params) fields.set(name, [...(fields.get(name) ?? []), value]);
  return fields;
}

/** An optional single field: absent and empty are the same (GeoReport "optional arguments"). */
function single(fields: Fields, name: string, problems: string[]): string | undefined {
  const values = (fields.get(name) ?? []).map((value) => value.trim()).filter((value) => value !== '');
  if (values.length > 1) problems.push(`${name} was given more than once`);
  return values[0];
}

// ---- jurisdictions ----

/**
 * jurisdiction_id is the utility's code on this installation (e.g. jcsw). It may be left out only while the
 * installation serves one utility; otherwise it is required (400), and an unknown one is 404.
 */
export async function resolveJurisdiction(context: PlatformContext, jurisdictionId: string | undefined): Promise<Tenant> {
  const id = jurisdictionId?.trim().toLowerCase();
  if (id) {
    const tenant = /^[a-z][a-z0-9-]{1,31}$/.test(id) ? await findTenantByCode(context, id) : null;
    if (!tenant) throw notFound(`jurisdiction_id ${jurisdictionId?.trim() ?? ''} was not found`);
    return tenant;
  }
  const tenants = await listTenants(context);
  if (tenants.length === 1 && tenants[0]) return tenants[0];
  throw badRequest('jurisdiction_id was not provided; this endpoint serves several jurisdictions (water utilities): send the utility code as jurisdiction_id');
}

export function jurisdictionOf(fields: Fields): string | undefined {
  return (fields.get('jurisdiction_id') ?? []).map((value) => value.trim()).find((value) => value !== '');
}

// ---- POST requests ----

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,188}\.[^\s@]{2,63}$/;
const CJK = /[\u3400-\u9fff]/;
/** What a service request's description holds (migration 0025). */
const REQUEST_DESCRIPTION_MAX = 2000;

/** +86 138 1234 5678, 0086-13812345678 and 138-1234-5678 are 13812345678; landlines keep their area code. */
export function normalisePhone(raw: string): string | null {
  let phone = raw.replace(/[\s()]/g, '');
  phone = phone.replace(/^(\+86|0086)-?/, '');
  if (/^1[\d-]+$/.test(phone)) phone = phone.replaceAll('-', '');
  return MOBILE.test(phone) || LANDLINE.test(phone) ? phone : null;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

interface Submission {
  service: Open311Service & { categoryId: string };
  /** The request to make, without the contact. */
  input: { categoryId: string; premiseId?: string; address?: string; latitude?: number; longitude?: number; description: string };
  contact: { name?: string; phone?: string };
  email: string | null;
  deviceId: string | null;
  accountRef: string | null;
  description: string;
  mediaUrl: string | null;
  attributes: Record<string, string | string[]>;
}

/** Reads and checks a POST requests form; every problem found is reported at once (400), unknown services 404. */
async function readSubmission(context: PlatformContext, tenant: Tenant, fields: Fields, key: KeyHolder): Promise<Submission> {
  const problems: string[] = [];
  const serviceCode = single(fields, 'service_code', problems);
  if (!serviceCode) throw badRequest('service_code was not provided');
  const service = (await publishedServices(context, tenant.id)).find((item) => item.code === serviceCode);
  if (!service) throw notFound(`service_code ${serviceCode} was not found`);

  const lat = single(fields, 'lat', problems);
  const long = single(fields, 'long', problems);
  const addressString = single(fields, 'address_string', problems);
  const addressId = single(fields, 'address_id', problems);
  const input: Submission['input'] = { categoryId: service.categoryId, description: '' };
  if (lat !== undefined || long !== undefined) {
    const latitude = Number(lat);
    const longitude = Number(long);
    if (lat === undefined || long === undefined) problems.push('lat and long must both be sent');
    else if (!/^-?\d{1,3}(\.\d+)?$/.test(lat) || !Number.isFinite(latitude) || latitude < -90 || latitude > 90) problems.push('lat must be a WGS84 latitude between -90 and 90');
    else if (!/^-?\d{1,3}(\.\d+)?$/.test(long) || !Number.isFinite(longitude) || longitude < -180 || longitude > 180) problems.push('long must be a WGS84 longitude between -180 and 180');
    else {
      input.latitude = Math.round(latitude * 1e6) / 1e6;
      input.longitude = Math.round(longitude * 1e6) / 1e6;
    }
  }
  if (addressString !== undefined) {
    if (addressString.length < 2 || addressString.length > 200) problems.push('address_string must have 2 to 200 characters');
    else input.address = addressString;
  }
  if (addressId !== undefined) {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(addressId);
    const premise = isUuid ? await context.db.withTenant(tenant.id, (sql) => sql.query<{ id: string }>('SELECT id FROM premises WHERE id = $1', [addressId.toLowerCase()])) : [];
    if (!premise[0]) problems.push(`address_id ${addressId} is not an address of this jurisdiction`);
    else input.premiseId = premise[0].id;
  }
  if (lat === undefined && long === undefined && addressString === undefined && addressId === undefined) {
    problems.push('A location must be given: lat and long, address_string or address_id');
  }

  const attributeValues = new Map<string, string[]>();
  for (const [name, values] of fields) {
    const match = /^attribute\[([^\]]{1,64})\](\[\])?$/.exec(name);
    if (match) attributeValues.set(match[1] as string, [...(attributeValues.get(match[1] as string) ?? []), ...values]);
  }
  const { problems: attributeProblems, checked } = checkAttributes(service.code, attributesOf(service.code), attributeValues);
  problems.push(...attributeProblems);

  const email = single(fields, 'email', problems);
  if (email !== undefined && (email.length > 254 || !EMAIL.test(email))) problems.push('email is not an e-mail address');
  const rawPhone = single(fields, 'phone', problems);
  const phone = rawPhone === undefined ? undefined : normalisePhone(rawPhone);
  if (phone === null) problems.push('phone must be a mainland mobile number or a landline with its area code');
  const firstName = single(fields, 'first_name', problems);
  const lastName = single(fields, 'last_name', problems);
  if ((firstName?.length ?? 0) > 25 || (lastName?.length ?? 0) > 25) problems.push('first_name and last_name must have at most 25 characters each');
  const description = single(fields, 'description', problems);
  if (description !== undefined && description.length > 4000) problems.push('description must have at most 4,000 characters');
  const mediaUrl = single(fields, 'media_url', problems);
  if (mediaUrl !== undefined) {
    if (!isHttpUrl(mediaUrl) || mediaUrl.length > 1000) problems.push('media_url must be an http or https URL of at most 1,000 characters');
  }
  const deviceId = single(fields, 'device_id', problems);
  if (deviceId !== undefined && deviceId.length > 128) problems.push('device_id must have at most 128 characters');
  const accountRef = single(fields, 'account_id', problems);
  if (accountRef !== undefined && accountRef.length > 128) problems.push('account_id must have at most 128 characters');
  if (problems.length > 0) throw badRequest(...problems);

  // 姓 then 名 for Chinese names; given name first otherwise.
  const name = [lastName, firstName].every((part) => part === undefined || CJK.test(part)) ? `${lastName ?? ''}${firstName ?? ''}` : [firstName, lastName].filter(Boolean).join(' ');
  const body = description ?? `${service.name}（通过 Open311 报告）`;
  const lines = [`【来源】Open311 · ${key.label}`, ...checked.lines];
  const head = `${lines.join('\n')}\n`;
  const room = REQUEST_DESCRIPTION_MAX - head.length;
  const note = `…（原文共 ${body.length} 字，已截断）`;
  input.description = head + (body.length <= room ? body : body.slice(0, Math.max(0, room - note.length)) + note);
  return {
    service,
    input,
    contact: { ...(name ? { name } : {}), ...(phone ? { phone } : {}) },
    email: email ?? null,
    deviceId: deviceId ?? null,
    accountRef: accountRef ?? null,
    description: description ?? '',
    mediaUrl: mediaUrl ?? null,
    attributes: checked.values,
  };
}

/** The service module's input for a request of this channel (its staff form's channel field does not apply: the origin gives the channel). */
function requestInput(input: Submission['input'], contact: Submission['contact']): NewServiceRequest {
  return { ...input, ...(contact.name ? { contactName: contact.name } : {}), ...(contact.phone ? { contactPhone: contact.phone } : {}) } as NewServiceRequest;
}

const keyActor = (key: { label: string }, ip: string | null): Actor => ({ type: 'system', id: null, name: `Open311 · ${key.label}`, ip });

export interface PostAnswer {
  service_request_id?: string;
  token?: string;
  service_notice: string;
  account_id: string | null;
}

/** POST requests: a realtime service's request is made now (service_request_id); a batch service's is queued (token). */
export async function submitRequest(context: PlatformContext, tenant: Tenant, fields: Fields, key: KeyHolder, ip: string | null): Promise<PostAnswer> {
  const submission = await readSubmission(context, tenant, fields, key);
  const id = randomUUID();
  const token = randomBytes(18).toString('base64url');
  const now = context.clock.now();
  const extras = {
    emailEncrypted: submission.email ? context.cipher.encrypt(submission.email) : null,
    deviceIndex: submission.deviceId ? context.cipher.blindIndex(submission.deviceId) : null,
  };
  const insert = (status: 'queued' | 'created', requestId: string | null, contact: Buffer | null) =>
    context.db.withTenant(tenant.id, (sql) =>
      sql.query(
        `INSERT INTO open311_submissions (tenant_id, id, token, api_key_id, category_id, service_type, status, request_id, input, contact_encrypted, email_encrypted, device_id_index,
           account_ref, description, media_url, attributes, created_at, processed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16::jsonb, $17, $18)`,
        [
          tenant.id, id, token, key.id, submission.service.categoryId, submission.service.type, status, requestId, JSON.stringify(submission.input), contact, extras.emailEncrypted, extras.deviceIndex,
          submission.accountRef, submission.description, submission.mediaUrl, JSON.stringify(submission.attributes), now, status === 'created' ? now : null,
        ],
      ),
    );
  const answer = { service_notice: submission.service.notice, account_id: submission.accountRef };
  if (submission.service.type === 'batch') {
    const contact = Object.keys(submission.contact).length > 0 ? context.cipher.encrypt(JSON.stringify(submission.contact)) : null;
    await insert('queued', null, contact);
    return { token, ...answer };
  }
  let created;
  try {
    created = await createRequest(context, tenant.id, requestInput(submission.input, submission.contact), { channel: 'open311', createdBy: `open311:${id}` }, keyActor(key, ip));
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'validation') throw badRequest(`The request could not be made: ${error.en}`);
    throw error;
  }
  await insert('created', created.id, null);
  return { service_request_id: created.requestNo, ...answer };
}

/**
 * Makes the requests of queued batch submissions (and of any whose making was cut short), oldest first.
 * A submission is claimed in a short transaction; the request is looked for by its maker's mark before it
 * is made again, so a crash between making it and recording it never makes a second one.
 */
export async function processQueue(context: PlatformContext, tenantId: string, limit = 50): Promise<{ created: number; failed: number }> {
  const now = context.clock.now();
  const claimed = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ id: string; input: Submission['input']; contact_encrypted: Uint8Array | null; attempts: number; label: string }>(
      `UPDATE open311_submissions s SET status = 'creating', claimed_at = $1, attempts = s.attempts + 1
       FROM open311_api_keys k
       WHERE k.id = s.api_key_id AND s.id IN (
         SELECT id FROM open311_submissions
         WHERE service_type = 'batch' AND (status = 'queued' OR (status = 'creating' AND claimed_at < $2))
         ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING s.id, s.input, s.contact_encrypted, s.attempts, k.label`,
      [now, new Date(now.getTime() - 5 * 60_000), limit],
    ),
  );
  let created = 0;
  let failed = 0;
  for (const row of claimed) {
    const mark = `open311:${row.id}`;
    try {
      const earlier = row.attempts > 1 ? await context.db.withTenant(tenantId, (sql) => sql.query<{ id: string }>("SELECT id FROM service_requests WHERE created_by = $1 AND channel = 'open311'", [mark])) : [];
      const contact = row.contact_encrypted ? (JSON.parse(context.cipher.decrypt(row.contact_encrypted)) as Submission['contact']) : {};
      const requestId = earlier[0]?.id ?? (await createRequest(context, tenantId, requestInput(row.input, contact), { channel: 'open311', createdBy: mark }, keyActor(row, null))).id;
      await context.db.withTenant(tenantId, (sql) =>
        sql.query("UPDATE open311_submissions SET status = 'created', request_id = $2, contact_encrypted = NULL, processed_at = $3, last_error = NULL WHERE id = $1", [row.id, requestId, context.clock.now()]),
      );
      created += 1;
    } catch (error) {
      // A refusal by the service desk (a category made inactive since) is final; anything else is tried again later.
      const isFinal = error instanceof DomainError || row.attempts >= 5;
      await context.db.withTenant(tenantId, (sql) =>
        sql.query(`UPDATE open311_submissions SET status = $2, last_error = $3, contact_encrypted = CASE WHEN $2 = 'failed' THEN NULL ELSE contact_encrypted END WHERE id = $1`, [
          row.id,
          isFinal ? 'failed' : 'creating',
          String(error instanceof DomainError ? `${error.code}: ${error.en}` : error).slice(0, 500),
        ]),
      );
      if (isFinal) failed += 1;
    }
  }
  return { created, failed };
}

// ---- GET requests ----

interface RequestRow {
  id: string;
  request_no: string;
  state: RequestState;
  address: string | null;
  premise_id: string | null;
  latitude: string | null;
  longitude: string | null;
  created_at: Date;
  updated_at: Date;
  category_code: string;
  category_name: string;
  submitted_description: string;
  media_url: string | null;
  expected_at: Date | null;
}

const SELECT = `SELECT r.id, r.request_no, r.state, r.address, r.premise_id, r.latitude, r.longitude, r.created_at, r.updated_at,
    c.code AS category_code, c.name AS category_name, s.description AS submitted_description, s.media_url,
    (SELECT d.due_at FROM service_request_deadlines d WHERE d.request_id = r.id AND d.time_limit IN ('close', 'restore') ORDER BY d.due_at DESC LIMIT 1) AS expected_at
  FROM open311_submissions s JOIN service_requests r ON r.id = s.request_id JOIN service_categories c ON c.id = r.category_id`;

const isClosed = (state: RequestState) => state === 'closed' || state === 'cancelled';

/** status_notes: the state, and the answer given to the public (a respond, close or cancel note) if it stands. */
async function statusNotes(context: PlatformContext, tenantId: string, rows: RequestRow[]): Promise<Map<string, string>> {
  const events = rows.length === 0 ? [] : await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ request_id: string; step: string; note: string | null }>(
      "SELECT request_id, step, note FROM service_request_events WHERE request_id = ANY($1::uuid[]) AND step IN ('respond', 'close', 'cancel', 'reopen') ORDER BY request_id, seq",
      [rows.map((row) => row.id)],
    ),
  );
  const answers = new Map<string, string | null>();
  for (const event of events) {
    const note = event.note?.trim() || null;
    // A reopened request's earlier answer no longer stands; a close without a note keeps the answer given.
    if (event.step === 'reopen') answers.set(event.request_id, null);
    else if (note || event.step !== 'close') answers.set(event.request_id, note);
  }
  return new Map(rows.map((row) => {
    const answer = answers.get(row.id);
    return [row.id, answer ? `${stateName(row.state)}：${answer}` : stateName(row.state)];
  }));
}

async function toViews(context: PlatformContext, tenant: Tenant, rows: RequestRow[]): Promise<Tree[]> {
  const notes = await statusNotes(context, tenant.id, rows);
  // Every service, published or not: a request stays readable when its category is unpublished later.
  const services = new Map((await servicesOf(context, tenant.id)).map((service) => [service.code, service]));
  return rows.map((row) => ({
    service_request_id: row.request_no,
    status: isClosed(row.state) ? 'closed' : 'open',
    status_notes: notes.get(row.id) ?? stateName(row.state),
    service_name: row.category_name,
    service_code: row.category_code,
    description: row.submitted_description || null,
    agency_responsible: tenant.name,
    service_notice: services.get(row.category_code)?.notice ?? null,
    requested_datetime: row.created_at.toISOString(),
    updated_datetime: row.updated_at.toISOString(),
    expected_datetime: row.expected_at?.toISOString() ?? null,
    address: row.address,
    address_id: row.premise_id,
    zipcode: null,
    lat: row.latitude === null ? null : Number(row.latitude),
    long: row.longitude === null ? null : Number(row.longitude),
    media_url: row.media_url,
  }));
}

const NINETY_DAYS = 90 * 86_400_000;
export const DEFAULT_LIMIT = 1000;

/** GET requests with the standard filters: a list of ids overrides the rest; otherwise at most 90 days and 1,000 requests, newest first. */
export async function searchRequests(context: PlatformContext, tenant: Tenant, fields: Fields): Promise<Tree[]> {
  const problems: string[] = [];
  const ids = single(fields, 'service_request_id', problems);
  const codes = single(fields, 'service_code', problems);
  const start = single(fields, 'start_date', problems);
  const end = single(fields, 'end_date', problems);
  const statuses = single(fields, 'status', problems);
  if (problems.length > 0) throw badRequest(...problems);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (ids !== undefined) {
    const list = [...new Set(ids.split(',').map((id) => id.trim()).filter(Boolean))];
    const malformed = list.filter((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id));
    if (malformed.length > 0) throw badRequest(`service_request_id must be request ids separated by commas; not ${malformed.join(', ')}`);
    if (list.length > DEFAULT_LIMIT) throw badRequest(`service_request_id may list at most ${DEFAULT_LIMIT} ids`);
    add('r.request_no = ANY(?::text[])', list);
  } else {
    if (codes !== undefined) {
      const list = [...new Set(codes.split(',').map((code) => code.trim()).filter(Boolean))];
      const known = new Set((await servicesOf(context, tenant.id)).map((service) => service.code));
      const unknown = list.filter((code) => !known.has(code));
      if (unknown.length > 0) throw badRequest(`service_code ${unknown.join(', ')} is not a service of this jurisdiction`);
      add('c.code = ANY(?::text[])', list);
    }
    if (statuses !== undefined) {
      const list = [...new Set(statuses.split(',').map((status) => status.trim()).filter(Boolean))];
      const wrong = list.filter((status) => status !== 'open' && status !== 'closed');
      if (wrong.length > 0) throw badRequest(`status must be open, closed or both separated by a comma; not ${wrong.join(', ')}`);
      if (list.length === 1) where.push(list[0] === 'open' ? "r.state NOT IN ('closed', 'cancelled')" : "r.state IN ('closed', 'cancelled')");
    }
    const from = start === undefined ? undefined : parseW3cDateTime(start);
    const to = end === undefined ? undefined : parseW3cDateTime(end);
    if (from === null) problems.push('start_date must be a w3 date and time with a time zone, e.g. 2010-01-01T00:00:00Z');
    if (to === null) problems.push('end_date must be a w3 date and time with a time zone, e.g. 2010-01-01T00:00:00Z');
    if (problems.length > 0) throw badRequest(...problems);
    const now = context.clock.now();
    const range = from && to ? { from, to } : from ? { from, to: new Date(from.getTime() + NINETY_DAYS) } : to ? { from: new Date(to.getTime() - NINETY_DAYS), to } : { from: new Date(now.getTime() - NINETY_DAYS), to: now };
    if (range.to < range.from) throw badRequest('end_date must not be before start_date');
    if (range.to.getTime() - range.from.getTime() > NINETY_DAYS) throw badRequest('start_date and end_date may not span more than 90 days');
    add('r.created_at >= ?', range.from);
    add('r.created_at <= ?', range.to);
  }
  params.push(DEFAULT_LIMIT);
  const rows = await context.db.withTenant(tenant.id, (sql) =>
    sql.query<RequestRow>(`${SELECT} WHERE ${where.length > 0 ? where.join(' AND ') : 'true'} ORDER BY r.created_at DESC, r.request_no DESC LIMIT $${params.length}`, params),
  );
  return toViews(context, tenant, rows);
}

/** GET requests/{id}: one request, by its number (service_request_id). */
export async function findRequest(context: PlatformContext, tenant: Tenant, requestNo: string): Promise<Tree[]> {
  const rows = /^[A-Za-z0-9_-]{1,64}$/.test(requestNo) ? await context.db.withTenant(tenant.id, (sql) => sql.query<RequestRow>(`${SELECT} WHERE r.request_no = $1`, [requestNo])) : [];
  if (rows.length === 0) throw notFound(`service_request_id ${requestNo} was not found`);
  return toViews(context, tenant, rows);
}

/** GET tokens/{token}: the request made for a submission (no service_request_id while it waits in the queue). */
export async function findToken(context: PlatformContext, tenant: Tenant, token: string): Promise<Tree[]> {
  const rows = /^[A-Za-z0-9_-]{16,64}$/.test(token)
    ? await context.db.withTenant(tenant.id, (sql) =>
        sql.query<{ token: string; request_no: string | null }>('SELECT s.token, r.request_no FROM open311_submissions s LEFT JOIN service_requests r ON r.id = s.request_id WHERE s.token = $1', [token]),
      )
    : [];
  const row = rows[0];
  if (!row) throw notFound(`token ${token} was not found`);
  return [{ service_request_id: row.request_no, token: row.token }];
}

