import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../../platform/permissions';
import { tenantSummarySchema } from '../tenancy';

export const phoneSchema = z.string().regex(/^1[3-9]\d{9}$/, 'must be an 11-digit mainland mobile number');
export const tenantCodeSchema = z.string().min(2).max(32);

export const staffLoginSchema = z.strictObject({
  tenant: tenantCodeSchema,
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(200),
});

export const staffMeSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(ROLES)),
    permissions: z.array(z.enum(PERMISSIONS)),
  })
  .meta({ id: 'StaffMe' });

export const staffSessionSchema = z
  .object({ staff: staffMeSchema, tenant: tenantSummarySchema, csrfToken: z.string() })
  .meta({ id: 'StaffSession' });

export const otpRequestSchema = z.strictObject({ tenant: tenantCodeSchema, phone: phoneSchema });
export const otpResponseSchema = z.object({ resendAfterSeconds: z.number().int(), expiresInSeconds: z.number().int() });

export const portalLoginSchema = z.strictObject({
  tenant: tenantCodeSchema,
  phone: phoneSchema,
  code: z.string().regex(/^\d{6}$/, 'must be 6 digits'),
});

export const portalSessionSchema = z
  .object({ user: z.object({ phoneMasked: z.string() }), tenant: tenantSummarySchema, csrfToken: z.string() })
  .meta({ id: 'PortalSession' });
