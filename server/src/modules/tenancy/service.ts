import argon2 from 'argon2';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField } from '../../platform/errors';
import type { Role } from '../../platform/permissions';
import { createTenantSettings } from './settings';
import type { NewStaff, ServiceHall, StaffMember, TenantSummary } from './schemas';

export interface Tenant extends TenantSummary {
  id: string;
  timeZone: string;
}

interface TenantRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  hotline: string | null;
  time_zone: string;
}

const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  code: row.code,
  name: row.name,
  nameEn: row.name_en,
  hotline: row.hotline,
  timeZone: row.time_zone,
});

export async function listTenants(context: PlatformContext): Promise<Tenant[]> {
  const rows = await context.db.withoutTenant((sql) =>
    sql.query<TenantRow>('SELECT id, code, name, name_en, hotline, time_zone FROM tenants ORDER BY code'),
  );
  return rows.map(toTenant);
}

export async function findTenantByCode(context: PlatformContext, code: string): Promise<Tenant | null> {
  const rows = await context.db.withoutTenant((sql) =>
    sql.query<TenantRow>('SELECT id, code, name, name_en, hotline, time_zone FROM tenants WHERE code = $1', [code]),
  );
  return rows[0] ? toTenant(rows[0]) : null;
}

export async function findTenantById(context: PlatformContext, id: string): Promise<Tenant> {
  const rows = await context.db.withoutTenant((sql) =>
    sql.query<TenantRow>('SELECT id, code, name, name_en, hotline, time_zone FROM tenants WHERE id = $1', [id]),
  );
  if (!rows[0]) throw new Error(`Tenant ${id} does not exist`);
  return toTenant(rows[0]);
}

/** The tenant a login names, or the same "unknown utility" answer whatever the reason. */
export async function requireTenantByCode(context: PlatformContext, code: string): Promise<Tenant> {
  const tenant = await findTenantByCode(context, code);
  if (!tenant) throw invalidField('tenant', '供水单位不存在', 'no such utility');
  return tenant;
}

/** Creating a utility is an installation-level act, so it runs as the database owner (CLI only). */
export async function createTenant(
  context: PlatformContext,
  input: { code: string; name: string; nameEn: string; hotline?: string | null; timeZone?: string },
): Promise<Tenant> {
  const row = await context.db.asOwner(async (sql) => {
    const rows = await sql.query<TenantRow>(
      `INSERT INTO tenants (code, name, name_en, hotline, time_zone) VALUES ($1, $2, $3, $4, $5)
       RETURNING id, code, name, name_en, hotline, time_zone`,
      [input.code, input.name, input.nameEn, input.hotline ?? null, input.timeZone ?? 'Asia/Shanghai'],
    );
    const created = rows[0] as TenantRow;
    await createTenantSettings(sql, created.id);
    return created;
  });
  return toTenant(row);
}

export async function listServiceHalls(context: PlatformContext, tenantId: string): Promise<ServiceHall[]> {
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ id: string; name: string; address: string; phone: string | null; opening_hours: string; is_government_centre: boolean }>(
      'SELECT id, name, address, phone, opening_hours, is_government_centre FROM service_halls ORDER BY is_government_centre, name',
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    address: row.address,
    phone: row.phone,
    openingHours: row.opening_hours,
    isGovernmentCentre: row.is_government_centre,
  }));
}

export async function createServiceHall(
  sql: Sql,
  tenantId: string,
  hall: Omit<ServiceHall, 'id'>,
): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO service_halls (tenant_id, name, address, phone, opening_hours, is_government_centre)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [tenantId, hall.name, hall.address, hall.phone, hall.openingHours, hall.isGovernmentCentre],
  );
  return (rows[0] as { id: string }).id;
}

export const hashPassword = (password: string): Promise<string> =>
  argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });

/** Adds a staff member with roles; the password is stored only as an argon2id hash. */
export async function createStaff(
  context: PlatformContext,
  tenantId: string,
  input: NewStaff,
  actor: Actor,
): Promise<StaffMember> {
  const passwordHash = await hashPassword(input.password);
  return context.db.withTenant(tenantId, async (sql) => {
    const existing = await sql.query('SELECT 1 FROM staff WHERE username = $1', [input.username]);
    if (existing.length > 0) {
      throw new DomainError('conflict', 'username_taken', '用户名已被使用', 'The username is already taken', [
        { field: 'username', zh: '已被使用', en: 'is already taken' },
      ]);
    }
    const rows = await sql.query<{ id: string }>(
      'INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, $2, $3, $4) RETURNING id',
      [tenantId, input.username, input.displayName, passwordHash],
    );
    const id = (rows[0] as { id: string }).id;
    await setRoles(sql, tenantId, id, input.roles);
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'staff.create',
      objectType: 'staff',
      objectId: id,
      after: { username: input.username, displayName: input.displayName, roles: input.roles },
    });
    return { id, username: input.username, displayName: input.displayName, roles: input.roles, isActive: true, isLocked: false, lastLoginAt: null };
  });
}

async function setRoles(sql: Sql, tenantId: string, staffId: string, roles: readonly Role[]): Promise<void> {
  await sql.query('DELETE FROM staff_roles WHERE staff_id = $1', [staffId]);
  for (const role of new Set(roles)) {
    await sql.query('INSERT INTO staff_roles (tenant_id, staff_id, role) VALUES ($1, $2, $3)', [tenantId, staffId, role]);
  }
}

export async function listStaff(context: PlatformContext, tenantId: string): Promise<StaffMember[]> {
  const now = context.clock.now();
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ id: string; username: string; display_name: string; is_active: boolean; locked_until: Date | null; last_login_at: Date | null; roles: Role[] | null }>(
      `SELECT s.id, s.username, s.display_name, s.is_active, s.locked_until, s.last_login_at,
         (SELECT array_agg(r.role ORDER BY r.role) FROM staff_roles r WHERE r.staff_id = s.id) AS roles
       FROM staff s ORDER BY s.username`,
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles ?? [],
    isActive: row.is_active,
    isLocked: row.locked_until !== null && new Date(row.locked_until) > now,
    lastLoginAt: row.last_login_at ? new Date(row.last_login_at).toISOString() : null,
  }));
}
