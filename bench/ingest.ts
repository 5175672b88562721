/**
 * Meter readings at utility scale, through the import path: N readings (default 2,000,000) for N/2 accounts,
 * two months of them, as CSV files imported by the function behind `POST /api/readings/import` and
 * `shuiwu import-readings` (importReadingFile: parse, resolve accounts and meters, de-duplicate, validate
 * against each meter's history, insert set-based, all rows of a file or none, audit entry, statistics) into
 * the partitioned, indexed readings table under row-level security. Alongside, in the same run:
 *   - the floor: raw COPY FROM STDIN of the very same rows (binary format, as the import path sends them), as
 *     the owner, into a scratch table with the same columns and indexes (no validation, no RLS);
 *   - MQTT: messages from remote meters published to the broker and stored through the subscriber.
 *
 *   npm run bench -- ingest [--readings 2000000] [--file-rows 250000] [--mqtt 20000] [--mqtt-connections 64]
 *
 * PostgreSQL at DATABASE_URL or TEST_DATABASE_URL (a superuser: the database shuiwu_bench_ingest is dropped
 * and created); MQTT at SHUIWU_TEST_MQTT_URL (default mqtt://127.0.0.1:1883; --mqtt 0 skips it).
 * The last line of output is one JSON object.
 */
import os from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createContext } from '../server/src/app';
import { ImportRejected, importReadingFile, readingTopic, startReadingSubscriber } from '../server/src/modules/reading';
import { systemActor } from '../server/src/platform/audit/audit';
import { createTenant } from '../server/src/modules/tenancy';
import { systemClock } from '../server/src/platform/clock';
import { loadConfig } from '../server/src/platform/config';
import { openServerDatabase } from '../server/src/platform/db/database';
import { migrate } from '../server/src/platform/db/migrate';
import { referenceMilliseconds } from './machine';

const { values } = parseArgs({
  options: {
    readings: { type: 'string', default: '2000000' },
    'file-rows': { type: 'string', default: '250000' },
    mqtt: { type: 'string', default: '20000' },
    'mqtt-connections': { type: 'string', default: '64' },
  },
});
const total = Number(values.readings);
const fileRows = Number(values['file-rows']);
const mqttMessages = Number(values.mqtt);
const mqttConnections = Number(values['mqtt-connections']);
const accounts = Math.ceil(total / 2);
const MONTHS = ['2026-09-05', '2026-10-05'];
const FIRST_NO = 3_000_000_000;
const seconds = (from: number) => (performance.now() - from) / 1000;
const log = (message: string) => console.error(`[bench ingest] ${message}`);

// ---- the database ----
const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(adminUrl);
url.pathname = '/shuiwu_bench_ingest';
const benchUrl = url.toString();
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query('DROP DATABASE IF EXISTS shuiwu_bench_ingest WITH (FORCE)');
await admin.query('CREATE DATABASE shuiwu_bench_ingest');
await admin.end();
const db = await openServerDatabase(benchUrl, 4);
await migrate(db);
const context = createContext({ config: loadConfig({ DATABASE_URL: benchUrl, SHUIWU_SECRET_KEY: 'ab'.repeat(32), SHUIWU_DATA_DIR: '.tmp/bench-ingest' }), db, clock: systemClock });

// ---- accounts and meters, generated set-based ----
let started = performance.now();
const tenant = await createTenant(context, { code: 'bench', name: '基准水务', nameEn: 'Bench Water', hotline: null });
const uuidOf = (prefix: string, expression: string) => `('${prefix}0000000-0000-4000-8000-' || lpad(to_hex(${expression}), 12, '0'))::uuid`;
await db.withTenant(tenant.id, async (sql) => {
  await sql.query(
    `INSERT INTO customers (tenant_id, id, customer_no, kind, name) SELECT $1::uuid, ${uuidOf('c', 'i')}, 'B' || ($3::int8 + i), 'individual', '住户' || i FROM generate_series(1, $2::int) AS i`,
    [tenant.id, accounts, FIRST_NO],
  );
  await sql.query(
    `INSERT INTO premises (tenant_id, id, district, street, address) SELECT $1::uuid, ${uuidOf('e', 'i')}, '江岸区', '抄表路', (i / 100) || '栋' || (i % 100) || '室' FROM generate_series(1, $2::int) AS i`,
    [tenant.id, accounts],
  );
  await sql.query(
    `INSERT INTO accounts (tenant_id, id, account_no, customer_id, premise_id, category, household_size, opened_on)
     SELECT $1::uuid, ${uuidOf('a', 'i')}, ($3::int8 + i)::text, ${uuidOf('c', 'i')}, ${uuidOf('e', 'i')}, 'residential', 1 + i % 6, DATE '2015-01-01' FROM generate_series(1, $2::int) AS i`,
    [tenant.id, accounts, FIRST_NO],
  );
  await sql.query(
    `INSERT INTO meters (tenant_id, id, serial_no, premise_id, model, size_dn, status, installed_on, first_verified_on, initial_reading_litres)
     SELECT $1::uuid, ${uuidOf('b', 'i')}, 'BM-' || ($3::int8 + i), ${uuidOf('e', 'i')}, 'LXS-15E', 15, 'installed', DATE '2024-01-01', DATE '2023-12-01', (i % 500) * 1000
     FROM generate_series(1, $2::int) AS i`,
    [tenant.id, accounts, FIRST_NO],
  );
});
await db.execAsOwner('VACUUM ANALYZE');
log(`${accounts.toLocaleString('en')} accounts and meters in ${seconds(started).toFixed(1)} s`);

// ---- the readings, as CSV files: month 1 for every account, then month 2 ----
// A few rows are repeated in each file (duplicates to ignore) and a few use far more water (suspect).
const registerOf = (index: number, month: number) => (index % 500) * 1000 + 40_000 + month * (8_000 + (index % 13) * 1000) + (month === 1 && index % 997 === 0 ? 90_000 : 0);
const files: string[] = [];
let generated = 0;
for (let month = 0; month < MONTHS.length && generated < total; month += 1) {
  for (let first = 1; first <= accounts && generated < total; first += fileRows) {
    const lines = ['account_no,meter_serial,read_on,register_m3'];
    for (let index = first; index < first + fileRows && index <= accounts && generated < total; index += 1) {
      const litres = registerOf(index, month);
      lines.push(`${FIRST_NO + index},BM-${FIRST_NO + index},${MONTHS[month]},${Math.floor(litres / 1000)}.${String(litres % 1000).padStart(3, '0')}`);
      generated += 1;
    }
    files.push(`${lines.join('\n')}\n`);
  }
}
const duplicatesPerFile = 100;
for (let index = 0; index < files.length; index += 1) {
  const rows = (files[index] as string).trimEnd().split('\n');
  files[index] = `${[...rows, ...rows.slice(1, duplicatesPerFile + 1)].join('\n')}\n`;
}
log(`${generated.toLocaleString('en')} readings in ${files.length} CSV files of ≤ ${fileRows.toLocaleString('en')} rows (+${duplicatesPerFile} duplicate rows each)`);
const referenceBefore = referenceMilliseconds();

// ---- the import path ----
started = performance.now();
let imported = 0;
let duplicates = 0;
let suspect = 0;
for (const [index, text] of files.entries()) {
  const fileStarted = performance.now();
  const report = await importReadingFile(context, tenant.id, `readings-${index + 1}.csv`, Buffer.from(text), systemActor('bench'), null).catch((error: unknown) => {
    throw error instanceof ImportRejected ? new Error(`file ${index} rejected: ${JSON.stringify(error.errors.slice(0, 3))}`) : error;
  });
  imported += report.imported;
  duplicates += report.duplicates;
  suspect += report.suspect;
  log(`file ${index + 1}/${files.length}: ${report.imported.toLocaleString('en')} in ${seconds(fileStarted).toFixed(2)} s`);
}
const importSeconds = seconds(started);
const perSecond = Math.round(imported / importSeconds);
const [stored] = await db.asOwner((sql) => sql.query<{ count: number }>('SELECT count(*)::int8 AS count FROM readings'));
if (stored?.count !== imported) throw new Error(`stored ${stored?.count} readings, imported ${imported}`);
log(`import path: ${imported.toLocaleString('en')} readings in ${importSeconds.toFixed(1)} s = ${perSecond.toLocaleString('en')}/s (${duplicates} duplicates, ${suspect} suspect)`);

// ---- the floor: COPY of the same rows into a scratch table with the same indexes, as the owner ----
const floorClient = new pg.Client({ connectionString: benchUrl });
await floorClient.connect();
await floorClient.query(`CREATE TABLE readings_floor (LIKE readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
const columns = 'tenant_id, id, account_id, meter_id, read_on, read_at, register_litres, consumption_litres, source, status, anomalies, staff_id, photo_path, external_id, created_at';
// In COPY's binary format, as the import path writes them (platform/db/copy-binary.ts).
const copied: Buffer[] = [];
for await (const piece of floorClient.query(copyTo(`COPY (SELECT ${columns} FROM readings) TO STDOUT WITH (FORMAT binary)`))) copied.push(piece as Buffer);
const floorRows = (await floorClient.query<{ n: number }>('SELECT count(*)::int AS n FROM readings')).rows[0]?.n ?? 0;
await floorClient.query('CHECKPOINT');
started = performance.now();
await floorClient.query('BEGIN');
await pipeline(Readable.from(copied), floorClient.query(copyFrom(`COPY readings_floor (${columns}) FROM STDIN WITH (FORMAT binary)`)));
await floorClient.query('COMMIT');
const floorSeconds = seconds(started);
const floorPerSecond = Math.round(floorRows / floorSeconds);
await floorClient.query('DROP TABLE readings_floor');
await floorClient.end();
log(`COPY floor: ${floorRows.toLocaleString('en')} rows in ${floorSeconds.toFixed(1)} s = ${floorPerSecond.toLocaleString('en')}/s`);

// ---- MQTT: messages through the broker into the table ----
let mqttPerSecond: number | null = null;
if (mqttMessages > 0) {
  // Fresh statistics, as autovacuum would have them, so small batches plan index lookups.
  await db.execAsOwner('ANALYZE readings');
  const brokerUrl = process.env.SHUIWU_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const subscriber = await startReadingSubscriber(context, brokerUrl, { batchSize: 2000, flushMs: 50, shareGroup: null, connections: mqttConnections });
  const publisher = await mqtt.connectAsync(brokerUrl);
  const count = Math.min(mqttMessages, accounts);
  started = performance.now();
  // Published in windows of 500 acknowledged messages, as a head-end gateway would, so the broker's
  // per-client queue (Mosquitto's max_queued_messages) never overflows.
  for (let first = 1; first <= count; first += 500) {
    const window: Promise<unknown>[] = [];
    for (let index = first; index < first + 500 && index <= count; index += 1) {
      const register = registerOf(index, 2);
      window.push(publisher.publishAsync(readingTopic('bench', `BM-${FIRST_NO + index}`), JSON.stringify({ externalId: `bench-${index}`, readAt: '2026-11-05T02:00:00Z', registerLitres: register }), { qos: 1 }));
    }
    await Promise.all(window);
  }
  let stored = 0;
  let lastProgress = performance.now();
  let finished = performance.now();
  while (stored < count && performance.now() - lastProgress < 15_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (subscriber.stats.received >= count) await subscriber.drain();
    const now = subscriber.stats.created + subscriber.stats.duplicates + subscriber.stats.deadLetters;
    if (now > stored) {
      stored = now;
      lastProgress = performance.now();
      finished = lastProgress;
    }
  }
  const mqttSeconds = (finished - started) / 1000;
  mqttPerSecond = Math.round(subscriber.stats.created / mqttSeconds);
  log(`MQTT: ${subscriber.stats.created.toLocaleString('en')} of ${count.toLocaleString('en')} messages stored in ${mqttSeconds.toFixed(1)} s = ${mqttPerSecond.toLocaleString('en')}/s (received ${subscriber.stats.received}, dead letters ${subscriber.stats.deadLetters}, dropped ${subscriber.stats.dropped})`);
  await publisher.endAsync();
  await subscriber.stop();
}
await db.close();

console.log(`\n### Reading ingest, ${imported.toLocaleString('en')} readings for ${accounts.toLocaleString('en')} accounts`);
const referenceAfter = referenceMilliseconds();
log(`the machine's reference work took ${referenceBefore} ms before the import and ${referenceAfter} ms at the end (bench/machine.ts)`);
console.log(`${new Date().toISOString().slice(0, 10)} · ${os.cpus().length} × ${os.cpus()[0]?.model.trim()} · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · PostgreSQL server · reference work ${referenceBefore} / ${referenceAfter} ms\n`);
console.log('| path | readings | seconds | per second |');
console.log('|---|---:|---:|---:|');
console.log(`| import path: CSV → validate + de-duplicate → insert (${files.length} files, all-or-nothing each) | ${imported.toLocaleString('en')} | ${importSeconds.toFixed(1)} | ${perSecond.toLocaleString('en')} |`);
console.log(`| floor: raw COPY FROM STDIN, owner, same indexes, no checks | ${floorRows.toLocaleString('en')} | ${floorSeconds.toFixed(1)} | ${floorPerSecond.toLocaleString('en')} |`);
if (mqttPerSecond !== null) console.log(`| MQTT: publish → Mosquitto → subscriber (${mqttConnections} connections, acknowledged after commit) → table | ${Math.min(mqttMessages, accounts).toLocaleString('en')} | | ${mqttPerSecond.toLocaleString('en')} |`);
console.log(`\n${duplicates.toLocaleString('en')} duplicate rows ignored, ${suspect.toLocaleString('en')} readings sent to review.`);
console.log(JSON.stringify({ bench: 'ingest', readings: imported, per_second: perSecond, floor_per_second: floorPerSecond, ...(mqttPerSecond !== null ? { mqtt_per_second: mqttPerSecond } : {}) }));
