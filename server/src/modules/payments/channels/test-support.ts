import { generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';

/** A stand-in merchant notify endpoint for tests: records every POST as raw text and answers as told. */

export interface ReceivedNotification {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface NotifyReceiver {
  /** Base URL; notifications go to <url>/wechatpay and <url>/alipay. */
  url: string;
  received: ReceivedNotification[];
  close(): Promise<void>;
}

export type NotifyAnswer = (notification: ReceivedNotification, index: number) => { statusCode: number; body?: string; contentType?: string };

export async function startNotifyReceiver(answer: NotifyAnswer): Promise<NotifyReceiver> {
  const app = Fastify({ logger: false });
  const received: ReceivedNotification[] = [];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/*', async (request, reply) => {
    const notification = { path: request.url, headers: request.headers, body: typeof request.body === 'string' ? request.body : '' };
    received.push(notification);
    const result = answer(notification, received.length - 1);
    reply.code(result.statusCode);
    if (result.contentType) reply.type(result.contentType);
    return reply.send(result.body ?? '');
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, received, close: () => app.close() };
}

/** One RSA-2048 pair that belongs to nobody: for signing as a stranger or expecting the wrong channel key. */
export function strangerKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
