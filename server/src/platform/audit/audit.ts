import type { Sql } from '../db/database';

export type ActorType = 'staff' | 'portal_user' | 'system';

/** Who did something, as recorded in the audit log. */
export interface Actor {
  type: ActorType;
  id: string | null;
  name: string;
  ip: string | null;
}

export const systemActor = (name = 'system'): Actor => ({ type: 'system', id: null, name, ip: null });

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId: string;
  /** The customer the object belongs to, so the customer 360 history can find it. */
  customerId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

const INSERT_ENTRY = `INSERT INTO audit_log (tenant_id, occurred_at, actor_type, actor_id, actor_name, action, object_type, object_id,
       subject_customer_id, before, after, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;

const entryParams = (tenantId: string, actor: Actor, at: Date, entry: AuditEntry): unknown[] => [
  tenantId,
  at,
  actor.type,
  actor.id,
  actor.name,
  entry.action,
  entry.objectType,
  entry.objectId,
  entry.customerId ?? null,
  entry.before ? JSON.stringify(entry.before) : null,
  entry.after ? JSON.stringify(entry.after) : null,
  actor.ip,
];

/**
 * Appends one entry in the caller's transaction, so the entry exists exactly when the change does. The
 * database assigns the sequence number and the hash chain (see migration 0005).
 */
export async function recordAudit(sql: Sql, tenantId: string, actor: Actor, at: Date, entry: AuditEntry): Promise<void> {
  await sql.query(INSERT_ENTRY, entryParams(tenantId, actor, at, entry));
}

/**
 * Appends one entry as the transaction's last statement, sent with its COMMIT (Sql.atCommit): the same
 * entry, chained the same way and existing exactly when the change does, but the utility's chain head,
 * which every audited write of the utility waits for, is locked only through the commit itself. For a
 * write that reads nothing of the audit log after it. Entries queued this way follow, in the order queued,
 * every entry recordAudit appended in the same transaction.
 */
export function recordAuditAtCommit(sql: Sql, tenantId: string, actor: Actor, at: Date, entry: AuditEntry): Promise<void> {
  if (!sql.atCommit) return recordAudit(sql, tenantId, actor, at, entry);
  sql.atCommit(INSERT_ENTRY, entryParams(tenantId, actor, at, entry));
  return Promise.resolve();
}

/** The fields that changed between two versions of a record, as the before/after pair to audit. */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: T,
): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const previous: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      previous[key] = before[key] ?? null;
      next[key] = after[key] ?? null;
    }
  }
  return Object.keys(next).length > 0 ? { before: previous, after: next } : null;
}

export interface AuditVerification {
  tenantCode: string;
  entries: number;
  isIntact: boolean;
  firstBrokenSeq: number | null;
}

/**
 * Recomputes every link of the transaction's tenant chain with the same SQL function that wrote it. A row
 * whose stored hash, previous hash or sequence does not follow from its predecessor marks where the chain
 * was broken; a chain head that points past the last row means rows were removed from the end.
 */
export async function verifyAuditChain(sql: Sql): Promise<{ entries: number; firstBrokenSeq: number | null }> {
  const rows = await sql.query<{ entries: number; first_broken: number | null; last_seq: number | null; last_hash: Uint8Array | null; head_seq: number | null; head_hash: Uint8Array | null }>(`
    WITH chain AS (
      SELECT seq, hash, prev_hash,
        lag(hash, 1, '\\x'::bytea) OVER (ORDER BY seq) AS expected_prev,
        lag(seq, 1, 0::bigint) OVER (ORDER BY seq) AS previous_seq,
        audit_row_hash(prev_hash, tenant_id, seq, occurred_at, actor_type, actor_id, actor_name, action, object_type,
          object_id, subject_customer_id, before, after, ip) AS recomputed
      FROM audit_log
    )
    SELECT count(*)::int8 AS entries,
      min(seq) FILTER (WHERE hash <> recomputed OR prev_hash <> expected_prev OR seq <> previous_seq + 1) AS first_broken,
      max(seq) AS last_seq,
      (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS last_hash,
      (SELECT last_seq FROM audit_chain_heads) AS head_seq,
      (SELECT last_hash FROM audit_chain_heads) AS head_hash
    FROM chain`);
  const row = rows[0];
  if (!row) return { entries: 0, firstBrokenSeq: null };
  let firstBrokenSeq = row.first_broken;
  const lastSeq = row.last_seq ?? 0;
  const isHeadConsistent =
    (row.head_seq ?? 0) === lastSeq &&
    Buffer.from(row.head_hash ?? new Uint8Array()).equals(Buffer.from(row.last_hash ?? new Uint8Array()));
  if (firstBrokenSeq === null && !isHeadConsistent) firstBrokenSeq = lastSeq + 1;
  return { entries: row.entries, firstBrokenSeq };
}
