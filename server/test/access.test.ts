import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession } from '../src/platform/auth/sessions';
import { PORTAL_COOKIE, STAFF_COOKIE } from '../src/platform/http/guards';
import { permissionsOf, ROLES, type Role } from '../src/platform/permissions';
import {
  aRoleWith,
  currentTarget,
  describeEndpoint,
  type Endpoint,
  isPublicPath,
  mayCall,
  outcome,
  PORTAL_ENDPOINTS,
  PUBLIC_ENDPOINTS,
  rowCounts,
  STAFF_ENDPOINTS,
  type StaffEndpoint,
  takesId,
  type Target,
  tenantOwnedTables,
} from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { Client, createTestEnvironment, type TestEnvironment, TEST_PASSWORD, type Utility } from './harness';

// Who may do what, on one utility's own data. The expected answer of every (role, endpoint) pair comes
// from the role table in permissions.ts and the permission each endpoint documents (endpoints.ts), so a
// route guarded by the wrong permission, or by none, fails here.

interface OpenApiOperation {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; $ref?: string } }> };
}
interface OpenApiDocument {
  paths: Record<string, Partial<Record<'get' | 'post' | 'patch' | 'put' | 'delete', OpenApiOperation>>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

let environment: TestEnvironment;
let utility: Utility;
let home: CustomerWithAccount;
let other: CustomerWithAccount;
let tables: string[];
let document: OpenApiDocument;
const staff = {} as Record<Role, Client>;
/** Owns the home household's account. */
let owner: Client;
/** Owns the other household's account. */
let neighbour: Client;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('access');
  home = await givenCustomerWithAccount(environment, utility, { name: '王秀英' });
  other = await givenCustomerWithAccount(environment, utility, { name: '李建国' });
  for (const role of ROLES) staff[role] = await environment.loginStaff(utility, role);
  owner = await environment.loginPortal(utility, '13700003333');
  neighbour = await environment.loginPortal(utility, '13700004444');
  expect((await owner.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '王秀英' })).status).toBe(201);
  expect((await neighbour.post('/api/portal/bindings', { accountNo: other.account.accountNo, holderName: '李建国' })).status).toBe(201);
  tables = await tenantOwnedTables(environment);
  document = (await environment.anonymous.get<OpenApiDocument>('/api/openapi.json')).body;
});
afterAll(() => environment.close());

const target = () => currentTarget(environment, utility, home);

/** The household as a role allowed to read it sees it, and how many rows every table holds. */
async function snapshot() {
  const reader = staff[aRoleWith('customer.read', ROLES)];
  const [household, rows] = await Promise.all([reader.get(`/api/customers/${home.customer.id}`), rowCounts(environment, tables, utility.tenant.id)]);
  return { household: household.body, rows };
}

const send = (client: Client, endpoint: Endpoint, at: Target, extra: Record<string, unknown> = {}) =>
  client.request(endpoint.method, endpoint.url(at), endpoint.body ? { ...endpoint.body(at), ...extra } : undefined);

/** The one error shape, with the code of a refused permission. */
const forbiddenBody = { code: 'forbidden', message: { zh: expect.any(String), en: expect.any(String) }, fields: [] };

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation: operation as OpenApiOperation })),
  );

function matrixCase(endpoint: StaffEndpoint, role: Role): [string, StaffEndpoint, Role, boolean] {
  const allowed = mayCall(role, endpoint);
  const rule = endpoint.permission === 'staff session' ? 'any staff session' : endpoint.permission;
  const name = allowed
    ? `${role} may ${describeEndpoint(endpoint)} (${rule})`
    : `${role} may not ${describeEndpoint(endpoint)} (${rule}): 403, and nothing changes`;
  return [name, endpoint, role, allowed];
}

/** A second session of a role's staff member, started directly (no password hashing), for logging out. */
async function anotherSession(role: Role): Promise<Client> {
  const session = await environment.db.withTenant(utility.tenant.id, (sql) =>
    startSession(environment.context, sql, utility.tenant.id, { kind: 'staff', staffId: utility.staff[role].id }, { ip: null, userAgent: null }),
  );
  return new Client(environment.app, `${STAFF_COOKIE}=${session.token}`, session.csrfToken);
}

async function tryAs(endpoint: StaffEndpoint, role: Role, allowed: boolean) {
  const at = await target();
  const client = endpoint.endsSession ? await anotherSession(role) : staff[role];
  const before = endpoint.endsSession ? null : await snapshot();
  const response = await send(client, endpoint, at);
  if (allowed) {
    expect(outcome(response), JSON.stringify(response.body)).toBe(String(endpoint.success));
    // A write let through does change something, so "nothing changes" below is a real check.
    if (before && endpoint.method !== 'GET' && !endpoint.readsOnly) expect(await snapshot()).not.toEqual(before);
    if (endpoint.endsSession) expect((await client.get('/api/staff/me')).status).toBe(401);
  } else {
    expect(response.status).toBe(403);
    expect(response.body).toEqual(forbiddenBody);
    expect(await snapshot()).toEqual(before);
  }
}

describe('the access matrix: endpoints that take an id, for every role', () => {
  it.each(STAFF_ENDPOINTS.filter(takesId).flatMap((endpoint) => ROLES.map((role) => matrixCase(endpoint, role))))('%s', async (_name, endpoint, role, allowed) => {
    await tryAs(endpoint, role, allowed);
  });
});

describe('the access matrix: the other staff endpoints, for every role', () => {
  it.each(STAFF_ENDPOINTS.filter((endpoint) => !takesId(endpoint)).flatMap((endpoint) => ROLES.map((role) => matrixCase(endpoint, role))))('%s', async (_name, endpoint, role, allowed) => {
    await tryAs(endpoint, role, allowed);
  });
});

describe('the permission check comes before the request is read', () => {
  it('a role without the permission gets 403 even for a body that would not validate, and learns nothing of its schema', async () => {
    const at = await target();
    const guarded = STAFF_ENDPOINTS.filter((endpoint) => endpoint.body && ROLES.some((role) => !mayCall(role, endpoint)));
    const answers: Record<string, string> = {};
    for (const endpoint of guarded) {
      const role = ROLES.find((candidate) => !mayCall(candidate, endpoint)) as Role;
      answers[`${role}: ${describeEndpoint(endpoint)}`] = outcome(await staff[role].request(endpoint.method, endpoint.url(at), {}));
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(answers).map((key) => [key, '403 forbidden'])));
  });
});

describe('segregation of duties (permissions.ts: nobody both writes records and audits them; the administrator neither audits nor reveals)', () => {
  it('POST /api/staff refuses a member whose roles together would break it, and creates nobody', async () => {
    const writes = ['customer.write', 'account.write', 'premise.write', 'meter.write', 'staff.manage'] as const;
    const conflicting = ROLES.flatMap((first, index) =>
      ROLES.slice(index + 1)
        .filter((second) => {
          const granted = permissionsOf([first, second]);
          const audits = granted.includes('audit.read') && writes.some((permission) => granted.includes(permission));
          const adminReveals = granted.includes('staff.manage') && (granted.includes('audit.read') || granted.includes('customer.reveal'));
          return audits || adminReveals;
        })
        .map((second) => [first, second]),
    );
    expect(conflicting.length).toBeGreaterThan(0);
    const before = await rowCounts(environment, tables, utility.tenant.id);
    const answers: Record<string, string> = {};
    for (const [index, roles] of conflicting.entries()) {
      const response = await staff.admin.post('/api/staff', { username: `two-hats-${index}`, displayName: '兼职', password: 'A-long-enough-password', roles });
      answers[roles.join(' + ')] = String(response.status);
    }
    expect(answers).toEqual(Object.fromEntries(conflicting.map((roles) => [roles.join(' + '), '400'])));
    expect(await rowCounts(environment, tables, utility.tenant.id)).toEqual(before);
  });
});

describe('sessions of the wrong kind, and none', () => {
  it("a portal user cannot read or unbind an account bound only by another portal user (404), whose binding stays", async () => {
    expect((await owner.get(`/api/portal/accounts/${home.account.id}`)).status).toBe(200);
    expect(outcome(await owner.get(`/api/portal/accounts/${other.account.id}`))).toBe('404 not_found');
    expect(outcome(await owner.delete(`/api/portal/bindings/${other.account.id}`))).toBe('404 not_found');
    expect((await neighbour.get(`/api/portal/accounts/${other.account.id}`)).status).toBe(200);
    const listed = await owner.get<{ accounts: { id: string }[] }>('/api/portal/accounts');
    expect(listed.body.accounts.map((account) => account.id)).toEqual([home.account.id]);
  });

  it('a portal session reaches no staff endpoint (401), even with well-formed requests', async () => {
    const at = await target();
    const before = await snapshot();
    const answers: Record<string, string> = {};
    for (const endpoint of STAFF_ENDPOINTS) answers[describeEndpoint(endpoint)] = outcome(await send(owner, endpoint, at));
    expect(answers).toEqual(Object.fromEntries(STAFF_ENDPOINTS.map((endpoint) => [describeEndpoint(endpoint), '401 unauthenticated'])));
    expect(await snapshot()).toEqual(before);
  });

  it.each(ROLES)('a staff session (%s) reaches no portal endpoint (401), even with well-formed requests', async (role) => {
    const at = await target();
    const before = await snapshot();
    const answers: Record<string, string> = {};
    for (const endpoint of PORTAL_ENDPOINTS) answers[describeEndpoint(endpoint)] = outcome(await send(staff[role], endpoint, at));
    expect(answers).toEqual(Object.fromEntries(PORTAL_ENDPOINTS.map((endpoint) => [describeEndpoint(endpoint), '401 unauthenticated'])));
    expect(await snapshot()).toEqual(before);
  });

  it('a session token is refused under the other kind of cookie', async () => {
    const cookieOf = (setCookie: unknown) => String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]?.split('=')[1] ?? '';
    const staffLogin = await environment.app.inject({ method: 'POST', url: '/api/staff/login', payload: { tenant: utility.tenant.code, username: utility.staff.counter_clerk.username, password: TEST_PASSWORD } });
    const phone = '13700005555';
    expect((await environment.anonymous.post('/api/portal/otp', { tenant: utility.tenant.code, phone })).status).toBe(202);
    const code = await environment.latestCode(utility, phone);
    const portalLogin = await environment.app.inject({ method: 'POST', url: '/api/portal/login', payload: { tenant: utility.tenant.code, phone, code } });
    const staffToken = cookieOf(staffLogin.headers['set-cookie']);
    const portalToken = cookieOf(portalLogin.headers['set-cookie']);
    const csrf = (response: typeof staffLogin) => (response.json() as { csrfToken: string }).csrfToken;
    expect(staffToken.length).toBeGreaterThan(20);
    expect(portalToken.length).toBeGreaterThan(20);
    // Under their own names both work; swapped, neither does.
    expect((await new Client(environment.app, `${STAFF_COOKIE}=${staffToken}`, csrf(staffLogin)).get('/api/staff/me')).status).toBe(200);
    expect((await new Client(environment.app, `${PORTAL_COOKIE}=${portalToken}`, csrf(portalLogin)).get('/api/portal/me')).status).toBe(200);
    expect((await new Client(environment.app, `${PORTAL_COOKIE}=${staffToken}`, csrf(staffLogin)).get('/api/portal/me')).status).toBe(401);
    expect((await new Client(environment.app, `${STAFF_COOKIE}=${portalToken}`, csrf(portalLogin)).get('/api/staff/me')).status).toBe(401);
  });

  it('anonymous gets 401 from every staff and portal endpoint, for well-formed requests', async () => {
    const at = await target();
    const before = await snapshot();
    const endpoints = [...STAFF_ENDPOINTS, ...PORTAL_ENDPOINTS];
    const answers: Record<string, string> = {};
    for (const endpoint of endpoints) answers[describeEndpoint(endpoint)] = outcome(await send(environment.anonymous, endpoint, at));
    expect(answers).toEqual(Object.fromEntries(endpoints.map((endpoint) => [describeEndpoint(endpoint), '401 unauthenticated'])));
    expect(await snapshot()).toEqual(before);
  });

  it('anonymous gets 401 from every endpoint of the OpenAPI document but the public ones, whatever the request ({} bodies, random ids)', async () => {
    const protectedOperations = operations().filter(({ path }) => !isPublicPath(path));
    expect(protectedOperations.length).toBeGreaterThan(20);
    const answers: Record<string, string> = {};
    for (const { path, method } of protectedOperations) {
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      const response = await environment.anonymous.request(method as Endpoint['method'], url, method === 'GET' ? undefined : {});
      answers[`${method} ${path}`] = outcome(response);
    }
    expect(answers).toEqual(Object.fromEntries(protectedOperations.map(({ path, method }) => [`${method} ${path}`, '401 unauthenticated'])));
  });
});

describe('fields a client must not set', () => {
  // Values an attacker would pick: another tenant, the top role, numbers of someone else's records.
  const SMUGGLED: Record<string, unknown> = {
    tenant_id: randomUUID(),
    tenantId: randomUUID(),
    role: 'admin',
    roles: ['admin'],
    id: randomUUID(),
    customerNo: 'C99999999',
    accountNo: '9999999999',
  };
  const withBody = [
    ...STAFF_ENDPOINTS.filter((endpoint) => endpoint.body).map((endpoint) => ({ endpoint, caller: `a ${endpoint.permission} role` })),
    ...PORTAL_ENDPOINTS.filter((endpoint) => endpoint.body).map((endpoint) => ({ endpoint, caller: 'its portal user' })),
    ...PUBLIC_ENDPOINTS.filter((endpoint) => endpoint.body).map((endpoint) => ({ endpoint, caller: 'anyone' })),
  ];

  function callerOf(endpoint: Endpoint): Client {
    if (STAFF_ENDPOINTS.includes(endpoint as StaffEndpoint)) {
      const { permission } = endpoint as StaffEndpoint;
      return staff[permission === 'staff session' ? 'admin' : aRoleWith(permission, ROLES)];
    }
    return PORTAL_ENDPOINTS.includes(endpoint) ? owner : environment.anonymous;
  }

  /** The fields the endpoint's documented request body accepts. */
  function acceptedFields(endpoint: Endpoint): string[] {
    const operation = document.paths[endpoint.path]?.[endpoint.method.toLowerCase() as 'post'];
    const schema = operation?.requestBody?.content['application/json']?.schema;
    const resolved = schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').at(-1) ?? ''] : schema;
    if (!resolved?.properties) throw new Error(`${describeEndpoint(endpoint)} documents no request body`);
    return Object.keys(resolved.properties);
  }

  it.each(withBody.map(({ endpoint, caller }) => [describeEndpoint(endpoint), caller, endpoint] as const))(
    '%s, sent by %s, refuses each of tenant_id, tenantId, role, roles, id, customerNo, accountNo its schema lacks: 400 naming the field, nothing written',
    async (_name, _caller, endpoint) => {
      const accepted = acceptedFields(endpoint);
      const smuggled = Object.keys(SMUGGLED).filter((field) => !accepted.includes(field));
      expect(smuggled.length).toBeGreaterThan(0);
      const at = await target();
      const before = await snapshot();
      const answers: Record<string, unknown> = {};
      for (const field of smuggled) answers[field] = (await send(callerOf(endpoint), endpoint, at, { [field]: SMUGGLED[field] })).body;
      const refusal = (field: string) => ({
        code: 'validation_failed',
        message: { zh: expect.stringContaining(field), en: expect.stringContaining(field) },
        fields: [{ field, zh: expect.any(String), en: expect.any(String) }],
      });
      expect(answers).toEqual(Object.fromEntries(smuggled.map((field) => [field, refusal(field)])));
      expect(await snapshot()).toEqual(before);
    },
  );
});

describe('the endpoint tables', () => {
  it('cover every operation of the OpenAPI document, with the session kind it declares', () => {
    const declared = (operation: OpenApiOperation) => {
      const schemes = new Set((operation.security ?? []).flatMap((requirement) => Object.keys(requirement)));
      return schemes.has('staffSession') ? 'staff' : schemes.has('portalSession') ? 'portal' : 'public';
    };
    const documented = operations()
      .map(({ path, method, operation }) => `${method} ${path} (${declared(operation)})`)
      .sort();
    const tabled = [
      ...STAFF_ENDPOINTS.map((endpoint) => `${describeEndpoint(endpoint)} (staff)`),
      ...PORTAL_ENDPOINTS.map((endpoint) => `${describeEndpoint(endpoint)} (portal)`),
      ...PUBLIC_ENDPOINTS.map((endpoint) => `${describeEndpoint(endpoint)} (public)`),
    ].sort();
    expect(tabled).toEqual(documented);
  });
});
