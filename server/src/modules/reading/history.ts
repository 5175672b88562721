/**
 * Loads, set-based, what validation needs about many meters at once: their latest counted and actual
 * readings, estimates since, recent registers, and the account's 12-month average. Every query joins the
 * requested ids as an unnest() relation, so the planner uses index lookups for a handful of meters and hash
 * joins over the recent partitions for a whole import.
 */
import { shouldStageKeys, stageKeys, type BulkColumn } from '../../platform/db/bulk';
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
  /** The meter's place in the list asked about (loadMeterStatesAt). */
  slot: number;
  read_on: string;
  register_litres: number;
  consumption_litres: number | null;
  status: 'accepted' | 'estimated' | 'suspect';
}

/** How far back the window of recent readings reaches before the earliest date asked about. */
const WINDOW_DAYS = READING_RULES.averageWindowDays + 45;

/** What a meter's state starts from. */
export type MeterFacts = Pick<MeterInfo, 'id' | 'sizeDn' | 'status' | 'initialReadingLitres'>;

function emptyState(meter: MeterFacts): MeterState {
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

const HISTORY_COLUMNS = 'r.slot::text AS slot, r.read_on::text AS read_on, r.register_litres::text AS register_litres, r.consumption_litres::text AS consumption_litres, r.status';
const toHistoryRow = (fields: readonly (string | null)[]): HistoryRow => ({
  slot: Number(fields[0]),
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

/** A meter whose state is wanted: its account (for the average) and the earliest date it is read on now. */
export interface MeterToLoad {
  meter: MeterFacts;
  accountId: string | null;
  /** The state is the one before readings on this date; null: no average. */
  asOf: string | null;
}

/** The state of each meter before readings on `asOf` dates (the earliest date each meter is read in the batch). */
export async function loadMeterStates(
  sql: Sql,
  meters: readonly MeterInfo[],
  accountOfMeter: ReadonlyMap<string, string>,
  asOf: ReadonlyMap<string, string>,
  options: MeterStateOptions = {},
): Promise<Map<string, MeterState>> {
  const distinct = new Map<string, MeterInfo>();
  for (const meter of meters) if (!distinct.has(meter.id)) distinct.set(meter.id, meter);
  const wanted = [...distinct.values()].map((meter) => ({ meter, accountId: accountOfMeter.get(meter.id) ?? null, asOf: asOf.get(meter.id) ?? null }));
  const states = await loadMeterStatesAt(sql, wanted, options);
  return new Map(wanted.map((entry, slot) => [entry.meter.id, states[slot] as MeterState]));
}

/**
 * The state of each of `wanted` (distinct meters), in the same order. Each meter is known to the queries by its
 * place in the list (its slot), so their answers are filed by number rather than looked up by id.
 */
export async function loadMeterStatesAt(sql: Sql, wanted: readonly MeterToLoad[], options: MeterStateOptions = {}): Promise<MeterState[]> {
  const { excludeId = null, before = '9999-12-31', db } = options;
  const count = wanted.length;
  const states = new Array<MeterState>(count);
  if (count === 0) return states;
  let earliest = '9999-12-31';
  for (const entry of wanted) if (entry.asOf !== null && entry.asOf < earliest) earliest = entry.asOf;
  const windowStart = addDays(earliest, -WINDOW_DAYS);
  const slots = (list: readonly number[]) => [arrayLiteral(list.map((slot) => (wanted[slot] as MeterToLoad).meter.id)), arrayLiteral(list)];
  // A large set of meters (a file's) goes into a keyed, analysed temporary table: the planner then merges it
  // with the readings' (meter, date) index, 0.4 s for 250,000 meters among 2,000,000 readings, where with the
  // ids as an unnest() it hashed every reading of the window (2.3 s, and more with every month kept). Given as
  // arrays, the ids are a plain unnest() of distinct ids, so the planner knows how many there are (a DISTINCT
  // over them was estimated at 200 rows, and a 250,000-meter import probed every monthly partition's index per
  // meter: 7 s instead of a hash join's fraction of a second).
  const staged = shouldStageKeys(db, count);
  if (staged) await stageKeys(db, sql, 'history_meter_slots', HISTORY_METER_COLUMNS, wanted.map((entry, slot) => [entry.meter.id, slot]));

  // A large set (on a server) stages the accounts too before anything is asked, so that the averages can be
  // sent right behind the recent readings on the same connection: PostgreSQL computes them (2.7 s for a
  // file of 250,000 meters) while Node turns the recent readings into states, instead of each waiting for
  // the other. Every statement only reads; the look-up of older readings now comes after the averages.
  const averages = await prepareAverages(sql, db, wanted, windowStart, excludeId);
  const sendAverages = staged ? averages.send : null;

  // Recent readings that matter: everything since the last accepted one, and the last few actual registers.
  const [ids, numbers] = staged ? [null, null] : slots(Array.from({ length: count }, (_unused, slot) => slot));
  const recentQuery = selectText(
    sql,
    db,
    `WITH wanted AS (${staged ? 'SELECT meter_id, slot FROM history_meter_slots' : 'SELECT * FROM unnest($1::uuid[], $5::int4[]) AS w(meter_id, slot)'}),
     h AS (
       SELECT wanted.slot, r.meter_id, r.read_on, r.created_at, r.id, r.register_litres, r.consumption_litres, r.status,
         max(r.read_on) FILTER (WHERE r.status = 'accepted') OVER (PARTITION BY r.meter_id) AS last_accepted_on,
         row_number() OVER (PARTITION BY r.meter_id, r.status = 'estimated' ORDER BY r.read_on DESC, r.created_at DESC) AS recency
       FROM readings r JOIN wanted ON wanted.meter_id = r.meter_id
       WHERE r.read_on >= $2::date AND r.read_on < $4::date AND r.status IN ('accepted', 'estimated', 'suspect') AND r.id IS DISTINCT FROM $3::uuid
     )
     SELECT ${HISTORY_COLUMNS} FROM h r
     WHERE r.read_on >= coalesce(r.last_accepted_on, '-infinity'::date) OR (r.status <> 'estimated' AND r.recency <= ${READING_RULES.stuckReadings})
     ${HISTORY_ORDER}`,
    [ids, windowStart, excludeId, before, numbers],
  );
  // A failure is reported where the answer is awaited; the catch only keeps it from being reported as
  // unhandled first.
  const averagesQuery = sendAverages ? sendAverages() : null;
  averagesQuery?.catch(() => undefined);
  const recent = byslot(count, (await recentQuery).map(toHistoryRow));

  // Meters without an accepted reading in the window: their last accepted one may be older.
  const older: number[] = [];
  for (let slot = 0; slot < count; slot += 1) if (!(recent[slot] ?? []).some((row) => row.status === 'accepted')) older.push(slot);
  const olderKeys = slots(older);
  const olderQuery =
    older.length === 0
      ? null
      : selectText(
          sql,
          db,
          `WITH wanted AS (SELECT * FROM unnest($1::uuid[], $4::int4[]) AS w(meter_id, slot)),
           h AS (
             SELECT wanted.slot, r.meter_id, r.read_on, r.created_at, r.id, r.register_litres, r.consumption_litres, r.status,
               max(r.read_on) FILTER (WHERE r.status = 'accepted') OVER (PARTITION BY r.meter_id) AS last_accepted_on
             FROM readings r JOIN wanted ON wanted.meter_id = r.meter_id
             WHERE r.read_on < $2::date AND r.status IN ('accepted', 'estimated') AND r.id IS DISTINCT FROM $3::uuid
           )
           SELECT ${HISTORY_COLUMNS} FROM h r WHERE r.read_on >= coalesce(r.last_accepted_on, '-infinity'::date)
           ${HISTORY_ORDER}`,
          [olderKeys[0], windowStart, excludeId, olderKeys[1]],
        );
  olderQuery?.catch(() => undefined);

  // Each meter's state without its average, which is the account's and is set last: meters with no older
  // readings to look up are folded while the queries above run.
  const isOlder = new Array<boolean>(count).fill(false);
  for (const slot of older) isOlder[slot] = true;
  for (let slot = 0; slot < count; slot += 1) if (!isOlder[slot]) states[slot] = fold(emptyState((wanted[slot] as MeterToLoad).meter), recent[slot] ?? []);
  if (olderQuery) {
    let olderFields: (string | null)[][];
    try {
      olderFields = await olderQuery;
    } catch (error) {
      // Queued behind the averages: if they failed, theirs is the error to report, not the aborted transaction.
      await averagesQuery;
      throw error;
    }
    const olderRows = byslot(count, olderFields.map(toHistoryRow));
    for (const slot of older) states[slot] = fold(fold(emptyState((wanted[slot] as MeterToLoad).meter), olderRows[slot] ?? []), recent[slot] ?? []);
  }

  const averageOf = await (averagesQuery ?? averages.send());
  for (let slot = 0; slot < count; slot += 1) (states[slot] as MeterState).average = averageOf(slot);
  return states;
}

// Staged in history_meter_slots and history_account_slots: new names for new column lists, since a connection
// keeps its temporary tables (stageKeys) and one kept from before would not take the slots.
const HISTORY_METER_COLUMNS: BulkColumn[] = [
  { name: 'meter_id', type: 'uuid' },
  { name: 'slot', type: 'int4' },
];
const HISTORY_ACCOUNT_COLUMNS: BulkColumn[] = [
  { name: 'account_id', type: 'uuid' },
  { name: 'as_of', type: 'date' },
  { name: 'slot', type: 'int4' },
];

/** Rows (each meter's in order) filed under their slots. */
function byslot(count: number, rows: readonly HistoryRow[]): (HistoryRow[] | undefined)[] {
  const result = new Array<HistoryRow[] | undefined>(count);
  for (const row of rows) {
    const list = result[row.slot];
    if (list) list.push(row);
    else result[row.slot] = [row];
  }
  return result;
}

/**
 * Average use per account: the use and the days of the counted periods (accepted and estimated readings)
 * read in the 365 days before the date asked about. Each reading's period runs from the meter's reading
 * before it, so days are counted once however often the meter was read. In two steps: the accounts are
 * staged (a large set, on a server) when this resolves, and `send` sends the query, so that the caller can
 * send it right behind another; its answer gives each meter's (by slot) account's average.
 */
async function prepareAverages(
  sql: Sql,
  db: Database | undefined,
  wanted: readonly MeterToLoad[],
  windowStart: string,
  excludeId: string | null,
): Promise<{ send: () => Promise<(slot: number) => { litres: number; days: number } | null> }> {
  // Each account once, with the earliest date any of its meters is asked about; numbered in order.
  const accountSlot = new Map<string, number>();
  const accounts: [string, string, number][] = [];
  const accountOfMeter = new Array<number>(wanted.length).fill(-1);
  for (let slot = 0; slot < wanted.length; slot += 1) {
    const { accountId, asOf } = wanted[slot] as MeterToLoad;
    if (accountId === null || asOf === null) continue;
    let at = accountSlot.get(accountId);
    if (at === undefined) {
      at = accounts.length;
      accountSlot.set(accountId, at);
      accounts.push([accountId, asOf, at]);
    } else if (asOf < (accounts[at] as [string, string, number])[1]) (accounts[at] as [string, string, number])[1] = asOf;
    accountOfMeter[slot] = at;
  }
  const averages = new Array<{ litres: number; days: number } | null>(accounts.length).fill(null);
  const answer = (slot: number) => {
    const at = accountOfMeter[slot] as number;
    return at < 0 ? null : (averages[at] ?? null);
  };
  if (accounts.length === 0) return { send: () => Promise.resolve(answer) };
  const staged = shouldStageKeys(db, accounts.length);
  if (staged) await stageKeys(db, sql, 'history_account_slots', HISTORY_ACCOUNT_COLUMNS, accounts);
  return {
    send: async () => {
      const rows = await selectText(
        sql,
        db,
        `WITH wanted AS (${staged ? 'SELECT account_id, as_of, slot FROM history_account_slots' : 'SELECT * FROM unnest($1::uuid[], $2::date[], $5::int4[]) AS w(account_id, as_of, slot)'}),
         h AS (
           SELECT wanted.slot, r.read_on, r.consumption_litres, wanted.as_of,
             lag(r.read_on) OVER (PARTITION BY r.meter_id ORDER BY r.read_on, r.created_at, r.id) AS previous_on
           FROM readings r JOIN wanted ON wanted.account_id = r.account_id
           WHERE r.read_on >= $3::date AND r.status IN ('accepted', 'estimated') AND r.id IS DISTINCT FROM $4::uuid
         )
         SELECT slot::text AS slot, sum(consumption_litres)::text AS litres, sum(read_on - previous_on)::text AS days
         FROM h
         WHERE previous_on IS NOT NULL AND consumption_litres IS NOT NULL AND read_on < as_of AND read_on >= as_of - ${READING_RULES.averageWindowDays}
         GROUP BY slot`,
        staged
          ? [null, null, windowStart, excludeId, null]
          : [arrayLiteral(accounts.map((account) => account[0])), arrayLiteral(accounts.map((account) => account[1])), windowStart, excludeId, arrayLiteral(accounts.map((account) => account[2]))],
      );
      for (const [slot, litres, days] of rows) if (Number(days) > 0) averages[Number(slot)] = { litres: Number(litres), days: Number(days) };
      return answer;
    },
  };
}

/** A meter's facts as text columns (selectText), in the order toMeterInfo reads them. */
export const METER_INFO_COLUMNS =
  'm.id::text AS id, m.serial_no, m.premise_id::text AS premise_id, m.size_dn::text AS size_dn, m.status, m.initial_reading_litres::text AS initial_reading_litres, m.installed_on::text AS installed_on';

export const toMeterInfo = (fields: readonly (string | null)[]): MeterInfo => ({
  id: fields[0] as string,
  serialNo: fields[1] as string,
  premiseId: fields[2] ?? null,
  sizeDn: Number(fields[3]),
  status: fields[4] as string,
  initialReadingLitres: Number(fields[5]),
  installedOn: fields[6] ?? null,
});
