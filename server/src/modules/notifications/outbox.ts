import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import { DomainError, notFound } from '../../platform/errors';
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
async function sendWechat(wechat: WechatOfficialAccountClient | null | undefined, row: OutboxRow): Promise<string> {
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
 *
 * `wechat`: the utility's official account client; null when the utility has none (its WeChat messages fall
 * back to SMS at once); left out when this caller does not deliver WeChat messages (they stay queued).
 */
export async function dispatchQueued(context: PlatformContext, gateway: SmsGateway, tenantId: string, limit = 50, wechat?: WechatOfficialAccountClient | null): Promise<number> {
  // undefined: this caller has no WeChat channel at all (the login-code route, a worker that cannot reach the
  // account), so WeChat rows stay queued for a process that has one instead of failing over to SMS.
  const isDeliveringWechat = wechat !== undefined;
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<OutboxRow>(
      `SELECT id, channel, recipient, template, body, attempts, payload, fallback_phone FROM message_outbox
       WHERE status = 'queued' AND ($2::boolean OR channel = 'sms') ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, isDeliveringWechat],
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

export type OutboxChannel = 'sms' | 'wechat';
export type OutboxStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export interface OutboxMessage {
  id: string;
  channel: OutboxChannel;
  recipientMasked: string;
  template: string;
  body: string;
  status: OutboxStatus;
  provider: string | null;
  /** Hand-overs to the channel so far (a message is given up after five). */
  attempts: number;
  /** Why the last attempt failed (WeChat: errcode and errmsg). */
  lastError: string | null;
  /** The SMS sent in place of a WeChat message WeChat could not deliver. */
  fallbackOutboxId: string | null;
  /** That SMS as it stands: to whom and whether it went. */
  fallback: { id: string; recipientMasked: string; status: OutboxStatus } | null;
  /** On an SMS: the WeChat message it stands in for. */
  replacesOutboxId: string | null;
  /** Staff may hand it to its channel once more (a failed message that is not a login code and did not fall back). */
  isRetryable: boolean;
  createdAt: string;
  sentAt: string | null;
}

export interface OutboxFilter {
  recipient?: string | undefined;
  channel?: OutboxChannel | undefined;
  status?: OutboxStatus | undefined;
  before?: string | undefined;
  /** One message (after a retry). */
  id?: string | undefined;
  limit: number;
}

/** oAbc…wxyz: an openid is not secret, but there is no need to show it whole. */
const maskOpenid = (openid: string): string => (openid.length <= 8 ? openid : `${openid.slice(0, 4)}****${openid.slice(-4)}`);
const maskRecipient = (channel: OutboxChannel, recipient: string): string => (channel === 'wechat' ? maskOpenid(recipient) : (maskPhone(recipient) ?? ''));

/** A failed message staff may send again: login codes expire (the customer asks for a new one), and a WeChat message that became an SMS already reached the customer. */
const isRetryable = (row: { status: OutboxStatus; is_sensitive: boolean; fallback_outbox_id: string | null }): boolean =>
  row.status === 'failed' && !row.is_sensitive && row.fallback_outbox_id === null;

export async function listOutbox(
  context: PlatformContext,
  tenantId: string,
  filter: OutboxFilter,
  options: { showSensitiveBodies: boolean },
): Promise<{ messages: OutboxMessage[]; nextBefore: string | null }> {
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{
      id: string;
      channel: OutboxChannel;
      recipient: string;
      template: string;
      body: string;
      is_sensitive: boolean;
      status: OutboxStatus;
      provider: string | null;
      attempts: number;
      last_error: string | null;
      fallback_outbox_id: string | null;
      fallback_recipient: string | null;
      fallback_status: OutboxStatus | null;
      replaces_id: string | null;
      created_at: Date;
      sent_at: Date | null;
    }>(
      `SELECT m.id, m.channel, m.recipient, m.template, m.body, m.is_sensitive, m.status, m.provider, m.attempts, m.last_error,
         m.fallback_outbox_id, f.recipient AS fallback_recipient, f.status AS fallback_status,
         (SELECT w.id FROM message_outbox w WHERE w.fallback_outbox_id = m.id LIMIT 1) AS replaces_id,
         m.created_at, m.sent_at
       FROM message_outbox m LEFT JOIN message_outbox f ON f.id = m.fallback_outbox_id
       WHERE ($1::text IS NULL OR m.recipient = $1) AND ($2::text IS NULL OR m.channel = $2) AND ($3::text IS NULL OR m.status = $3)
         AND ($4::timestamptz IS NULL OR m.created_at < $4) AND ($6::uuid IS NULL OR m.id = $6)
       ORDER BY m.created_at DESC, m.id DESC LIMIT $5`,
      [filter.recipient ?? null, filter.channel ?? null, filter.status ?? null, filter.before ?? null, filter.limit + 1, filter.id ?? null],
    ),
  );
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    messages: page.map((row) => ({
      id: row.id,
      channel: row.channel,
      recipientMasked: maskRecipient(row.channel, row.recipient),
      template: row.template,
      body: row.is_sensitive && !options.showSensitiveBodies ? row.body.replace(/\d{4,}/g, (digits) => '*'.repeat(digits.length)) : row.body,
      status: row.status,
      provider: row.provider,
      attempts: row.attempts,
      lastError: row.last_error,
      fallbackOutboxId: row.fallback_outbox_id,
      fallback:
        row.fallback_outbox_id && row.fallback_recipient && row.fallback_status
          ? { id: row.fallback_outbox_id, recipientMasked: maskRecipient('sms', row.fallback_recipient), status: row.fallback_status }
          : null,
      replacesOutboxId: row.replaces_id,
      isRetryable: isRetryable(row),
      createdAt: new Date(row.created_at).toISOString(),
      sentAt: row.sent_at ? new Date(row.sent_at).toISOString() : null,
    })),
    nextBefore: rows.length > filter.limit && last ? new Date(last.created_at).toISOString() : null,
  };
}

/**
 * Puts a failed message back in the queue for one more hand-over to its channel (the next delivery pass
 * sends it; failing again makes it failed again, since it has used its attempts). Refused for a message that
 * is not failed, a login code (expired by now: the customer asks for a new one) and a WeChat message that
 * already became an SMS. Audited in the same transaction.
 */
export async function retryOutboxMessage(context: PlatformContext, tenantId: string, messageId: string, actor: Actor): Promise<OutboxMessage> {
  await context.db.withTenant(tenantId, async (sql) => {
    const [row] = await sql.query<{ channel: OutboxChannel; template: string; status: OutboxStatus; attempts: number; last_error: string | null; is_sensitive: boolean; fallback_outbox_id: string | null }>(
      'SELECT channel, template, status, attempts, last_error, is_sensitive, fallback_outbox_id FROM message_outbox WHERE id = $1 FOR UPDATE',
      [messageId],
    );
    if (!row) throw notFound({ zh: '消息', en: 'Message' });
    if (row.status !== 'failed') {
      throw new DomainError('conflict', 'message_not_failed', '只有发送失败的消息可以重发', 'Only a message that failed can be sent again', [
        { field: 'id', zh: '该消息未失败', en: 'the message has not failed' },
      ]);
    }
    if (row.is_sensitive) {
      throw new DomainError('conflict', 'message_one_time_code', '验证码已过期，不能重发，请客户重新获取', 'A login code has expired and is never sent again; the customer asks for a new one', [
        { field: 'id', zh: '验证码消息不能重发', en: 'a login code cannot be resent' },
      ]);
    }
    if (row.fallback_outbox_id) {
      throw new DomainError('conflict', 'message_fell_back', '该微信消息已改发短信，不能重发', 'This WeChat message was already sent as an SMS instead', [
        { field: 'id', zh: '已改发短信', en: 'already sent as an SMS' },
      ]);
    }
    const now = context.clock.now();
    await sql.query("UPDATE message_outbox SET status = 'queued' WHERE id = $1", [messageId]);
    await recordAudit(sql, tenantId, actor, now, {
      action: 'outbox.retry',
      objectType: 'message',
      objectId: messageId,
      before: { channel: row.channel, template: row.template, status: row.status, attempts: row.attempts, lastError: row.last_error },
      after: { status: 'queued' },
    });
  });
  // Shaped as the list shows it; a retried message is never a login code, so no body needs masking here.
  const { messages } = await listOutbox(context, tenantId, { id: messageId, limit: 1 }, { showSensitiveBodies: false });
  const [message] = messages;
  if (!message) throw notFound({ zh: '消息', en: 'Message' });
  return message;
}
