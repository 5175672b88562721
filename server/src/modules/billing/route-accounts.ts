import type { Sql } from '../../platform/db/database';

// What billing asks of the reading module's routes (抄表本, tables reading_routes and route_accounts).
// Kept behind these few functions so they can be swapped for the reading module's own exports.

export interface RouteRef {
  id: string;
  code: string;
  isActive: boolean;
}

/** Routes by id or by code, in code order; unknown ones are simply absent. */
export async function findRoutes(sql: Sql, by: { ids?: readonly string[]; codes?: readonly string[] }): Promise<RouteRef[]> {
  const rows = await sql.query<{ id: string; code: string; is_active: boolean }>(
    `SELECT id, code, is_active FROM reading_routes
     WHERE ($1::uuid[] IS NOT NULL AND id = ANY($1::uuid[])) OR ($2::text[] IS NOT NULL AND code = ANY($2::text[]))
     ORDER BY code`,
    [by.ids ?? null, by.codes ?? null],
  );
  return rows.map((row) => ({ id: row.id, code: row.code, isActive: row.is_active }));
}

/** Every active route, in code order. */
export async function activeRoutes(sql: Sql): Promise<RouteRef[]> {
  const rows = await sql.query<{ id: string; code: string }>('SELECT id, code FROM reading_routes WHERE is_active ORDER BY code');
  return rows.map((row) => ({ id: row.id, code: row.code, isActive: true }));
}

/** The accounts on the routes, route by route (in the order given) and in walk order within a route. */
export async function accountIdsOfRoutes(sql: Sql, routeIds: readonly string[]): Promise<string[]> {
  if (routeIds.length === 0) return [];
  const rows = await sql.query<{ ids: string[] | null }>(
    `SELECT array_agg(account_id ORDER BY array_position($1::uuid[], route_id), walk_order) AS ids
     FROM route_accounts WHERE route_id = ANY($1::uuid[])`,
    [routeIds],
  );
  return rows[0]?.ids ?? [];
}
