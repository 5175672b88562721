import { z } from 'zod';
import { serviceMaterialUseSchema, servicePhotoSchema } from './mediaSchemas';
import { REQUEST_KINDS, REQUEST_STATES } from './states';

export const requestKindSchema = z.enum(REQUEST_KINDS);
export const requestStateSchema = z.enum(REQUEST_STATES);
export const requestChannelSchema = z.enum(['portal', 'hotline', 'counter', 'wechat', 'city_12345', 'open311']);
export const timeLimitSchema = z.enum(['accept', 'respond', 'close', 'dispatch', 'arrive', 'control', 'restore']);
export const serviceDepartmentSchema = z.enum(['customer_service', 'network', 'meter', 'water_quality']);
export const stepSchema = z.enum(['accept', 'respond', 'dispatch', 'reassign', 'depart', 'arrive', 'control', 'restore', 'close', 'cancel', 'reopen']);

export const serviceCategorySchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    kind: requestKindSchema,
    timeBasis: z.enum(['clock', 'working']),
    limits: z.record(z.string(), z.int()).meta({ description: 'Minutes per time limit' }),
    alertLevel: z.int(),
    department: serviceDepartmentSchema.meta({ description: 'The department that handles the category (for the dashboard figures per department)' }),
    isActive: z.boolean(),
  })
  .meta({ id: 'ServiceCategory' });
export type ServiceCategory = z.infer<typeof serviceCategorySchema>;

export const newServiceRequestSchema = z
  .strictObject({
    categoryId: z.uuid(),
    channel: requestChannelSchema.exclude(['portal', 'open311']),
    accountId: z.uuid().optional(),
    premiseId: z.uuid().optional(),
    address: z.string().trim().min(2).max(200).optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
    description: z.string().trim().min(1).max(2000),
    contactName: z.string().trim().min(1).max(50).optional(),
    contactPhone: z.string().regex(/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, 'a mobile or landline number').optional(),
    // The service desk (desk.ts): duplicates, the call, standard answers, closure at first contact.
    confirmNotDuplicate: z.boolean().optional().meta({ description: 'The agent saw the likely duplicates and this is not one (otherwise 409 possible_duplicate)' }),
    callId: z.uuid().optional().meta({ description: 'The call (call log) the request was taken on' }),
    knowledgeArticleIds: z.array(z.uuid()).max(5).optional().meta({ description: 'Published knowledge-base answers given on this request' }),
    resolveAtFirstContact: z
      .strictObject({ answer: z.string().trim().min(2).max(2000) })
      .optional()
      .meta({ description: 'Answered on the call: accepted, responded and closed at once, marked first-contact resolution (desk kinds; needs service.handle)' }),
  })
  .meta({ id: 'NewServiceRequest' });
export type NewServiceRequest = z.infer<typeof newServiceRequestSchema>;

export const portalNewServiceRequestSchema = z
  .strictObject({
    categoryId: z.uuid(),
    accountId: z.uuid().optional(),
    address: z.string().trim().min(2).max(200).optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
    description: z.string().trim().min(1).max(2000),
    contactName: z.string().trim().min(1).max(50).optional(),
    confirmNotDuplicate: z.boolean().optional().meta({ description: 'The customer confirmed it is not the problem already reported at this address (otherwise 409 possible_duplicate)' }),
  })
  .meta({ id: 'PortalNewServiceRequest' });
export type PortalNewServiceRequest = z.infer<typeof portalNewServiceRequestSchema>;

export const deadlineSchema = z
  .object({ timeLimit: timeLimitSchema, dueAt: z.iso.datetime(), metAt: z.iso.datetime().nullable(), isOverdue: z.boolean(), escalationLevel: z.int() })
  .meta({ id: 'ServiceDeadline' });

export const serviceRequestSchema = z
  .object({
    id: z.uuid(),
    requestNo: z.string(),
    category: z.object({ id: z.uuid(), code: z.string(), name: z.string(), nameEn: z.string() }),
    kind: requestKindSchema,
    channel: requestChannelSchema,
    state: requestStateSchema,
    stateName: z.string().meta({ description: 'The state in Chinese' }),
    stateNameEn: z.string().meta({ description: 'The state in English' }),
    accountId: z.uuid().nullable(),
    customerId: z.uuid().nullable(),
    premiseId: z.uuid().nullable(),
    address: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    description: z.string(),
    contactName: z.string().nullable(),
    contactPhoneMasked: z.string().nullable(),
    hasContactPhone: z.boolean().meta({ description: "There is a number to call (the request's contact phone, else the customer's): the assigned crew member may reveal it" }),
    alertLevel: z.int(),
    assignee: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    createdAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    firstContactResolution: z.boolean().meta({ description: 'Answered and closed on the first call (一次解决)' }),
    deadlines: z.array(deadlineSchema),
    nextDeadline: deadlineSchema.nullable(),
    version: z.int(),
  })
  .meta({ id: 'ServiceRequest' });
export type ServiceRequest = z.infer<typeof serviceRequestSchema>;

export const serviceEventSchema = z
  .object({
    step: z.string(),
    fromState: z.string().nullable(),
    toState: z.string().nullable(),
    actor: z.string().meta({ description: 'Who took the step as recorded (staff: "name (username)"); to a customer only staff, customer or system' }),
    actorKind: z.enum(['staff', 'customer', 'system']),
    actorName: z.string().nullable().meta({ description: "A staff member's display name today (null for a customer, the system, or to a customer)" }),
    actorRoles: z.array(z.string()).meta({ description: "The staff member's roles (empty to a customer)" }),
    at: z.iso.datetime(),
    note: z.string().nullable(),
  })
  .meta({ id: 'ServiceEvent' });

export const serviceRequestDetailSchema = serviceRequestSchema
  .extend({ events: z.array(serviceEventSchema), nextSteps: z.array(stepSchema), photos: z.array(servicePhotoSchema), materials: z.array(serviceMaterialUseSchema) })
  .meta({ id: 'ServiceRequestDetail' });
export type ServiceRequestDetail = z.infer<typeof serviceRequestDetailSchema>;

export const stepRequestSchema = z
  .strictObject({
    // Reassignment has its own route (…/reassign): it needs a reason and names both crew members.
    step: stepSchema.exclude(['reassign']),
    version: z.int().min(1),
    note: z.string().trim().max(1000).optional(),
    assigneeStaffId: z.uuid().optional().meta({ description: 'With dispatch: the crew member who takes the request' }),
  })
  .meta({ id: 'ServiceStep' });
export type StepRequest = z.infer<typeof stepRequestSchema>;

export const reassignRequestSchema = z
  .strictObject({
    version: z.int().min(1).meta({ description: 'The version the dispatcher saw (409 stale_version otherwise)' }),
    assigneeStaffId: z.uuid().meta({ description: 'The active repair crew member who takes the job over' }),
    reason: z.string().trim().min(2).max(500).meta({ description: 'Why the job moves (crew unavailable, wrong crew, …); shown in the history and audited' }),
  })
  .meta({ id: 'ServiceReassign' });
export type ReassignRequest = z.infer<typeof reassignRequestSchema>;

export const requestListQuerySchema = z.strictObject({
  state: requestStateSchema.optional(),
  kind: requestKindSchema.optional(),
  open: z.enum(['true', 'false']).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  assignedToMe: z.enum(['true', 'false']).optional(),
  customerId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
