import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { resolveSession, type PortalPrincipal, type StaffPrincipal } from '../auth/sessions';
import type { PlatformContext } from '../context';
import { constantTimeEqual } from '../crypto';
import { DomainError } from '../errors';
import type { Permission } from '../permissions';
import type { Actor } from '../audit/audit';

export const STAFF_COOKIE = 'shuiwu_staff';
export const PORTAL_COOKIE = 'shuiwu_portal';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffPrincipal;
    portalUser?: PortalPrincipal;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const unauthenticated = (): DomainError =>
  new DomainError('unauthenticated', 'unauthenticated', '请先登录', 'Please log in first');

export const forbidden = (): DomainError =>
  new DomainError('forbidden', 'forbidden', '没有执行此操作的权限', 'You do not have permission to do this');

// Cookies are SameSite=Strict already; the per-session token in a header is the second lock for browsers
// that do not honour SameSite, and it never travels in a cookie.
function checkCsrf(request: FastifyRequest, expected: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const given = request.headers[CSRF_HEADER];
  if (typeof given !== 'string' || !constantTimeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw new DomainError('forbidden', 'csrf_failed', '安全校验失败，请刷新页面后重试', 'CSRF check failed; reload the page and try again');
  }
}

/**
 * Admits a logged-in staff member holding every listed permission. Registered as preValidation, so an
 * unauthorised caller is turned away before the body is read and learns nothing of its schema.
 */
export function staffGuard(context: PlatformContext, ...required: Permission[]): preValidationAsyncHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const token = request.cookies[STAFF_COOKIE];
    const principal = token ? await resolveSession(context, token, 'staff') : null;
    if (!principal || principal.kind !== 'staff') throw unauthenticated();
    checkCsrf(request, principal.csrfToken);
    if (!required.every((permission) => principal.permissions.includes(permission))) throw forbidden();
    request.staff = principal;
  };
}

/** Admits a logged-in portal user (preValidation, like staffGuard). */
export function portalGuard(context: PlatformContext): preValidationAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const token = request.cookies[PORTAL_COOKIE];
    const principal = token ? await resolveSession(context, token, 'portal') : null;
    if (!principal || principal.kind !== 'portal') throw unauthenticated();
    checkCsrf(request, principal.csrfToken);
    request.portalUser = principal;
  };
}

export function staffOf(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw unauthenticated();
  return request.staff;
}

export function portalUserOf(request: FastifyRequest): PortalPrincipal {
  if (!request.portalUser) throw unauthenticated();
  return request.portalUser;
}

export function staffActor(request: FastifyRequest): Actor {
  const staff = staffOf(request);
  return { type: 'staff', id: staff.staffId, name: `${staff.displayName} (${staff.username})`, ip: request.ip };
}

export function portalActor(request: FastifyRequest): Actor {
  const user = portalUserOf(request);
  return { type: 'portal_user', id: user.portalUserId, name: `portal:${user.phone.slice(0, 3)}****${user.phone.slice(7)}`, ip: request.ip };
}
