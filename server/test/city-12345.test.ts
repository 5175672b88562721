import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CITY_REPLY_MAX_ATTEMPTS,
  CITY_REPLY_RETRY_PAUSES_MINUTES,
  city12345CategoryFor,
  city12345SignedHeaders,
  deliverCity12345Replies,
  signCity12345,
  type City12345ReplyPayload,
} from '../src/modules/city12345';
import type { ServiceCategory } from '../src/modules/service';
import { type ErrorBody, outcome } from './endpoints';
import { type Client, createTestEnvironment, type Response, TEST_ORIGIN, type TestEnvironment, type Utility } from './harness';

// The city's 12345 hotline platform pushes work orders through the signed API (docs/CITY-12345-API.md); each
// becomes one service request; the platform asks where an order stands; the utility's answers go back to the
// platform through the reply outbox, delivered with retries to the simulator standing in for the platform.

let environment: TestEnvironment;
let utility: Utility;
let neighbour: Utility;
let admin: Client;
let agent: Client;
let dispatcher: Client;
let crew: Client;
let link: { id: string; appId: string; secret: string };
let neighbourLink: { appId: string; secret: string };

/** A fetch that answers requests to TEST_ORIGIN from the app in this process (the simulator is mounted in it). */
const inProcessFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.origin !== TEST_ORIGIN) throw new TypeError(`fetch failed: ${url.origin} is not reachable`);
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, key) => {
    headers[key] = value;
  });
  const response = await environment.app.inject({ method: (init?.method ?? 'GET') as 'POST', url: url.pathname + url.search, headers, ...(init?.body ? { payload: String(init.body) } : {}) });
  return new Response(response.rawPayload, { status: response.statusCode, headers: { 'content-type': String(response.headers['content-type'] ?? 'text/plain') } });
}) as typeof fetch;

const deliver = () => deliverCity12345Replies(environment.context, utility.tenant.id, { fetch: inProcessFetch });

let nonceSerial = 0;
const freshNonce = () => {
  nonceSerial += 1;
  return `n${String(nonceSerial).padStart(6, '0')}-${Math.random().toString(36).slice(2, 12)}`;
};

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, options: { as?: { appId: string; secret: string }; headers?: Record<string, string>; unsigned?: boolean; raw?: string; nonce?: string; now?: Date } = {}): Promise<Response<T>> {
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const signed = options.unsigned
    ? {}
    : city12345SignedHeaders(options.as ?? link, { method, path, ...(payload !== undefined ? { body: payload } : {}), now: options.now ?? environment.clock.now(), nonce: options.nonce ?? freshNonce() });
  const response = await environment.app.inject({
    method,
    url: path,
    headers: { ...signed, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(payload !== undefined ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.json() as T, headers: response.headers };
}

const ordersPath = () => `/api/city12345/${utility.tenant.code}/orders`;

let orderSerial = 0;
function anOrder(overrides: Record<string, unknown> = {}) {
  orderSerial += 1;
  return {
    orderNo: `SZ12345${String(orderSerial).padStart(6, '0')}`,
    orderType: 'help',
    categoryText: '城乡建设/供水/漏水',
    citizenName: '王五',
    citizenPhone: '13700007777',
    address: '江岸区解放大道100号小区3栋楼下',
    content: '楼下路面一直冒水，已经两天了。',
    deadline: '2026-03-05T18:00:00+08:00',
    ...overrides,
  };
}

interface Answer {
  orderNo: string;
  requestNo: string;
  status: 'accepted';
  category: { code: string; name: string };
  receivedAt: string;
  deadline: string | null;
  cityDeadline: string;
}
interface OrderView {
  orderNo: string;
  requestNo: string;
  status: string;
  state: string;
  isOverdue: boolean;
  replies: { replyId: string; kind: string; result: string; delivery: string; deliveredAt: string | null }[];
}
interface Detail {
  id: string;
  requestNo: string;
  version: number;
  channel: string;
  contactName: string | null;
  contactPhoneMasked: string | null;
  description: string;
  category: { code: string };
}

async function requestByNo(requestNo: string): Promise<Detail> {
  const listed = await agent.get<{ requests: Detail[] }>('/api/service-requests?limit=500');
  const found = listed.body.requests.find((request) => request.requestNo === requestNo);
  if (!found) throw new Error(`no request ${requestNo}`);
  return (await agent.get<Detail>(`/api/service-requests/${found.id}`)).body;
}

async function step(by: Client, request: { id: string; version: number }, body: Record<string, unknown>): Promise<Detail> {
  environment.clock.advanceMinutes(1);
  const response = await by.post<Detail>(`/api/service-requests/${request.id}/steps`, { version: request.version, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

const countOf = async (table: string, where = 'true', params: unknown[] = []) =>
  (await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table} WHERE ${where}`, params)))[0]?.count ?? 0;

const simulator = async () =>
  (await environment.app.inject({ method: 'GET', url: `/sim/city12345/${utility.tenant.code}/replies` })).json() as { deliveries: number; duplicates: number; replies: City12345ReplyPayload[] };
const failNext = (count: number, status = 503) =>
  environment.app.inject({ method: 'POST', url: `/sim/city12345/${utility.tenant.code}/faults`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ count, status }) });

async function signIn(): Promise<void> {
  admin = await environment.loginStaff(utility, 'admin');
  agent = await environment.loginStaff(utility, 'hotline_agent');
  dispatcher = await environment.loginStaff(utility, 'dispatcher');
  crew = await environment.loginStaff(utility, 'repair_crew');
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('city');
  neighbour = await environment.givenUtility('city-b');
  await signIn();
  const issued = await admin.post<{ link: { id: string; appId: string; replyUrl: string }; secret: string }>('/api/city12345/links', { label: '市12345热线平台', replyUrl: `${TEST_ORIGIN}/sim/city12345/${utility.tenant.code}/replies` });
  expect(issued.status).toBe(201);
  link = { id: issued.body.link.id, appId: issued.body.link.appId, secret: issued.body.secret };
  const theirs = await (await environment.loginStaff(neighbour, 'admin')).post<{ link: { appId: string }; secret: string }>('/api/city12345/links', { label: '邻市平台', replyUrl: `${TEST_ORIGIN}/sim/city12345/${neighbour.tenant.code}/replies` });
  neighbourLink = { appId: theirs.body.link.appId, secret: theirs.body.secret };
});
afterAll(() => environment.close());

describe('signing (docs/CITY-12345-API.md §3)', () => {
  it('matches the worked example of the documentation', () => {
    const body = '{"orderNo":"SZ12345000001","orderType":"help","categoryText":"城乡建设/供水/漏水","address":"江岸区解放大道100号","content":"路面冒水","deadline":"2026-03-05T18:00:00+08:00"}';
    const signature = signCity12345('test-secret-please-change', { appId: 'c12345_example01', method: 'POST', path: '/api/city12345/jcsw/orders', timestamp: '1772416800', nonce: '4f0c2a9e8b7d6c5a4f0c2a9e8b7d6c5a', body });
    expect(signature).toBe('Q6o9Upxljd/evYc9pL08rNmf+j6N3H70sx1Uds8bl1Y=');
  });

  it('refuses unsigned, stale, unknown, forged and replayed calls (401), logs each, and makes nothing', async () => {
    const before = await countOf('service_requests');
    const order = anOrder();
    const answers: Record<string, string> = {};
    answers.unsigned = outcome(await call('POST', ordersPath(), order, { unsigned: true }));
    answers.stale = outcome(await call('POST', ordersPath(), order, { now: new Date(environment.clock.now().getTime() - 301_000) }));
    answers.neighbour = outcome(await call('POST', ordersPath(), order, { as: neighbourLink }));
    answers.forged = outcome(await call('POST', ordersPath(), order, { as: { appId: link.appId, secret: 'not-the-secret' } }));
    const signedFor = JSON.stringify(order);
    const headers = city12345SignedHeaders(link, { method: 'POST', path: ordersPath(), body: signedFor, now: environment.clock.now(), nonce: 'tampered-nonce-0001' });
    answers.tampered = outcome(await call('POST', ordersPath(), undefined, { unsigned: true, raw: JSON.stringify({ ...order, content: '改过的内容' }), headers }));
    answers.wrongPath = outcome(await call('POST', `/api/city12345/${neighbour.tenant.code}/orders`, order));
    expect(answers).toEqual({
      unsigned: '401 signature_missing',
      stale: '401 timestamp_out_of_window',
      neighbour: '401 unknown_app',
      forged: '401 signature_invalid',
      tampered: '401 signature_invalid',
      wrongPath: '401 unknown_app',
    });
    expect(await countOf('service_requests')).toBe(before);
    const refused = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ reason: string }>("SELECT reason FROM city_12345_calls WHERE verdict = 'refused' ORDER BY received_at, reason"));
    expect(refused.map((row) => row.reason).sort()).toEqual(['signature_invalid', 'signature_invalid', 'signature_missing', 'timestamp_out_of_window', 'unknown_app'].sort());
    // A captured call sent again is refused, though its signature is good.
    const replayed = anOrder();
    expect(outcome(await call('POST', ordersPath(), replayed, { nonce: 'captured-nonce-00001' }))).toBe('200');
    expect(outcome(await call('POST', ordersPath(), replayed, { nonce: 'captured-nonce-00001' }))).toBe('401 nonce_replayed');
    expect((await call('GET', `/api/city12345/no-such-city/orders/${replayed.orderNo}`)).status).toBe(404);
  });
});

describe('receiving work orders', () => {
  it('makes one service request (channel city_12345) of an order, with the citizen as its masked contact and the platform deadline noted', async () => {
    const order = anOrder({ urgent: true });
    const answer = await call<Answer>('POST', ordersPath(), order);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      orderNo: order.orderNo,
      requestNo: expect.stringMatching(/^GD\d{13}$/),
      status: 'accepted',
      category: { code: 'leak', name: '漏水报修' },
      receivedAt: environment.clock.now().toISOString(),
      deadline: new Date(environment.clock.now().getTime() + 1440 * 60_000).toISOString(),
      cityDeadline: '2026-03-05T10:00:00.000Z',
    });
    const request = await requestByNo(answer.body.requestNo);
    expect(request).toMatchObject({ channel: 'city_12345', contactName: '王五', contactPhoneMasked: '137****7777', category: { code: 'leak' } });
    expect(request.description.split('\n')).toEqual([`【12345 工单】${order.orderNo}（求助｜城乡建设/供水/漏水）【紧急】`, '【市平台办结时限】2026/03/05 18:00', '楼下路面一直冒水，已经两天了。']);
    // The order keeps no personal data of its own.
    const [stored] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<Record<string, unknown>>('SELECT * FROM city_12345_orders WHERE order_no = $1', [order.orderNo]));
    expect(JSON.stringify(stored)).not.toMatch(/王五|13700007777/);
  });

  it('answers a repeat with the first answer, and concurrent repeats make exactly one request', async () => {
    const order = anOrder({ orderType: 'complaint', categoryText: '城乡建设/供水/停水', content: '小区停水一整天，没有通知。' });
    const before = await countOf('service_requests');
    const answers = await Promise.all(Array.from({ length: 6 }, () => call<Answer>('POST', ordersPath(), order)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]?.body.category.code).toBe('no_water');
    environment.clock.advanceMinutes(5);
    const later = await call<Answer>('POST', ordersPath(), order);
    expect(later.body).toEqual(answers[0]?.body);
    expect(await countOf('service_requests')).toBe(before + 1);
    expect(await countOf('city_12345_calls', "order_no = $1 AND verdict = 'accepted'", [order.orderNo])).toBe(1);
    expect(await countOf('city_12345_calls', "order_no = $1 AND verdict = 'duplicate'", [order.orderNo])).toBe(6);
  });

  it('refuses the same order number with other content (409) and makes nothing', async () => {
    const order = anOrder();
    expect((await call('POST', ordersPath(), order)).status).toBe(200);
    const before = await countOf('service_requests');
    const changed = await call<ErrorBody>('POST', ordersPath(), { ...order, content: '另一件事' });
    expect(outcome(changed)).toBe('409 order_no_conflict');
    expect(changed.body.fields).toEqual([{ field: 'orderNo', zh: expect.any(String), en: expect.any(String) }]);
    expect(await countOf('service_requests')).toBe(before);
  });

  it('refuses a malformed order with the field named (400), and makes nothing', async () => {
    const before = await countOf('service_requests');
    const { address: _address, ...nowhere } = anOrder();
    const cases: [string, unknown, string][] = [
      ['no location', nowhere, 'address'],
      ['latitude alone', { ...nowhere, latitude: 30.6 }, 'longitude'],
      ['bad phone', anOrder({ citizenPhone: '12345' }), 'citizenPhone'],
      ['unknown type', anOrder({ orderType: 'gossip' }), 'orderType'],
      ['smuggled field', anOrder({ tenantId: 'x' }), 'tenantId'],
      ['deadline without offset', anOrder({ deadline: '2026-03-05T18:00:00' }), 'deadline'],
      ['unknown category code', anOrder({ categoryCode: 'sinkhole' }), 'categoryCode'],
    ];
    for (const [name, body, field] of cases) {
      const answer = await call<ErrorBody>('POST', ordersPath(), body);
      expect(outcome(answer), name).toBe('400 validation_failed');
      expect(answer.body.fields.map((problem) => problem.field), name).toContain(field);
    }
    const notJson = await call<ErrorBody>('POST', ordersPath(), undefined, { raw: '{"orderNo":' });
    expect(outcome(notJson)).toBe('400 validation_failed');
    expect(await countOf('service_requests')).toBe(before);
  });

  it('takes a located order without an address, and the category the platform names', async () => {
    const { address: _address, ...located } = anOrder({ latitude: 30.59, longitude: 114.3, categoryCode: 'water_quality', orderType: 'consult' });
    const answer = await call<Answer>('POST', ordersPath(), located);
    expect(answer.status).toBe(200);
    expect(answer.body.category.code).toBe('water_quality');
  });

  it('finds the request of an order whose first call died after making it, instead of making a second', async () => {
    const order = anOrder();
    const first = await call<Answer>('POST', ordersPath(), order);
    // As if that call had died after making the request: the order is left claimed, unanswered, long ago.
    await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query("UPDATE city_12345_orders SET status = 'creating', request_id = NULL, response = NULL, claimed_at = claimed_at - interval '10 minutes' WHERE order_no = $1", [order.orderNo]),
    );
    const before = await countOf('service_requests');
    const again = await call<Answer>('POST', ordersPath(), order);
    expect(again.status).toBe(200);
    expect(again.body.requestNo).toBe(first.body.requestNo);
    expect(await countOf('service_requests')).toBe(before);
  });

  it('maps orders to categories by the platform code, the classification of repairs, and the type (unit)', () => {
    const code = (value: string, kind: ServiceCategory['kind'] = 'repair', isActive = true): ServiceCategory => ({ id: value, code: value, name: value, nameEn: value, kind, timeBasis: 'clock', limits: {}, alertLevel: 1, department: kind === 'repair' ? 'network' : 'customer_service', isActive });
    const categories = [code('burst'), code('leak'), code('no_water'), code('low_pressure'), code('water_quality'), code('meter_fault'), code('inquiry', 'inquiry'), code('complaint', 'complaint'), code('praise', 'praise'), code('suggestion', 'suggestion', false)];
    const of = (orderType: 'consult' | 'help' | 'complaint' | 'suggestion' | 'praise', categoryText: string, categoryCode?: string) => city12345CategoryFor({ orderType, categoryText, categoryCode }, categories)?.code ?? null;
    expect([
      of('help', '供水/爆管'),
      of('help', '供水/水表漏水'),
      of('complaint', '供水/水质发黄'),
      of('complaint', '供水/水压低'),
      of('complaint', '供水/服务态度'),
      of('consult', '供水/停水'),
      of('praise', '供水/表扬'),
      of('suggestion', '供水/建议'),
      of('help', '其他', 'leak'),
      of('help', '其他', 'suggestion'),
    ]).toEqual(['burst', 'meter_fault', 'water_quality', 'low_pressure', 'complaint', 'inquiry', 'praise', 'inquiry', 'leak', null]);
  });
});

describe('the status of an order and the replies (办理结果)', () => {
  it('follows a complaint from received to closed; the answer and the closing go back to the platform, signed, once each', async () => {
    const order = anOrder({ orderType: 'complaint', categoryText: '城乡建设/供水/服务', content: '营业厅工作人员态度不好。' });
    const answer = await call<Answer>('POST', ordersPath(), order);
    expect(answer.body.category.code).toBe('complaint');
    const statusPath = `${ordersPath()}/${order.orderNo}`;
    expect((await call<OrderView>('GET', statusPath)).body).toMatchObject({ orderNo: order.orderNo, requestNo: answer.body.requestNo, status: 'received', state: 'submitted', isOverdue: false, replies: [] });
    let request: Detail = await requestByNo(answer.body.requestNo);
    request = await step(agent, request, { step: 'accept', note: '转营业部核实' });
    expect((await call<OrderView>('GET', statusPath)).body).toMatchObject({ status: 'in_progress', replies: [] });
    request = await step(agent, request, { step: 'respond', note: '已核实并对相关人员批评教育，向您致歉。' });
    const responded = (await call<OrderView>('GET', statusPath)).body;
    expect(responded).toMatchObject({ status: 'responded', replies: [{ kind: 'respond', result: '已核实并对相关人员批评教育，向您致歉。', delivery: 'pending', deliveredAt: null }] });
    expect(await deliver()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    request = await step(agent, request, { step: 'close' });
    expect(await deliver()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    const closed = (await call<OrderView>('GET', statusPath)).body;
    expect(closed.status).toBe('closed');
    expect(closed.replies.map((reply) => [reply.kind, reply.delivery])).toEqual([['respond', 'sent'], ['close', 'sent']]);
    // A close without a note repeats the answer given.
    expect(closed.replies[1]?.result).toBe('已核实并对相关人员批评教育，向您致歉。');
    const received = (await simulator()).replies.filter((reply) => reply.orderNo === order.orderNo);
    expect(received).toEqual([
      { replyId: closed.replies[0]?.replyId, orderNo: order.orderNo, requestNo: answer.body.requestNo, kind: 'respond', status: 'responded', result: '已核实并对相关人员批评教育，向您致歉。', handledBy: expect.any(String), handledAt: expect.any(String), agency: utility.tenant.name },
      { replyId: closed.replies[1]?.replyId, orderNo: order.orderNo, requestNo: answer.body.requestNo, kind: 'close', status: 'closed', result: '已核实并对相关人员批评教育，向您致歉。', handledBy: expect.any(String), handledAt: expect.any(String), agency: utility.tenant.name },
    ]);
    expect(request.version).toBeGreaterThan(1);
  });

  it('replies on the closing of a repair only (not on its field steps), and on a cancel as returned', async () => {
    const leak = await call<Answer>('POST', ordersPath(), anOrder());
    let request: Detail = await requestByNo(leak.body.requestNo);
    request = await step(dispatcher, request, { step: 'accept' });
    request = await step(dispatcher, request, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
    for (const name of ['depart', 'arrive', 'control', 'restore']) request = await step(crew, request, { step: name, note: `${name} 记录` });
    expect(await countOf('city_12345_replies', 'request_id = $1', [request.id])).toBe(0);
    await step(dispatcher, request, { step: 'close', note: '更换破损管段，已恢复供水。' });
    const cancelled = await call<Answer>('POST', ordersPath(), anOrder({ orderType: 'consult', categoryText: '供水/咨询' }));
    const toCancel = await requestByNo(cancelled.body.requestNo);
    await step(agent, toCancel, { step: 'cancel', note: '非本单位职责，请转燃气公司。' });
    expect(await deliver()).toEqual({ sent: 2, retrying: 0, failed: 0 });
    const received = (await simulator()).replies;
    expect(received.find((reply) => reply.orderNo === leak.body.orderNo)).toMatchObject({ kind: 'close', status: 'closed', result: '更换破损管段，已恢复供水。' });
    expect(received.find((reply) => reply.orderNo === cancelled.body.orderNo)).toMatchObject({ kind: 'cancel', status: 'returned', result: '非本单位职责，请转燃气公司。' });
  });

  it('retries a delivery the platform could not take (503, then 1 and 5 minutes later), and sends it once it can', async () => {
    const answer = await call<Answer>('POST', ordersPath(), anOrder({ orderType: 'consult', categoryText: '供水/水费' }));
    const request = await requestByNo(answer.body.requestNo);
    const accepted = await step(agent, request, { step: 'accept' });
    await step(agent, accepted, { step: 'respond', note: '水费可在网上营业厅缴纳。' });
    await failNext(2, 503);
    const deliveriesBefore = (await simulator()).deliveries;
    expect(await deliver()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    // Not due again until the pause has passed.
    expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    environment.clock.advanceMinutes(CITY_REPLY_RETRY_PAUSES_MINUTES[0]);
    expect(await deliver()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    environment.clock.advanceMinutes(CITY_REPLY_RETRY_PAUSES_MINUTES[1] - 1);
    expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    environment.clock.advanceMinutes(1);
    expect(await deliver()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect((await simulator()).deliveries - deliveriesBefore).toBe(3);
    const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ attempts: number; status: string; last_status: number }>('SELECT attempts, status, last_status FROM city_12345_replies WHERE request_id = $1', [request.id]));
    expect(row).toEqual({ attempts: 3, status: 'sent', last_status: 200 });
  });

  it('fails a reply the platform refuses (4xx) at once, and an administrator sends it again', async () => {
    const answer = await call<Answer>('POST', ordersPath(), anOrder({ orderType: 'praise', categoryText: '供水/表扬' }));
    const request = await requestByNo(answer.body.requestNo);
    const accepted = await step(agent, request, { step: 'accept' });
    await step(agent, accepted, { step: 'respond', note: '感谢您的表扬，已转达。' });
    await failNext(1, 400);
    expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 1 });
    const failed = await admin.get<{ replies: { id: string; orderNo: string; status: string; lastStatus: number; lastError: string }[] }>('/api/city12345/replies?status=failed');
    const reply = failed.body.replies.find((item) => item.orderNo === answer.body.orderNo);
    expect(reply).toMatchObject({ status: 'failed', lastStatus: 400, lastError: expect.stringContaining('HTTP 400') });
    expect(outcome(await agent.post(`/api/city12345/replies/${reply?.id}/retry`))).toBe('403 forbidden');
    const retried = await admin.post<{ status: string; attempts: number }>(`/api/city12345/replies/${reply?.id}/retry`);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
    expect(outcome(await admin.post(`/api/city12345/replies/${reply?.id}/retry`))).toBe('409 reply_not_failed');
    expect(await deliver()).toEqual({ sent: 1, retrying: 0, failed: 0 });
  });

  it(`gives up after ${CITY_REPLY_MAX_ATTEMPTS} tries of a platform that stays down`, async () => {
    const answer = await call<Answer>('POST', ordersPath(), anOrder({ orderType: 'suggestion', categoryText: '供水/建议' }));
    const request = await requestByNo(answer.body.requestNo);
    const accepted = await step(agent, request, { step: 'accept' });
    await step(agent, accepted, { step: 'respond', note: '感谢建议。' });
    await failNext(100, 502);
    const results = [];
    for (let attempt = 1; attempt <= CITY_REPLY_MAX_ATTEMPTS; attempt += 1) {
      results.push(await deliver());
      environment.clock.advanceMinutes(CITY_REPLY_RETRY_PAUSES_MINUTES[attempt - 1] ?? 1);
    }
    expect(results.at(-1)).toEqual({ sent: 0, retrying: 0, failed: 1 });
    expect(results.slice(0, -1).every((result) => result.retrying === 1)).toBe(true);
    await failNext(0);
    expect(await deliver()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    // Hours have passed: the staff sessions have timed out.
    await signIn();
  });

  it('does no harm when a reply is delivered twice (its answer lost on the way back): the platform keeps it once', async () => {
    const answer = await call<Answer>('POST', ordersPath(), anOrder({ orderType: 'consult', categoryText: '供水/过户' }));
    const request = await requestByNo(answer.body.requestNo);
    const accepted = await step(agent, request, { step: 'accept' });
    await step(agent, accepted, { step: 'respond', note: '过户需带身份证和房产证到营业厅办理。' });
    expect((await deliver()).sent).toBe(1);
    await environment.db.withTenant(utility.tenant.id, (sql) => sql.query("UPDATE city_12345_replies SET status = 'pending', next_attempt_at = $2 WHERE request_id = $1", [request.id, environment.clock.now()]));
    const before = await simulator();
    expect((await deliver()).sent).toBe(1);
    const after = await simulator();
    expect(after.duplicates).toBe(before.duplicates + 1);
    expect(after.replies.filter((reply) => reply.orderNo === answer.body.orderNo)).toHaveLength(1);
  });

  it('sends through another active link when the order came through a revoked one, and waits while there is none', async () => {
    const answer = await call<Answer>('POST', ordersPath(), anOrder({ orderType: 'consult', categoryText: '供水/开户' }));
    const request = await requestByNo(answer.body.requestNo);
    const accepted = await step(agent, request, { step: 'accept' });
    await step(agent, accepted, { step: 'respond', note: '开户请在网上营业厅申请。' });
    expect((await admin.post(`/api/city12345/links/${link.id}/revoke`)).status).toBe(200);
    expect(await deliver()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const [waiting] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ last_error: string }>('SELECT last_error FROM city_12345_replies WHERE request_id = $1', [request.id]));
    expect(waiting?.last_error).toBe('no active 12345 link to send the reply through');
    const next = await admin.post<{ link: { id: string; appId: string }; secret: string }>('/api/city12345/links', { label: '新凭据', replyUrl: `${TEST_ORIGIN}/sim/city12345/${utility.tenant.code}/replies` });
    link = { id: next.body.link.id, appId: next.body.link.appId, secret: next.body.secret };
    environment.clock.advanceMinutes(1);
    expect(await deliver()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    // The revoked link's signatures are refused.
    expect(outcome(await call('GET', `${ordersPath()}/${answer.body.orderNo}`, undefined, { as: { appId: (await linkIdOf()).revoked, secret: 'irrelevant' } }))).toBe('401 unknown_app');
    expect((await call<OrderView>('GET', `${ordersPath()}/${answer.body.orderNo}`)).body.replies[0]?.delivery).toBe('sent');
  });

  it('answers 404 for an unknown order', async () => {
    expect(outcome(await call('GET', `${ordersPath()}/NOSUCHORDER1`))).toBe('404 order_not_found');
  });
});

describe('the administration of links', () => {
  it('lists links without secrets, is for the administrator only, and audits issue and revoke', async () => {
    const listed = await admin.get<{ links: { appId: string; status: string }[] }>('/api/city12345/links');
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(link.secret);
    expect(listed.body.links.map((item) => item.status).sort()).toEqual(['active', 'revoked']);
    expect(outcome(await agent.get('/api/city12345/links'))).toBe('403 forbidden');
    expect(outcome(await admin.post('/api/city12345/links', { label: '坏地址', replyUrl: 'ftp://example.com/replies' }))).toBe('400 validation_failed');
    const auditor = await environment.loginStaff(utility, 'auditor');
    const actions = new Set((await auditor.get<{ entries: { action: string }[] }>('/api/audit?action=city_12345_&limit=200')).body.entries.map((entry) => entry.action));
    for (const action of ['city_12345_link.issue', 'city_12345_link.revoke', 'city_12345_reply.retry']) expect(actions).toContain(action);
  });
});

async function linkIdOf(): Promise<{ revoked: string }> {
  const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ app_id: string }>("SELECT app_id FROM city_12345_links WHERE status = 'revoked' LIMIT 1"));
  return { revoked: row?.app_id ?? '' };
}
