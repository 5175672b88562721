import type { Sql } from './database';

/** The next value of a tenant's named counter, starting after `start`; the row lock orders concurrent callers. */
export async function nextCounterValue(sql: Sql, tenantId: string, name: string, start: number): Promise<number> {
  const rows = await sql.query<{ value: number }>(
    `INSERT INTO counters (tenant_id, name, value) VALUES ($1, $2, $3 + 1)
     ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + 1
     RETURNING value`,
    [tenantId, name, start],
  );
  return (rows[0] as { value: number }).value;
}
