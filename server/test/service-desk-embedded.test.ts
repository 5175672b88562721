import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/app';
import { systemActor } from '../src/platform/audit/audit';
import { ManualClock } from '../src/platform/clock';
import { loadConfig } from '../src/platform/config';
import type { PlatformContext } from '../src/platform/context';
import { openEmbeddedDatabase, type Database } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { attemptCallback, dailyCalls, listCallbacks, logCall } from '../src/modules/service/calls';
import { createArticle, searchKnowledge } from '../src/modules/service/knowledge';
import { TEST_SECRET_KEY } from './harness';

// The one-command start runs on PGlite: the service desk's SQL (bigram search, the daily answer rate,
// call-back tasks) must run there as on the PostgreSQL server.
let db: Database;
let context: PlatformContext;
let tenantId: string;
const actor = systemActor('test');

beforeAll(async () => {
  db = await openEmbeddedDatabase(undefined);
  await migrate(db);
  context = createContext({ config: loadConfig({ SHUIWU_SECRET_KEY: TEST_SECRET_KEY }), db, clock: new ManualClock('2026-03-02T02:00:00Z') });
  const [tenant] = await db.asOwner((sql) => sql.query<{ id: string }>("INSERT INTO tenants (code, name, name_en) VALUES ('emb-desk', '嵌入水务', 'Embedded') RETURNING id"));
  tenantId = tenant?.id as string;
}, 120_000);
afterAll(() => db.close());

describe('the service desk on the embedded database', () => {
  it('searches published answers by Chinese bigrams and ranks them', async () => {
    await createArticle(context, tenantId, { title: '水费缴纳方式', body: '可在微信、支付宝或营业厅缴纳水费。', tags: ['缴费'], keywords: ['交费', '付款'], publish: true }, actor);
    await createArticle(context, tenantId, { title: '计划停水通知', body: '计划停水提前 24 小时公告。', tags: ['停水'], keywords: ['没水'], publish: true }, actor);
    await createArticle(context, tenantId, { title: '草稿', body: '水费草稿', tags: [], keywords: [] }, actor);
    const found = await searchKnowledge(context, tenantId, { q: '水费怎么交', limit: 10 });
    expect(found.hits.map((hit) => hit.title)).toEqual(['水费缴纳方式']);
    expect((await searchKnowledge(context, tenantId, { q: '家里没水了', limit: 10 })).hits.map((hit) => hit.title)).toEqual(['计划停水通知']);
    expect(found.tags.map((tag) => tag.tag).sort()).toEqual(['停水', '缴费']);
  });

  it('logs calls, counts the answer rate per day and works call-back tasks', async () => {
    const who = { staffId: '00000000-0000-0000-0000-000000000000' };
    await logCall(context, tenantId, { direction: 'inbound', outcome: 'missed', number: '13811112222', startedAt: '2026-03-02T01:00:00Z' }, who, actor);
    await logCall(context, tenantId, { direction: 'inbound', outcome: 'missed', number: '13811112222', startedAt: '2026-03-02T01:10:00Z' }, who, actor);
    const days = await dailyCalls(context, tenantId, { from: '2026-03-01', to: '2026-03-02' });
    expect(days.map((day) => [day.date, day.inbound, day.missed, day.answerRate])).toEqual([
      ['2026-03-01', 0, 0, null],
      ['2026-03-02', 2, 2, 0],
    ]);
    const [task] = await listCallbacks(context, tenantId, { state: 'open', limit: 10 });
    expect(task).toMatchObject({ missedCalls: 2, numberMasked: '138****2222' });
    const staff = await db.withTenant(tenantId, (sql) =>
      sql.query<{ id: string }>("INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, 'agent', '坐席', 'x') RETURNING id", [tenantId]),
    );
    const done = await attemptCallback(context, tenantId, task?.id as string, { version: task?.version as number, reached: true }, { staffId: staff[0]?.id as string }, actor);
    expect(done.state).toBe('done');
  });
});
