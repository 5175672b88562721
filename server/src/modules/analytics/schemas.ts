import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';

export const zeroConsumptionQuerySchema = z.object({
  periods: z.coerce.number().int().min(1).max(24).default(3).describe('How many of the latest billed periods the account used nothing in'),
  district: z.string().trim().min(1).max(30).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export type ZeroConsumptionQuery = z.infer<typeof zeroConsumptionQuerySchema>;

export const zeroConsumptionExportQuerySchema = zeroConsumptionQuerySchema.pick({ periods: true, district: true });

export const zeroUseMeterSchema = z.object({ serialNo: z.string(), installedOn: isoDateSchema.nullable() }).meta({ id: 'ZeroUseMeter' });

export const zeroUseAccountSchema = z
  .object({
    accountId: z.uuid(),
    accountNo: z.string(),
    customerId: z.uuid(),
    customerName: z.string(),
    fullAddress: z.string(),
    district: z.string(),
    accountStatus: z.enum(['active', 'suspended', 'closed']),
    category: z.enum(['residential', 'non_residential', 'special']),
    openedOn: isoDateSchema,
    meters: z.array(zeroUseMeterSchema).describe('Meters installed at the premise now, oldest installation first'),
    lastUsePeriod: z.string().nullable().describe('The latest period billed with any use; null if the account has never used water'),
  })
  .meta({ id: 'ZeroUseAccount' });
export type ZeroUseAccount = z.infer<typeof zeroUseAccountSchema>;

export const zeroConsumptionReportSchema = z
  .object({
    periods: z.array(z.string()).describe('The billed periods looked at, newest first'),
    rows: z.array(zeroUseAccountSchema),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: 'ZeroConsumptionReport' });
export type ZeroConsumptionReport = z.infer<typeof zeroConsumptionReportSchema>;
