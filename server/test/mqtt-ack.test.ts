import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingTopic, startReadingServices, startReadingSubscriber } from '../src/modules/reading';
import { lockTenantReadings } from '../src/modules/reading/ingest';
import { generateTown } from './billing-town';
import { createTestEnvironment, type TestEnvironment, type Utility } from './harness';

const MQTT_URL = process.env.SHUIWU_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

let environment: TestEnvironment;
let utility: Utility;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('mqtt-ack');
  await environment.db.withTenant(utility.tenant.id, (sql) => generateTown(sql, { tenantId: utility.tenant.id, accounts: 3, months: ['2026-01'], perRoute: 10 }));
});
afterAll(() => environment.close());

const mqttReadings = async () => {
  const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ n: number }>("SELECT count(*)::int AS n FROM readings WHERE source = 'mqtt'"));
  return row?.n ?? 0;
};

describe('MQTT acknowledgements', () => {
  it('acknowledges a message only after its reading is committed: a subscriber that dies before gets it again', async () => {
    const mqtt = await import('mqtt');
    const clientId = `shuiwu-test-ack-${randomBytes(4).toString('hex')}`;
    // A persistent session (stable client id), alone on the topic.
    const first = await startReadingSubscriber(environment.context, MQTT_URL, { clientId, connections: 1, flushMs: 20, shareGroup: null });
    const publisher = await mqtt.connectAsync(MQTT_URL);
    // Another transaction holds the tenant's ingest lock, so the subscriber's write waits.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const blocker = environment.db.withTenant(utility.tenant.id, async (sql) => {
      await lockTenantReadings(sql, utility.tenant.id);
      locked();
      await held;
    });
    await isLocked;
    let second: Awaited<ReturnType<typeof startReadingSubscriber>> | null = null;
    try {
      const message = JSON.stringify({ externalId: 'ACK-1', readAt: '2026-03-01T01:30:00Z', registerLitres: 90_000 });
      await publisher.publishAsync(readingTopic(utility.tenant.code, 'TM-2000000001'), message, { qos: 1 });
      const deadline = Date.now() + 10_000;
      while (first.stats.received < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(first.stats.received).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await mqttReadings()).toBe(0);
      // The process "dies" while its write waits: nothing was acknowledged.
      await first.abort();
      release();
      await blocker;
      // Its transaction still commits once the lock is free (the database does not know the process died).
      const written = Date.now() + 10_000;
      while ((await mqttReadings()) < 1 && Date.now() < written) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await mqttReadings()).toBe(1);
      // The same session again: the broker delivers the unacknowledged message again; it is a duplicate now.
      second = await startReadingSubscriber(environment.context, MQTT_URL, { clientId, connections: 1, flushMs: 20, shareGroup: null });
      const again = Date.now() + 10_000;
      while (second.stats.duplicates < 1 && Date.now() < again) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await second.drain();
      }
      expect(second.stats).toMatchObject({ received: 1, duplicates: 1, created: 0 });
      expect(await mqttReadings()).toBe(1);
      // Acknowledged this time: a third start of the session receives nothing.
      await second.stop();
      second = await startReadingSubscriber(environment.context, MQTT_URL, { clientId, connections: 1, flushMs: 20, shareGroup: null });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(second.stats.received).toBe(0);
    } finally {
      release();
      await publisher.endAsync();
      await second?.stop();
    }
  });

  it('serve and worker take their persistent client id from SHUIWU_MQTT_CLIENT_ID, and clean random sessions without it', async () => {
    const clientId = `shuiwu-test-cfg-${randomBytes(4).toString('hex')}`;
    const configured = await startReadingServices({ ...environment.context, config: { ...environment.context.config, mqttUrl: MQTT_URL, mqttClientId: clientId } }, () => undefined);
    const unnamed = await startReadingServices({ ...environment.context, config: { ...environment.context.config, mqttUrl: MQTT_URL, mqttClientId: undefined } }, () => undefined);
    try {
      expect(configured?.sessions.persistent).toBe(true);
      expect(configured?.sessions.clientIds.every((id) => id.startsWith(clientId))).toBe(true);
      expect(unnamed?.sessions.persistent).toBe(false);
      expect(unnamed?.sessions.clientIds.some((id) => id.startsWith(clientId))).toBe(false);
    } finally {
      await configured?.stop();
      await unnamed?.stop();
    }
  });
});
