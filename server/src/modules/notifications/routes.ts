import { z } from 'zod';
import type { PlatformContext } from '../../platform/context';
import { errorResponseSchema } from '../../platform/http/errors';
import { staffGuard, staffOf } from '../../platform/http/guards';
import type { App } from '../../platform/http/server';
import { listOutbox } from './outbox';
import type { SmsGateway } from './sms';

const outboxMessageSchema = z
  .object({
    id: z.uuid(),
    channel: z.enum(['sms', 'wechat']).meta({ description: 'sms, or wechat (a WeChat template message to the openid of a portal user)' }),
    recipientMasked: z.string(),
    template: z.string(),
    body: z.string(),
    status: z.enum(['queued', 'sent', 'delivered', 'failed']),
    provider: z.string().nullable(),
    lastError: z.string().nullable().meta({ description: 'Why the last attempt failed (WeChat: errcode and errmsg)' }),
    fallbackOutboxId: z.uuid().nullable().meta({ description: 'The SMS sent in place of a WeChat message that WeChat could not deliver' }),
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
}
