import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { arrearsCsv, arrearsReport } from './arrears';
import { collectionCaseOf } from './case-file';
import { listNotices } from './dunning';
import {
  addNote,
  cancelCutoffOrder,
  closeDispute,
  completeCutoffOrder,
  completeReconnectionOrder,
  issueCutoffOrder,
  listCutoffOrders,
  listReconnectionOrders,
  openDispute,
} from './orders';
import {
  arrearsQuerySchema,
  arrearsReportSchema,
  cancelInputSchema,
  collectionCaseSchema,
  collectionNoteSchema,
  cutoffInputSchema,
  cutoffOrderSchema,
  disputeCloseSchema,
  disputeInputSchema,
  disputeSchema,
  noteInputSchema,
  noticeSchema,
  noticesQuerySchema,
  orderListQuerySchema,
  reconnectionListQuerySchema,
  reconnectionOrderSchema,
} from './schemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const read = [{ staffSession: [] }];
const write = [{ staffSession: [], csrfToken: [] }];
const tags = ['collection'];

export function registerCollectionRoutes(app: App, context: PlatformContext): void {
  const viewerOf = (request: Parameters<typeof staffOf>[0]) => {
    const staff = staffOf(request);
    return { staffId: staff.staffId, seesAll: staff.permissions.includes('collection.manage') };
  };

  app.get(
    '/api/arrears',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: {
        tags,
        summary: 'Arrears list (欠费清单): accounts owing past due, aged, with route, collector and protections; summary per route and age bucket',
        description: 'A collector sees only the routes they collect on today; collection.manage sees every route.',
        security: read,
        querystring: arrearsQuerySchema,
        response: { 200: arrearsReportSchema, ...errors },
      },
    },
    async (request) => arrearsReport(context, staffOf(request).tenantId, request.query, viewerOf(request)),
  );

  app.get(
    '/api/arrears.csv',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: {
        tags,
        summary: 'The arrears list as CSV (UTF-8, for Excel), amounts in yuan',
        security: read,
        querystring: arrearsQuerySchema,
        response: { 200: { description: 'CSV, UTF-8 with BOM', content: { 'text/csv': { schema: z.string() } } }, ...errors },
      },
    },
    async (request, reply) => {
      const file = await arrearsCsv(context, staffOf(request).tenantId, request.query, viewerOf(request));
      return reply.type('text/csv; charset=utf-8').header('cache-control', 'private, no-store').header('content-disposition', `attachment; filename="${file.name}"`).send(file.text);
    },
  );

  app.get(
    '/api/accounts/:id/collection',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: { tags, summary: "An account's collection file: arrears, late fees per bill, notices, notes, disputes, cut-off and reconnection orders", security: read, params: uuidParamsSchema, response: { 200: collectionCaseSchema, ...errors } },
    },
    async (request) => collectionCaseOf(context, staffOf(request).tenantId, request.params.id),
  );

  app.post(
    '/api/accounts/:id/collection-notes',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: { tags, summary: 'Record a visit, a promise to pay (承诺缴费) or a note on an account', security: write, params: uuidParamsSchema, body: noteInputSchema, response: { 201: collectionNoteSchema, ...errors } },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      return reply.code(201).send(await addNote(context, staff.tenantId, request.params.id, request.body, staff.staffId, staffActor(request)));
    },
  );

  app.get(
    '/api/collection-notices',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: {
        tags,
        summary: 'Dunning notices (催缴通知), newest day first; channel=letter is the printable list for collectors',
        description:
          'A collector sees only the notices of the routes they collect on today; collection.manage sees every route. WeChat notices are recorded as awaiting a gateway: there is no WeChat template-message gateway yet.',
        security: read,
        querystring: noticesQuerySchema,
        response: { 200: z.object({ notices: z.array(noticeSchema) }), ...errors },
      },
    },
    async (request) => ({ notices: await listNotices(context, staffOf(request).tenantId, request.query, viewerOf(request)) }),
  );

  app.post(
    '/api/bills/:id/disputes',
    {
      preValidation: staffGuard(context, 'customer.write'),
      schema: { tags, summary: 'Open a dispute on a bill (账单异议): no cut-off of the account while it is open', security: write, params: uuidParamsSchema, body: disputeInputSchema, response: { 201: disputeSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await openDispute(context, staffOf(request).tenantId, request.params.id, request.body.reason, staffActor(request))),
  );

  app.post(
    '/api/bill-disputes/:id/close',
    {
      preValidation: staffGuard(context, 'bill.adjust'),
      schema: { tags, summary: 'Close a bill dispute with its resolution', security: write, params: uuidParamsSchema, body: disputeCloseSchema, response: { 200: disputeSchema, ...errors } },
    },
    async (request) => closeDispute(context, staffOf(request).tenantId, request.params.id, request.body.resolution, staffActor(request)),
  );

  app.post(
    '/api/accounts/:id/cutoff-orders',
    {
      preValidation: staffGuard(context, 'collection.manage'),
      schema: {
        tags,
        summary: 'Issue a cut-off work order (停水单)',
        description:
          'Refused while a bill of the account is disputed, without overdue principal, before the cut-off notice is the configured hours old (default 72), while another order is issued or the water is already off, and for an important or special-care household unless {override: true, reason} by a holder of collection.override (audited).',
        security: write,
        params: uuidParamsSchema,
        body: cutoffInputSchema,
        response: { 201: cutoffOrderSchema, ...errors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      return reply.code(201).send(await issueCutoffOrder(context, staff.tenantId, request.params.id, request.body, { actor: staffActor(request), permissions: staff.permissions }));
    },
  );

  app.get(
    '/api/cutoff-orders',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: { tags, summary: 'Cut-off work orders, newest first', security: read, querystring: orderListQuerySchema, response: { 200: z.object({ orders: z.array(cutoffOrderSchema) }), ...errors } },
    },
    async (request) => ({ orders: await listCutoffOrders(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/cutoff-orders/:id/complete',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: { tags, summary: 'Report a cut-off done (issued → done); refused if a bill became disputed', security: write, params: uuidParamsSchema, response: { 200: cutoffOrderSchema, ...errors } },
    },
    async (request) => completeCutoffOrder(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );

  app.post(
    '/api/cutoff-orders/:id/cancel',
    {
      preValidation: staffGuard(context, 'collection.manage'),
      schema: { tags, summary: 'Cancel an issued cut-off order', security: write, params: uuidParamsSchema, body: cancelInputSchema, response: { 200: cutoffOrderSchema, ...errors } },
    },
    async (request) => cancelCutoffOrder(context, staffOf(request).tenantId, request.params.id, request.body.reason, staffActor(request)),
  );

  app.get(
    '/api/reconnection-orders',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: { tags, summary: 'Reconnection orders (复水单): due, overdue (past their deadline) or done', security: read, querystring: reconnectionListQuerySchema, response: { 200: z.object({ orders: z.array(reconnectionOrderSchema) }), ...errors } },
    },
    async (request) => ({ orders: await listReconnectionOrders(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/reconnection-orders/:id/complete',
    {
      preValidation: staffGuard(context, 'collection.work'),
      schema: { tags, summary: 'Report water restored (due → done)', security: write, params: uuidParamsSchema, response: { 200: reconnectionOrderSchema, ...errors } },
    },
    async (request) => completeReconnectionOrder(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );
}
