import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { newStaffSchema, serviceHallSchema, staffMemberSchema, tenantSummarySchema } from './schemas';
import { createStaff, listServiceHalls, listStaff, listTenants } from './service';

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
}
