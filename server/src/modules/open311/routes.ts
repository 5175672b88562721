import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { listTenants, type Tenant } from '../tenancy';
import { attributesOf } from './attributes';
import { catalogueChangedAt, publishedServices, servicesOf, updateService } from './catalogue';
import { CONTENT_TYPES, forbidden, isFormat, notFound, Open311Error, render, renderErrors, type Format, type Tree } from './format';
import { findActiveKey, issueApiKey, KeyRateLimiter, listApiKeys, revokeApiKey } from './keys';
import { fieldsOf, findRequest, findToken, jurisdictionOf, resolveJurisdiction, searchRequests, submitRequest, type Fields } from './requests';
import { issuedOpen311ApiKeySchema, newOpen311ApiKeySchema, open311ApiKeySchema, open311ServicePatchSchema, open311ServiceSchema, serviceCodeParamsSchema } from './schemas';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** The discovery changeset when no administrator has changed a service yet: when this implementation was published. */
const BASE_CHANGESET = '2026-03-01T00:00:00.000Z';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];

/** The format a URL asks for by its extension (.json or .xml); XML, the required format, otherwise. */
function formatOfUrl(url: string): Format {
  const path = url.split('?')[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

function send(reply: FastifyReply, format: Format, status: number, body: string): FastifyReply {
  return reply.code(status).header('content-type', CONTENT_TYPES[format]).send(body);
}

const queryFields = (request: FastifyRequest): Fields => fieldsOf(new URL(request.url, 'http://open311.local').searchParams);

/** The format of a resource name ending in .json or .xml; any other is a resource that does not exist. */
function formatOf(value: string): Format {
  if (!isFormat(value)) throw notFound(`Format ${value || '(none)'} is not supported: use .xml or .json`);
  return value;
}

/**
 * Open311 GeoReport v2 at /open311/v2 (docs/OPEN311.md), and the administrator's endpoints for its API keys and
 * published services. The GeoReport endpoints are not part of the /api OpenAPI document: their formats,
 * form-encoded bodies and error bodies are the specification's, which is their documentation.
 */
export function registerOpen311Routes(app: App, context: PlatformContext): void {
  const limiter = new KeyRateLimiter();

  app.register(
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.schema = { ...(route.schema ?? {}), hide: true };
      });
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
        done(null, fieldsOf(new URLSearchParams(String(body))));
      });
      scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
        const format = formatOfUrl(request.url);
        if (error instanceof Open311Error) {
          if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
          return send(reply, format, error.status, renderErrors(format, error.errors));
        }
        if (error.statusCode === 429) return send(reply, format, 429, renderErrors(format, [{ code: 429, description: 'Too many requests; wait a minute and try again' }]));
        if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
          return send(reply, format, 400, renderErrors(format, [{ code: 400, description: 'POST requests must be sent as Content-Type: application/x-www-form-urlencoded; charset=utf-8' }]));
        }
        if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
          return send(reply, format, 400, renderErrors(format, [{ code: 400, description: `The request is invalid: ${error.message}` }]));
        }
        request.log.error({ err: error }, 'Open311 request failed');
        return send(reply, format, 500, renderErrors(format, [{ code: 500, description: 'General service error; please try again later, and tell the utility if it persists' }]));
      });
      scope.setNotFoundHandler((request, reply) => {
        const format = formatOfUrl(request.url);
        return send(reply, format, 404, renderErrors(format, [{ code: 404, description: `No such resource: ${request.method} ${request.url.split('?')[0] ?? ''}` }]));
      });

      const discovery = async (request: FastifyRequest<{ Params: { format: string } }>, reply: FastifyReply) => {
        const format = formatOf(request.params.format);
        const jurisdiction = jurisdictionOf(queryFields(request));
        const tenants: Tenant[] = jurisdiction ? [await resolveJurisdiction(context, jurisdiction)] : await listTenants(context);
        const changes = await Promise.all(tenants.map((tenant) => catalogueChangedAt(context, tenant.id)));
        const changeset = [BASE_CHANGESET, ...changes.filter((at): at is Date => at !== null).map((at) => at.toISOString())].sort().at(-1) ?? BASE_CHANGESET;
        const base = context.config.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
        const contact = tenants.map((tenant) => `${tenant.name}（jurisdiction_id=${tenant.code}${tenant.hotline ? `，供水服务热线 ${tenant.hotline}` : ''}）`).join('；');
        const body: Tree = {
          changeset,
          contact: contact ? `本接口受理以下供水单位的服务请求 / Service requests for: ${contact}` : 'No utility is served here yet',
          key_service: 'API 密钥由供水单位的系统管理员在营业管理控制台“对接管理”页签发，请联系该单位 / API keys are issued by the utility’s administrator (console → Integrations); ask the utility for one.',
          endpoints: [{ specification: SPECIFICATION, url: `${base}/open311/v2`, changeset, type: 'production', formats: [CONTENT_TYPES.xml.split(';')[0] as string, CONTENT_TYPES.json.split(';')[0] as string] }],
        };
        return send(reply, format, 200, render(format, 'discovery', body));
      };
      scope.get('/discovery.:format', discovery);
      scope.get('/v2/discovery.:format', discovery);

      scope.get('/v2/services.:format', async (request: FastifyRequest<{ Params: { format: string } }>, reply) => {
        const format = formatOf(request.params.format);
        const tenant = await resolveJurisdiction(context, jurisdictionOf(queryFields(request)));
        const services = (await publishedServices(context, tenant.id)).map(
          (service): Tree => ({ service_code: service.code, service_name: service.name, description: service.description, metadata: service.metadata, type: service.type, keywords: service.keywords, group: service.group }),
        );
        return send(reply, format, 200, render(format, 'services', services));
      });

      scope.get('/v2/services/:code.:format', async (request: FastifyRequest<{ Params: { code: string; format: string } }>, reply) => {
        const format = formatOf(request.params.format);
        const tenant = await resolveJurisdiction(context, jurisdictionOf(queryFields(request)));
        const service = (await publishedServices(context, tenant.id)).find((item) => item.code === request.params.code);
        if (!service) throw notFound(`service_code ${request.params.code} was not found`);
        const definition: Tree = {
          service_code: service.code,
          attributes: [...attributesOf(service.code)]
            .sort((a, b) => a.order - b.order)
            .map((attribute): Tree => ({
              variable: attribute.variable,
              code: attribute.code,
              datatype: attribute.datatype,
              required: attribute.required,
              datatype_description: attribute.datatypeDescription,
              order: attribute.order,
              description: attribute.description,
              ...(attribute.values ? { values: attribute.values.map((value): Tree => ({ key: value.key, name: value.name })) } : {}),
            })),
        };
        return send(reply, format, 200, render(format, 'service_definition', definition));
      });

      scope.post('/v2/requests.:format', async (request: FastifyRequest<{ Params: { format: string } }>, reply) => {
        const format = formatOf(request.params.format);
        const fields: Fields = request.body instanceof Map ? (request.body as Fields) : new Map();
        const tenant = await resolveJurisdiction(context, jurisdictionOf(fields));
        const apiKeys = (fields.get('api_key') ?? []).map((value) => value.trim()).filter(Boolean);
        if (apiKeys.length === 0) throw forbidden('api_key was not provided');
        const key = apiKeys.length === 1 ? await findActiveKey(context, tenant.id, apiKeys[0] as string) : null;
        if (!key) throw forbidden("Invalid api_key received -- can't proceed with create_request");
        const wait = limiter.take(key, context.clock.now());
        if (wait !== null) throw new Open311Error(429, [{ code: 429, description: `This api_key may make ${key.ratePerMinute} requests a minute; try again in ${wait} s` }], wait);
        const answer = await submitRequest(context, tenant, fields, key, request.ip);
        return send(reply, format, 200, render(format, 'service_requests', [answer as unknown as Tree]));
      });

      scope.get('/v2/requests.:format', async (request: FastifyRequest<{ Params: { format: string } }>, reply) => {
        const format = formatOf(request.params.format);
        const fields = queryFields(request);
        const tenant = await resolveJurisdiction(context, jurisdictionOf(fields));
        return send(reply, format, 200, render(format, 'service_requests', await searchRequests(context, tenant, fields)));
      });

      scope.get('/v2/requests/:id.:format', async (request: FastifyRequest<{ Params: { id: string; format: string } }>, reply) => {
        const format = formatOf(request.params.format);
        const tenant = await resolveJurisdiction(context, jurisdictionOf(queryFields(request)));
        return send(reply, format, 200, render(format, 'service_requests', await findRequest(context, tenant, request.params.id)));
      });

      scope.get('/v2/tokens/:token.:format', async (request: FastifyRequest<{ Params: { token: string; format: string } }>, reply) => {
        const format = formatOf(request.params.format);
        const tenant = await resolveJurisdiction(context, jurisdictionOf(queryFields(request)));
        return send(reply, format, 200, render(format, 'service_requests', await findToken(context, tenant, request.params.token)));
      });
    },
    { prefix: '/open311' },
  );

  // ---- the administrator's side ----
  app.get(
    '/api/open311/keys',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['open311'], summary: 'Open311 API keys of the utility (the keys themselves are never shown again)', security: staffRead, response: { 200: z.object({ keys: z.array(open311ApiKeySchema) }), ...errors } },
    },
    async (request) => ({ keys: await listApiKeys(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/open311/keys',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['open311'], summary: 'Issue an Open311 API key with its rate; the key is in this answer only', security: staffWrite, body: newOpen311ApiKeySchema, response: { 201: issuedOpen311ApiKeySchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await issueApiKey(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.post(
    '/api/open311/keys/:id/revoke',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['open311'], summary: 'Revoke an Open311 API key: POST requests with it are refused (403) from now on', security: staffWrite, params: uuidParamsSchema, response: { 200: open311ApiKeySchema, ...errors } },
    },
    async (request) => revokeApiKey(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );

  app.get(
    '/api/open311/services',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['open311'], summary: 'Every request category as an Open311 service: published or not, realtime or batch, keywords, group', security: staffRead, response: { 200: z.object({ services: z.array(open311ServiceSchema) }), ...errors } },
    },
    async (request) => ({ services: (await servicesOf(context, staffOf(request).tenantId)).map(({ categoryId: _categoryId, ...service }) => service) }),
  );

  app.patch(
    '/api/open311/services/:code',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags: ['open311'],
        summary: 'Change how a category is published as an Open311 service (audited field by field)',
        security: staffWrite,
        params: serviceCodeParamsSchema,
        body: open311ServicePatchSchema,
        response: { 200: open311ServiceSchema, ...errors },
      },
    },
    async (request) => updateService(context, staffOf(request).tenantId, request.params.code, request.body, staffActor(request)),
  );
}
