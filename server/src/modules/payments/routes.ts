import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { domainErrorResponse, errorResponseSchema } from '../../platform/http/errors';
import { portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import { idempotencyKeyOf, requestHash, withIdempotency } from '../../platform/http/idempotency';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { applyPrepaid, closeTill, currentTill, listTills, openTill, takeCounterPayment } from './counter';
import {
  accountMoneySchema,
  counterPaymentRequestSchema,
  paymentSummarySchema,
  receiptSchema,
  statementSchema,
  tillCloseSchema,
  tillSchema,
} from './schemas';
import { reversalRequestSchema, reversalSchema, reversePayment } from './reversals';
import { getAccountMoney, getReceipt, getStatement, listPayments, type Viewer } from './service';

export const paymentErrors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  422: errorResponseSchema,
};
export const staffRead = [{ staffSession: [] }];
export const staffWrite = [{ staffSession: [], csrfToken: [] }];
export const portalRead = [{ portalSession: [] }];
export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(8).max(100).optional().meta({ description: 'Repeats with the same key get the first response; a different request with it is refused (422)' }),
});
const STAFF: Viewer = { kind: 'staff' };
const limitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export function registerPaymentRoutes(app: App, context: PlatformContext): void {
  // ---- staff: reading an account's money ----
  app.get(
    '/api/accounts/:id/money',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: { tags: ['payments'], summary: 'What an account owes or has in credit, its prepaid balance and its open bills (oldest first)', security: staffRead, params: uuidParamsSchema, response: { 200: accountMoneySchema, ...paymentErrors } },
    },
    async (request) => getAccountMoney(context, staffOf(request).tenantId, STAFF, request.params.id),
  );

  app.get(
    '/api/accounts/:id/statement',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: { tags: ['payments'], summary: 'Statement of account (对账单): every journal that moved what the account owes, with the running balance', security: staffRead, params: uuidParamsSchema, querystring: limitQuery, response: { 200: statementSchema, ...paymentErrors } },
    },
    async (request) => getStatement(context, staffOf(request).tenantId, STAFF, request.params.id, request.query.limit),
  );

  app.get(
    '/api/accounts/:id/payments',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: { tags: ['payments'], summary: "An account's payments, newest first", security: staffRead, params: uuidParamsSchema, querystring: limitQuery, response: { 200: z.object({ payments: z.array(paymentSummarySchema) }), ...paymentErrors } },
    },
    async (request) => ({ payments: await listPayments(context, staffOf(request).tenantId, STAFF, request.params.id, request.query.limit) }),
  );

  app.get(
    '/api/payments/:id/receipt',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: { tags: ['payments'], summary: 'The receipt of a payment', security: staffRead, params: uuidParamsSchema, response: { 200: receiptSchema, ...paymentErrors } },
    },
    async (request) => getReceipt(context, staffOf(request).tenantId, STAFF, request.params.id),
  );

  // ---- staff: the counter ----
  app.post(
    '/api/accounts/:id/payments',
    {
      preValidation: staffGuard(context, 'payment.take'),
      schema: {
        tags: ['payments'],
        summary: 'Take a payment at the counter (cash, card, transfer) into your open till; settles the oldest bills first, the rest to prepaid',
        security: staffWrite,
        params: uuidParamsSchema,
        headers: idempotencyHeaders,
        body: counterPaymentRequestSchema,
        response: { 201: receiptSchema, ...paymentErrors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const hash = requestHash('POST', '/api/accounts/:id/payments', { params: request.params, body: request.body });
      const result = await withIdempotency(
        context.db,
        staff.tenantId,
        `staff:${staff.staffId}`,
        idempotencyKeyOf(request),
        hash,
        context.clock.now(),
        async () => ({ status: 201, body: await takeCounterPayment(context, staff.tenantId, staff.staffId, request.params.id, request.body, staffActor(request)) }),
        domainErrorResponse,
      );
      return reply.code(result.status as 201).send(result.body as never);
    },
  );

  app.post(
    '/api/accounts/:id/prepaid/apply',
    {
      preValidation: staffGuard(context, 'payment.take'),
      schema: {
        tags: ['payments'],
        summary: "Settle the account's open bills from its prepaid balance as far as it goes",
        security: staffWrite,
        params: uuidParamsSchema,
        response: { 200: z.object({ appliedFen: z.int() }), ...paymentErrors },
      },
    },
    async (request) => ({ appliedFen: await applyPrepaid(context, staffOf(request).tenantId, request.params.id) }),
  );

  app.get(
    '/api/tills/current',
    {
      preValidation: staffGuard(context, 'payment.take'),
      schema: { tags: ['payments'], summary: 'Your open till (null when none is open)', security: staffRead, response: { 200: z.object({ till: tillSchema.nullable() }), ...paymentErrors } },
    },
    async (request) => ({ till: await currentTill(context, staffOf(request).tenantId, staffOf(request).staffId) }),
  );

  app.post(
    '/api/tills/open',
    {
      preValidation: staffGuard(context, 'payment.take'),
      schema: { tags: ['payments'], summary: "Open your till for today (or get the one that is open)", security: staffWrite, response: { 200: tillSchema, ...paymentErrors } },
    },
    async (request) => openTill(context, staffOf(request).tenantId, staffOf(request).staffId, staffActor(request)),
  );

  app.post(
    '/api/tills/:id/close',
    {
      preValidation: staffGuard(context, 'payment.take'),
      schema: {
        tags: ['payments'],
        summary: 'Close your till (日结) with what you counted per method; it must equal what the payments recorded',
        security: staffWrite,
        params: uuidParamsSchema,
        body: tillCloseSchema,
        response: { 200: tillSchema, ...paymentErrors },
      },
    },
    async (request) => closeTill(context, staffOf(request).tenantId, staffOf(request).staffId, request.params.id, request.body, staffActor(request)),
  );

  app.get(
    '/api/tills',
    {
      preValidation: staffGuard(context, 'payment.read'),
      schema: {
        tags: ['payments'],
        summary: "A day's tills with totals per cashier",
        security: staffRead,
        description: 'With the reversals (冲正) of that day: a counter payment reversed while its till was open is in that till’s totals (tillId), any other reversal only here.',
        querystring: z.strictObject({ date: z.iso.date() }),
        response: { 200: z.object({ tills: z.array(tillSchema), reversals: z.array(reversalSchema) }), ...paymentErrors },
      },
    },
    async (request) => listTills(context, staffOf(request).tenantId, request.query.date),
  );

  // ---- supervisors: reversal of a mistaken payment ----
  app.post(
    '/api/payments/:id/reversal',
    {
      preValidation: staffGuard(context, 'payment.reverse'),
      schema: {
        tags: ['payments'],
        summary: 'Reverse (冲正) a payment recorded by mistake, with a reason: the mirror journal re-opens the bills, late fees and prepaid it settled',
        description:
          'Supervisors only (payment.reverse), never the cashier who took it. Refused for a payment already reversed or refunded, and for WeChat Pay and Alipay payments (refund those). A counter payment whose till is still open comes off that till. Idempotency-Key: repeats get the first answer.',
        security: staffWrite,
        params: uuidParamsSchema,
        headers: idempotencyHeaders,
        body: reversalRequestSchema,
        response: { 201: reversalSchema, ...paymentErrors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const hash = requestHash('POST', '/api/payments/:id/reversal', { params: request.params, body: request.body });
      const result = await withIdempotency(
        context.db,
        staff.tenantId,
        `staff:${staff.staffId}`,
        idempotencyKeyOf(request),
        hash,
        context.clock.now(),
        async () => ({ status: 201, body: await reversePayment(context, { tenantId: staff.tenantId, staffId: staff.staffId, actor: staffActor(request) }, request.params.id, request.body) }),
        domainErrorResponse,
      );
      return reply.code(result.status as 201).send(result.body as never);
    },
  );

  // ---- portal: only accounts the customer bound ----
  const portalViewer = (request: Parameters<typeof portalUserOf>[0]) => {
    const user = portalUserOf(request);
    return { tenantId: user.tenantId, viewer: { kind: 'portal', portalUserId: user.portalUserId } as const };
  };

  app.get(
    '/api/portal/accounts/:id/money',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'What a bound account owes, its prepaid balance and open bills', security: portalRead, params: uuidParamsSchema, response: { 200: accountMoneySchema, ...paymentErrors } },
    },
    async (request) => {
      const { tenantId, viewer } = portalViewer(request);
      return getAccountMoney(context, tenantId, viewer, request.params.id);
    },
  );

  app.get(
    '/api/portal/accounts/:id/payments',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "A bound account's payments, newest first", security: portalRead, params: uuidParamsSchema, querystring: limitQuery, response: { 200: z.object({ payments: z.array(paymentSummarySchema) }), ...paymentErrors } },
    },
    async (request) => {
      const { tenantId, viewer } = portalViewer(request);
      return { payments: await listPayments(context, tenantId, viewer, request.params.id, request.query.limit) };
    },
  );

  app.get(
    '/api/portal/payments/:id/receipt',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'The receipt of a payment on a bound account', security: portalRead, params: uuidParamsSchema, response: { 200: receiptSchema, ...paymentErrors } },
    },
    async (request) => {
      const { tenantId, viewer } = portalViewer(request);
      return getReceipt(context, tenantId, viewer, request.params.id);
    },
  );
}
