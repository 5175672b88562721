import { z } from 'zod';

/** The staff API of Open311 (keys and the published services); the GeoReport endpoints themselves answer in the specification's own formats. */

export const open311ApiKeySchema = z
  .object({
    id: z.uuid(),
    label: z.string(),
    keyPrefix: z.string().meta({ description: 'The first characters of the key, to recognise it' }),
    ratePerMinute: z.int().meta({ description: 'POST requests per minute this key may make' }),
    status: z.enum(['active', 'revoked']),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Open311ApiKey' });

export const newOpen311ApiKeySchema = z
  .strictObject({
    label: z.string().trim().min(1).max(60).meta({ description: 'Who the key is for, e.g. the app or the partner' }),
    ratePerMinute: z.int().min(1).max(10_000).optional().meta({ description: 'Default 60' }),
  })
  .meta({ id: 'NewOpen311ApiKey' });

export const issuedOpen311ApiKeySchema = z
  .object({ key: open311ApiKeySchema, apiKey: z.string().meta({ description: 'The key itself: shown in this answer only, stored as its SHA-256' }) })
  .meta({ id: 'IssuedOpen311ApiKey' });

export const open311ServiceSchema = z
  .object({
    code: z.string().meta({ description: 'service_code: the request category code' }),
    name: z.string(),
    nameEn: z.string(),
    kind: z.enum(['inquiry', 'complaint', 'praise', 'suggestion', 'repair']),
    isActive: z.boolean().meta({ description: 'The category is active in the service desk' }),
    isPublished: z.boolean().meta({ description: 'Listed and accepted by the GeoReport endpoints (when also active)' }),
    type: z.enum(['realtime', 'batch']),
    keywords: z.string(),
    group: z.string(),
    description: z.string(),
    metadata: z.boolean().meta({ description: 'The service has a definition with questions (attributes)' }),
    notice: z.string().meta({ description: 'service_notice: the time limits promised, in words' }),
    isCustomised: z.boolean(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Open311Service' });

export const open311ServicePatchSchema = z
  .strictObject({
    isPublished: z.boolean().optional(),
    type: z.enum(['realtime', 'batch']).optional().meta({ description: 'realtime: the request is made at once; batch: queued, the client gets a token' }),
    keywords: z.string().trim().max(200).optional(),
    group: z.string().trim().min(1).max(60).optional(),
    description: z.string().trim().min(1).max(500).optional(),
  })
  .meta({ id: 'Open311ServicePatch' });

export const serviceCodeParamsSchema = z.strictObject({ code: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/) });
