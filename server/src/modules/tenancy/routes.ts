import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { newStaffSchema, serviceHallSchema, staffMemberSchema, tenantSummarySchema } from './schemas';
import { createStaff, listServiceHalls, listStaff, listTenants } from './service';
import { getTenantSettings, tenantSettingsPatchSchema, tenantSettingsSchema, updateTenantSettings } from './settings';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 409: errorResponseSchema };

export function registerTenancyRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/tenants',
    {
      schema: {
        tags: ['tenancy'],
        summary: 'Utilities served here (for login pages)',
        response: { 200: z.object({ tenants: z.array(tenantSummarySchema) }) },
      },
    },
    async () => ({
      tenants: (await listTenants(context)).map(({ code, name, nameEn, hotline }) => ({ code, name, nameEn, hotline })),
    }),
  );

  app.get(
    '/api/service-halls',
    {
      preValidation: staffGuard(context, 'customer.read'),
      schema: {
        tags: ['tenancy'],
        summary: 'Service halls and government-centre windows',
        security: [{ staffSession: [] }],
        response: { 200: z.object({ halls: z.array(serviceHallSchema) }), ...errors },
      },
    },
    async (request) => ({ halls: await listServiceHalls(context, staffOf(request).tenantId) }),
  );

  app.get(
    '/api/staff',
    {
      preValidation: staffGuard(context, 'staff.read'),
      schema: {
        tags: ['tenancy'],
        summary: 'Staff members and their roles',
        security: [{ staffSession: [] }],
        response: { 200: z.object({ staff: z.array(staffMemberSchema) }), ...errors },
      },
    },
    async (request) => ({ staff: await listStaff(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/staff',
    {
      preValidation: staffGuard(context, 'staff.manage'),
      schema: {
        tags: ['tenancy'],
        summary: 'Add a staff member with roles',
        security: [{ staffSession: [], csrfToken: [] }],
        body: newStaffSchema,
        response: { 201: staffMemberSchema, ...errors },
      },
    },
    async (request, reply) => {
      const member = await createStaff(context, staffOf(request).tenantId, request.body, staffActor(request));
      return reply.code(201).send(member);
    },
  );

  app.get(
    '/api/settings',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags: ['tenancy'],
        summary: "The utility's own rules (defaults filled in)",
        security: [{ staffSession: [] }],
        response: { 200: tenantSettingsSchema, ...errors },
      },
    },
    async (request) => getTenantSettings(context, staffOf(request).tenantId),
  );

  app.patch(
    '/api/settings',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags: ['tenancy'],
        summary: "Change some of the utility's rules (optimistic locking by version; audited)",
        security: [{ staffSession: [], csrfToken: [] }],
        body: tenantSettingsPatchSchema,
        response: { 200: tenantSettingsSchema, ...errors },
      },
    },
    async (request) => updateTenantSettings(context, staffOf(request).tenantId, request.body, staffActor(request)),
  );
}
