/**
 * A utility's own rules, one versioned JSON document per tenant (table tenant_settings). Every rule has a
 * documented default, so a utility changes only what differs; the document stored holds only what was
 * set, and readers always get the whole, defaulted configuration.
 */
import { z } from 'zod';
import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { invalidField, staleVersion } from '../../platform/errors';
import { calendarContradiction, calendarSettingsSchema, DEFAULT_CALENDAR } from './calendar-settings';

/** Meter reading (抄表): how long a reader may keep a route, and how early rotation is proposed. */
export const readingSettingsSchema = z
  .strictObject({
    rotationTermMonths: z.int().min(1).max(60).meta({ description: 'Longest continuous term of a reader on one route, in months (default 12)' }),
    rotationNoticeDays: z.int().min(0).max(180).meta({ description: 'Routes whose reader’s term ends within this many days are proposed for rotation (default 30)' }),
  })
  .meta({ id: 'ReadingSettings' });

/** Collection (催欠): late fees (滞纳金), dunning schedule, cut-off notice and reconnection promises. */
export const collectionSettingsSchema = z
  .strictObject({
    lateFeeDailyRate: z.int().min(0).max(100).meta({ description: 'Late fee per day, in 1/10,000 of the unpaid principal (default 5 = 0.05 % a day)' }),
    lateFeeGraceDays: z.int().min(0).max(365).meta({ description: 'Days after a bill’s due date before late fees accrue (default 0)' }),
    lateFeeCapPercent: z.int().min(0).max(100).meta({ description: 'Late fees on a bill never exceed this percent of its unpaid principal (default 100)' }),
    lateFeeOnResidential: z.boolean().meta({ description: 'Whether residential accounts are charged late fees (default true)' }),
    dunningScheduleDays: z
      .array(z.int().min(0).max(3650))
      .min(1)
      .max(10)
      .refine((days) => days.every((day, index) => index === 0 || day > (days[index - 1] as number)), 'must be strictly increasing')
      .meta({ description: 'Days after the due date on which dunning notices go out; the last one is the cut-off notice (default [3, 15, 30])' }),
    cutoffNoticeHours: z.int().min(24).max(720).meta({ description: 'Least time between the cut-off notice and a cut-off work order, in hours (default 72)' }),
    reconnectionHours: z.int().min(1).max(168).meta({ description: 'Water is restored within this many hours of the arrears being paid (default 24)' }),
    withholdingResultDays: z.int().min(1).max(90).meta({ description: 'Days after a bank withholding batch within which its result file must be imported; after that the batch expires and its bills are released (default 10)' }),
  })
  .meta({ id: 'CollectionSettings' });

/**
 * Meter calibration tests (校表) a customer asks for (applications, calibration): the test fee charged when the
 * meter is found within tolerance (JJG 162-2019; out of tolerance the utility pays and re-bills), and how many
 * months of bills an out-of-tolerance result re-bills.
 */
export const calibrationSettingsSchema = z
  .strictObject({
    testFeeFen: z.int().min(0).max(1_000_000).meta({ description: 'Fee for a test that finds the meter within tolerance, in fen (default 3000 = 30 yuan; 0 charges nothing)' }),
    rebillMonths: z.int().min(1).max(24).meta({ description: 'An out-of-tolerance meter re-bills the regular bills of this many months up to the test (default 6)' }),
  })
  .meta({ id: 'CalibrationSettings' });

/** The service desk (服务台): call-back and follow-up visit (回访) rules. */
export const serviceDeskSettingsSchema = z
  .strictObject({
    callbackMinutes: z.int().min(5).max(1440).meta({ description: 'A missed call is to be called back within this many minutes (default 30)' }),
    followUpInquiryPercent: z.int().min(0).max(100).meta({ description: 'Share of closed inquiries, praise and suggestions sampled for a follow-up visit, in percent; complaints and repairs are always followed up (default 20)' }),
    followUpDueHours: z.int().min(1).max(720).meta({ description: 'A follow-up visit is due this many hours after closure (default 48)' }),
    ratingLinkHours: z.int().min(1).max(720).meta({ description: 'The rating link sent by SMS works for this many hours, once (default 72)' }),
  })
  .meta({ id: 'ServiceDeskSettings' });

export const tenantSettingsSchema = z
  .object({
    version: z.int(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string().nullable(),
    reading: readingSettingsSchema,
    collection: collectionSettingsSchema,
    serviceDesk: serviceDeskSettingsSchema,
    calendar: calendarSettingsSchema,
    calibration: calibrationSettingsSchema,
  })
  .meta({ id: 'TenantSettings' });
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
export type ReadingSettings = z.infer<typeof readingSettingsSchema>;
export type CollectionSettings = z.infer<typeof collectionSettingsSchema>;
export type ServiceDeskSettings = z.infer<typeof serviceDeskSettingsSchema>;
export type CalibrationSettings = z.infer<typeof calibrationSettingsSchema>;

export const tenantSettingsPatchSchema = z
  .strictObject({
    version: z.int().min(1),
    reading: readingSettingsSchema.partial().optional(),
    collection: collectionSettingsSchema.partial().optional(),
    serviceDesk: serviceDeskSettingsSchema.partial().optional(),
    calendar: calendarSettingsSchema.partial().optional(),
    calibration: calibrationSettingsSchema.partial().optional(),
  })
  .meta({ id: 'TenantSettingsPatch' });
export type TenantSettingsPatch = z.infer<typeof tenantSettingsPatchSchema>;

export const DEFAULT_SETTINGS: Pick<TenantSettings, 'reading' | 'collection' | 'serviceDesk' | 'calendar' | 'calibration'> = {
  reading: { rotationTermMonths: 12, rotationNoticeDays: 30 },
  collection: {
    lateFeeDailyRate: 5,
    lateFeeGraceDays: 0,
    lateFeeCapPercent: 100,
    lateFeeOnResidential: true,
    dunningScheduleDays: [3, 15, 30],
    cutoffNoticeHours: 72,
    reconnectionHours: 24,
    withholdingResultDays: 10,
  },
  serviceDesk: { callbackMinutes: 30, followUpInquiryPercent: 20, followUpDueHours: 48, ratingLinkHours: 72 },
  // Working hours, and China's national holidays and adjusted working days as published (calendar-settings.ts).
  calendar: DEFAULT_CALENDAR,
  calibration: { testFeeFen: 3000, rebillMonths: 6 },
};

type Sections = Pick<TenantSettings, 'reading' | 'collection' | 'serviceDesk' | 'calendar' | 'calibration'>;
const SECTIONS = Object.keys(DEFAULT_SETTINGS) as (keyof Sections)[];

interface SettingsRow {
  settings: Partial<Record<keyof Sections, Record<string, unknown>>>;
  version: number;
  updated_at: Date;
  updated_by: string | null;
}

function withDefaults(stored: SettingsRow['settings']): Sections {
  const sections = {} as Record<keyof Sections, unknown>;
  for (const section of SECTIONS) sections[section] = { ...DEFAULT_SETTINGS[section], ...(stored[section] ?? {}) };
  return sections as Sections;
}

async function settingsRow(sql: Sql, forUpdate = false): Promise<SettingsRow> {
  const rows = await sql.query<SettingsRow>(`SELECT settings, version, updated_at, updated_by FROM tenant_settings${forUpdate ? ' FOR UPDATE' : ''}`);
  // Every tenant gets its row when it is created (and by migration 0020 before that); a missing row is
  // read as the defaults rather than failing a reading or billing operation.
  return rows[0] ?? { settings: {}, version: 1, updated_at: new Date(0), updated_by: null };
}

/** The utility's whole configuration, defaults filled in, inside a tenant transaction. */
export async function loadTenantSettings(sql: Sql): Promise<TenantSettings> {
  const row = await settingsRow(sql);
  return { version: row.version, updatedAt: row.updated_at.toISOString(), updatedBy: row.updated_by, ...withDefaults(row.settings) };
}

export async function getTenantSettings(context: PlatformContext, tenantId: string): Promise<TenantSettings> {
  return context.db.withTenant(tenantId, loadTenantSettings);
}

/** Changes some rules; refuses a stale version; audits what changed. */
export async function updateTenantSettings(context: PlatformContext, tenantId: string, patch: TenantSettingsPatch, actor: Actor): Promise<TenantSettings> {
  return context.db.withTenant(tenantId, async (sql) => {
    const row = await settingsRow(sql, true);
    if (row.version !== patch.version) throw staleVersion();
    const stored = { ...row.settings };
    for (const section of SECTIONS) {
      const change = patch[section];
      if (change) stored[section] = { ...(stored[section] ?? {}), ...change };
    }
    const clash = patch.calendar ? calendarContradiction(withDefaults(stored).calendar) : null;
    if (clash) throw invalidField('calendar.workdays', `${clash} 同时是节假日和调休上班日`, `${clash} is both a holiday and an adjusted working day`);
    const now = context.clock.now();
    await sql.query(
      `INSERT INTO tenant_settings (tenant_id, settings, version, updated_at, updated_by) VALUES ($1, $2::jsonb, 2, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE SET settings = EXCLUDED.settings, version = tenant_settings.version + 1, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [tenantId, JSON.stringify(stored), now, actor.name],
    );
    const before = withDefaults(row.settings);
    const after = withDefaults(stored);
    const flat = (sections: Sections) => Object.fromEntries(SECTIONS.flatMap((section) => Object.entries(sections[section]).map(([key, value]) => [`${section}.${key}`, value])));
    const diff = changedFields(flat(before), flat(after));
    if (diff) await recordAudit(sql, tenantId, actor, now, { action: 'settings.update', objectType: 'tenant_settings', objectId: tenantId, ...diff });
    return loadTenantSettings(sql);
  });
}

/** The settings row of a tenant just created, in the owner's transaction that created it. */
export async function createTenantSettings(sql: Sql, tenantId: string): Promise<void> {
  await sql.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
  await sql.query('INSERT INTO tenant_settings (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING', [tenantId]);
}
