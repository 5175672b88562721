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

/** The entry's INSERT, through a function whose plan each connection keeps (migration 0052). */
const INSERT_ENTRY = 'SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)';

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
 * database assigns the entry's number, its lane and its place in that lane's hash chain (migrations 0005 and
 * 0051, ADR 0008).
 */
export async function recordAudit(sql: Sql, tenantId: string, actor: Actor, at: Date, entry: AuditEntry): Promise<void> {
  await sql.query(INSERT_ENTRY, entryParams(tenantId, actor, at, entry));
}

/**
 * Appends one entry as the transaction's last statement, sent with its COMMIT (Sql.atCommit): the same
 * entry, chained the same way and existing exactly when the change does, but its chain lane, which other
 * audited writes of the utility wait for when every lane is held, is locked only through the commit itself.
 * For a write that reads nothing of the audit log after it. Entries queued this way follow, in the order
 * queued, every entry recordAudit appended in the same transaction.
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
 * Recomputes every link of the transaction's utility's chains (its lanes, ADR 0008) with the same SQL function
 * that wrote them. An entry whose stored hash, previous hash or link does not follow from its predecessor in
 * its lane marks where a chain was broken; a lane's head that does not point at the lane's last entry means
 * entries were removed from that lane's end, and the head names the last of them. The earliest broken entry
 * (by seq) is reported.
 */
export async function verifyAuditChain(sql: Sql): Promise<{ entries: number; firstBrokenSeq: number | null }> {
  const rows = await sql.query<{ entries: number; first_broken: number | null; first_cut: number | null }>(`
    WITH chain AS (
      SELECT seq, lane, coalesce(link, seq) AS link, hash, prev_hash,
        lag(hash, 1, '\\x'::bytea) OVER lane_order AS expected_prev,
        lag(coalesce(link, seq), 1, 0::bigint) OVER lane_order AS previous_link,
        audit_entry_hash(prev_hash, tenant_id, seq, lane, link, occurred_at, actor_type, actor_id, actor_name, action,
          object_type, object_id, subject_customer_id, before, after, ip) AS recomputed
      FROM audit_log
      WINDOW lane_order AS (PARTITION BY lane ORDER BY coalesce(link, seq))
    ),
    lane_ends AS (
      SELECT DISTINCT ON (lane) lane, link, hash, seq FROM chain ORDER BY lane, link DESC
    ),
    cut AS (
      SELECT coalesce(heads.last_entry_seq, ends.seq + 1, 1) AS seq
      FROM audit_chain_heads AS heads FULL JOIN lane_ends AS ends ON ends.lane = heads.lane
      WHERE heads.lane IS NULL OR coalesce(ends.link, 0) <> heads.last_seq OR coalesce(ends.hash, '\\x'::bytea) <> heads.last_hash
    )
    SELECT count(*)::int8 AS entries,
      min(seq) FILTER (WHERE hash <> recomputed OR prev_hash <> expected_prev OR link <> previous_link + 1) AS first_broken,
      (SELECT min(seq) FROM cut) AS first_cut
    FROM chain`);
  const row = rows[0];
  if (!row) return { entries: 0, firstBrokenSeq: null };
  const broken = [row.first_broken, row.first_cut].filter((seq): seq is number => seq !== null);
  return { entries: row.entries, firstBrokenSeq: broken.length > 0 ? Math.min(...broken) : null };
}
