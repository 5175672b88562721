import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { meterPatchSchema, meterSchema, newMeterSchema } from './schemas';
import { createMeter, getMeter, updateMeter } from './service';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };

export function registerMeterRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/meters/:id',
    {
      preValidation: staffGuard(context, 'customer.read'),
      schema: { tags: ['meters'], summary: 'One meter asset', security: [{ staffSession: [] }], params: uuidParamsSchema, response: { 200: meterSchema, ...errors } },
    },
    async (request) => getMeter(context, staffOf(request).tenantId, request.params.id),
  );

  app.post(
    '/api/meters',
    {
      preValidation: staffGuard(context, 'meter.write'),
      schema: { tags: ['meters'], summary: 'Register a meter asset', security: [{ staffSession: [], csrfToken: [] }], body: newMeterSchema, response: { 201: meterSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createMeter(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.patch(
    '/api/meters/:id',
    {
      preValidation: staffGuard(context, 'meter.write'),
      schema: {
        tags: ['meters'],
        summary: 'Change a meter asset (optimistic: send the version you read)',
        security: [{ staffSession: [], csrfToken: [] }],
        params: uuidParamsSchema,
        body: meterPatchSchema,
        response: { 200: meterSchema, ...errors },
      },
    },
    async (request) => updateMeter(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );
}
