import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';
import { tariffDefinitionSchema } from './definition';
import { MAX_CONSUMPTION_LITRES } from './engine';

export { tariffDefinitionSchema, type TariffDefinition } from './definition';

export const ACCOUNT_CLASSES = ['residential', 'non_residential', 'special'] as const;
export type AccountClass = (typeof ACCOUNT_CLASSES)[number];
export const VERSION_STATUSES = ['scheduled', 'current', 'superseded', 'withdrawn'] as const;
/** Longest period the preview prices (a year, leap years included). */
export const MAX_PREVIEW_DAYS = 366;

// ---- water-use categories (用水性质) ----

export const tariffVersionSummarySchema = z
  .object({ id: z.uuid(), version: z.number().int(), effectiveFrom: isoDateSchema, effectiveTo: isoDateSchema.nullable() })
  .meta({ id: 'TariffVersionSummary' });
export type TariffVersionSummary = z.infer<typeof tariffVersionSummarySchema>;

export const waterCategorySchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    accountClass: z.enum(ACCOUNT_CLASSES),
    isDefaultForClass: z.boolean(),
    isActive: z.boolean(),
    createdAt: z.iso.datetime(),
    /** The version in force today, if any. */
    currentVersion: tariffVersionSummarySchema.nullable(),
    /** The next version already decided, if any. */
    nextVersion: tariffVersionSummarySchema.nullable(),
    versionCount: z.number().int(),
  })
  .meta({ id: 'WaterCategory' });
export type WaterCategory = z.infer<typeof waterCategorySchema>;

const categoryName = z.string().trim().min(1).max(50);
const categoryNameEn = z.string().trim().min(1).max(100);

export const newWaterCategorySchema = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z][A-Z0-9_]{1,19}$/, 'must be 2–20 capital letters, digits or _, starting with a letter'),
  name: categoryName,
  nameEn: categoryNameEn,
  accountClass: z.enum(ACCOUNT_CLASSES),
  isDefaultForClass: z.boolean().optional(),
});
export type NewWaterCategory = z.infer<typeof newWaterCategorySchema>;

export const waterCategoryPatchSchema = z.strictObject({
  name: categoryName.optional(),
  nameEn: categoryNameEn.optional(),
  isDefaultForClass: z.boolean().optional(),
  isActive: z.boolean().optional(),
});
export type WaterCategoryPatch = z.infer<typeof waterCategoryPatchSchema>;

// ---- tariff versions ----

export const tariffVersionSchema = z
  .object({
    id: z.uuid(),
    waterCategoryId: z.uuid(),
    version: z.number().int(),
    effectiveFrom: isoDateSchema,
    /** First day no longer covered (the next version's first day), null while open. */
    effectiveTo: isoDateSchema.nullable(),
    status: z.enum(VERSION_STATUSES),
    definition: tariffDefinitionSchema,
    note: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    withdrawnAt: z.iso.datetime().nullable(),
    withdrawnBy: z.string().nullable(),
    withdrawalReason: z.string().nullable(),
  })
  .meta({ id: 'TariffVersion' });
export type StoredTariffVersion = z.infer<typeof tariffVersionSchema>;

export const newTariffVersionSchema = z.strictObject({
  effectiveFrom: isoDateSchema,
  definition: tariffDefinitionSchema,
  note: z.string().trim().max(500).nullable().optional(),
});
export type NewTariffVersion = z.infer<typeof newTariffVersionSchema>;

export const withdrawalSchema = z.strictObject({ reason: z.string().trim().min(2).max(200) });

export const tariffHistorySchema = z
  .object({ category: waterCategorySchema, versions: z.array(tariffVersionSchema) })
  .meta({ id: 'TariffHistory' });
export type TariffHistory = z.infer<typeof tariffHistorySchema>;

// ---- charges ----

export const chargeLineSchema = z
  .object({
    lineType: z.enum(['water', 'sewage', 'resource', 'fixed', 'over_quota']),
    tier: z.number().int().nullable(),
    quantityLitres: z.number().int().nullable(),
    unitPriceFenPerM3: z.number().int().nullable(),
    amountFen: z.number().int(),
    tariffVersionId: z.uuid(),
    description: z.string(),
  })
  .meta({ id: 'ChargeLine' });

const litres = z.number().int().min(0).max(MAX_CONSUMPTION_LITRES);

export const previewRequestSchema = z
  .strictObject({
    waterCategoryId: z.uuid(),
    periodStart: isoDateSchema,
    /** Inclusive. */
    periodEnd: isoDateSchema,
    consumptionLitres: litres,
    householdSize: z.number().int().min(1).max(20),
    usedEarlierInTierYearLitres: litres.optional(),
  })
  .superRefine((value, context) => {
    const days = (Date.parse(value.periodEnd) - Date.parse(value.periodStart)) / 86_400_000 + 1;
    if (days < 1) context.addIssue({ code: 'custom', path: ['periodEnd'], message: 'may not be before the start', params: { zh: '不能早于开始日期' } });
    if (days > MAX_PREVIEW_DAYS) {
      context.addIssue({ code: 'custom', path: ['periodEnd'], message: `the period may be at most ${MAX_PREVIEW_DAYS} days`, params: { zh: `计费期最长 ${MAX_PREVIEW_DAYS} 天` } });
    }
  });
export type PreviewRequest = z.infer<typeof previewRequestSchema>;

const categoryReferenceSchema = z.object({ id: z.uuid(), code: z.string(), name: z.string(), nameEn: z.string() });

export const tariffPreviewSchema = z
  .object({
    category: categoryReferenceSchema,
    periodStart: isoDateSchema,
    periodEnd: isoDateSchema,
    consumptionLitres: z.number().int(),
    householdSize: z.number().int(),
    usedEarlierInTierYearLitres: z.number().int(),
    versions: z.array(tariffVersionSummarySchema),
    lines: z.array(chargeLineSchema),
    totalFen: z.number().int(),
  })
  .meta({ id: 'TariffPreview' });
export type TariffPreview = z.infer<typeof tariffPreviewSchema>;

// ---- an account's category ----

export const accountWaterCategoryPatchSchema = z.strictObject({
  /** The account's version as read (409 if it changed since). */
  version: z.number().int().positive(),
  /** null: the default category of the account's class. */
  waterCategoryId: z.uuid().nullable(),
});
export type AccountWaterCategoryPatch = z.infer<typeof accountWaterCategoryPatchSchema>;

export const accountWaterCategorySchema = z
  .object({
    accountId: z.uuid(),
    accountNo: z.string(),
    accountClass: z.enum(ACCOUNT_CLASSES),
    /** The category set on the account; null when it takes its class's default. */
    waterCategoryId: z.uuid().nullable(),
    /** The category its bills use: the one set, else the default of its class. */
    effectiveWaterCategory: categoryReferenceSchema.nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'AccountWaterCategory' });
export type AccountWaterCategory = z.infer<typeof accountWaterCategorySchema>;
