import type { Sql } from '../src/platform/db/database';

/**
 * A town for billing tests and the billing benchmark, generated in the database (generate_series), so a
 * million accounts take a minute, not an hour: customers, premises, accounts, meters, routes of `perRoute`
 * accounts in walk order, and one accepted reading per account and month. Everything follows from the
 * account's number i, so two databases given the same arguments hold the same town (account numbers,
 * consumption, statuses), whatever their generated ids:
 *   - every 20th account is non-residential, every 150th (from 7) special industry;
 *   - household sizes 1–6;
 *   - every 101st account is closed, every 211th suspended, every 97th has no readings at all;
 *   - monthly use 2–32 m³ (non-residential up to ~330 m³, so some exceed the 200 m³ quota).
 * Runs with whatever role the Sql has: the tenant's application role in tests, the owner in the benchmark.
 */
export interface TownOptions {
  tenantId: string;
  accounts: number;
  /** Billing periods (YYYY-MM) to give readings for, read on the 15th. */
  months: readonly string[];
  perRoute?: number;
  /** First account number (10 digits). */
  firstAccountNo?: number;
}

/** A valid (version 4 shaped) uuid that follows from the tenant, a kind letter and a number, in SQL. */
const id = (kind: string, number: string) => `overlay(overlay(md5($1::uuid::text || '${kind}' || ${number}) placing '4' from 13) placing '8' from 17)::uuid`;

export async function generateTown(sql: Sql, options: TownOptions): Promise<{ routeIds: string[] }> {
  const { tenantId, accounts } = options;
  const perRoute = options.perRoute ?? 1000;
  const firstNo = options.firstAccountNo ?? 2_000_000_000;
  const routes = Math.ceil(accounts / perRoute);
  await sql.query(
    `INSERT INTO customers (tenant_id, id, customer_no, kind, name)
     SELECT $1::uuid, ${id('c', 'i')}, 'T' || ($3::int8 + i), CASE WHEN i % 20 = 0 THEN 'organisation' ELSE 'individual' END, '住户' || i
     FROM generate_series(1, $2::int) AS i`,
    [tenantId, accounts, firstNo],
  );
  await sql.query(
    `INSERT INTO premises (tenant_id, id, district, street, address)
     SELECT $1::uuid, ${id('p', 'i')}, '江岸区', '核算路', (i / 100) || '栋' || (i % 100) || '室'
     FROM generate_series(1, $2::int) AS i`,
    [tenantId, accounts],
  );
  await sql.query(
    `INSERT INTO accounts (tenant_id, id, account_no, customer_id, premise_id, category, status, household_size, opened_on)
     SELECT $1::uuid, ${id('a', 'i')}, ($3::int8 + i)::text, ${id('c', 'i')}, ${id('p', 'i')},
       CASE WHEN i % 20 = 0 THEN 'non_residential' WHEN i % 150 = 7 THEN 'special' ELSE 'residential' END,
       CASE WHEN i % 101 = 0 THEN 'closed' WHEN i % 211 = 0 THEN 'suspended' ELSE 'active' END,
       CASE WHEN i % 20 = 0 THEN 1 ELSE 1 + i % 6 END, DATE '2015-01-01'
     FROM generate_series(1, $2::int) AS i`,
    [tenantId, accounts, firstNo],
  );
  await sql.query(
    `INSERT INTO meters (tenant_id, id, serial_no, premise_id, model, size_dn, status, installed_on, first_verified_on)
     SELECT $1::uuid, ${id('m', 'i')}, 'TM-' || ($3::int8 + i), ${id('p', 'i')}, 'LXS-15E', 15, 'installed', DATE '2024-01-01', DATE '2023-12-01'
     FROM generate_series(1, $2::int) AS i`,
    [tenantId, accounts, firstNo],
  );
  const routeRows = await sql.query<{ id: string }>(
    `INSERT INTO reading_routes (tenant_id, id, code, name, reading_day)
     SELECT $1::uuid, ${id('r', 'r')}, 'R' || lpad(r::text, 4, '0'), '核算测试抄表本 ' || r, 15
     FROM generate_series(1, $2::int) AS r RETURNING id`,
    [tenantId, routes],
  );
  await sql.query(
    `INSERT INTO route_accounts (tenant_id, route_id, account_id, walk_order)
     SELECT $1::uuid, ${id('r', '((i - 1) / $3 + 1)')}, ${id('a', 'i')}, (i - 1) % $3 + 1
     FROM generate_series(1, $2::int) AS i`,
    [tenantId, accounts, perRoute],
  );
  for (const [index, month] of options.months.entries()) {
    await sql.query(
      `INSERT INTO readings (tenant_id, id, account_id, meter_id, read_on, read_at, register_litres, consumption_litres, source, status)
       SELECT $1::uuid, gen_random_uuid(), ${id('a', 'i')}, ${id('m', 'i')}, $3::date, ($3::date + time '10:00') AT TIME ZONE 'Asia/Shanghai',
         ($4::int8 + 1) * 40000 + i % 1000, u.litres, 'handheld', 'accepted'
       FROM generate_series(1, $2::int) AS i
       CROSS JOIN LATERAL (SELECT CASE WHEN i % 20 = 0 THEN 20000 + (i::int8 * 7919 + $4::int8 * 104729) % 310000 ELSE 2000 + (i::int8 * 7919 + $4::int8 * 104729) % 30000 END::int8 AS litres) u
       WHERE i % 97 <> 0`,
      [tenantId, accounts, `${month}-15`, index],
    );
  }
  return { routeIds: routeRows.map((row) => row.id) };
}

/** The months from `first` (YYYY-MM), `count` of them. */
export function monthsFrom(first: string, count: number): string[] {
  const [year, month] = first.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_unused, index) => {
    const total = year * 12 + (month - 1) + index;
    return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
  });
}
