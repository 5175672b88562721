import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { createAdjustment } from './adjustments';
import { billPdf } from './documents';
import { rebill } from './rebill';
import {
  adjustmentRequestSchema,
  adjustmentResultSchema,
  billDetailSchema,
  billListQuerySchema,
  billPageSchema,
  rebillRequestSchema,
  usageQuerySchema,
  usageSeriesSchema,
} from './schemas';
import { getBillDetail, getUsage, listAccountBills, type Viewer } from './service';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
const portalRead = [{ portalSession: [] }];
const STAFF: Viewer = { kind: 'staff' };

const pdfResponse = {
  description: 'The bill as an A4 PDF in Chinese',
  content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
};

function sendPdf(reply: FastifyReply, file: { name: string; data: Buffer }, download: boolean): FastifyReply {
  return reply
    .type('application/pdf')
    .header('cache-control', 'private, no-store')
    .header('content-disposition', `${download ? 'attachment' : 'inline'}; filename="${file.name}"`)
    .send(file.data);
}

export function registerBillRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/accounts/:id/bills',
    {
      preValidation: staffGuard(context, 'bill.read'),
      schema: {
        tags: ['bills'],
        summary: "An account's bills, credit notes and debit notes, newest period first",
        security: staffRead,
        params: uuidParamsSchema,
        querystring: billListQuerySchema,
        response: { 200: billPageSchema, ...errors },
      },
    },
    async (request) => listAccountBills(context, staffOf(request).tenantId, STAFF, request.params.id, request.query.page, request.query.pageSize),
  );

  app.get(
    '/api/accounts/:id/usage',
    {
      preValidation: staffGuard(context, 'bill.read'),
      schema: {
        tags: ['bills'],
        summary: 'Water used per billed period (litres, net of notes), for usage charts',
        security: staffRead,
        params: uuidParamsSchema,
        querystring: usageQuerySchema,
        response: { 200: usageSeriesSchema, ...errors },
      },
    },
    async (request) => getUsage(context, staffOf(request).tenantId, STAFF, request.params.id, request.query.months),
  );

  app.get(
    '/api/bills/:id',
    {
      preValidation: staffGuard(context, 'bill.read'),
      schema: {
        tags: ['bills'],
        summary: "A bill with its lines, its credit and debit notes, the meter readings and the account's balance",
        security: staffRead,
        params: uuidParamsSchema,
        response: { 200: billDetailSchema, ...errors },
      },
    },
    async (request) => getBillDetail(context, staffOf(request).tenantId, STAFF, request.params.id),
  );

  app.get(
    '/api/bills/:id/pdf',
    {
      preValidation: staffGuard(context, 'bill.read'),
      schema: {
        tags: ['bills'],
        summary: 'The bill as a PDF (A4, Chinese, with a 12-month usage chart)',
        security: staffRead,
        params: uuidParamsSchema,
        querystring: z.object({ download: z.stringbool().optional() }),
        response: { 200: pdfResponse, ...errors },
      },
    },
    async (request, reply) => sendPdf(reply, await billPdf(context, staffOf(request).tenantId, STAFF, request.params.id), request.query.download ?? false),
  );

  app.post(
    '/api/bills/:id/adjustments',
    {
      preValidation: staffGuard(context, 'bill.adjust'),
      schema: {
        tags: ['bills'],
        summary: 'Issue a credit note (红字) or debit note (补收) on a bill; the bill itself never changes',
        security: staffWrite,
        params: uuidParamsSchema,
        body: adjustmentRequestSchema,
        response: { 201: adjustmentResultSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await createAdjustment(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request))),
  );

  app.post(
    '/api/bills/:id/rebill',
    {
      preValidation: staffGuard(context, 'bill.adjust'),
      schema: {
        tags: ['bills'],
        summary: 'Re-bill with the correct consumption: a credit note for what the bill stands at and a debit note recomputed by the tariff, together',
        security: staffWrite,
        params: uuidParamsSchema,
        body: rebillRequestSchema,
        response: { 201: adjustmentResultSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await rebill(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request))),
  );

  // ---- portal: only accounts the customer has bound; anything else is answered as not found ----
  const portalViewer = (request: Parameters<typeof portalUserOf>[0]) => {
    const user = portalUserOf(request);
    return { tenantId: user.tenantId, viewer: { kind: 'portal', portalUserId: user.portalUserId } as const };
  };

  app.get(
    '/api/portal/accounts/:id/bills',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: "A bound account's bills, newest first",
        security: portalRead,
        params: uuidParamsSchema,
        querystring: billListQuerySchema,
        response: { 200: billPageSchema, ...errors },
      },
    },
    async (request) => {
      const { tenantId, viewer } = portalViewer(request);
      return listAccountBills(context, tenantId, viewer, request.params.id, request.query.page, request.query.pageSize);
    },
  );

  app.get(
    '/api/portal/accounts/:id/usage',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: "A bound account's water use per billed period",
        security: portalRead,
        params: uuidParamsSchema,
        querystring: usageQuerySchema,
        response: { 200: usageSeriesSchema, ...errors },
      },
    },
    async (request) => {
      const { tenantId, viewer } = portalViewer(request);
      return getUsage(context, tenantId, viewer, request.params.id, request.query.months);
    },
  );

  app.get(
    '/api/portal/bills/:id',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'One bill of a bound account, with its lines and notes', security: portalRead, params: uuidParamsSchema, response: { 200: billDetailSchema, ...errors } },
    },
    async (request) => {
      const { tenantId, viewer } = portalViewer(request);
      return getBillDetail(context, tenantId, viewer, request.params.id);
    },
  );

  app.get(
    '/api/portal/bills/:id/pdf',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: 'One bill of a bound account as a PDF (电子账单)',
        security: portalRead,
        params: uuidParamsSchema,
        querystring: z.object({ download: z.stringbool().optional() }),
        response: { 200: pdfResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { tenantId, viewer } = portalViewer(request);
      return sendPdf(reply, await billPdf(context, tenantId, viewer, request.params.id), request.query.download ?? false);
    },
  );
}
