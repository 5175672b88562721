import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { eventsForCustomer } from './desk';
import { registerServiceAdminRoutes } from './admin-routes';
import { registerServiceDeskRoutes } from './desk-routes';
import { registerServiceMediaRoutes } from './mediaRoutes';
import { createRequest, getRequest, listCategories, listCrews, listRequests, reassignRequest, takeStep } from './requests';
import {
  newServiceRequestSchema,
  portalNewServiceRequestSchema,
  reassignRequestSchema,
  requestListQuerySchema,
  serviceCategorySchema,
  serviceRequestDetailSchema,
  serviceRequestSchema,
  stepRequestSchema,
} from './schemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
const portalRead = [{ portalSession: [] }];
const portalWrite = [{ portalSession: [], csrfToken: [] }];
const flag = (value: 'true' | 'false' | undefined) => (value === undefined ? undefined : value === 'true');

export function registerServiceRoutes(app: App, context: PlatformContext): void {
  // Photos (attachments.ts) and materials (materials.ts) of a request.
  registerServiceMediaRoutes(app, context);
  // The desk: knowledge base, call log, duplicates, follow-ups and ratings, duty leaders (desk-routes.ts).
  registerServiceDeskRoutes(app, context);
  // The dispatcher's board, the crew's phone reveal, and the settings: categories and materials (admin-routes.ts).
  registerServiceAdminRoutes(app, context);

  app.get(
    '/api/service-categories',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'Request categories with their time limits (minutes; clock or working time)', security: staffRead, response: { 200: z.object({ categories: z.array(serviceCategorySchema) }), ...errors } },
    },
    async (request) => ({ categories: await listCategories(context, staffOf(request).tenantId) }),
  );

  app.get(
    '/api/service-crews',
    {
      preValidation: staffGuard(context, 'service.dispatch'),
      schema: {
        tags: ['service'],
        summary: 'Repair crew members a request may be dispatched to, with their open requests',
        security: staffRead,
        response: { 200: z.object({ crews: z.array(z.object({ id: z.uuid(), name: z.string(), openRequests: z.int() })) }), ...errors },
      },
    },
    async (request) => ({ crews: await listCrews(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/service-requests',
    {
      preValidation: staffGuard(context, 'service.create'),
      schema: { tags: ['service'], summary: 'Record a request (hotline, counter, WeChat, 12345) with its deadlines', security: staffWrite, body: newServiceRequestSchema, response: { 201: serviceRequestDetailSchema, ...errors } },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const created = await createRequest(context, staff.tenantId, request.body, { channel: request.body.channel, createdBy: staff.displayName, desk: { checkDuplicates: 'staff', permissions: staff.permissions }, actorStaff: staff }, staffActor(request));
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/service-requests',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'Requests, newest first: by state, kind, open, overdue, assigned to me, customer', security: staffRead, querystring: requestListQuerySchema, response: { 200: z.object({ requests: z.array(serviceRequestSchema) }), ...errors } },
    },
    async (request) => {
      const staff = staffOf(request);
      const query = request.query;
      return {
        requests: await listRequests(context, staff.tenantId, {
          state: query.state,
          kind: query.kind,
          open: flag(query.open),
          overdue: flag(query.overdue),
          assigneeStaffId: flag(query.assignedToMe) ? staff.staffId : undefined,
          customerId: query.customerId,
          limit: query.limit,
        }),
      };
    },
  );

  app.get(
    '/api/service-requests/:id',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'A request with its deadlines, steps taken and the steps that may follow', security: staffRead, params: uuidParamsSchema, response: { 200: serviceRequestDetailSchema, ...errors } },
    },
    async (request) => getRequest(context, staffOf(request).tenantId, { kind: 'staff' }, request.params.id),
  );

  app.post(
    '/api/service-requests/:id/steps',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: {
        tags: ['service'],
        summary: 'Take the next step (accept, respond, dispatch, depart, arrive, control, restore, close, cancel, reopen); who may take which is the state machine’s rule',
        security: staffWrite,
        params: uuidParamsSchema,
        body: stepRequestSchema,
        response: { 200: serviceRequestDetailSchema, ...errors },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      return takeStep(context, staff.tenantId, { staffId: staff.staffId, permissions: staff.permissions }, request.params.id, request.body, staffActor(request));
    },
  );

  app.post(
    '/api/service-requests/:id/reassign',
    {
      preValidation: staffGuard(context, 'service.dispatch'),
      schema: {
        tags: ['service'],
        summary: 'Reassign a dispatched repair to another crew member, with a reason, until the crew is on site (409 crew_on_site after); no time limit moves',
        security: staffWrite,
        params: uuidParamsSchema,
        body: reassignRequestSchema,
        response: { 200: serviceRequestDetailSchema, ...errors },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      return reassignRequest(context, staff.tenantId, { permissions: staff.permissions }, request.params.id, request.body, staffActor(request));
    },
  );

  // ---- portal: the customer's own requests ----
  app.get(
    '/api/portal/service-categories',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'What a customer may report (repairs, complaints, inquiries, …)', security: portalRead, response: { 200: z.object({ categories: z.array(serviceCategorySchema) }), ...errors } },
    },
    async (request) => ({ categories: (await listCategories(context, portalUserOf(request).tenantId)).filter((category) => category.isActive) }),
  );

  app.post(
    '/api/portal/service-requests',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'Report a repair or make a complaint, inquiry or suggestion', security: portalWrite, body: portalNewServiceRequestSchema, response: { 201: serviceRequestDetailSchema, ...errors } },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      const created = await createRequestFromPortal(context, user.tenantId, user.portalUserId, user.phone, request.body, portalActor(request));
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/portal/service-requests',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "The customer's requests, newest first, with their progress", security: portalRead, response: { 200: z.object({ requests: z.array(serviceRequestSchema) }), ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return { requests: await listRequests(context, user.tenantId, { portalUserId: user.portalUserId, limit: 100 }) };
    },
  );

  app.get(
    '/api/portal/service-requests/:id',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "One of the customer's requests: each step, who holds it, the deadline", security: portalRead, params: uuidParamsSchema, response: { 200: serviceRequestDetailSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return getRequest(context, user.tenantId, { kind: 'portal', portalUserId: user.portalUserId }, request.params.id);
    },
  );
}

import type { Actor } from '../../platform/audit/audit';
import { notFound } from '../../platform/errors';
import { isAccountBound } from '../customers';
import type { PortalNewServiceRequest } from './schemas';

/** A portal report: an account, if named, must be one the customer bound; the customer's phone is the contact. */
async function createRequestFromPortal(context: PlatformContext, tenantId: string, portalUserId: string, phone: string, input: PortalNewServiceRequest, actor: Actor) {
  if (input.accountId) {
    const accountId = input.accountId;
    const bound = await context.db.withTenant(tenantId, (sql) => isAccountBound(sql, portalUserId, accountId));
    if (!bound) throw notFound({ zh: '账户', en: 'Account' });
  }
  const created = await createRequest(context, tenantId, { ...input, contactPhone: phone } as never, { channel: 'portal', createdBy: actor.name, portalUserId, desk: { checkDuplicates: 'portal' } }, actor);
  return { ...created, events: eventsForCustomer(created.events) };
}
