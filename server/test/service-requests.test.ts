import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalateOverdue } from '../src/modules/service';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Deadline {
  timeLimit: string;
  dueAt: string;
  metAt: string | null;
  isOverdue: boolean;
  escalationLevel: number;
}
interface Detail {
  id: string;
  requestNo: string;
  state: string;
  version: number;
  alertLevel: number;
  address: string | null;
  deadlines: Deadline[];
  nextSteps: string[];
  events: { step: string }[];
}

let environment: TestEnvironment;
let utility: Utility;
let hotline: Client;
let dispatcher: Client;
let crew: Client;
let categories: { id: string; code: string; kind: string; limits: Record<string, number> }[];

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('svc');
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  dispatcher = await environment.loginStaff(utility, 'dispatcher');
  crew = await environment.loginStaff(utility, 'repair_crew');
  categories = (await hotline.get<{ categories: typeof categories }>('/api/service-categories')).body.categories;
});
afterAll(() => environment.close());

const categoryId = (code: string) => categories.find((category) => category.code === code)?.id as string;
const step = (client: Client, request: Detail, body: Record<string, unknown>) => client.post<Detail & ErrorBody>(`/api/service-requests/${request.id}/steps`, { version: request.version, ...body });

describe('a burst reported on the hotline', () => {
  it('gets a number and its five clock-time deadlines, and goes step by step to closed, each step by its owner', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '爆管户' });
    const created = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('burst'), channel: 'hotline', accountId: home.account.id, description: '小区门口水管爆裂，水流很大' });
    expect(created.status).toBe(201);
    let request = created.body;
    expect(request.requestNo).toMatch(/^GD20260302\d{5}$/);
    expect(request.address).toBeTruthy();
    const created_at = environment.clock.now().getTime();
    expect(request.deadlines.map((deadline) => [deadline.timeLimit, (Date.parse(deadline.dueAt) - created_at) / 60_000])).toEqual([
      ['accept', 10],
      ['dispatch', 20],
      ['arrive', 60],
      ['control', 240],
      ['restore', 1440],
    ]);
    request = (await step(hotline, request, { step: 'accept' })).body;
    // Nobody skips ahead: the crew cannot arrive at a request not yet dispatched; the dispatcher may not arrive at all.
    expect((await step(crew, request, { step: 'arrive' })).body.code).toBe('wrong_state');
    expect((await step(dispatcher, request, { step: 'arrive' })).status).toBe(403);
    const noCrew = await step(dispatcher, request, { step: 'dispatch' });
    expect(noCrew.body.fields[0]?.field).toBe('assigneeStaffId');
    const crewId = utility.staff.repair_crew.id;
    request = (await step(dispatcher, request, { step: 'dispatch', assigneeStaffId: crewId })).body;
    expect(request.state).toBe('dispatched');
    const byHotline = await step(hotline, request, { step: 'depart' });
    expect(byHotline.status).toBe(403);
    environment.clock.advance(25 * 60_000);
    for (const next of ['depart', 'arrive', 'control', 'restore'] as const) {
      const answer = await step(crew, request, { step: next, note: `${next} 完成` });
      expect(answer.status, next).toBe(200);
      request = answer.body;
    }
    request = (await step(dispatcher, request, { step: 'close' })).body;
    expect(request.state).toBe('closed');
    expect(request.deadlines.every((deadline) => deadline.metAt !== null)).toBe(true);
    expect(request.deadlines.filter((deadline) => deadline.isOverdue).map((deadline) => deadline.timeLimit)).toEqual([]);
    expect(request.events.map((event) => event.step)).toEqual(['submit', 'accept', 'dispatch', 'depart', 'arrive', 'control', 'restore', 'close']);
    const manager = await environment.loginStaff(utility, 'manager');
    const stale = await step(manager, { ...request, version: 1 }, { step: 'reopen' });
    expect(stale.status).toBe(409);
    const reopened = await step(manager, request, { step: 'reopen', note: '客户回访不满意' });
    expect(reopened.body).toMatchObject({ state: 'accepted', closedAt: null });
  });

  it('raises the alert level for a special-care household', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '关爱户' });
    await environment.db.withTenant(utility.tenant.id, (sql) => sql.query('UPDATE customers SET is_special_care = true WHERE id = $1', [home.customer.id]));
    const created = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', accountId: home.account.id, description: '水表后漏水' });
    expect(created.body.alertLevel).toBe(4);
  });
});

describe('escalation', () => {
  it('fires once per level for 1,000 overdue requests, even when run again (as after a restart)', async () => {
    const category = categoryId('leak');
    await environment.db.withTenant(utility.tenant.id, async (sql) => {
      const now = environment.clock.now();
      const [first] = await sql.query<{ id: string }>('SELECT id FROM service_categories WHERE id = $1', [category]);
      expect(first).toBeTruthy();
      await sql.query(
        `WITH made AS (
           INSERT INTO service_requests (tenant_id, request_no, category_id, kind, channel, address, description, alert_level, created_by, created_at, updated_at)
           SELECT $1, 'ESC' || lpad(n::text, 6, '0'), $2, 'repair', 'hotline', '测试路' || n || '号', '批量超时测试', 2, 'test', $3, $3 FROM generate_series(1, 1000) n
           RETURNING id)
         INSERT INTO service_request_deadlines (tenant_id, request_id, time_limit, due_at) SELECT $1, id, 'accept', $3::timestamptz + interval '30 minutes' FROM made`,
        [utility.tenant.id, category, now],
      );
    });
    const levels = async () =>
      (await environment.ownerQuery<{ level: number; count: number }>(
        "SELECT d.escalation_level AS level, count(*)::int AS count FROM service_request_deadlines d JOIN service_requests r ON r.id = d.request_id WHERE r.tenant_id = $1 AND r.request_no LIKE 'ESC%' GROUP BY 1 ORDER BY 1",
        [utility.tenant.id],
      )).map((row) => [row.level, row.count]);
    await escalateOverdue(environment.context, utility.tenant.id);
    expect(await levels()).toEqual([[0, 1000]]);
    environment.clock.advance(31 * 60_000);
    await escalateOverdue(environment.context, utility.tenant.id);
    expect(await levels()).toEqual([[1, 1000]]);
    // Run again, and twice at once (two processes after a restart): nothing fires twice.
    expect((await escalateOverdue(environment.context, utility.tenant.id)).level1).toBe(0);
    environment.clock.advance(30 * 60_000);
    await Promise.all([escalateOverdue(environment.context, utility.tenant.id), escalateOverdue(environment.context, utility.tenant.id)]);
    expect(await levels()).toEqual([[2, 1000]]);
    const events = await environment.ownerQuery<{ count: number }>(
      "SELECT count(*)::int AS count FROM service_request_events e JOIN service_requests r ON r.id = e.request_id WHERE r.tenant_id = $1 AND r.request_no LIKE 'ESC%' AND e.step = 'escalate'",
      [utility.tenant.id],
    );
    expect(events[0]?.count).toBe(2000);
  }, 60_000);
});

describe('the portal', () => {
  it('lets a customer report a leak at a bound account and follow it, and no one else', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '网报户', phone: '13712340001' });
    const portal = await environment.loginPortal(utility, '13712340001');
    expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '网报户' })).status).toBe(201);
    const portalCategories = await portal.get<{ categories: { id: string; code: string }[] }>('/api/portal/service-categories');
    const leak = portalCategories.body.categories.find((category) => category.code === 'leak')?.id;
    const created = await portal.post<Detail>('/api/portal/service-requests', { categoryId: leak, accountId: home.account.id, description: '厨房水管漏水' });
    expect(created.status).toBe(201);
    const mine = await portal.get<{ requests: { id: string }[] }>('/api/portal/service-requests');
    expect(mine.body.requests.map((request) => request.id)).toEqual([created.body.id]);
    const other = await environment.loginPortal(utility, '13712340002');
    expect((await other.get(`/api/portal/service-requests/${created.body.id}`)).status).toBe(404);
    const stranger = await givenCustomerWithAccount(environment, utility, { name: '他人户' });
    expect((await portal.post('/api/portal/service-requests', { categoryId: leak, accountId: stranger.account.id, description: '别人家' })).status).toBe(404);
  });
});
