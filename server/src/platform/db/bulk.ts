import type { Sql } from './database';

export interface BulkColumn {
  name: string;
  /** The PostgreSQL element type, e.g. 'uuid', 'text', 'int4', 'int8', 'bool', 'date', 'timestamptz'. */
  type: string;
  /** Stored as bytea; given as hex text, which every driver passes through unchanged. */
  isHexBytes?: boolean;
}

/**
 * Inserts many rows with one statement per chunk through unnest() of typed arrays: set-based, the same on
 * the server and on PGlite, and far faster than a statement per row.
 */
export async function insertMany(sql: Sql, table: string, columns: BulkColumn[], rows: unknown[][], chunkSize = 2000): Promise<void> {
  const selects = columns.map((column, index) =>
    column.isHexBytes ? `decode(c${index}, 'hex')` : `c${index}`,
  );
  const unnests = columns.map((column, index) => `$${index + 1}::${column.isHexBytes ? 'text' : column.type}[]`);
  const aliases = columns.map((_column, index) => `c${index}`);
  const statement = `INSERT INTO ${table} (${columns.map((column) => column.name).join(', ')})
    SELECT ${selects.join(', ')} FROM unnest(${unnests.join(', ')}) AS t(${aliases.join(', ')})`;
  for (let start = 0; start < rows.length; start += chunkSize) {
    const chunk = rows.slice(start, start + chunkSize);
    const arrays = columns.map((_column, index) => chunk.map((row) => row[index] ?? null));
    await sql.query(statement, arrays);
  }
}
