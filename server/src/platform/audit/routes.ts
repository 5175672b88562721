import { z } from 'zod';
import type { PlatformContext } from '../context';
import { errorResponseSchema } from '../http/errors';
import { staffGuard, staffOf } from '../http/guards';
import type { App } from '../http/server';
import { verifyAuditChain } from './audit';

const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    occurredAt: z.iso.datetime(),
    actorType: z.enum(['staff', 'portal_user', 'system']),
    actorName: z.string(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string(),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
    ip: z.string().nullable(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };

interface AuditRow {
  seq: number;
  occurred_at: Date;
  actor_type: 'staff' | 'portal_user' | 'system';
  actor_name: string;
  action: string;
  object_type: string;
  object_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  ip: string | null;
  hash: string;
}

/** The audit log as auditors read it: filtered, newest first, paged by sequence number. */
export function registerAuditRoutes(app: App, context: PlatformContext): void {
  app.get(
    '/api/audit',
    {
      preValidation: staffGuard(context, 'audit.read'),
      schema: {
        tags: ['audit'],
        summary: 'Audit log entries, newest first',
        security: [{ staffSession: [] }],
        querystring: z.strictObject({
          objectType: z.string().max(50).optional(),
          objectId: z.string().max(100).optional(),
          actor: z.string().max(100).optional(),
          action: z.string().max(100).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ entries: z.array(auditEntrySchema), nextBefore: z.number().int().nullable() }), ...errors },
      },
    },
    async (request) => {
      const query = request.query;
      const rows = await context.db.withTenant(staffOf(request).tenantId, (sql) =>
        sql.query<AuditRow>(
          `SELECT seq, occurred_at, actor_type, actor_name, action, object_type, object_id, before, after, ip, encode(hash, 'hex') AS hash
           FROM audit_log
           WHERE ($1::text IS NULL OR object_type = $1) AND ($2::text IS NULL OR object_id = $2)
             AND ($3::text IS NULL OR actor_name ILIKE '%' || $3 || '%') AND ($4::text IS NULL OR action LIKE $4 || '%')
             AND ($5::timestamptz IS NULL OR occurred_at >= $5) AND ($6::timestamptz IS NULL OR occurred_at < $6)
             AND ($7::int8 IS NULL OR seq < $7)
           ORDER BY seq DESC LIMIT $8`,
          [query.objectType ?? null, query.objectId ?? null, query.actor ?? null, query.action ?? null, query.from ?? null, query.to ?? null, query.before ?? null, query.limit + 1],
        ),
      );
      const page = rows.slice(0, query.limit);
      return {
        entries: page.map((row) => ({
          seq: row.seq,
          occurredAt: new Date(row.occurred_at).toISOString(),
          actorType: row.actor_type,
          actorName: row.actor_name,
          action: row.action,
          objectType: row.object_type,
          objectId: row.object_id,
          before: row.before,
          after: row.after,
          ip: row.ip,
          hash: row.hash,
        })),
        nextBefore: rows.length > query.limit ? (page[page.length - 1]?.seq ?? null) : null,
      };
    },
  );

  app.get(
    '/api/audit/verify',
    {
      preValidation: staffGuard(context, 'audit.read'),
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain of this utility\'s audit log',
        security: [{ staffSession: [] }],
        response: { 200: z.object({ entries: z.number().int(), isIntact: z.boolean(), firstBrokenSeq: z.number().int().nullable() }), ...errors },
      },
    },
    async (request) => {
      const result = await context.db.withTenant(staffOf(request).tenantId, verifyAuditChain);
      return { entries: result.entries, isIntact: result.firstBrokenSeq === null, firstBrokenSeq: result.firstBrokenSeq };
    },
  );
}
