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
import { ingestHeadEndBatch, type HeadEndReading } from './importer';

export const READING_TOPIC_FILTER = 'shuiwu/+/meters/+/reading';
export const readingTopic = (tenantCode: string, serial: string): string => `shuiwu/${tenantCode}/meters/${serial}/reading`;

export interface MqttStats {
  received: number;
  created: number;
  duplicates: number;
  deadLetters: number;
  dropped: number;
}

export interface ReadingSubscriber {
  readonly stats: MqttStats;
  /** Resolves when every message received so far has been written. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

interface Pending {
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

export async function startReadingSubscriber(
  context: PlatformContext,
  url: string,
  options: {
    log?: (level: 'info' | 'warn' | 'error', message: string) => void;
    flushMs?: number;
    batchSize?: number;
    clientId?: string;
    /** Shared-subscription group (processes of one group split the messages); null subscribes alone to all. */
    shareGroup?: string | null;
  } = {},
): Promise<ReadingSubscriber> {
  const log = options.log ?? (() => undefined);
  const flushMs = options.flushMs ?? 100;
  const batchSize = options.batchSize ?? 2000;
  const stats: MqttStats = { received: 0, created: 0, duplicates: 0, deadLetters: 0, dropped: 0 };
  const buffers = new Map<string, Pending[]>();
  let tenants = new Map<string, Tenant>();
  let tenantsLoadedAt = 0;
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  const tenantByCode = async (code: string): Promise<Tenant | null> => {
    if (!tenants.has(code) && Date.now() - tenantsLoadedAt > 5000) {
      tenants = new Map((await listTenants(context)).map((tenant) => [tenant.code, tenant]));
      tenantsLoadedAt = Date.now();
    }
    return tenants.get(code) ?? null;
  };

  const flushTenant = async (code: string, pending: Pending[]): Promise<void> => {
    const tenant = await tenantByCode(code);
    if (!tenant) {
      stats.dropped += pending.length;
      log('warn', `MQTT: ${pending.length} message(s) for unknown utility "${code}" dropped`);
      return;
    }
    const good = pending.filter((item) => item.reading);
    const dead: { topic: string; payload: string; reason: string }[] = pending.filter((item) => !item.reading).map((item) => ({ topic: item.topic, payload: item.payload, reason: item.reason ?? 'malformed' }));
    if (good.length > 0) {
      const result = await ingestHeadEndBatch(context, tenant.id, good.map((item) => item.reading as HeadEndReading), systemActor('mqtt'), 'mqtt');
      stats.created += result.created;
      stats.duplicates += result.duplicates;
      for (const item of result.results) {
        if (item.outcome !== 'error') continue;
        const source = good[item.index] as Pending;
        dead.push({ topic: source.topic, payload: source.payload, reason: item.errors.map((error) => `${error.field}: ${error.en}`).join('; ') });
      }
    }
    if (dead.length > 0) {
      await context.db.withTenant(tenant.id, (sql) =>
        sql.query(
          `INSERT INTO reading_dead_letters (tenant_id, source, topic, payload, reason, received_at)
           SELECT $1, 'mqtt', t.topic, t.payload, t.reason, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS t(topic, payload, reason)`,
          [tenant.id, dead.map((item) => item.topic), dead.map((item) => item.payload), dead.map((item) => item.reason), context.clock.now()],
        ),
      );
      stats.deadLetters += dead.length;
    }
  };

  const flush = (): Promise<void> => {
    timer = null;
    const work = [...buffers.entries()];
    buffers.clear();
    chain = chain.then(async () => {
      for (const [code, pending] of work) {
        for (let start = 0; start < pending.length; start += batchSize) {
          try {
            await flushTenant(code, pending.slice(start, start + batchSize));
          } catch (error) {
            stats.dropped += Math.min(batchSize, pending.length - start);
            log('error', `MQTT: a batch for "${code}" failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }
    });
    return chain;
  };

  const client: MqttClient = await mqtt.connectAsync(url, {
    clientId: options.clientId ?? `shuiwu-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 5000,
  });
  client.on('message', (topic, payload) => {
    stats.received += 1;
    const text = payload.toString('utf8');
    const parsed = parseReadingMessage(topic, text);
    if (!parsed.tenantCode) {
      stats.dropped += 1;
      return;
    }
    const list = buffers.get(parsed.tenantCode) ?? [];
    list.push({ topic, payload: text.slice(0, MAX_PAYLOAD), reading: parsed.reading, reason: parsed.reason });
    buffers.set(parsed.tenantCode, list);
    const size = [...buffers.values()].reduce((total, items) => total + items.length, 0);
    if (size >= batchSize) {
      if (timer) clearTimeout(timer);
      void flush();
    } else if (!timer) timer = setTimeout(() => void flush(), flushMs);
  });
  client.on('error', (error) => log('error', `MQTT: ${error.message}`));
  const group = options.shareGroup === undefined ? 'shuiwu' : options.shareGroup;
  await client.subscribeAsync(group ? `$share/${group}/${READING_TOPIC_FILTER}` : READING_TOPIC_FILTER, { qos: 1 });
  log('info', `MQTT: subscribed to ${READING_TOPIC_FILTER} at ${url}`);

  return {
    stats,
    async drain() {
      if (timer) clearTimeout(timer);
      await flush();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      await flush();
      await client.endAsync();
    },
  };
}
