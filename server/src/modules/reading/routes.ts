import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { ImportRejected, importReadingFile, ingestHeadEndBatch, invalidImport, listDeadLetters, rejectionBody } from './importer';
import { portalReadings, submitSelfReading } from './portal';
import { enterReading, getReadingPhoto, listAccountReadings, listReviewQueue, reviewReading } from './readings';
import { addRouteAccounts, assignStaff, createRoute, getRoute, listRoutes, myRoutes, removeRouteAccount, rotationProposal, routeSheet, setWalkOrder, updateRoute } from './routebook';
import {
  batchResultSchema,
  deadLetterSchema,
  headEndBatchSchema,
  importReportSchema,
  importRejectionSchema,
  importRequestSchema,
  myRouteSchema,
  newAssignmentSchema,
  newReadingSchema,
  newRouteSchema,
  portalNewReadingSchema,
  portalReadingResultSchema,
  portalReadingsSchema,
  readingListQuerySchema,
  readingResultSchema,
  readingSchema,
  reviewDecisionSchema,
  reviewItemSchema,
  reviewQuerySchema,
  rotationProposalSchema,
  routeAccountParamsSchema,
  routeAccountsRequestSchema,
  routeDetailSchema,
  routePatchSchema,
  routeSummarySchema,
  sheetQuerySchema,
  sheetSchema,
  walkOrderRequestSchema,
} from './schemas';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
};
const noContent = z.null().describe('No content');
const read = [{ staffSession: [] }];
const write = [{ staffSession: [], csrfToken: [] }];
const portalRead = [{ portalSession: [] }];
const portalWrite = [{ portalSession: [], csrfToken: [] }];
/** Requests that carry a photo (base64) or a file may be larger than the default 2 MiB. */
const PHOTO_BODY_LIMIT = 8 * 1024 * 1024;
const FILE_BODY_LIMIT = 32 * 1024 * 1024;
const photoSchema = z.object({ contentType: z.string(), dataBase64: z.string() }).meta({ id: 'Photo' });

export function registerReadingRoutes(app: App, context: PlatformContext): void {
  // ---- routes (抄表本) ----
  app.get(
    '/api/routes',
    {
      preValidation: staffGuard(context, 'route.read'),
      schema: { tags: ['reading'], summary: 'Routes (抄表本) with their reader, collector and rotation state', security: read, response: { 200: z.object({ routes: z.array(routeSummarySchema) }), ...errors } },
    },
    async (request) => ({ routes: await listRoutes(context, staffOf(request).tenantId) }),
  );

  app.get(
    '/api/routes/rotation-proposal',
    {
      preValidation: staffGuard(context, 'route.read'),
      schema: {
        tags: ['reading'],
        summary: 'Routes due for rotation and the proposed next reader of each',
        security: read,
        response: { 200: z.object({ termMonths: z.number().int(), proposals: z.array(rotationProposalSchema) }), ...errors },
      },
    },
    async (request) => ({ termMonths: 12, proposals: await rotationProposal(context, staffOf(request).tenantId) }),
  );

  app.get(
    '/api/routes/mine',
    {
      preValidation: staffGuard(context, 'route.read'),
      schema: { tags: ['reading'], summary: "The routes the signed-in reader reads, with this month's progress", security: read, response: { 200: z.object({ routes: z.array(myRouteSchema) }), ...errors } },
    },
    async (request) => {
      const staff = staffOf(request);
      return { routes: await myRoutes(context, staff.tenantId, staff.staffId) };
    },
  );

  app.post(
    '/api/routes',
    {
      preValidation: staffGuard(context, 'route.manage'),
      schema: { tags: ['reading'], summary: 'Create a route', security: write, body: newRouteSchema, response: { 201: routeDetailSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createRoute(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.get(
    '/api/routes/:id',
    {
      preValidation: staffGuard(context, 'route.read'),
      schema: { tags: ['reading'], summary: 'A route: accounts in walk order and assignment history', security: read, params: uuidParamsSchema, response: { 200: routeDetailSchema, ...errors } },
    },
    async (request) => getRoute(context, staffOf(request).tenantId, request.params.id),
  );

  app.patch(
    '/api/routes/:id',
    {
      preValidation: staffGuard(context, 'route.manage'),
      schema: { tags: ['reading'], summary: 'Change a route', security: write, params: uuidParamsSchema, body: routePatchSchema, response: { 200: routeDetailSchema, ...errors } },
    },
    async (request) => updateRoute(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/routes/:id/accounts',
    {
      preValidation: staffGuard(context, 'route.manage'),
      schema: {
        tags: ['reading'],
        summary: 'Add accounts at the end of the walk order (accounts on another route move here)',
        security: write,
        params: uuidParamsSchema,
        body: routeAccountsRequestSchema,
        response: { 200: routeDetailSchema, ...errors },
      },
    },
    async (request) => addRouteAccounts(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.delete(
    '/api/routes/:id/accounts/:accountId',
    {
      preValidation: staffGuard(context, 'route.manage'),
      schema: { tags: ['reading'], summary: 'Take an account off a route', security: write, params: routeAccountParamsSchema, response: { 204: noContent, ...errors } },
    },
    async (request, reply) => {
      await removeRouteAccount(context, staffOf(request).tenantId, request.params.id, request.params.accountId, staffActor(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/routes/:id/walk-order',
    {
      preValidation: staffGuard(context, 'route.manage'),
      schema: { tags: ['reading'], summary: 'Set the walk order: every account of the route, in order', security: write, params: uuidParamsSchema, body: walkOrderRequestSchema, response: { 200: routeDetailSchema, ...errors } },
    },
    async (request) => setWalkOrder(context, staffOf(request).tenantId, request.params.id, request.body.accountIds, staffActor(request)),
  );

  app.post(
    '/api/routes/:id/assignments',
    {
      preValidation: staffGuard(context, 'route.manage'),
      schema: {
        tags: ['reading'],
        summary: 'Assign a reader or collector from a date (rotation term and reader/collector separation enforced)',
        security: write,
        params: uuidParamsSchema,
        body: newAssignmentSchema,
        response: { 201: routeDetailSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await assignStaff(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request))),
  );

  app.get(
    '/api/routes/:id/sheet',
    {
      preValidation: staffGuard(context, 'route.read'),
      schema: {
        tags: ['reading'],
        summary: "A route's reading sheet for a month: walk order, last reading, expected range, this month's entry",
        security: read,
        params: uuidParamsSchema,
        querystring: sheetQuerySchema,
        response: { 200: sheetSchema, ...errors },
      },
    },
    async (request) => routeSheet(context, staffOf(request).tenantId, request.params.id, request.query.period),
  );

  // ---- readings ----
  app.post(
    '/api/readings',
    {
      preValidation: staffGuard(context, 'reading.write'),
      bodyLimit: PHOTO_BODY_LIMIT,
      schema: {
        tags: ['reading'],
        summary: 'Enter a reading (register in m³ or litres) or a reason the meter could not be read (then estimated); validated at once',
        security: write,
        body: newReadingSchema,
        response: { 201: readingResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      // Supervisors (who review readings) may enter for any route; a reader only on their own.
      const onlyAssignedRoutes = !staff.permissions.includes('reading.review');
      return reply.code(201).send(await enterReading(context, staff.tenantId, request.body, staffActor(request), { source: 'handheld', staffId: staff.staffId, action: 'reading.enter', onlyAssignedRoutes }));
    },
  );

  app.get(
    '/api/readings',
    {
      preValidation: staffGuard(context, 'reading.read'),
      schema: { tags: ['reading'], summary: "An account's readings, newest first", security: read, querystring: readingListQuerySchema, response: { 200: z.object({ readings: z.array(readingSchema) }), ...errors } },
    },
    async (request) => ({ readings: await listAccountReadings(context, staffOf(request).tenantId, request.query.accountId, request.query.limit) }),
  );

  app.get(
    '/api/readings/review-queue',
    {
      preValidation: staffGuard(context, 'reading.review'),
      schema: {
        tags: ['reading'],
        summary: 'Suspect readings waiting for review, oldest first',
        security: read,
        querystring: reviewQuerySchema,
        response: { 200: z.object({ items: z.array(reviewItemSchema), total: z.number().int(), next: z.string().nullable() }), ...errors },
      },
    },
    async (request) => listReviewQueue(context, staffOf(request).tenantId, request.query.limit, request.query.before),
  );

  app.post(
    '/api/readings/:id/review',
    {
      preValidation: staffGuard(context, 'reading.review'),
      schema: { tags: ['reading'], summary: 'Accept, reject, or reject and estimate a suspect reading (audited)', security: write, params: uuidParamsSchema, body: reviewDecisionSchema, response: { 200: readingSchema, ...errors } },
    },
    async (request) => reviewReading(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.get(
    '/api/readings/:id/photo',
    {
      preValidation: staffGuard(context, 'reading.read'),
      schema: { tags: ['reading'], summary: "A reading's photo, base64-encoded", security: read, params: uuidParamsSchema, response: { 200: photoSchema, ...errors } },
    },
    async (request) => {
      const photo = await getReadingPhoto(context, staffOf(request).tenantId, request.params.id);
      return { contentType: photo.contentType, dataBase64: photo.bytes.toString('base64') };
    },
  );

  app.post(
    '/api/readings/import',
    {
      preValidation: staffGuard(context, 'reading.import'),
      bodyLimit: FILE_BODY_LIMIT,
      schema: {
        tags: ['reading'],
        summary: 'Import a CSV or XLSX file of readings: all rows or none; a per-row error report when any row fails',
        security: write,
        body: importRequestSchema,
        response: { 201: importReportSchema, 400: importRejectionSchema.or(errorResponseSchema), 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const bytes = Buffer.from(request.body.contentBase64, 'base64');
      if (bytes.length === 0) throw invalidImport('文件为空', 'the file is empty');
      try {
        return reply.code(201).send(await importReadingFile(context, staff.tenantId, request.body.fileName, bytes, staffActor(request), staff.staffId));
      } catch (error) {
        if (error instanceof ImportRejected) return reply.code(400).send(rejectionBody(error));
        throw error;
      }
    },
  );

  app.post(
    '/api/readings/batch',
    {
      preValidation: staffGuard(context, 'reading.import'),
      bodyLimit: FILE_BODY_LIMIT,
      schema: {
        tags: ['reading'],
        summary: 'Remote-reading head-end batch: per-item results (207); the same externalId again is a duplicate and ignored',
        security: write,
        body: headEndBatchSchema,
        response: { 207: batchResultSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(207).send(await ingestHeadEndBatch(context, staffOf(request).tenantId, request.body.readings, staffActor(request))),
  );

  app.get(
    '/api/readings/dead-letters',
    {
      preValidation: staffGuard(context, 'reading.import'),
      schema: { tags: ['reading'], summary: 'Remote-meter messages that could not be understood or matched, newest first', security: read, response: { 200: z.object({ deadLetters: z.array(deadLetterSchema) }), ...errors } },
    },
    async (request) => ({ deadLetters: await listDeadLetters(context, staffOf(request).tenantId, 200) }),
  );

  // ---- portal: 抄表自报 ----
  app.get(
    '/api/portal/accounts/:id/readings',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "A bound account's recent readings", security: portalRead, params: uuidParamsSchema, response: { 200: portalReadingsSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return portalReadings(context, user.tenantId, user.portalUserId, request.params.id);
    },
  );

  app.post(
    '/api/portal/accounts/:id/readings',
    {
      preValidation: portalGuard(context),
      bodyLimit: PHOTO_BODY_LIMIT,
      schema: {
        tags: ['portal'],
        summary: 'Report the meter register of a bound account (抄表自报), with a photo; suspect readings are reviewed by staff',
        security: portalWrite,
        params: uuidParamsSchema,
        body: portalNewReadingSchema,
        response: { 201: portalReadingResultSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      return reply.code(201).send(await submitSelfReading(context, user.tenantId, user.portalUserId, request.params.id, request.body, portalActor(request)));
    },
  );
}
