import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { DomainError } from '../../platform/errors';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { findTenantByCode } from '../tenancy';
import { confirmGovPayment, GOV_HEADERS, govDailyStatement, issueGovCredential, listGovCredentials, lookupGovBills, revokeGovCredential, verifyGovRequest, type GovRequest, type GovTenant } from './gov-app';
import { paymentErrors, staffRead, staffWrite } from './routes';

declare module 'fastify' {
  interface FastifyRequest {
    govRawBody?: string;
    gov?: { tenant: GovTenant; appId: string };
  }
}

const fen = z.int().meta({ description: 'Integer fen (分)' });
const tenantParams = z.strictObject({ tenant: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/) });
/** The signature headers, documented; they are checked before validation (missing or wrong: 401). */
const signedHeaders = z.object({
  [GOV_HEADERS.appId]: z.string().meta({ description: 'The partner app id issued by the utility' }),
  [GOV_HEADERS.timestamp]: z.string().meta({ description: 'Unix time in seconds; within ±300 s of the server clock' }),
  [GOV_HEADERS.nonce]: z.string().meta({ description: '16–64 letters, digits, _ or -; never reused (remembered 10 minutes)' }),
  [GOV_HEADERS.signature]: z.string().meta({ description: 'base64(HMAC-SHA256(secret, canonical string)); see docs/GOV-APP-API.md' }),
});
const govErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
/** The partner's servers may retry in bursts after an outage. */
const GOV_RATE_LIMIT = { rateLimit: { max: 100_000, timeWindow: '1 minute' } };

const credentialSchema = z
  .object({ id: z.uuid(), appId: z.string(), label: z.string(), status: z.enum(['active', 'revoked']), createdAt: z.iso.datetime(), revokedAt: z.iso.datetime().nullable() })
  .meta({ id: 'GovAppCredential' });

const billLookupSchema = z
  .object({
    accountNo: z.string(),
    holderName: z.string().meta({ description: 'Masked for persons (张*丰)' }),
    address: z.string(),
    owedFen: fen.meta({ description: 'What paying everything costs today: the open bills plus lateFeeFen' }),
    lateFeeFen: fen.meta({ description: 'Of owedFen, the late fees (滞纳金) owed today, brought up to date; a payment settles them after the open bills' }),
    balanceFen: fen.meta({ description: 'Owed (positive) or in credit (negative), prepaid included' }),
    openBills: z.array(z.object({ billNo: z.string(), period: z.string(), openFen: fen })).meta({ description: 'Oldest first; a payment settles them in this order' }),
  })
  .meta({ id: 'GovBillLookup' });

const confirmationSchema = z
  .strictObject({
    accountNo: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
    amountFen: z.int().min(1).max(100_000_000).meta({ description: 'Integer fen, 1 fen to 1,000,000 yuan' }),
    govTradeNo: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/).meta({ description: "The platform's trade number: one payment per number" }),
    paidAt: z.iso.datetime({ offset: true }).meta({ description: 'When the citizen paid, ISO 8601 with offset' }),
  })
  .meta({ id: 'GovPaymentConfirmation' });

const answerSchema = z
  .object({
    govTradeNo: z.string(),
    status: z.literal('credited'),
    accountNo: z.string(),
    amountFen: fen,
    receiptNo: z.string(),
    allocatedFen: fen.meta({ description: 'What settled bills and late fees' }),
    lateFeeFen: fen.optional().meta({ description: 'Of allocatedFen, what settled late fees (滞纳金)' }),
    prepaidFen: fen,
    paidAt: z.iso.datetime(),
    statementDate: z.iso.date(),
    creditedAt: z.iso.datetime(),
  })
  .meta({ id: 'GovPaymentAnswer' });

const statementSchema = z
  .object({
    date: z.iso.date(),
    count: z.int(),
    totalFen: fen,
    payments: z.array(z.object({ govTradeNo: z.string(), accountNo: z.string(), amountFen: fen, paidAt: z.iso.datetime(), receiptNo: z.string(), creditedAt: z.iso.datetime() })),
  })
  .meta({ id: 'GovDailyStatement' });

const unknownUtility = () => new DomainError('not_found', 'unknown_utility', '供水单位不存在', 'No such utility', [{ field: 'tenant', zh: '不存在', en: 'no such utility' }]);

const govRequestOf = (request: FastifyRequest): GovRequest => ({ method: request.method, url: request.url, headers: request.headers, rawBody: request.govRawBody ?? '', remoteAddress: request.ip });

/** Government service app (政务服务平台): the signed partner API, and the staff endpoints that issue its credentials. */
export function registerGovAppRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/gov-app/credentials',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['gov app'], summary: "The government app's partner credentials (secrets are never shown again)", security: staffRead, response: { 200: z.object({ credentials: z.array(credentialSchema) }), ...paymentErrors } },
    },
    async (request) => ({ credentials: await listGovCredentials(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/gov-app/credentials',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags: ['gov app'],
        summary: 'Issue a partner credential (app id + HMAC-SHA256 secret); the secret is in this answer only',
        security: staffWrite,
        body: z.strictObject({ label: z.string().trim().min(1).max(60) }).meta({ id: 'NewGovAppCredential' }),
        response: { 201: z.object({ credential: credentialSchema, secret: z.string() }), ...paymentErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await issueGovCredential(context, staffOf(request).tenantId, request.body.label, staffActor(request))),
  );

  app.post(
    '/api/gov-app/credentials/:id/revoke',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['gov app'], summary: 'Revoke a partner credential: its signatures are refused from now on', security: staffWrite, params: uuidParamsSchema, response: { 200: credentialSchema, ...paymentErrors } },
    },
    async (request) => revokeGovCredential(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );

  // The partner API: bodies are kept raw (their SHA-256 is signed) and parsed as JSON after.
  app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = String(body);
      request.govRawBody = text;
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
      const govTenant = { id: tenant.id, code: tenant.code, timeZone: tenant.timeZone };
      request.gov = { tenant: govTenant, appId: await verifyGovRequest(context, govTenant, govRequestOf(request)) };
    });
    const gov = (request: FastifyRequest) => {
      if (!request.gov) throw unknownUtility();
      return request.gov;
    };

    scope.get(
      '/api/gov/:tenant/bills',
      {
        config: GOV_RATE_LIMIT,
        schema: {
          tags: ['gov app'],
          summary: 'Partner (signed): what an account owes and its open bills, oldest first; holder name masked',
          params: tenantParams,
          headers: signedHeaders,
          querystring: z.strictObject({ accountNo: z.string().regex(/^[A-Za-z0-9-]{1,32}$/) }),
          response: { 200: billLookupSchema, ...govErrors },
        },
      },
      async (request) => lookupGovBills(context, gov(request).tenant, request.query.accountNo),
    );

    scope.post(
      '/api/gov/:tenant/payments',
      {
        config: GOV_RATE_LIMIT,
        schema: {
          tags: ['gov app'],
          summary: 'Partner (signed): confirm a payment; credits the account once per govTradeNo, repeats get the first answer, another amount with the same govTradeNo is 409',
          params: tenantParams,
          headers: signedHeaders,
          body: confirmationSchema,
          response: { 200: answerSchema, ...govErrors },
        },
      },
      async (request) => {
        const { tenant, appId } = gov(request);
        return confirmGovPayment(context, tenant, appId, request.body, govRequestOf(request));
      },
    );

    scope.get(
      '/api/gov/:tenant/statements',
      {
        config: GOV_RATE_LIMIT,
        schema: {
          tags: ['gov app'],
          summary: "Partner (signed): a day's credited payments (by the utility's date of paidAt) for reconciliation",
          params: tenantParams,
          headers: signedHeaders,
          querystring: z.strictObject({ date: z.iso.date() }),
          response: { 200: statementSchema, ...govErrors },
        },
      },
      async (request) => govDailyStatement(context, gov(request).tenant, request.query.date),
    );
  });
}
