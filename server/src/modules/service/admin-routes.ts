/** Routes of the service desk's settings (categories, materials), the dispatcher's board and the crew's phone reveal (registered by routes.ts). */
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { createCategory, createMaterial, updateCategory, updateMaterial } from './admin';
import { boardQuerySchema, newServiceCategorySchema, newServiceMaterialSchema, serviceBoardSchema, serviceCategoryPatchSchema, serviceMaterialPatchSchema } from './admin-schemas';
import { revealRequestPhone, serviceBoard } from './board';
import { listMaterials } from './materials';
import { serviceMaterialSchema } from './mediaSchemas';
import { listCategories } from './requests';
import { serviceCategorySchema } from './schemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];

export function registerServiceAdminRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/service-board',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: {
        tags: ['service'],
        summary: "The dispatcher's board: open requests by area (district), most urgent first (overdue, alert level, next deadline), and the crews to give them to",
        security: staffRead,
        querystring: boardQuerySchema,
        response: { 200: serviceBoardSchema, ...errors },
      },
    },
    async (request) => serviceBoard(context, staffOf(request).tenantId, request.query),
  );

  app.post(
    '/api/service-requests/:id/reveal-phone',
    {
      preValidation: staffGuard(context, 'service.field'),
      schema: {
        tags: ['service'],
        summary: "The resident's full number, for the crew member the open request is assigned to (audited)",
        security: staffWrite,
        params: uuidParamsSchema,
        response: { 200: z.object({ number: z.string() }), ...errors },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      return revealRequestPhone(context, staff.tenantId, staff.staffId, request.params.id, staffActor(request));
    },
  );

  // ---- settings (settings.manage): categories with their time limits, the materials catalogue ----
  app.get(
    '/api/service-settings/categories',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['service'], summary: 'Every request category, retired ones too, with its time limits, basis, alert level and department', security: staffRead, response: { 200: z.object({ categories: z.array(serviceCategorySchema) }), ...errors } },
    },
    async (request) => ({ categories: await listCategories(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/service-settings/categories',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['service'], summary: 'Add a request category with its time limits (audited)', security: staffWrite, body: newServiceCategorySchema, response: { 201: serviceCategorySchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createCategory(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.patch(
    '/api/service-settings/categories/:id',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags: ['service'],
        summary: 'Change a category: names, time limits and basis, alert level, department; retire or restore it (audited). Requests made keep their deadlines.',
        security: staffWrite,
        params: uuidParamsSchema,
        body: serviceCategoryPatchSchema,
        response: { 200: serviceCategorySchema, ...errors },
      },
    },
    async (request) => updateCategory(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.get(
    '/api/service-settings/materials',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['service'], summary: 'The materials catalogue, retired materials too', security: staffRead, response: { 200: z.object({ materials: z.array(serviceMaterialSchema) }), ...errors } },
    },
    async (request) => ({ materials: await listMaterials(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/service-settings/materials',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: { tags: ['service'], summary: 'Add a material to the catalogue (audited)', security: staffWrite, body: newServiceMaterialSchema, response: { 201: serviceMaterialSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createMaterial(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.patch(
    '/api/service-settings/materials/:id',
    {
      preValidation: staffGuard(context, 'settings.manage'),
      schema: {
        tags: ['service'],
        summary: 'Change a material’s names and unit shown; retire or restore it (audited). The base unit and scale stay.',
        security: staffWrite,
        params: uuidParamsSchema,
        body: serviceMaterialPatchSchema,
        response: { 200: serviceMaterialSchema, ...errors },
      },
    },
    async (request) => updateMaterial(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );
}
