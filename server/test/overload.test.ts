// Shedding load (platform/http/server.ts): while more transactions than SHUIWU_DB_QUEUE_LIMIT wait for a
// database connection, the API answers 503 with Retry-After at once instead of queueing the request behind
// them; the health check still waits its turn. The test environment's pool has 4 connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type Client, type TestEnvironment, type Utility } from './harness';

let environment: TestEnvironment;
let utility: Utility;
let agent: Client;

beforeAll(async () => {
  environment = await createTestEnvironment({ databaseQueueLimit: 2 });
  utility = await environment.givenUtility('busy');
  agent = await environment.loginStaff(utility, 'hotline_agent');
});
afterAll(() => environment.close());

/** Holds every connection of the pool, and `waiting` more transactions queued behind them, until released. */
async function occupy(waiting: number): Promise<() => Promise<void>> {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const started: Promise<unknown>[] = [];
  let holding = 0;
  for (let index = 0; index < 4 + waiting; index += 1) {
    started.push(
      environment.db.withoutTenant(async (sql) => {
        await sql.query('SELECT 1');
        holding += 1;
        await gate;
      }),
    );
  }
  // Until the pool's four connections are open and held (while they open, every transaction is queued).
  for (let tries = 0; holding < 4 && tries < 500; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(holding).toBe(4);
  expect(environment.db.waitingForConnection()).toBe(waiting);
  return async () => {
    release();
    await Promise.all(started);
  };
}

describe('a database past its capacity', () => {
  it('answers 503 with Retry-After and a bilingual message while more than the limit wait, and serves again after', async () => {
    const done = await occupy(3);
    const refused = await agent.get<{ code: string; message: { zh: string; en: string } }>('/api/service-categories');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body.code).toBe('overloaded');
    expect(refused.body.message.zh).toContain('系统繁忙');
    // The health check is not refused: it waits its turn and answers once a connection is free.
    const health = environment.anonymous.get<{ status: string }>('/api/health');
    await done();
    expect((await health).status).toBe(200);
    const served = await agent.get('/api/service-categories');
    expect(served.status).toBe(200);
  });

  it('queues a request as before while no more than the limit wait', async () => {
    const done = await occupy(2);
    const answer = agent.get('/api/service-categories');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await done();
    expect((await answer).status).toBe(200);
  });
});
