// Reassigning a dispatched repair (改派): the dispatcher gives the job to another crew member, with a reason,
// until someone is on site. The old crew member's list loses it, the new one's gains it, the history names
// both, no time limit moves, and the audit log has it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSession } from '../src/platform/auth/sessions';
import { STAFF_COOKIE } from '../src/platform/http/guards';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

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
  assignee: { id: string; name: string } | null;
  deadlines: Deadline[];
  nextSteps: string[];
  events: { step: string; fromState: string | null; toState: string | null; actor: string; actorKind: string; note: string | null }[];
}

let environment: TestEnvironment;
let utility: Utility;
let hotline: Client;
let dispatcher: Client;
let crew: Client;
let secondCrew: { id: string; client: Client };
let secondCrewId: string;
let leakCategoryId: string;

/** A second repair crew member (the utility's roles give one of each). */
async function givenSecondCrewMember(): Promise<string> {
  const tenantId = utility.tenant.id;
  return environment.db.withTenant(tenantId, async (sql) => {
    const [row] = await sql.query<{ id: string }>("INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, 'repair-two', '孙伟（维修）', 'x') RETURNING id", [tenantId]);
    const id = row?.id as string;
    await sql.query("INSERT INTO staff_roles (tenant_id, staff_id, role) VALUES ($1, $2, 'repair_crew')", [tenantId, id]);
    return id;
  });
}

/** The second crew member signed in afresh (started directly: the member has no password). */
async function signInSecondCrew(): Promise<{ id: string; client: Client }> {
  const tenantId = utility.tenant.id;
  const session = await environment.db.withTenant(tenantId, (sql) => startSession(environment.context, sql, tenantId, { kind: 'staff', staffId: secondCrewId }, { ip: null, userAgent: null }));
  return { id: secondCrewId, client: new Client(environment.app, `${STAFF_COOKIE}=${session.token}`, session.csrfToken) };
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('rsg');
  secondCrewId = await givenSecondCrewMember();
});
beforeEach(async () => {
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  dispatcher = await environment.loginStaff(utility, 'dispatcher');
  crew = await environment.loginStaff(utility, 'repair_crew');
  secondCrew = await signInSecondCrew();
  const categories = (await hotline.get<{ categories: { id: string; code: string }[] }>('/api/service-categories')).body.categories;
  leakCategoryId = categories.find((category) => category.code === 'leak')?.id as string;
});
afterAll(() => environment.close());

const step = async (client: Client, request: Detail, body: Record<string, unknown>) => {
  const answer = await client.post<Detail & ErrorBody>(`/api/service-requests/${request.id}/steps`, { version: request.version, ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};
const reassign = (client: Client, request: Detail, body: Record<string, unknown>) =>
  client.post<Detail & ErrorBody>(`/api/service-requests/${request.id}/reassign`, { version: request.version, ...body });
const openIdsOf = async (client: Client) => (await client.get<{ requests: { id: string }[] }>('/api/service-requests?assignedToMe=true&open=true')).body.requests.map((request) => request.id);

/** A leak reported, accepted and dispatched to the utility's crew member. */
async function dispatchedLeak(address: string): Promise<Detail> {
  const created = await hotline.post<Detail>('/api/service-requests', { categoryId: leakCategoryId, channel: 'hotline', address, description: '楼道漏水', contactPhone: '13912345678', confirmNotDuplicate: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  environment.clock.advanceMinutes(3);
  const accepted = await step(dispatcher, created.body, { step: 'accept' });
  environment.clock.advanceMinutes(4);
  return step(dispatcher, accepted, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
}

describe('reassigning a dispatched repair', () => {
  it('moves the job from one crew member to the other, on the way or not, keeping every deadline', async () => {
    const dispatched = await dispatchedLeak('江岸区沿江大道 10 号');
    expect(dispatched.nextSteps).toContain('reassign');
    expect(await openIdsOf(crew)).toContain(dispatched.id);
    environment.clock.advanceMinutes(10);
    crew = await environment.loginStaff(utility, 'repair_crew');
    const onTheWay = await step(crew, dispatched, { step: 'depart' });
    expect(onTheWay.state).toBe('en_route');
    environment.clock.advanceMinutes(20);
    dispatcher = await environment.loginStaff(utility, 'dispatcher');

    const answer = await reassign(dispatcher, onTheWay, { assigneeStaffId: secondCrew.id, reason: '原维修人员车辆故障' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const moved = answer.body;
    // The new crew member has not set out: the job is dispatched again, to them.
    expect(moved.state).toBe('dispatched');
    expect(moved.assignee).toEqual({ id: secondCrew.id, name: '孙伟（维修）' });
    expect(moved.version).toBe(onTheWay.version + 1);
    // Every time limit stays where the report put it; the dispatch limit stays met at the first dispatch.
    const clocks = (request: Detail) => request.deadlines.map((deadline) => [deadline.timeLimit, deadline.dueAt, deadline.metAt]);
    expect(clocks(moved)).toEqual(clocks(onTheWay));
    expect(moved.deadlines.find((deadline) => deadline.timeLimit === 'dispatch')?.metAt).toBe(onTheWay.deadlines.find((deadline) => deadline.timeLimit === 'dispatch')?.metAt);
    // The history names both crew members and the reason.
    const last = moved.events.at(-1);
    expect(last).toMatchObject({ step: 'reassign', fromState: 'en_route', toState: 'dispatched', actorKind: 'staff' });
    expect(last?.note).toBe(`由 repair_crew of rsg 改派给 孙伟（维修）。原因：原维修人员车辆故障`);

    // The old crew member's list loses it and they may no longer move it; the new one's gains it.
    crew = await environment.loginStaff(utility, 'repair_crew');
    secondCrew = await signInSecondCrew();
    expect(await openIdsOf(crew)).not.toContain(moved.id);
    const refused = await crew.post<ErrorBody>(`/api/service-requests/${moved.id}/steps`, { step: 'depart', version: moved.version });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('not_assignee');
    expect(await openIdsOf(secondCrew.client)).toContain(moved.id);
    const departed = await step(secondCrew.client, moved, { step: 'depart' });
    const arrived = await step(secondCrew.client, departed, { step: 'arrive' });
    expect(arrived.deadlines.find((deadline) => deadline.timeLimit === 'arrive')?.dueAt).toBe(onTheWay.deadlines.find((deadline) => deadline.timeLimit === 'arrive')?.dueAt);

    // On site, reassignment is refused with its reason.
    const onSite = await reassign(dispatcher, arrived, { assigneeStaffId: utility.staff.repair_crew.id, reason: '换人' });
    expect(onSite.status).toBe(409);
    expect(onSite.body.code).toBe('crew_on_site');
    expect(onSite.body.message.zh).toContain('已到场');
    expect(arrived.nextSteps).not.toContain('reassign');

    // Audited with both crew members and the reason.
    const audit = await environment.ownerQuery(
      "SELECT actor_name, before, after FROM audit_log WHERE tenant_id = $1 AND object_id = $2 AND action = 'service_request.reassign'",
      [utility.tenant.id, moved.id],
    );
    expect(audit).toEqual([
      {
        actor_name: 'dispatcher of rsg (dispatcher)',
        before: { state: 'en_route', assigneeStaffId: utility.staff.repair_crew.id, assigneeName: 'repair_crew of rsg' },
        after: { state: 'dispatched', assigneeStaffId: secondCrew.id, assigneeName: '孙伟（维修）', reason: '原维修人员车辆故障' },
      },
    ]);
  });

  it('refuses without a reason, to the same or a non-crew member, on a stale version, before dispatch, and to anyone who may not dispatch', async () => {
    const dispatched = await dispatchedLeak('武昌区中北路 20 号');
    const noReason = await reassign(dispatcher, dispatched, { assigneeStaffId: secondCrew.id });
    expect(noReason.status).toBe(400);
    expect(noReason.body.fields.map((field) => field.field)).toContain('reason');
    const same = await reassign(dispatcher, dispatched, { assigneeStaffId: utility.staff.repair_crew.id, reason: '重新派' });
    expect(same.status).toBe(400);
    expect(same.body.fields).toEqual([expect.objectContaining({ field: 'assigneeStaffId', zh: expect.stringContaining('已派给此人') })]);
    const notCrew = await reassign(dispatcher, dispatched, { assigneeStaffId: utility.staff.hotline_agent.id, reason: '换人' });
    expect(notCrew.status).toBe(400);
    expect(notCrew.body.fields).toEqual([expect.objectContaining({ field: 'assigneeStaffId', en: 'is not an active repair crew member' })]);
    const stale = await reassign(dispatcher, { ...dispatched, version: dispatched.version - 1 }, { assigneeStaffId: secondCrew.id, reason: '换人' });
    expect(stale.status).toBe(409);
    // The crew member holding the job and the hotline agent may not dispatch, so they may not reassign.
    for (const client of [crew, hotline]) {
      const refused = await reassign(client, dispatched, { assigneeStaffId: secondCrew.id, reason: '换人' });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    }
    // Nothing of the refusals was written.
    const unchanged = (await dispatcher.get<Detail>(`/api/service-requests/${dispatched.id}`)).body;
    expect(unchanged.version).toBe(dispatched.version);
    expect(unchanged.assignee?.id).toBe(utility.staff.repair_crew.id);
    expect(unchanged.events.filter((event) => event.step === 'reassign')).toEqual([]);
    // The steps route does not take reassign (it has its own route, with a reason).
    expect((await dispatcher.post(`/api/service-requests/${dispatched.id}/steps`, { step: 'reassign', version: dispatched.version })).status).toBe(400);

    const created = await hotline.post<Detail>('/api/service-requests', { categoryId: leakCategoryId, channel: 'hotline', address: '武昌区中北路 22 号', description: '表前漏水', confirmNotDuplicate: true });
    const accepted = await step(dispatcher, created.body, { step: 'accept' });
    const early = await reassign(dispatcher, accepted, { assigneeStaffId: secondCrew.id, reason: '换人' });
    expect(early.status).toBe(409);
    expect(early.body.message.en).toContain('dispatch it instead');
  });

  it("shows the customer that the job moved, but not the crew members' names or the reason", async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '改派户' });
    const resident = await environment.loginPortal(utility, '13700002222');
    expect((await resident.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '改派户' })).status).toBe(201);
    const created = await hotline.post<Detail>('/api/service-requests', { categoryId: leakCategoryId, channel: 'hotline', accountId: home.account.id, description: '水表井漏水', confirmNotDuplicate: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    dispatcher = await environment.loginStaff(utility, 'dispatcher');
    const accepted = await step(dispatcher, created.body, { step: 'accept' });
    const dispatched = await step(dispatcher, accepted, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
    expect((await reassign(dispatcher, dispatched, { assigneeStaffId: secondCrew.id, reason: '原班组请假' })).status).toBe(200);
    const seen = (await resident.get<Detail>(`/api/portal/service-requests/${created.body.id}`)).body;
    expect(seen.events.at(-1)).toMatchObject({ step: 'reassign', actor: 'staff', note: null });
    expect(JSON.stringify(seen.events)).not.toContain('孙伟');
    expect(JSON.stringify(seen.events)).not.toContain('请假');
  });
});
