/**
 * Readings from remote meters over MQTT. Topic per tenant and meter:
 *   shuiwu/<tenant_code>/meters/<serial>/reading   payload {"externalId", "readAt", "registerLitres"}
 * The subscriber joins the shared subscription group `shuiwu`, so `serve` and `worker` processes split the
 * messages instead of each taking all. Messages are buffered briefly and ingested in batches per tenant
 * through the same path as every other channel; duplicates (same externalId) are ignored, and a message
 * that cannot be understood or matched to a meter is kept in reading_dead_letters with the reason.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { systemActor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { listTenants, type Tenant } from '../tenancy';
import { ingestHeadEndBatchIn, type HeadEndReading } from './importer';

export const READING_TOPIC_FILTER = 'shuiwu/+/meters/+/reading';
export const readingTopic = (tenantCode: string, serial: string): string => `shuiwu/${tenantCode}/meters/${serial}/reading`;

export interface MqttStats {
  received: number;
  created: number;
  duplicates: number;
  deadLetters: number;
  dropped: number;
  /** Messages whose batch could not be written: left unacknowledged for the broker to deliver again. */
  unacknowledged: number;
}

export interface ReadingSubscriber {
  readonly stats: MqttStats;
  /** The connections' client ids, and whether the broker keeps their sessions (a stable id was given). */
  readonly sessions: { clientIds: readonly string[]; persistent: boolean };
  /** Resolves when every message received so far has been written. */
  drain(): Promise<void>;
  stop(): Promise<void>;
  /** Drops the connections at once, acknowledging nothing more (what a crash does; for tests). */
  abort(): Promise<void>;
}

interface Pending {
  tenantCode: string;
  topic: string;
  payload: string;
  reading: HeadEndReading | null;
  reason: string | null;
}

const MAX_PAYLOAD = 4096;

/** Parses one message; a reason instead of a reading when it is malformed. */
export function parseReadingMessage(topic: string, payload: string): { tenantCode: string | null; reading: HeadEndReading | null; reason: string | null } {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'shuiwu' || parts[2] !== 'meters' || parts[4] !== 'reading') return { tenantCode: null, reading: null, reason: 'unexpected topic' };
  const tenantCode = parts[1] as string;
  const serial = (parts[3] as string).toUpperCase();
  if (payload.length > MAX_PAYLOAD) return { tenantCode, reading: null, reason: 'payload too large' };
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return { tenantCode, reading: null, reason: 'payload is not JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { tenantCode, reading: null, reason: 'payload is not a JSON object' };
  const { externalId, readAt, registerLitres } = body as Record<string, unknown>;
  if (typeof externalId !== 'string' || externalId.length === 0 || externalId.length > 100) return { tenantCode, reading: null, reason: 'externalId must be a string of 1–100 characters' };
  if (typeof readAt !== 'string' || Number.isNaN(Date.parse(readAt)) || !/^\d{4}-\d{2}-\d{2}T/.test(readAt)) return { tenantCode, reading: null, reason: 'readAt must be an ISO 8601 date-time' };
  if (typeof registerLitres !== 'number' || !Number.isSafeInteger(registerLitres) || registerLitres < 0) return { tenantCode, reading: null, reason: 'registerLitres must be a non-negative integer' };
  if (!/^[A-Z0-9-]{4,32}$/.test(serial)) return { tenantCode, reading: null, reason: 'meter serial in the topic is not valid' };
  return { tenantCode, reading: { externalId, meterSerial: serial, readAt, registerLitres }, reason: null };
}

export interface ReadingSubscriberOptions {
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** How long a message may wait for others to share its transaction. */
  flushMs?: number;
  /** At most this many messages per transaction. */
  batchSize?: number;
  /**
   * A stable client id: the connections then keep persistent sessions (clean: false) named `<id>-<n>`, so
   * messages not yet acknowledged when the process dies are delivered again when it comes back. Without
   * one, random ids and clean sessions: unacknowledged messages go back to the broker, which hands them
   * to another member of the shared group if there is one, else they are lost with the session.
   */
  clientId?: string;
  /** Shared-subscription group (processes of one group split the messages); null subscribes alone to all. */
  shareGroup?: string | null;
  /**
   * Connections to the broker. A connection acknowledges its messages in order and hands over the next
   * one only when the previous is acknowledged (mqtt.js handleMessage), so this is also how many messages
   * can share one transaction. They join one shared subscription and split the messages between them.
   */
  connections?: number;
}

interface Waiting extends Pending {
  /** Sends the PUBACK (no argument), or leaves the message unacknowledged for redelivery (an error). */
  settle: (error?: Error) => void;
}

const RETRY_DELAYS_MS = [200, 1000, 5000];

/**
 * Subscribes to remote meters' readings. QoS 1, acknowledged only after the reading (or its dead letter)
 * is committed: each connection's handleMessage holds its message until the batch it joined is written,
 * then sends the PUBACK, so a process that dies mid-batch has acknowledged nothing of it. Messages from the
 * connections are gathered into one batch per tenant and transaction (ingestHeadEndBatch).
 */
export async function startReadingSubscriber(context: PlatformContext, url: string, options: ReadingSubscriberOptions = {}): Promise<ReadingSubscriber> {
  const log = options.log ?? (() => undefined);
  const flushMs = options.flushMs ?? 100;
  const batchSize = options.batchSize ?? 2000;
  const connections = Math.max(1, Math.min(options.connections ?? 32, batchSize));
  const stats: MqttStats = { received: 0, created: 0, duplicates: 0, deadLetters: 0, dropped: 0, unacknowledged: 0 };
  let waiting: Waiting[] = [];
  let tenants = new Map<string, Tenant>();
  let tenantsLoadedAt = 0;
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let isStopping = false;

  const tenantByCode = async (code: string): Promise<Tenant | null> => {
    if (!tenants.has(code) && Date.now() - tenantsLoadedAt > 5000) {
      tenants = new Map((await listTenants(context)).map((tenant) => [tenant.code, tenant]));
      tenantsLoadedAt = Date.now();
    }
    return tenants.get(code) ?? null;
  };

  /** Writes one tenant's messages (readings and dead letters) in one transaction; the counts once committed. */
  const writeTenant = async (tenant: Tenant, pending: readonly Pending[]): Promise<void> => {
    const counts = { created: 0, duplicates: 0, deadLetters: 0 };
    await context.db.withTenant(tenant.id, async (sql) => {
      const good = pending.filter((item) => item.reading);
      const dead: { topic: string; payload: string; reason: string }[] = pending.filter((item) => !item.reading).map((item) => ({ topic: item.topic, payload: item.payload, reason: item.reason ?? 'malformed' }));
      if (good.length > 0) {
        const result = await ingestHeadEndBatchIn(context, sql, tenant.id, good.map((item) => item.reading as HeadEndReading), systemActor('mqtt'), 'mqtt');
        counts.created += result.created;
        counts.duplicates += result.duplicates;
        for (const item of result.results) {
          if (item.outcome !== 'error') continue;
          const source = good[item.index] as Pending;
          dead.push({ topic: source.topic, payload: source.payload, reason: item.errors.map((error) => `${error.field}: ${error.en}`).join('; ') });
        }
      }
      if (dead.length > 0) {
        await sql.query(
          `INSERT INTO reading_dead_letters (tenant_id, source, topic, payload, reason, received_at)
           SELECT $1, 'mqtt', t.topic, t.payload, t.reason, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS t(topic, payload, reason)`,
          [tenant.id, dead.map((item) => item.topic), dead.map((item) => item.payload), dead.map((item) => item.reason), context.clock.now()],
        );
        counts.deadLetters += dead.length;
      }
    });
    stats.created += counts.created;
    stats.duplicates += counts.duplicates;
    stats.deadLetters += counts.deadLetters;
  };

  const writeBatch = async (batch: readonly Waiting[]): Promise<void> => {
    const byTenant = new Map<string, Waiting[]>();
    for (const item of batch) {
      const list = byTenant.get(item.tenantCode);
      if (list) list.push(item);
      else byTenant.set(item.tenantCode, [item]);
    }
    for (const [code, items] of byTenant) {
      let failure: unknown = null;
      for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt += 1) {
        try {
          const tenant = await tenantByCode(code);
          if (!tenant) {
            stats.dropped += items.length;
            log('warn', `MQTT: ${items.length} message(s) for unknown utility "${code}" dropped`);
          } else await writeTenant(tenant, items);
          failure = null;
          break;
        } catch (error) {
          failure = error;
          if (isStopping || attempt === RETRY_DELAYS_MS.length) break;
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
        }
      }
      if (failure) {
        // Not acknowledged: the broker delivers them again (to this session when it reconnects, or another).
        stats.unacknowledged += items.length;
        log('error', `MQTT: a batch of ${items.length} for "${code}" failed and stays unacknowledged: ${failure instanceof Error ? failure.message : String(failure)}`);
        for (const item of items) item.settle(failure instanceof Error ? failure : new Error(String(failure)));
      } else for (const item of items) item.settle();
    }
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = waiting;
    waiting = [];
    if (batch.length > 0) chain = chain.then(() => writeBatch(batch));
    return chain;
  };

  const group = options.shareGroup === undefined ? 'shuiwu' : options.shareGroup;
  const base = options.clientId ?? `shuiwu-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  // Alone (no group) with several connections: a group of this subscriber's own, so they split the messages.
  const filter = group ? `$share/${group}/${READING_TOPIC_FILTER}` : connections > 1 ? `$share/${base}/${READING_TOPIC_FILTER}` : READING_TOPIC_FILTER;
  const clients: MqttClient[] = [];
  const connect = async (index: number): Promise<MqttClient> => {
    const client = mqtt.connect(url, {
      clientId: connections > 1 ? `${base}-${index}` : base,
      clean: options.clientId === undefined,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
    });
    // Set before the connection opens: a persistent session's messages may follow the CONNACK at once.
    // Called once per message, the next one only after `callback`: the PUBACK goes out when it is called
    // without an error, after the batch holding the message has committed.
    client.handleMessage = (packet, callback) => {
      stats.received += 1;
      const topic = packet.topic;
      const text = typeof packet.payload === 'string' ? packet.payload : Buffer.from(packet.payload).toString('utf8');
      const parsed = parseReadingMessage(topic, text);
      if (!parsed.tenantCode) {
        stats.dropped += 1;
        callback();
        return;
      }
      waiting.push({ tenantCode: parsed.tenantCode, topic, payload: text.slice(0, MAX_PAYLOAD), reading: parsed.reading, reason: parsed.reason, settle: (error) => callback(error) });
      if (waiting.length >= connections) void flush();
      else timer ??= setTimeout(() => void flush(), flushMs);
    };
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    }).catch(async (error: unknown) => {
      await client.endAsync(true);
      throw error;
    });
    client.on('error', (error) => log('error', `MQTT: ${error.message}`));
    await client.subscribeAsync(filter, { qos: 1 });
    return client;
  };
  for (let index = 0; index < connections; index += 1) clients.push(await connect(index));
  log('info', `MQTT: subscribed to ${READING_TOPIC_FILTER} at ${url} (${connections} connection${connections === 1 ? '' : 's'})`);

  return {
    stats,
    sessions: { clientIds: clients.map((client) => client.options.clientId ?? ''), persistent: options.clientId !== undefined },
    async drain() {
      await flush();
    },
    async abort() {
      isStopping = true;
      if (timer) clearTimeout(timer);
      await Promise.all(clients.map((client) => client.endAsync(true)));
    },
    async stop() {
      isStopping = true;
      await flush();
      await Promise.all(clients.map((client) => client.endAsync()));
    },
  };
}
