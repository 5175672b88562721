import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { maskPhone } from '../../platform/masking';
import type { SmsGateway } from './sms';

export interface QueuedSms {
  to: string;
  template: string;
  body: string;
  /** The body holds a secret such as a one-time code. */
  isSensitive?: boolean;
}

/** Queues an SMS in the caller's transaction: it is sent exactly when the decision to send commits. */
export async function enqueueSms(sql: Sql, tenantId: string, message: QueuedSms, at: Date): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO message_outbox (tenant_id, channel, recipient, template, body, is_sensitive, created_at)
     VALUES ($1, 'sms', $2, $3, $4, $5, $6) RETURNING id`,
    [tenantId, message.to, message.template, message.body, message.isSensitive ?? false, at],
  );
  return (rows[0] as { id: string }).id;
}

interface OutboxRow {
  id: string;
  recipient: string;
  template: string;
  body: string;
  attempts: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Hands a tenant's queued messages to the gateway. Rows are claimed with SKIP LOCKED so several workers
 * never send the same message; a failed send stays queued for a later pass until it has failed five times.
 */
export async function dispatchQueued(context: PlatformContext, gateway: SmsGateway, tenantId: string, limit = 50): Promise<number> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<OutboxRow>(
      `SELECT id, recipient, template, body, attempts FROM message_outbox
       WHERE status = 'queued' ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    for (const row of rows) {
      const now = context.clock.now();
      try {
        const result = await gateway.send({ to: row.recipient, template: row.template, body: row.body });
        await sql.query(
          `UPDATE message_outbox SET status = $2, attempts = attempts + 1, provider = $3, provider_message_id = $4, sent_at = $5,
             last_error = NULL WHERE id = $1`,
          [row.id, result.isDelivered ? 'delivered' : 'sent', gateway.name, result.providerMessageId, now],
        );
      } catch (error) {
        await sql.query(
          `UPDATE message_outbox SET status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'queued' END,
             attempts = attempts + 1, provider = $2, last_error = $3 WHERE id = $1`,
          [row.id, gateway.name, String(error).slice(0, 500), MAX_ATTEMPTS],
        );
      }
    }
    return rows.length;
  });
}

export interface OutboxMessage {
  id: string;
  channel: 'sms';
  recipientMasked: string;
  template: string;
  body: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  provider: string | null;
  createdAt: string;
  sentAt: string | null;
}

export async function listOutbox(
  context: PlatformContext,
  tenantId: string,
  filter: { recipient?: string | undefined; before?: string | undefined; limit: number },
  options: { showSensitiveBodies: boolean },
): Promise<{ messages: OutboxMessage[]; nextBefore: string | null }> {
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ id: string; recipient: string; template: string; body: string; is_sensitive: boolean; status: OutboxMessage['status']; provider: string | null; created_at: Date; sent_at: Date | null }>(
      `SELECT id, recipient, template, body, is_sensitive, status, provider, created_at, sent_at FROM message_outbox
       WHERE ($1::text IS NULL OR recipient = $1) AND ($2::timestamptz IS NULL OR created_at < $2)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [filter.recipient ?? null, filter.before ?? null, filter.limit + 1],
    ),
  );
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    messages: page.map((row) => ({
      id: row.id,
      channel: 'sms',
      recipientMasked: maskPhone(row.recipient) ?? '',
      template: row.template,
      body: row.is_sensitive && !options.showSensitiveBodies ? row.body.replace(/\d{4,}/g, (digits) => '*'.repeat(digits.length)) : row.body,
      status: row.status,
      provider: row.provider,
      createdAt: new Date(row.created_at).toISOString(),
      sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
    })),
    nextBefore: rows.length > filter.limit && last ? new Date(last.created_at).toISOString() : null,
  };
}
