import pg from 'pg';
import { openServerDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { ADMIN_URL, databaseUrl, TEMPLATE_DATABASE } from './database-urls';

/** Builds the migrated template database that every test file copies (CREATE DATABASE … TEMPLATE). */
export default async function setup(): Promise<void> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Server tests need PostgreSQL at ${ADMIN_URL} (set TEST_DATABASE_URL; npm test starts one): ${String(error)}`, { cause: error });
  }
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  const db = await openServerDatabase(databaseUrl(TEMPLATE_DATABASE), 2);
  await migrate(db);
  await db.close();
}
