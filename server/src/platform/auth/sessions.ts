import type { PlatformContext } from '../context';
import { newToken, sha256 } from '../crypto';
import type { Sql } from '../db/database';
import { permissionsOf, isRole, type Permission, type Role } from '../permissions';

export type SessionKind = 'staff' | 'portal';

export interface StaffPrincipal {
  kind: 'staff';
  tenantId: string;
  sessionId: string;
  staffId: string;
  username: string;
  displayName: string;
  roles: Role[];
  permissions: Permission[];
  csrfToken: string;
}

export interface PortalPrincipal {
  kind: 'portal';
  tenantId: string;
  sessionId: string;
  portalUserId: string;
  phone: string;
  csrfToken: string;
}

export type Principal = StaffPrincipal | PortalPrincipal;

export interface NewSession {
  token: string;
  csrfToken: string;
  sessionId: string;
}

interface SessionRow {
  id: string;
  tenant_id: string;
  kind: SessionKind;
  staff_id: string | null;
  portal_user_id: string | null;
  csrf_token: string;
  last_seen_at: Date;
  absolute_expires_at: Date;
  ended_at: Date | null;
}

function limitsOf(context: PlatformContext, kind: SessionKind): { idleMs: number; absoluteMs: number } {
  const { config } = context;
  return kind === 'staff'
    ? { idleMs: config.staffSessionIdleMinutes * 60_000, absoluteMs: config.staffSessionAbsoluteHours * 3_600_000 }
    : { idleMs: config.portalSessionIdleMinutes * 60_000, absoluteMs: config.portalSessionAbsoluteHours * 3_600_000 };
}

/** Starts a session in the caller's tenant transaction and returns the secrets for the cookie and header. */
export async function startSession(
  context: PlatformContext,
  sql: Sql,
  tenantId: string,
  subject: { kind: 'staff'; staffId: string } | { kind: 'portal'; portalUserId: string },
  client: { ip: string | null; userAgent: string | null },
): Promise<NewSession> {
  const token = newToken();
  const csrfToken = newToken();
  const now = context.clock.now();
  const { absoluteMs } = limitsOf(context, subject.kind);
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO sessions (tenant_id, kind, staff_id, portal_user_id, token_hash, csrf_token, created_at, last_seen_at,
       absolute_expires_at, ip, user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10) RETURNING id`,
    [
      tenantId,
      subject.kind,
      subject.kind === 'staff' ? subject.staffId : null,
      subject.kind === 'portal' ? subject.portalUserId : null,
      sha256(token),
      csrfToken,
      now,
      new Date(now.getTime() + absoluteMs),
      client.ip,
      client.userAgent?.slice(0, 300) ?? null,
    ],
  );
  return { token, csrfToken, sessionId: (rows[0] as { id: string }).id };
}

/** How stale last_seen_at may get before a request restarts the idle clock (idle limits are in minutes). */
export const SESSION_TOUCH_MS = 60_000;

interface PrincipalRow extends SessionRow {
  username: string | null;
  display_name: string | null;
  is_active: boolean | null;
  roles: string[] | null;
  phone: string | null;
}

/**
 * Finds the live session for a cookie token. A session past its idle or absolute limit is ended on the
 * spot and treated as absent; a live one has its idle clock restarted (at most once a minute). The session
 * and its staff member (with roles) or portal user come in one statement (`session_principal`, migration
 * 0042), a transaction of its own in one round trip (`queryWithoutTenant`); the rare end or touch after it
 * is a transaction of the session's tenant.
 */
export async function resolveSession(context: PlatformContext, token: string, kind: SessionKind): Promise<Principal | null> {
  if (!token || token.length > 100) return null;
  const tokenHash = sha256(token).toString('hex');
  const [session] = await context.db.queryWithoutTenant<PrincipalRow>(
    `SELECT id, tenant_id, kind, staff_id, portal_user_id, csrf_token, last_seen_at, absolute_expires_at, ended_at, username, display_name, is_active, roles, phone
     FROM session_principal($1)`,
    [tokenHash],
  );
  if (!session || session.kind !== kind || session.ended_at) return null;
  const now = context.clock.now();
  const { idleMs } = limitsOf(context, kind);
  const endedReason =
    now.getTime() >= new Date(session.absolute_expires_at).getTime()
      ? 'expired'
      : now.getTime() - new Date(session.last_seen_at).getTime() >= idleMs
        ? 'idle'
        : null;
  if (endedReason) {
    await context.db.withTenant(session.tenant_id, (sql) =>
      sql.query('UPDATE sessions SET ended_at = $2, ended_reason = $3 WHERE id = $1 AND ended_at IS NULL', [session.id, now, endedReason]),
    );
    return null;
  }
  // The idle clock restarts at most once a minute: a write (and a WAL flush at commit) on every request
  // bought nothing for limits counted in minutes, and most requests now commit without writing.
  if (now.getTime() - new Date(session.last_seen_at).getTime() >= SESSION_TOUCH_MS) {
    await context.db.withTenant(session.tenant_id, (sql) => sql.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1', [session.id, now]));
  }
  if (session.kind === 'staff' && session.staff_id) {
    if (!session.is_active || session.username === null || session.display_name === null) return null;
    const roles = (session.roles ?? []).filter(isRole);
    return {
      kind: 'staff',
      tenantId: session.tenant_id,
      sessionId: session.id,
      staffId: session.staff_id,
      username: session.username,
      displayName: session.display_name,
      roles,
      permissions: permissionsOf(roles),
      csrfToken: session.csrf_token,
    };
  }
  if (session.kind === 'portal' && session.portal_user_id) {
    if (session.phone === null) return null;
    return {
      kind: 'portal',
      tenantId: session.tenant_id,
      sessionId: session.id,
      portalUserId: session.portal_user_id,
      phone: session.phone,
      csrfToken: session.csrf_token,
    };
  }
  return null;
}

export async function endSession(context: PlatformContext, principal: Principal, reason: 'logout' | 'revoked'): Promise<void> {
  await context.db.withTenant(principal.tenantId, (sql) =>
    sql.query('UPDATE sessions SET ended_at = $2, ended_reason = $3 WHERE id = $1 AND ended_at IS NULL', [
      principal.sessionId,
      context.clock.now(),
      reason,
    ]),
  );
}
