import { createHash } from 'node:crypto';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { PGlite, Transaction } from '@electric-sql/pglite';

/** A connection or transaction that runs parametrised SQL and returns plain rows. */
export interface Sql {
  /**
   * Runs one statement. With `prepared`, the server keeps it prepared on each connection that ran it (named
   * by its text), so it is planned once per connection rather than every time: for a statement that runs
   * often with the same shape. A transaction's first statement otherwise goes with the BEGIN, unprepared;
   * marked prepared, it waits for the BEGIN's own round trip instead, which pays where planning costs more
   * than a round trip (a join of several tables: 0.5 ms to plan, 0.1 ms to run).
   */
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: { prepared?: boolean }): Promise<Row[]>;
  /**
   * Queues a statement whose result nobody reads to run as the transaction's last, with its COMMIT. On the
   * server it goes in the COMMIT's own message (the parameters as quoted literals, typed by their columns
   * as parameters are), so a lock it takes (the audit chain head) is held through the commit alone, not
   * through a further round trip to the application and back. An error in it rolls the transaction back
   * like any other. `text` uses $1…$n and holds no quoted text or dollar quoting of its own.
   */
  atCommit?(text: string, params?: readonly unknown[]): void;
}

export const APP_ROLE = 'shuiwu_app';

/**
 * The database as the application uses it. Every request-serving transaction runs as the application
 * role, which row-level security always filters, with the tenant set for that transaction only.
 */
export interface Database {
  readonly kind: 'embedded' | 'server';
  /** Connections it can have open at once: the pool's size on the server, one for PGlite. */
  readonly connections: number;
  /** A transaction as the application role with `app.tenant_id` set: sees exactly one tenant's rows. */
  withTenant<T>(tenantId: string, work: (sql: Sql) => Promise<T>): Promise<T>;
  /** A transaction as the application role with no tenant set: sees global tables only. */
  withoutTenant<T>(work: (sql: Sql) => Promise<T>, settings?: Record<string, string>): Promise<T>;
  /**
   * One statement as a transaction of its own, as the application role with no tenant set: on the server
   * the BEGIN, the settings, the statement and the COMMIT go in one message, one round trip instead of two
   * (a statement that cannot be inlined, see Sql.query, takes two). For the look-up every signed-in request
   * starts with (sessions.ts), which otherwise costs a second round trip for its COMMIT alone.
   */
  queryWithoutTenant<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A transaction as the owner, for migrations, tenant creation and maintenance commands only. */
  asOwner<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** Runs a script of several statements as the owner, outside any explicit transaction. */
  execAsOwner(script: string): Promise<void>;
  /**
   * Runs one `COPY table (columns) FROM STDIN` statement inside the transaction of `sql` (a Sql given by
   * withTenant/withoutTenant/asOwner of this database), feeding it `data`: text-format lines, or the pieces
   * of COPY's binary format when the statement ends `WITH (FORMAT binary)` (copy-binary.ts). The server
   * streams it (pg-copy-streams); PGlite reads it as a blob, which as the application role it does only
   * into a temporary table. COPY FROM into a table with row-level security is refused for the application
   * role: use copyRows (bulk.ts), which copies as the bulk writer or through a temporary table (ADR 0007).
   */
  copyIn(sql: Sql, statement: string, data: Iterable<string | Uint8Array>): Promise<void>;
  /**
   * Brings the planner's statistics up to date where autovacuum would have: a server whose autovacuum is on
   * does it on its own (nothing to do); PGlite has no autovacuum, nor has a server configured with
   * `autovacuum = off`, so every table changed by more than 50 rows + 10 % since its last ANALYZE
   * (autovacuum's default threshold) is analysed now. With `all`, every table is (after seeding: other
   * connections' counts may not have reached the statistics views yet). Returns the tables analysed.
   * Called after bulk writes (billing chunks, imports, seeding) and once a minute by serve. On a server it
   * looks at most once a minute, as autovacuum's launcher does (its naptime): a billing run otherwise paid
   * 0.4 s per ANALYZE of a million-row table some 145 times (a quarter of the 1M run). PGlite looks each time.
   */
  analyzeStale(options?: { all?: boolean }): Promise<string[]>;
  /**
   * Runs one SELECT in the transaction of `sql` and returns its rows as arrays of text fields (null for
   * NULL), in the select list's order. Every column must be text (cast it: `m.id::text`), so both engines
   * answer the same. For result sets of many thousands of rows: the server sends it as `COPY (…) TO STDOUT`,
   * the parameters as quoted literals (COPY takes no bound parameters), which Node reads at a third of the
   * driver's cost per row (250,000 rows of 7 columns: 0.27 s against 0.83 s). PGlite runs it as a query.
   */
  selectText(sql: Sql, query: string, params?: readonly unknown[]): Promise<(string | null)[][]>;
  /** Transactions waiting for a free connection right now (the server's pool; PGlite runs one at a time: 0). */
  waitingForConnection(): number;
  close(): Promise<void>;
}

/** How often a server is looked at for stale tables: autovacuum's default naptime. */
const ANALYZE_NAPTIME_MS = 60_000;

/** Tables past autovacuum's default analyze threshold (50 rows + 10 % of the table) since their last ANALYZE. */
const STALE_TABLES = `
  SELECT s.relid::regclass::text AS name FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE c.relkind = 'r' AND ($1 OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0))
  ORDER BY s.n_mod_since_analyze DESC`;

// int8 comes back as a string from pg and needs the same treatment on PGlite: money (fen) and volumes
// (litres) are integers far below 2^53, so they become numbers, and anything larger is refused loudly.
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`int8 value ${text} exceeds the safe integer range`);
  return value;
}

const identity = (text: string): string => text;

/** node-pg's own conversion of a parameter to the text it sends (dates, arrays, JSON, booleans). */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;

/**
 * A parameter as the quoted literal of the text node-pg would have bound it as, for the simple query
 * protocol: like a bound parameter it stays untyped until its column, operator or cast types it. Null
 * when it cannot be one (binary data).
 */
function quoted(value: unknown): string | null {
  const prepared = prepareValue(value);
  if (prepared === null || prepared === undefined) return 'NULL';
  if (typeof prepared !== 'string') return null;
  // node-pg's escapeLiteral builds its answer a character at a time: 2 s for a 10 MB array of keys. Text
  // without quotes or backslashes needs no escaping at all.
  return prepared.includes("'") || prepared.includes('\\') ? pg.escapeLiteral(prepared) : `'${prepared}'`;
}

const PLAIN_ARRAY_ELEMENT = /^[\w.:+@-]+$/;

/**
 * The array literal ('{a,b,NULL}') of many keys, to pass as one text parameter cast to an array type
 * (`$1::uuid[]`). node-pg converts a JavaScript array element by element at about 2 µs each (0.5 s for a
 * file's 250,000 meter ids); most keys (ids, numbers, dates, serials) need no quoting, and the others are
 * quoted here.
 */
export function arrayLiteral(values: readonly (string | number | null | undefined)[]): string {
  const elements = new Array<string>(values.length);
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (value === null || value === undefined) {
      elements[index] = 'NULL';
      continue;
    }
    const text = String(value);
    elements[index] = PLAIN_ARRAY_ELEMENT.test(text) && text.toUpperCase() !== 'NULL' ? text : `"${text.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `{${elements.join(',')}}`;
}

/**
 * `text` with $1…$n replaced by the parameters as quoted literals, or null when that could change what
 * it means: text with quoted strings or identifiers, dollar quoting or comments, in which a $n would not
 * be a parameter, or a parameter that is not text once prepared. With `quotedText`, plain '…' strings and
 * "…" identifiers are allowed and left as they are (a $n inside them is not replaced); escape strings
 * (E'…', U&'…'), dollar quoting and comments are still refused.
 */
function inlined(text: string, params: readonly unknown[], options: { quotedText?: boolean } = {}): string | null {
  if (options.quotedText ? /[eE&]'|\$(?!\d)|--|\/\*/.test(text) : /['"]|\$(?!\d)|--|\/\*/.test(text)) return null;
  const literals = params.map(quoted);
  if (literals.some((literal) => literal === null)) return null;
  let isComplete = true;
  const result = text.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (match, index: string | undefined) => {
    if (index === undefined) return match;
    const literal = literals[Number(index) - 1];
    if (literal === undefined || literal === null) isComplete = false;
    return literal ?? '';
  });
  return isComplete ? result : null;
}

const COPY_UNESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * COPY's text format as rows of fields: tab between columns, \N for null, and the escapes PostgreSQL
 * writes (backslash, and b f n r t v for those control characters; it writes no octal or hex escapes).
 */
export function parseCopyText(text: string): (string | null)[][] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const rows: (string | null)[][] = new Array<(string | null)[]>(lines.length);
  for (let index = 0; index < lines.length; index += 1) {
    const fields: (string | null)[] = (lines[index] as string).split('\t');
    for (let column = 0; column < fields.length; column += 1) {
      const field = fields[column] as string;
      if (field === '\\N') fields[column] = null;
      else if (field.includes('\\')) fields[column] = field.replace(/\\(.)/g, (_match, code: string) => COPY_UNESCAPES[code] ?? code);
    }
    rows[index] = fields;
  }
  return rows;
}

const statementNames = new Map<string, string>();
/** A prepared statement's name: its text's digest, the same on every connection. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `s_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * set_config('role', …, true) is SET LOCAL ROLE: the application role and the transaction's settings.
 *
 * No JIT compilation in the application's transactions. PostgreSQL compiles a statement whose estimated cost
 * passes jit_above_cost (100,000), which a set-based statement over large tables does whatever its real work:
 * it never paid back here, and each time it was measured it cost more than the work. A billing chunk's input
 * query spent 1.6 s of 2.4 s compiling, each history query of a reading file 0.5–0.7 s, the look-up of
 * 12,600 readings 0.10–0.16 s, a withholding batch of 20,000 mandates 1.1 s of 6.7 s, and each reference
 * check of a small insert 80–130 ms (migration 0054). A transaction that wants it may still set it.
 */
const appSettings = (tenantId: string | null, settings: Record<string, string>): [string, string][] => Object.entries({ role: APP_ROLE, 'app.tenant_id': tenantId ?? '', jit: 'off', ...settings });

/**
 * The application role and the transaction's settings, in one statement (one round trip, where a SET LOCAL
 * ROLE and a set_config per setting took one each): set_config('role', …, true) is SET LOCAL ROLE.
 */
async function beginAppTransaction(sql: Sql, tenantId: string | null, settings: Record<string, string>): Promise<void> {
  const entries = appSettings(tenantId, settings);
  const calls = entries.map((_entry, index) => `set_config($${index * 2 + 1}, $${index * 2 + 2}, true)`);
  await sql.query(`SELECT ${calls.join(', ')}`, entries.flat());
}

/** A transaction's BEGIN with its settings, as one statement list of the simple query protocol. */
const beginWith = (settings: [string, string][]): string =>
  `BEGIN; SELECT ${settings.map(([name, value]) => `set_config(${quoted(name)}, ${quoted(value)}, true)`).join(', ')}`;

class ServerDatabase implements Database {
  readonly kind = 'server' as const;
  readonly connections: number;
  private readonly pool: pg.Pool;
  /** The connection behind each transaction's Sql, for COPY, and how to begin its transaction first. */
  private readonly clients = new WeakMap<Sql, { client: pg.PoolClient; ensureBegun: () => Promise<void> }>();
  /** When analyzeStale last looked for stale tables (performance.now()). */
  private lastAnalyzeLookAt = -Infinity;

  constructor(url: string, maxConnections: number) {
    this.connections = maxConnections;
    const types = {
      getTypeParser: (oid: number, format?: 'text' | 'binary') => {
        if (oid === 20) return parseInt8;
        if (oid === 1082) return identity;
        return pg.types.getTypeParser(oid, format);
      },
    };
    // Connections are kept for five minutes of idleness rather than node-pg's 10 s: a new backend answers
    // its first statements slowly (catalog caches, plans of the PL/pgSQL functions and policies), and at
    // 300 creations/s after 15 s of light traffic the pool reopening its connections made the first
    // second's slowest answers 185-338 ms (bench/RESULTS.md, "Service-request creation").
    this.pool = new pg.Pool({ connectionString: url, max: maxConnections, idleTimeoutMillis: 5 * 60_000, types: types as pg.CustomTypesConfig });
    // An idle connection the server ends (a restart, an administrator, a dropped test database) is an
    // 'error' event on the pool; unheard it would end the process. The pool replaces the connection, and
    // a query that needs one reports its own error.
    this.pool.on('error', (error: Error & { code?: string }) => {
      if (error.code !== '57P01') console.error(`database: an idle connection was lost (${error.message})`);
    });
  }

  /**
   * One transaction on one pooled connection, in as few round trips as its statements allow: under load a
   * transaction spends its time waiting for them, and so does whatever lock it holds. The BEGIN and the
   * settings (the application role's, or none for the owner) go with the first statement, and statements
   * queued by atCommit with the COMMIT, each group as one message of the simple query protocol with the
   * parameters as quoted literals. A first statement that cannot be sent that way (see inlined) is sent
   * on its own after them; a transaction that ran nothing sends nothing.
   */
  private async transaction<T>(settings: [string, string][] | null, work: (sql: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const begin = settings ? beginWith(settings) : 'BEGIN';
    let begun = false;
    const last: string[] = [];
    const ensureBegun = async () => {
      if (begun) return;
      begun = true;
      await client.query(begin);
    };
    const sql: Sql = {
      query: async <Row>(text: string, params: readonly unknown[] = [], options?: { prepared?: boolean }) => {
        if (!begun) {
          const together = options?.prepared ? null : inlined(text, params);
          if (together !== null) {
            begun = true;
            const results = (await client.query(`${begin};\n${together}`)) as unknown as pg.QueryResult | pg.QueryResult[];
            return (Array.isArray(results) ? (results[results.length - 1] as pg.QueryResult) : results).rows as Row[];
          }
          await ensureBegun();
        }
        if (options?.prepared) return (await client.query({ name: statementName(text), text, values: params as unknown[] })).rows as Row[];
        return (await client.query(text, params as unknown[])).rows as Row[];
      },
      atCommit: (text: string, params: readonly unknown[] = []) => {
        const statement = inlined(text, params);
        if (statement === null) throw new Error('atCommit takes a statement without quoted text, dollar quoting or comments, and text parameters');
        last.push(statement);
      },
    };
    this.clients.set(sql, { client, ensureBegun });
    try {
      const result = await work(sql);
      if (begun) await client.query([...last, 'COMMIT'].join(';\n'));
      else if (last.length > 0) {
        begun = true;
        await client.query([begin, ...last, 'COMMIT'].join(';\n'));
      }
      return result;
    } catch (error) {
      if (begun) await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  withTenant<T>(tenantId: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.transaction(appSettings(tenantId, {}), work);
  }

  withoutTenant<T>(work: (sql: Sql) => Promise<T>, settings: Record<string, string> = {}): Promise<T> {
    return this.transaction(appSettings(null, settings), work);
  }

  async queryWithoutTenant<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    const statement = inlined(text, params);
    if (statement === null) return this.withoutTenant((sql) => sql.query<Row>(text, params));
    const begin = beginWith(appSettings(null, {}));
    const client = await this.pool.connect();
    try {
      const results = (await client.query(`${begin};\n${statement};\nCOMMIT`)) as unknown as pg.QueryResult[];
      return (results[results.length - 2] as pg.QueryResult).rows as Row[];
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  asOwner<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.transaction(null, work);
  }

  async execAsOwner(script: string): Promise<void> {
    await this.pool.query(script);
  }

  waitingForConnection(): number {
    return this.pool.waitingCount;
  }

  async copyIn(sql: Sql, statement: string, data: Iterable<string | Uint8Array>): Promise<void> {
    const transaction = this.clients.get(sql);
    if (!transaction) throw new Error('copyIn needs a Sql of one of this database\'s transactions');
    await transaction.ensureBegun();
    const stream = transaction.client.query(copyFrom(statement));
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('finish', resolve);
      // Pieces are taken only when the connection wants more: data made as it is asked for (a generator) is
      // made while PostgreSQL stores what was sent before. A failure to make one cancels the COPY with it.
      const pieces = data[Symbol.iterator]();
      const writeMore = (): void => {
        try {
          for (;;) {
            const next = pieces.next();
            if (next.done === true) {
              stream.end();
              return;
            }
            if (!stream.write(next.value)) {
              stream.once('drain', writeMore);
              return;
            }
          }
        } catch (error) {
          stream.destroy(error as Error);
        }
      };
      writeMore();
    });
  }

  async selectText(sql: Sql, query: string, params: readonly unknown[] = []): Promise<(string | null)[][]> {
    const transaction = this.clients.get(sql);
    if (!transaction) throw new Error('selectText needs a Sql of one of this database\'s transactions');
    const statement = inlined(query, params, { quotedText: true });
    if (statement === null) throw new Error('selectText takes a query without escape strings, dollar quoting or comments, and text parameters');
    await transaction.ensureBegun();
    const stream = transaction.client.query(copyTo(`COPY (${statement}) TO STDOUT`));
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    return parseCopyText(Buffer.concat(chunks).toString('utf8'));
  }

  async analyzeStale(options: { all?: boolean } = {}): Promise<string[]> {
    if (options.all !== true) {
      const now = performance.now();
      if (now - this.lastAnalyzeLookAt < ANALYZE_NAPTIME_MS) return [];
      this.lastAnalyzeLookAt = now;
    }
    const client = await this.pool.connect();
    try {
      const setting = await client.query<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`);
      if (setting.rows[0]?.autovacuum === 'on' && options.all !== true) return [];
      await client.query('SELECT pg_stat_force_next_flush()');
      const stale = (await client.query<{ name: string }>(STALE_TABLES, [options.all === true])).rows.map((row) => row.name);
      for (const name of stale) await client.query(`ANALYZE ${name}`);
      return stale;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

class EmbeddedDatabase implements Database {
  readonly kind = 'embedded' as const;
  readonly connections = 1;
  /** The PGlite transaction behind each Sql, for COPY. */
  private readonly transactions = new WeakMap<Sql, Transaction>();

  constructor(private readonly pglite: PGlite) {}

  private transaction<T>(prepare: (sql: Sql) => Promise<void>, work: (sql: Sql) => Promise<T>): Promise<T> {
    // PGlite has one connection; its transaction() holds it exclusively, so transactions never interleave.
    return this.pglite.transaction(async (tx) => {
      const last: [string, readonly unknown[]][] = [];
      const sql: Sql = {
        query: async <Row>(text: string, params?: readonly unknown[]) =>
          (await tx.query<Row>(text, params as unknown[])).rows,
        atCommit: (text: string, params: readonly unknown[] = []) => {
          last.push([text, params]);
        },
      };
      this.transactions.set(sql, tx);
      await prepare(sql);
      const result = await work(sql);
      // One connection and no round trips to save: the queued statements run last, as on the server.
      for (const [text, params] of last) await tx.query(text, params as unknown[]);
      return result;
    });
  }

  withTenant<T>(tenantId: string, work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.transaction((sql) => beginAppTransaction(sql, tenantId, {}), work);
  }

  withoutTenant<T>(work: (sql: Sql) => Promise<T>, settings: Record<string, string> = {}): Promise<T> {
    return this.transaction((sql) => beginAppTransaction(sql, null, settings), work);
  }

  queryWithoutTenant<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.withoutTenant((sql) => sql.query<Row>(text, params));
  }

  asOwner<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.transaction(async () => undefined, work);
  }

  async execAsOwner(script: string): Promise<void> {
    await this.pglite.exec(script);
  }

  waitingForConnection(): number {
    return 0;
  }

  async copyIn(sql: Sql, statement: string, data: Iterable<string | Uint8Array>): Promise<void> {
    const tx = this.transactions.get(sql);
    if (!tx) throw new Error('copyIn needs a Sql of one of this database\'s transactions');
    const target = /^COPY\s+([A-Za-z_][\w.]*)[\s(][\s\S]*\bFROM STDIN(\s+WITH \(FORMAT binary\))?$/i.exec(statement.trim())?.[1];
    if (!target) throw new Error('copyIn takes COPY table (columns) FROM STDIN');
    // PGlite reads COPY data from a blob "file", which needs the superuser's file privilege. A transaction
    // running as the application role gets it for this one statement, and only into a temporary table of
    // its own session (copyRows), never into a table that row-level security protects.
    const [who] = (await tx.query<{ role: string; session: string; is_temporary: boolean | null }>(
      "SELECT current_user AS role, session_user AS session, (SELECT relpersistence = 't' FROM pg_class WHERE oid = to_regclass($1)) AS is_temporary",
      [target],
    )).rows;
    const isAppRole = who?.role !== who?.session;
    if (isAppRole && who?.is_temporary !== true) throw new Error(`copyIn as ${who?.role} only into a temporary table, not ${target}`);
    if (isAppRole) await tx.query('SET LOCAL ROLE NONE');
    await tx.query(statement.trim().replace(/\bSTDIN\b/i, "'/dev/blob'"), [], { blob: new Blob([...data] as (string | Uint8Array<ArrayBuffer>)[]) });
    if (isAppRole) await tx.query(`SET LOCAL ROLE ${who?.role}`);
  }

  async selectText(sql: Sql, query: string, params: readonly unknown[] = []): Promise<(string | null)[][]> {
    const tx = this.transactions.get(sql);
    if (!tx) throw new Error('selectText needs a Sql of one of this database\'s transactions');
    const rows = (await tx.query<unknown[]>(query, params as unknown[], { rowMode: 'array' })).rows;
    for (const row of rows) {
      for (const value of row) if (value !== null && typeof value !== 'string') throw new Error(`selectText takes text columns only (cast them): got ${typeof value}`);
    }
    return rows as (string | null)[][];
  }

  async analyzeStale(options: { all?: boolean } = {}): Promise<string[]> {
    // This session's counts reach pg_stat_user_tables at most once a second unless a flush is forced.
    await this.pglite.query('SELECT pg_stat_force_next_flush()');
    const stale = (await this.pglite.query<{ name: string }>(STALE_TABLES, [options.all === true])).rows.map((row) => row.name);
    for (const name of stale) await this.pglite.exec(`ANALYZE ${name}`);
    return stale;
  }

  async close(): Promise<void> {
    await this.pglite.close();
  }
}

/**
 * The rows of a query whose columns are all text, as arrays of fields in the select list's order: through
 * `db.selectText` (on a server, by COPY) where the database is at hand, else as an ordinary query. Column
 * names must differ and not look like numbers (a row object keeps its keys in that order only then).
 */
export async function selectText(sql: Sql, db: Database | undefined, query: string, params: readonly unknown[] = []): Promise<(string | null)[][]> {
  if (db) return db.selectText(sql, query, params);
  return (await sql.query<Record<string, string | null>>(query, params)).map((row) => Object.values(row));
}

export async function openServerDatabase(url: string, maxConnections = 10): Promise<Database> {
  const database = new ServerDatabase(url, maxConnections);
  await database.asOwner((sql) => sql.query('SELECT 1'));
  return database;
}

/** Opens (creating if needed) the embedded PostgreSQL kept in `dataDir`; `undefined` keeps it in memory. */
export async function openEmbeddedDatabase(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    extensions: { pg_trgm },
    parsers: { 20: parseInt8, 1082: identity },
  });
  return new EmbeddedDatabase(pglite);
}
