/**
 * The service desk's routes: knowledge base (知识库), call log (来电记录) and call-backs, duplicate warnings,
 * follow-up visits and ratings (回访), and the duty leaders' rota. Registered from routes.ts.
 */
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { attemptCallback, dailyCalls, getCall, linkCall, listCallbacks, listCalls, logCall, revealCallbackNumber, updateCall } from './calls';
import { requestDesk } from './desk';
import {
  callbackAttemptSchema,
  callbackListQuerySchema,
  callbackSchema,
  callDaySchema,
  callLinkSchema,
  callListQuerySchema,
  callPatchSchema,
  contactSchema,
  dailyCallsQuerySchema,
  duplicateQuerySchema,
  duplicateSchema,
  dutyShiftQuerySchema,
  dutyShiftSchema,
  followUpListQuerySchema,
  followUpResultSchema,
  followUpReviewSchema,
  followUpSchema,
  knowledgeArticleDetailSchema,
  knowledgeArticleInputSchema,
  knowledgeArticlePatchSchema,
  knowledgeArticleSchema,
  knowledgeListQuerySchema,
  knowledgeSearchQuerySchema,
  knowledgeSearchSchema,
  newCallSchema,
  newDutyShiftSchema,
  portalContactSchema,
  portalDuplicateQuerySchema,
  portalDuplicateSchema,
  portalRatingSchema,
  ratingInputSchema,
  ratingLinkParamsSchema,
  ratingLinkSchema,
  requestDeskSchema,
  serviceCallSchema,
  versionBodySchema,
} from './desk-schemas';
import { addContact, duplicatesFor, portalDuplicatesFor, portalJoin } from './duplicates';
import { cancelDutyShift, createDutyShift, listDutyShifts } from './duty';
import { listFollowUps, portalRate, portalRatingOf, rateByLink, ratingLinkInfo, recordPhoneResult, reviewFollowUp } from './followups';
import { archiveArticle, createArticle, getArticle, listArticles, publishArticle, searchKnowledge, updateArticle } from './knowledge';
import { getRequest } from './requests';
import { serviceRequestDetailSchema } from './schemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
const portalRead = [{ portalSession: [] }];
const portalWrite = [{ portalSession: [], csrfToken: [] }];
// The rating link is public: a tight per-address limit on top of the token's own strength.
const RATING_LINK_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

export function registerServiceDeskRoutes(app: App, context: PlatformContext): void {
  // ---- knowledge base ----
  app.get(
    '/api/knowledge/search',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: {
        tags: ['service'],
        summary: 'Search the published standard answers (Chinese bigrams and words over title, keywords and body, ranked); empty q: the most used',
        security: staffRead,
        querystring: knowledgeSearchQuerySchema,
        response: { 200: knowledgeSearchSchema, ...errors },
      },
    },
    async (request) => searchKnowledge(context, staffOf(request).tenantId, request.query),
  );

  app.get(
    '/api/knowledge/articles',
    {
      preValidation: staffGuard(context, 'knowledge.manage'),
      schema: { tags: ['service'], summary: 'Knowledge articles in their latest version, drafts and archived ones too (editors)', security: staffRead, querystring: knowledgeListQuerySchema, response: { 200: z.object({ articles: z.array(knowledgeArticleSchema) }), ...errors } },
    },
    async (request) => ({ articles: await listArticles(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/knowledge/articles',
    {
      preValidation: staffGuard(context, 'knowledge.manage'),
      schema: { tags: ['service'], summary: 'Write a standard answer (a draft, or published at once)', security: staffWrite, body: knowledgeArticleInputSchema, response: { 201: knowledgeArticleDetailSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createArticle(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.get(
    '/api/knowledge/articles/:id',
    {
      preValidation: staffGuard(context, 'knowledge.manage'),
      schema: { tags: ['service'], summary: 'A knowledge article with its versions and the version agents see', security: staffRead, params: uuidParamsSchema, response: { 200: knowledgeArticleDetailSchema, ...errors } },
    },
    async (request) => getArticle(context, staffOf(request).tenantId, request.params.id),
  );

  app.patch(
    '/api/knowledge/articles/:id',
    {
      preValidation: staffGuard(context, 'knowledge.manage'),
      schema: {
        tags: ['service'],
        summary: 'Save a new version of an article (agents keep seeing the published one until it is published)',
        security: staffWrite,
        params: uuidParamsSchema,
        body: knowledgeArticlePatchSchema,
        response: { 200: knowledgeArticleDetailSchema, ...errors },
      },
    },
    async (request) => updateArticle(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/knowledge/articles/:id/publish',
    {
      preValidation: staffGuard(context, 'knowledge.manage'),
      schema: { tags: ['service'], summary: 'Publish the latest version of an article', security: staffWrite, params: uuidParamsSchema, body: versionBodySchema, response: { 200: knowledgeArticleDetailSchema, ...errors } },
    },
    async (request) => publishArticle(context, staffOf(request).tenantId, request.params.id, request.body.version, staffActor(request)),
  );

  app.post(
    '/api/knowledge/articles/:id/archive',
    {
      preValidation: staffGuard(context, 'knowledge.manage'),
      schema: { tags: ['service'], summary: 'Withdraw an article: agents no longer find it (its versions stay)', security: staffWrite, params: uuidParamsSchema, body: versionBodySchema, response: { 200: knowledgeArticleDetailSchema, ...errors } },
    },
    async (request) => archiveArticle(context, staffOf(request).tenantId, request.params.id, request.body.version, staffActor(request)),
  );

  // ---- call log and call-backs (docs/CALL-LOG-API.md) ----
  app.post(
    '/api/service-calls',
    {
      preValidation: staffGuard(context, 'service.create'),
      schema: {
        tags: ['service'],
        summary: 'Log a call (answered / missed / call-back); missed and call-back calls open a call-back task',
        description: 'The same externalId again answers 200 with the call as first logged and writes nothing. See docs/CALL-LOG-API.md.',
        security: staffWrite,
        body: newCallSchema,
        response: { 200: serviceCallSchema, 201: serviceCallSchema, ...errors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const { call, isNew } = await logCall(context, staff.tenantId, request.body, { staffId: staff.staffId }, staffActor(request));
      return reply.code(isNew ? 201 : 200).send(call);
    },
  );

  app.get(
    '/api/service-calls',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'Calls, newest first: by day, direction, outcome or exact number', security: staffRead, querystring: callListQuerySchema, response: { 200: z.object({ calls: z.array(serviceCallSchema) }), ...errors } },
    },
    async (request) => ({ calls: await listCalls(context, staffOf(request).tenantId, request.query) }),
  );

  app.get(
    '/api/service-calls/daily',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: {
        tags: ['service'],
        summary: "Calls per day of the utility's calendar with the answer rate (answered inbound / inbound), every day of the range (at most 92)",
        security: staffRead,
        querystring: dailyCallsQuerySchema,
        response: { 200: z.object({ days: z.array(callDaySchema) }), ...errors },
      },
    },
    async (request) => ({ days: await dailyCalls(context, staffOf(request).tenantId, request.query) }),
  );

  app.get(
    '/api/service-calls/:id',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'A call with its requests and call-back task', security: staffRead, params: uuidParamsSchema, response: { 200: serviceCallSchema, ...errors } },
    },
    async (request) => getCall(context, staffOf(request).tenantId, request.params.id),
  );

  app.patch(
    '/api/service-calls/:id',
    {
      preValidation: staffGuard(context, 'service.create'),
      schema: { tags: ['service'], summary: 'Record when a call ended (once) and its note', security: staffWrite, params: uuidParamsSchema, body: callPatchSchema, response: { 200: serviceCallSchema, ...errors } },
    },
    async (request) => updateCall(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/service-calls/:id/requests',
    {
      preValidation: staffGuard(context, 'service.create'),
      schema: { tags: ['service'], summary: 'Link a call to a request it was about', security: staffWrite, params: uuidParamsSchema, body: callLinkSchema, response: { 200: serviceCallSchema, ...errors } },
    },
    async (request) => linkCall(context, staffOf(request).tenantId, request.params.id, request.body.requestId, staffActor(request)),
  );

  app.get(
    '/api/service-callbacks',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'Call-back tasks: open ones by due time, then finished ones', security: staffRead, querystring: callbackListQuerySchema, response: { 200: z.object({ callbacks: z.array(callbackSchema) }), ...errors } },
    },
    async (request) => ({ callbacks: await listCallbacks(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/service-callbacks/:id/attempts',
    {
      preValidation: staffGuard(context, 'service.handle'),
      schema: {
        tags: ['service'],
        summary: 'Record a call-back attempt (logged as an outbound call): reached ends the task; three attempts without reaching end it unreachable',
        security: staffWrite,
        params: uuidParamsSchema,
        body: callbackAttemptSchema,
        response: { 200: callbackSchema, ...errors },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      return attemptCallback(context, staff.tenantId, request.params.id, request.body, { staffId: staff.staffId }, staffActor(request));
    },
  );

  app.post(
    '/api/service-callbacks/:id/reveal',
    {
      preValidation: staffGuard(context, 'service.handle'),
      schema: {
        tags: ['service'],
        summary: "The full number of an open call-back task's caller, to dial (audited)",
        security: staffWrite,
        params: uuidParamsSchema,
        response: { 200: z.object({ number: z.string() }), ...errors },
      },
    },
    async (request) => revealCallbackNumber(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );

  // ---- duplicates ----
  app.get(
    '/api/service-requests/duplicates',
    {
      preValidation: staffGuard(context, 'service.create'),
      schema: {
        tags: ['service'],
        summary: 'Likely duplicates of a request being recorded: same category at the same premise or address, within 24 h, open or closed within them',
        security: staffRead,
        querystring: duplicateQuerySchema,
        response: { 200: z.object({ duplicates: z.array(duplicateSchema) }), ...errors },
      },
    },
    async (request) => ({ duplicates: await duplicatesFor(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/service-requests/:id/contacts',
    {
      preValidation: staffGuard(context, 'service.create'),
      schema: {
        tags: ['service'],
        summary: 'Attach a further contact (another caller about the same problem) to a request, on its timeline, instead of a new request',
        security: staffWrite,
        params: uuidParamsSchema,
        body: contactSchema,
        response: { 201: serviceRequestDetailSchema, ...errors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      await addContact(context, staff.tenantId, request.params.id, request.body, staffActor(request));
      return reply.code(201).send(await getRequest(context, staff.tenantId, { kind: 'staff' }, request.params.id));
    },
  );

  app.get(
    '/api/service-requests/:id/desk',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: "A request's desk side: first-contact resolution, its calls, the answers quoted, its follow-ups and ratings", security: staffRead, params: uuidParamsSchema, response: { 200: requestDeskSchema, ...errors } },
    },
    async (request) => requestDesk(context, staffOf(request).tenantId, request.params.id),
  );

  // ---- follow-ups ----
  app.get(
    '/api/service-followups',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'Follow-up visits (回访): to visit, poor repair ratings awaiting the supervisor, done', security: staffRead, querystring: followUpListQuerySchema, response: { 200: z.object({ followUps: z.array(followUpSchema) }), ...errors } },
    },
    async (request) => ({ followUps: await listFollowUps(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/service-followups/:id/result',
    {
      preValidation: staffGuard(context, 'service.handle'),
      schema: {
        tags: ['service'],
        summary: 'Record a phone follow-up: the rating (≤ 2 reopens desk work, escalates a repair) or an attempt that did not reach the customer',
        security: staffWrite,
        params: uuidParamsSchema,
        body: followUpResultSchema,
        response: { 200: followUpSchema, ...errors },
      },
    },
    async (request) => recordPhoneResult(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.post(
    '/api/service-followups/:id/review',
    {
      preValidation: staffGuard(context, 'service.supervise'),
      schema: { tags: ['service'], summary: "The supervisor's handling of a poor repair rating", security: staffWrite, params: uuidParamsSchema, body: followUpReviewSchema, response: { 200: followUpSchema, ...errors } },
    },
    async (request) => reviewFollowUp(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  // ---- duty leaders ----
  app.get(
    '/api/service-duty-shifts',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: "The duty leaders' rota (领导带班): shifts overlapping the period", security: staffRead, querystring: dutyShiftQuerySchema, response: { 200: z.object({ shifts: z.array(dutyShiftSchema) }), ...errors } },
    },
    async (request) => ({ shifts: await listDutyShifts(context, staffOf(request).tenantId, request.query) }),
  );

  app.post(
    '/api/service-duty-shifts',
    {
      preValidation: staffGuard(context, 'service.supervise'),
      schema: { tags: ['service'], summary: 'Put a manager on the duty rota with the mobile alert-level 4+ requests are sent to', security: staffWrite, body: newDutyShiftSchema, response: { 201: dutyShiftSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createDutyShift(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.post(
    '/api/service-duty-shifts/:id/cancel',
    {
      preValidation: staffGuard(context, 'service.supervise'),
      schema: { tags: ['service'], summary: 'Cancel a duty shift', security: staffWrite, params: uuidParamsSchema, response: { 200: dutyShiftSchema, ...errors } },
    },
    async (request) => cancelDutyShift(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );

  // ---- the portal ----
  app.get(
    '/api/portal/service-requests/duplicates',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: 'Whether the same problem was reported at this address within 24 h (numbers only of the customer’s own requests)',
        security: portalRead,
        querystring: portalDuplicateQuerySchema,
        response: { 200: z.object({ duplicates: z.array(portalDuplicateSchema) }), ...errors },
      },
    },
    async (request) => {
      const user = portalUserOf(request);
      return { duplicates: await portalDuplicatesFor(context, user.tenantId, user.portalUserId, request.query) };
    },
  );

  app.post(
    '/api/portal/service-requests/:id/contacts',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: '"Me too": add yourself to a request at the address of an account you bound, instead of a new one',
        security: portalWrite,
        params: uuidParamsSchema,
        body: portalContactSchema,
        response: { 201: z.object({ joined: z.literal(true) }), ...errors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      await portalJoin(context, user.tenantId, user.portalUserId, user.phone, request.params.id, request.body.note, portalActor(request));
      return reply.code(201).send({ joined: true as const });
    },
  );

  app.get(
    '/api/portal/service-requests/:id/rating',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: "The customer's rating of their request, and whether they may rate it now", security: portalRead, params: uuidParamsSchema, response: { 200: portalRatingSchema, ...errors } },
    },
    async (request) => {
      const user = portalUserOf(request);
      return portalRatingOf(context, user.tenantId, user.portalUserId, request.params.id);
    },
  );

  app.post(
    '/api/portal/service-requests/:id/rating',
    {
      preValidation: portalGuard(context),
      schema: {
        tags: ['portal'],
        summary: 'Rate a closed request 1–5 with a comment (once per closure; 2 or less reopens it or escalates a repair)',
        security: portalWrite,
        params: uuidParamsSchema,
        body: ratingInputSchema,
        response: { 201: portalRatingSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      return reply.code(201).send(await portalRate(context, user.tenantId, user.portalUserId, request.params.id, request.body, portalActor(request)));
    },
  );

  // ---- the SMS rating link (no login) ----
  app.get(
    '/api/service-ratings/:tenant/:token',
    {
      config: RATING_LINK_LIMIT,
      schema: {
        tags: ['portal'],
        summary: 'What an SMS rating link is for (no login; 404 rating_link_invalid, 409 rating_link_expired / already_rated)',
        params: ratingLinkParamsSchema,
        response: { 200: ratingLinkSchema, ...errors },
      },
    },
    async (request) => ratingLinkInfo(context, request.params.tenant, request.params.token),
  );

  app.post(
    '/api/service-ratings/:tenant/:token',
    {
      config: RATING_LINK_LIMIT,
      schema: {
        tags: ['portal'],
        summary: 'Rate through an SMS link: once, before it expires (no login)',
        params: ratingLinkParamsSchema,
        body: ratingInputSchema,
        response: { 200: z.object({ rated: z.literal(true) }), ...errors },
      },
    },
    async (request) => {
      await rateByLink(context, request.params.tenant, request.params.token, request.body, request.ip);
      return { rated: true as const };
    },
  );
}
