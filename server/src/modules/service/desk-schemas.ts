/**
 * Schemas of the service desk's API: the knowledge base (知识库), the call log (来电记录) and call-back tasks,
 * duplicate warnings, follow-up visits and ratings (回访), and the duty leaders' rota (值班领导).
 */
import { z } from 'zod';
import { requestChannelSchema, requestKindSchema, requestStateSchema } from './schemas';

const staffRefSchema = z.object({ id: z.uuid(), name: z.string() });
const optionalNote = z.string().trim().max(1000).optional();

// ---- knowledge base ----
const tagSchema = z.string().trim().min(1).max(20);
const keywordSchema = z.string().trim().min(1).max(30);

export const knowledgeArticleInputSchema = z
  .strictObject({
    title: z.string().trim().min(2).max(100),
    body: z.string().trim().min(1).max(5000),
    tags: z.array(tagSchema).max(10).optional().meta({ description: 'Categories of the answer (缴费, 停水, 水质…): filters of the search panel' }),
    keywords: z.array(keywordSchema).max(30).optional().meta({ description: 'What callers say for it (交费, 付款…): matched like the title' }),
    publish: z.boolean().optional().meta({ description: 'Publish at once (otherwise saved as a draft)' }),
  })
  .meta({ id: 'NewKnowledgeArticle' });
export type KnowledgeArticleInput = z.infer<typeof knowledgeArticleInputSchema>;

export const knowledgeArticlePatchSchema = z
  .strictObject({
    version: z.int().min(1),
    title: z.string().trim().min(2).max(100).optional(),
    body: z.string().trim().min(1).max(5000).optional(),
    tags: z.array(tagSchema).max(10).optional(),
    keywords: z.array(keywordSchema).max(30).optional(),
  })
  .meta({ id: 'KnowledgeArticlePatch' });
export type KnowledgeArticlePatch = z.infer<typeof knowledgeArticlePatchSchema>;

export const versionBodySchema = z.strictObject({ version: z.int().min(1) });

export const knowledgeStatusSchema = z.enum(['draft', 'published', 'archived']);

export const knowledgeArticleSchema = z
  .object({
    id: z.uuid(),
    status: knowledgeStatusSchema,
    version: z.int().meta({ description: 'The latest version saved' }),
    publishedVersion: z.int().nullable().meta({ description: 'The version agents see' }),
    hasUnpublishedChanges: z.boolean(),
    title: z.string(),
    body: z.string(),
    tags: z.array(z.string()),
    keywords: z.array(z.string()),
    useCount: z.int(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedBy: z.string(),
    updatedAt: z.iso.datetime(),
    publishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'KnowledgeArticle' });
export type KnowledgeArticle = z.infer<typeof knowledgeArticleSchema>;

export const knowledgeArticleDetailSchema = knowledgeArticleSchema
  .extend({
    versions: z.array(z.object({ version: z.int(), title: z.string(), savedBy: z.string(), savedAt: z.iso.datetime(), isPublished: z.boolean() })),
    published: z.object({ title: z.string(), body: z.string(), tags: z.array(z.string()), keywords: z.array(z.string()) }).nullable(),
  })
  .meta({ id: 'KnowledgeArticleDetail' });
export type KnowledgeArticleDetail = z.infer<typeof knowledgeArticleDetailSchema>;

export const knowledgeListQuerySchema = z.strictObject({
  status: knowledgeStatusSchema.optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const knowledgeSearchQuerySchema = z.strictObject({
  q: z.string().trim().max(100).optional(),
  tag: tagSchema.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const knowledgeHitSchema = z
  .object({
    id: z.uuid(),
    version: z.int(),
    title: z.string(),
    body: z.string(),
    tags: z.array(z.string()),
    snippet: z.string(),
    score: z.number(),
    useCount: z.int(),
  })
  .meta({ id: 'KnowledgeHit' });
export type KnowledgeHit = z.infer<typeof knowledgeHitSchema>;

export const knowledgeSearchSchema = z
  .object({ hits: z.array(knowledgeHitSchema), tags: z.array(z.object({ tag: z.string(), count: z.int() })) })
  .meta({ id: 'KnowledgeSearch' });

// ---- calls ----
export const callDirectionSchema = z.enum(['inbound', 'outbound']);
export const callOutcomeSchema = z.enum(['answered', 'missed', 'call_back']);
/** A caller's number as the phone system gives it: mobile, landline (with or without a dash) or international. */
export const callNumberSchema = z.string().trim().regex(/^\+?\d{3,20}$|^0\d{2,3}-\d{7,8}$/, 'a phone number (digits, optionally + or an area-code dash)');

export const newCallSchema = z
  .strictObject({
    direction: callDirectionSchema,
    outcome: callOutcomeSchema.meta({ description: 'answered; missed (rang out or abandoned); call_back (the caller asked to be called back). missed and call_back create a call-back task' }),
    number: callNumberSchema.meta({ description: 'The other party: the caller (inbound) or the number called (outbound). Stored encrypted, shown masked' }),
    startedAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'When it rang (default now)' }),
    answeredAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'When it was answered (answered calls; default startedAt)' }),
    endedAt: z.iso.datetime({ offset: true }).optional(),
    agentStaffId: z.uuid().optional().meta({ description: 'Who answered (default: the caller of this API for answered calls)' }),
    externalId: z.string().trim().min(1).max(100).optional().meta({ description: "The phone system's id of the call: the same id again answers 200 with the call as first logged" }),
    note: optionalNote,
    requestIds: z.array(z.uuid()).max(10).optional().meta({ description: 'Requests the call was about' }),
  })
  .meta({ id: 'NewServiceCall' });
export type NewCall = z.infer<typeof newCallSchema>;

export const callPatchSchema = z
  .strictObject({
    endedAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'When the call ended (once)' }),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'ServiceCallPatch' });
export type CallPatch = z.infer<typeof callPatchSchema>;

export const callbackStateSchema = z.enum(['open', 'done', 'unreachable']);

export const serviceCallSchema = z
  .object({
    id: z.uuid(),
    direction: callDirectionSchema,
    outcome: callOutcomeSchema,
    numberMasked: z.string(),
    agent: staffRefSchema.nullable(),
    startedAt: z.iso.datetime(),
    answeredAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    waitSeconds: z.int().nullable().meta({ description: 'From ringing to answer' }),
    durationSeconds: z.int().nullable().meta({ description: 'From answer (or ringing) to the end' }),
    businessDate: z.iso.date(),
    externalId: z.string().nullable(),
    note: z.string().nullable(),
    requests: z.array(z.object({ id: z.uuid(), requestNo: z.string(), state: requestStateSchema })),
    callback: z.object({ id: z.uuid(), state: callbackStateSchema, dueAt: z.iso.datetime() }).nullable().meta({ description: 'The call-back task this call created, or the one it worked (outbound)' }),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ServiceCall' });
export type ServiceCall = z.infer<typeof serviceCallSchema>;

export const callListQuerySchema = z.strictObject({
  date: z.iso.date().optional().meta({ description: "The utility's calendar day of the calls" }),
  direction: callDirectionSchema.optional(),
  outcome: callOutcomeSchema.optional(),
  number: callNumberSchema.optional().meta({ description: 'Exact number (found through its blind index)' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const callLinkSchema = z.strictObject({ requestId: z.uuid() });

export const dailyCallsQuerySchema = z.strictObject({ from: z.iso.date(), to: z.iso.date() });

export const callDaySchema = z
  .object({
    date: z.iso.date(),
    inbound: z.int(),
    answered: z.int(),
    missed: z.int(),
    callBack: z.int(),
    answerRate: z.number().nullable().meta({ description: 'answered / inbound (0–1); null on a day without inbound calls' }),
    averageWaitSeconds: z.int().nullable(),
    outbound: z.int(),
  })
  .meta({ id: 'ServiceCallDay' });

export const callbackSchema = z
  .object({
    id: z.uuid(),
    state: callbackStateSchema,
    numberMasked: z.string(),
    missedCalls: z.int(),
    dueAt: z.iso.datetime(),
    isOverdue: z.boolean(),
    attempts: z.int(),
    firstCallAt: z.iso.datetime(),
    completedBy: staffRefSchema.nullable(),
    completedAt: z.iso.datetime().nullable(),
    note: z.string().nullable(),
    createdAt: z.iso.datetime(),
    version: z.int(),
  })
  .meta({ id: 'ServiceCallback' });
export type Callback = z.infer<typeof callbackSchema>;

export const callbackListQuerySchema = z.strictObject({
  state: callbackStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const callbackAttemptSchema = z
  .strictObject({
    version: z.int().min(1),
    reached: z.boolean().meta({ description: 'The caller answered. Not reached three times in all: the task ends unreachable' }),
    note: optionalNote,
    requestId: z.uuid().optional().meta({ description: 'A request the call-back was about' }),
  })
  .meta({ id: 'ServiceCallbackAttempt' });
export type CallbackAttempt = z.infer<typeof callbackAttemptSchema>;

// ---- duplicates ----
export const duplicateQuerySchema = z.strictObject({
  categoryId: z.uuid(),
  accountId: z.uuid().optional(),
  premiseId: z.uuid().optional(),
  address: z.string().trim().min(2).max(200).optional(),
});
export type DuplicateQuery = z.infer<typeof duplicateQuerySchema>;

export const duplicateSchema = z
  .object({
    id: z.uuid(),
    requestNo: z.string(),
    category: z.object({ id: z.uuid(), name: z.string(), nameEn: z.string() }),
    kind: requestKindSchema,
    state: requestStateSchema,
    address: z.string().nullable(),
    createdAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    match: z.enum(['premise', 'address']),
    contacts: z.int().meta({ description: 'Further contacts already attached' }),
  })
  .meta({ id: 'ServiceDuplicate' });
export type Duplicate = z.infer<typeof duplicateSchema>;

export const contactSchema = z
  .strictObject({
    channel: requestChannelSchema.exclude(['portal', 'open311']),
    contactName: z.string().trim().min(1).max(50).optional(),
    contactPhone: z.string().regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, 'a mobile or landline number').optional(),
    note: optionalNote,
    callId: z.uuid().optional().meta({ description: 'The call this contact came on' }),
  })
  .meta({ id: 'ServiceContact' });
export type Contact = z.infer<typeof contactSchema>;

export const portalDuplicateQuerySchema = z.strictObject({
  categoryId: z.uuid(),
  accountId: z.uuid().optional(),
  address: z.string().trim().min(2).max(200).optional(),
});

export const portalDuplicateSchema = z
  .object({
    isYours: z.boolean(),
    requestId: z.uuid().nullable().meta({ description: "Only for the customer's own requests" }),
    requestNo: z.string().nullable(),
    canJoin: z.boolean().meta({ description: 'At an address of an account the customer bound: they may add themselves to it' }),
    joinId: z.uuid().nullable(),
    category: z.object({ name: z.string(), nameEn: z.string() }),
    state: requestStateSchema,
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PortalServiceDuplicate' });

export const portalContactSchema = z.strictObject({ note: z.string().trim().max(500).optional() });

// ---- follow-ups and ratings ----
export const followUpStateSchema = z.enum(['pending', 'done', 'unreachable', 'cancelled']);
export const followUpOutcomeSchema = z.enum(['satisfied', 'reopened', 'escalated']);
const ratingSchema = z.int().min(1).max(5);
const commentSchema = z.string().trim().max(500).optional();

export const followUpSchema = z
  .object({
    id: z.uuid(),
    state: followUpStateSchema,
    reason: z.enum(['kind_rule', 'sampled', 'customer']),
    dueAt: z.iso.datetime(),
    isOverdue: z.boolean(),
    attempts: z.int(),
    rating: z.int().nullable(),
    comment: z.string().nullable(),
    ratedVia: z.enum(['portal', 'sms_link', 'phone']).nullable(),
    recordedBy: z.string().nullable(),
    recordedAt: z.iso.datetime().nullable(),
    outcome: followUpOutcomeSchema.nullable(),
    reviewedBy: z.string().nullable(),
    reviewedAt: z.iso.datetime().nullable(),
    reviewNote: z.string().nullable(),
    linkSentAt: z.iso.datetime().nullable(),
    request: z.object({
      id: z.uuid(),
      requestNo: z.string(),
      kind: requestKindSchema,
      category: z.object({ name: z.string(), nameEn: z.string() }),
      state: requestStateSchema,
      contactName: z.string().nullable(),
      contactPhoneMasked: z.string().nullable(),
      closedAt: z.iso.datetime().nullable(),
    }),
    createdAt: z.iso.datetime(),
    version: z.int(),
  })
  .meta({ id: 'ServiceFollowUp' });
export type FollowUp = z.infer<typeof followUpSchema>;

export const followUpListQuerySchema = z.strictObject({
  view: z.enum(['pending', 'escalated', 'done', 'all']).default('pending').meta({ description: 'pending: to visit; escalated: poor repair ratings awaiting the supervisor; done: rated or given up' }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const followUpResultSchema = z
  .strictObject({
    version: z.int().min(1),
    reached: z.boolean().meta({ description: 'The customer was reached on the phone. Not reached three times: the visit ends unreachable' }),
    rating: ratingSchema.optional().meta({ description: '1–5, required when reached' }),
    comment: commentSchema,
  })
  .meta({ id: 'ServiceFollowUpResult' });
export type FollowUpResult = z.infer<typeof followUpResultSchema>;

export const followUpReviewSchema = z.strictObject({ version: z.int().min(1), note: z.string().trim().min(1).max(1000) }).meta({ id: 'ServiceFollowUpReview' });

export const ratingInputSchema = z.strictObject({ rating: ratingSchema, comment: commentSchema }).meta({ id: 'NewServiceRating' });
export type RatingInput = z.infer<typeof ratingInputSchema>;

export const portalRatingSchema = z
  .object({
    canRate: z.boolean(),
    rating: z.object({ rating: z.int(), comment: z.string().nullable(), ratedAt: z.iso.datetime() }).nullable(),
  })
  .meta({ id: 'PortalServiceRating' });

export const ratingLinkParamsSchema = z.object({ tenant: z.string().min(2).max(32), token: z.string().regex(/^\d{24}$/, '24 digits') });

export const ratingLinkSchema = z
  .object({
    utility: z.object({ name: z.string(), nameEn: z.string(), hotline: z.string().nullable() }),
    requestNo: z.string(),
    category: z.object({ name: z.string(), nameEn: z.string() }),
    closedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'ServiceRatingLink' });

// ---- a request's desk side ----
export const requestDeskSchema = z
  .object({
    firstContactResolution: z.boolean(),
    calls: z.array(z.object({ id: z.uuid(), direction: callDirectionSchema, outcome: callOutcomeSchema, numberMasked: z.string(), startedAt: z.iso.datetime(), agent: z.string().nullable() })),
    knowledge: z.array(z.object({ id: z.uuid(), version: z.int(), title: z.string(), usedBy: z.string(), usedAt: z.iso.datetime() })),
    followUps: z.array(followUpSchema),
  })
  .meta({ id: 'ServiceRequestDesk' });

// ---- duty leaders ----
export const dutyShiftSchema = z
  .object({
    id: z.uuid(),
    staff: staffRefSchema,
    phoneMasked: z.string(),
    startsAt: z.iso.datetime(),
    endsAt: z.iso.datetime(),
    isOnDuty: z.boolean(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    cancelledAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ServiceDutyShift' });
export type DutyShift = z.infer<typeof dutyShiftSchema>;

export const newDutyShiftSchema = z
  .strictObject({
    staffId: z.uuid().meta({ description: 'An active staff member with the manager role' }),
    phone: z.string().regex(/^1[3-9]\d{9}$/, 'must be an 11-digit mainland mobile number').meta({ description: 'The mobile the duty SMS goes to' }),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'NewServiceDutyShift' });
export type NewDutyShift = z.infer<typeof newDutyShiftSchema>;

export const dutyShiftQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional().meta({ description: 'Shifts that end after this (default: now)' }),
  days: z.coerce.number().int().min(1).max(92).default(14),
});
