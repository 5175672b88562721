import { z } from 'zod';
import { anyPhoneSchema } from '../../platform/validation';
import { SIGNATURE_HEADERS } from '../../platform/http/partner-signing';

const isoWithOffset = z.iso.datetime({ offset: true });

export const cityTenantParams = z.strictObject({ tenant: z.string().regex(/^[a-z][a-z0-9-]{1,31}$/) });
export const cityOrderParams = cityTenantParams.extend({ orderNo: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/) });

/** The signature headers, documented; they are checked before validation (missing or wrong: 401). */
export const citySignedHeaders = z.object({
  [SIGNATURE_HEADERS.appId]: z.string().meta({ description: 'The app id of the city’s link, issued by the utility' }),
  [SIGNATURE_HEADERS.timestamp]: z.string().meta({ description: 'Unix time in seconds; within ±300 s of the server clock' }),
  [SIGNATURE_HEADERS.nonce]: z.string().meta({ description: '16–64 letters, digits, _ or -; never reused (remembered 10 minutes)' }),
  [SIGNATURE_HEADERS.signature]: z.string().meta({ description: 'base64(HMAC-SHA256(secret, canonical string)); see docs/CITY-12345-API.md' }),
});

export const cityOrderSchema = z
  .strictObject({
    orderNo: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/).meta({ description: "The platform's work-order number (工单编号): one request per number" }),
    orderType: z.enum(['consult', 'help', 'complaint', 'suggestion', 'praise']).meta({ description: '诉求类型: 咨询, 求助, 投诉, 建议, 表扬' }),
    categoryText: z.string().trim().min(1).max(100).meta({ description: "The platform's classification (问题分类), e.g. 城乡建设/供水/漏水" }),
    categoryCode: z
      .string()
      .regex(/^[a-z][a-z0-9_]{1,31}$/)
      .optional()
      .meta({ description: "The utility's request category code, when the platform maps it itself; otherwise derived from orderType and categoryText" }),
    citizenName: z.string().trim().min(1).max(50).optional(),
    citizenPhone: anyPhoneSchema.optional(),
    address: z.string().trim().min(2).max(200).optional().meta({ description: 'Required unless latitude and longitude are given' }),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
    content: z.string().trim().min(1).max(1800).meta({ description: 'What the citizen asked for (诉求内容)' }),
    deadline: isoWithOffset.meta({ description: "The platform's deadline for the answer (办结时限), ISO 8601 with offset" }),
    urgent: z.boolean().optional(),
    receivedAt: isoWithOffset.optional().meta({ description: 'When the platform took the call' }),
  })
  .meta({ id: 'City12345Order' });

export const cityOrderAnswerSchema = z
  .object({
    orderNo: z.string(),
    requestNo: z.string().meta({ description: "The utility's request number (工单号)" }),
    status: z.literal('accepted'),
    category: z.object({ code: z.string(), name: z.string() }),
    receivedAt: z.iso.datetime(),
    deadline: z.iso.datetime().nullable().meta({ description: "When the utility will have closed it (its close or restore time limit)" }),
    cityDeadline: z.iso.datetime(),
  })
  .meta({ id: 'City12345OrderAnswer' });

export const cityOrderViewSchema = z
  .object({
    orderNo: z.string(),
    requestNo: z.string(),
    status: z.enum(['received', 'in_progress', 'responded', 'closed', 'returned']),
    state: z.string().meta({ description: "The request's state in the service desk" }),
    stateName: z.string(),
    category: z.object({ code: z.string(), name: z.string() }),
    receivedAt: z.iso.datetime(),
    cityDeadline: z.iso.datetime(),
    deadline: z.iso.datetime().nullable(),
    isOverdue: z.boolean(),
    updatedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    replies: z.array(
      z.object({
        replyId: z.uuid(),
        kind: z.enum(['respond', 'close', 'cancel']),
        result: z.string(),
        handledBy: z.string(),
        handledAt: z.iso.datetime(),
        delivery: z.enum(['pending', 'sent', 'failed']),
        deliveredAt: z.iso.datetime().nullable(),
      }),
    ),
  })
  .meta({ id: 'City12345OrderView' });

export const cityLinkSchema = z
  .object({
    id: z.uuid(),
    appId: z.string(),
    label: z.string(),
    replyUrl: z.string(),
    status: z.enum(['active', 'revoked']),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'City12345Link' });

export const newCityLinkSchema = z
  .strictObject({
    label: z.string().trim().min(1).max(60),
    replyUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .meta({ description: "The city platform's endpoint that receives replies (办理结果), http(s)" }),
  })
  .meta({ id: 'NewCity12345Link' });

export const cityReplySchema = z
  .object({
    id: z.uuid(),
    orderNo: z.string(),
    requestNo: z.string(),
    kind: z.enum(['respond', 'close', 'cancel']),
    content: z.string(),
    handledBy: z.string(),
    handledAt: z.iso.datetime(),
    status: z.enum(['pending', 'sent', 'failed']),
    attempts: z.int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    lastStatus: z.int().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'City12345Reply' });

export const replyListQuerySchema = z.strictObject({
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
