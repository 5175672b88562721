import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { createBillingRun, getBillingRun, listBillingRuns, listSkippedAccounts } from './runs';
import { billingRunListQuerySchema, billingRunSchema, newBillingRunSchema, skippedAccountSchema, skippedQuerySchema } from './schemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const read = [{ staffSession: [] }];
const write = [{ staffSession: [], csrfToken: [] }];

export function registerBillingRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/billing-runs',
    {
      preValidation: staffGuard(context, 'bill.read'),
      schema: {
        tags: ['billing'],
        summary: 'Billing runs, newest first, with progress and summary',
        security: read,
        querystring: billingRunListQuerySchema,
        response: { 200: z.object({ runs: z.array(billingRunSchema) }), ...errors },
      },
    },
    async (request) => ({ runs: await listBillingRuns(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/billing-runs',
    {
      preValidation: staffGuard(context, 'billing.run'),
      schema: {
        tags: ['billing'],
        summary: 'Start a billing run for a month and routes (all active routes if none); workers bill it in chunks',
        description:
          'One regular bill per account and month, ever: accounts already billed for the month are skipped. ' +
          '409 while another run of the same month on any of the same routes is in progress.',
        security: write,
        body: newBillingRunSchema,
        response: { 201: billingRunSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await createBillingRun(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.get(
    '/api/billing-runs/:id',
    {
      preValidation: staffGuard(context, 'bill.read'),
      schema: { tags: ['billing'], summary: 'One billing run: progress (poll it) and summary', security: read, params: uuidParamsSchema, response: { 200: billingRunSchema, ...errors } },
    },
    async (request) => getBillingRun(context, staffOf(request).tenantId, request.params.id),
  );

  app.get(
    '/api/billing-runs/:id/skipped',
    {
      preValidation: staffGuard(context, 'bill.read'),
      schema: {
        tags: ['billing'],
        summary: 'Accounts a billing run did not bill, and why',
        security: read,
        params: uuidParamsSchema,
        querystring: skippedQuerySchema,
        response: { 200: z.object({ accounts: z.array(skippedAccountSchema) }), ...errors },
      },
    },
    async (request) => ({ accounts: await listSkippedAccounts(context, staffOf(request).tenantId, request.params.id, request.query) }),
  );
}
