/** Schemas of a request's photos (照片) and the materials used on it (材料). */
import { z } from 'zod';
import { fileUploadSchema, IMAGE_TYPES } from '../../platform/files';

/** The steps a photo documents: the report itself, and the crew's arrival, control of the leak and restored supply. */
export const PHOTO_STEPS = ['submit', 'arrive', 'control', 'restore'] as const;
export type PhotoStep = (typeof PHOTO_STEPS)[number];
/** At most this many photos per request and step. */
export const MAX_PHOTOS_PER_STEP = 6;

export const servicePhotoSchema = z
  .object({
    id: z.uuid(),
    step: z.enum(PHOTO_STEPS),
    contentType: z.enum(IMAGE_TYPES),
    bytes: z.int(),
    width: z.int().nullable(),
    height: z.int().nullable(),
    uploadedBy: z.string(),
    uploadedByKind: z.enum(['staff', 'customer', 'system']),
    uploadedAt: z.iso.datetime(),
  })
  .meta({ id: 'ServicePhoto' });
export type ServicePhoto = z.infer<typeof servicePhotoSchema>;

export const servicePhotoUploadSchema = z
  .strictObject({
    step: z.enum(PHOTO_STEPS).meta({ description: 'submit (the report; service.handle), or arrive/control/restore (the assigned crew member, service.field, once the step is taken)' }),
    photo: fileUploadSchema,
  })
  .meta({ id: 'ServicePhotoUpload' });
export type ServicePhotoUpload = z.infer<typeof servicePhotoUploadSchema>;

export const portalServicePhotoUploadSchema = z.strictObject({ photo: fileUploadSchema }).meta({ id: 'PortalServicePhotoUpload' });

export const photoParamsSchema = z.strictObject({ id: z.uuid(), photoId: z.uuid() });

export const serviceMaterialSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    unit: z.string().meta({ description: 'The unit shown, e.g. 米' }),
    unitEn: z.string(),
    baseUnit: z.string().meta({ description: 'The unit quantities are counted in, e.g. 厘米' }),
    baseUnitEn: z.string(),
    scale: z.int().meta({ description: 'Base units per unit shown (1, 10, 100 or 1000)' }),
    isActive: z.boolean(),
  })
  .meta({ id: 'ServiceMaterial' });
export type ServiceMaterial = z.infer<typeof serviceMaterialSchema>;

export const serviceMaterialUseSchema = z
  .object({
    id: z.uuid(),
    material: serviceMaterialSchema,
    quantity: z.int().meta({ description: 'In the material’s base unit (whole centimetres, pieces, …)' }),
    note: z.string().nullable(),
    recordedBy: z.string(),
    recordedAt: z.iso.datetime(),
  })
  .meta({ id: 'ServiceMaterialUse' });
export type ServiceMaterialUse = z.infer<typeof serviceMaterialUseSchema>;

export const newMaterialUseSchema = z
  .strictObject({
    materialId: z.uuid(),
    quantity: z.int().min(1).max(100_000_000).meta({ description: 'Whole base units (e.g. 250 for 2.5 m of pipe counted in centimetres); never a fraction' }),
    note: z.string().trim().max(200).optional(),
  })
  .meta({ id: 'NewServiceMaterialUse' });
export type NewMaterialUse = z.infer<typeof newMaterialUseSchema>;

export const materialUseParamsSchema = z.strictObject({ id: z.uuid(), useId: z.uuid() });
