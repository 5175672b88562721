/** Schemas of online business applications (网上办 · 掌上办): types and their stages, applications, progress. */
import { z } from 'zod';
import { FILE_TYPES, fileUploadSchema } from '../../platform/files';
import { mobilePhoneSchema } from '../../platform/validation';

export const APPLICATION_STATUSES = ['in_progress', 'returned', 'completed', 'rejected'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
export const DEPARTMENTS = ['customer_service', 'connection', 'design', 'engineering', 'quality', 'meter', 'reading', 'finance'] as const;
export type Department = (typeof DEPARTMENTS)[number];
export const DEPARTMENT_NAMES: Record<Department, { zh: string; en: string }> = {
  customer_service: { zh: '客户服务中心', en: 'Customer service centre' },
  connection: { zh: '报装业务部', en: 'Connections office' },
  design: { zh: '设计室', en: 'Design office' },
  engineering: { zh: '工程施工部', en: 'Construction department' },
  quality: { zh: '质量验收部', en: 'Inspection department' },
  meter: { zh: '水表所', en: 'Meter shop' },
  reading: { zh: '抄表所', en: 'Meter reading office' },
  finance: { zh: '财务部', en: 'Finance department' },
};

export const bilingualSchema = z.object({ zh: z.string(), en: z.string() });

/** What a stage must produce: one field of a kind, validated when the stage is done (outputs.ts). */
export const OUTPUT_KINDS = ['text', 'date', 'fen', 'litres', 'integer', 'choice', 'lines', 'attachments', 'uuid'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];
export const outputSpecSchema = z
  .object({
    key: z.string().regex(/^[a-z][A-Za-z0-9]{0,39}$/),
    kind: z.enum(OUTPUT_KINDS),
    zh: z.string().min(1).max(40),
    en: z.string().min(1).max(60),
    required: z.boolean(),
    /** choice: the values allowed. */
    options: z.array(z.object({ value: z.string(), zh: z.string(), en: z.string() })).optional(),
    /** integer: bounds; attachments: the fewest files. */
    min: z.int().optional(),
    max: z.int().optional(),
  })
  .meta({ id: 'ApplicationOutputSpec' });
export type OutputSpec = z.infer<typeof outputSpecSchema>;

export const stageSchema = z
  .object({
    position: z.int(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    role: z.string(),
    roleName: bilingualSchema,
    timeLimitDays: z.int().meta({ description: 'Time limit in working days (the utility calendar: weekends, public holidays and adjusted working days)' }),
    outputs: z.array(outputSpecSchema),
    isSkippable: z.boolean().meta({ description: 'The process allows the utility to leave this stage out' }),
    isEnabled: z.boolean().meta({ description: 'Worked (false: left out by the utility; applications pass over it)' }),
  })
  .meta({ id: 'ApplicationStage' });
export type Stage = z.infer<typeof stageSchema>;

export const materialSchema = z
  .object({ code: z.string(), name: z.string(), nameEn: z.string(), isRequired: z.boolean(), acceptedKinds: z.array(z.enum(FILE_TYPES)).meta({ description: 'The kinds of file accepted for it (checked by content on upload)' }) })
  .meta({ id: 'ApplicationMaterial' });
export type Material = z.infer<typeof materialSchema>;

export const sodRuleSchema = z
  .object({
    kind: z.enum(['different_people', 'different_departments']),
    stageCodes: z.array(z.string()),
    description: bilingualSchema,
  })
  .meta({ id: 'SegregationRule' });
export type SodRule = z.infer<typeof sodRuleSchema>;

export const applicationTypeSchema = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    description: z.string(),
    descriptionEn: z.string(),
    acceptanceFeeFen: z.int().meta({ description: 'Always 0: no acceptance fee (免受理费)' }),
    totalDays: z.int().meta({ description: 'The sum of the stages’ time limits, working days' }),
    stages: z.array(stageSchema),
    materials: z.array(materialSchema),
    rules: z.array(sodRuleSchema),
  })
  .meta({ id: 'ApplicationType' });
export type ApplicationType = z.infer<typeof applicationTypeSchema>;

export const publicProcessesSchema = z
  .object({
    utility: z.object({ code: z.string(), name: z.string(), hotline: z.string().nullable() }),
    processes: z.array(applicationTypeSchema.omit({ id: true })),
  })
  .meta({ id: 'PublicProcesses' });

// ---- applying ----
const applicantFields = {
  typeCode: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/).meta({ description: 'new_connection, holder_change, category_change, calibration, removal' }),
  accountId: z.uuid().optional().meta({ description: 'The account it is about (every type but a new connection)' }),
  district: z.string().trim().min(1).max(30).optional().meta({ description: 'A new connection: the district of the address' }),
  street: z.string().trim().min(1).max(50).optional(),
  address: z.string().trim().min(2).max(150).optional().meta({ description: 'A new connection: the address to connect (door number, building)' }),
  details: z
    .strictObject({
      category: z.enum(['residential', 'non_residential', 'special']).optional().meta({ description: 'The account class wanted (new connection, category change)' }),
      householdSize: z.int().min(1).max(20).optional(),
      newHolderName: z.string().trim().min(1).max(100).optional().meta({ description: 'Holder change: the new holder' }),
      note: z.string().trim().max(500).optional(),
    })
    .optional(),
};

export const portalNewApplicationSchema = z
  .strictObject({ ...applicantFields, applicantName: z.string().trim().min(1).max(100) })
  .meta({ id: 'PortalNewApplication' });
export type PortalNewApplication = z.infer<typeof portalNewApplicationSchema>;

export const counterNewApplicationSchema = z
  .strictObject({
    ...applicantFields,
    customerId: z.uuid().optional().meta({ description: 'A known customer; else the walk-in applicant’s name and phone' }),
    applicantName: z.string().trim().min(1).max(100).optional(),
    applicantPhone: mobilePhoneSchema.optional(),
  })
  .meta({ id: 'CounterNewApplication' });
export type CounterNewApplication = z.infer<typeof counterNewApplicationSchema>;

export const documentUploadSchema = z
  .strictObject({
    material: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/).optional().meta({ description: 'A material of the type (the customer’s document; application.create)' }),
    stage: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/).optional().meta({ description: 'The current stage, for its attachments (a survey’s photos, a design; application.work and the stage’s role)' }),
    file: fileUploadSchema,
  })
  .meta({ id: 'ApplicationDocumentUpload' });
export type DocumentUpload = z.infer<typeof documentUploadSchema>;
export const portalDocumentUploadSchema = z.strictObject({ material: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/), file: fileUploadSchema }).meta({ id: 'PortalApplicationDocumentUpload' });

export const documentSchema = z
  .object({
    id: z.uuid(),
    purpose: z.string().meta({ description: 'material_<code> or stage_<code>' }),
    material: z.string().nullable(),
    stage: z.string().nullable(),
    contentType: z.enum(FILE_TYPES).meta({ description: 'A photo (JPEG, PNG, WebP, HEIC) or a PDF document, as found in its content' }),
    bytes: z.int(),
    fileName: z.string().nullable(),
    uploadedBy: z.string(),
    uploadedAt: z.iso.datetime(),
  })
  .meta({ id: 'ApplicationDocument' });
export type ApplicationDocument = z.infer<typeof documentSchema>;

// ---- working ----
const versioned = { version: z.int().positive() };
export const claimSchema = z.strictObject(versioned).meta({ id: 'ApplicationClaim' });
export const advanceSchema = z
  .strictObject({
    ...versioned,
    stage: z.string().meta({ description: 'The code of the current stage (so a stale screen cannot do the next one)' }),
    outputs: z.record(z.string(), z.unknown()).meta({ description: 'What the stage produces, by its output specs' }),
    note: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'ApplicationAdvance' });
export type Advance = z.infer<typeof advanceSchema>;
export const reasonSchema = z.strictObject({ ...versioned, reason: z.string().trim().min(2).max(500) }).meta({ id: 'ApplicationReason' });
export type Reason = z.infer<typeof reasonSchema>;
export const resubmitSchema = z.strictObject({ ...versioned, note: z.string().trim().max(500).optional() }).meta({ id: 'ApplicationResubmit' });
export type Resubmit = z.infer<typeof resubmitSchema>;

export const listQuerySchema = z.strictObject({
  typeCode: z.string().max(40).optional(),
  stageCode: z.string().max(40).optional(),
  status: z.enum(APPLICATION_STATUSES).optional(),
  overdue: z.enum(['true', 'false']).optional().meta({ description: 'Only those whose current stage is past its deadline' }),
  heldByMe: z.enum(['true', 'false']).optional(),
  workable: z.enum(['true', 'false']).optional().meta({ description: 'Only those in progress at a stage of one of my roles (my work queue)' }),
  q: z.string().trim().min(1).max(40).optional().meta({ description: 'An application number (or its start), or part of the applicant’s name or phone' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const departmentPatchSchema = z.strictObject({ department: z.enum(DEPARTMENTS).nullable() }).meta({ id: 'StaffDepartmentPatch' });

// ---- answers ----
const holderSchema = z.object({ staffId: z.uuid(), name: z.string() }).nullable();
/** Who did a step of an application: a staff member, the applicant on the portal, or the system. */
export const EVENT_ACTOR_KINDS = ['staff', 'applicant', 'system'] as const;
export type EventActorKind = (typeof EVENT_ACTOR_KINDS)[number];

export const stageProgressSchema = stageSchema.extend({
  state: z.enum(['done', 'current', 'pending']),
  startedAt: z.iso.datetime().nullable(),
  dueAt: z.iso.datetime().nullable(),
  doneAt: z.iso.datetime().nullable(),
  doneBy: z.string().nullable().meta({ description: 'Who did it as recorded (staff: "name (login)"); to the customer, the stage’s post (its role) instead' }),
  doneByName: z.string().nullable().meta({ description: 'The display name of the staff member who did it, as it stood then; to the customer, the stage’s post (its role) instead' }),
  isOverdue: z.boolean().meta({ description: 'Done after its deadline, or current and past it' }),
});

export const applicationSummarySchema = z
  .object({
    id: z.uuid(),
    applicationNo: z.string(),
    type: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }),
    channel: z.enum(['portal', 'counter']),
    status: z.enum(APPLICATION_STATUSES),
    applicantName: z.string(),
    applicantPhoneMasked: z.string(),
    address: z.string(),
    currentStage: z.object({ code: z.string(), name: z.string(), nameEn: z.string(), roleName: bilingualSchema, dueAt: z.iso.datetime().nullable(), isOverdue: z.boolean(), holder: holderSchema }).nullable(),
    submittedAt: z.iso.datetime(),
    dueAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    version: z.int(),
  })
  .meta({ id: 'ApplicationSummary' });
export type ApplicationSummary = z.infer<typeof applicationSummarySchema>;

export const applicationDetailSchema = applicationSummarySchema
  .extend({
    customerId: z.uuid().nullable(),
    account: z.object({ id: z.uuid(), accountNo: z.string() }).nullable(),
    meter: z.object({ id: z.uuid(), serialNo: z.string() }).nullable(),
    district: z.string().nullable(),
    street: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    reason: z.string().nullable().meta({ description: 'Why it was returned or rejected' }),
    stages: z.array(stageProgressSchema),
    materials: z.array(materialSchema.extend({ documents: z.int() })),
    missing: z.object({
      materials: z.array(materialSchema),
      outputs: z.array(outputSpecSchema).meta({ description: 'What the current stage must still produce' }),
      description: z.array(bilingualSchema).meta({ description: 'What is missing, in words' }),
    }),
    documents: z.array(documentSchema),
    events: z.array(
      z.object({
        kind: z.string(),
        stageCode: z.string().nullable(),
        actor: z.string().meta({ description: 'Who did it as recorded, kept for compatibility (staff: "name (login)", the applicant: "portal:139****5678"); to the customer, the stage’s post (its role) unless the applicant did it. Read actorKind and actorName instead of parsing it' }),
        actorKind: z.enum(EVENT_ACTOR_KINDS).meta({
          description: 'Who did it: staff (a staff member, also for an application entered or resubmitted at the counter), applicant (the applicant on the portal) or system',
        }),
        actorName: z.string().meta({
          description: 'A name to show: a staff member’s display name as it stood at the event, the applicant’s masked mobile number (139****5678), or the system’s name. To the customer a staff member is never named: the stage’s post (its role) instead',
        }),
        at: z.iso.datetime(),
        note: z.string().nullable(),
        outputs: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
    nextActions: z.array(z.enum(['claim', 'advance', 'return', 'reject', 'resubmit'])).meta({ description: 'What the viewer may do now' }),
  })
  .meta({ id: 'ApplicationDetail' });
export type ApplicationDetail = z.infer<typeof applicationDetailSchema>;

export const stageStatsSchema = z
  .object({
    typeCode: z.string(),
    typeName: z.string(),
    typeNameEn: z.string(),
    stageCode: z.string(),
    stageName: z.string(),
    stageNameEn: z.string(),
    open: z.int().meta({ description: 'Applications now at this stage' }),
    overdue: z.int().meta({ description: 'Of those, past the stage’s deadline' }),
    done: z.int(),
    averageDaysHundredths: z.int().nullable().meta({ description: 'Average calendar days the stage took (×100), over those done' }),
  })
  .meta({ id: 'ApplicationStageStats' });

export const typeStatsSchema = z
  .object({
    typeCode: z.string(),
    typeName: z.string(),
    typeNameEn: z.string(),
    inProgress: z.int(),
    returned: z.int().meta({ description: 'Back with the applicant for correction (the clock stopped)' }),
    overdue: z.int().meta({ description: 'In progress and past the current stage’s deadline' }),
    completed: z.int(),
    rejected: z.int(),
    completedLate: z.int().meta({ description: 'Completed after the whole application’s deadline' }),
    averageDaysHundredths: z.int().nullable().meta({ description: 'Average calendar days from submission to completion (×100)' }),
  })
  .meta({ id: 'ApplicationTypeStats' });

export const routeChoiceSchema = z.object({ id: z.uuid(), code: z.string(), name: z.string() }).meta({ id: 'ApplicationRouteChoice' });
