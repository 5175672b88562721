// COPY's binary format (platform/db/copy-binary.ts) stores exactly what the text format stores, on the server and
// on PGlite, and declines (null) every value it has no exact binary form for, so that the text path takes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyText, type BulkColumn } from '../src/platform/db/bulk';
import { BinaryCopy, copyBinary, NotBinaryError } from '../src/platform/db/copy-binary';
import { openEmbeddedDatabase, type Database } from '../src/platform/db/database';
import { createTestEnvironment, type TestEnvironment } from './harness';

let environment: TestEnvironment;
let embedded: Database;

beforeAll(async () => {
  environment = await createTestEnvironment();
  embedded = await openEmbeddedDatabase(undefined);
}, 60_000);
afterAll(async () => {
  await embedded.close();
  await environment.close();
});

const COLUMNS: BulkColumn[] = [
  { name: 'u', type: 'uuid' },
  { name: 't', type: 'text' },
  { name: 'i', type: 'int4' },
  { name: 'b', type: 'int8' },
  { name: 'f', type: 'bool' },
  { name: 'd', type: 'date' },
  { name: 'ts', type: 'timestamptz' },
  { name: 'a', type: 'text[]' },
  { name: 'x', type: 'bytea', isHexBytes: true },
];
const DEFINITION = 'u uuid, t text, i int4, b int8, f bool, d date, ts timestamptz, a text[], x bytea';

const ROWS: unknown[][] = [
  ['0190f0e2-7c1a-7b3e-9f00-0123456789ab', 'tab\there\nnew line\\back\rslash 水务 🚰', 2_147_483_647, 9_007_199_254_740_991, true, '2024-02-29', new Date('2026-03-02T02:00:00.123Z'), '{leak,水_1}', 'ff00'],
  ['0190F0E27C1A7B3E9F000123456789AC', '', -2_147_483_648, -9_007_199_254_740_991, false, '1999-12-31', '2026-03-02T10:00:00+08:00', '{zero_use,spike}', ''],
  ['00000000-0000-0000-0000-000000000000', '123', '42', '-9223372036854775808', false, new Date('2026-01-31T16:00:00Z'), '1970-01-01T00:00:00Z', '{}', '00'],
  ['ffffffff-ffff-ffff-ffff-ffffffffffff', 42, 0, 12_345_678_901_234n, true, '2000-01-01', '1900-06-15 12:30:00.5Z', '{x}', 'ABCDEF'],
  [null, null, null, null, null, null, null, null, null],
];

async function storedBothWays(db: Database, rows: readonly (readonly unknown[])[]): Promise<{ binary: unknown[]; text: unknown[]; pieces: number }> {
  const binary = copyBinary(COLUMNS, rows);
  if (!binary) throw new Error('expected a binary COPY');
  return db.asOwner(async (sql) => {
    await sql.query(`CREATE TEMPORARY TABLE via_binary (${DEFINITION}) ON COMMIT DROP`);
    await sql.query(`CREATE TEMPORARY TABLE via_text (${DEFINITION}) ON COMMIT DROP`);
    const names = COLUMNS.map((column) => column.name).join(', ');
    await db.copyIn(sql, `COPY via_binary (${names}) FROM STDIN WITH (FORMAT binary)`, binary);
    await db.copyIn(sql, `COPY via_text (${names}) FROM STDIN`, copyText(COLUMNS, rows));
    // Text of every column, so that the comparison is of what was stored, not of how the driver parses it.
    const select = `SELECT ${COLUMNS.map((column) => `${column.name}::text`).join(', ')}, row_number() OVER () AS n FROM`;
    return { binary: await sql.query(`${select} via_binary`), text: await sql.query(`${select} via_text`), pieces: binary.length };
  });
}

describe('COPY in the binary format', () => {
  it('stores on the server exactly what the text format stores, every type and null included', async () => {
    const stored = await storedBothWays(environment.db, ROWS);
    expect(stored.binary).toHaveLength(ROWS.length);
    expect(stored.binary).toEqual(stored.text);
    expect(stored.binary[0]).toMatchObject({ u: '0190f0e2-7c1a-7b3e-9f00-0123456789ab', i: '2147483647', b: '9007199254740991', f: 'true', d: '2024-02-29', a: '{leak,水_1}', x: '\\xff00' });
    expect(stored.binary[1]).toMatchObject({ u: '0190f0e2-7c1a-7b3e-9f00-0123456789ac', t: '', d: '1999-12-31', a: '{zero_use,spike}', x: '\\x' });
    expect(stored.binary[2]).toMatchObject({ b: '-9223372036854775808', d: '2026-01-31', a: '{}' });
  });

  it('stores on PGlite exactly what the text format stores', async () => {
    const stored = await storedBothWays(embedded, ROWS);
    expect(stored.binary).toHaveLength(ROWS.length);
    expect(stored.binary).toEqual(stored.text);
  });

  it('spans pieces of a megabyte without losing or splitting a row', async () => {
    const rows = Array.from({ length: 12_000 }, (_, index) => [
      `0190f0e2-7c1a-7b3e-9f00-${index.toString(16).padStart(12, '0')}`, `第 ${index} 行 ${'x'.repeat(80)}`, index, index * 1_000, index % 2 === 0, '2026-01-31', new Date(Date.UTC(2026, 0, 1) + index * 1000), `{a,${index}}`, index.toString(16).padStart(4, '0'),
    ]);
    const stored = await storedBothWays(environment.db, rows);
    expect(stored.pieces).toBeGreaterThan(1);
    expect(stored.binary).toHaveLength(rows.length);
    expect(stored.binary).toEqual(stored.text);
  });

  it('streams rows batch by batch from a generator, storing what one encoding stores; a value with no binary form cancels the COPY with the reason', async () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => [
      `0190f0e2-7c1a-7b3e-9f00-${index.toString(16).padStart(12, '0')}`, `第 ${index} 行`, index, index * 1_000, index % 2 === 0, '2026-01-31', new Date(Date.UTC(2026, 0, 1) + index * 1000), `{a,${index}}`, 'ff',
    ]);
    const names = COLUMNS.map((column) => column.name).join(', ');
    const select = `SELECT ${COLUMNS.map((column) => `${column.name}::text`).join(', ')} FROM`;
    let made = 0;
    const stored = await environment.db.asOwner(async (sql) => {
      await sql.query(`CREATE TEMPORARY TABLE streamed (${DEFINITION}) ON COMMIT DROP`);
      await sql.query(`CREATE TEMPORARY TABLE whole (${DEFINITION}) ON COMMIT DROP`);
      const copy = new BinaryCopy(COLUMNS);
      await environment.db.copyIn(sql, `COPY streamed (${names}) FROM STDIN WITH (FORMAT binary)`, (function* pieces() {
        for (let start = 0; start < rows.length; start += 1000) {
          made += 1;
          const pieces = copy.rows(rows.slice(start, start + 1000));
          yield* pieces;
        }
        yield* copy.end();
      })());
      await environment.db.copyIn(sql, `COPY whole (${names}) FROM STDIN WITH (FORMAT binary)`, copyBinary(COLUMNS, rows) as Buffer[]);
      return { streamed: await sql.query(`${select} streamed ORDER BY i`), whole: await sql.query(`${select} whole ORDER BY i`) };
    });
    expect(made).toBe(30);
    expect(stored.streamed).toHaveLength(rows.length);
    expect(stored.streamed).toEqual(stored.whole);

    // A value with no exact binary form, met half-way: the COPY is cancelled and nothing of it stays.
    const broken = [...rows.slice(0, 5000), ['not-a-uuid', ...(rows[0] as unknown[]).slice(1)]];
    const failed = await environment.db
      .asOwner(async (sql) => {
        await sql.query(`CREATE TEMPORARY TABLE cancelled (${DEFINITION}) ON COMMIT DROP`);
        const copy = new BinaryCopy(COLUMNS);
        await environment.db.copyIn(sql, `COPY cancelled (${names}) FROM STDIN WITH (FORMAT binary)`, (function* pieces() {
          yield* copy.rows(broken.slice(0, 5000));
          yield* copy.rows(broken.slice(5000));
          yield* copy.end();
        })());
      })
      .then(() => null, (error: unknown) => error);
    // PostgreSQL is told why (CopyFail), and says so back.
    expect(String(failed)).toContain('a value has no exact binary form');
    expect(() => new BinaryCopy([{ name: 'j', type: 'jsonb' }])).toThrow(NotBinaryError);
  });

  it('declines, for the text path to take, every value it has no exact binary form for', () => {
    const one = (type: string, value: unknown) => copyBinary([{ name: 'c', type }], [[value]]);
    expect(one('uuid', '{0190f0e2-7c1a-7b3e-9f00-0123456789ab}')).toBeNull();
    expect(one('uuid', '0190f0e2-7c1a-7b3e-9f00-0123456789ag')).toBeNull();
    expect(one('uuid', '0190f0e27-c1a-7b3e-9f00-0123456789ab')).toBeNull();
    expect(one('int4', 2_147_483_648)).toBeNull();
    expect(one('int4', 1.5)).toBeNull();
    expect(one('int8', 2 ** 53)).toBeNull();
    expect(one('int8', '12e3')).toBeNull();
    expect(one('bool', 't')).toBeNull();
    expect(one('date', '2026-02-30')).toBeNull();
    expect(one('date', 'today')).toBeNull();
    expect(one('timestamptz', '2026-01-01 10:00:00')).toBeNull();
    expect(one('timestamptz', '2026-01-01T10:00:00.123456Z')).toBeNull();
    expect(one('timestamptz', '2026-02-30T10:00:00Z')).toBeNull();
    expect(one('timestamptz', '0099-01-01 10:00:00Z')).toBeNull();
    expect(one('date', '0099-01-01')).toBeNull();
    expect(one('int8', '9223372036854775808')).toBeNull();
    expect(one('int8', -(2n ** 63n) - 1n)).toBeNull();
    expect(one('int4', '2147483648')).toBeNull();
    expect(one('text[]', '{"quoted"}')).toBeNull();
    expect(one('text[]', ['a', 'b'])).toBeNull();
    expect(one('text[]', '{a,null}')).toBeNull();
    expect(one('text[]', '{a, b}')).toBeNull();
    expect(one('jsonb', { k: 'v' })).toBeNull();
    expect(copyBinary([{ name: 'c', type: 'bytea', isHexBytes: true }], [['abc']])).toBeNull();
    expect(one('uuid', '0190f0e2-7c1a-7b3e-9f00-0123456789ab')).not.toBeNull();
  });
});
