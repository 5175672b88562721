import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { endSession, resolveSession } from '../../platform/auth/sessions';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { PORTAL_COOKIE, STAFF_COOKIE, portalGuard, portalUserOf, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { maskPhone } from '../../platform/masking';
import { dispatchQueued, type SmsGateway } from '../notifications';
import { findTenantById, type Tenant } from '../tenancy';
import { logInWithCode, requestLoginCode } from './portal-login';
import {
  otpRequestSchema,
  otpResponseSchema,
  portalLoginSchema,
  portalSessionSchema,
  staffLoginSchema,
  staffSessionSchema,
} from './schemas';
import { logInStaff } from './staff-login';

const noContent = z.null().describe('No content');

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  423: errorResponseSchema,
  429: errorResponseSchema,
};


const clientOf = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

const summary = (tenant: Tenant) => ({ code: tenant.code, name: tenant.name, nameEn: tenant.nameEn, hotline: tenant.hotline });

function setSessionCookie(context: PlatformContext, reply: FastifyReply, name: string, token: string, maxAgeSeconds: number): void {
  reply.setCookie(name, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: context.config.secureCookies,
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export interface IdentityDependencies {
  sms: SmsGateway;
  /** Logins and code requests get a much tighter per-address limit than the rest of the API (SHUIWU_LOGIN_RATE_LIMIT). */
  loginRateLimitPerMinute: number;
}

export function registerIdentityRoutes(app: App, context: PlatformContext, dependencies: IdentityDependencies): void {
  const loginLimit = { rateLimit: { max: dependencies.loginRateLimitPerMinute, timeWindow: '1 minute' } };

  app.post(
    '/api/staff/login',
    {
      config: loginLimit,
      schema: {
        tags: ['identity'],
        summary: 'Staff login with username and password',
        description: 'Five wrong passwords in a row lock the account for 15 minutes (423).',
        body: staffLoginSchema,
        response: { 200: staffSessionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const result = await logInStaff(context, request.body, clientOf(request));
      setSessionCookie(context, reply, STAFF_COOKIE, result.session.token, context.config.staffSessionAbsoluteHours * 3600);
      const staff = await resolveSession(context, result.session.token, 'staff');
      if (!staff || staff.kind !== 'staff') throw new Error('A session just started could not be read back');
      return {
        staff: { id: staff.staffId, username: staff.username, displayName: staff.displayName, roles: staff.roles, permissions: staff.permissions },
        tenant: summary(result.tenant),
        csrfToken: result.session.csrfToken,
      };
    },
  );

  app.post(
    '/api/staff/logout',
    {
      preValidation: staffGuard(context),
      schema: { tags: ['identity'], summary: 'End the staff session', security: [{ staffSession: [], csrfToken: [] }], response: { 204: noContent, ...errors } },
    },
    async (request, reply) => {
      await endSession(context, staffOf(request), 'logout');
      reply.clearCookie(STAFF_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/staff/me',
    {
      preValidation: staffGuard(context),
      schema: { tags: ['identity'], summary: 'The logged-in staff member', security: [{ staffSession: [] }], response: { 200: staffSessionSchema, ...errors } },
    },
    async (request) => {
      const staff = staffOf(request);
      return {
        staff: { id: staff.staffId, username: staff.username, displayName: staff.displayName, roles: staff.roles, permissions: staff.permissions },
        tenant: summary(await findTenantById(context, staff.tenantId)),
        csrfToken: staff.csrfToken,
      };
    },
  );

  app.post(
    '/api/portal/otp',
    {
      config: loginLimit,
      schema: {
        tags: ['identity'],
        summary: 'Send a 6-digit login code by SMS',
        description: 'Same answer for every number. At most one code per 60 s and 10 per day per number (429 with retry-after).',
        body: otpRequestSchema,
        response: { 202: otpResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const issued = await requestLoginCode(context, request.body);
      // Deliver now rather than wait for the worker's next pass: the customer is watching the phone.
      await dispatchQueued(context, dependencies.sms, issued.tenant.id).catch((error: unknown) =>
        request.log.warn({ err: error }, 'SMS dispatch failed; the worker will retry'),
      );
      return reply.code(202).send({ resendAfterSeconds: issued.resendAfterSeconds, expiresInSeconds: issued.expiresInSeconds });
    },
  );

  app.post(
    '/api/portal/login',
    {
      config: loginLimit,
      schema: {
        tags: ['identity'],
        summary: 'Portal login with phone number and SMS code',
        body: portalLoginSchema,
        response: { 200: portalSessionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const result = await logInWithCode(context, request.body, clientOf(request));
      setSessionCookie(context, reply, PORTAL_COOKIE, result.session.token, context.config.portalSessionAbsoluteHours * 3600);
      return {
        user: { phoneMasked: maskPhone(request.body.phone) ?? '' },
        tenant: summary(result.tenant),
        csrfToken: result.session.csrfToken,
      };
    },
  );

  app.post(
    '/api/portal/logout',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['identity'], summary: 'End the portal session', security: [{ portalSession: [], csrfToken: [] }], response: { 204: noContent, ...errors } },
    },
    async (request, reply) => {
      await endSession(context, portalUserOf(request), 'logout');
      reply.clearCookie(PORTAL_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/portal/me',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['identity'], summary: 'The logged-in portal user', security: [{ portalSession: [] }], response: { 200: portalSessionSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return {
        user: { phoneMasked: maskPhone(user.phone) ?? '' },
        tenant: summary(await findTenantById(context, user.tenantId)),
        csrfToken: user.csrfToken,
      };
    },
  );
}
