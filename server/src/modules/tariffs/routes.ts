import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { setAccountWaterCategory } from './accounts';
import { createWaterCategory, listWaterCategories, updateWaterCategory } from './categories';
import {
  accountWaterCategoryPatchSchema,
  accountWaterCategorySchema,
  newTariffVersionSchema,
  newWaterCategorySchema,
  previewRequestSchema,
  tariffHistorySchema,
  tariffPreviewSchema,
  tariffVersionSchema,
  waterCategoryPatchSchema,
  waterCategorySchema,
  withdrawalSchema,
} from './schemas';
import { createTariffVersion, getTariffHistory, getTariffVersion, previewCharges, withdrawTariffVersion } from './versions';

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  429: errorResponseSchema,
};
const read = [{ staffSession: [] }];
const write = [{ staffSession: [], csrfToken: [] }];
const tags = ['tariffs'];

export function registerTariffRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/water-categories',
    {
      preValidation: staffGuard(context, 'tariff.read'),
      schema: { tags, summary: 'Water-use categories (用水性质) with the tariff version in force', security: read, response: { 200: z.object({ categories: z.array(waterCategorySchema) }), ...errors } },
    },
    async (request) => ({ categories: await listWaterCategories(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/water-categories',
    {
      preValidation: staffGuard(context, 'tariff.write'),
      schema: { tags, summary: 'Create a water-use category (as the default of its class, optionally)', security: write, body: newWaterCategorySchema, response: { 201: waterCategorySchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(await createWaterCategory(context, staffOf(request).tenantId, request.body, staffActor(request))),
  );

  app.patch(
    '/api/water-categories/:id',
    {
      preValidation: staffGuard(context, 'tariff.write'),
      schema: {
        tags,
        summary: 'Rename a category, make it the default of its class, or stop using it (code and class stay)',
        security: write,
        params: uuidParamsSchema,
        body: waterCategoryPatchSchema,
        response: { 200: waterCategorySchema, ...errors },
      },
    },
    async (request) => updateWaterCategory(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );

  app.get(
    '/api/water-categories/:id/tariff-versions',
    {
      preValidation: staffGuard(context, 'tariff.read'),
      schema: { tags, summary: 'A category and every tariff version it has had, newest first (withdrawn ones too)', security: read, params: uuidParamsSchema, response: { 200: tariffHistorySchema, ...errors } },
    },
    async (request) => getTariffHistory(context, staffOf(request).tenantId, request.params.id),
  );

  app.post(
    '/api/water-categories/:id/tariff-versions',
    {
      preValidation: staffGuard(context, 'tariff.write'),
      schema: {
        tags,
        summary: 'Add a tariff version: it starts after the current one, which it closes (versions never change once created)',
        security: write,
        params: uuidParamsSchema,
        body: newTariffVersionSchema,
        response: { 201: tariffVersionSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(await createTariffVersion(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request))),
  );

  app.get(
    '/api/tariff-versions/:id',
    {
      preValidation: staffGuard(context, 'tariff.read'),
      schema: { tags, summary: 'One tariff version, e.g. the one a bill line names', security: read, params: uuidParamsSchema, response: { 200: tariffVersionSchema, ...errors } },
    },
    async (request) => getTariffVersion(context, staffOf(request).tenantId, request.params.id),
  );

  app.post(
    '/api/tariff-versions/:id/withdraw',
    {
      preValidation: staffGuard(context, 'tariff.write'),
      schema: {
        tags,
        summary: 'Withdraw the latest version before its first day (kept on record; the version before it runs on)',
        security: write,
        params: uuidParamsSchema,
        body: withdrawalSchema,
        response: { 200: tariffVersionSchema, ...errors },
      },
    },
    async (request) => withdrawTariffVersion(context, staffOf(request).tenantId, request.params.id, request.body.reason, staffActor(request)),
  );

  app.post(
    '/api/tariffs/preview',
    {
      preValidation: staffGuard(context, 'tariff.read'),
      schema: {
        tags,
        summary: 'What a use would cost under a category’s tariffs: the bill lines and total (changes nothing)',
        security: write,
        body: previewRequestSchema,
        response: { 200: tariffPreviewSchema, ...errors },
      },
    },
    async (request) => previewCharges(context, staffOf(request).tenantId, request.body),
  );

  app.patch(
    '/api/accounts/:id/water-category',
    {
      preValidation: staffGuard(context, 'account.write'),
      schema: {
        tags,
        summary: 'Set the water-use category of an account (null: the default of its class); audited',
        security: write,
        params: uuidParamsSchema,
        body: accountWaterCategoryPatchSchema,
        response: { 200: accountWaterCategorySchema, ...errors },
      },
    },
    async (request) => setAccountWaterCategory(context, staffOf(request).tenantId, request.params.id, request.body, staffActor(request)),
  );
}
