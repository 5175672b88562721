import { z } from 'zod';
import { ROLES, segregationConflicts } from '../../platform/permissions';

export const tenantSummarySchema = z
  .object({ code: z.string(), name: z.string(), nameEn: z.string(), hotline: z.string().nullable() })
  .meta({ id: 'TenantSummary' });
export type TenantSummary = z.infer<typeof tenantSummarySchema>;

export const serviceHallSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    address: z.string(),
    phone: z.string().nullable(),
    openingHours: z.string(),
    isGovernmentCentre: z.boolean(),
  })
  .meta({ id: 'ServiceHall' });
export type ServiceHall = z.infer<typeof serviceHallSchema>;

export const staffMemberSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(ROLES)),
    isActive: z.boolean(),
    isLocked: z.boolean(),
    lastLoginAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'StaffMember' });
export type StaffMember = z.infer<typeof staffMemberSchema>;

export const newStaffSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'lower-case letters, digits, . _ -; 3–32 characters'),
  displayName: z.string().trim().min(1).max(50),
  password: z.string().min(10).max(200),
  roles: z
    .array(z.enum(ROLES))
    .min(1)
    .superRefine((roles, context) => {
      for (const conflict of segregationConflicts(roles)) context.addIssue({ code: 'custom', message: conflict.en, params: { zh: conflict.zh } });
    }),
});
export type NewStaff = z.infer<typeof newStaffSchema>;
