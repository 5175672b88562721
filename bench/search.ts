/**
 * Customer search at utility scale: how long the counter's search box takes for each kind of query with
 * N customers (default 500,000), against a baseline measured in the same run on the same connection
 * path — fetching one customer by primary key. Run: `npx tsx bench/search.ts [customers]`.
 */
import os from 'node:os';
import pg from 'pg';
import { createContext } from '../server/src/app';
import { DEMO_CUSTOMER, seedDemo } from '../server/src/demo/seed';
import { systemClock } from '../server/src/platform/clock';
import { loadConfig } from '../server/src/platform/config';
import { openServerDatabase } from '../server/src/platform/db/database';
import { migrate } from '../server/src/platform/db/migrate';
import { searchCustomers } from '../server/src/modules/customers';

const customers = Number(process.argv[2] ?? 500_000);
const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(adminUrl);
url.pathname = '/shuiwu_bench';

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS shuiwu_bench WITH (FORCE)');
await admin.query('CREATE DATABASE shuiwu_bench');
await admin.end();

const db = await openServerDatabase(url.toString(), 2);
await migrate(db);
const context = createContext({ config: loadConfig({ DATABASE_URL: url.toString(), SHUIWU_SECRET_KEY: 'ab'.repeat(32) }), db, clock: systemClock });
const seedStarted = performance.now();
const demo = await seedDemo(context, { customers });
const seedSeconds = (performance.now() - seedStarted) / 1000;
await db.execAsOwner('ANALYZE');
const tenantId = demo.tenant.id;

const sample = await db.withTenant(tenantId, (sql) =>
  sql.query<{ id: string; name: string; phone: string; account_no: string; full_address: string }>(
    `SELECT c.id, c.name, c.phone, a.account_no, p.full_address FROM customers c JOIN accounts a ON a.customer_id = c.id
     JOIN premises p ON p.id = a.premise_id WHERE c.phone IS NOT NULL AND c.kind = 'individual' ORDER BY a.account_no DESC LIMIT 1`,
  ),
);
const someone = sample[0];
if (!someone) throw new Error('no sample customer');

async function measure(label: string, run: () => Promise<unknown>, iterations = 40): Promise<{ label: string; p50: number; p95: number }> {
  for (let warm = 0; warm < 3; warm += 1) await run();
  const times: number[] = [];
  for (let index = 0; index < iterations; index += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { label, p50: times[Math.floor(iterations * 0.5)] as number, p95: times[Math.floor(iterations * 0.95)] as number };
}

const baseline = await measure('baseline: one customer by primary key', () =>
  db.withTenant(tenantId, (sql) => sql.query('SELECT * FROM customers WHERE id = $1', [someone.id])),
);
const queries: [string, string][] = [
  ['account number (户号)', someone.account_no],
  ['account number prefix (7 digits)', someone.account_no.slice(0, 7)],
  ['phone', someone.phone],
  ['ID number (blind index)', 'X'],
  ['full name (2–3 characters)', someone.name],
  ['address fragment (building + room)', someone.full_address.slice(-9)],
  ['compound name (many matches)', '梧桐苑'],
];
const idNumber = await db.withTenant(tenantId, (sql) =>
  sql.query<{ encrypted: Uint8Array }>('SELECT id_number_encrypted AS encrypted FROM customers WHERE id = $1', [someone.id]),
);
queries[3] = ['ID number (blind index)', context.cipher.decrypt(idNumber[0]?.encrypted as Uint8Array)];

const results = [];
for (const [label, q] of queries) results.push(await measure(label, () => searchCustomers(context, tenantId, q, 20)));
const check = await searchCustomers(context, tenantId, DEMO_CUSTOMER.accountNo, 5);
if (check[0]?.name !== DEMO_CUSTOMER.name) throw new Error('search did not find the demo customer');

console.log(`\n### Customer search, ${demo.customers.toLocaleString('en')} customers / ${demo.accounts.toLocaleString('en')} accounts`);
console.log(`${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0]?.model.trim()} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · PostgreSQL server · seed ${seedSeconds.toFixed(1)} s\n`);
console.log('| query | p50 ms | p95 ms | p50 ÷ baseline |');
console.log('|---|---:|---:|---:|');
console.log(`| ${baseline.label} | ${baseline.p50.toFixed(2)} | ${baseline.p95.toFixed(2)} | 1.0 |`);
for (const result of results) {
  console.log(`| ${result.label} | ${result.p50.toFixed(2)} | ${result.p95.toFixed(2)} | ${(result.p50 / baseline.p50).toFixed(1)} |`);
}
await db.close();
