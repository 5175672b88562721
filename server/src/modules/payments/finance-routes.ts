/** Refunds and channel reconciliation (财务对账员). */
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { domainErrorResponse } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import { idempotencyKeyOf, requestHash, withIdempotency } from '../../platform/http/idempotency';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import type { PaymentGateways } from './gateways';
import {
  DIFFERENCE_TYPES,
  differenceSchema,
  getReconciliation,
  importReconciliation,
  listReconciliations,
  reconciliationImportSchema,
  reconciliationRequestSchema,
  reconciliationSchema,
  reconciliationSummarySchema,
  resolutionRequestSchema,
  resolveDifference,
  runReconciliation,
} from './reconciliation';
import { listRefunds, refundRequestSchema, refundSchema, requestRefund } from './refunds';
import { idempotencyHeaders, paymentErrors, staffRead, staffWrite } from './routes';
import { onlineChannelSchema } from './schemas';

/** A statement of a busy day is a few MB; base64 adds a third. */
const STATEMENT_BODY_LIMIT = 48 * 1024 * 1024;

export function registerFinanceRoutes(app: App, context: PlatformContext, gateways: PaymentGateways): void {
  const who = (request: Parameters<typeof staffOf>[0]) => {
    const staff = staffOf(request);
    return { tenantId: staff.tenantId, staffId: staff.staffId, actor: staffActor(request) };
  };

  // ---- refunds ----
  app.post(
    '/api/payments/:id/refunds',
    {
      preValidation: staffGuard(context, 'payment.refund'),
      schema: {
        tags: ['payments'],
        summary: "Refund (part of) a payment through its own channel, from the account's prepaid balance: WeChat Pay / Alipay by their refund APIs, cash, card and transfer out of an open till",
        security: staffWrite,
        params: uuidParamsSchema,
        headers: idempotencyHeaders,
        body: refundRequestSchema,
        response: { 201: refundSchema, ...paymentErrors },
      },
    },
    async (request, reply) => {
      const staff = who(request);
      const hash = requestHash('POST', '/api/payments/:id/refunds', { params: request.params, body: request.body });
      const result = await withIdempotency(
        context.db,
        staff.tenantId,
        `staff:${staff.staffId}`,
        idempotencyKeyOf(request),
        hash,
        context.clock.now(),
        async () => ({ status: 201, body: await requestRefund(context, gateways, staff, request.params.id, request.body) }),
        domainErrorResponse,
      );
      return reply.code(result.status as 201).send(result.body as never);
    },
  );

  app.get(
    '/api/payments/:id/refunds',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: {
        tags: ['payments'],
        summary: 'The refunds of a payment, newest first (a refund still processing is looked up at the channel)',
        security: staffRead,
        params: uuidParamsSchema,
        response: { 200: z.object({ refunds: z.array(refundSchema) }), ...paymentErrors },
      },
    },
    async (request) => ({ refunds: await listRefunds(context, gateways, staffOf(request).tenantId, request.params.id) }),
  );

  // ---- reconciliation ----
  app.post(
    '/api/reconciliations',
    {
      preValidation: staffGuard(context, 'payment.reconcile'),
      schema: {
        tags: ['reconciliation'],
        summary: "Download a channel's statement of a day and reconcile it with the ledger's payments and refunds of that channel and day",
        security: staffWrite,
        body: reconciliationRequestSchema,
        response: { 201: reconciliationSchema, ...paymentErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await runReconciliation(context, gateways, who(request), request.body)),
  );

  app.post(
    '/api/reconciliations/import',
    {
      preValidation: staffGuard(context, 'payment.reconcile'),
      bodyLimit: STATEMENT_BODY_LIMIT,
      schema: {
        tags: ['reconciliation'],
        summary: 'Reconcile an uploaded channel statement of a day with the ledger',
        security: staffWrite,
        body: reconciliationImportSchema,
        response: { 201: reconciliationSchema, ...paymentErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await importReconciliation(context, who(request), request.body)),
  );

  app.get(
    '/api/reconciliations',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: {
        tags: ['reconciliation'],
        summary: 'Reconciliation runs, newest statement day first',
        security: staffRead,
        querystring: z.strictObject({ channel: onlineChannelSchema.optional(), date: z.iso.date().optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ reconciliations: z.array(reconciliationSummarySchema) }), ...paymentErrors },
      },
    },
    async (request) => ({ reconciliations: await listReconciliations(context, staffOf(request).tenantId, request.query) }),
  );

  app.get(
    '/api/reconciliations/:id',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: {
        tags: ['reconciliation'],
        summary: 'A reconciliation run: its totals and its differences',
        security: staffRead,
        params: uuidParamsSchema,
        querystring: z.strictObject({ type: z.enum(DIFFERENCE_TYPES).optional(), open: z.enum(['true', 'false']).optional().meta({ description: 'Only unresolved (true) or resolved (false) differences' }) }),
        response: { 200: reconciliationSchema, ...paymentErrors },
      },
    },
    async (request) =>
      getReconciliation(context, staffOf(request).tenantId, request.params.id, { type: request.query.type, isOpen: request.query.open === undefined ? undefined : request.query.open === 'true' }),
  );

  app.post(
    '/api/reconciliations/:id/differences/:diffId/resolve',
    {
      preValidation: staffGuard(context, 'payment.reconcile'),
      schema: {
        tags: ['reconciliation'],
        summary: 'Resolve a difference once, with a note; "credited" credits the lost payment of a known order after the channel confirms it (exactly once)',
        security: staffWrite,
        params: z.object({ id: z.uuid(), diffId: z.uuid() }),
        body: resolutionRequestSchema,
        response: { 200: differenceSchema, ...paymentErrors },
      },
    },
    async (request) => resolveDifference(context, gateways, who(request), request.params.id, request.params.diffId, request.body),
  );
}
