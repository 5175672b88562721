/** Routes of a request's photos and materials (registered by routes.ts). */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { EXTENSIONS, UPLOAD_BODY_LIMIT, type ImageType } from '../../platform/files';
import { errorResponseSchema } from '../../platform/http/errors';
import { portalActor, portalGuard, portalUserOf, staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { uuidParamsSchema } from '../../platform/validation';
import { addPhoto, readPhoto } from './attachments';
import { addMaterialUse, listMaterials, removeMaterialUse } from './materials';
import {
  materialUseParamsSchema,
  newMaterialUseSchema,
  photoParamsSchema,
  portalServicePhotoUploadSchema,
  serviceMaterialSchema,
  serviceMaterialUseSchema,
  servicePhotoSchema,
  servicePhotoUploadSchema,
} from './mediaSchemas';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };
const staffRead = [{ staffSession: [] }];
const staffWrite = [{ staffSession: [], csrfToken: [] }];
const portalRead = [{ portalSession: [] }];
const portalWrite = [{ portalSession: [], csrfToken: [] }];

const imageResponse = {
  description: 'The photo as it was uploaded (JPEG, PNG, WebP or HEIC)',
  content: Object.fromEntries((['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const).map((type) => [type, { schema: z.string().meta({ format: 'binary' }) }])),
};

/** Sends a stored photo: its checked type, private caching (a photo never changes), and no way to run as a page. */
function sendPhoto(reply: FastifyReply, photo: { bytes: Buffer; contentType: ImageType; id: string }): FastifyReply {
  return reply
    .type(photo.contentType)
    .header('cache-control', 'private, max-age=86400, immutable')
    .header('content-disposition', `inline; filename="${photo.id}.${EXTENSIONS[photo.contentType]}"`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(photo.bytes);
}

export function registerServiceMediaRoutes(app: App, context: PlatformContext): void {
  app.post(
    '/api/service-requests/:id/photos',
    {
      preValidation: staffGuard(context, 'service.read'),
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags: ['service'],
        summary: 'Add a photo to a request: for the report (service.handle) or for a site step the assigned crew member took (arrive, control, restore; service.field); checked by content, at most 5 MB and 6 per step',
        security: staffWrite,
        params: uuidParamsSchema,
        body: servicePhotoUploadSchema,
        response: { 201: z.object({ photo: servicePhotoSchema }), ...errors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const photo = await addPhoto(context, staff.tenantId, { kind: 'staff', staffId: staff.staffId, permissions: staff.permissions }, request.params.id, request.body, staffActor(request));
      return reply.code(201).send({ photo });
    },
  );

  app.get(
    '/api/service-requests/:id/photos/:photoId',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'One photo of a request, as the image itself', security: staffRead, params: photoParamsSchema, response: { 200: imageResponse, ...errors } },
    },
    async (request, reply) => sendPhoto(reply, await readPhoto(context, staffOf(request).tenantId, { kind: 'staff' }, request.params.id, request.params.photoId)),
  );

  app.get(
    '/api/service-materials',
    {
      preValidation: staffGuard(context, 'service.read'),
      schema: { tags: ['service'], summary: 'The materials catalogue (材料), each counted in whole base units', security: staffRead, response: { 200: z.object({ materials: z.array(serviceMaterialSchema) }), ...errors } },
    },
    async (request) => ({ materials: await listMaterials(context, staffOf(request).tenantId) }),
  );

  app.post(
    '/api/service-requests/:id/materials',
    {
      preValidation: staffGuard(context, 'service.field'),
      schema: {
        tags: ['service'],
        summary: 'Record a material used on a repair (the assigned crew member, on site); answers the request’s materials',
        security: staffWrite,
        params: uuidParamsSchema,
        body: newMaterialUseSchema,
        response: { 201: z.object({ materials: z.array(serviceMaterialUseSchema) }), ...errors },
      },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const materials = await addMaterialUse(context, staff.tenantId, staff.staffId, request.params.id, request.body, staffActor(request));
      return reply.code(201).send({ materials });
    },
  );

  app.delete(
    '/api/service-requests/:id/materials/:useId',
    {
      preValidation: staffGuard(context, 'service.field'),
      schema: {
        tags: ['service'],
        summary: 'Remove a material line recorded by mistake (the assigned crew member, before closing); answers the request’s materials',
        security: staffWrite,
        params: materialUseParamsSchema,
        response: { 200: z.object({ materials: z.array(serviceMaterialUseSchema) }), ...errors },
      },
    },
    async (request) => {
      const staff = staffOf(request);
      return { materials: await removeMaterialUse(context, staff.tenantId, staff.staffId, request.params.id, request.params.useId, staffActor(request)) };
    },
  );

  // ---- portal: photos of the customer's own requests ----
  app.post(
    '/api/portal/service-requests/:id/photos',
    {
      preValidation: portalGuard(context),
      bodyLimit: UPLOAD_BODY_LIMIT,
      schema: {
        tags: ['portal'],
        summary: 'Add a photo to one of the customer’s open requests (camera or album; checked by content, at most 5 MB and 6 per request)',
        security: portalWrite,
        params: uuidParamsSchema,
        body: portalServicePhotoUploadSchema,
        response: { 201: z.object({ photo: servicePhotoSchema }), ...errors },
      },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      const photo = await addPhoto(context, user.tenantId, { kind: 'portal', portalUserId: user.portalUserId }, request.params.id, { step: 'submit', photo: request.body.photo }, portalActor(request));
      return reply.code(201).send({ photo });
    },
  );

  app.get(
    '/api/portal/service-requests/:id/photos/:photoId',
    {
      preValidation: portalGuard(context),
      schema: { tags: ['portal'], summary: 'One photo of one of the customer’s requests, as the image itself', security: portalRead, params: photoParamsSchema, response: { 200: imageResponse, ...errors } },
    },
    async (request, reply) => {
      const user = portalUserOf(request);
      return sendPhoto(reply, await readPhoto(context, user.tenantId, { kind: 'portal', portalUserId: user.portalUserId }, request.params.id, request.params.photoId));
    },
  );
}
