import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound, staleVersion } from '../../platform/errors';
import type { Meter, MeterPatch, NewMeter } from './schemas';
import { CALIBRATION_TOLERANCE, isWithinTolerance, verificationDueOn } from './verification';

interface MeterRow {
  id: string;
  serial_no: string;
  premise_id: string | null;
  model: string;
  size_dn: number;
  is_remote: boolean;
  status: Meter['status'];
  installed_on: string | null;
  first_verified_on: string | null;
  initial_reading_litres: number;
  version: number;
}

const COLUMNS = 'id, serial_no, premise_id, model, size_dn, is_remote, status, installed_on, first_verified_on, initial_reading_litres, version';
const METER = { zh: '水表', en: 'Meter' };

function toMeter(row: MeterRow): Meter {
  const meter = {
    id: row.id,
    serialNo: row.serial_no,
    premiseId: row.premise_id,
    model: row.model,
    sizeDn: row.size_dn,
    isRemote: row.is_remote,
    status: row.status,
    installedOn: row.installed_on,
    firstVerifiedOn: row.first_verified_on,
    initialReadingLitres: row.initial_reading_litres,
    version: row.version,
  };
  return { ...meter, verificationDueOn: verificationDueOn(meter) };
}

/** Auditable fields of a meter, without identity and bookkeeping columns. */
const auditView = ({ id: _id, version: _version, verificationDueOn: _due, ...rest }: Meter) => rest;

export async function findMetersAtPremises(sql: Sql, premiseIds: readonly string[]): Promise<Meter[]> {
  // Guard against running an invalid query when there is nothing to look up.
  if (premiseIds.length === 0) return [];
  const rows = await sql.query<MeterRow>(
    `SELECT ${COLUMNS} FROM meters WHERE premise_id = ANY($1::uuid[]) ORDER BY status = 'installed' DESC, installed_on DESC NULLS LAST`,
    [premiseIds],
  );
  return rows.map(toMeter);
}

async function findMeter(sql: Sql, id: string, forUpdate = false): Promise<Meter> {
  const rows = await sql.query<MeterRow>(`SELECT ${COLUMNS} FROM meters WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(METER);
  return toMeter(rows[0]);
}

function checkInstalled(meter: { status?: string | undefined; premiseId?: string | null | undefined; installedOn?: string | null | undefined }): void {
  if (meter.status === 'installed' && (!meter.premiseId || !meter.installedOn)) {
    throw new DomainError('validation', 'meter_install_incomplete', '已安装的水表必须填写用水地址和安装日期', 'An installed meter needs a premise and an installation date', [
      ...(meter.premiseId ? [] : [{ field: 'premiseId', zh: '已安装的水表必填', en: 'required for an installed meter' }]),
      ...(meter.installedOn ? [] : [{ field: 'installedOn', zh: '已安装的水表必填', en: 'required for an installed meter' }]),
    ]);
  }
}

async function ensureSerialFree(sql: Sql, serialNo: string, exceptId: string | null): Promise<void> {
  const rows = await sql.query('SELECT 1 FROM meters WHERE serial_no = $1 AND id IS DISTINCT FROM $2', [serialNo, exceptId]);
  if (rows.length > 0) {
    throw new DomainError('conflict', 'serial_taken', '表号已存在', 'A meter with this serial number already exists', [
      { field: 'serialNo', zh: '表号已存在', en: 'already exists' },
    ]);
  }
}

export async function createMeter(context: PlatformContext, tenantId: string, input: NewMeter, actor: Actor): Promise<Meter> {
  return context.db.withTenant(tenantId, (sql) => insertMeter(context, sql, tenantId, input, actor));
}

/** Creates a meter in the caller's transaction, audited (a new connection installs one with its other effects). */
export async function insertMeter(context: PlatformContext, sql: Sql, tenantId: string, input: NewMeter, actor: Actor): Promise<Meter> {
  const meter = { status: 'installed' as const, isRemote: false, initialReadingLitres: 0, premiseId: null, installedOn: null, firstVerifiedOn: null, ...input };
  checkInstalled(meter);
  await ensureSerialFree(sql, meter.serialNo, null);
  const rows = await sql.query<MeterRow>(
    `INSERT INTO meters (tenant_id, serial_no, premise_id, model, size_dn, is_remote, status, installed_on, first_verified_on, initial_reading_litres)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [tenantId, meter.serialNo, meter.premiseId, meter.model, meter.sizeDn, meter.isRemote, meter.status, meter.installedOn, meter.firstVerifiedOn, meter.initialReadingLitres],
  );
  const created = toMeter(rows[0] as MeterRow);
  await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'meter.create', objectType: 'meter', objectId: created.id, after: auditView(created) });
  return created;
}

export async function updateMeter(context: PlatformContext, tenantId: string, id: string, patch: MeterPatch, actor: Actor): Promise<Meter> {
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await findMeter(sql, id, true);
    if (current.version !== patch.version) throw staleVersion();
    const { version: _version, ...changes } = patch;
    const next = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) } as Meter;
    checkInstalled(next);
    if (next.serialNo !== current.serialNo) await ensureSerialFree(sql, next.serialNo, id);
    const rows = await sql.query<MeterRow>(
      `UPDATE meters SET serial_no = $2, premise_id = $3, model = $4, size_dn = $5, is_remote = $6, status = $7, installed_on = $8,
         first_verified_on = $9, initial_reading_litres = $10, version = version + 1, updated_at = $11
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, next.serialNo, next.premiseId, next.model, next.sizeDn, next.isRemote, next.status, next.installedOn, next.firstVerifiedOn, next.initialReadingLitres, context.clock.now()],
    );
    const updated = toMeter(rows[0] as MeterRow);
    const diff = changedFields(auditView(current), auditView(updated));
    if (diff) await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'meter.update', objectType: 'meter', objectId: id, ...diff });
    return updated;
  });
}

export async function getMeter(context: PlatformContext, tenantId: string, id: string): Promise<Meter> {
  return context.db.withTenant(tenantId, (sql) => findMeter(sql, id));
}

/**
 * Takes an installed meter off its premise in the caller's transaction (拆表: a removal, or the replacement
 * of a meter a calibration test failed): status 'removed' on the day given, which may not be before its
 * installation. The meter keeps its premise and readings as history. Audited with `reference` (why).
 */
export async function removeMeter(context: PlatformContext, sql: Sql, tenantId: string, input: { meterId: string; removedOn: string; reference?: Record<string, unknown> }, actor: Actor): Promise<Meter> {
  const current = await findMeter(sql, input.meterId, true);
  if (current.status !== 'installed') {
    throw new DomainError('conflict', 'meter_not_installed', `水表 ${current.serialNo} 不在装`, `Meter ${current.serialNo} is not installed`, [{ field: 'meterId', zh: '水表不在装', en: 'is not installed' }]);
  }
  if (current.installedOn && input.removedOn < current.installedOn) {
    throw new DomainError('validation', 'validation_failed', `拆表日期不能早于安装日期 ${current.installedOn}`, `The removal date may not be before the installation on ${current.installedOn}`, [{ field: 'removedOn', zh: `不能早于 ${current.installedOn}`, en: `may not be before ${current.installedOn}` }]);
  }
  const rows = await sql.query<MeterRow>(`UPDATE meters SET status = 'removed', removed_on = $2, version = version + 1, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`, [input.meterId, input.removedOn, context.clock.now()]);
  const removed = toMeter(rows[0] as MeterRow);
  await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'meter.remove', objectType: 'meter', objectId: removed.id, before: { status: current.status }, after: { status: 'removed', removedOn: input.removedOn, serialNo: removed.serialNo, ...(input.reference ?? {}) } });
  return removed;
}

/** The meter installed at a premise, or null; refuses a premise with several (the caller must name one). */
export async function installedMeterAt(sql: Sql, premiseId: string): Promise<Meter | null> {
  const meters = (await findMetersAtPremises(sql, [premiseId])).filter((meter) => meter.status === 'installed');
  if (meters.length > 1) {
    throw new DomainError('conflict', 'several_meters', '该用水地址装有多块水表', 'Several meters are installed at the premise', [{ field: 'meterId', zh: '有多块在装水表', en: 'several meters are installed' }]);
  }
  return meters[0] ?? null;
}

/** Records a calibration test of a meter (校表) in the audit log of the meter, with its verdict. */
export async function recordCalibrationTest(
  context: PlatformContext,
  sql: Sql,
  tenantId: string,
  input: { meterId: string; reportNo: string; errorUpperZone: number; errorLowerZone: number; reference?: Record<string, unknown> },
  actor: Actor,
): Promise<{ meter: Meter; isWithinTolerance: boolean }> {
  const meter = await findMeter(sql, input.meterId);
  const within = isWithinTolerance(input.errorUpperZone, input.errorLowerZone);
  await recordAudit(sql, tenantId, actor, context.clock.now(), {
    action: 'meter.calibration_test',
    objectType: 'meter',
    objectId: meter.id,
    after: { serialNo: meter.serialNo, reportNo: input.reportNo, errorUpperZone: input.errorUpperZone, errorLowerZone: input.errorLowerZone, tolerance: CALIBRATION_TOLERANCE, isWithinTolerance: within, ...(input.reference ?? {}) },
  });
  return { meter, isWithinTolerance: within };
}
