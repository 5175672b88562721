import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies the SQL files in server/migrations in name order, each once, each in its own transaction. An
 * applied file whose text has since changed is an error: migrations are never edited after release.
 */
export async function migrate(database: Database, directory = MIGRATIONS_DIR): Promise<MigrationResult> {
  await database.execAsOwner(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = readdirSync(directory).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const name of files) {
    const text = readFileSync(path.join(directory, name), 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    const done = await database.asOwner(async (sql) => {
      // One migrator at a time across processes; the lock ends with the transaction.
      await sql.query('SELECT pg_advisory_xact_lock(7234001)');
      const rows = await sql.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE name = $1', [name]);
      if (rows[0]) {
        if (rows[0].checksum !== checksum) {
          throw new Error(`Migration ${name} was changed after it was applied (checksum mismatch)`);
        }
        return false;
      }
      for (const statement of splitSqlScript(text)) await sql.query(statement);
      await sql.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [name, checksum]);
      return true;
    });
    if (done) applied.push(name);
    else alreadyApplied += 1;
  }
  return { applied, alreadyApplied };
}

/**
 * Splits a migration into statements so each runs through the extended protocol inside one transaction on
 * both drivers. Understands quotes, comments and dollar-quoted bodies, which is all our migrations use.
 */
export function splitSqlScript(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let index = 0;
  while (index < script.length) {
    const rest = script.slice(index);
    const char = script[index] as string;
    if (rest.startsWith('--')) {
      const end = script.indexOf('\n', index);
      index = end === -1 ? script.length : end + 1;
      current += '\n';
      continue;
    }
    const dollar = /^\$[A-Za-z_]*\$/.exec(rest);
    if (dollar) {
      const tag = dollar[0];
      const end = script.indexOf(tag, index + tag.length);
      if (end === -1) throw new Error(`Unterminated dollar quote ${tag}`);
      current += script.slice(index, end + tag.length);
      index = end + tag.length;
      continue;
    }
    if (char === "'" || char === '"') {
      let end = index + 1;
      while (end < script.length) {
        if (script[end] === char) {
          if (script[end + 1] === char) end += 2;
          else break;
        } else end += 1;
      }
      current += script.slice(index, end + 1);
      index = end + 1;
      continue;
    }
    if (char === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      index += 1;
      continue;
    }
    current += char;
    index += 1;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
