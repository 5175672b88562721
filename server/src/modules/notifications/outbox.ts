import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { maskPhone } from '../../platform/masking';
import type { SmsGateway } from './sms';
import { WechatApiError, type WechatOfficialAccountClient } from './wechat-official-account';

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

export interface QueuedWechatMessage {
  openid: string;
  /** Our template name; the utility's template id for it comes from its WeChat configuration. */
  template: 'dunning_reminder' | 'dunning_cutoff_notice';
  /** The message as plain text: shown in the console, and sent by SMS when WeChat cannot deliver it. */
  body: string;
  /** The template message's fields ({keyword: {value}}) and the page it opens. */
  data: Record<string, { value: string }>;
  url?: string;
  /** Where the SMS goes if WeChat cannot deliver the message; without it an undeliverable message just fails. */
  fallbackPhone: string | null;
}

/** Queues a WeChat template message in the caller's transaction (sent by dispatchQueued with the account's client). */
export async function enqueueWechatMessage(sql: Sql, tenantId: string, message: QueuedWechatMessage, at: Date): Promise<string> {
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO message_outbox (tenant_id, channel, recipient, template, body, payload, fallback_phone, created_at)
     VALUES ($1, 'wechat', $2, $3, $4, $5, $6, $7) RETURNING id`,
    [tenantId, message.openid, message.template, message.body, JSON.stringify({ data: message.data, url: message.url ?? null }), message.fallbackPhone, at],
  );
  return (rows[0] as { id: string }).id;
}

interface OutboxRow {
  id: string;
  channel: 'sms' | 'wechat';
  recipient: string;
  template: string;
  body: string;
  attempts: number;
  payload: { data: Record<string, { value: string }>; url: string | null } | string | null;
  fallback_phone: string | null;
}

const MAX_ATTEMPTS = 5;

/** Sends one WeChat row; throws a WechatApiError (or an Error when no WeChat account is configured). */
async function sendWechat(wechat: WechatOfficialAccountClient | null, row: OutboxRow): Promise<string> {
  if (!wechat) throw new WechatApiError('template message', 40013, 'no WeChat official account configured for this utility');
  const templateId = wechat.templateIds[row.template as keyof typeof wechat.templateIds];
  if (!templateId) throw new WechatApiError('template message', 40037, `no template id configured for ${row.template}`);
  const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as { data: Record<string, { value: string }>; url: string | null };
  const { msgid } = await wechat.sendTemplateMessage({ touser: row.recipient, templateId, data: payload.data, ...(payload.url ? { url: payload.url } : {}) });
  return msgid;
}

/**
 * Hands a tenant's queued messages to their channel: SMS to the gateway, WeChat messages to the utility's
 * official account. Rows are claimed with SKIP LOCKED so several workers never send the same message; a
 * failed send stays queued for a later pass until it has failed five times. A WeChat message that cannot be
 * delivered (the user does not follow the account, an unknown openid, no template, no account configured) or
 * that failed five times becomes an SMS to its fallback phone, queued in the same transaction.
 */
export async function dispatchQueued(context: PlatformContext, gateway: SmsGateway, tenantId: string, limit = 50, wechat: WechatOfficialAccountClient | null = null): Promise<number> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<OutboxRow>(
      `SELECT id, channel, recipient, template, body, attempts, payload, fallback_phone FROM message_outbox
       WHERE status = 'queued' ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    for (const row of rows) {
      const now = context.clock.now();
      const provider = row.channel === 'wechat' ? `wechat-mp:${wechat?.appid ?? 'none'}` : gateway.name;
      try {
        let result: { providerMessageId: string; isDelivered: boolean };
        if (row.channel === 'wechat') result = { providerMessageId: await sendWechat(wechat, row), isDelivered: false };
        else result = await gateway.send({ to: row.recipient, template: row.template, body: row.body });
        await sql.query(
          `UPDATE message_outbox SET status = $2, attempts = attempts + 1, provider = $3, provider_message_id = $4, sent_at = $5,
             last_error = NULL WHERE id = $1`,
          [row.id, result.isDelivered ? 'delivered' : 'sent', provider, result.providerMessageId, now],
        );
      } catch (error) {
        const isFinal = row.attempts + 1 >= MAX_ATTEMPTS || (error instanceof WechatApiError && row.channel === 'wechat' && (error.isUndeliverable || error.errcode === 40013));
        let fallbackId: string | null = null;
        if (isFinal && row.channel === 'wechat' && row.fallback_phone) {
          fallbackId = await enqueueSms(sql, tenantId, { to: row.fallback_phone, template: row.template, body: row.body }, now);
        }
        await sql.query(
          `UPDATE message_outbox SET status = CASE WHEN $4 THEN 'failed' ELSE 'queued' END,
             attempts = attempts + 1, provider = $2, last_error = $3, fallback_outbox_id = $5 WHERE id = $1`,
          [row.id, provider, String(error instanceof Error ? error.message : error).slice(0, 500), isFinal, fallbackId],
        );
      }
    }
    return rows.length;
  });
}

export interface OutboxMessage {
  id: string;
  channel: 'sms' | 'wechat';
  recipientMasked: string;
  template: string;
  body: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed';
  provider: string | null;
  /** Why the last attempt failed (WeChat: errcode and errmsg). */
  lastError: string | null;
  /** The SMS sent in place of a WeChat message WeChat could not deliver. */
  fallbackOutboxId: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** oAbc…wxyz: an openid is not secret, but there is no need to show it whole. */
const maskOpenid = (openid: string): string => (openid.length <= 8 ? openid : `${openid.slice(0, 4)}****${openid.slice(-4)}`);

export async function listOutbox(
  context: PlatformContext,
  tenantId: string,
  filter: { recipient?: string | undefined; before?: string | undefined; limit: number },
  options: { showSensitiveBodies: boolean },
): Promise<{ messages: OutboxMessage[]; nextBefore: string | null }> {
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ id: string; channel: OutboxMessage['channel']; recipient: string; template: string; body: string; is_sensitive: boolean; status: OutboxMessage['status']; provider: string | null; last_error: string | null; fallback_outbox_id: string | null; created_at: Date; sent_at: Date | null }>(
      `SELECT id, channel, recipient, template, body, is_sensitive, status, provider, last_error, fallback_outbox_id, created_at, sent_at FROM message_outbox
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
      channel: row.channel,
      recipientMasked: row.channel === 'wechat' ? maskOpenid(row.recipient) : (maskPhone(row.recipient) ?? ''),
      template: row.template,
      body: row.is_sensitive && !options.showSensitiveBodies ? row.body.replace(/\d{4,}/g, (digits) => '*'.repeat(digits.length)) : row.body,
      status: row.status,
      provider: row.provider,
      lastError: row.last_error,
      fallbackOutboxId: row.fallback_outbox_id,
      createdAt: new Date(row.created_at).toISOString(),
      sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
    })),
    nextBefore: rows.length > filter.limit && last ? new Date(last.created_at).toISOString() : null,
  };
}
