/** Shapes of the service desk's settings (categories and their time limits, the materials catalogue), the dispatcher's board and the crew's phone reveal. */
import { z } from 'zod';
import { requestKindSchema, serviceDepartmentSchema, serviceRequestSchema } from './schemas';

const code = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'lower-case letters, digits and _, starting with a letter (2–32)');
/** Minutes; at most 30 days. */
const minutes = z.int().min(1).max(43_200);

export const newServiceCategorySchema = z
  .strictObject({
    code,
    name: z.string().trim().min(1).max(30),
    nameEn: z.string().trim().min(1).max(60),
    kind: requestKindSchema,
    timeBasis: z.enum(['clock', 'working']),
    limits: z.record(z.string(), minutes).meta({ description: 'Minutes from the report: accept, respond, close (desk kinds) or accept, dispatch, arrive, control, restore (repair), each at least the one before' }),
    alertLevel: z.int().min(1).max(5),
    department: serviceDepartmentSchema,
  })
  .meta({ id: 'NewServiceCategory' });
export type NewServiceCategory = z.infer<typeof newServiceCategorySchema>;

export const serviceCategoryPatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(30).optional(),
    nameEn: z.string().trim().min(1).max(60).optional(),
    timeBasis: z.enum(['clock', 'working']).optional(),
    limits: z.record(z.string(), minutes).optional(),
    alertLevel: z.int().min(1).max(5).optional(),
    department: serviceDepartmentSchema.optional(),
    isActive: z.boolean().optional().meta({ description: 'false retires the category: no new requests are made in it; those made keep it' }),
  })
  .meta({ id: 'ServiceCategoryPatch', description: 'The kind and code of a category never change: its requests and outside links depend on them' });
export type ServiceCategoryPatch = z.infer<typeof serviceCategoryPatchSchema>;

const shortText = z.string().trim().min(1).max(10);
export const newServiceMaterialSchema = z
  .strictObject({
    code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'lower-case letters, digits and _, starting with a letter (2–40)'),
    name: z.string().trim().min(1).max(60),
    nameEn: z.string().trim().min(1).max(60),
    unit: shortText,
    unitEn: shortText,
    baseUnit: shortText,
    baseUnitEn: shortText,
    scale: z.union([z.literal(1), z.literal(10), z.literal(100), z.literal(1000)]).meta({ description: 'Base units per unit shown' }),
  })
  .meta({ id: 'NewServiceMaterial' });
export type NewServiceMaterial = z.infer<typeof newServiceMaterialSchema>;

export const serviceMaterialPatchSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(60).optional(),
    nameEn: z.string().trim().min(1).max(60).optional(),
    unit: shortText.optional(),
    unitEn: shortText.optional(),
    isActive: z.boolean().optional().meta({ description: 'false retires the material: crews no longer record it; lines recorded keep it' }),
  })
  .meta({ id: 'ServiceMaterialPatch', description: 'The base unit and scale never change: recorded quantities are counted in them' });
export type ServiceMaterialPatch = z.infer<typeof serviceMaterialPatchSchema>;

export const boardQuerySchema = z.strictObject({
  track: z.enum(['field', 'desk', 'all']).default('field').meta({ description: 'Repairs (field, the default), desk work, or both' }),
  minAlertLevel: z.coerce.number().int().min(1).max(5).optional(),
});

export const boardAreaSchema = z
  .object({
    area: z.string().nullable().meta({ description: 'The district (of the premise, else of the address); null when unknown' }),
    open: z.int(),
    overdue: z.int(),
    requests: z.array(serviceRequestSchema).meta({ description: 'Most urgent first: overdue, then alert level, then the next deadline' }),
  })
  .meta({ id: 'ServiceBoardArea' });
export const serviceBoardSchema = z
  .object({
    generatedAt: z.iso.datetime(),
    areas: z.array(boardAreaSchema).meta({ description: 'Areas with the most overdue work first' }),
    crews: z.array(z.object({ id: z.uuid(), name: z.string(), openRequests: z.int() })),
  })
  .meta({ id: 'ServiceBoard' });
export type ServiceBoard = z.infer<typeof serviceBoardSchema>;
