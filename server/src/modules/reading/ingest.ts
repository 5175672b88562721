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
import { copyRows, copyRowsStreamed, shouldStageKeys, stageKeys, type BulkColumn } from '../../platform/db/bulk';
import { arrayLiteral, selectText, type Database, type Sql } from '../../platform/db/database';
import { timeOrderedUuid } from '../../platform/db/ids';
import { loadMeterStatesAt, type MeterFacts, type MeterToLoad } from './history';
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

const NO_ANOMALIES: Anomaly[] = Object.freeze([]) as unknown as Anomaly[];
const NO_ERRORS: RowError[] = Object.freeze([]) as unknown as RowError[];

/** A batch large enough to stage its keys is large: more memory for its joins, and no JIT. */
const LARGE_BATCH_WORK_MEM = '128MB';

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
  // Every item starts with the same empty lists (frozen): a failing item gets its own list of errors, a
  // validated one its own anomalies. Two arrays fewer per row of a file.
  const items: IngestItem[] = inputs.map((input) => ({ row: input.row, outcome: 'created', readingId: null, status: null, anomalies: NO_ANOMALIES, consumptionLitres: null, errors: NO_ERRORS }));
  const fail = (index: number, name: string, zh: string, en: string) => {
    const item = items[index] as IngestItem;
    item.outcome = 'error';
    item.errors = [...item.errors, { row: item.row, field: name, zh, en }];
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
  // each hash and sort spilled to disk in 16–32 batches. For this transaction only. (JIT compilation, which
  // took 0.5–0.7 s of each history query to save nothing, is off in every application transaction.)
  if (shouldStageKeys(options.db, inputs.length)) await sql.query(`SELECT set_config('work_mem', '${LARGE_BATCH_WORK_MEM}', true)`);
  phase('shape + lock');

  // 2. Accounts and meters, by number or id, and through the premise where an input names only one of them:
  // one look-up of every row that passed the shape checks, answered per row.
  const live: number[] = [];
  for (let index = 0; index < inputs.length; index += 1) if ((items[index] as IngestItem).outcome !== 'error') live.push(index);
  const found = await resolveRows(sql, options.db, inputs, live);
  phase('resolve');

  interface Resolved {
    index: number;
    input: ReadingInput;
    account: AccountRef;
    meter: MeterFacts;
  }
  const resolved: Resolved[] = [];
  for (const index of live) {
    const input = inputs[index] as ReadingInput;
    const row = found[index] as ResolvedRow;
    let meter: MeterFacts | null = null;
    if (input.meterId || input.meterSerial) {
      meter = row.meter;
      if (!meter) {
        fail(index, field.meter, '表号不存在', 'no meter with this serial number');
        continue;
      }
    }
    // Named, or else the open account at the named meter's premise (the look-up gives whichever applies).
    const account = row.account;
    if (!account) {
      if (input.accountId || input.accountNo) fail(index, field.account, '户号不存在', 'no account with this number');
      else fail(index, field.meter, '该水表所在地址没有在用账户', 'the meter is not at an address with an open account');
      continue;
    }
    if (!meter) {
      if (row.installedMeters !== 1) {
        fail(index, field.meter, row.installedMeters === 0 ? '该账户没有在装水表' : '该账户有多块水表，请指定表号', row.installedMeters === 0 ? 'the account has no installed meter' : 'the account has several meters: name one');
        continue;
      }
      meter = row.installedMeter as MeterFacts;
    }
    if (!row.samePremise) {
      fail(index, field.meter, `该水表不属于户号 ${account.accountNo}`, `the meter does not belong to account ${account.accountNo}`);
      continue;
    }
    if (account.status === 'closed') {
      fail(index, field.account, '账户已销户', 'the account is closed');
      continue;
    }
    resolved.push({ index, input, account, meter });
  }

  // 3. Duplicates: within the batch first, then against the table. Each meter is numbered where it first
  // appears, and what the batch has seen of it is filed under that number.
  const meterSlot = new Map<string, number>();
  const slotOfEntry = new Array<number>(inputs.length);
  for (const entry of resolved) {
    let slot = meterSlot.get(entry.meter.id);
    if (slot === undefined) {
      slot = meterSlot.size;
      meterSlot.set(entry.meter.id, slot);
    }
    slotOfEntry[entry.index] = slot;
  }
  const slotAt = (entry: Resolved) => slotOfEntry[entry.index] as number;
  const inTable = await existingReadings(sql, options.db, resolved);
  const existingExternal = await existingExternalIds(sql, options.db, resolved.filter((entry) => entry.input.externalId).map((entry) => ({ externalId: entry.input.externalId as string, readOn: entry.input.readOn })));
  phase('duplicates: queries');
  // Date and register of the rows kept so far, per meter: the first in two flat arrays, any more in a list.
  const seenOn = new Array<string | undefined>(meterSlot.size);
  const seenRegister = new Array<number>(meterSlot.size);
  const seenMore = new Map<number, { readOn: string; registerLitres: number }[]>();
  const seenExternal = new Set<string>();
  const fresh: Resolved[] = [];
  for (const entry of resolved) {
    const { readOn, registerLitres, externalId } = entry.input;
    const slot = slotAt(entry);
    const external = externalId ? `${externalId}|${readOn}` : null;
    const firstOn = seenOn[slot];
    const repeated =
      firstOn !== undefined && ((firstOn === readOn && seenRegister[slot] === registerLitres) || seenMore.get(slot)?.some((other) => other.readOn === readOn && other.registerLitres === registerLitres) === true);
    if (inTable[entry.index] === true || repeated || (external && (seenExternal.has(external) || existingExternal.has(external)))) {
      (items[entry.index] as IngestItem).outcome = 'duplicate';
      continue;
    }
    if (firstOn === undefined) {
      seenOn[slot] = readOn;
      seenRegister[slot] = registerLitres;
    } else {
      const more = seenMore.get(slot);
      if (more) more.push({ readOn, registerLitres });
      else seenMore.set(slot, [{ readOn, registerLitres }]);
    }
    if (external) seenExternal.add(external);
    fresh.push(entry);
  }

  // 4. Validation against each meter's history, in date order per meter: the meters with rows to keep are
  // numbered again for the history (loadMeterStatesAt's slots).
  const historySlot = new Array<number>(meterSlot.size).fill(-1);
  const wanted: MeterToLoad[] = [];
  for (const entry of fresh) {
    const slot = slotAt(entry);
    if (historySlot[slot] === -1) {
      historySlot[slot] = wanted.length;
      wanted.push({ meter: entry.meter, accountId: entry.account.id, asOf: entry.input.readOn });
    }
  }
  const stateAt = (entry: Resolved) => historySlot[slotAt(entry)] as number;
  fresh.sort((a, b) => slotAt(a) - slotAt(b) || (a.input.readOn < b.input.readOn ? -1 : a.input.readOn > b.input.readOn ? 1 : a.index - b.index));
  // Each meter's earliest date, and the account of its last row in date order.
  for (const entry of fresh) {
    const meter = wanted[stateAt(entry)] as MeterToLoad;
    meter.accountId = entry.account.id;
    if (entry.input.readOn < (meter.asOf as string)) meter.asOf = entry.input.readOn;
  }
  phase('duplicates');
  const states = await loadMeterStatesAt(sql, wanted, { db: options.db });
  phase('history');
  // A reading dated before its meter's latest stored one is refused. A meter's rows come in date order, and a
  // state only ever moves on to a row's own date, so each row is compared with the state as loaded: every
  // refusal is known before any row is written.
  const valid: Resolved[] = [];
  for (const entry of fresh) {
    const { previous, lastActual } = states[stateAt(entry)] as MeterState;
    const latest = previous && lastActual ? (previous.readOn > lastActual.readOn ? previous.readOn : lastActual.readOn) : (previous?.readOn ?? lastActual?.readOn ?? null);
    if (latest !== null && entry.input.readOn < latest) {
      fail(entry.index, field.readOn, `早于该水表最近一次读数日期 ${latest}`, `is before the meter's latest reading on ${latest}`);
      continue;
    }
    valid.push(entry);
  }

  const errors = items.flatMap((item) => item.errors);
  const duplicates = items.filter((item) => item.outcome === 'duplicate').length;
  const isRejected = (options.mode === 'all_or_nothing' && errors.length > 0) || options.validateOnly === true;
  let created = 0;
  let accepted = 0;
  let suspect = 0;
  // Readings of a file share a few dates: each date's stand-in time is made once (the same Date is only read).
  const middays = new Map<string, Date>();
  const midday = (date: string) => {
    let at = middays.get(date);
    if (!at) middays.set(date, (at = middayOf(date)));
    return at;
  };
  // The rows validated and made into the table's rows (READING_INSERT_COLUMNS), `size` at a time.
  function* validated(size: number): Generator<unknown[][]> {
    for (let start = 0; start < valid.length; start += size) {
      const end = Math.min(valid.length, start + size);
      const rows = new Array<unknown[]>(end - start);
      for (let at = start; at < end; at += 1) {
        const entry = valid[at] as Resolved;
        const slot = stateAt(entry);
        const state = states[slot] as MeterState;
        const reading = { readOn: entry.input.readOn, registerLitres: entry.input.registerLitres };
        const result = validateReading(state, reading);
        states[slot] = nextState(state, reading, result);
        const item = items[entry.index] as IngestItem;
        const id = timeOrderedUuid();
        item.readingId = id;
        item.status = result.status;
        item.anomalies = result.anomalies;
        item.consumptionLitres = result.consumptionLitres;
        if (result.status === 'accepted') accepted += 1;
        else suspect += 1;
        created += 1;
        rows[at - start] = [
          id,
          entry.account.id,
          entry.meter.id,
          entry.input.readOn,
          entry.input.readAt ?? midday(entry.input.readOn),
          entry.input.registerLitres,
          result.consumptionLitres,
          entry.input.source,
          result.status,
          `{${result.anomalies.join(',')}}`,
          entry.input.staffId ?? null,
          entry.input.photoPath ?? null,
          entry.input.externalId ?? null,
          entry.input.note ?? null,
        ];
      }
      yield rows;
    }
  }

  if (isRejected) {
    // Validated all the same, so that each item says what its reading would have been; nothing is written.
    for (const _rows of validated(valid.length));
    for (const item of items) if (item.outcome === 'created') Object.assign(item, { readingId: null, status: null });
    return { items, created: 0, duplicates, accepted: 0, suspect: 0, errors, isRejected: true };
  }
  // A large batch on a server streams: PostgreSQL stores each piece of rows while the next is validated and
  // encoded. The binary encoding takes dates from the year 1000 (copy-binary.ts); a batch with an earlier
  // one goes the gathered way, which may fall back to text.
  if (options.db?.kind === 'server' && valid.length >= STREAM_FROM && valid.every((entry) => entry.input.readOn >= '1000-01-01')) {
    const db = options.db;
    await copyRowsStreamed(db, sql, 'readings', COPY_COLUMNS, (function* withTenant() {
      for (const rows of validated(STREAM_PIECE)) yield rows.map((row) => [tenantId, ...row]);
    })());
    phase('validate + insert');
  } else {
    const rows = [...validated(valid.length)].flat();
    phase('validate');
    await insertReadings(sql, tenantId, rows, options.db);
    phase('insert');
  }
  return { items, created, duplicates, accepted, suspect, errors, isRejected: false };
}

/** Rows of a batch from which its insert is streamed (copyRowsStreamed), and the rows validated per piece. */
const STREAM_FROM = 1000;
const STREAM_PIECE = 5000;

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

/** What the look-up found for one input row (resolveRows). */
interface ResolvedRow {
  /** The named account, or the open account at the named meter's premise when none is named. */
  account: AccountRef | null;
  /** The named meter. */
  meter: MeterFacts | null;
  /** When no meter is named: the meters installed at the account's premise, and the one if there is one. */
  installedMeters: number;
  installedMeter: MeterFacts | null;
  /** The meter (named or found) is at the account's premise. */
  samePremise: boolean;
}

const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACCOUNT_NO = /^\d{8,12}$/;
/** Rows per look-up statement given as arrays (small batches, and PGlite). */
const RESOLVE_CHUNK = 100_000;
/** Never an account number or a serial: stands for a malformed one, so that the row finds nothing and falls back to nothing. */
const NO_MATCH = '';

const RESOLVE_COLUMNS: BulkColumn[] = [
  { name: 'idx', type: 'int4' },
  { name: 'account_id', type: 'uuid' },
  { name: 'account_no', type: 'text' },
  { name: 'meter_id', type: 'uuid' },
  { name: 'serial', type: 'text' },
];

/** What a meter's state starts from (MeterFacts), as text. */
const meterColumns = (alias: string) => `${alias}.id::text AS ${alias}_id, ${alias}.size_dn::text AS ${alias}_size_dn, ${alias}.status AS ${alias}_status, ${alias}.initial_reading_litres::text AS ${alias}_initial`;
const meterAt = (fields: readonly (string | null)[], at: number): MeterFacts | null =>
  fields[at] === null ? null : { id: fields[at] as string, sizeDn: Number(fields[at + 1]), status: fields[at + 2] as string, initialReadingLitres: Number(fields[at + 3]) };

/**
 * Looks up the account and meter of each of the rows `indexes` of `inputs` in one statement, answered per row
 * (by its index, so Node keeps no table of accounts or meters): the account by id or number, the meter by id
 * or serial; where a row names no account, the open account at its meter's premise; where it names no meter,
 * the meters installed at its account's premise. A large batch (on a server) is staged in a temporary table;
 * otherwise its columns go as arrays. Malformed ids and numbers find nothing.
 */
async function resolveRows(sql: Sql, db: Database | undefined, inputs: readonly ReadingInput[], indexes: readonly number[]): Promise<ResolvedRow[]> {
  const found: ResolvedRow[] = new Array<ResolvedRow>(inputs.length);
  if (indexes.length === 0) return found;
  const rows: (string | number | null)[][] = new Array<(string | number | null)[]>(indexes.length);
  let accountsById = false;
  let accountsByNo = false;
  let metersById = false;
  let metersBySerial = false;
  let withoutAccount = false;
  let withoutMeter = false;
  for (let at = 0; at < indexes.length; at += 1) {
    const index = indexes[at] as number;
    const input = inputs[index] as ReadingInput;
    let accountId: string | null = null;
    let accountNo: string | null = null;
    if (input.accountId) {
      if (UUID_LIKE.test(input.accountId)) accountId = input.accountId;
      else accountNo = NO_MATCH;
    } else if (input.accountNo) accountNo = ACCOUNT_NO.test(input.accountNo) ? input.accountNo : NO_MATCH;
    let meterId: string | null = null;
    let serial: string | null = null;
    if (input.meterId) {
      if (UUID_LIKE.test(input.meterId)) meterId = input.meterId;
      else serial = NO_MATCH;
    } else if (input.meterSerial) serial = input.meterSerial;
    accountsById ||= accountId !== null;
    accountsByNo ||= accountNo !== null;
    metersById ||= meterId !== null;
    metersBySerial ||= serial !== null;
    withoutAccount ||= accountId === null && accountNo === null;
    withoutMeter ||= meterId === null && serial === null;
    rows[at] = [index, accountId, accountNo, meterId, serial];
  }
  // Only the joins some row needs: a file names accounts and meters by number, a head-end names meters only.
  const on = (alias: string, byId: boolean, byKey: boolean, idColumn: string, keyColumn: string, keyOf: string) =>
    byId && byKey ? `(${alias}.id = k.${idColumn} OR ${alias}.${keyOf} = k.${keyColumn})` : byId ? `${alias}.id = k.${idColumn}` : byKey ? `${alias}.${keyOf} = k.${keyColumn}` : 'false';
  // The account found, by name or by premise; its number only where the batch does not give it.
  const account = (column: string) => (withoutAccount ? `coalesce(a.${column}, oa.${column})` : `a.${column}`);
  const withNumber = accountsById || withoutAccount;
  const meterAt0 = withNumber ? 4 : 3;
  const statement = (from: string) => `SELECT k.idx::text,
      ${account('id')}::text AS a_id, ${account('status')} AS a_status${withNumber ? `, ${account('account_no')} AS a_account_no` : ''},
      ${meterColumns('m')},
      (${account('premise_id')} IS NOT DISTINCT FROM ${withoutMeter ? 'coalesce(m.premise_id, im.premise_id)' : 'm.premise_id'})::text AS same_premise
      ${withoutMeter ? `, im.n::text AS installed_meters, ${meterColumns('im')}` : ''}
    FROM ${from}
    LEFT JOIN accounts a ON ${on('a', accountsById, accountsByNo, 'account_id', 'account_no', 'account_no')}
    LEFT JOIN meters m ON ${on('m', metersById, metersBySerial, 'meter_id', 'serial', 'serial_no')}
    ${
      withoutAccount
        ? `LEFT JOIN LATERAL (
             SELECT x.id, x.account_no, x.premise_id, x.status FROM accounts x
             WHERE k.account_id IS NULL AND k.account_no IS NULL AND x.premise_id = m.premise_id AND x.status <> 'closed'
             ORDER BY x.opened_on DESC, x.id LIMIT 1
           ) oa ON true`
        : ''
    }
    ${
      withoutMeter
        ? `LEFT JOIN LATERAL (
             SELECT x.*, count(*) OVER () AS n FROM meters x
             WHERE k.meter_id IS NULL AND k.serial IS NULL AND x.premise_id = a.premise_id AND x.status = 'installed'
             ORDER BY x.id LIMIT 1
           ) im ON true`
        : ''
    }`;
  const answers: (string | null)[][][] = [];
  if (shouldStageKeys(db, rows.length)) {
    await stageKeys(db, sql, 'ingest_rows', RESOLVE_COLUMNS, rows);
    answers.push(await selectText(sql, db, statement('ingest_rows k')));
  } else {
    for (const chunk of chunks(rows, RESOLVE_CHUNK)) {
      const column = (at: number) => arrayLiteral(chunk.map((row) => row[at] as string | number | null));
      answers.push(
        await selectText(sql, db, statement('unnest($1::int4[], $2::uuid[], $3::text[], $4::uuid[], $5::text[]) AS k(idx, account_id, account_no, meter_id, serial)'), [column(0), column(1), column(2), column(3), column(4)]),
      );
    }
  }
  for (const answer of answers) {
    for (const fields of answer) {
      const index = Number(fields[0]);
      found[index] = {
        account: fields[1] === null || fields[1] === undefined ? null : { id: fields[1], status: fields[2] as string, accountNo: withNumber ? (fields[3] as string) : ((inputs[index] as ReadingInput).accountNo as string) },
        meter: meterAt(fields, meterAt0),
        samePremise: fields[meterAt0 + 4] === 'true',
        installedMeters: withoutMeter ? Number(fields[meterAt0 + 5] ?? 0) : 0,
        installedMeter: withoutMeter ? meterAt(fields, meterAt0 + 6) : null,
      };
    }
  }
  return found;
}

const READING_KEY_COLUMNS: BulkColumn[] = [
  { name: 'meter_id', type: 'uuid' },
  { name: 'read_on', type: 'date' },
  { name: 'register_litres', type: 'int8' },
  { name: 'idx', type: 'int4' },
];
const EXTERNAL_KEY_COLUMNS: BulkColumn[] = [
  { name: 'external_id', type: 'text' },
  { name: 'read_on', type: 'date' },
];

/** Which rows (true at their index) have the meter, date and register of a stored reading. */
async function existingReadings(sql: Sql, db: Database | undefined, entries: readonly { index: number; input: ReadingInput; meter: MeterFacts }[]): Promise<boolean[]> {
  const result: boolean[] = [];
  if (entries.length === 0) return result;
  let from = '9999-12-31';
  let to = '0001-01-01';
  const keys: (string | number)[][] = new Array<(string | number)[]>(entries.length);
  for (let at = 0; at < entries.length; at += 1) {
    const entry = entries[at] as { index: number; input: ReadingInput; meter: MeterFacts };
    const { readOn, registerLitres } = entry.input;
    if (readOn < from) from = readOn;
    if (readOn > to) to = readOn;
    keys[at] = [entry.meter.id, readOn, registerLitres, entry.index];
  }
  // A large batch's keys go into an analysed temporary table: given as three unnest() arrays, the planner could
  // not tell how few of them match and sorted the whole month's partition for a merge join, in parallel
  // workers that each parsed the arrays again (2.6 s for 250,000 keys against a partition of 1,000,000
  // readings); against the staged keys it hashes them and scans the partition once (0.6–0.9 s).
  const answers: (string | null)[][][] = [];
  if (shouldStageKeys(db, keys.length)) {
    await stageKeys(db, sql, 'ingest_reading_rows', READING_KEY_COLUMNS, keys, { keyed: false });
    answers.push(
      await selectText(
        sql,
        db,
        `SELECT DISTINCT k.idx::text AS idx FROM readings r JOIN ingest_reading_rows k ON k.meter_id = r.meter_id AND k.read_on = r.read_on AND k.register_litres = r.register_litres
         WHERE r.read_on BETWEEN $1::date AND $2::date`,
        [from, to],
      ),
    );
  } else {
    for (const chunk of chunks(keys, 100_000)) {
      const column = (at: number) => arrayLiteral(chunk.map((key) => key[at] as string | number));
      answers.push(
        await selectText(
          sql,
          db,
          `SELECT DISTINCT k.idx::text AS idx FROM readings r JOIN unnest($1::uuid[], $2::date[], $3::int8[], $6::int4[]) AS k(meter_id, read_on, register_litres, idx)
             ON k.meter_id = r.meter_id AND k.read_on = r.read_on AND k.register_litres = r.register_litres
           WHERE r.read_on BETWEEN $4::date AND $5::date`,
          [column(0), column(1), column(2), from, to, column(3)],
        ),
      );
    }
  }
  for (const answer of answers) for (const [index] of answer) result[Number(index)] = true;
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
