import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { DomainError } from '../../platform/errors';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { findTenantByCode, type Tenant } from '../tenancy';
import { issueLink, listLinks, revokeLink } from './links';
import { orderStatus, receiveOrder, verifyCall, type Caller, type CityCall } from './orders';
import { listReplies, retryReply } from './replies';
import {
  cityLinkSchema,
  cityOrderAnswerSchema,
  cityOrderParams,
  cityOrderSchema,
  cityOrderViewSchema,
  cityReplySchema,
  citySignedHeaders,
  cityTenantParams,
  newCityLinkSchema,
  replyListQuerySchema,
} from './schemas';
import { CITY_SIMULATOR_PREFIX, registerCity12345Simulator } from './simulator';

declare module 'fastify' {
  interface FastifyRequest {
    cityRawBody?: string;
    city?: { tenant: Tenant; caller: Caller };
  }
}

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const cityErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema, 422: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
/** The platform may push in bursts after an outage of its own. */
const CITY_RATE_LIMIT = { rateLimit: { max: 100_000, timeWindow: '1 minute' } };

const unknownUtility = () => new DomainError('not_found', 'unknown_utility', '供水单位不存在', 'No such utility', [{ field: 'tenant', zh: '不存在', en: 'no such utility' }]);
const callOf = (request: FastifyRequest): CityCall => ({ method: request.method, url: request.url, headers: request.headers, rawBody: request.cityRawBody ?? '', remoteAddress: request.ip });

export { CITY_SIMULATOR_PREFIX };

/** The city's 12345 hotline platform: its signed API (docs/CITY-12345-API.md) and the administrator's endpoints. */
export function registerCity12345Routes(app: App, context: PlatformContext, options: { simulator?: boolean } = {}): void {
  // ---- the administrator's side ----
  app.get(
    '/api/city12345/links',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['12345'], summary: "The 12345 platform's links (app ids and reply URLs; secrets are never shown again)", security: staffRead, response: { 200: z.object({ links: z.array(cityLinkSchema) }), ...errors } },
    },
    async (request) => ({ links: await listLinks(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/city12345/links',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags: ['12345'],
        summary: 'Issue a link for the 12345 platform: an app id and an HMAC-SHA256 secret (in this answer only), and where replies go',
        security: staffWrite,
        body: newCityLinkSchema,
        response: { 201: z.object({ link: cityLinkSchema, secret: z.string() }), ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await issueLink(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.post(
    '/api/city12345/links/:id/revoke',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['12345'], summary: 'Revoke a 12345 link: its signatures are refused from now on, and replies go through another active link', security: staffWrite, params: uuidParamsSchema, response: { 200: cityLinkSchema, ...errors } },
    },
    async (request) => revokeLink(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );

  app.get(
    '/api/city12345/replies',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['12345'], summary: 'Replies to the 12345 platform (办理结果), newest first, with their delivery', security: staffRead, querystring: replyListQuerySchema, response: { 200: z.object({ replies: z.array(cityReplySchema) }), ...errors } },
    },
    async (request) => ({ replies: await listReplies(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/city12345/replies/:id/retry',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['12345'], summary: 'Send a reply whose delivery failed again, from the first try', security: staffWrite, params: uuidParamsSchema, response: { 200: cityReplySchema, ...errors } },
    },
    async (request) => retryReply(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );

  // ---- the platform's signed API: bodies kept raw (their SHA-256 is signed), parsed as JSON after ----
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (request, body, done) => {
      const text = String(body);
      request.cityRawBody = text;
      try {
        done(null, text === '' ? {} : JSON.parse(text));
      } catch {
        done(new DomainError('validation', 'validation_failed', '请求体不是有效的 JSON', 'The body is not valid JSON', [{ field: 'body', zh: '不是有效的 JSON', en: 'is not valid JSON' }]), undefined);
      }
    });
    scope.addHook('preValidation', async (request) => {
      const { tenant: code } = request.params as { tenant?: string };
      const tenant = code ? await findTenantByCode(context, code) : null;
      if (!tenant) throw unknownUtility();
      request.city = { tenant, caller: await verifyCall(context, tenant, callOf(request)) };
    });
    const city = (request: FastifyRequest) => {
      if (!request.city) throw unknownUtility();
      return request.city;
    };

    scope.post(
      '/api/city12345/:tenant/orders',
      {
        config: CITY_RATE_LIMIT,
        schema: {
          tags: ['12345'],
          summary: 'Platform (signed): push a work order; it becomes one service request (channel city_12345) per orderNo, repeats get the first answer',
          params: cityTenantParams,
          headers: citySignedHeaders,
          body: cityOrderSchema,
          response: { 200: cityOrderAnswerSchema, ...cityErrors },
        },
      },
      async (request) => {
        const { tenant, caller } = city(request);
        return receiveOrder(context, tenant, caller, request.body, callOf(request));
      },
    );

    scope.get(
      '/api/city12345/:tenant/orders/:orderNo',
      {
        config: CITY_RATE_LIMIT,
        schema: {
          tags: ['12345'],
          summary: 'Platform (signed): where an order stands — state, deadlines and the replies with their delivery',
          params: cityOrderParams,
          headers: citySignedHeaders,
          response: { 200: cityOrderViewSchema, ...cityErrors },
        },
      },
      async (request) => {
        const { tenant, caller } = city(request);
        return orderStatus(context, tenant, caller, request.params.orderNo, callOf(request));
      },
    );
  });

  if (options.simulator) {
    app.register(async (scope) => {
      // The simulator stands in for the city's own server: not part of this API's documentation.
      scope.addHook('onRoute', (route) => {
        route.schema = { ...(route.schema ?? {}), hide: true };
      });
      registerCity12345Simulator(scope, context);
    });
  }
}
