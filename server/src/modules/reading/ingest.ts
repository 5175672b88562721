/**
 * The one way readings enter the table, whatever the channel: resolve accounts and meters, drop duplicates,
 * validate against each meter's history, insert set-based. Runs inside the caller's tenant transaction.
 *
 * - `all_or_nothing` (file imports): any row error means nothing is written and every error is reported.
 * - `per_item` (head-end batches, MQTT, handheld, portal): good items are written, bad ones reported.
 *
 * Duplicates are ignored and counted: the same external id (head-ends, devices), or the same meter, date
 * and register as a stored reading or an earlier row of the batch.
 *
 * Ingestion for a tenant is serialised by a transaction-scoped advisory lock, so two batches touching the
 * same meter never compute consumption from the same previous reading.
 */
import { copyRows, shouldStageKeys, stageKeys, type BulkColumn } from '../../platform/db/bulk';
import { arrayLiteral, selectText, type Database, type Sql } from '../../platform/db/database';
import { timeOrderedUuid } from '../../platform/db/ids';
import { loadMeterStates, METER_INFO_COLUMNS, toMeterInfo, type MeterInfo } from './history';
import type { ReadingSource, RowError } from './schemas';
import { isCalendarDate, MAX_REGISTER_LITRES } from './units';
import { nextState, validateReading, type Anomaly, type MeterState } from './validation';

export interface ReadingInput {
  /** Position in the source, for error reports (a file's row number, a batch's index). */
  row: number;
  accountNo?: string | null;
  accountId?: string | null;
  meterSerial?: string | null;
  meterId?: string | null;
  readOn: string;
  readAt?: Date | null;
  registerLitres: number;
  source: ReadingSource;
  externalId?: string | null;
  staffId?: string | null;
  photoPath?: string | null;
  note?: string | null;
}

export interface IngestItem {
  row: number;
  outcome: 'created' | 'duplicate' | 'error';
  readingId: string | null;
  status: 'accepted' | 'suspect' | null;
  anomalies: Anomaly[];
  consumptionLitres: number | null;
  errors: RowError[];
}

export interface IngestOutcome {
  items: IngestItem[];
  created: number;
  duplicates: number;
  accepted: number;
  suspect: number;
  errors: RowError[];
  /** Nothing was written because some row failed (all_or_nothing). */
  isRejected: boolean;
}

export interface IngestOptions {
  mode: 'all_or_nothing' | 'per_item';
  /** Today in the utility's time zone: readings may not be dated later. */
  today: string;
  /** The database of `sql`: large batches then go in by COPY (copyRows). */
  db?: Database;
  /** Check everything and report, but write nothing (a file whose other rows already failed). */
  validateOnly?: boolean;
  /** Column names used in error reports, so they match the caller's vocabulary. */
  fields?: Partial<Record<'account' | 'meter' | 'readOn' | 'register' | 'externalId', string>>;
}

interface AccountRef {
  id: string;
  accountNo: string;
  premiseId: string;
  status: string;
}

const ADVISORY_NAMESPACE = 7234010;

export async function lockTenantReadings(sql: Sql, tenantId: string): Promise<void> {
  await sql.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_NAMESPACE, tenantId]);
}

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
};

/** The noon of a business date in China Standard Time, as a stand-in time for readings that carry only a date. */
export const middayOf = (date: string): Date => new Date(`${date}T04:00:00Z`);

/** A batch large enough to stage its keys is large: more memory for its joins, and no JIT. */
const LARGE_BATCH_WORK_MEM = '128MB';
/**
 * Keys per look-up statement given as an array. The planner hashes the whole table for a large key set,
 * whatever its size, so one statement for 250,000 keys costs what each of five statements of 50,000 did
 * (0.7 s at 1,000,000 accounts). On a server a large batch's numbers go into a keyed temporary table
 * instead (stageKeys), which the planner merges with the table's unique index: 0.22 s for 250,000.
 */
const LOOKUP_CHUNK = 500_000;

const PROFILE = process.env.SHUIWU_INGEST_PROFILE === '1';

export async function ingestReadings(sql: Sql, tenantId: string, inputs: readonly ReadingInput[], options: IngestOptions): Promise<IngestOutcome> {
  let mark = performance.now();
  const phase = (name: string) => {
    if (!PROFILE) return;
    const now = performance.now();
    console.error(`[ingest] ${name} ${(now - mark).toFixed(0)} ms (${inputs.length} rows)`);
    mark = now;
  };
  const field = {
    account: options.fields?.account ?? 'accountNo',
    meter: options.fields?.meter ?? 'meterSerial',
    readOn: options.fields?.readOn ?? 'readOn',
    register: options.fields?.register ?? 'registerLitres',
    externalId: options.fields?.externalId ?? 'externalId',
  };
  const items: IngestItem[] = inputs.map((input) => ({ row: input.row, outcome: 'created', readingId: null, status: null, anomalies: [], consumptionLitres: null, errors: [] }));
  const fail = (index: number, name: string, zh: string, en: string) => {
    const item = items[index] as IngestItem;
    item.outcome = 'error';
    item.errors.push({ row: item.row, field: name, zh, en });
  };

  // 1. Shape checks that need no database.
  inputs.forEach((input, index) => {
    if (!isCalendarDate(input.readOn)) fail(index, field.readOn, '日期无效，应为 YYYY-MM-DD', 'is not a valid date (YYYY-MM-DD)');
    else if (input.readOn > options.today) fail(index, field.readOn, `不能晚于今天（${options.today}）`, `may not be after today (${options.today})`);
    if (!Number.isSafeInteger(input.registerLitres) || input.registerLitres < 0 || input.registerLitres > MAX_REGISTER_LITRES) {
      fail(index, field.register, '读数须为非负数', 'must be a non-negative number');
    }
    if (!input.accountNo && !input.accountId && !input.meterSerial && !input.meterId) fail(index, field.account, '必填', 'is required');
  });

  await lockTenantReadings(sql, tenantId);
  // A large batch joins its keys to whole tables (accounts, meters, recent readings): with the default 4 MB
  // each hash and sort spilled to disk in 16–32 batches. And its statements cost enough for JIT compilation,
  // which took 0.5–0.7 s of each history query to save nothing. For this transaction only.
  if (shouldStageKeys(options.db, inputs.length)) {
    await sql.query(`SELECT set_config('work_mem', '${LARGE_BATCH_WORK_MEM}', true), set_config('jit', 'off', true)`);
  }
  phase('shape + lock');

  // 2. Accounts and meters, by number or id, looked up once each.
  const live = () => inputs.map((input, index) => ({ input, index })).filter(({ index }) => (items[index] as IngestItem).outcome !== 'error');
  // The meters' keys are staged and their look-ups sent while PostgreSQL still answers the accounts', whose
  // rows Node then reads while it answers the meters': the same statements in the same order, overlapped.
  const accountLookups = await sendAccountLookups(sql, options.db, inputs);
  let meterLookups: Lookups;
  try {
    meterLookups = await sendMeterLookups(sql, options.db, inputs);
  } catch (error) {
    // Sent behind the accounts' look-ups: if one of them failed, that is the error to report.
    await collectAccounts(accountLookups);
    throw error;
  }
  const accounts = await collectAccounts(accountLookups);
  const meters = await collectMeters(meterLookups);
  phase('resolve: accounts and meters');
  // Meters named without an account belong to the open account at their premise; accounts named without a
  // meter are read on the meter installed at their premise.
  const premiseIds = new Set<string>();
  for (const { input } of live()) {
    if (!input.accountNo && !input.accountId) {
      const meter = input.meterId ? meters.byId.get(input.meterId) : meters.bySerial.get(input.meterSerial ?? '');
      if (meter?.premiseId) premiseIds.add(meter.premiseId);
    }
  }
  const openAccountAt = await openAccountsAt(sql, options.db, [...premiseIds]);
  const accountPremises = new Set<string>();
  for (const { input } of live()) {
    if (!input.meterId && !input.meterSerial) {
      const account = input.accountId ? accounts.byId.get(input.accountId) : accounts.byNo.get(input.accountNo ?? '');
      if (account) accountPremises.add(account.premiseId);
    }
  }
  const installedAt = await installedMetersAt(sql, options.db, [...accountPremises]);
  phase('resolve');

  interface Resolved {
    index: number;
    input: ReadingInput;
    account: AccountRef;
    meter: MeterInfo;
  }
  const resolved: Resolved[] = [];
  for (const { input, index } of live()) {
    let account: AccountRef | undefined;
    let meter: MeterInfo | undefined;
    if (input.meterId || input.meterSerial) {
      meter = input.meterId ? meters.byId.get(input.meterId) : meters.bySerial.get(input.meterSerial ?? '');
      if (!meter) {
        fail(index, field.meter, '表号不存在', 'no meter with this serial number');
        continue;
      }
    }
    if (input.accountId || input.accountNo) {
      account = input.accountId ? accounts.byId.get(input.accountId) : accounts.byNo.get(input.accountNo ?? '');
      if (!account) {
        fail(index, field.account, '户号不存在', 'no account with this number');
        continue;
      }
    } else if (meter) {
      account = meter.premiseId ? openAccountAt.get(meter.premiseId) : undefined;
      if (!account) {
        fail(index, field.meter, '该水表所在地址没有在用账户', 'the meter is not at an address with an open account');
        continue;
      }
    }
    if (!account) continue;
    if (!meter) {
      const candidates = installedAt.get(account.premiseId) ?? [];
      if (candidates.length !== 1) {
        fail(index, field.meter, candidates.length === 0 ? '该账户没有在装水表' : '该账户有多块水表，请指定表号', candidates.length === 0 ? 'the account has no installed meter' : 'the account has several meters: name one');
        continue;
      }
      meter = candidates[0] as MeterInfo;
    }
    if (meter.premiseId !== account.premiseId) {
      fail(index, field.meter, `该水表不属于户号 ${account.accountNo}`, `the meter does not belong to account ${account.accountNo}`);
      continue;
    }
    if (account.status === 'closed') {
      fail(index, field.account, '账户已销户', 'the account is closed');
      continue;
    }
    resolved.push({ index, input, account, meter });
  }

  // 3. Duplicates: within the batch first, then against the table.
  const seenKeys = new Set<string>();
  const seenExternal = new Set<string>();
  const fresh: Resolved[] = [];
  const markDuplicate = (index: number) => {
    (items[index] as IngestItem).outcome = 'duplicate';
  };
  const existingKeys = await existingReadingKeys(sql, options.db, resolved.map((entry) => ({ meterId: entry.meter.id, readOn: entry.input.readOn, registerLitres: entry.input.registerLitres })));
  const existingExternal = await existingExternalIds(sql, options.db, resolved.filter((entry) => entry.input.externalId).map((entry) => ({ externalId: entry.input.externalId as string, readOn: entry.input.readOn })));
  phase('duplicates: queries');
  for (const entry of resolved) {
    const key = `${entry.meter.id}|${entry.input.readOn}|${entry.input.registerLitres}`;
    const external = entry.input.externalId ? `${entry.input.externalId}|${entry.input.readOn}` : null;
    if (seenKeys.has(key) || existingKeys.has(key) || (external && (seenExternal.has(external) || existingExternal.has(external)))) {
      markDuplicate(entry.index);
      continue;
    }
    seenKeys.add(key);
    if (external) seenExternal.add(external);
    fresh.push(entry);
  }

  // 4. Validation against each meter's history, in date order per meter.
  fresh.sort((a, b) => (a.meter.id < b.meter.id ? -1 : a.meter.id > b.meter.id ? 1 : a.input.readOn < b.input.readOn ? -1 : a.input.readOn > b.input.readOn ? 1 : a.index - b.index));
  const meterList = new Map<string, MeterInfo>();
  const accountOfMeter = new Map<string, string>();
  const asOf = new Map<string, string>();
  for (const entry of fresh) {
    meterList.set(entry.meter.id, entry.meter);
    accountOfMeter.set(entry.meter.id, entry.account.id);
    const current = asOf.get(entry.meter.id);
    if (!current || entry.input.readOn < current) asOf.set(entry.meter.id, entry.input.readOn);
  }
  phase('duplicates');
  const states = await loadMeterStates(sql, [...meterList.values()], accountOfMeter, asOf, { db: options.db });
  phase('history');
  const rows: unknown[][] = [];
  let accepted = 0;
  let suspect = 0;
  for (const entry of fresh) {
    const state = states.get(entry.meter.id) as MeterState;
    const latest = [state.previous?.readOn, state.lastActual?.readOn].filter(Boolean).sort().at(-1);
    if (latest && entry.input.readOn < latest) {
      fail(entry.index, field.readOn, `早于该水表最近一次读数日期 ${latest}`, `is before the meter's latest reading on ${latest}`);
      continue;
    }
    const reading = { readOn: entry.input.readOn, registerLitres: entry.input.registerLitres };
    const result = validateReading(state, reading);
    states.set(entry.meter.id, nextState(state, reading, result));
    const item = items[entry.index] as IngestItem;
    const id = timeOrderedUuid();
    item.readingId = id;
    item.status = result.status;
    item.anomalies = result.anomalies;
    item.consumptionLitres = result.consumptionLitres;
    if (result.status === 'accepted') accepted += 1;
    else suspect += 1;
    rows.push([
      id,
      entry.account.id,
      entry.meter.id,
      entry.input.readOn,
      entry.input.readAt ?? middayOf(entry.input.readOn),
      entry.input.registerLitres,
      result.consumptionLitres,
      entry.input.source,
      result.status,
      `{${result.anomalies.join(',')}}`,
      entry.input.staffId ?? null,
      entry.input.photoPath ?? null,
      entry.input.externalId ?? null,
      entry.input.note ?? null,
    ]);
  }

  const errors = items.flatMap((item) => item.errors);
  const duplicates = items.filter((item) => item.outcome === 'duplicate').length;
  if ((options.mode === 'all_or_nothing' && errors.length > 0) || options.validateOnly) {
    for (const item of items) if (item.outcome === 'created') Object.assign(item, { readingId: null, status: null });
    return { items, created: 0, duplicates, accepted: 0, suspect: 0, errors, isRejected: true };
  }
  // Rows that failed the order check above were already dropped from `rows` by `continue`.
  phase('validate');
  await insertReadings(sql, tenantId, rows, options.db);
  phase('insert');
  return { items, created: rows.length, duplicates, accepted, suspect, errors, isRejected: false };
}

export const READING_INSERT_COLUMNS = [
  ['id', 'uuid'],
  ['account_id', 'uuid'],
  ['meter_id', 'uuid'],
  ['read_on', 'date'],
  ['read_at', 'timestamptz'],
  ['register_litres', 'int8'],
  ['consumption_litres', 'int8'],
  ['source', 'text'],
  ['status', 'text'],
  ['anomalies', 'text'],
  ['staff_id', 'uuid'],
  ['photo_path', 'text'],
  ['external_id', 'text'],
  ['note', 'text'],
] as const;

const COPY_COLUMNS: BulkColumn[] = [{ name: 'tenant_id', type: 'uuid' }, ...READING_INSERT_COLUMNS.map(([name, type]) => ({ name, type: name === 'anomalies' ? 'text[]' : type }))];

/**
 * Inserts readings set-based. With the database at hand (large batches): COPY, straight into the table as the
 * bulk writer checked for the tenant, or through a temporary table (platform copyRows, ADR 0007). Otherwise one
 * INSERT … SELECT FROM unnest(typed arrays) per chunk. Anomalies are given as an array literal ("{a,b}").
 */
export async function insertReadings(sql: Sql, tenantId: string, rows: readonly unknown[][], db?: Database, chunkSize = 20_000): Promise<void> {
  if (rows.length === 0) return;
  if (db && db.kind === 'server' && rows.length >= 1000) {
    await copyRows(db, sql, 'readings', COPY_COLUMNS, rows.map((row) => [tenantId, ...row]));
    return;
  }
  const names = READING_INSERT_COLUMNS.map(([name]) => name);
  const selects = READING_INSERT_COLUMNS.map(([name], index) => (name === 'anomalies' ? `coalesce(nullif(c${index}, '')::text[], '{}')` : `c${index}`));
  const statement = `INSERT INTO readings (tenant_id, ${names.join(', ')})
    SELECT $1::uuid, ${selects.join(', ')}
    FROM unnest(${READING_INSERT_COLUMNS.map(([, type], index) => `$${index + 2}::${type}[]`).join(', ')}) AS t(${names.map((_name, index) => `c${index}`).join(', ')})`;
  for (const chunk of chunks(rows, chunkSize)) {
    const arrays = READING_INSERT_COLUMNS.map((_column, index) => chunk.map((row) => row[index] ?? null));
    await sql.query(statement, [tenantId, ...arrays]);
  }
}

const ACCOUNT_REF_COLUMNS = 'a.id::text AS id, a.account_no, a.premise_id::text AS premise_id, a.status';
const toAccountRef = (fields: readonly (string | null)[]): AccountRef => ({ id: fields[0] as string, accountNo: fields[1] as string, premiseId: fields[2] as string, status: fields[3] as string });
const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Look-ups sent but not yet awaited: on one connection they queue and run in turn. Each promise's failure is
 * reported where it is awaited (collectAccounts, collectMeters); the catch only keeps it from being reported
 * as unhandled before that.
 */
type Lookups = Promise<(string | null)[][]>[];
const sent = (lookup: Promise<(string | null)[][]>, lookups: Lookups): void => {
  lookup.catch(() => undefined);
  lookups.push(lookup);
};

/**
 * One table's rows looked up by a text key (staged in a temporary table when there are many: shouldStageKeys)
 * and by id, each look-up sent at once and read later (collect). The table, its alias and the aliased key
 * column are this file's own names, never input.
 */
async function sendKeyLookups(
  sql: Sql,
  db: Database | undefined,
  target: { table: string; alias: string; columns: string; key: string; staged: string },
  keys: readonly string[],
  ids: readonly string[],
): Promise<Lookups> {
  const lookups: Lookups = [];
  const from = `${target.table} ${target.alias}`;
  if (shouldStageKeys(db, keys.length)) {
    await stageKeys(db, sql, target.staged, [{ name: 'key', type: 'text' }], keys.map((key) => [key]));
    sent(selectText(sql, db, `SELECT ${target.columns} FROM ${from} JOIN ${target.staged} k ON k.key = ${target.key}`), lookups);
  } else {
    for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
      sent(selectText(sql, db, `SELECT ${target.columns} FROM ${from} JOIN unnest($1::text[]) AS k(key) ON k.key = ${target.key}`, [arrayLiteral(chunk)]), lookups);
    }
  }
  for (const chunk of chunks(ids.filter((id) => UUID_LIKE.test(id)), LOOKUP_CHUNK)) {
    sent(selectText(sql, db, `SELECT ${target.columns} FROM ${from} JOIN unnest($1::uuid[]) AS k(id) ON k.id = ${target.alias}.id`, [arrayLiteral(chunk)]), lookups);
  }
  return lookups;
}

/** The rows of sent look-ups, by key and by id. */
async function collect<T extends { id: string }>(lookups: Lookups, toRow: (fields: (string | null)[]) => T, keyOf: (row: T) => string): Promise<{ byKey: Map<string, T>; byId: Map<string, T> }> {
  const byKey = new Map<string, T>();
  const byId = new Map<string, T>();
  for (const lookup of lookups) {
    for (const fields of await lookup) {
      const row = toRow(fields);
      byKey.set(keyOf(row), row);
      byId.set(row.id, row);
    }
  }
  return { byKey, byId };
}

/** The ids the inputs give, and the keys they give where they give no id, each once. */
function idsAndKeys(inputs: readonly ReadingInput[], idOf: (input: ReadingInput) => string | null | undefined, keyOf: (input: ReadingInput) => string | null | undefined): { ids: string[]; keys: string[] } {
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const input of inputs) {
    const id = idOf(input);
    const key = id ? null : keyOf(input);
    if (id) ids.add(id);
    if (key) keys.add(key);
  }
  return { ids: [...ids], keys: [...keys] };
}

function sendAccountLookups(sql: Sql, db: Database | undefined, inputs: readonly ReadingInput[]): Promise<Lookups> {
  const { ids, keys } = idsAndKeys(inputs, (input) => input.accountId, (input) => input.accountNo);
  const wellFormed = keys.filter((number) => /^\d{8,12}$/.test(number));
  return sendKeyLookups(sql, db, { table: 'accounts', alias: 'a', columns: ACCOUNT_REF_COLUMNS, key: 'a.account_no', staged: 'ingest_account_nos' }, wellFormed, ids);
}

function sendMeterLookups(sql: Sql, db: Database | undefined, inputs: readonly ReadingInput[]): Promise<Lookups> {
  const { ids, keys } = idsAndKeys(inputs, (input) => input.meterId, (input) => input.meterSerial);
  return sendKeyLookups(sql, db, { table: 'meters', alias: 'm', columns: METER_INFO_COLUMNS, key: 'm.serial_no', staged: 'ingest_meter_serials' }, keys, ids);
}

async function collectAccounts(lookups: Lookups): Promise<{ byNo: Map<string, AccountRef>; byId: Map<string, AccountRef> }> {
  const { byKey, byId } = await collect(lookups, toAccountRef, (account) => account.accountNo);
  return { byNo: byKey, byId };
}

async function collectMeters(lookups: Lookups): Promise<{ bySerial: Map<string, MeterInfo>; byId: Map<string, MeterInfo> }> {
  const { byKey, byId } = await collect(lookups, toMeterInfo, (meter) => meter.serialNo);
  return { bySerial: byKey, byId };
}

async function openAccountsAt(sql: Sql, db: Database | undefined, premiseIds: string[]): Promise<Map<string, AccountRef>> {
  const result = new Map<string, AccountRef>();
  for (const chunk of chunks(premiseIds, LOOKUP_CHUNK)) {
    const rows = await selectText(sql, db, `SELECT ${ACCOUNT_REF_COLUMNS} FROM accounts a JOIN unnest($1::uuid[]) AS p(id) ON p.id = a.premise_id WHERE a.status <> 'closed'`, [arrayLiteral(chunk)]);
    for (const fields of rows) {
      const account = toAccountRef(fields);
      result.set(account.premiseId, account);
    }
  }
  return result;
}

async function installedMetersAt(sql: Sql, db: Database | undefined, premiseIds: string[]): Promise<Map<string, MeterInfo[]>> {
  const result = new Map<string, MeterInfo[]>();
  for (const chunk of chunks(premiseIds, LOOKUP_CHUNK)) {
    const rows = await selectText(sql, db, `SELECT ${METER_INFO_COLUMNS} FROM meters m JOIN unnest($1::uuid[]) AS p(id) ON p.id = m.premise_id WHERE m.status = 'installed'`, [arrayLiteral(chunk)]);
    for (const fields of rows) {
      const meter = toMeterInfo(fields);
      const list = result.get(meter.premiseId as string);
      if (list) list.push(meter);
      else result.set(meter.premiseId as string, [meter]);
    }
  }
  return result;
}

const READING_KEY_COLUMNS: BulkColumn[] = [
  { name: 'meter_id', type: 'uuid' },
  { name: 'read_on', type: 'date' },
  { name: 'register_litres', type: 'int8' },
];
const EXTERNAL_KEY_COLUMNS: BulkColumn[] = [
  { name: 'external_id', type: 'text' },
  { name: 'read_on', type: 'date' },
];

async function existingReadingKeys(sql: Sql, db: Database | undefined, keys: { meterId: string; readOn: string; registerLitres: number }[]): Promise<Set<string>> {
  const result = new Set<string>();
  if (keys.length === 0) return result;
  let from = '9999-12-31';
  let to = '0001-01-01';
  for (const key of keys) {
    if (key.readOn < from) from = key.readOn;
    if (key.readOn > to) to = key.readOn;
  }
  // A large batch's keys go into an analysed temporary table: given as three unnest() arrays, the planner could
  // not tell how few of them match and sorted the whole month's partition for a merge join, in parallel
  // workers that each parsed the arrays again (2.6 s for 250,000 keys against a partition of 1,000,000
  // readings); against the staged keys it hashes them and scans the partition once (0.6–0.9 s).
  if (shouldStageKeys(db, keys.length)) {
    await stageKeys(db, sql, 'ingest_reading_keys', READING_KEY_COLUMNS, keys.map((key) => [key.meterId, key.readOn, key.registerLitres]), { keyed: false });
    const rows = await selectText(
      sql,
      db,
      `SELECT r.meter_id::text AS meter_id, r.read_on::text AS read_on, r.register_litres::text AS register_litres
       FROM readings r JOIN ingest_reading_keys k ON k.meter_id = r.meter_id AND k.read_on = r.read_on AND k.register_litres = r.register_litres
       WHERE r.read_on BETWEEN $1::date AND $2::date`,
      [from, to],
    );
    for (const [meterId, readOn, register] of rows) result.add(`${meterId}|${readOn}|${register}`);
    return result;
  }
  for (const chunk of chunks(keys, 100_000)) {
    const rows = await selectText(
      sql,
      db,
      `SELECT r.meter_id::text AS meter_id, r.read_on::text AS read_on, r.register_litres::text AS register_litres
       FROM readings r JOIN unnest($1::uuid[], $2::date[], $3::int8[]) AS k(meter_id, read_on, register_litres)
         ON k.meter_id = r.meter_id AND k.read_on = r.read_on AND k.register_litres = r.register_litres
       WHERE r.read_on BETWEEN $4::date AND $5::date`,
      [arrayLiteral(chunk.map((key) => key.meterId)), arrayLiteral(chunk.map((key) => key.readOn)), arrayLiteral(chunk.map((key) => key.registerLitres)), from, to],
    );
    for (const [meterId, readOn, register] of rows) result.add(`${meterId}|${readOn}|${register}`);
  }
  return result;
}

async function existingExternalIds(sql: Sql, db: Database | undefined, keys: { externalId: string; readOn: string }[]): Promise<Set<string>> {
  const result = new Set<string>();
  if (keys.length === 0) return result;
  let from = '9999-12-31';
  let to = '0001-01-01';
  for (const key of keys) {
    if (key.readOn < from) from = key.readOn;
    if (key.readOn > to) to = key.readOn;
  }
  if (shouldStageKeys(db, keys.length)) {
    await stageKeys(db, sql, 'ingest_external_keys', EXTERNAL_KEY_COLUMNS, keys.map((key) => [key.externalId, key.readOn]), { keyed: false });
    const rows = await selectText(
      sql,
      db,
      `SELECT r.external_id, r.read_on::text AS read_on FROM readings r JOIN ingest_external_keys k ON k.external_id = r.external_id AND k.read_on = r.read_on
       WHERE r.external_id IS NOT NULL AND r.read_on BETWEEN $1::date AND $2::date`,
      [from, to],
    );
    for (const [externalId, readOn] of rows) result.add(`${externalId}|${readOn}`);
    return result;
  }
  for (const chunk of chunks(keys, 100_000)) {
    const rows = await selectText(
      sql,
      db,
      `SELECT r.external_id, r.read_on::text AS read_on FROM readings r JOIN unnest($1::text[], $2::date[]) AS k(external_id, read_on)
         ON k.external_id = r.external_id AND k.read_on = r.read_on
       WHERE r.external_id IS NOT NULL AND r.read_on BETWEEN $3::date AND $4::date`,
      [arrayLiteral(chunk.map((key) => key.externalId)), arrayLiteral(chunk.map((key) => key.readOn)), from, to],
    );
    for (const [externalId, readOn] of rows) result.add(`${externalId}|${readOn}`);
  }
  return result;
}
