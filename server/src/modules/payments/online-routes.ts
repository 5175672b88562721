import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { domainErrorResponse } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf } from '../../platform/http/guards';
import { idempotencyKeyOf, requestHash, withIdempotency } from '../../platform/http/idempotency';
import type { App } from '../../platform/http/server';
import { notFound } from '../../platform/errors';
import { uuidParamsSchema } from '../../platform/validation';
import { findTenantById, findTenantByCode } from '../tenancy';
import { wechatPayNotificationReply, alipayNotificationReply } from './channels';
import type { PaymentGateways } from './gateways';
import { createPaymentOrder, getPortalOrder, handleAlipayNotification, handleWechatPayNotification } from './orders';
import { idempotencyHeaders, paymentErrors, portalRead } from './routes';
import { newPaymentOrderSchema, paymentOrderSchema } from './schemas';
import { completeWechatAuthorization, startWechatAuthorization, WECHAT_CALLBACK_PATH, wechatStatus } from './wechat-identity';

const wechatStatusSchema = z
  .object({
    isAvailable: z.boolean().meta({ description: 'The utility has a WeChat official account (公众号)' }),
    isBound: z.boolean().meta({ description: "The portal user's openid at it is known (JSAPI payment and WeChat messages are possible)" }),
    openidMasked: z.string().nullable(),
  })
  .meta({ id: 'PortalWechatStatus' });

const portalWrite = [{ portalSession: [], csrfToken: [] }];
const tenantParams = z.strictObject({ tenant: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/) });
/** Channels retry every notification; after an outage many arrive at once from a few addresses. */
const NOTIFY_RATE_LIMIT = { rateLimit: { max: 100_000, timeWindow: '1 minute' } };

async function tenantOf(context: PlatformContext, id: string): Promise<{ id: string; code: string }> {
  const tenant = await findTenantById(context, id);
  if (!tenant) throw notFound({ zh: '供水单位', en: 'Utility' });
  return { id: tenant.id, code: tenant.code };
}

/** Online payment: orders from the portal, and the channels' signed notifications. */
export function registerOnlinePaymentRoutes(app: App, context: PlatformContext, gateways: PaymentGateways): void {
  app.post(
    '/api/portal/payment-orders',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: 'Pay the oldest open bills, or top up, with WeChat Pay or Alipay: places the order and returns where the browser pays',
        security: portalWrite,
        headers: idempotencyHeaders,
        body: newPaymentOrderSchema,
        response: { 201: paymentOrderSchema, ...paymentErrors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      const tenant = await tenantOf(context, user.tenantId);
      const result = await withIdempotency(
        context.db,
        user.tenantId,
        `portal:${user.portalUserId}`,
        idempotencyKeyOf(request),
        requestHash('POST', '/api/portal/payment-orders', request.body),
        context.clock.now(),
        async () => ({
          status: 201,
          body: await createPaymentOrder(context, gateways, { tenantId: tenant.id, tenantCode: tenant.code, portalUserId: user.portalUserId, clientIp: request.ip, actor: portalActor(request) }, request.body),
        }),
        domainErrorResponse,
      );
      return reply.code(result.status as 201).send(result.body as never);
    },
  );

  app.get(
    '/api/portal/payment-orders/:id',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: 'An order of the customer, with its receipt once paid (the result page polls it; an unpaid order is checked with the channel)',
        security: portalRead,
        params: uuidParamsSchema,
        response: { 200: paymentOrderSchema, ...paymentErrors },
      },
    },
    async (request) => {
      const user = portalUserOf(request);
      return getPortalOrder(context, gateways, await tenantOf(context, user.tenantId), user.portalUserId, request.params.id);
    },
  );

  app.get(
    '/api/portal/wechat',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "The portal user's WeChat identity at the utility's official account", security: portalRead, response: { 200: wechatStatusSchema, ...paymentErrors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      const tenant = await tenantOf(context, user.tenantId);
      return wechatStatus(context, gateways, { tenantId: tenant.id, tenantCode: tenant.code, portalUserId: user.portalUserId });
    },
  );

  app.post(
    '/api/portal/wechat/authorization',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: "Start WeChat OAuth2 web authorisation (snsapi_base, silent) for the user's openid: returns the authorize URL to send the WeChat browser to",
        description: `WeChat sends the browser back to ${WECHAT_CALLBACK_PATH}?code=…&state=…, which binds the openid and redirects to returnPath with wechat=bound or wechat=failed and resume=<state> (the page keeps what was being paid under the state and goes on paying).`,
        security: portalWrite,
        body: z.strictObject({ returnPath: z.string().regex(/^\/portal(\/[A-Za-z0-9/_-]*)?$/).max(200).meta({ description: 'A portal page path to come back to, e.g. /portal/accounts/<account id>/pay' }) }),
        response: { 201: z.object({ authorizeUrl: z.string() }), ...paymentErrors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      const tenant = await tenantOf(context, user.tenantId);
      return reply.code(201).send(await startWechatAuthorization(context, gateways, { tenantId: tenant.id, tenantCode: tenant.code, portalUserId: user.portalUserId }, request.body.returnPath));
    },
  );

  app.get(
    WECHAT_CALLBACK_PATH,
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: "WeChat OAuth2 redirect_uri: exchanges the code for the openid, binds it to the portal user, and redirects (303) to the page that started it",
        security: portalRead,
        querystring: z.object({ code: z.string().max(128).optional(), state: z.string().max(128).optional() }),
        response: { 303: z.null(), ...paymentErrors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      const tenant = await tenantOf(context, user.tenantId);
      const back = await completeWechatAuthorization(context, gateways, { tenantId: tenant.id, tenantCode: tenant.code, portalUserId: user.portalUserId, actor: portalActor(request) }, request.query);
      return reply.redirect(back, 303);
    },
  );

  // The channels post here with the exact bytes they signed: each route keeps the raw body.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    scope.post(
      '/api/payments/notify/wechatpay/:tenant',
      {
        config: NOTIFY_RATE_LIMIT,
        schema: {
          tags: ['payment notifications'],
          summary: 'WeChat Pay API v3 payment notification (signed headers, AES-256-GCM resource); 204 when taken, else {"code":"FAIL"}',
          params: tenantParams,
          body: z.string().meta({ description: 'The raw JSON WeChat Pay sent' }),
          response: { 204: z.null(), 400: z.object({ code: z.literal('FAIL'), message: z.string() }), 404: z.object({ code: z.literal('FAIL'), message: z.string() }) },
        },
      },
      async (request, reply) => {
        const tenant = await findTenantByCode(context, request.params.tenant);
        if (!tenant) return reply.code(404).send({ code: 'FAIL' as const, message: 'unknown utility' });
        const answer = await handleWechatPayNotification(context, gateways, tenant, request.headers, request.body, request.ip);
        if (answer.acknowledged) {
          const ok = wechatPayNotificationReply.ok();
          return reply.code(ok.statusCode as 204).send(null);
        }
        return reply.code(400).send({ code: 'FAIL' as const, message: answer.message });
      },
    );

    scope.post(
      '/api/payments/notify/alipay/:tenant',
      {
        config: NOTIFY_RATE_LIMIT,
        schema: {
          tags: ['payment notifications'],
          summary: 'Alipay asynchronous notification (form, RSA2 signature); answers the literal "success" when taken, else "failure"',
          params: tenantParams,
          body: z.string().meta({ description: 'The raw form Alipay sent' }),
          response: { 200: z.string(), 404: z.string() },
        },
      },
      async (request, reply) => {
        const tenant = await findTenantByCode(context, request.params.tenant);
        if (!tenant) return reply.code(404).type('text/plain').send('failure');
        const answer = await handleAlipayNotification(context, gateways, tenant, request.body, request.ip);
        const reply_ = answer.acknowledged ? alipayNotificationReply.ok() : alipayNotificationReply.fail();
        return reply.code(200).type('text/plain').send(reply_.body);
      },
    );
  });
}
