import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';
import { ANOMALIES } from './validation';

export const READING_SOURCES = ['handheld', 'import', 'api', 'mqtt', 'portal', 'estimate'] as const;
export type ReadingSource = (typeof READING_SOURCES)[number];
export const READING_STATUSES = ['accepted', 'suspect', 'rejected', 'estimated', 'unread'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];
/** Why a reader could not read a meter: 门锁 no access, 表被埋 meter buried, 表坏 meter broken, 其他 other. */
export const CANNOT_READ_REASONS = ['no_access', 'meter_buried', 'meter_broken', 'other'] as const;
export type CannotReadReason = (typeof CANNOT_READ_REASONS)[number];
export const DUTIES = ['reader', 'collector'] as const;

const registerM3Schema = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,3})?$/, 'm³ with at most three decimals')
  .describe('Register in m³ as a decimal string, up to 3 decimals (e.g. "1234.567")');
const registerLitresSchema = z.number().int().min(0).max(999_999_999_999).describe('Register in whole litres');

// ---- photos ----
export const photoUploadSchema = z
  .strictObject({
    contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
    dataBase64: z.string().min(8).max(8_000_000).describe('The image, base64-encoded (at most 5 MiB decoded)'),
  })
  .meta({ id: 'PhotoUpload' });
export type PhotoUpload = z.infer<typeof photoUploadSchema>;

// ---- readings ----
export const readingSchema = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    meterId: z.uuid(),
    readOn: isoDateSchema,
    readAt: z.iso.datetime(),
    registerLitres: z.number().int().nullable(),
    consumptionLitres: z.number().int().nullable(),
    source: z.enum(READING_SOURCES),
    status: z.enum(READING_STATUSES),
    anomalies: z.array(z.enum(ANOMALIES)),
    cannotReadReason: z.enum(CANNOT_READ_REASONS).nullable(),
    note: z.string().nullable(),
    hasPhoto: z.boolean(),
    externalId: z.string().nullable(),
    staffName: z.string().nullable(),
    reviewedAt: z.iso.datetime().nullable(),
    reviewNote: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Reading' });
export type Reading = z.infer<typeof readingSchema>;

export const newReadingSchema = z
  .strictObject({
    accountId: z.uuid(),
    meterId: z.uuid().optional().describe('Defaults to the installed meter of the account'),
    readOn: isoDateSchema.optional().describe("Defaults to today in the utility's time zone"),
    registerM3: registerM3Schema.optional(),
    registerLitres: registerLitresSchema.optional(),
    cannotReadReason: z.enum(CANNOT_READ_REASONS).optional().describe('Instead of a register: why the meter could not be read'),
    note: z.string().trim().max(200).optional(),
    photo: photoUploadSchema.optional(),
  })
  .meta({ id: 'NewReading' });
export type NewReading = z.infer<typeof newReadingSchema>;

export const expectedRangeSchema = z
  .object({ lowLitres: z.number().int(), highLitres: z.number().int(), averageDailyLitres: z.number().int() })
  .meta({ id: 'ExpectedRange' });

export const readingResultSchema = z
  .object({ reading: readingSchema, isDuplicate: z.boolean(), expected: expectedRangeSchema.nullable() })
  .meta({ id: 'ReadingResult' });
export type ReadingResult = z.infer<typeof readingResultSchema>;

export const readingListQuerySchema = z.strictObject({
  accountId: z.uuid(),
  limit: z.coerce.number().int().min(1).max(200).default(24),
});

// ---- review ----
export const reviewItemSchema = z
  .object({
    reading: readingSchema,
    accountNo: z.string(),
    address: z.string(),
    meterSerial: z.string(),
    routeName: z.string().nullable(),
    previousReadOn: isoDateSchema.nullable(),
    previousRegisterLitres: z.number().int().nullable(),
    expected: expectedRangeSchema.nullable(),
  })
  .meta({ id: 'ReviewItem' });
export type ReviewItem = z.infer<typeof reviewItemSchema>;

export const reviewQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.string().max(80).optional().describe('Cursor from the previous page'),
});

export const reviewDecisionSchema = z
  .strictObject({
    decision: z.enum(['accept', 'reject', 'estimate']).describe('accept the reading, reject it, or reject it and estimate instead (stopped meter)'),
    consumptionLitres: z.number().int().min(-999_999_999).max(999_999_999).optional().describe('Use to bill when accepting; defaults to the computed one'),
    note: z.string().trim().min(1).max(500),
  })
  .meta({ id: 'ReviewDecision' });
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

// ---- imports and head-ends ----
export const importRequestSchema = z
  .strictObject({
    fileName: z.string().trim().min(1).max(200).describe('Name of the uploaded file; .csv or .xlsx'),
    contentBase64: z.string().min(1).max(30_000_000),
  })
  .meta({ id: 'ReadingImportRequest' });

export const rowErrorSchema = z.object({ row: z.number().int(), field: z.string(), zh: z.string(), en: z.string() }).meta({ id: 'ImportRowError' });
export type RowError = z.infer<typeof rowErrorSchema>;

export const importReportSchema = z
  .object({
    fileName: z.string(),
    rows: z.number().int(),
    imported: z.number().int(),
    duplicates: z.number().int(),
    accepted: z.number().int(),
    suspect: z.number().int(),
    tookMs: z.number().int(),
  })
  .meta({ id: 'ReadingImportReport' });
export type ImportReport = z.infer<typeof importReportSchema>;

export const importRejectionSchema = z
  .object({
    code: z.literal('import_rejected'),
    message: z.object({ zh: z.string(), en: z.string() }),
    fields: z.array(z.object({ field: z.string(), zh: z.string(), en: z.string() })),
    rows: z.number().int(),
    errors: z.array(rowErrorSchema),
  })
  .meta({ id: 'ReadingImportRejection' });

export const headEndReadingSchema = z.strictObject({
  externalId: z.string().trim().min(1).max(100),
  meterSerial: z.string().trim().toUpperCase().min(4).max(32),
  readAt: z.iso.datetime({ offset: true }),
  registerLitres: registerLitresSchema,
});
export const headEndBatchSchema = z.strictObject({ readings: z.array(headEndReadingSchema).min(1).max(5000) }).meta({ id: 'HeadEndBatch' });

export const batchItemResultSchema = z
  .object({
    index: z.number().int(),
    externalId: z.string(),
    outcome: z.enum(['created', 'duplicate', 'error']),
    readingId: z.uuid().nullable(),
    status: z.enum(READING_STATUSES).nullable(),
    anomalies: z.array(z.enum(ANOMALIES)),
    errors: z.array(z.object({ field: z.string(), zh: z.string(), en: z.string() })),
  })
  .meta({ id: 'BatchItemResult' });
export const batchResultSchema = z
  .object({ created: z.number().int(), duplicates: z.number().int(), failed: z.number().int(), results: z.array(batchItemResultSchema) })
  .meta({ id: 'HeadEndBatchResult' });

export const deadLetterSchema = z
  .object({ id: z.uuid(), source: z.string(), topic: z.string().nullable(), payload: z.string(), reason: z.string(), receivedAt: z.iso.datetime() })
  .meta({ id: 'ReadingDeadLetter' });

// ---- routes (抄表本) ----
const routeFields = {
  code: z.string().trim().regex(/^[A-Za-z0-9-]{2,20}$/, '2–20 letters, digits or dashes'),
  name: z.string().trim().min(1).max(60),
  readingDay: z.number().int().min(1).max(28).optional(),
  serviceHallId: z.uuid().nullable().optional(),
};
export const newRouteSchema = z.strictObject(routeFields).meta({ id: 'NewRoute' });
export type NewRoute = z.infer<typeof newRouteSchema>;
export const routePatchSchema = z
  .strictObject({ name: routeFields.name.optional(), readingDay: routeFields.readingDay, serviceHallId: routeFields.serviceHallId, isActive: z.boolean().optional() })
  .meta({ id: 'RoutePatch' });
export type RoutePatch = z.infer<typeof routePatchSchema>;

const staffRefSchema = z.object({ id: z.uuid(), displayName: z.string() });

export const routeSummarySchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    readingDay: z.number().int(),
    serviceHallId: z.uuid().nullable(),
    isActive: z.boolean(),
    accounts: z.number().int(),
    reader: staffRefSchema.nullable(),
    collector: staffRefSchema.nullable(),
    termStartedOn: isoDateSchema.nullable(),
    termEndsOn: isoDateSchema.nullable(),
    isDueForRotation: z.boolean(),
    isOverdue: z.boolean(),
  })
  .meta({ id: 'RouteSummary' });
export type RouteSummary = z.infer<typeof routeSummarySchema>;

export const routeAccountSchema = z
  .object({ walkOrder: z.number().int(), accountId: z.uuid(), accountNo: z.string(), holderName: z.string(), address: z.string(), accountStatus: z.string(), meterSerial: z.string().nullable() })
  .meta({ id: 'RouteAccount' });

export const assignmentSchema = z
  .object({ id: z.uuid(), staffId: z.uuid(), staffName: z.string(), duty: z.enum(DUTIES), startsOn: isoDateSchema, endsOn: isoDateSchema.nullable() })
  .meta({ id: 'RouteAssignment' });

export const routeDetailSchema = z
  .object({ route: routeSummarySchema, accounts: z.array(routeAccountSchema), assignments: z.array(assignmentSchema), termMonths: z.number().int() })
  .meta({ id: 'RouteDetail' });
export type RouteDetail = z.infer<typeof routeDetailSchema>;

export const routeAccountsRequestSchema = z
  .strictObject({
    accountIds: z.array(z.uuid()).max(2000).optional(),
    accountNos: z.array(z.string().trim().regex(/^\d{8,12}$/)).max(2000).optional(),
  })
  .meta({ id: 'RouteAccountsRequest' });
export const walkOrderRequestSchema = z.strictObject({ accountIds: z.array(z.uuid()).min(1).max(5000) }).meta({ id: 'WalkOrderRequest' });
export const routeAccountParamsSchema = z.object({ id: z.uuid(), accountId: z.uuid() });

export const newAssignmentSchema = z
  .strictObject({ staffId: z.uuid(), duty: z.enum(DUTIES), startsOn: isoDateSchema, endsOn: isoDateSchema.nullable().optional() })
  .meta({ id: 'NewRouteAssignment' });
export type NewAssignment = z.infer<typeof newAssignmentSchema>;

export const rotationProposalSchema = z
  .object({
    route: routeSummarySchema,
    proposedReader: staffRefSchema.nullable(),
    startsOn: isoDateSchema,
    reason: z.object({ zh: z.string(), en: z.string() }),
  })
  .meta({ id: 'RotationProposal' });

// ---- the reader's sheet ----
export const sheetQuerySchema = z.strictObject({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).optional().describe('YYYY-MM; defaults to this month') });

export const sheetItemSchema = z
  .object({
    walkOrder: z.number().int(),
    accountId: z.uuid(),
    accountNo: z.string(),
    holderName: z.string(),
    address: z.string(),
    meter: z.object({ id: z.uuid(), serialNo: z.string(), sizeDn: z.number().int(), status: z.string() }).nullable(),
    last: z.object({ readOn: isoDateSchema, registerLitres: z.number().int(), status: z.enum(READING_STATUSES) }).nullable(),
    expected: expectedRangeSchema.nullable(),
    current: readingSchema.nullable(),
  })
  .meta({ id: 'SheetItem' });
export const sheetSchema = z
  .object({ route: routeSummarySchema, period: z.string(), today: isoDateSchema, total: z.number().int(), done: z.number().int(), items: z.array(sheetItemSchema) })
  .meta({ id: 'RouteSheet' });
export type Sheet = z.infer<typeof sheetSchema>;

export const myRouteSchema = z
  .object({ route: routeSummarySchema, period: z.string(), total: z.number().int(), done: z.number().int() })
  .meta({ id: 'MyRoute' });

// ---- portal ----
export const portalReadingSchema = z
  .object({ readOn: isoDateSchema, registerLitres: z.number().int().nullable(), consumptionLitres: z.number().int().nullable(), status: z.enum(READING_STATUSES), source: z.enum(READING_SOURCES) })
  .meta({ id: 'PortalReading' });
export const portalReadingsSchema = z
  .object({ accountId: z.uuid(), meterSerial: z.string().nullable(), readings: z.array(portalReadingSchema) })
  .meta({ id: 'PortalReadings' });
export const portalNewReadingSchema = z
  .strictObject({ registerM3: registerM3Schema.optional(), registerLitres: registerLitresSchema.optional(), photo: photoUploadSchema.optional() })
  .meta({ id: 'PortalNewReading' });
export type PortalNewReading = z.infer<typeof portalNewReadingSchema>;
export const portalReadingResultSchema = z
  .object({ reading: portalReadingSchema, isDuplicate: z.boolean(), needsReview: z.boolean() })
  .meta({ id: 'PortalReadingResult' });
