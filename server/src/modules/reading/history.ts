/**
 * Loads, set-based, what validation needs about many meters at once: their latest counted and actual
 * readings, estimates since, recent registers, and the account's 12-month average. Every query joins the
 * requested ids as an unnest() relation, so the planner uses index lookups for a handful of meters and hash
 * joins over the recent partitions for a whole import.
 */
import { shouldStageKeys, stageKeys } from '../../platform/db/bulk';
import { arrayLiteral, selectText, type Database, type Sql } from '../../platform/db/database';
import { addDays } from './units';
import { READING_RULES, type MeterState } from './validation';

export interface MeterInfo {
  id: string;
  serialNo: string;
  premiseId: string | null;
  sizeDn: number;
  status: string;
  initialReadingLitres: number;
  installedOn: string | null;
}

interface HistoryRow {
  meter_id: string;
  read_on: string;
  register_litres: number;
  consumption_litres: number | null;
  status: 'accepted' | 'estimated' | 'suspect';
}

/** How far back the window of recent readings reaches before the earliest date asked about. */
const WINDOW_DAYS = READING_RULES.averageWindowDays + 45;

function emptyState(meter: MeterInfo): MeterState {
  return {
    sizeDn: meter.sizeDn,
    meterStatus: meter.status,
    initialRegisterLitres: meter.initialReadingLitres,
    previous: null,
    lastActual: null,
    estimatedSinceActualLitres: 0,
    recentRegisters: [],
    average: null,
  };
}

/** Folds a meter's readings (oldest first) into its state. */
function fold(state: MeterState, rows: readonly HistoryRow[]): MeterState {
  if (rows.length === 0) return state;
  let { previous, lastActual, estimatedSinceActualLitres, recentRegisters } = state;
  for (const row of rows) {
    const reading = { readOn: row.read_on, registerLitres: row.register_litres };
    if (row.status === 'estimated') {
      previous = reading;
      estimatedSinceActualLitres += row.consumption_litres ?? 0;
      continue;
    }
    recentRegisters = [row.register_litres, ...recentRegisters].slice(0, READING_RULES.stuckReadings);
    if (row.status !== 'suspect') {
      previous = reading;
      lastActual = reading;
      estimatedSinceActualLitres = 0;
    }
  }
  return { ...state, previous, lastActual, estimatedSinceActualLitres, recentRegisters };
}

const HISTORY_COLUMNS = 'r.meter_id::text AS meter_id, r.read_on::text AS read_on, r.register_litres::text AS register_litres, r.consumption_litres::text AS consumption_litres, r.status';
const toHistoryRow = (fields: readonly (string | null)[]): HistoryRow => ({
  meter_id: fields[0] as string,
  read_on: fields[1] as string,
  register_litres: Number(fields[2]),
  consumption_litres: fields[3] === null || fields[3] === undefined ? null : Number(fields[3]),
  status: fields[4] as HistoryRow['status'],
});

export interface MeterStateOptions {
  /** Leaves one reading out (the suspect reading under review). */
  excludeId?: string | null;
  /** Only readings dated before this day (exclusive); the state at the start of a month for the sheet. */
  before?: string;
  /** The database of `sql`: a large set of meters is then read by COPY (selectText). */
  db?: Database;
}
const HISTORY_ORDER = 'ORDER BY r.meter_id, r.read_on, r.created_at, r.id';

/** The state of each meter before readings on `asOf` dates (the earliest date each meter is read in the batch). */
export async function loadMeterStates(
  sql: Sql,
  meters: readonly MeterInfo[],
  accountOfMeter: ReadonlyMap<string, string>,
  asOf: ReadonlyMap<string, string>,
  options: MeterStateOptions = {},
): Promise<Map<string, MeterState>> {
  const { excludeId = null, before = '9999-12-31', db } = options;
  const states = new Map<string, MeterState>();
  if (meters.length === 0) return states;
  // Distinct ids, given as a plain unnest(): the planner then knows how many there are (a DISTINCT over
  // them was estimated at 200 rows, so a 250,000-meter import probed every monthly partition's index per
  // meter: 7 s instead of a hash join's fraction of a second).
  const ids = [...new Set(meters.map((meter) => meter.id))];
  let earliest = '9999-12-31';
  for (const date of asOf.values()) if (date < earliest) earliest = date;
  const windowStart = addDays(earliest, -WINDOW_DAYS);
  // A large set of meters (a file's) goes into a keyed, analysed temporary table: the planner then merges it
  // with the readings' (meter, date) index, 0.4 s for 250,000 meters among 2,000,000 readings, where with the
  // ids as an unnest() it hashed every reading of the window (2.3 s, and more with every month kept).
  const staged = shouldStageKeys(db, ids.length);
  if (staged) await stageKeys(db, sql, 'history_meters', [{ name: 'meter_id', type: 'uuid' }], ids.map((id) => [id]));

  // A large set (on a server) stages the accounts too before anything is asked, so that the averages can be
  // sent right behind the recent readings on the same connection: PostgreSQL computes them (2.7 s for a
  // file of 250,000 meters) while Node turns the recent readings into states, instead of each waiting for
  // the other. Every statement only reads; the look-up of older readings now comes after the averages.
  const sendAverages = staged ? await prepareAverages(sql, db, accountOfMeter, asOf, windowStart, excludeId) : null;

  // Recent readings that matter: everything since the last accepted one, and the last few actual registers.
  const recentQuery = selectText(
    sql,
    db,
    `WITH wanted AS (${staged ? 'SELECT meter_id FROM history_meters' : 'SELECT w AS meter_id FROM unnest($1::uuid[]) AS w'}),
     h AS (
       SELECT r.meter_id, r.read_on, r.created_at, r.id, r.register_litres, r.consumption_litres, r.status,
         max(r.read_on) FILTER (WHERE r.status = 'accepted') OVER (PARTITION BY r.meter_id) AS last_accepted_on,
         row_number() OVER (PARTITION BY r.meter_id, r.status = 'estimated' ORDER BY r.read_on DESC, r.created_at DESC) AS recency
       FROM readings r JOIN wanted ON wanted.meter_id = r.meter_id
       WHERE r.read_on >= $2::date AND r.read_on < $4::date AND r.status IN ('accepted', 'estimated', 'suspect') AND r.id IS DISTINCT FROM $3::uuid
     )
     SELECT ${HISTORY_COLUMNS} FROM h r
     WHERE r.read_on >= coalesce(r.last_accepted_on, '-infinity'::date) OR (r.status <> 'estimated' AND r.recency <= ${READING_RULES.stuckReadings})
     ${HISTORY_ORDER}`,
    [staged ? null : arrayLiteral(ids), windowStart, excludeId, before],
  );
  // A failure is reported where the answer is awaited; the catch only keeps it from being reported as
  // unhandled first.
  const averagesQuery = sendAverages ? sendAverages() : null;
  averagesQuery?.catch(() => undefined);
  const recent = (await recentQuery).map(toHistoryRow);
  const byMeter = new Map<string, HistoryRow[]>();
  for (const row of recent) {
    const list = byMeter.get(row.meter_id);
    if (list) list.push(row);
    else byMeter.set(row.meter_id, [row]);
  }

  // Meters without an accepted reading in the window: their last accepted one may be older.
  const older = meters.filter((meter) => !(byMeter.get(meter.id) ?? []).some((row) => row.status === 'accepted')).map((meter) => meter.id);
  const olderQuery =
    older.length === 0
      ? null
      : selectText(
          sql,
          db,
          `WITH wanted AS (SELECT w AS meter_id FROM unnest($1::uuid[]) AS w),
           h AS (
             SELECT r.meter_id, r.read_on, r.created_at, r.id, r.register_litres, r.consumption_litres, r.status,
               max(r.read_on) FILTER (WHERE r.status = 'accepted') OVER (PARTITION BY r.meter_id) AS last_accepted_on
             FROM readings r JOIN wanted ON wanted.meter_id = r.meter_id
             WHERE r.read_on < $2::date AND r.status IN ('accepted', 'estimated') AND r.id IS DISTINCT FROM $3::uuid
           )
           SELECT ${HISTORY_COLUMNS} FROM h r WHERE r.read_on >= coalesce(r.last_accepted_on, '-infinity'::date)
           ${HISTORY_ORDER}`,
          [arrayLiteral(older), windowStart, excludeId],
        );
  olderQuery?.catch(() => undefined);

  // Each meter's state without its average, which is the account's and is set last: meters with no older
  // readings to look up are folded while the queries above run.
  const folded = new Map<string, MeterState>();
  const isOlder = new Set(older);
  for (const meter of meters) if (!isOlder.has(meter.id)) folded.set(meter.id, fold(emptyState(meter), byMeter.get(meter.id) ?? []));
  if (olderQuery) {
    let olderFields: (string | null)[][];
    try {
      olderFields = await olderQuery;
    } catch (error) {
      // Queued behind the averages: if they failed, theirs is the error to report, not the aborted transaction.
      await averagesQuery;
      throw error;
    }
    const olderRows = new Map<string, HistoryRow[]>();
    for (const row of olderFields.map(toHistoryRow)) {
      const list = olderRows.get(row.meter_id);
      if (list) list.push(row);
      else olderRows.set(row.meter_id, [row]);
    }
    for (const meter of meters) if (isOlder.has(meter.id)) folded.set(meter.id, fold(fold(emptyState(meter), olderRows.get(meter.id) ?? []), byMeter.get(meter.id) ?? []));
  }

  const averages = await (averagesQuery ?? (await prepareAverages(sql, db, accountOfMeter, asOf, windowStart, excludeId))());
  for (const meter of meters) {
    const account = accountOfMeter.get(meter.id);
    const state = folded.get(meter.id) as MeterState;
    state.average = (account && averages.get(account)) || null;
    states.set(meter.id, state);
  }
  return states;
}

/**
 * Average use per account: the use and the days of the counted periods (accepted and estimated readings)
 * read in the 365 days before the date asked about. Each reading's period runs from the meter's reading
 * before it, so days are counted once however often the meter was read. In two steps: the accounts are
 * staged (a large set, on a server) when this resolves, and the function it resolves to sends the query,
 * so that the caller can send it right behind another.
 */
async function prepareAverages(
  sql: Sql,
  db: Database | undefined,
  accountOfMeter: ReadonlyMap<string, string>,
  asOf: ReadonlyMap<string, string>,
  windowStart: string,
  excludeId: string | null,
): Promise<() => Promise<Map<string, { litres: number; days: number }>>> {
  const dates = new Map<string, string>();
  for (const [meterId, accountId] of accountOfMeter) {
    const date = asOf.get(meterId);
    if (!date) continue;
    const current = dates.get(accountId);
    if (!current || date < current) dates.set(accountId, date);
  }
  const result = new Map<string, { litres: number; days: number }>();
  if (dates.size === 0) return () => Promise.resolve(result);
  const staged = shouldStageKeys(db, dates.size);
  if (staged) {
    await stageKeys(db, sql, 'history_accounts', [{ name: 'account_id', type: 'uuid' }, { name: 'as_of', type: 'date' }], [...dates].map(([accountId, date]) => [accountId, date]));
  }
  return async () => {
    const rows = await selectText(
      sql,
      db,
      `WITH wanted AS (${staged ? 'SELECT account_id, as_of FROM history_accounts' : 'SELECT * FROM unnest($1::uuid[], $2::date[]) AS w(account_id, as_of)'}),
       h AS (
         SELECT r.account_id, r.read_on, r.consumption_litres, wanted.as_of,
           lag(r.read_on) OVER (PARTITION BY r.meter_id ORDER BY r.read_on, r.created_at, r.id) AS previous_on
         FROM readings r JOIN wanted ON wanted.account_id = r.account_id
         WHERE r.read_on >= $3::date AND r.status IN ('accepted', 'estimated') AND r.id IS DISTINCT FROM $4::uuid
       )
       SELECT account_id::text AS account_id, sum(consumption_litres)::text AS litres, sum(read_on - previous_on)::text AS days
       FROM h
       WHERE previous_on IS NOT NULL AND consumption_litres IS NOT NULL AND read_on < as_of AND read_on >= as_of - ${READING_RULES.averageWindowDays}
       GROUP BY account_id`,
      staged ? [null, null, windowStart, excludeId] : [arrayLiteral([...dates.keys()]), arrayLiteral([...dates.values()]), windowStart, excludeId],
    );
    for (const [accountId, litres, days] of rows) if (Number(days) > 0) result.set(accountId as string, { litres: Number(litres), days: Number(days) });
    return result;
  };
}

/**
 * A meter's facts as text columns (selectText) of the meters aliased `alias`, in the order toMeterInfo reads
 * them, each named after the alias: selectText without a database takes the row's values by name.
 */
export const meterInfoColumns = (alias: string): string =>
  ['id', 'serial_no', 'premise_id', 'size_dn', 'status', 'initial_reading_litres', 'installed_on'].map((column) => `${alias}.${column}::text AS ${alias}_${column}`).join(', ');
export const METER_INFO_COLUMNS = meterInfoColumns('m');

/** The meter whose columns (meterInfoColumns) start at `at` of a row's fields. */
export const toMeterInfo = (fields: readonly (string | null)[], at = 0): MeterInfo => ({
  id: fields[at] as string,
  serialNo: fields[at + 1] as string,
  premiseId: fields[at + 2] ?? null,
  sizeDn: Number(fields[at + 3]),
  status: fields[at + 4] as string,
  initialReadingLitres: Number(fields[at + 5]),
  installedOn: fields[at + 6] ?? null,
});
