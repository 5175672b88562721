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

/**
 * Takes `count` consecutive values of a tenant's counter at once (for numbering a batch, e.g. a billing
 * chunk's bills) and returns the first. Callers take the block in a short transaction of its own, so the
 * counter's row lock does not serialise long batches; numbers of a batch that then fails stay unused.
 */
export async function takeCounterBlock(sql: Sql, tenantId: string, name: string, start: number, count: number): Promise<number> {
  const rows = await sql.query<{ value: number }>(
    `INSERT INTO counters (tenant_id, name, value) VALUES ($1, $2, $3::int8 + $4::int8)
     ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + $4::int8
     RETURNING value`,
    [tenantId, name, start, count],
  );
  return (rows[0] as { value: number }).value - count + 1;
}
