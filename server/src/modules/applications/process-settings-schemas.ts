/** Schemas of the process settings (业务流程设置): what the administrator may change of each application type. */
import { z } from 'zod';
import { FILE_TYPES } from '../../platform/files';
import { bilingualSchema, outputSpecSchema } from './schemas';

const codeSchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/);
export const MIN_STAGE_DAYS = 1;
export const MAX_STAGE_DAYS = 60;
export const MIN_FIRST_READING_DAYS = 1;
export const MAX_FIRST_READING_DAYS = 365;
export const MAX_MATERIALS = 20;

export const settingsStageSchema = z
  .object({
    position: z.int(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    role: z.string(),
    roleName: bilingualSchema,
    timeLimitDays: z.int(),
    isSkippable: z.boolean().meta({ description: 'The process lets the utility leave this stage out' }),
    isEnabled: z.boolean(),
    outputs: z.array(outputSpecSchema),
    openApplications: z.int().meta({ description: 'Applications at this stage now (in progress or returned): they keep the deadline they were given' }),
  })
  .meta({ id: 'ProcessSettingsStage' });

export const settingsMaterialSchema = z
  .object({ code: z.string(), name: z.string(), nameEn: z.string(), isRequired: z.boolean(), acceptedKinds: z.array(z.enum(FILE_TYPES)) })
  .meta({ id: 'ProcessSettingsMaterial' });

export const settingsRuleSchema = z
  .object({ kind: z.enum(['different_people', 'different_departments']), stageCodes: z.array(z.string()), description: bilingualSchema })
  .meta({ id: 'ProcessSettingsRule' });

export const settingsTypeSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    isActive: z.boolean(),
    totalDays: z.int().meta({ description: 'The worked stages’ time limits together, working days' }),
    stages: z.array(settingsStageSchema),
    materials: z.array(settingsMaterialSchema),
    rules: z.array(settingsRuleSchema),
  })
  .meta({ id: 'ProcessSettingsType' });

export const settingsChangeSchema = bilingualSchema.meta({ id: 'ProcessSettingsChange' });

export const settingsVersionSchema = z
  .object({
    version: z.int(),
    changedAt: z.iso.datetime(),
    changedBy: z.string(),
    typeCode: z.string().nullable().meta({ description: 'The type changed (null: the general settings)' }),
    changes: z.array(settingsChangeSchema),
  })
  .meta({ id: 'ProcessSettingsVersion' });

export const processSettingsSchema = z
  .object({
    version: z.int().meta({ description: 'The settings version (0: never changed, the defaults); give it back when changing them' }),
    updatedAt: z.iso.datetime().nullable(),
    updatedBy: z.string().nullable(),
    firstReadingDays: z.int().meta({ description: 'A new connection whose account has no reading within this many days of opening is flagged in the zero-consumption report (default 45)' }),
    types: z.array(settingsTypeSchema),
    roles: z.array(z.object({ role: z.string(), name: bilingualSchema })).meta({ description: 'The roles a stage may be given: those that work applications' }),
    fileKinds: z.array(z.enum(FILE_TYPES)),
    limits: z.object({ minStageDays: z.int(), maxStageDays: z.int(), minFirstReadingDays: z.int(), maxFirstReadingDays: z.int(), maxMaterials: z.int() }),
    history: z.array(settingsVersionSchema).meta({ description: 'The latest versions, newest first' }),
  })
  .meta({ id: 'ProcessSettings' });
export type ProcessSettings = z.infer<typeof processSettingsSchema>;

export const typeProcessPatchSchema = z
  .strictObject({
    version: z.int().min(0),
    stages: z
      .array(
        z.strictObject({
          code: codeSchema,
          role: z.string().max(40).optional().meta({ description: 'A role that works applications (counter_clerk, connection_staff, billing_clerk, meter_reader)' }),
          timeLimitDays: z.int().optional().meta({ description: `Working days, ${MIN_STAGE_DAYS}–${MAX_STAGE_DAYS}; stages already started keep their deadline` }),
          isEnabled: z.boolean().optional().meta({ description: 'Only a stage the process allows to be skipped may be turned off' }),
        }),
      )
      .max(30)
      .optional()
      .meta({ description: 'The stages to change, by code; the others stay as they are' }),
    materials: z
      .array(
        z.strictObject({
          code: codeSchema,
          name: z.string().trim().max(60),
          nameEn: z.string().trim().max(80),
          isRequired: z.boolean(),
          acceptedKinds: z.array(z.enum(FILE_TYPES)).max(5),
        }),
      )
      .max(50)
      .optional()
      .meta({ description: `The whole list of materials (at most ${MAX_MATERIALS}), in order: new codes are added, codes left out are removed` }),
    rules: z
      .array(z.strictObject({ kind: z.enum(['different_people', 'different_departments']), stageCodes: z.array(codeSchema).max(10) }))
      .max(20)
      .optional()
      .meta({ description: 'The whole set of segregation-of-duties rules; an empty list removes them all (audited)' }),
  })
  .meta({ id: 'TypeProcessPatch' });
export type TypeProcessPatch = z.infer<typeof typeProcessPatchSchema>;

export const processSettingsPatchSchema = z
  .strictObject({
    version: z.int().min(0),
    firstReadingDays: z.int().meta({ description: `${MIN_FIRST_READING_DAYS}–${MAX_FIRST_READING_DAYS} days` }),
  })
  .meta({ id: 'ProcessSettingsPatch' });
export type ProcessSettingsPatch = z.infer<typeof processSettingsPatchSchema>;

export const typeCodeParamsSchema = z.strictObject({ code: codeSchema.meta({ description: 'The application type: new_connection, holder_change, category_change, calibration, removal' }) });
