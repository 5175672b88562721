import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';

export const AGE_BUCKETS = ['0_30', '31_90', '91_180', 'over_180'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

const agingSchema = z
  .object({ '0_30': z.number().int(), '31_90': z.number().int(), '91_180': z.number().int(), over_180: z.number().int() })
  .meta({ id: 'ArrearsAging', description: 'Overdue principal in fen by how many days past its due date each bill is' });

export const arrearsQuerySchema = z.strictObject({
  routeId: z.uuid().optional(),
  minAgeDays: z.coerce.number().int().min(0).max(10_000).optional().describe('Only accounts whose oldest unpaid bill is at least this many days past due'),
  minAmountFen: z.coerce.number().int().min(0).optional().describe('Only accounts owing at least this much (principal and late fees)'),
});
export type ArrearsQuery = z.infer<typeof arrearsQuerySchema>;

export const arrearsAccountSchema = z
  .object({
    accountId: z.uuid(),
    accountNo: z.string(),
    customerId: z.uuid(),
    holderName: z.string().describe('Masked for individuals'),
    phoneMasked: z.string().nullable(),
    fullAddress: z.string(),
    category: z.enum(['residential', 'non_residential', 'special']),
    owedFen: z.number().int().describe('Principal still owed on bills plus late fees owed'),
    principalFen: z.number().int(),
    overdueFen: z.number().int().describe('Principal owed on bills past their due date'),
    lateFeeFen: z.number().int(),
    oldestDueOn: isoDateSchema.nullable().describe('Due date of the oldest bill with principal unpaid'),
    ageDays: z.number().int().nullable(),
    bucket: z.enum(AGE_BUCKETS).nullable(),
    aging: agingSchema,
    route: z.object({ id: z.uuid(), code: z.string(), name: z.string() }).nullable(),
    collector: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
    isImportant: z.boolean().describe('重要用户'),
    isSpecialCare: z.boolean().describe('特殊关爱户'),
    isDisputed: z.boolean().describe('A bill of the account is disputed: no cut-off'),
    isCutOff: z.boolean().describe('Water is cut off and not yet restored'),
  })
  .meta({ id: 'ArrearsAccount' });
export type ArrearsAccount = z.infer<typeof arrearsAccountSchema>;

export const arrearsSummarySchema = z
  .object({
    route: z.object({ id: z.uuid(), code: z.string(), name: z.string() }).nullable(),
    accounts: z.number().int(),
    owedFen: z.number().int(),
    lateFeeFen: z.number().int(),
    buckets: z.array(z.object({ bucket: z.enum(AGE_BUCKETS), accounts: z.number().int().describe('Accounts whose oldest unpaid bill is this old'), overdueFen: z.number().int().describe('Overdue principal of bills this old') })),
  })
  .meta({ id: 'ArrearsRouteSummary' });

export const arrearsReportSchema = z
  .object({
    asOf: isoDateSchema,
    accounts: z.array(arrearsAccountSchema),
    summary: z.array(arrearsSummarySchema).describe('Per route (null: accounts on no route), every age bucket'),
    total: z.object({ accounts: z.number().int(), owedFen: z.number().int(), lateFeeFen: z.number().int() }),
  })
  .meta({ id: 'ArrearsReport' });
export type ArrearsReport = z.infer<typeof arrearsReportSchema>;

export const noticeSchema = z
  .object({
    id: z.uuid(),
    billId: z.uuid(),
    billNo: z.string(),
    accountId: z.uuid(),
    accountNo: z.string(),
    stepDays: z.number().int(),
    kind: z.enum(['reminder', 'cutoff_notice']),
    channel: z.enum(['sms', 'wechat', 'letter']),
    status: z.enum(['queued', 'awaiting_gateway', 'to_print']).describe('queued: handed to the outbox (SMS, or a WeChat message that falls back to SMS); to_print: a letter; awaiting_gateway: a WeChat notice recorded before the WeChat channel existed'),
    amountFen: z.number().int(),
    body: z.string(),
    businessDate: isoDateSchema,
    createdAt: z.iso.datetime(),
    holderName: z.string(),
    fullAddress: z.string(),
  })
  .meta({ id: 'DunningNotice' });
export type Notice = z.infer<typeof noticeSchema>;

export const noticesQuerySchema = z.strictObject({
  channel: z.enum(['sms', 'wechat', 'letter']).optional(),
  date: isoDateSchema.optional().describe('Business day the notices were made (default: every day)'),
  limit: z.coerce.number().int().min(1).max(2000).default(200),
});

export const noteInputSchema = z.strictObject({
  kind: z.enum(['visit', 'promise_to_pay', 'note']),
  note: z.string().trim().min(1).max(1000),
  promisedOn: isoDateSchema.optional(),
  promisedFen: z.number().int().min(1).optional(),
});
export type NoteInput = z.infer<typeof noteInputSchema>;

export const collectionNoteSchema = z
  .object({
    id: z.uuid(),
    kind: z.enum(['visit', 'promise_to_pay', 'note']),
    note: z.string(),
    promisedOn: isoDateSchema.nullable(),
    promisedFen: z.number().int().nullable(),
    staffName: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CollectionNote' });
export type CollectionNote = z.infer<typeof collectionNoteSchema>;

export const disputeInputSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const disputeCloseSchema = z.strictObject({ resolution: z.string().trim().min(1).max(500) });

export const disputeSchema = z
  .object({
    id: z.uuid(),
    billId: z.uuid(),
    billNo: z.string(),
    accountId: z.uuid(),
    status: z.enum(['open', 'closed']),
    reason: z.string(),
    openedBy: z.string(),
    openedAt: z.iso.datetime(),
    resolution: z.string().nullable(),
    closedBy: z.string().nullable(),
    closedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'BillDispute' });
export type Dispute = z.infer<typeof disputeSchema>;

export const cutoffInputSchema = z.strictObject({
  override: z.boolean().optional().describe('Cut off a protected household (important customer or special care): needs collection.override and a reason'),
  reason: z.string().trim().min(1).max(500).optional(),
});
export type CutoffInput = z.infer<typeof cutoffInputSchema>;
export const cancelInputSchema = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const cutoffOrderSchema = z
  .object({
    id: z.uuid(),
    accountId: z.uuid(),
    accountNo: z.string(),
    status: z.enum(['issued', 'done', 'cancelled']),
    noticeId: z.uuid(),
    owedFen: z.number().int(),
    isOverride: z.boolean(),
    overrideReason: z.string().nullable(),
    issuedBy: z.string(),
    issuedAt: z.iso.datetime(),
    doneBy: z.string().nullable(),
    doneAt: z.iso.datetime().nullable(),
    cancelledBy: z.string().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    cancelReason: z.string().nullable(),
  })
  .meta({ id: 'CutoffOrder' });
export type CutoffOrder = z.infer<typeof cutoffOrderSchema>;

export const reconnectionOrderSchema = z
  .object({
    id: z.uuid(),
    cutoffOrderId: z.uuid(),
    accountId: z.uuid(),
    accountNo: z.string(),
    status: z.enum(['due', 'done']),
    isOverdue: z.boolean().describe('Still not done after its deadline'),
    createdAt: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    doneBy: z.string().nullable(),
    doneAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ReconnectionOrder' });
export type ReconnectionOrder = z.infer<typeof reconnectionOrderSchema>;

export const orderListQuerySchema = z.strictObject({
  status: z.enum(['issued', 'done', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const reconnectionListQuerySchema = z.strictObject({
  status: z.enum(['due', 'overdue', 'done']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const lateFeeBillSchema = z
  .object({
    billId: z.uuid(),
    billNo: z.string(),
    dueOn: isoDateSchema,
    accruedThrough: isoDateSchema,
    capBaseFen: z.number().int(),
    postedFen: z.number().int().describe('Late fee charged on the bill so far'),
  })
  .meta({ id: 'LateFeeBill' });

export const collectionCaseSchema = z
  .object({
    accountId: z.uuid(),
    accountNo: z.string(),
    principalFen: z.number().int(),
    overdueFen: z.number().int(),
    lateFeeFen: z.number().int(),
    isProtected: z.boolean(),
    lateFees: z.array(lateFeeBillSchema),
    notices: z.array(noticeSchema),
    notes: z.array(collectionNoteSchema),
    disputes: z.array(disputeSchema),
    cutoffOrders: z.array(cutoffOrderSchema),
    reconnectionOrders: z.array(reconnectionOrderSchema),
  })
  .meta({ id: 'CollectionCase' });
export type CollectionCase = z.infer<typeof collectionCaseSchema>;
