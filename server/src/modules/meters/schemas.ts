import { z } from 'zod';
import { isoDateSchema } from '../../platform/validation';

export const METER_SIZES = [15, 20, 25, 32, 40, 50, 65, 80, 100, 150, 200] as const;
export const METER_STATUSES = ['in_stock', 'installed', 'removed', 'scrapped'] as const;

export const meterSchema = z
  .object({
    id: z.uuid(),
    serialNo: z.string(),
    premiseId: z.uuid().nullable(),
    model: z.string(),
    sizeDn: z.number().int(),
    isRemote: z.boolean(),
    status: z.enum(METER_STATUSES),
    installedOn: isoDateSchema.nullable(),
    firstVerifiedOn: isoDateSchema.nullable(),
    verificationDueOn: isoDateSchema.nullable().describe('Replacement or re-verification due date (JJG 162-2019)'),
    initialReadingLitres: z.number().int(),
    version: z.number().int(),
  })
  .meta({ id: 'Meter' });
export type Meter = z.infer<typeof meterSchema>;

const meterFields = {
  serialNo: z.string().trim().toUpperCase().regex(/^[A-Z0-9-]{4,32}$/, '4–32 letters, digits or dashes'),
  premiseId: z.uuid().nullable().optional(),
  model: z.string().trim().min(1).max(60),
  sizeDn: z.number().int().refine((size) => (METER_SIZES as readonly number[]).includes(size), { message: `one of DN ${METER_SIZES.join(', ')}`, params: { zh: `口径须为 DN${METER_SIZES.join('、DN')} 之一` } }),
  isRemote: z.boolean().optional(),
  status: z.enum(METER_STATUSES).optional(),
  installedOn: isoDateSchema.nullable().optional(),
  firstVerifiedOn: isoDateSchema.nullable().optional(),
  initialReadingLitres: z.number().int().min(0).max(999_999_999_999).optional(),
};

export const newMeterSchema = z.strictObject(meterFields);
export type NewMeter = z.infer<typeof newMeterSchema>;

export const meterPatchSchema = newMeterSchema.partial().extend({ version: z.number().int().positive() });
export type MeterPatch = z.infer<typeof meterPatchSchema>;
