import { insertPremise } from '../src/modules/customers';
import { type Permission, permissionsOf, type Role } from '../src/platform/permissions';
import type { CustomerWithAccount } from './factories';
import { type Response, TEST_PASSWORD, type TestEnvironment, type Utility } from './harness';

/**
 * Every endpoint of the API with a request that passes validation, for the access and tenant-isolation
 * tests. A row's permission is the rule as documented (docs/API.md); who holds it comes from the role table
 * in server/src/platform/permissions.ts, so a wrong guard on a route shows up as a wrong status.
 */

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The records the endpoints act on: one household of one utility, as it stands now. */
export interface Target {
  tenantCode: string;
  customerId: string;
  customerVersion: number;
  holderName: string;
  contactId: string;
  premiseId: string;
  premiseVersion: number;
  accountId: string;
  accountNo: string;
  accountVersion: number;
  meterId: string;
  meterVersion: number;
  /** A premise with no open account, where an account can be opened. */
  freePremiseId: string;
}

export interface Endpoint {
  method: Method;
  /** The path as the OpenAPI document writes it. */
  path: string;
  /** The status of success. */
  success: number;
  url(target: Target): string;
  /** A body that passes validation and, if let through, writes something. */
  body?(target: Target): Record<string, unknown>;
  /** Ends the caller's session (logout), so it is tried with a session of its own. */
  endsSession?: boolean;
}

export interface StaffEndpoint extends Endpoint {
  /** What the route requires: a permission, or only a staff session. */
  permission: Permission | 'staff session';
}

let serial = 0;
/** A value no earlier request used, so every let-through write changes something. */
const unique = () => {
  serial += 1;
  return serial;
};

export const STAFF_ENDPOINTS: readonly StaffEndpoint[] = [
  { method: 'GET', path: '/api/staff/me', permission: 'staff session', success: 200, url: () => '/api/staff/me' },
  { method: 'POST', path: '/api/staff/logout', permission: 'staff session', success: 204, url: () => '/api/staff/logout', endsSession: true },
  { method: 'GET', path: '/api/customers', permission: 'customer.read', success: 200, url: () => `/api/customers?q=${encodeURIComponent('客户')}` },
  {
    method: 'POST', path: '/api/customers', permission: 'customer.write', success: 201, url: () => '/api/customers',
    body: () => ({ kind: 'individual', name: `新客户${unique()}`, phone: '13600000000' }),
  },
  { method: 'GET', path: '/api/customers/{id}', permission: 'customer.read', success: 200, url: (t) => `/api/customers/${t.customerId}` },
  {
    method: 'PATCH', path: '/api/customers/{id}', permission: 'customer.write', success: 200, url: (t) => `/api/customers/${t.customerId}`,
    body: (t) => ({ version: t.customerVersion, notes: `备注 ${unique()}` }),
  },
  {
    method: 'POST', path: '/api/customers/{id}/reveal', permission: 'customer.reveal', success: 200, url: (t) => `/api/customers/${t.customerId}/reveal`,
    body: () => ({ field: 'phone' }),
  },
  {
    method: 'POST', path: '/api/customers/{id}/contacts', permission: 'customer.write', success: 201, url: (t) => `/api/customers/${t.customerId}/contacts`,
    body: () => ({ name: `联系人${unique()}`, relation: '配偶', phone: '13500000000' }),
  },
  {
    method: 'PATCH', path: '/api/contacts/{id}', permission: 'customer.write', success: 200, url: (t) => `/api/contacts/${t.contactId}`,
    body: () => ({ relation: `亲属${unique()}` }),
  },
  { method: 'DELETE', path: '/api/contacts/{id}', permission: 'customer.write', success: 204, url: (t) => `/api/contacts/${t.contactId}` },
  { method: 'GET', path: '/api/districts', permission: 'customer.read', success: 200, url: () => '/api/districts' },
  { method: 'GET', path: '/api/premises/{id}', permission: 'customer.read', success: 200, url: (t) => `/api/premises/${t.premiseId}` },
  {
    method: 'POST', path: '/api/premises', permission: 'premise.write', success: 201, url: () => '/api/premises',
    body: () => ({ district: '江汉区', street: '解放大道', address: `${unique()}号新建小区` }),
  },
  {
    method: 'PATCH', path: '/api/premises/{id}', permission: 'premise.write', success: 200, url: (t) => `/api/premises/${t.premiseId}`,
    body: (t) => ({ version: t.premiseVersion, address: `${unique()}号改建小区` }),
  },
  {
    method: 'POST', path: '/api/accounts', permission: 'account.write', success: 201, url: () => '/api/accounts',
    body: (t) => ({ customerId: t.customerId, premiseId: t.freePremiseId, category: 'residential' }),
  },
  {
    method: 'PATCH', path: '/api/accounts/{id}', permission: 'account.write', success: 200, url: (t) => `/api/accounts/${t.accountId}`,
    body: (t) => ({ version: t.accountVersion, householdSize: 1 + (unique() % 20) }),
  },
  { method: 'GET', path: '/api/meters/{id}', permission: 'customer.read', success: 200, url: (t) => `/api/meters/${t.meterId}` },
  {
    method: 'POST', path: '/api/meters', permission: 'meter.write', success: 201, url: () => '/api/meters',
    body: () => ({ serialNo: `NEW-${unique()}`, model: 'LXS-20E', sizeDn: 20, status: 'in_stock' }),
  },
  {
    method: 'PATCH', path: '/api/meters/{id}', permission: 'meter.write', success: 200, url: (t) => `/api/meters/${t.meterId}`,
    body: (t) => ({ version: t.meterVersion, model: `LXS-15E-${unique()}` }),
  },
  { method: 'GET', path: '/api/service-halls', permission: 'customer.read', success: 200, url: () => '/api/service-halls' },
  { method: 'GET', path: '/api/staff', permission: 'staff.read', success: 200, url: () => '/api/staff' },
  {
    method: 'POST', path: '/api/staff', permission: 'staff.manage', success: 201, url: () => '/api/staff',
    body: () => ({ username: `new-reader-${unique()}`, displayName: '新抄表员', password: 'A-long-enough-password', roles: ['meter_reader'] }),
  },
  { method: 'GET', path: '/api/audit', permission: 'audit.read', success: 200, url: () => '/api/audit?limit=200' },
  { method: 'GET', path: '/api/audit/verify', permission: 'audit.read', success: 200, url: () => '/api/audit/verify' },
  { method: 'GET', path: '/api/outbox', permission: 'outbox.read', success: 200, url: () => '/api/outbox?limit=200' },
];

/** Portal endpoints, as a portal user who has bound the target's account calls them. */
export const PORTAL_ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/api/portal/me', success: 200, url: () => '/api/portal/me' },
  { method: 'POST', path: '/api/portal/logout', success: 204, url: () => '/api/portal/logout', endsSession: true },
  { method: 'GET', path: '/api/portal/accounts', success: 200, url: () => '/api/portal/accounts' },
  { method: 'GET', path: '/api/portal/accounts/{id}', success: 200, url: (t) => `/api/portal/accounts/${t.accountId}` },
  {
    method: 'POST', path: '/api/portal/bindings', success: 201, url: () => '/api/portal/bindings',
    body: (t) => ({ accountNo: t.accountNo, holderName: t.holderName }),
  },
  { method: 'DELETE', path: '/api/portal/bindings/{id}', success: 204, url: (t) => `/api/portal/bindings/${t.accountId}` },
];

/** Endpoints anyone may call. */
export const PUBLIC_ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/api/health', success: 200, url: () => '/api/health' },
  { method: 'GET', path: '/api/tenants', success: 200, url: () => '/api/tenants' },
  {
    method: 'POST', path: '/api/staff/login', success: 200, url: () => '/api/staff/login',
    body: (t) => ({ tenant: t.tenantCode, username: 'counter-clerk', password: TEST_PASSWORD }),
  },
  { method: 'POST', path: '/api/portal/otp', success: 202, url: () => '/api/portal/otp', body: (t) => ({ tenant: t.tenantCode, phone: '13400000000' }) },
  {
    method: 'POST', path: '/api/portal/login', success: 401, url: () => '/api/portal/login',
    body: (t) => ({ tenant: t.tenantCode, phone: '13400000000', code: '000000' }),
  },
];

export const isPublicPath = (path: string): boolean =>
  PUBLIC_ENDPOINTS.some((endpoint) => endpoint.path === path) || path === '/api/docs' || path.startsWith('/api/docs/');

export const takesId = (endpoint: Endpoint): boolean => endpoint.path.includes('{id}');

export const describeEndpoint = (endpoint: Endpoint): string => `${endpoint.method} ${endpoint.path}`;

/** Whether a role may call a staff endpoint, by the role table. */
export function mayCall(role: Role, endpoint: StaffEndpoint): boolean {
  return endpoint.permission === 'staff session' || permissionsOf([role]).includes(endpoint.permission);
}

/** A role whose permissions include the given one (the first in the role table). */
export function aRoleWith(permission: Permission, roles: readonly Role[]): Role {
  const role = roles.find((candidate) => permissionsOf([candidate]).includes(permission));
  if (!role) throw new Error(`no role has ${permission}`);
  return role;
}

/**
 * The household's records as they stand, with a contact and a premise free for a new account created
 * directly in the database when earlier requests used them up.
 */
export async function currentTarget(environment: TestEnvironment, utility: Utility, household: CustomerWithAccount): Promise<Target> {
  const tenantId = utility.tenant.id;
  return environment.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ customer: number; name: string; premise: number; account: number; account_no: string; meter: number }>(
      `SELECT c.version AS customer, c.name, p.version AS premise, a.version AS account, a.account_no, m.version AS meter
       FROM customers c, premises p, accounts a, meters m WHERE c.id = $1 AND p.id = $2 AND a.id = $3 AND m.id = $4`,
      [household.customer.id, household.premise.id, household.account.id, household.meter.id],
    );
    const current = rows[0];
    if (!current) throw new Error('the household is gone');
    const contacts = await sql.query<{ id: string }>('SELECT id FROM contacts WHERE customer_id = $1 ORDER BY created_at, id LIMIT 1', [household.customer.id]);
    const contactId =
      contacts[0]?.id ??
      (
        await sql.query<{ id: string }>(
          "INSERT INTO contacts (tenant_id, customer_id, name, relation, phone) VALUES ($1, $2, '备用联系人', '子女', '13500000001') RETURNING id",
          [tenantId, household.customer.id],
        )
      )[0]?.id;
    const free = await sql.query<{ id: string }>(
      "SELECT p.id FROM premises p WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.premise_id = p.id AND a.status <> 'closed') ORDER BY p.created_at, p.id LIMIT 1",
    );
    const freePremiseId =
      free[0]?.id ?? (await insertPremise(environment.context, sql, tenantId, { district: '江岸区', street: '空置路', address: `${unique()}号空置房` })).id;
    if (!contactId) throw new Error('no contact');
    return {
      tenantCode: utility.tenant.code,
      customerId: household.customer.id,
      customerVersion: current.customer,
      holderName: current.name,
      contactId,
      premiseId: household.premise.id,
      premiseVersion: current.premise,
      accountId: household.account.id,
      accountNo: current.account_no,
      accountVersion: current.account,
      meterId: household.meter.id,
      meterVersion: current.meter,
      freePremiseId,
    };
  });
}

/** The tables that carry a tenant_id, from the catalog; partitions are reached through their parent. */
export async function tenantOwnedTables(environment: TestEnvironment): Promise<string[]> {
  const rows = await environment.ownerQuery<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
     ORDER BY c.relname`,
  );
  return rows.map((row) => row.table);
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** How many rows each tenant-owned table holds for one tenant. */
export async function rowCounts(environment: TestEnvironment, tables: readonly string[], tenantId: string): Promise<Record<string, number>> {
  const rows = await environment.db.withTenant(tenantId, (sql) =>
    sql.query<{ table: string; count: number }>(tables.map((table) => `SELECT '${table}' AS table, count(*)::int AS count FROM ${quoteIdentifier(table)}`).join(' UNION ALL ')),
  );
  return Object.fromEntries(rows.map((row) => [row.table, row.count]));
}

export interface ErrorBody {
  code: string;
  message: { zh: string; en: string };
  fields: { field: string; zh: string; en: string }[];
}

/** A status line for failure messages: the status and the error code, if any. */
export const outcome = (response: Response): string =>
  `${response.status}${(response.body as Partial<ErrorBody> | undefined)?.code ? ` ${(response.body as ErrorBody).code}` : ''}`;
