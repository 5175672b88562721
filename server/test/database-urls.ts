/** Where the server tests find PostgreSQL: TEST_DATABASE_URL (scripts/test.sh sets it), else the local default. */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Each test run gets its own template (named by the global setup), so concurrent runs never collide. */
export const templateDatabase = (): string => process.env.SHUIWU_TEST_TEMPLATE ?? 'shuiwu_test_template';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
