import { z } from 'zod';

/** A billing period: the calendar month whose readings a run bills, YYYY-MM. */
export const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM');

export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const LINE_TYPES = ['water', 'sewage', 'resource', 'fixed', 'over_quota', 'adjustment'] as const;
export type LineType = (typeof LINE_TYPES)[number];

/** Why an account of a run got no bill. */
export const SKIP_REASONS = [
  'already_billed',
  'no_reading',
  'account_closed',
  'account_suspended',
  'no_water_category',
  'no_tariff',
  'tariff_error',
  'account_missing',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const newBillingRunSchema = z.strictObject({
  period: periodSchema,
  /** Routes (抄表本) whose accounts to bill; all active routes when left out. */
  routeIds: z.array(z.uuid()).min(1).max(2000).optional(),
});
export type NewBillingRun = z.infer<typeof newBillingRunSchema>;

export const billingRunSummarySchema = z
  .object({
    accounts: z.number().int(),
    bills: z.number().int(),
    totalFen: z.number().int(),
    consumptionLitres: z.number().int(),
    byLineType: z.array(z.object({ lineType: z.enum(LINE_TYPES), lines: z.number().int(), amountFen: z.number().int() })),
    skipped: z.array(z.object({ reason: z.enum(SKIP_REASONS), accounts: z.number().int() })),
    failedChunks: z.number().int(),
  })
  .meta({ id: 'BillingRunSummary' });
export type BillingRunSummary = z.infer<typeof billingRunSummarySchema>;

export const billingRunSchema = z
  .object({
    id: z.uuid(),
    period: z.string(),
    routeIds: z.array(z.uuid()),
    status: z.enum(RUN_STATUSES),
    accounts: z.number().int(),
    totalChunks: z.number().int(),
    doneChunks: z.number().int(),
    /** done_chunks / total_chunks, 0–1 (1 for a run with nothing to bill). */
    progress: z.number(),
    /** So far (from the finished chunks) while running; final once completed. */
    summary: billingRunSummarySchema,
    startedBy: z.string(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'BillingRun' });
export type BillingRun = z.infer<typeof billingRunSchema>;

export const billingRunListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  period: periodSchema.optional(),
});

export const skippedAccountSchema = z
  .object({ accountId: z.uuid(), accountNo: z.string(), reason: z.enum(SKIP_REASONS) })
  .meta({ id: 'SkippedAccount' });
export type SkippedAccount = z.infer<typeof skippedAccountSchema>;

export const skippedQuerySchema = z.object({
  reason: z.enum(SKIP_REASONS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
