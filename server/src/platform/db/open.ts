import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { openEmbeddedDatabase, openServerDatabase, type Database } from './database';

/** The PostgreSQL server named by DATABASE_URL, else the embedded database in the data folder. */
export async function openDatabase(config: Config): Promise<Database> {
  if (config.databaseUrl) return openServerDatabase(config.databaseUrl, config.databasePoolSize);
  const directory = path.join(config.dataDir, 'pgdata');
  mkdirSync(directory, { recursive: true });
  return openEmbeddedDatabase(directory);
}
