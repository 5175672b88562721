import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUpRule } from '../src/modules/service/followups';
import { searchTerms } from '../src/modules/service/knowledge';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Detail {
  id: string;
  requestNo: string;
  state: string;
  kind: string;
  version: number;
  alertLevel: number;
  firstContactResolution: boolean;
  closedAt: string | null;
  deadlines: { timeLimit: string; metAt: string | null }[];
  events: { step: string; note: string | null; toState: string | null }[];
}
interface Article {
  id: string;
  status: string;
  version: number;
  publishedVersion: number | null;
  hasUnpublishedChanges: boolean;
  useCount: number;
  published: { body: string } | null;
  versions: { version: number; isPublished: boolean }[];
}
interface Hit {
  id: string;
  title: string;
  body: string;
  snippet: string;
  score: number;
}
interface Call {
  id: string;
  outcome: string;
  numberMasked: string;
  agent: { id: string } | null;
  answeredAt: string | null;
  businessDate: string;
  requests: { id: string }[];
  callback: { id: string; state: string } | null;
}
interface Callback {
  id: string;
  state: string;
  missedCalls: number;
  attempts: number;
  version: number;
  numberMasked: string;
}
interface FollowUp {
  id: string;
  state: string;
  reason: string;
  rating: number | null;
  outcome: string | null;
  attempts: number;
  version: number;
  linkSentAt: string | null;
  request: { id: string; requestNo: string };
}

let environment: TestEnvironment;
let utility: Utility;
let hotline: Client;
let dispatcher: Client;
let manager: Client;
let crew: Client;
let categories: { id: string; code: string }[];

/** Staff sessions end after 30 idle minutes: everyone logs in again after the clock jumps. */
async function logIn(): Promise<void> {
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  dispatcher = await environment.loginStaff(utility, 'dispatcher');
  manager = await environment.loginStaff(utility, 'manager');
  crew = await environment.loginStaff(utility, 'repair_crew');
}
async function advance(ms: number): Promise<void> {
  environment.clock.advance(ms);
  await logIn();
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('desk');
  await logIn();
  categories = (await hotline.get<{ categories: typeof categories }>('/api/service-categories')).body.categories;
});
afterAll(() => environment.close());

const withQuery = (url: string, params: Record<string, string>) => `${url}?${new URLSearchParams(params).toString()}`;
const categoryId = (code: string) => categories.find((category) => category.code === code)?.id as string;
const step = (client: Client, request: Detail, body: Record<string, unknown>) => client.post<Detail & ErrorBody>(`/api/service-requests/${request.id}/steps`, { version: request.version, ...body });
const outbox = (recipient: string) =>
  environment.ownerQuery<{ template: string; body: string; is_sensitive: boolean }>('SELECT template, body, is_sensitive FROM message_outbox WHERE tenant_id = $1 AND recipient = $2 ORDER BY created_at', [utility.tenant.id, recipient]);
const setDesk = async (serviceDesk: Record<string, number>) => {
  const admin = await environment.loginStaff(utility, 'admin');
  const current = await admin.get<{ version: number }>('/api/settings');
  expect((await admin.patch('/api/settings', { version: current.body.version, serviceDesk })).status).toBe(200);
};

/** Takes a desk request (inquiry, complaint…) from submitted to closed. */
async function closeDesk(request: Detail): Promise<Detail> {
  let current = request;
  for (const next of ['accept', 'respond', 'close']) {
    const answer = await step(hotline, current, { step: next, note: `${next} 完成` });
    expect(answer.status, `${next}: ${JSON.stringify(answer.body)}`).toBe(200);
    current = answer.body;
  }
  return current;
}

/** Takes a repair from submitted to closed through the dispatcher and the crew. */
async function closeRepair(request: Detail): Promise<Detail> {
  let current = (await step(dispatcher, request, { step: 'accept' })).body;
  current = (await step(dispatcher, current, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id })).body;
  for (const next of ['depart', 'arrive', 'control', 'restore']) current = (await step(crew, current, { step: next })).body;
  current = (await step(dispatcher, current, { step: 'close' })).body;
  expect(current.state).toBe('closed');
  return current;
}

describe('knowledge base search for Chinese', () => {
  it('cuts a query into bigrams and words after the question words', () => {
    expect(searchTerms('水费怎么交？').map((term) => term.term)).toEqual(['水费', '交']);
    expect(searchTerms('请问ＷｅＣｈａｔ可以缴纳水费吗').map((term) => term.term)).toEqual(['wechat', '缴纳', '纳水', '水费', '缴纳水费']);
    expect(searchTerms('   ')).toEqual([]);
  });

  it('finds published answers by title, keywords and body, best first; drafts, new versions and archived ones as editors decide', async () => {
    const write = (body: Record<string, unknown>) => manager.post<Article>('/api/knowledge/articles', body);
    const pay = await write({ title: '水费缴纳方式', body: '可在微信公众号、支付宝、网上营业厅或各营业厅缴纳水费，也可办理银行代扣。', tags: ['缴费'], keywords: ['交费', '付款', '交水费'], publish: true });
    expect(pay.status).toBe(201);
    await write({ title: '阶梯水价标准', body: '居民生活用水实行阶梯水价，第一阶梯每立方米 3.64 元。缴纳方式见缴费说明。', tags: ['水价'], keywords: ['水价', '价格'], publish: true });
    await write({ title: '计划停水通知查询', body: '计划停水会提前 24 小时在网站和微信公告。', tags: ['停水'], keywords: ['没水', '停水'], publish: true });
    const draft = await write({ title: '水表自报读数', body: '每月 1–5 日可在网上营业厅自报水表读数。', tags: ['抄表'], keywords: ['抄表'] });
    expect(draft.body).toMatchObject({ status: 'draft', version: 1, publishedVersion: null });

    const search = (q: string, tag?: string) => hotline.get<{ hits: Hit[]; tags: { tag: string; count: number }[] }>(withQuery('/api/knowledge/search', { q, ...(tag ? { tag } : {}) }));
    const found = await search('水费怎么交');
    expect(found.status).toBe(200);
    expect(found.body.hits[0]?.title).toBe('水费缴纳方式');
    expect(found.body.hits.map((hit) => hit.title)).not.toContain('计划停水通知查询');
    // A keyword the caller uses, not in the title: found, and the snippet shows the body around the match.
    expect((await search('付款')).body.hits.map((hit) => hit.title)).toEqual(['水费缴纳方式']);
    expect((await search('家里没水了')).body.hits[0]?.title).toBe('计划停水通知查询');
    expect((await search('停水', '缴费')).body.hits).toEqual([]);
    expect((await search('自报读数')).body.hits).toEqual([]); // a draft is not found
    expect(found.body.tags.map((tag) => tag.tag).sort()).toEqual(['停水', '水价', '缴费']);
    // Nothing asked: the published answers, most used first.
    expect((await hotline.get<{ hits: Hit[] }>('/api/knowledge/search')).body.hits).toHaveLength(3);

    // A new version of a published answer is a draft until published: agents keep seeing the old one.
    const edited = await manager.patch<Article>(`/api/knowledge/articles/${pay.body.id}`, { version: 1, body: '请通过微信公众号“江城水务”缴纳水费。' });
    expect(edited.body).toMatchObject({ status: 'published', version: 2, publishedVersion: 1, hasUnpublishedChanges: true });
    expect((await search('缴纳水费')).body.hits[0]?.body).toContain('银行代扣');
    const stale = await manager.post<ErrorBody>(`/api/knowledge/articles/${pay.body.id}/publish`, { version: 1 });
    expect(stale.status).toBe(409);
    const published = await manager.post<Article>(`/api/knowledge/articles/${pay.body.id}/publish`, { version: 2 });
    expect(published.body).toMatchObject({ publishedVersion: 2, hasUnpublishedChanges: false });
    expect(published.body.versions.map((version) => [version.version, version.isPublished])).toEqual([[2, true], [1, false]]);
    expect((await search('缴纳水费')).body.hits[0]?.body).toContain('江城水务');
    expect((await manager.post<ErrorBody>(`/api/knowledge/articles/${pay.body.id}/publish`, { version: 2 })).body.code).toBe('already_published');

    const archived = await manager.post<Article>(`/api/knowledge/articles/${pay.body.id}/archive`, { version: 2 });
    expect(archived.body.status).toBe('archived');
    expect((await search('水费怎么交')).body.hits.map((hit) => hit.title)).not.toContain('水费缴纳方式');
    expect((await manager.get<{ articles: Article[] }>(withQuery('/api/knowledge/articles', { status: 'archived' }))).body.articles.map((article) => article.id)).toEqual([pay.body.id]);

    // Agents read; editors write. Every change is audited.
    expect((await hotline.post('/api/knowledge/articles', { title: '无权', body: '无权' })).status).toBe(403);
    expect((await hotline.get('/api/knowledge/articles')).status).toBe(403);
    const audit = await environment.ownerQuery<{ action: string }>("SELECT action FROM audit_log WHERE tenant_id = $1 AND object_id = $2 ORDER BY seq", [utility.tenant.id, pay.body.id]);
    expect(audit.map((entry) => entry.action)).toEqual(['knowledge.create', 'knowledge.update', 'knowledge.publish', 'knowledge.archive']);
  });
});

describe('closing an inquiry at first contact', () => {
  it('accepts, answers and closes it at once, from a published answer, and records first-contact resolution', async () => {
    const answer = await manager.post<Article>('/api/knowledge/articles', { title: '营业厅办公时间', body: '营业大厅周一至周日 8:30–17:30 办公。', tags: ['营业厅'], keywords: ['几点', '上班'], publish: true });
    const home = await givenCustomerWithAccount(environment, utility, { name: '咨询户' });
    const created = await hotline.post<Detail>('/api/service-requests', {
      categoryId: categoryId('inquiry'),
      channel: 'hotline',
      accountId: home.account.id,
      description: '营业厅几点上班',
      knowledgeArticleIds: [answer.body.id],
      resolveAtFirstContact: { answer: '已告知营业大厅办公时间。' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ state: 'closed', firstContactResolution: true });
    expect(created.body.closedAt).not.toBeNull();
    expect(created.body.deadlines.every((deadline) => deadline.metAt !== null)).toBe(true);
    expect(created.body.events.map((event) => event.step)).toEqual(['submit', 'accept', 'respond', 'close']);
    expect(created.body.events[2]?.note).toBe('已告知营业大厅办公时间。（依据知识库：营业厅办公时间）');
    const desk = await hotline.get<{ firstContactResolution: boolean; knowledge: { id: string }[] }>(`/api/service-requests/${created.body.id}/desk`);
    expect(desk.body.firstContactResolution).toBe(true);
    expect(desk.body.knowledge.map((item) => item.id)).toEqual([answer.body.id]);
    expect((await manager.get<Article>(`/api/knowledge/articles/${answer.body.id}`)).body.useCount).toBe(1);

    // A repair goes to the field; an unpublished answer cannot be quoted; nothing is written for either.
    const before = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM service_requests WHERE tenant_id = $1', [utility.tenant.id]);
    const repair = await hotline.post<ErrorBody>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', address: '中山路 1 号', description: '漏水', resolveAtFirstContact: { answer: '已答复' } });
    expect(repair.body.fields[0]?.field).toBe('resolveAtFirstContact');
    const draft = await manager.post<Article>('/api/knowledge/articles', { title: '草稿答案', body: '草稿' });
    const quoted = await hotline.post<ErrorBody>('/api/service-requests', { categoryId: categoryId('inquiry'), channel: 'hotline', address: '中山路 2 号', description: '咨询', knowledgeArticleIds: [draft.body.id] });
    expect(quoted.body.fields[0]?.field).toBe('knowledgeArticleIds');
    expect(await environment.ownerQuery('SELECT count(*)::int AS count FROM service_requests WHERE tenant_id = $1', [utility.tenant.id])).toEqual(before);
  });
});

describe('the call log', () => {
  it('stores the number encrypted and shows it masked; a phone system logging the same call twice logs it once', async () => {
    const answered = await hotline.post<Call>('/api/service-calls', { direction: 'inbound', outcome: 'answered', number: '13955556666', startedAt: '2026-03-02T01:58:00Z', answeredAt: '2026-03-02T01:58:20Z', externalId: 'PBX-0001' });
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ numberMasked: '139****6666', agent: { id: utility.staff.hotline_agent.id }, businessDate: '2026-03-02', callback: null, waitSeconds: 20 });
    expect(JSON.stringify(answered.body)).not.toContain('13955556666');
    const [stored] = await environment.ownerQuery<{ number_cipher: Buffer }>('SELECT number_cipher FROM service_calls WHERE id = $1', [answered.body.id]);
    expect(Buffer.from(stored?.number_cipher ?? []).toString('latin1')).not.toContain('13955556666');
    const again = await hotline.post<Call>('/api/service-calls', { direction: 'inbound', outcome: 'answered', number: '13955556666', externalId: 'PBX-0001' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(answered.body.id);
    // By exact number, through its blind index.
    const byNumber = await hotline.get<{ calls: Call[] }>(withQuery('/api/service-calls', { number: '13955556666' }));
    expect(byNumber.body.calls.map((call) => call.id)).toEqual([answered.body.id]);
    const ended = await hotline.patch<Call>(`/api/service-calls/${answered.body.id}`, { endedAt: '2026-03-02T02:00:00Z', note: '咨询水价' });
    expect(ended.body).toMatchObject({ durationSeconds: 100, note: '咨询水价' });
    expect((await hotline.patch<ErrorBody>(`/api/service-calls/${answered.body.id}`, { endedAt: '2026-03-02T02:00:00Z' })).body.code).toBe('call_ended');
  });

  it('refuses calls that cannot have happened', async () => {
    const bad = async (body: Record<string, unknown>) => (await hotline.post<ErrorBody>('/api/service-calls', { direction: 'inbound', number: '13955556666', ...body })).body.fields[0]?.field;
    expect(await bad({ outcome: 'missed', answeredAt: '2026-03-02T01:00:00Z' })).toBe('answeredAt');
    expect(await bad({ outcome: 'answered', startedAt: '2026-03-02T03:00:00Z' })).toBe('startedAt');
    expect(await bad({ outcome: 'answered', startedAt: '2026-03-02T01:00:00Z', endedAt: '2026-03-02T00:59:00Z' })).toBe('endedAt');
    expect(await bad({ direction: 'outbound', outcome: 'call_back' })).toBe('outcome');
    expect(await bad({ outcome: 'answered', number: '12ab' })).toBe('number');
  });

  it('turns missed calls into one call-back task per number, worked until the caller is reached or three tries fail', async () => {
    const miss = (number: string, outcome = 'missed') => hotline.post<Call>('/api/service-calls', { direction: 'inbound', outcome, number });
    const first = await miss('13600001111');
    expect(first.body.callback?.state).toBe('open');
    const second = await miss('13600001111', 'call_back');
    expect(second.body.callback?.id).toBe(first.body.callback?.id);
    const other = await miss('0710-3334444');
    expect(other.body.callback?.id).not.toBe(first.body.callback?.id);
    expect(other.body.numberMasked).toBe('0710****4444');
    const tasks = (await hotline.get<{ callbacks: Callback[] }>(withQuery('/api/service-callbacks', { state: 'open' }))).body.callbacks;
    let task = tasks.find((item) => item.id === first.body.callback?.id) as Callback;
    expect(task).toMatchObject({ missedCalls: 2, attempts: 0, numberMasked: '136****1111' });

    // The agent sees the number to dial; that is audited. A repair crew member may not.
    expect((await hotline.post<{ number: string }>(`/api/service-callbacks/${task.id}/reveal`)).body.number).toBe('13600001111');
    expect((await crew.post(`/api/service-callbacks/${task.id}/reveal`)).status).toBe(403);
    const reveals = await environment.ownerQuery("SELECT 1 FROM audit_log WHERE tenant_id = $1 AND action = 'service_callback.reveal_number' AND object_id = $2", [utility.tenant.id, task.id]);
    expect(reveals).toHaveLength(1);

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const answer = await hotline.post<Callback>(`/api/service-callbacks/${task.id}/attempts`, { version: task.version, reached: false, note: `第 ${attempt} 次无人接听` });
      expect(answer.status).toBe(200);
      task = answer.body;
      expect(task).toMatchObject({ attempts: attempt, state: attempt < 3 ? 'open' : 'unreachable' });
    }
    expect((await hotline.post<ErrorBody>(`/api/service-callbacks/${task.id}/attempts`, { version: task.version, reached: true })).body.code).toBe('callback_closed');
    expect((await hotline.post<ErrorBody>(`/api/service-callbacks/${task.id}/reveal`)).body.code).toBe('callback_closed');

    let landline = (await hotline.get<{ callbacks: Callback[] }>(withQuery('/api/service-callbacks', { state: 'open' }))).body.callbacks.find((item) => item.id === other.body.callback?.id) as Callback;
    landline = (await hotline.post<Callback>(`/api/service-callbacks/${landline.id}/attempts`, { version: landline.version, reached: true, note: '已回电解答' })).body;
    expect(landline).toMatchObject({ state: 'done', attempts: 1 });
    // Each attempt is an outbound call of its own.
    const outbound = await hotline.get<{ calls: Call[] }>(withQuery('/api/service-calls', { direction: 'outbound' }));
    expect(outbound.body.calls.map((call) => call.outcome).sort()).toEqual(['answered', 'missed', 'missed', 'missed']);
    expect(outbound.body.calls.every((call) => call.callback !== null)).toBe(true);
  });

  it('gives the answer rate of each day of the utility’s calendar', async () => {
    // 2026-02-27 local: two answered, one missed, one call-back; 23:30 local on the 26th counts on the 26th.
    const log = (body: Record<string, unknown>) => hotline.post('/api/service-calls', { direction: 'inbound', number: '13700009999', ...body });
    await log({ outcome: 'answered', startedAt: '2026-02-27T01:00:00Z', answeredAt: '2026-02-27T01:00:30Z' });
    await log({ outcome: 'answered', startedAt: '2026-02-27T02:00:00Z', answeredAt: '2026-02-27T02:00:10Z' });
    await log({ outcome: 'missed', startedAt: '2026-02-27T03:00:00Z' });
    await log({ outcome: 'call_back', startedAt: '2026-02-27T04:00:00Z' });
    await log({ outcome: 'answered', startedAt: '2026-02-26T15:30:00Z' });
    const days = (await hotline.get<{ days: { date: string; inbound: number; answered: number; missed: number; callBack: number; answerRate: number | null; averageWaitSeconds: number | null }[] }>(withQuery('/api/service-calls/daily', { from: '2026-02-26', to: '2026-02-28' }))).body.days;
    expect(days).toEqual([
      expect.objectContaining({ date: '2026-02-26', inbound: 1, answered: 1, answerRate: 1, averageWaitSeconds: 0 }),
      expect.objectContaining({ date: '2026-02-27', inbound: 4, answered: 2, missed: 1, callBack: 1, answerRate: 0.5, averageWaitSeconds: 20 }),
      expect.objectContaining({ date: '2026-02-28', inbound: 0, answerRate: null, averageWaitSeconds: null }),
    ]);
    expect((await hotline.get<ErrorBody>(withQuery('/api/service-calls/daily', { from: '2026-01-01', to: '2026-06-01' }))).body.fields[0]?.field).toBe('to');
  });

  it('links the call a request was taken on, shown on both', async () => {
    const call = await hotline.post<Call>('/api/service-calls', { direction: 'inbound', outcome: 'answered', number: '13512340000' });
    const created = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('complaint'), channel: 'hotline', address: '解放大道 88 号', description: '抄表员态度不好', callId: call.body.id });
    expect(created.status).toBe(201);
    expect((await hotline.get<Call>(`/api/service-calls/${call.body.id}`)).body.requests.map((request) => request.id)).toEqual([created.body.id]);
    const desk = await hotline.get<{ calls: { id: string; numberMasked: string }[] }>(`/api/service-requests/${created.body.id}/desk`);
    expect(desk.body.calls).toEqual([expect.objectContaining({ id: call.body.id, numberMasked: '135****0000' })]);
  });
});

describe('duplicate warnings', () => {
  it('shows a request of the same category at the same premise or address within 24 h, and refuses a new one unless confirmed', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '漏水户', address: '幸福路 12 号 3 栋' });
    const first = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', accountId: home.account.id, description: '水表井漏水' });
    expect(first.status).toBe(201);
    const check = (query: Record<string, string>) => hotline.get<{ duplicates: { id: string; match: string; contacts: number }[] }>(withQuery('/api/service-requests/duplicates', query));
    expect((await check({ categoryId: categoryId('leak'), accountId: home.account.id })).body.duplicates).toEqual([expect.objectContaining({ id: first.body.id, match: 'premise' })]);
    // The same address typed differently (spaces, full-width punctuation) is the same address.
    const typed = `${home.premise.fullAddress.replaceAll(' ', '')}`.replace('号', '号 ');
    expect((await check({ categoryId: categoryId('leak'), address: typed })).body.duplicates.map((duplicate) => duplicate.match)).toEqual(['address']);
    expect((await check({ categoryId: categoryId('burst'), accountId: home.account.id })).body.duplicates).toEqual([]);

    const count = () => environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM service_requests WHERE tenant_id = $1', [utility.tenant.id]);
    const before = await count();
    const refused = await hotline.post<ErrorBody>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', accountId: home.account.id, description: '楼下也在漏' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('possible_duplicate');
    expect(refused.body.message.zh).toContain(first.body.requestNo);
    expect(await count()).toEqual(before);

    // The agent attaches the caller to the request already there, with the call they came on.
    const call = await hotline.post<Call>('/api/service-calls', { direction: 'inbound', outcome: 'answered', number: '13566667777' });
    const attached = await hotline.post<Detail>(`/api/service-requests/${first.body.id}/contacts`, { channel: 'hotline', contactName: '楼下住户', contactPhone: '13566667777', note: '楼下天花板滴水', callId: call.body.id });
    expect(attached.status).toBe(201);
    const contact = attached.body.events.find((event) => event.step === 'contact');
    expect(contact?.note).toBe('热线电话：又一次来电反映此问题（楼下住户 135****7777）：楼下天花板滴水');
    expect((await hotline.get<Call>(`/api/service-calls/${call.body.id}`)).body.requests.map((request) => request.id)).toEqual([first.body.id]);
    expect((await check({ categoryId: categoryId('leak'), accountId: home.account.id })).body.duplicates[0]?.contacts).toBe(1);

    // Or confirms it is another problem.
    const confirmed = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', accountId: home.account.id, description: '另一处漏点', confirmNotDuplicate: true });
    expect(confirmed.status).toBe(201);
    // Cancelled requests are no duplicates; after 24 hours nothing is.
    expect((await step(dispatcher, confirmed.body, { step: 'cancel', note: '重复' })).status).toBe(200);
    expect((await check({ categoryId: categoryId('leak'), accountId: home.account.id })).body.duplicates.map((duplicate) => duplicate.id)).toEqual([first.body.id]);
    await advance(24 * 3600_000 + 60_000);
    expect((await check({ categoryId: categoryId('leak'), accountId: home.account.id })).body.duplicates).toEqual([]);
  });

  it('tells a portal customer gently, shows only their own request numbers, and lets them add themselves', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '网报重复户', phone: '13712349999' });
    const portal = await environment.loginPortal(utility, '13712349999');
    expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '网报重复户' })).status).toBe(201);
    const byAgent = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('no_water'), channel: 'hotline', accountId: home.account.id, description: '家里停水' });
    const report = { categoryId: categoryId('no_water'), accountId: home.account.id, description: '没水了' };
    const refused = await portal.post<ErrorBody>('/api/portal/service-requests', report);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'possible_duplicate' });
    expect(refused.body.message.zh).toContain('正在处理');
    expect(refused.body.message.zh).not.toContain(byAgent.body.requestNo);
    // For an account they bound, the request is theirs (as the portal's lists show it).
    const seen = await portal.get<{ duplicates: { isYours: boolean; requestNo: string | null }[] }>(withQuery('/api/portal/service-requests/duplicates', { categoryId: categoryId('no_water'), accountId: home.account.id }));
    expect(seen.body.duplicates).toEqual([expect.objectContaining({ isYours: true, requestNo: byAgent.body.requestNo })]);

    // A neighbour at the same address, who bound nothing there, learns only that it is being handled.
    const neighbour = await environment.loginPortal(utility, '13712348888');
    const theirs = await neighbour.get<{ duplicates: { isYours: boolean; requestNo: string | null; requestId: string | null; canJoin: boolean }[] }>(withQuery('/api/portal/service-requests/duplicates', { categoryId: categoryId('no_water'), address: home.premise.fullAddress }));
    expect(theirs.body.duplicates).toEqual([expect.objectContaining({ isYours: false, requestNo: null, requestId: null, canJoin: false })]);
    expect((await neighbour.post(`/api/portal/service-requests/${byAgent.body.id}/contacts`, { note: '我也是' })).status).toBe(404);

    // A second holder of the account joins the request instead of reporting again.
    const spouse = await environment.loginPortal(utility, '13712347777');
    expect((await spouse.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '网报重复户' })).status).toBe(201);
    expect((await spouse.post<{ joined: boolean }>(`/api/portal/service-requests/${byAgent.body.id}/contacts`, { note: '二楼也没水' })).body).toEqual({ joined: true });
    const events = (await hotline.get<Detail>(`/api/service-requests/${byAgent.body.id}`)).body.events;
    expect(events.at(-1)).toMatchObject({ step: 'contact', note: '网上营业厅：又一位用户反映此问题（137****7777）：二楼也没水' });
    const confirmed = await portal.post<Detail>('/api/portal/service-requests', { ...report, confirmNotDuplicate: true });
    expect(confirmed.status).toBe(201);
  });
});

describe('follow-up visits and ratings', () => {
  it('follows up every complaint and repair, and a deterministic sample of inquiries', async () => {
    expect(followUpRule('complaint', 'GD2026030200001', 0)).toBe('kind_rule');
    expect(followUpRule('repair', 'GD2026030200001', 0)).toBe('kind_rule');
    expect(followUpRule('inquiry', 'GD2026030200001', 0)).toBeNull();
    expect(followUpRule('inquiry', 'GD2026030200001', 100)).toBe('sampled');
    const numbers = Array.from({ length: 2000 }, (_, index) => `GD20260302${String(index).padStart(5, '0')}`);
    const sampled = numbers.filter((number) => followUpRule('inquiry', number, 20) === 'sampled');
    expect(sampled.length).toBeGreaterThan(340);
    expect(sampled.length).toBeLessThan(460);
    // The same number is always in or out.
    expect(numbers.filter((number) => followUpRule('suggestion', number, 20) === 'sampled')).toEqual(sampled);

    await setDesk({ followUpInquiryPercent: 0 });
    const inquiry = await closeDesk((await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('inquiry'), channel: 'hotline', address: '和平路 3 号', description: '咨询过户' })).body);
    await setDesk({ followUpInquiryPercent: 100 });
    const sampledInquiry = await closeDesk((await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('inquiry'), channel: 'hotline', address: '和平路 4 号', description: '咨询过户' })).body);
    await setDesk({ followUpInquiryPercent: 20 });
    const desk = async (id: string) => (await hotline.get<{ followUps: FollowUp[] }>(`/api/service-requests/${id}/desk`)).body.followUps;
    expect(await desk(inquiry.id)).toEqual([]);
    expect((await desk(sampledInquiry.id)).map((followUp) => followUp.reason)).toEqual(['sampled']);
  });

  it('sends a complaint’s customer a single-use, expiring rating link; a poor rating reopens the complaint', async () => {
    const phone = '13811112222';
    const complaint = await closeDesk((await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('complaint'), channel: 'hotline', address: '胜利街 5 号', description: '水费计算有误', contactPhone: phone })).body);
    const [sms] = await outbox(phone);
    expect(sms).toMatchObject({ template: 'service_rating', is_sensitive: true });
    expect(sms?.body).toContain(complaint.requestNo);
    const link = /\/portal\/rate\/([a-z0-9-]+)\/(\d{24})/.exec(sms?.body ?? '');
    expect(link?.[1]).toBe(utility.tenant.code);
    const token = link?.[2] as string;
    const url = `/api/service-ratings/${utility.tenant.code}/${token}`;
    const info = await environment.anonymous.get<{ requestNo: string; expiresAt: string }>(url);
    expect(info.status).toBe(200);
    expect(info.body.requestNo).toBe(complaint.requestNo);
    expect(Date.parse(info.body.expiresAt) - environment.clock.now().getTime()).toBe(72 * 3600_000);
    // A token one digit off, or for another utility, is no link.
    const forged = `${token.slice(0, 23)}${(Number(token[23]) + 1) % 10}`;
    expect((await environment.anonymous.get<ErrorBody>(`/api/service-ratings/${utility.tenant.code}/${forged}`)).body.code).toBe('rating_link_invalid');
    const other = await environment.givenUtility('desk-other');
    expect((await environment.anonymous.get<ErrorBody>(`/api/service-ratings/${other.tenant.code}/${token}`)).body.code).toBe('rating_link_invalid');

    const rated = await environment.anonymous.post(url, { rating: 2, comment: '还是没算对' });
    expect(rated.status).toBe(200);
    expect((await environment.anonymous.post<ErrorBody>(url, { rating: 5 })).body.code).toBe('already_rated');
    const after = (await hotline.get<Detail>(`/api/service-requests/${complaint.id}`)).body;
    expect(after).toMatchObject({ state: 'accepted', closedAt: null });
    expect(after.events.slice(-2).map((event) => [event.step, event.note])).toEqual([
      ['rate', '短信链接评价：2 分，还是没算对'],
      ['reopen', '回访不满意（2 分），工单重新打开'],
    ]);
    const followUps = (await hotline.get<{ followUps: FollowUp[] }>(`/api/service-requests/${complaint.id}/desk`)).body.followUps;
    expect(followUps).toEqual([expect.objectContaining({ state: 'done', rating: 2, outcome: 'reopened' })]);

    // Closed again: a new follow-up and a new link; the link expires unused after 72 hours.
    const closedAgain = await closeDeskFrom(after);
    expect(closedAgain.state).toBe('closed');
    const links = await outbox(phone);
    expect(links).toHaveLength(2);
    const second = links.find((message) => !message.body.includes(token))?.body ?? '';
    const secondToken = /(\d{24})/.exec(second)?.[1] as string;
    expect(secondToken).toMatch(/^\d{24}$/);
    await advance(72 * 3600_000 + 1000);
    expect((await environment.anonymous.post<ErrorBody>(`/api/service-ratings/${utility.tenant.code}/${secondToken}`, { rating: 5 })).body.code).toBe('rating_link_expired');
  });

  it('escalates a poor repair rating to the supervisor, who handles it; an agent records phone visits', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '维修回访户' });
    const repair = await closeRepair((await dispatcher.post<Detail>('/api/service-requests', { categoryId: categoryId('low_pressure'), channel: 'hotline', accountId: home.account.id, description: '水压低' })).body);
    let followUp = (await hotline.get<{ followUps: FollowUp[] }>(withQuery('/api/service-followups', { view: 'pending' }))).body.followUps.find((item) => item.request.id === repair.id) as FollowUp;
    expect(followUp).toMatchObject({ reason: 'kind_rule', linkSentAt: null }); // no contact mobile: no SMS
    const missing = await hotline.post<ErrorBody>(`/api/service-followups/${followUp.id}/result`, { version: followUp.version, reached: true });
    expect(missing.body.fields[0]?.field).toBe('rating');
    followUp = (await hotline.post<FollowUp>(`/api/service-followups/${followUp.id}/result`, { version: followUp.version, reached: false })).body;
    expect(followUp).toMatchObject({ state: 'pending', attempts: 1 });
    followUp = (await hotline.post<FollowUp>(`/api/service-followups/${followUp.id}/result`, { version: followUp.version, reached: true, rating: 1, comment: '维修后还是水压低' })).body;
    expect(followUp).toMatchObject({ state: 'done', rating: 1, outcome: 'escalated' });
    const request = (await hotline.get<Detail>(`/api/service-requests/${repair.id}`)).body;
    expect(request.state).toBe('closed');
    expect(request.events.at(-1)).toMatchObject({ step: 'escalate', note: '回访不满意（1 分），已上报班组主管' });

    const escalated = (await manager.get<{ followUps: FollowUp[] }>(withQuery('/api/service-followups', { view: 'escalated' }))).body.followUps;
    expect(escalated.map((item) => item.id)).toContain(followUp.id);
    expect((await hotline.post(`/api/service-followups/${followUp.id}/review`, { version: followUp.version, note: '看看' })).status).toBe(403);
    const reviewed = await manager.post<FollowUp>(`/api/service-followups/${followUp.id}/review`, { version: followUp.version, note: '已安排复查管网压力' });
    expect(reviewed.status).toBe(200);
    expect((await manager.get<{ followUps: FollowUp[] }>(withQuery('/api/service-followups', { view: 'escalated' }))).body.followUps.map((item) => item.id)).not.toContain(followUp.id);
    expect((await hotline.post<ErrorBody>(`/api/service-followups/${followUp.id}/result`, { version: reviewed.body.version, reached: false })).body.code).toBe('followup_not_pending');
  });

  it('gives up a phone visit after three tries, and lets the customer rate in the portal once per closure', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '网上评价户', phone: '13722223333' });
    const portal = await environment.loginPortal(utility, '13722223333');
    expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '网上评价户' })).status).toBe(201);
    const created = (await portal.post<Detail>('/api/portal/service-requests', { categoryId: categoryId('complaint'), accountId: home.account.id, description: '营业厅排队太久' })).body;
    const rating = () => portal.get<{ canRate: boolean; rating: { rating: number } | null }>(`/api/portal/service-requests/${created.id}/rating`);
    expect((await rating()).body).toEqual({ canRate: false, rating: null });
    expect((await portal.post<ErrorBody>(`/api/portal/service-requests/${created.id}/rating`, { rating: 5 })).body.code).toBe('not_closed');
    await closeDesk((await hotline.get<Detail>(`/api/service-requests/${created.id}`)).body);
    expect((await rating()).body.canRate).toBe(true);
    // The portal user's own number got the link too; they rate in the portal instead.
    expect((await outbox('13722223333')).some((message) => message.template === 'service_rating')).toBe(true);
    const rated = await portal.post<{ canRate: boolean; rating: { rating: number; comment: string } }>(`/api/portal/service-requests/${created.id}/rating`, { rating: 4, comment: '改进了' });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ canRate: false, rating: { rating: 4, comment: '改进了' } });
    expect((await portal.post<ErrorBody>(`/api/portal/service-requests/${created.id}/rating`, { rating: 5 })).body.code).toBe('already_rated');
    const stranger = await environment.loginPortal(utility, '13722224444');
    expect((await stranger.get(`/api/portal/service-requests/${created.id}/rating`)).status).toBe(404);

    const unreachable = await closeDesk((await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('complaint'), channel: 'hotline', address: '青年路 9 号', description: '施工噪音' })).body);
    let visit = (await hotline.get<{ followUps: FollowUp[] }>(`/api/service-requests/${unreachable.id}/desk`)).body.followUps[0] as FollowUp;
    for (let attempt = 1; attempt <= 3; attempt += 1) visit = (await hotline.post<FollowUp>(`/api/service-followups/${visit.id}/result`, { version: visit.version, reached: false })).body;
    expect(visit).toMatchObject({ state: 'unreachable', attempts: 3, rating: null });
  });
});

describe('the duty leader', () => {
  it('gets an SMS for a request at alert level 4 or above while on the rota, and the timeline says so', async () => {
    const now = environment.clock.now().getTime();
    const hour = 3600_000;
    const shift = await manager.post<{ id: string; isOnDuty: boolean; phoneMasked: string }>('/api/service-duty-shifts', {
      staffId: utility.staff.manager.id,
      phone: '13900001234',
      startsAt: new Date(now - hour).toISOString(),
      endsAt: new Date(now + 8 * hour).toISOString(),
    });
    expect(shift.status).toBe(201);
    expect(shift.body).toMatchObject({ isOnDuty: true, phoneMasked: '139****1234' });
    const overlap = await manager.post<ErrorBody>('/api/service-duty-shifts', { staffId: utility.staff.manager.id, phone: '13900001234', startsAt: new Date(now).toISOString(), endsAt: new Date(now + hour).toISOString() });
    expect(overlap.body.code).toBe('shift_overlaps');
    const notManager = await manager.post<ErrorBody>('/api/service-duty-shifts', { staffId: utility.staff.hotline_agent.id, phone: '13900001235', startsAt: new Date(now).toISOString(), endsAt: new Date(now + hour).toISOString() });
    expect(notManager.body.fields[0]?.field).toBe('staffId');
    expect((await hotline.post('/api/service-duty-shifts', { staffId: utility.staff.manager.id, phone: '13900001235', startsAt: new Date(now).toISOString(), endsAt: new Date(now + hour).toISOString() })).status).toBe(403);

    const important = await givenCustomerWithAccount(environment, utility, { name: '重点单位' });
    await environment.db.withTenant(utility.tenant.id, (sql) => sql.query('UPDATE customers SET is_important = true WHERE id = $1', [important.customer.id]));
    const created = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('burst'), channel: 'hotline', accountId: important.account.id, description: '医院门口爆管' });
    expect(created.body.alertLevel).toBe(4);
    const [sms] = await outbox('13900001234');
    expect(sms?.template).toBe('service_duty_alert');
    expect(sms?.body).toContain(created.body.requestNo);
    expect(created.body.events.at(-1)).toMatchObject({ step: 'notify_duty', note: expect.stringContaining('已短信通知值班领导') });
    // An ordinary request notifies nobody.
    const ordinary = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', address: '光明路 1 号', description: '路边漏水' });
    expect(ordinary.body.events.map((event) => event.step)).toEqual(['submit']);

    // Off the rota: the timeline says nobody could be told.
    expect((await manager.post(`/api/service-duty-shifts/${shift.body.id}/cancel`)).status).toBe(200);
    const unattended = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('burst'), channel: 'hotline', accountId: important.account.id, description: '医院后门也爆管', confirmNotDuplicate: true });
    expect(unattended.body.events.at(-1)?.note).toContain('没有值班领导');
    expect(await outbox('13900001234')).toHaveLength(1);
  });
});

/** Closes a reopened desk request again (accepted → responded → closed). */
async function closeDeskFrom(request: Detail): Promise<Detail> {
  let current = (await step(hotline, request, { step: 'respond', note: '重新核算' })).body;
  current = (await step(hotline, current, { step: 'close' })).body;
  return current;
}
