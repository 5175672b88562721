import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';

export const zeroConsumptionQuerySchema = z.object({
  periods: z.coerce.number().int().min(1).max(24).default(3).describe('How many of the latest billed periods the account used nothing in'),
  district: z.string().trim().min(1).max(30).optional(),
  onlyFlagged: z.stringbool().optional().describe('Only the new connections flagged for no reading within the first-reading period'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type ZeroConsumptionQuery = z.infer<typeof zeroConsumptionQuerySchema>;

export const zeroConsumptionExportQuerySchema = zeroConsumptionQuerySchema.pick({ periods: true, district: true, onlyFlagged: true });

export const zeroUseMeterSchema = z.object({ serialNo: z.string(), installedOn: isoDateSchema.nullable() }).meta({ id: 'ZeroUseMeter' });

export const zeroUseAccountSchema = z
  .object({
    accountId: z.uuid(),
    accountNo: z.string(),
    customerId: z.uuid(),
    customerName: z.string(),
    fullAddress: z.string(),
    district: z.string(),
    accountStatus: z.enum(['active', 'suspended', 'closing', 'closed']),
    category: z.enum(['residential', 'non_residential', 'special']),
    openedOn: isoDateSchema,
    meters: z.array(zeroUseMeterSchema).describe('Meters installed at the premise now, oldest installation first'),
    lastUsePeriod: z.string().nullable().describe('The latest period billed with any use; null if the account has never used water'),
    isZeroUse: z.boolean().describe('No use in each of the periods looked at (false: listed only as a new connection waiting for its first reading)'),
    newConnection: z
      .object({
        applicationId: z.uuid(),
        applicationNo: z.string(),
        status: z.enum(['in_progress', 'returned', 'completed', 'rejected']),
        stage: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }).nullable().describe('The stage it is at, while open'),
        submittedOn: isoDateSchema,
        finishedOn: isoDateSchema.nullable().describe('The day it was completed (or rejected), in the utility’s time zone'),
      })
      .nullable()
      .describe('The new-connection application (报装) that opened the account, if one did'),
    firstReadOn: isoDateSchema.nullable().describe('A new connection: the date of its first reading taken (not estimated)'),
    firstReadingDueOn: isoDateSchema.nullable().describe('A new connection: the last day its first reading was due (opened on + the first-reading period)'),
    isFirstReadingOverdue: z.boolean().describe('A new connection with no reading within the first-reading period of its opening'),
  })
  .meta({ id: 'ZeroUseAccount' });
export type ZeroUseAccount = z.infer<typeof zeroUseAccountSchema>;

export const zeroConsumptionReportSchema = z
  .object({
    periods: z.array(z.string()).describe('The billed periods looked at, newest first'),
    firstReadingDays: z.number().int().describe('The utility’s first-reading period for new connections, days (process settings)'),
    today: isoDateSchema.describe('The business date the first-reading deadlines were judged on'),
    rows: z.array(zeroUseAccountSchema),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: 'ZeroConsumptionReport' });
export type ZeroConsumptionReport = z.infer<typeof zeroConsumptionReportSchema>;

// ---- 服务质量看板: the service-quality dashboard (service-quality.ts) ----

/** The longest range the dashboard takes, in days (both ends included). */
export const SERVICE_QUALITY_MAX_DAYS = 92;

export const serviceQualityQuerySchema = z
  .strictObject({
    from: isoDateSchema.describe("The range's first day in the utility's calendar"),
    to: isoDateSchema.describe("The range's last day (included); at most 92 days after from, counting both"),
  })
  .superRefine((value, context) => {
    const days = (Date.parse(`${value.to}T00:00:00Z`) - Date.parse(`${value.from}T00:00:00Z`)) / 86_400_000 + 1;
    if (days < 1) context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from', params: { zh: '结束日期不能早于开始日期' } });
    else if (days > SERVICE_QUALITY_MAX_DAYS) {
      context.addIssue({ code: 'custom', path: ['to'], message: `the range may cover at most ${SERVICE_QUALITY_MAX_DAYS} days`, params: { zh: `统计范围最多 ${SERVICE_QUALITY_MAX_DAYS} 天` } });
    }
  });
export type ServiceQualityQuery = z.infer<typeof serviceQualityQuerySchema>;

export const SERVICE_DEPARTMENTS = ['customer_service', 'network', 'meter', 'water_quality'] as const;
export type ServiceDepartment = (typeof SERVICE_DEPARTMENTS)[number];
export const SERVICE_TIME_LIMITS = ['accept', 'respond', 'close', 'dispatch', 'arrive', 'control', 'restore'] as const;
export type ServiceTimeLimit = (typeof SERVICE_TIME_LIMITS)[number];

const rateBp = (what: string) => z.int().min(0).max(10_000).nullable().describe(`${what}, in basis points (10000 = 100 %); null when there is nothing to divide by`);

export const deadlineFiguresSchema = z
  .object({
    due: z.int().describe('Deadlines counted: due in the range and either met (on time or late) or unmet and already past due. Not counted: unmet ones not yet due, and unmet ones of cancelled requests'),
    onTime: z.int().describe('Met at or before the moment they were due'),
    late: z.int().describe('metLate + unmetLate'),
    metLate: z.int().describe('Met after they were due'),
    unmetLate: z.int().describe('Not met and past due now'),
    stillOverdue: z.int().describe('Of unmetLate, those whose request is still open'),
    onTimeRateBp: rateBp('onTime / due'),
  })
  .meta({ id: 'ServiceQualityDeadlines' });
export type DeadlineFigures = z.infer<typeof deadlineFiguresSchema>;

export const satisfactionFiguresSchema = z
  .object({
    rated: z.int().describe('Follow-up ratings (1–5) recorded in the range'),
    averageHundredths: z.int().min(100).max(500).nullable().describe('Average rating × 100, rounded half up (425 = 4.25); null when none was rated'),
    satisfiedRateBp: rateBp('Ratings of 4 or 5 / rated'),
  })
  .meta({ id: 'ServiceQualitySatisfaction' });
export type SatisfactionFigures = z.infer<typeof satisfactionFiguresSchema>;

export const firstContactFiguresSchema = z
  .object({
    eligible: z.int().describe('Desk requests (inquiry, complaint, praise, suggestion) made in the range on the hotline, at the counter or on WeChat, not cancelled'),
    resolved: z.int().describe('Of those, answered and closed on the first contact (一次解决)'),
    rateBp: rateBp('resolved / eligible'),
  })
  .meta({ id: 'ServiceQualityFirstContact' });
export type FirstContactFigures = z.infer<typeof firstContactFiguresSchema>;

export const callFiguresSchema = z
  .object({
    inbound: z.int().describe('Inbound calls logged with a business date in the range'),
    answered: z.int(),
    missed: z.int(),
    callBack: z.int().describe('The caller asked to be called back instead of waiting'),
    answerRateBp: rateBp('answered / inbound'),
  })
  .meta({ id: 'ServiceQualityCalls' });
export type CallFigures = z.infer<typeof callFiguresSchema>;

export const qualityRowFiguresSchema = z.object({
  created: z.int().describe('Requests made in the range'),
  closed: z.int().describe('Requests closed in the range (and not reopened since)'),
  openNow: z.int().describe('Requests open now, whenever made (not limited to the range)'),
  overdueNow: z.int().describe('Of those, requests with a time limit unmet and past due now'),
  deadlines: deadlineFiguresSchema,
  satisfaction: satisfactionFiguresSchema,
  firstContact: firstContactFiguresSchema,
});
export type QualityRowFigures = z.infer<typeof qualityRowFiguresSchema>;

export const serviceQualityDashboardSchema = z
  .object({
    from: isoDateSchema,
    to: isoDateSchema,
    timeZone: z.string().describe("The utility's time zone: the days of the range and of the series are its calendar days"),
    generatedAt: z.iso.datetime().describe('The moment "now" stood for (open, overdue and past-due figures)'),
    totals: qualityRowFiguresSchema.extend({
      satisfaction: satisfactionFiguresSchema.extend({
        byRating: z.array(z.int()).length(5).describe('How many ratings of 1, 2, 3, 4 and 5'),
      }),
      calls: callFiguresSchema,
    }),
    timeLimits: z
      .array(deadlineFiguresSchema.extend({ timeLimit: z.enum(SERVICE_TIME_LIMITS) }))
      .describe('Every time limit, in the order accept, respond, close, dispatch, arrive, control, restore'),
    days: z
      .array(
        z.object({
          date: isoDateSchema,
          created: z.int(),
          closed: z.int(),
          deadlines: deadlineFiguresSchema.describe('Deadlines due that day'),
          satisfaction: satisfactionFiguresSchema.describe('Ratings recorded that day'),
          firstContact: firstContactFiguresSchema.describe('Requests made that day'),
          calls: callFiguresSchema.describe('Calls of that business date'),
        }),
      )
      .describe('Every day of the range, zeros included'),
    categories: z.array(
      qualityRowFiguresSchema.extend({
        category: z.object({ id: z.uuid(), code: z.string(), name: z.string(), nameEn: z.string(), kind: z.enum(['inquiry', 'complaint', 'praise', 'suggestion', 'repair']), department: z.enum(SERVICE_DEPARTMENTS), isActive: z.boolean() }),
      }),
    ).describe("The utility's categories in their order (an inactive one only when it has figures)"),
    departments: z.array(qualityRowFiguresSchema.extend({ department: z.enum(SERVICE_DEPARTMENTS), name: z.string(), nameEn: z.string() })).describe('Every department, in a fixed order'),
    overdue: z.object({
      total: z.int().describe('Open requests with a time limit unmet and past due now'),
      items: z
        .array(
          z.object({
            requestId: z.uuid(),
            requestNo: z.string(),
            category: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }),
            department: z.enum(SERVICE_DEPARTMENTS),
            state: z.string(),
            alertLevel: z.int(),
            timeLimit: z.enum(SERVICE_TIME_LIMITS).describe('The earliest-due time limit that is overdue'),
            dueAt: z.iso.datetime(),
            minutesOverdue: z.int(),
            overdueLimits: z.int().describe('How many of its time limits are overdue'),
            escalationLevel: z.int().describe('0 none, 1 supervisor, 2 department head'),
            assignee: z.string().nullable().describe('Display name of the crew member it is dispatched to'),
          }),
        )
        .describe('At most 50, most overdue first'),
    }),
  })
  .meta({ id: 'ServiceQualityDashboard' });
export type ServiceQualityDashboard = z.infer<typeof serviceQualityDashboardSchema>;
