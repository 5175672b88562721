import argon2 from 'argon2';
import { startSession, type NewSession } from '../../platform/auth/sessions';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { DomainError } from '../../platform/errors';
import { requireTenantByCode, type Tenant } from '../tenancy';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

// Verifying against a fixed hash when the username is unknown keeps the answer time the same, so response
// times do not tell which usernames exist.
const UNKNOWN_USER_HASH = '$argon2id$v=19$m=19456,p=1,t=2$g32U5mtUNkKARZC61jqz3w$Q4MYNRyNaDrhr1ANflHm9BGxUyDD87slPJFa8V6WJig';

const invalidCredentials = (): DomainError =>
  new DomainError('unauthenticated', 'invalid_credentials', '用户名或密码错误', 'Wrong username or password');

const lockedOut = (until: Date, now: Date): DomainError =>
  new DomainError(
    'locked',
    'account_locked',
    `连续登录失败次数过多，账号已锁定，请 ${Math.ceil((until.getTime() - now.getTime()) / 60_000)} 分钟后再试`,
    `Too many failed logins; the account is locked for ${Math.ceil((until.getTime() - now.getTime()) / 60_000)} more minutes`,
    [],
    Math.ceil((until.getTime() - now.getTime()) / 1000),
  );

interface StaffCredentialRow {
  id: string;
  display_name: string;
  password_hash: string;
  is_active: boolean;
  locked_until: Date | null;
}

export interface StaffLoginResult {
  tenant: Tenant;
  staffId: string;
  session: NewSession;
}

/**
 * Checks a staff password. Five wrong passwords in a row lock the account for fifteen minutes; the lock
 * and every failure are written before the error is returned, so a failed attempt is never rolled back.
 */
export async function logInStaff(
  context: PlatformContext,
  input: { tenant: string; username: string; password: string },
  client: { ip: string | null; userAgent: string | null },
): Promise<StaffLoginResult> {
  const tenant = await requireTenantByCode(context, input.tenant);
  const now = context.clock.now();
  const rows = await context.db.withTenant(tenant.id, (sql) =>
    sql.query<StaffCredentialRow>(
      'SELECT id, display_name, password_hash, is_active, locked_until FROM staff WHERE username = $1',
      [input.username],
    ),
  );
  const staff = rows[0];
  if (!staff) {
    await argon2.verify(UNKNOWN_USER_HASH, input.password).catch(() => false);
    throw invalidCredentials();
  }
  if (staff.locked_until && new Date(staff.locked_until) > now) throw lockedOut(new Date(staff.locked_until), now);
  const isPasswordRight = await argon2.verify(staff.password_hash, input.password);
  const actor: Actor = { type: 'staff', id: staff.id, name: `${staff.display_name} (${input.username})`, ip: client.ip };

  if (!isPasswordRight || !staff.is_active) {
    const lockedUntil = await context.db.withTenant(tenant.id, async (sql) => {
      const updated = await sql.query<{ failed_login_count: number }>(
        'UPDATE staff SET failed_login_count = failed_login_count + 1 WHERE id = $1 RETURNING failed_login_count',
        [staff.id],
      );
      const failures = updated[0]?.failed_login_count ?? 0;
      const until = failures >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MINUTES * 60_000) : null;
      if (until) {
        await sql.query('UPDATE staff SET failed_login_count = 0, locked_until = $2 WHERE id = $1', [staff.id, until]);
      }
      await recordAudit(sql, tenant.id, actor, now, {
        action: until ? 'staff.locked' : 'staff.login_failed',
        objectType: 'staff',
        objectId: staff.id,
        after: until ? { lockedUntil: until.toISOString() } : { failedAttempts: failures },
      });
      return until;
    });
    if (lockedUntil) throw lockedOut(lockedUntil, now);
    throw invalidCredentials();
  }

  const session = await context.db.withTenant(tenant.id, async (sql) => {
    await sql.query('UPDATE staff SET failed_login_count = 0, locked_until = NULL, last_login_at = $2 WHERE id = $1', [staff.id, now]);
    await recordAudit(sql, tenant.id, actor, now, { action: 'staff.login', objectType: 'staff', objectId: staff.id });
    return startSession(context, sql, tenant.id, { kind: 'staff', staffId: staff.id }, client);
  });
  return { tenant, staffId: staff.id, session };
}
