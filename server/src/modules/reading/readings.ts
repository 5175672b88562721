/**
 * Readings one at a time: a reader's entry (a register, or why the meter could not be read), estimates,
 * the review queue and its decisions, an account's history, photos.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { selectText, type Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { businessDate } from '../customers';
import { loadMeterStates, METER_INFO_COLUMNS, toMeterInfo, type MeterInfo } from './history';
import { ingestReadings, insertReadings, lockTenantReadings, middayOf, type IngestItem } from './ingest';
import { readPhoto, recordReadingPhoto, removePhoto, storePhotoFile } from './photos';
import { READING_COLUMNS, toReading, type ReadingRow } from './rows';
import type { CannotReadReason, NewReading, Reading, ReadingResult, ReadingSource, ReviewDecision, ReviewItem } from './schemas';
import { cubicMetresToLitres, mulDivRound } from './units';
import { estimateReading, expectedRange, validateReading, type MeterState } from './validation';

const READING = { zh: '读数', en: 'Reading' };

/** Today in the tenant's time zone. */
export async function tenantToday(context: PlatformContext, sql: Sql): Promise<string> {
  const rows = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = current_tenant_id()');
  return businessDate(context.clock.now(), rows[0]?.time_zone ?? 'Asia/Shanghai');
}

export function expectedOf(state: MeterState, readOn: string): ReadingResult['expected'] {
  const range = expectedRange(state, readOn);
  if (!range || !state.average) return null;
  return { ...range, averageDailyLitres: mulDivRound(Math.max(0, state.average.litres), 1, state.average.days) };
}

export async function findReading(sql: Sql, id: string, forUpdate = false): Promise<ReadingRow> {
  const rows = await sql.query<ReadingRow>(`SELECT ${READING_COLUMNS} FROM readings r WHERE r.id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(READING);
  return rows[0];
}

/** The register a request gives, in litres: litres as given, or m³ converted on the digits. */
export function registerOf(input: { registerLitres?: number | undefined; registerM3?: string | undefined }): number | null {
  if (input.registerLitres !== undefined) return input.registerLitres;
  if (input.registerM3 !== undefined) return cubicMetresToLitres(input.registerM3);
  return null;
}

interface AccountMeter {
  accountId: string;
  accountNo: string;
  customerId: string;
  meter: MeterInfo;
}

/** The account and the meter a reading is for: the given meter, else the one installed at the account. */
async function accountMeter(sql: Sql, accountId: string, meterId: string | undefined): Promise<AccountMeter> {
  const accounts = await sql.query<{ id: string; account_no: string; customer_id: string; premise_id: string; status: string }>(
    'SELECT id, account_no, customer_id, premise_id, status FROM accounts WHERE id = $1',
    [accountId],
  );
  const account = accounts[0];
  if (!account) throw notFound({ zh: '账户', en: 'Account' });
  if (account.status === 'closed') throw new DomainError('validation', 'account_closed', '账户已销户', 'The account is closed', [{ field: 'accountId', zh: '账户已销户', en: 'the account is closed' }]);
  const meters = await selectText(
    sql,
    undefined,
    `SELECT ${METER_INFO_COLUMNS} FROM meters m WHERE m.premise_id = $1 AND ${meterId ? 'm.id = $2' : "m.status = 'installed'"}`,
    meterId ? [account.premise_id, meterId] : [account.premise_id],
  );
  if (meters.length !== 1) {
    throw new DomainError('validation', 'meter_unknown', '无法确定水表', 'Cannot tell which meter', [
      { field: 'meterId', zh: meters.length === 0 ? '该账户没有此水表' : '该账户有多块水表，请指定', en: meters.length === 0 ? 'no such meter at this account' : 'the account has several meters: name one' },
    ]);
  }
  return { accountId: account.id, accountNo: account.account_no, customerId: account.customer_id, meter: toMeterInfo(meters[0] as (string | null)[]) };
}

const FIELD_NAMES = { account: 'accountId', meter: 'meterId', readOn: 'readOn', register: 'registerLitres', externalId: 'externalId' };

function itemError(item: IngestItem): DomainError {
  const first = item.errors[0] ?? { field: 'reading', zh: '无效', en: 'is invalid' };
  return new DomainError('validation', 'validation_failed', `${first.field}：${first.zh}`, `${first.field}: ${first.en}`, item.errors.map(({ field, zh, en }) => ({ field, zh, en })));
}

export interface EntryOptions {
  source: ReadingSource;
  staffId: string | null;
  /** Audit action, e.g. reading.enter or reading.self_report. */
  action: string;
  /** A meter reader (not a supervisor) enters readings only on the routes assigned to them on that day. */
  onlyAssignedRoutes?: boolean;
}

/** Refuses an entry by a reader for an account that is not on a route they read on `readOn`. */
async function requireAssignedRoute(sql: Sql, staffId: string | null, accountId: string, readOn: string): Promise<void> {
  const rows = staffId
    ? await sql.query(
        `SELECT 1 FROM route_accounts ra JOIN route_assignments asg ON asg.route_id = ra.route_id
         WHERE ra.account_id = $1 AND asg.staff_id = $2 AND asg.duty = 'reader' AND asg.starts_on <= $3 AND (asg.ends_on IS NULL OR asg.ends_on >= $3)`,
        [accountId, staffId, readOn],
      )
    : [];
  if (rows.length === 0) {
    throw new DomainError('forbidden', 'not_your_route', '该户不在您负责的抄表本上', 'This account is not on a route you read', [
      { field: 'accountId', zh: '不在您当日负责的抄表本上', en: 'is not on a route assigned to you for that day' },
    ]);
  }
}

/**
 * Records one reading (or, with a cannot-read reason, an estimate) through the same path as every import,
 * with an optional photo. Entering the same register for the same day again returns the stored reading.
 */
export async function enterReading(context: PlatformContext, tenantId: string, input: NewReading, actor: Actor, options: EntryOptions): Promise<ReadingResult> {
  const register = registerOf(input);
  if ((register === null) === (input.cannotReadReason === undefined)) {
    throw new DomainError('validation', 'validation_failed', '请填写读数或无法抄表的原因（二选一）', 'Give either a register or a reason the meter could not be read', [
      { field: 'registerM3', zh: '填写读数或选择无法抄表原因', en: 'give a register or a cannot-read reason' },
    ]);
  }
  if (input.cannotReadReason === 'other' && !input.note) {
    throw new DomainError('validation', 'validation_failed', '原因为“其他”时请填写说明', 'Describe the reason when it is "other"', [{ field: 'note', zh: '请填写说明', en: 'is required for "other"' }]);
  }
  const photo = input.photo ? await storePhotoFile(context.config.dataDir, tenantId, context.clock.now().toISOString(), input.photo) : null;
  const photoPath = photo?.path ?? null;
  try {
    return await context.db.withTenant(tenantId, async (sql) => {
      const today = await tenantToday(context, sql);
      const readOn = input.readOn ?? today;
      const target = await accountMeter(sql, input.accountId, input.meterId);
      if (options.onlyAssignedRoutes) await requireAssignedRoute(sql, options.staffId, target.accountId, readOn);
      const states = await loadMeterStates(sql, [target.meter], new Map([[target.meter.id, target.accountId]]), new Map([[target.meter.id, readOn]]));
      const expected = expectedOf(states.get(target.meter.id) as MeterState, readOn);
      let readingId: string;
      let isDuplicate = false;
      if (input.cannotReadReason) {
        if (readOn > today) throw new DomainError('validation', 'validation_failed', '日期不能晚于今天', 'The date may not be after today', [{ field: 'readOn', zh: '不能晚于今天', en: 'may not be after today' }]);
        readingId = await insertEstimate(sql, tenantId, target, readOn, today, { reason: input.cannotReadReason, note: input.note ?? null, staffId: options.staffId, photoPath, source: 'estimate' });
      } else {
        const outcome = await ingestReadings(sql, tenantId, [{ row: 1, accountId: target.accountId, meterId: target.meter.id, readOn, readAt: readOn === today ? context.clock.now() : null, registerLitres: register as number, source: options.source, staffId: options.staffId, photoPath, note: input.note ?? null }], { mode: 'per_item', today, fields: FIELD_NAMES });
        const item = outcome.items[0] as IngestItem;
        if (item.outcome === 'error') throw itemError(item);
        if (item.outcome === 'duplicate') {
          isDuplicate = true;
          const existing = await sql.query<{ id: string }>('SELECT id FROM readings WHERE meter_id = $1 AND read_on = $2 AND register_litres = $3 ORDER BY created_at LIMIT 1', [target.meter.id, readOn, register]);
          readingId = (existing[0] as { id: string }).id;
        } else {
          readingId = item.readingId as string;
        }
      }
      const reading = toReading(await findReading(sql, readingId));
      if (!isDuplicate) {
        await recordAudit(sql, tenantId, actor, context.clock.now(), {
          action: options.action,
          objectType: 'reading',
          objectId: reading.id,
          customerId: target.customerId,
          after: { accountNo: target.accountNo, meterSerial: target.meter.serialNo, readOn: reading.readOn, registerLitres: reading.registerLitres, status: reading.status, anomalies: reading.anomalies, consumptionLitres: reading.consumptionLitres, cannotReadReason: reading.cannotReadReason, hasPhoto: reading.hasPhoto },
        });
      }
      if (photo && !isDuplicate) await recordReadingPhoto(sql, tenantId, reading.id, photo, actor, context.clock.now());
      if (isDuplicate) await removePhoto(context.config.dataDir, tenantId, photoPath);
      return { reading, isDuplicate, expected };
    });
  } catch (error) {
    await removePhoto(context.config.dataDir, tenantId, photoPath);
    throw error;
  }
}

interface EstimateOptions {
  reason: CannotReadReason | null;
  note: string | null;
  staffId: string | null;
  photoPath: string | null;
  source: ReadingSource;
  reviewedBy?: string | null;
}

/**
 * Inserts an estimate for a meter that could not be read or has stopped: the previous 12-month average per
 * day × days since the last counted reading. Without history it records the visit as 'unread'.
 */
async function insertEstimate(sql: Sql, tenantId: string, target: AccountMeter, readOn: string, today: string, options: EstimateOptions, excludeId: string | null = null): Promise<string> {
  await lockTenantReadings(sql, tenantId);
  const states = await loadMeterStates(sql, [target.meter], new Map([[target.meter.id, target.accountId]]), new Map([[target.meter.id, readOn]]), { excludeId });
  const state = states.get(target.meter.id) as MeterState;
  const latest = [state.previous?.readOn, state.lastActual?.readOn].filter(Boolean).sort().at(-1);
  if (latest && readOn < latest) {
    throw new DomainError('validation', 'validation_failed', `日期早于该水表最近一次读数 ${latest}`, `The date is before the meter's latest reading on ${latest}`, [
      { field: 'readOn', zh: `早于最近一次读数日期 ${latest}`, en: `is before the latest reading on ${latest}` },
    ]);
  }
  const estimate = estimateReading(state, readOn);
  const id = randomUUID();
  await insertReadings(sql, tenantId, [[
    id, target.accountId, target.meter.id, readOn, middayOf(readOn > today ? today : readOn),
    estimate?.registerLitres ?? null, estimate?.consumptionLitres ?? null, options.source, estimate ? 'estimated' : 'unread', '{}',
    options.staffId, options.photoPath, null, options.note,
  ]]);
  if (options.reason) await sql.query('UPDATE readings SET cannot_read_reason = $2 WHERE id = $1 AND read_on = $3', [id, options.reason, readOn]);
  return id;
}

/** An account's readings, newest first. */
export async function listAccountReadings(context: PlatformContext, tenantId: string, accountId: string, limit: number): Promise<Reading[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const accounts = await sql.query('SELECT 1 FROM accounts WHERE id = $1', [accountId]);
    if (accounts.length === 0) throw notFound({ zh: '账户', en: 'Account' });
    const rows = await sql.query<ReadingRow>(`SELECT ${READING_COLUMNS} FROM readings r WHERE r.account_id = $1 ORDER BY r.read_on DESC, r.created_at DESC LIMIT $2`, [accountId, limit]);
    return rows.map(toReading);
  });
}

export async function getReadingPhoto(context: PlatformContext, tenantId: string, id: string): Promise<{ bytes: Buffer; contentType: string }> {
  const row = await context.db.withTenant(tenantId, (sql) => findReading(sql, id));
  if (!row.photo_path) throw new DomainError('not_found', 'not_found', '该读数没有照片', 'The reading has no photo');
  return readPhoto(context.config.dataDir, tenantId, row.photo_path);
}

// ---- review ----

interface QueueRow extends ReadingRow {
  account_no: string;
  full_address: string;
  serial_no: string;
  route_name: string | null;
}

/** Suspect readings waiting for a decision, oldest first; the cursor is the last item's "date|id". */
export async function listReviewQueue(context: PlatformContext, tenantId: string, limit: number, before: string | undefined): Promise<{ items: ReviewItem[]; total: number; next: string | null }> {
  const [afterDate, afterId] = before?.split('|') ?? [];
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<QueueRow>(
      `SELECT ${READING_COLUMNS}, a.account_no, p.full_address, m.serial_no,
         (SELECT rr.name FROM route_accounts ra JOIN reading_routes rr ON rr.id = ra.route_id WHERE ra.account_id = r.account_id) AS route_name
       FROM readings r JOIN accounts a ON a.id = r.account_id JOIN premises p ON p.id = a.premise_id JOIN meters m ON m.id = r.meter_id
       WHERE r.status = 'suspect' AND ($2::date IS NULL OR (r.read_on, r.id) > ($2::date, $3::uuid))
       ORDER BY r.read_on, r.id LIMIT $1`,
      [limit, afterDate ?? null, afterId ?? null],
    );
    const [{ total } = { total: 0 }] = await sql.query<{ total: number }>("SELECT count(*)::int AS total FROM readings WHERE status = 'suspect'");
    const meters = await selectText(sql, undefined, `SELECT ${METER_INFO_COLUMNS} FROM meters m JOIN unnest($1::uuid[]) AS w(id) ON w.id = m.id`, [[...new Set(rows.map((row) => row.meter_id))]]);
    const accountOfMeter = new Map(rows.map((row) => [row.meter_id, row.account_id]));
    const asOf = new Map<string, string>();
    for (const row of rows) if (!asOf.has(row.meter_id) || row.read_on < (asOf.get(row.meter_id) as string)) asOf.set(row.meter_id, row.read_on);
    const states = await loadMeterStates(sql, meters.map(toMeterInfo), accountOfMeter, asOf);
    const items = rows.map((row) => {
      const state = states.get(row.meter_id);
      return {
        reading: toReading(row),
        accountNo: row.account_no,
        address: row.full_address,
        meterSerial: row.serial_no,
        routeName: row.route_name,
        previousReadOn: state?.lastActual?.readOn ?? null,
        previousRegisterLitres: state?.lastActual?.registerLitres ?? null,
        expected: state ? expectedOf(state, row.read_on) : null,
      };
    });
    const last = rows.at(-1);
    return { items, total, next: rows.length === limit && last ? `${last.read_on}|${last.id}` : null };
  });
}

/**
 * A reviewer's decision on a suspect reading: accept it (billing the computed use, or the one given), reject
 * it, or reject it and estimate instead (a stopped meter). A reading that a later counted reading of the same
 * meter has already been measured against can only be rejected.
 */
export async function reviewReading(context: PlatformContext, tenantId: string, id: string, decision: ReviewDecision, actor: Actor): Promise<Reading> {
  return context.db.withTenant(tenantId, async (sql) => {
    await lockTenantReadings(sql, tenantId);
    const row = await findReading(sql, id, true);
    if (row.status !== 'suspect') {
      throw new DomainError('conflict', 'not_suspect', '该读数不在待审核状态', 'The reading is not waiting for review');
    }
    const today = await tenantToday(context, sql);
    const target = await accountMeter(sql, row.account_id, row.meter_id);
    if (decision.decision !== 'reject') {
      const later = await sql.query(
        `SELECT 1 FROM readings WHERE meter_id = $1 AND status IN ('accepted', 'estimated') AND (read_on, created_at) > ($2::date, $3::timestamptz) LIMIT 1`,
        [row.meter_id, row.read_on, row.created_at],
      );
      if (later.length > 0) {
        throw new DomainError('conflict', 'superseded', '该水表之后已有计量读数，此读数只能驳回', 'A later reading of this meter is already counted; this one can only be rejected');
      }
    }
    const reviewedAt = context.clock.now();
    let estimateId: string | null = null;
    if (decision.decision === 'accept') {
      const states = await loadMeterStates(sql, [target.meter], new Map([[target.meter.id, target.accountId]]), new Map([[target.meter.id, row.read_on]]), { excludeId: row.id });
      const computed = validateReading(states.get(target.meter.id) as MeterState, { readOn: row.read_on, registerLitres: row.register_litres as number });
      const consumption = decision.consumptionLitres ?? computed.consumptionLitres;
      if (consumption === null) {
        throw new DomainError('validation', 'validation_failed', '读数小于上次读数，请填写应计水量', 'The register went down: give the use to bill', [
          { field: 'consumptionLitres', zh: '请填写应计水量（升）', en: 'is required when the register went down' },
        ]);
      }
      await sql.query(
        `UPDATE readings SET status = 'accepted', consumption_litres = $2, reviewed_by = $3, reviewed_at = $4, review_note = $5 WHERE id = $1 AND read_on = $6`,
        [id, consumption, actor.id, reviewedAt, decision.note, row.read_on],
      );
    } else {
      await sql.query(
        `UPDATE readings SET status = 'rejected', reviewed_by = $2, reviewed_at = $3, review_note = $4 WHERE id = $1 AND read_on = $5`,
        [id, actor.id, reviewedAt, decision.note, row.read_on],
      );
      if (decision.decision === 'estimate') {
        estimateId = await insertEstimate(sql, tenantId, target, row.read_on, today, { reason: null, note: decision.note, staffId: null, photoPath: null, source: 'estimate' }, row.id);
        const estimate = await findReading(sql, estimateId);
        if (estimate.status !== 'estimated') {
          throw new DomainError('validation', 'no_history', '没有近 12 个月的用水记录，无法估算', 'No 12-month history to estimate from', [{ field: 'decision', zh: '无法估算', en: 'cannot estimate' }]);
        }
        await sql.query('UPDATE readings SET reviewed_by = $2, reviewed_at = $3 WHERE id = $1 AND read_on = $4', [estimateId, actor.id, reviewedAt, row.read_on]);
      }
    }
    const updated = toReading(await findReading(sql, id));
    await recordAudit(sql, tenantId, actor, reviewedAt, {
      action: `reading.review.${decision.decision}`,
      objectType: 'reading',
      objectId: id,
      customerId: target.customerId,
      before: { status: row.status, consumptionLitres: row.consumption_litres, anomalies: row.anomalies },
      after: { status: updated.status, consumptionLitres: updated.consumptionLitres, note: decision.note, ...(estimateId ? { estimateId } : {}) },
    });
    return updated;
  });
}

/** The readings of an account on a day (newest first), with their status: whether a stage's reading still awaits review. */
export async function accountReadingsOn(sql: Sql, accountId: string, readOn: string): Promise<{ id: string; meterId: string; registerLitres: number | null; status: string }[]> {
  const rows = await sql.query<{ id: string; meter_id: string; register_litres: number | null; status: string }>(
    'SELECT id, meter_id, register_litres, status FROM readings WHERE account_id = $1 AND read_on = $2 ORDER BY created_at DESC',
    [accountId, readOn],
  );
  return rows.map((row) => ({ id: row.id, meterId: row.meter_id, registerLitres: row.register_litres, status: row.status }));
}
