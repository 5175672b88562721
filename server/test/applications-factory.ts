/**
 * A utility's connection team for application tests: staff of the roles the stages need, in their
 * departments, logged in; a reading route; documents to upload.
 */
import type { Role } from '../src/platform/permissions';
import { Client, TEST_PASSWORD, type TestEnvironment, type Utility } from './harness';
import { TINY_PNG_BASE64 } from './reading-factory';

export const PHOTO = { dataBase64: TINY_PNG_BASE64, fileName: '证件.png' };

export interface TeamMember {
  id: string;
  name: string;
  username: string;
  /** Replaced by relogin after the test clock moves past the session's limits. */
  client: Client;
}

async function login(environment: TestEnvironment, utility: Utility, username: string): Promise<Client> {
  const response = await environment.anonymous.post<{ csrfToken: string }>('/api/staff/login', { tenant: utility.tenant.code, username, password: TEST_PASSWORD });
  if (response.status !== 200) throw new Error(`login of ${username} failed: ${response.status}`);
  const cookie = String(([] as string[]).concat(response.headers['set-cookie'] as string[] | string)[0]).split(';')[0] ?? '';
  return new Client(environment.app, cookie, response.body.csrfToken);
}

/** New sessions for team members whose sessions the moved test clock has ended. */
export async function relogin(environment: TestEnvironment, utility: Utility, members: readonly TeamMember[]): Promise<void> {
  for (const member of members) member.client = await login(environment, utility, member.username);
}

/**
 * Adds a staff member with the given roles and department (or none) and logs them in. The password is the
 * test password: the hash is copied from the utility's counter clerk.
 */
export async function givenStaff(environment: TestEnvironment, utility: Utility, username: string, roles: Role[], department: string | null): Promise<TeamMember> {
  const name = `${username} 员工`;
  const id = await environment.db.withTenant(utility.tenant.id, async (sql) => {
    const [row] = await sql.query<{ id: string }>(
      "INSERT INTO staff (tenant_id, username, display_name, password_hash, department) SELECT $1, $2, $3, password_hash, $4 FROM staff WHERE username = 'counter-clerk' RETURNING id",
      [utility.tenant.id, username, name, department],
    );
    const staffId = (row as { id: string }).id;
    for (const role of roles) await sql.query('INSERT INTO staff_roles (tenant_id, staff_id, role) VALUES ($1, $2, $3)', [utility.tenant.id, staffId, role]);
    return staffId;
  });
  return { id, name, username, client: await login(environment, utility, username) };
}

/** The team a new connection needs, each connection stage with its own person and the departments the rules ask for. */
export async function givenConnectionTeam(environment: TestEnvironment, utility: Utility) {
  const prefix = utility.tenant.code.toLowerCase();
  return {
    surveyor: await givenStaff(environment, utility, `${prefix}-surveyor`, ['connection_staff'], 'connection'),
    designer: await givenStaff(environment, utility, `${prefix}-designer`, ['connection_staff'], 'design'),
    estimator: await givenStaff(environment, utility, `${prefix}-estimator`, ['connection_staff'], 'connection'),
    builder: await givenStaff(environment, utility, `${prefix}-builder`, ['connection_staff'], 'engineering'),
    inspector: await givenStaff(environment, utility, `${prefix}-inspector`, ['connection_staff'], 'quality'),
    // In the design office: may inspect nothing the design office designed.
    designOfficeInspector: await givenStaff(environment, utility, `${prefix}-design-insp`, ['connection_staff'], 'design'),
    // No department recorded: the department rule cannot be shown to hold.
    noDepartment: await givenStaff(environment, utility, `${prefix}-nodept`, ['connection_staff'], null),
    clerk: await givenStaff(environment, utility, `${prefix}-clerk`, ['counter_clerk'], 'customer_service'),
    reader: await givenStaff(environment, utility, `${prefix}-reader`, ['meter_reader'], 'reading'),
  };
}

/** A reading route of the utility (抄表本) new accounts can be put on. */
export async function givenRoute(environment: TestEnvironment, utility: Utility, code: string): Promise<string> {
  return environment.db.withTenant(utility.tenant.id, async (sql) => {
    const [row] = await sql.query<{ id: string }>('INSERT INTO reading_routes (tenant_id, code, name) VALUES ($1, $2, $3) RETURNING id', [utility.tenant.id, code, `抄表本 ${code}`]);
    return (row as { id: string }).id;
  });
}
