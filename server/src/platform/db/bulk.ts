import { createHash } from 'node:crypto';
import { BinaryCopy, copyBinary, textOf, type BulkColumn } from './copy-binary';
import { APP_ROLE, type Database, type Sql } from './database';

export type { BulkColumn } from './copy-binary';

/**
 * Inserts many rows with one statement per chunk through unnest() of typed arrays: set-based, the same on
 * the server and on PGlite, and far faster than a statement per row.
 */
export async function insertMany(sql: Sql, table: string, columns: BulkColumn[], rows: unknown[][], chunkSize = 2000): Promise<void> {
  // Array-typed columns ('text[]') are given as array literals ("{a,b}"): unnest() would flatten real arrays.
  const isArray = (column: BulkColumn) => column.type.endsWith('[]');
  const selects = columns.map((column, index) =>
    column.isHexBytes ? `decode(c${index}, 'hex')` : isArray(column) ? `c${index}::${column.type}` : `c${index}`,
  );
  const unnests = columns.map((column, index) => `$${index + 1}::${column.isHexBytes || isArray(column) ? 'text' : column.type}[]`);
  const aliases = columns.map((_column, index) => `c${index}`);
  const statement = `INSERT INTO ${table} (${columns.map((column) => column.name).join(', ')})
    SELECT ${selects.join(', ')} FROM unnest(${unnests.join(', ')}) AS t(${aliases.join(', ')})`;
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const arrays = columns.map((_column, index) => chunk.map((row) => row[index] ?? null));
    await sql.query(statement, arrays);
  }
}

// COPY's text format: tab between columns, \N for null, and backslash escapes in values.
function copyField(value: unknown, column: BulkColumn): string {
  if (value === null || value === undefined) return '\\N';
  if (column.isHexBytes) return `\\\\x${String(value)}`;
  const text = textOf(value);
  // Only strings and JSON can hold a backslash, tab or line break.
  if (typeof value !== 'string' && typeof value !== 'object') return text;
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character] as string) : text;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Rows as COPY text, in pieces of about `piece` rows. Each line is joined from an array of its fields, not
 * built up by `+=`: 250,000 readings of 15 columns took 0.5–0.9 s against 1.7–1.9 s (a string built by
 * concatenation is a tree of pieces that is flattened again when written).
 */
export function copyText(columns: readonly BulkColumn[], rows: readonly (readonly unknown[])[], piece = 5000): string[] {
  const width = columns.length;
  const pieces: string[] = [];
  for (let start = 0; start < rows.length; start += piece) {
    const end = Math.min(rows.length, start + piece);
    const lines: string[] = new Array<string>(end - start);
    for (let index = start; index < end; index += 1) {
      const row = rows[index] as readonly unknown[];
      const fields: string[] = new Array<string>(width);
      for (let column = 0; column < width; column += 1) fields[column] = copyField(row[column], columns[column] as BulkColumn);
      lines[index - start] = fields.join('\t');
    }
    pieces.push(lines.join('\n') + '\n');
  }
  return pieces;
}

/**
 * `COPY table (columns) FROM STDIN` with its rows: in the binary format where every value has an exact binary
 * form (copy-binary.ts; PostgreSQL then parses nothing), else as text.
 */
function copyOf(table: string, columns: readonly BulkColumn[], rows: readonly (readonly unknown[])[]): { statement: string; data: (string | Uint8Array)[] } {
  const statement = `COPY ${table} (${columns.map((column) => column.name).join(', ')}) FROM STDIN`;
  const binary = copyBinary(columns, rows);
  return binary ? { statement: `${statement} WITH (FORMAT binary)`, data: binary } : { statement, data: copyText(columns, rows) };
}

/** From this many keys a look-up on a server stages them (stageKeys); below it, an array is cheaper. */
export const STAGE_KEYS_FROM = 10_000;

/** Whether a look-up of `keys` keys should join them from a staged temporary table: on a server, and many. */
export const shouldStageKeys = (db: Database | undefined, keys: number): db is Database => db?.kind === 'server' && keys >= STAGE_KEYS_FROM;

/**
 * Fills a session-private temporary table with the keys a large look-up joins to, keyed by its first column
 * and analysed, so the planner knows how many there are and can merge them with an index in key order.
 * Kept by the connection (ON COMMIT DELETE ROWS) and emptied before each use, like copyRows' scratch tables.
 * With `keyed: false` the table has no key (keys that may repeat, or of several columns that the look-up
 * hashes): it is still analysed, which is what the planner needed there. For the server; `table` and the
 * columns are the caller's own names, never input.
 */
export async function stageKeys(db: Database, sql: Sql, table: string, columns: readonly BulkColumn[], rows: readonly (readonly unknown[])[], options: { keyed?: boolean } = {}): Promise<void> {
  const definition = columns.map((column) => `${column.name} ${column.type}`).join(', ');
  const key = options.keyed === false ? '' : `, PRIMARY KEY (${(columns[0] as BulkColumn).name})`;
  // The data first: while it is made, the connection may still be answering a statement sent before.
  const copy = copyOf(table, columns, rows);
  await sql.query(`CREATE TEMPORARY TABLE IF NOT EXISTS ${table} (${definition}${key}) ON COMMIT DELETE ROWS`);
  await sql.query(`TRUNCATE ${table}`);
  await db.copyIn(sql, copy.statement, copy.data);
  await sql.query(`ANALYZE ${table}`);
}

/** One scratch table per target table and column list, and per connection (temporary tables are). */
const scratchName = (table: string, names: string): string => `copy_rows_${table}_${createHash('sha256').update(names).digest('hex').slice(0, 12)}`;

/**
 * The bulk writer (migration 0048, ADR 0007): may only append to the bulk tables, checked for the tenant. The
 * tables are those it holds INSERT on, granted by the migration that gives each its tenant trigger: the
 * database's grants are the one list.
 */
export const BULK_ROLE = 'shuiwu_bulk';

// Whether the bulk writer exists, may append to the table and may be taken on by this session: once per
// database and table (absent where the migrating user was no superuser; then through temporary tables).
const bulkWritable = new WeakMap<Database, Map<string, Promise<boolean>>>();
function canWriteAsBulk(db: Database, sql: Sql, table: string): Promise<boolean> {
  if (db.kind !== 'server') return Promise.resolve(false);
  let tables = bulkWritable.get(db);
  if (!tables) bulkWritable.set(db, (tables = new Map()));
  let known = tables.get(table);
  if (!known) {
    known = sql
      .query<{ writable: boolean }>(
        `SELECT coalesce(CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = $1 AND rolbypassrls AND NOT rolsuper)
           THEN has_table_privilege($1, $2, 'INSERT') AND pg_has_role(session_user, $1, 'MEMBER') END, false) AS writable`,
        [BULK_ROLE, table],
      )
      .then((rows) => rows[0]?.writable === true);
    tables.set(table, known);
    // A failed look-up is asked again next time rather than remembered.
    known.catch(() => tables?.delete(table));
  }
  return known;
}

/**
 * Appends many rows to a table in the caller's transaction, the fastest legal way. COPY straight into a table
 * with row-level security is refused for the application role, so:
 * - into a bulk table (bills, lines, ledger entries, readings) of a tenant's transaction, COPY as the bulk
 *   writer for that one statement: the table's statement trigger refuses any row of another tenant, as the
 *   policy would, and every constraint and trigger applies as for any insert;
 * - otherwise COPY into a session-private temporary table, then one statement that empties it into the table,
 *   so row-level security checks every row (WITH CHECK).
 *
 * The temporary table is kept by the connection (created the first time, ON COMMIT DELETE ROWS), not created
 * and dropped each time: that cost two catalog writes and their dead rows per call, three calls in every
 * billing chunk, with nothing to vacuum them where autovacuum is off.
 */
export async function copyRows(db: Database, sql: Sql, table: string, columns: readonly BulkColumn[], rows: readonly (readonly unknown[])[]): Promise<void> {
  if (rows.length === 0) return;
  if (rows.length < 50) {
    await insertMany(sql, table, [...columns], rows as unknown[][]);
    return;
  }
  await copyInto(db, sql, table, columns, (target) => copyOf(target, columns, rows));
}

/**
 * copyRows for rows made batch by batch as the COPY asks for them (a generator): PostgreSQL stores each batch
 * while Node makes the next, instead of waiting for all of them. Always in the binary format, so every value
 * must have an exact binary form (copy-binary.ts); one that has none cancels the COPY, PostgreSQL being told
 * why (the error's message says it), and the transaction with it. For large batches on a server; elsewhere
 * the rows are gathered and copied.
 */
export async function copyRowsStreamed(db: Database, sql: Sql, table: string, columns: readonly BulkColumn[], batches: Iterable<readonly (readonly unknown[])[]>): Promise<void> {
  if (db.kind !== 'server') {
    await copyRows(db, sql, table, columns, [...batches].flat());
    return;
  }
  await copyInto(db, sql, table, columns, (target) => ({
    statement: `COPY ${target} (${columns.map((column) => column.name).join(', ')}) FROM STDIN WITH (FORMAT binary)`,
    data: (function* encoded() {
      const copy = new BinaryCopy(columns);
      for (const batch of batches) yield* copy.rows(batch);
      yield* copy.end();
    })(),
  }));
}

/** Runs the COPY `copy` makes for a target table: the table itself as the bulk writer, or a scratch table emptied into it. */
async function copyInto(db: Database, sql: Sql, table: string, columns: readonly BulkColumn[], copy: (target: string) => { statement: string; data: Iterable<string | Uint8Array> }): Promise<void> {
  const names = columns.map((column) => column.name).join(', ');
  if (await canWriteAsBulk(db, sql, table)) {
    // Only from the application role with a tenant set, and back to it after the one statement.
    const [taken] = await sql.query<{ taken: boolean }>(
      `SELECT CASE WHEN current_user = $1 AND current_tenant_id() IS NOT NULL THEN set_config('role', $2, true) = $2 ELSE false END AS taken`,
      [APP_ROLE, BULK_ROLE],
    );
    if (taken?.taken) {
      const { statement, data } = copy(table);
      await db.copyIn(sql, statement, data);
      await sql.query("SELECT set_config('role', $1, true)", [APP_ROLE]);
      return;
    }
  }
  const scratch = scratchName(table, names);
  await sql.query(`CREATE TEMPORARY TABLE IF NOT EXISTS ${scratch} ON COMMIT DELETE ROWS AS SELECT ${names} FROM ${table} WITH NO DATA`);
  const { statement, data } = copy(scratch);
  await db.copyIn(sql, statement, data);
  // Emptied by the same statement, so a second call in the transaction starts from nothing.
  await sql.query(`WITH moved AS (DELETE FROM ${scratch} RETURNING ${names}) INSERT INTO ${table} (${names}) SELECT ${names} FROM moved`);
}
