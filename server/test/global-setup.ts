import pg from 'pg';
import { openServerDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { ADMIN_URL, databaseUrl } from './database-urls';

/** Builds the migrated template database that every test file copies (CREATE DATABASE … TEMPLATE). */
export default async function setup(): Promise<() => Promise<void>> {
  const template = `shuiwu_test_template_${process.pid}`;
  process.env.SHUIWU_TEST_TEMPLATE = template;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Server tests need PostgreSQL at ${ADMIN_URL} (set TEST_DATABASE_URL; npm test starts one): ${String(error)}`, { cause: error });
  }
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const db = await openServerDatabase(databaseUrl(template), 2);
  await migrate(db);
  await db.close();
  return async () => {
    const cleanup = new pg.Client({ connectionString: ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await cleanup.end();
  };
}
