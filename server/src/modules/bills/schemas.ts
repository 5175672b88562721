import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';

export const BILL_KINDS = ['regular', 'credit_note', 'debit_note'] as const;
export type BillKind = (typeof BILL_KINDS)[number];
export const LINE_TYPES = ['water', 'sewage', 'resource', 'fixed', 'over_quota', 'adjustment'] as const;
export type LineType = (typeof LINE_TYPES)[number];
export const ADJUSTMENT_REASONS = ['wrong_reading', 'calibration', 'tariff_error', 'other'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];
/**
 * Where a regular bill stands, derived from the account's ledger balance with the oldest bills settled
 * first: what is still owed is owed on the newest bills. Notes have no status of their own.
 */
export const BILL_STATUSES = ['paid', 'partially_paid', 'unpaid', 'overdue', 'credited'] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];

const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM');

export const billSchema = z
  .object({
    id: z.uuid(),
    billNo: z.string(),
    kind: z.enum(BILL_KINDS),
    accountId: z.uuid(),
    accountNo: z.string(),
    period: periodSchema,
    periodStart: isoDateSchema,
    periodEnd: isoDateSchema,
    adjustsBillId: z.uuid().nullable(),
    adjustsBillNo: z.string().nullable(),
    reason: z.enum(ADJUSTMENT_REASONS).nullable(),
    note: z.string().nullable(),
    consumptionLitres: z.number().int().describe('Litres; a credit note carries the consumption it takes back as a negative number'),
    isEstimated: z.boolean(),
    totalFen: z.number().int().describe('Fen; negative on a credit note (红字)'),
    issuedOn: isoDateSchema,
    dueOn: isoDateSchema,
    createdAt: z.iso.datetime(),
    netTotalFen: z.number().int().nullable().describe('A regular bill: its total with every credit and debit note on it; null on a note'),
    outstandingFen: z.number().int().nullable().describe('A regular bill: what is still owed on it (oldest bills settled first); null on a note'),
    status: z.enum(BILL_STATUSES).nullable(),
  })
  .meta({ id: 'Bill' });
export type Bill = z.infer<typeof billSchema>;

export const billLineSchema = z
  .object({
    lineNo: z.number().int(),
    lineType: z.enum(LINE_TYPES),
    tier: z.number().int().nullable(),
    quantityLitres: z.number().int().nullable(),
    unitPriceFenPerM3: z.number().int().nullable(),
    amountFen: z.number().int(),
    description: z.string(),
  })
  .meta({ id: 'BillLine' });
export type BillLine = z.infer<typeof billLineSchema>;

export const billNoteSchema = billSchema.extend({ lines: z.array(billLineSchema) }).meta({ id: 'BillNote' });
export type BillNote = z.infer<typeof billNoteSchema>;

export const billAccountSchema = z
  .object({
    id: z.uuid(),
    accountNo: z.string(),
    holderNameMasked: z.string(),
    fullAddress: z.string(),
    district: z.string(),
    category: z.enum(['residential', 'non_residential', 'special']),
    householdSize: z.number().int(),
  })
  .meta({ id: 'BillAccount' });
export type BillAccount = z.infer<typeof billAccountSchema>;

export const meterReadingsSchema = z
  .object({
    meterSerialNo: z.string().nullable(),
    previousOn: isoDateSchema.nullable(),
    previousLitres: z.number().int().nullable(),
    currentOn: isoDateSchema.nullable(),
    currentLitres: z.number().int().nullable(),
  })
  .meta({ id: 'MeterReadings' });
export type MeterReadings = z.infer<typeof meterReadingsSchema>;

export const billDetailSchema = z
  .object({
    bill: billSchema,
    lines: z.array(billLineSchema),
    /** On a regular bill: the credit and debit notes on it, oldest first. */
    notes: z.array(billNoteSchema),
    /** On a note: the bill it adjusts. */
    original: billSchema.nullable(),
    account: billAccountSchema,
    readings: meterReadingsSchema.nullable(),
    remainingFen: z.number().int().describe('The adjusted bill: its total with every note on it so far (the most a new credit note may take back)'),
    balanceFen: z.number().int().describe("The account's ledger balance: owed (positive) or in credit (negative)"),
  })
  .meta({ id: 'BillDetail' });
export type BillDetail = z.infer<typeof billDetailSchema>;

export const billListQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const billPageSchema = z
  .object({ bills: z.array(billSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int(), balanceFen: z.number().int() })
  .meta({ id: 'BillPage' });
export type BillPage = z.infer<typeof billPageSchema>;

export const usageQuerySchema = z.object({ months: z.coerce.number().int().min(1).max(36).default(12) });

export const usagePointSchema = z
  .object({
    period: periodSchema,
    consumptionLitres: z.number().int().nullable().describe('Net of credit and debit notes; null when the period has no bill'),
    isEstimated: z.boolean(),
  })
  .meta({ id: 'UsagePoint' });
export type UsagePoint = z.infer<typeof usagePointSchema>;

export const usageSeriesSchema = z
  .object({ accountId: z.uuid(), months: z.number().int(), points: z.array(usagePointSchema) })
  .meta({ id: 'UsageSeries' });
export type UsageSeries = z.infer<typeof usageSeriesSchema>;

const noteText = z.string().trim().min(2).max(500);
const fenAmount = z.number().int().positive().max(100_000_000_00);

export const adjustmentRequestSchema = z
  .strictObject({
    kind: z.enum(['credit_note', 'debit_note']),
    reason: z.enum(ADJUSTMENT_REASONS),
    note: noteText,
    amountFen: fenAmount.optional(),
    lines: z
      .array(z.strictObject({ description: z.string().trim().min(1).max(100), amountFen: fenAmount }))
      .min(1)
      .max(20)
      .optional(),
  })
  .superRefine((value, context) => {
    if ((value.amountFen === undefined) === (value.lines === undefined)) {
      context.addIssue({ code: 'custom', path: ['amountFen'], message: 'give either amountFen or lines', params: { zh: '请填写金额或明细（二选一）' } });
    }
  });
export type AdjustmentRequest = z.infer<typeof adjustmentRequestSchema>;

export const rebillRequestSchema = z.strictObject({
  correctConsumptionLitres: z.number().int().min(0).max(1_000_000_000),
  reason: z.enum(ADJUSTMENT_REASONS),
  note: noteText.optional(),
});
export type RebillRequest = z.infer<typeof rebillRequestSchema>;

export const adjustmentResultSchema = z
  .object({ notes: z.array(billNoteSchema), remainingFen: z.number().int(), balanceFen: z.number().int() })
  .meta({ id: 'AdjustmentResult' });
export type AdjustmentResult = z.infer<typeof adjustmentResultSchema>;
