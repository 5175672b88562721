/** Routes of online business applications (网上办 · 掌上办): staff, portal and the public process page's JSON. */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { EXTENSIONS, FILE_TYPES, UPLOAD_BODY_LIMIT, type FileType } from '../../platform/files';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { listApplicationTypes, publicProcesses } from './catalogue';
import { registerProcessSettingsRoutes } from './process-settings-routes';
import {
  advanceSchema,
  applicationDetailSchema,
  applicationSummarySchema,
  applicationTypeSchema,
  claimSchema,
  counterNewApplicationSchema,
  departmentPatchSchema,
  DEPARTMENTS,
  documentSchema,
  documentUploadSchema,
  listQuerySchema,
  portalDocumentUploadSchema,
  portalNewApplicationSchema,
  publicProcessesSchema,
  reasonSchema,
  resubmitSchema,
  routeChoiceSchema,
  stageStatsSchema,
  typeStatsSchema,
  type ApplicationDetail,
  type ApplicationSummary,
} from './schemas';
import {
  addDocument,
  advanceApplication,
  claimApplication,
  getApplication,
  listApplications,
  readDocument,
  resubmitApplication,
  returnOrReject,
  routeChoices,
  setStaffDepartment,
  stageStatistics,
  submitApplication,
  type Viewer,
} from './workflow';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
const portalRead = [{ portalSession: [] }];
const portalWrite = [{ portalSession: [], csrfToken: [] }];
const tags = ['applications'];
const documentParamsSchema = z.strictObject({ id: z.uuid(), documentId: z.uuid() });

const fileResponse = {
  description: 'The file as it was uploaded: a photo (JPEG, PNG, WebP or HEIC), shown inline, or a PDF document, as a download',
  content: Object.fromEntries(FILE_TYPES.map((type) => [type, { schema: z.string().meta({ format: 'binary' }) }])),
};

/** RFC 8187 (filename*): the customer's own name for the file, percent-encoded, so a browser saves it under that name. */
const encodeFileName = (name: string) => encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);

function sendFile(reply: FastifyReply, file: { bytes: Buffer; contentType: FileType; id: string; fileName: string | null }): FastifyReply {
  const extension = EXTENSIONS[file.contentType];
  // A PDF is always downloaded, never opened inside the site: a browser's PDF viewer would not run in the sandbox below.
  const disposition = file.contentType === 'application/pdf' ? 'attachment' : 'inline';
  // The stored name is checked plain (no path, quotes or control characters); the extension follows the content.
  const ownName = file.fileName ? (file.fileName.toLowerCase().endsWith(`.${extension}`) ? file.fileName : `${file.fileName}.${extension}`) : null;
  return reply
    .type(file.contentType)
    .header('cache-control', 'private, max-age=86400, immutable')
    .header('content-disposition', `${disposition}; filename="${file.id}.${extension}"${ownName ? `; filename*=UTF-8''${encodeFileName(ownName)}` : ''}`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('x-content-type-options', 'nosniff')
    .send(file.bytes);
}

const staffViewer = (request: Parameters<typeof staffOf>[0]): Viewer & { kind: 'staff' } => {
  const staff = staffOf(request);
  return { kind: 'staff', staffId: staff.staffId, roles: staff.roles, permissions: staff.permissions };
};
const flag = (value: 'true' | 'false' | undefined) => (value === undefined ? undefined : value === 'true');

/**
 * What the customer is shown of the staff: the post handling a stage (its role), never a person's name — not
 * who holds the current stage, who did a stage, or who returned the application. A step the applicant took
 * on the portal (submitted, resubmitted) keeps its actor: the masked phone is their own.
 */
function summaryForCustomer(application: ApplicationSummary): ApplicationSummary {
  return application.currentStage ? { ...application, currentStage: { ...application.currentStage, holder: null } } : application;
}
function detailForCustomer(application: ApplicationDetail): ApplicationDetail {
  const postOf = (stageCode: string | null) => application.stages.find((stage) => stage.code === stageCode)?.roleName.zh ?? '';
  return {
    ...(summaryForCustomer(application) as ApplicationDetail),
    stages: application.stages.map((stage) => ({ ...stage, doneBy: stage.doneBy === null ? null : stage.roleName.zh, doneByName: stage.doneByName === null ? null : stage.roleName.zh })),
    events: application.events.map((event) => (event.actorKind === 'applicant' ? event : { ...event, actor: postOf(event.stageCode), actorName: postOf(event.stageCode) })),
    // A stage's files are the staff's (named by the stage's post); the materials are the applicant's.
    documents: application.documents.map((document) => ({ ...document, uploadedBy: document.stage ? postOf(document.stage) : application.applicantName })),
  };
}

export function registerApplicationRoutes(app: App, context: PlatformContext): void {
  registerProcessSettingsRoutes(app, context);
  // ---- public ----
  app.get(
    '/api/public/processes',
    {
      schema: {
        tags: ['public'],
        summary: '公开业务办理流程: every application type of a utility with its stages, the role of each, its time limit in working days and the materials (no login)',
        querystring: z.strictObject({ tenant: z.string().min(2).max(32).meta({ description: 'The utility’s code' }) }),
        response: { 200: publicProcessesSchema, ...errors },
      },
    },
    async (request) => publicProcesses(context, request.query.tenant),
  );

  // ---- staff ----
  app.get(
    '/api/application-types',
    {
      preValidation: staffGuard(context, 'application.read'),
      schema: { tags, summary: 'The utility’s application types with stages, materials and segregation-of-duties rules', security: staffRead, response: { 200: z.object({ types: z.array(applicationTypeSchema), departments: z.array(z.enum(DEPARTMENTS)) }), ...errors } },
    },
    async (request) => ({ types: await listApplicationTypes(context, staffOf(request).tenantId), departments: [...DEPARTMENTS] }),
  );

  app.get(
    '/api/applications',
    {
      preValidation: staffGuard(context, 'application.read'),
      schema: { tags, summary: 'Applications, the most urgent first: by type, current stage, status, overdue, held by me', security: staffRead, querystring: listQuerySchema, response: { 200: z.object({ applications: z.array(applicationSummarySchema) }), ...errors } },
    },
    async (request) => {
      const query = request.query;
      return {
        applications: await listApplications(context, staffOf(request).tenantId, {
          typeCode: query.typeCode,
          stageCode: query.stageCode,
          status: query.status,
          overdue: flag(query.overdue),
          holderStaffId: flag(query.heldByMe) ? staffOf(request).staffId : undefined,
          stageRoles: flag(query.workable) ? staffOf(request).roles : undefined,
          q: query.q,
          limit: query.limit,
        }),
      };
    },
  );

  app.get(
    '/api/applications/statistics',
    {
      preValidation: staffGuard(context, 'application.read'),
      schema: {
        tags,
        summary: 'Per type and stage: open now, overdue, done, average days taken; per type: in progress, returned, overdue, completed (late), rejected, average days to completion',
        security: staffRead,
        response: { 200: z.object({ stages: z.array(stageStatsSchema), types: z.array(typeStatsSchema) }), ...errors },
      },
    },
    async (request) => stageStatistics(context, staffOf(request).tenantId),
  );

  app.get(
    '/api/applications/reading-routes',
    {
      preValidation: staffGuard(context, 'application.work'),
      schema: { tags, summary: 'The active reading routes (抄表本) a new account can be put on when an account is opened at a stage', security: staffRead, response: { 200: z.object({ routes: z.array(routeChoiceSchema) }), ...errors } },
    },
    async (request) => ({ routes: await routeChoices(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/applications',
    {
      preValidation: staffGuard(context, 'application.create'),
      schema: { tags, summary: 'Enter an application at the counter for a walk-in customer (a number at once; no acceptance fee)', security: staffWrite, body: counterNewApplicationSchema, response: { 201: applicationDetailSchema, ...errors } },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      return reply.code(201).send(await submitApplication(context, staff.tenantId, { kind: 'counter', staffName: staff.displayName }, request.body, staffActor(request), staffViewer(request)));
    },
  );

  app.get(
    '/api/applications/:id',
    {
      preValidation: staffGuard(context, 'application.read'),
      schema: { tags, summary: 'An application with its live progress: every stage, who holds the current one, its deadline, what is missing', security: staffRead, params: uuidParamsSchema, response: { 200: applicationDetailSchema, ...errors } },
    },
    async (request) => getApplication(context, staffOf(request).tenantId, staffViewer(request), request.params.id),
  );

  app.post(
    '/api/applications/:id/documents',
    {
      preValidation: staffGuard(context, 'application.read'),
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Add a file: a material of the applicant (application.create) or a file of the current stage (application.work and the stage’s role); photos or PDFs checked by content, at most 5 MB and 6 each',
        security: staffWrite,
        params: uuidParamsSchema,
        body: documentUploadSchema,
        response: { 201: z.object({ document: documentSchema }), ...errors },
      },
    },
    async (request, reply) => reply.code(201).send({ document: await addDocument(context, staffOf(request).tenantId, staffViewer(request), request.params.id, request.body, staffActor(request)) }),
  );

  app.get(
    '/api/applications/:id/documents/:documentId',
    {
      preValidation: staffGuard(context, 'application.read'),
      schema: { tags, summary: 'One file of an application: a photo inline, a PDF as a download', security: staffRead, params: documentParamsSchema, response: { 200: fileResponse, ...errors } },
    },
    async (request, reply) => sendFile(reply, await readDocument(context, staffOf(request).tenantId, staffViewer(request), request.params.id, request.params.documentId)),
  );

  app.post(
    '/api/applications/:id/claim',
    {
      preValidation: staffGuard(context, 'application.work'),
      schema: { tags, summary: 'Take the current stage (its role only; segregation of duties checked: 403 segregation_of_duties, logged)', security: staffWrite, params: uuidParamsSchema, body: claimSchema, response: { 200: applicationDetailSchema, ...errors } },
    },
    async (request) => {
      const staff = staffViewer(request);
      return claimApplication(context, staffOf(request).tenantId, staff, request.params.id, request.body, staffActor(request));
    },
  );

  app.post(
    '/api/applications/:id/advance',
    {
      preValidation: staffGuard(context, 'application.work'),
      schema: {
        tags,
        summary: 'Do the current stage with its outputs (its role only): the next stage starts with its deadline, or the application is finished; a new connection installs the meter, opens the account and records the first reading. Segregation of duties refused with 403 segregation_of_duties and logged',
        security: staffWrite,
        params: uuidParamsSchema,
        body: advanceSchema,
        response: { 200: applicationDetailSchema, ...errors },
      },
    },
    async (request) => advanceApplication(context, staffOf(request).tenantId, staffViewer(request), request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/applications/:id/return',
    {
      preValidation: staffGuard(context, 'application.work'),
      schema: { tags, summary: 'Return it to the applicant with what to correct (the stage’s clock stops until resubmitted)', security: staffWrite, params: uuidParamsSchema, body: reasonSchema, response: { 200: applicationDetailSchema, ...errors } },
    },
    async (request) => returnOrReject(context, staffOf(request).tenantId, staffViewer(request), request.params.id, request.body, 'returned', staffActor(request)),
  );

  app.post(
    '/api/applications/:id/reject',
    {
      preValidation: staffGuard(context, 'application.work'),
      schema: { tags, summary: 'Reject it with a reason (final)', security: staffWrite, params: uuidParamsSchema, body: reasonSchema, response: { 200: applicationDetailSchema, ...errors } },
    },
    async (request) => returnOrReject(context, staffOf(request).tenantId, staffViewer(request), request.params.id, request.body, 'rejected', staffActor(request)),
  );

  app.post(
    '/api/applications/:id/resubmit',
    {
      preValidation: staffGuard(context, 'application.create'),
      schema: { tags, summary: 'Resubmit a returned application for the applicant at the counter', security: staffWrite, params: uuidParamsSchema, body: resubmitSchema, response: { 200: applicationDetailSchema, ...errors } },
    },
    async (request) => resubmitApplication(context, staffOf(request).tenantId, staffViewer(request), request.params.id, request.body, staffActor(request)),
  );

  app.patch(
    '/api/staff/:id/department',
    {
      preValidation: staffGuard(context, 'staff.manage'),
      schema: { tags: ['tenancy'], summary: 'Set the department of a staff member (for segregation-of-duties rules between departments)', security: staffWrite, params: uuidParamsSchema, body: departmentPatchSchema, response: { 200: z.object({ staffId: z.uuid(), department: z.enum(DEPARTMENTS).nullable() }), ...errors } },
    },
    async (request) => setStaffDepartment(context, staffOf(request).tenantId, request.params.id, request.body.department, staffActor(request)),
  );

  // ---- portal ----
  const portalViewer = (request: Parameters<typeof portalUserOf>[0]): Viewer => ({ kind: 'portal', portalUserId: portalUserOf(request).portalUserId });

  app.post(
    '/api/portal/applications',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'Apply (new connection, holder change, category change, calibration, removal): a number at once, no acceptance fee; then add the documents', security: portalWrite, body: portalNewApplicationSchema, response: { 201: applicationDetailSchema, ...errors } },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      return reply.code(201).send(detailForCustomer(await submitApplication(context, user.tenantId, { kind: 'portal', portalUserId: user.portalUserId, phone: user.phone }, request.body, portalActor(request), portalViewer(request))));
    },
  );

  app.get(
    '/api/portal/applications',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "The customer's applications with their progress", security: portalRead, response: { 200: z.object({ applications: z.array(applicationSummarySchema) }), ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return { applications: (await listApplications(context, user.tenantId, { portalUserId: user.portalUserId, limit: 100 })).map(summaryForCustomer) };
    },
  );

  app.get(
    '/api/portal/applications/:id',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "One of the customer's applications: every stage, the post (role) handling it — never a staff member's name —, its deadline, what is missing", security: portalRead, params: uuidParamsSchema, response: { 200: applicationDetailSchema, ...errors } },
    },
    async (request) => detailForCustomer(await getApplication(context, portalUserOf(request).tenantId, portalViewer(request), request.params.id)),
  );

  app.post(
    '/api/portal/applications/:id/documents',
    {
      preValidation: portalGuard(context),
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: { tags: ['portal'], summary: 'Add a document for one of the materials: a photo of it or a PDF (checked by content: %PDF- header, %%EOF end, no encryption, script or launch actions; at most 5 MB and 6 each)', security: portalWrite, params: uuidParamsSchema, body: portalDocumentUploadSchema, response: { 201: z.object({ document: documentSchema }), ...errors } },
    },
    async (request, reply) => reply.code(201).send({ document: await addDocument(context, portalUserOf(request).tenantId, portalViewer(request), request.params.id, request.body, portalActor(request)) }),
  );

  app.get(
    '/api/portal/applications/:id/documents/:documentId',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'One file of the customer’s application: a photo inline, a PDF as a download', security: portalRead, params: documentParamsSchema, response: { 200: fileResponse, ...errors } },
    },
    async (request, reply) => sendFile(reply, await readDocument(context, portalUserOf(request).tenantId, portalViewer(request), request.params.id, request.params.documentId)),
  );

  app.post(
    '/api/portal/applications/:id/resubmit',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'Resubmit a returned application after correcting it', security: portalWrite, params: uuidParamsSchema, body: resubmitSchema, response: { 200: applicationDetailSchema, ...errors } },
    },
    async (request) => detailForCustomer(await resubmitApplication(context, portalUserOf(request).tenantId, portalViewer(request), request.params.id, request.body, portalActor(request))),
  );
}
