import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { PlatformContext } from '../context';
import { DomainError } from '../errors';
import { handleError } from './errors';
import { CSRF_HEADER, PORTAL_COOKIE, STAFF_COOKIE } from './guards';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface HttpOptions {
  logLevel?: string;
  /** Requests per minute per client address across the API. */
  rateLimitPerMinute?: number;
}

/** The HTTP server with everything every module relies on: schemas, cookies, limits, errors, OpenAPI. */
export async function createHttpServer(context: PlatformContext, options: HttpOptions = {}): Promise<App> {
  const app = Fastify({
    logger: { level: options.logLevel ?? context.config.logLevel },
    trustProxy: true,
    bodyLimit: 2 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      code: 'route_not_found',
      message: { zh: `接口不存在：${request.method} ${request.url}`, en: `No such endpoint: ${request.method} ${request.url}` },
      fields: [],
    }),
  );

  // Past the database's capacity a queue of waiting requests only grows, each waiting longer than the last.
  // While more transactions than the limit wait for a connection, the API answers at once with 503 and
  // Retry-After instead (pages, the docs and the health check still answer: they need no connection).
  app.addHook('onRequest', async (request) => {
    if (!/^\/(api|open311)\//.test(request.url) || request.url.startsWith('/api/health') || request.url.startsWith('/api/docs')) return;
    if (context.db.waitingForConnection() <= context.config.databaseQueueLimit) return;
    throw new DomainError('unavailable', 'overloaded', '系统繁忙，请稍后重试', 'The system is busy; please try again in a moment', [], 1);
  });

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });

  await app.register(fastifySwagger, {
    openapi: {
      // 3.0, not 3.1: Swagger UI resolves a 3.1 document through a far slower path (the docs page took
      // 11.4 s to show an operation against 6.1 s). The zod schemas are emitted for the 3.0 target.
      openapi: '3.0.3',
      info: {
        title: 'Shuiwu API',
        description:
          '水务 · Internet + water supply service platform. Staff endpoints use the `shuiwu_staff` session cookie, ' +
          'portal endpoints the `shuiwu_portal` cookie; every state-changing request also sends the session\'s ' +
          '`X-CSRF-Token` header. Errors always have the shape {code, message:{zh,en}, fields}.',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          staffSession: { type: 'apiKey', in: 'cookie', name: STAFF_COOKIE },
          portalSession: { type: 'apiKey', in: 'cookie', name: PORTAL_COOKIE },
          csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  // Nearly 300 operations: the tags start collapsed and the schema section hidden, so the page draws no
  // operation until one is opened; the filter box finds a tag, deep links open an operation. (The first render
  // still waits for Swagger UI to resolve the whole ~1 MB document: a few seconds.)
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { docExpansion: 'none', defaultModelsExpandDepth: -1, filter: true, deepLinking: true },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
