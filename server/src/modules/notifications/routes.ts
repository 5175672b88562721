import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffActor, staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { listOutbox, retryOutboxMessage } from './outbox';
import type { SmsGateway } from './sms';

const channelSchema = z.enum(['sms', 'wechat']).meta({ description: 'sms, or wechat (a WeChat template message to the openid of a portal user). Printed dunning letters are not messages: see /api/collection/notices?channel=letter' });
const statusSchema = z.enum(['queued', 'sent', 'delivered', 'failed']);

const outboxMessageSchema = z
  .object({
    id: z.uuid(),
    channel: channelSchema,
    recipientMasked: z.string(),
    template: z.string(),
    body: z.string(),
    status: statusSchema,
    provider: z.string().nullable(),
    attempts: z.number().int().min(0).meta({ description: 'Hand-overs to the channel so far; a message is given up after five' }),
    lastError: z.string().nullable().meta({ description: 'Why the last attempt failed (WeChat: errcode and errmsg)' }),
    fallbackOutboxId: z.uuid().nullable().meta({ description: 'The SMS sent in place of a WeChat message that WeChat could not deliver' }),
    fallback: z
      .object({ id: z.uuid(), recipientMasked: z.string(), status: statusSchema })
      .nullable()
      .meta({ description: 'That SMS: the phone it went to (masked) and its status' }),
    replacesOutboxId: z.uuid().nullable().meta({ description: 'On an SMS: the WeChat message it was sent in place of' }),
    isRetryable: z.boolean().meta({ description: 'A failed message that staff holding outbox.retry may queue again (not a login code, not fallen back to SMS)' }),
    createdAt: z.iso.datetime(),
    sentAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'OutboxMessage' });

export function registerNotificationRoutes(app: App, context: PlatformContext, sms: SmsGateway): void {
  app.get(
    '/api/outbox',
    {
      preValidation: staffGuard(context, 'outbox.read'),
      schema: {
        tags: ['notifications'],
        summary: 'Messages sent to customers, newest first',
        description: 'One-time codes are masked unless the SMS gateway keeps messages on this machine (demo).',
        security: [{ staffSession: [] }],
        querystring: z.strictObject({
          recipient: z.string().regex(/^1[3-9]\d{9}$/).optional(),
          channel: channelSchema.optional(),
          status: statusSchema.optional(),
          before: z.iso.datetime().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({ messages: z.array(outboxMessageSchema), nextBefore: z.iso.datetime().nullable() }),
          400: errorResponseSchema,
          401: errorResponseSchema,
          403: errorResponseSchema,
        },
      },
    },
    async (request) => listOutbox(context, staffOf(request).tenantId, request.query, { showSensitiveBodies: sms.isLocal }),
  );

  app.post(
    '/api/outbox/:id/retry',
    {
      preValidation: staffGuard(context, 'outbox.retry'),
      schema: {
        tags: ['notifications'],
        summary: 'Queue a failed message for one more attempt (audited)',
        description: 'Refused (409) for a message that has not failed, a login code (message_one_time_code) and a WeChat message already sent as an SMS (message_fell_back).',
        security: [{ staffSession: [] }],
        params: z.strictObject({ id: z.uuid() }),
        response: { 200: outboxMessageSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => retryOutboxMessage(context, staffOf(request).tenantId, request.params.id, staffActor(request)),
  );
}
