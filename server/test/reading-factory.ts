import { storePhoto } from '../src/modules/reading';
import type { Sql } from '../src/platform/db/database';
import type { CustomerWithAccount } from './factories';
import type { TestEnvironment, Utility } from './harness';

/** The smallest valid PNG (1×1), for photo uploads in tests. */
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let serial = 0;

export interface ReadingTarget {
  /** A route (抄表本) with the household's account on it. */
  routeId: string;
  /** A suspect reading of the household's meter, with a photo, waiting for review. */
  suspectReadingId: string;
  meterSerial: string;
  /** A staff member with the collector role. */
  collectorId: string;
  /** Today (UTC date, never ahead of the utility's date). */
  today: string;
}

/**
 * Makes sure the household has what the reading endpoints act on, creating it directly when earlier
 * requests used it up (the account taken off its route, the suspect reading reviewed).
 */
export async function ensureReadingTarget(environment: TestEnvironment, sql: Sql, tenantId: string, household: CustomerWithAccount): Promise<ReadingTarget> {
  const accountId = household.account.id;
  let routeId = (await sql.query<{ route_id: string }>('SELECT route_id FROM route_accounts WHERE account_id = $1', [accountId]))[0]?.route_id;
  if (!routeId) {
    const routes = await sql.query<{ id: string }>('SELECT id FROM reading_routes ORDER BY created_at, id LIMIT 1');
    serial += 1;
    routeId =
      routes[0]?.id ??
      (await sql.query<{ id: string }>("INSERT INTO reading_routes (tenant_id, code, name) VALUES ($1, $2, '测试抄表本') RETURNING id", [tenantId, `T-${serial}`]))[0]?.id;
    await sql.query(
      'INSERT INTO route_accounts (tenant_id, route_id, account_id, walk_order) SELECT $1, $2, $3, coalesce(max(walk_order), 0) + 1 FROM route_accounts WHERE route_id = $2',
      [tenantId, routeId, accountId],
    );
  }
  // The utility's meter reader reads that route today (readers enter readings only on their own routes).
  const today = environment.clock.now().toISOString().slice(0, 10);
  await sql.query(
    `INSERT INTO route_assignments (tenant_id, route_id, staff_id, duty, starts_on)
     SELECT $1, $2, r.staff_id, 'reader', date '2025-12-01' FROM staff_roles r
     WHERE r.role = 'meter_reader' AND NOT EXISTS (
       SELECT 1 FROM route_assignments a WHERE a.route_id = $2 AND a.staff_id = r.staff_id AND a.duty = 'reader' AND a.starts_on <= $3 AND (a.ends_on IS NULL OR a.ends_on >= $3))`,
    [tenantId, routeId, today],
  );
  let suspectReadingId = (await sql.query<{ id: string }>("SELECT id FROM readings WHERE account_id = $1 AND status = 'suspect' AND photo_path IS NOT NULL ORDER BY created_at LIMIT 1", [accountId]))[0]?.id;
  if (!suspectReadingId) {
    const photoPath = await storePhoto(environment.config.dataDir, tenantId, '2026-01', { contentType: 'image/png', dataBase64: TINY_PNG_BASE64 });
    suspectReadingId = (
      await sql.query<{ id: string }>(
        `INSERT INTO readings (tenant_id, account_id, meter_id, read_on, read_at, register_litres, consumption_litres, source, status, anomalies, photo_path)
         VALUES ($1, $2, $3, '2026-01-05', '2026-01-05T02:00:00Z', 50000, NULL, 'handheld', 'suspect', '{decrease}', $4) RETURNING id`,
        [tenantId, accountId, household.meter.id, photoPath],
      )
    )[0]?.id;
  }
  const collectorId = (await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'collector' ORDER BY staff_id LIMIT 1"))[0]?.id;
  if (!routeId || !suspectReadingId || !collectorId) throw new Error('reading target incomplete');
  return { routeId, suspectReadingId, meterSerial: household.meter.serialNo, collectorId, today };
}

/** Rows in every reading table for a utility (assignments and a dead letter besides the target's). */
export async function seedReadingTables(environment: TestEnvironment, utility: Utility, household: CustomerWithAccount): Promise<void> {
  const tenantId = utility.tenant.id;
  await environment.db.withTenant(tenantId, async (sql) => {
    const target = await ensureReadingTarget(environment, sql, tenantId, household);
    await sql.query(
      "INSERT INTO route_assignments (tenant_id, route_id, staff_id, duty, starts_on) VALUES ($1, $2, $3, 'collector', '2026-01-01')",
      [tenantId, target.routeId, target.collectorId],
    );
    await sql.query("INSERT INTO reading_dead_letters (tenant_id, source, topic, payload, reason) VALUES ($1, 'mqtt', $2, '{', 'payload is not JSON')", [tenantId, `shuiwu/${utility.tenant.code}/meters/X1/reading`]);
  });
}
