// The dispatcher's board (open work by area, priority and deadline), the crew's phone reveal, who took each
// step as people read it (console: name and roles; portal: "staff"), state names in both languages, and the
// settings of the desk: categories with their time limits and the materials catalogue.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Deadline {
  timeLimit: string;
  dueAt: string;
  metAt: string | null;
}
interface Request {
  id: string;
  requestNo: string;
  state: string;
  stateName: string;
  stateNameEn: string;
  version: number;
  alertLevel: number;
  nextDeadline: Deadline | null;
  deadlines: Deadline[];
  hasContactPhone: boolean;
}
interface Detail extends Request {
  events: { step: string; actor: string; actorKind: string; actorName: string | null; actorRoles: string[] }[];
}
interface Board {
  areas: { area: string | null; open: number; overdue: number; requests: Request[] }[];
  crews: { id: string; name: string; openRequests: number }[];
}
interface Category {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  kind: string;
  timeBasis: string;
  limits: Record<string, number>;
  alertLevel: number;
  department: string;
  isActive: boolean;
}
interface Material {
  id: string;
  code: string;
  name: string;
  unit: string;
  baseUnit: string;
  scale: number;
  isActive: boolean;
}

let environment: TestEnvironment;
let utility: Utility;
let hotline: Client;
let dispatcher: Client;
let crew: Client;
let admin: Client;
let categories: Category[];

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('brd');
});
// The tests move the clock past the sessions' idle time: everyone signs in afresh for each.
beforeEach(async () => {
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  dispatcher = await environment.loginStaff(utility, 'dispatcher');
  crew = await environment.loginStaff(utility, 'repair_crew');
  admin = await environment.loginStaff(utility, 'admin');
  categories = (await hotline.get<{ categories: Category[] }>('/api/service-categories')).body.categories;
});
afterAll(() => environment.close());

const categoryId = (code: string) => categories.find((category) => category.code === code)?.id as string;
const report = async (code: string, address: string, description = '报修') => {
  const created = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId(code), channel: 'hotline', address, description, contactPhone: '13912345678', confirmNotDuplicate: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
};
const step = async (client: Client, request: Request, body: Record<string, unknown>) => {
  const answer = await client.post<Detail & ErrorBody>(`/api/service-requests/${request.id}/steps`, { version: request.version, ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

describe("the dispatcher's board", () => {
  it('groups open repairs by district, the most urgent first, and leaves desk work out', async () => {
    const lowPressure = await report('low_pressure', '江岸区沿江大道 1 号', '水压低');
    environment.clock.advanceMinutes(5);
    const leak = await report('leak', '江岸区黄浦路 8 号', '楼下漏水');
    environment.clock.advanceMinutes(15);
    const burst = await report('burst', '武昌区中北路 66 号', '爆管');
    const inquiry = await report('inquiry', '江岸区沿江大道 2 号', '咨询水价');
    const noWhere = await report('no_water', '东湖边上', '没有水');
    environment.clock.advanceMinutes(12);
    dispatcher = await environment.loginStaff(utility, 'dispatcher');

    // 32 minutes on: the low-pressure report (accept within 30) and the burst (within 10) are past their
    // accept limit; the leak (within 30, 27 minutes old) and the no-water report (15, 12 minutes old) are not.
    const board = (await dispatcher.get<Board>('/api/service-board')).body;
    expect(board.areas.map((area) => [area.area, area.requests.map((request) => request.id)])).toEqual([
      // Overdue before a higher alert level: the low-pressure report (level 1) before the leak (level 2).
      ['江岸区', [lowPressure.id, leak.id]],
      ['武昌区', [burst.id]],
      // No premise and no district in the address: unlocated, last.
      [null, [noWhere.id]],
    ]);
    expect(board.areas.map((area) => [area.open, area.overdue])).toEqual([
      [2, 1],
      [1, 1],
      [1, 0],
    ]);
    expect(board.crews.map((member) => member.id)).toContain(utility.staff.repair_crew.id);

    const desk = (await dispatcher.get<Board>('/api/service-board?track=desk')).body;
    expect(desk.areas.flatMap((area) => area.requests.map((request) => request.id))).toEqual([inquiry.id]);
    const urgent = (await dispatcher.get<Board>('/api/service-board?minAlertLevel=3')).body;
    expect(urgent.areas.flatMap((area) => area.requests.map((request) => request.id))).toEqual([burst.id, noWhere.id]);

    // Assigning from the board is the dispatch step: the crew's open work counts it, the card shows it dispatched.
    const accepted = await step(dispatcher, burst, { step: 'accept' });
    await step(dispatcher, accepted, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
    const after = (await dispatcher.get<Board>('/api/service-board')).body;
    expect(after.crews.find((member) => member.id === utility.staff.repair_crew.id)?.openRequests).toBe(1);
    expect(after.areas.find((area) => area.area === '武昌区')?.requests[0]?.state).toBe('dispatched');
  });

  it('puts a higher alert level first among requests not yet overdue', async () => {
    const quiet = await report('low_pressure', '硚口区汉正街 3 号', '水压低');
    const urgent = await report('water_quality', '硚口区汉正街 5 号', '水发黄');
    const area = (await dispatcher.get<Board>('/api/service-board')).body.areas.find((item) => item.area === '硚口区');
    expect(area?.requests.map((request) => request.id)).toEqual([urgent.id, quiet.id]);
    expect(area?.overdue).toBe(0);
  });

  it('is for staff who read requests only', async () => {
    expect((await admin.get('/api/service-board')).status).toBe(403);
    expect((await dispatcher.get('/api/service-board?track=everything')).status).toBe(400);
  });
});

describe("the crew member's phone reveal", () => {
  it('shows the assigned crew member the full number while the job is open, audited; nobody else', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '揭号户' });
    const created = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', accountId: home.account.id, description: '水表前漏水', contactPhone: '13712340000', confirmNotDuplicate: true });
    let request: Request = created.body;
    const reveal = () => crew.post<{ number: string } & ErrorBody>(`/api/service-requests/${request.id}/reveal-phone`);
    // Not yet theirs.
    expect((await reveal()).body.code).toBe('not_assignee');
    request = await step(dispatcher, request, { step: 'accept' });
    request = await step(dispatcher, request, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
    const shown = await reveal();
    expect(shown.status).toBe(200);
    expect(shown.body.number).toBe('13712340000');
    const audit = await environment.ownerQuery<{ actor_id: string; subject_customer_id: string }>("SELECT actor_id, subject_customer_id FROM audit_log WHERE action = 'service_request.reveal_phone' AND object_id = $1", [request.id]);
    expect(audit).toEqual([{ actor_id: utility.staff.repair_crew.id, subject_customer_id: home.customer.id }]);
    // The dispatcher holds no service.field; the hotline neither.
    expect((await dispatcher.post(`/api/service-requests/${request.id}/reveal-phone`)).status).toBe(403);
    // Once finished, the number is no longer shown.
    for (const next of ['depart', 'arrive', 'control', 'restore']) request = await step(crew, request, { step: next });
    request = await step(dispatcher, request, { step: 'close' });
    expect((await reveal()).body.code).toBe('request_finished');
    expect((await crew.post('/api/service-requests/00000000-0000-4000-8000-000000000000/reveal-phone')).status).toBe(404);
  });

  it('tells the crew whether there is a number to reveal: the contact phone, else the customer\'s, else none', async () => {
    const withPhone = await givenCustomerWithAccount(environment, utility, { name: '有号户' });
    const withoutPhone = await givenCustomerWithAccount(environment, utility, { name: '无号户', phone: null });
    const open = async (body: Record<string, unknown>) => {
      const created = await hotline.post<Detail>('/api/service-requests', { categoryId: categoryId('leak'), channel: 'hotline', description: '漏水', confirmNotDuplicate: true, ...body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const accepted = await step(dispatcher, created.body, { step: 'accept' });
      await step(dispatcher, accepted, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
      return created.body;
    };
    const contact = await open({ address: '江汉区解放大道 10 号', contactPhone: '13612340000' });
    const customer = await open({ accountId: withPhone.account.id });
    const none = await open({ accountId: withoutPhone.account.id });
    const bare = await open({ address: '江汉区解放大道 12 号' });
    // What the creation answered, what the crew's list, the detail and the board read.
    expect([contact, customer, none, bare].map((request) => request.hasContactPhone)).toEqual([true, true, false, false]);
    const mine = (await crew.get<{ requests: Request[] }>('/api/service-requests?assignedToMe=true&open=true')).body.requests;
    const flagOf = (list: Request[], id: string) => list.find((request) => request.id === id)?.hasContactPhone;
    expect([contact, customer, none, bare].map((request) => flagOf(mine, request.id))).toEqual([true, true, false, false]);
    const details = await Promise.all([contact, customer, none, bare].map(async (request) => (await crew.get<Detail>(`/api/service-requests/${request.id}`)).body.hasContactPhone));
    expect(details).toEqual([true, true, false, false]);
    const board = (await dispatcher.get<Board>('/api/service-board')).body.areas.flatMap((area) => area.requests);
    expect([contact, customer, none, bare].map((request) => flagOf(board, request.id))).toEqual([true, true, false, false]);
    // The flag and the reveal agree.
    const reveal = (request: Request) => crew.post<{ number: string } & ErrorBody>(`/api/service-requests/${request.id}/reveal-phone`);
    expect((await reveal(customer)).body.number).toMatch(/^139\d{8}$/);
    expect((await reveal(none)).body.code).toBe('no_phone');
    expect((await reveal(bare)).body.code).toBe('no_phone');
  });
});

describe('who took each step, and the state in both languages', () => {
  it('names staff with their roles in the console and only "staff" in the portal', async () => {
    const home = await givenCustomerWithAccount(environment, utility, { name: '历史户' });
    const resident = await environment.loginPortal(utility, '13700001111');
    expect((await resident.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '历史户' })).status).toBe(201);
    const portalCategories = (await resident.get<{ categories: Category[] }>('/api/portal/service-categories')).body.categories;
    const created = await resident.post<Detail>('/api/portal/service-requests', { categoryId: portalCategories.find((item) => item.code === 'complaint')?.id, accountId: home.account.id, description: '抄表员态度不好', confirmNotDuplicate: true });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.events[0]).toMatchObject({ actor: 'customer', actorKind: 'customer', actorName: null });
    const accepted = await step(hotline, created.body, { step: 'accept', note: '已受理' });
    expect(accepted.stateName).toBe('已受理');
    expect(accepted.stateNameEn).toBe('Accepted');
    expect(accepted.events.map((event) => [event.step, event.actorKind, event.actorName, event.actorRoles])).toEqual([
      ['submit', 'customer', null, []],
      ['accept', 'staff', `hotline_agent of brd`, ['hotline_agent']],
    ]);
    // The recorded actor stays as the audit log has it.
    expect(accepted.events[1]?.actor).toBe('hotline_agent of brd (hotline-agent)');
    const seen = (await resident.get<Detail>(`/api/portal/service-requests/${created.body.id}`)).body;
    expect(seen.stateNameEn).toBe('Accepted');
    expect(seen.events.map((event) => [event.step, event.actor, event.actorKind, event.actorName, event.actorRoles])).toEqual([
      ['submit', 'customer', 'customer', null, []],
      ['accept', 'staff', 'staff', null, []],
    ]);
    expect(JSON.stringify(seen.events)).not.toContain('hotline');
  });

  it('names the system for escalations', async () => {
    const request = await report('burst', '江汉区新华路 9 号', '爆管');
    environment.clock.advanceMinutes(11);
    const { escalateOverdue } = await import('../src/modules/service');
    await escalateOverdue(environment.context, utility.tenant.id);
    const detail = (await dispatcher.get<Detail>(`/api/service-requests/${request.id}`)).body;
    expect(detail.events.find((event) => event.step === 'escalate')).toMatchObject({ actorKind: 'system', actorName: null, actorRoles: [] });
  });
});

describe('the settings: categories and their time limits', () => {
  it('adds a category with its limits and department, edits and retires it, audited; the desk offers active ones only', async () => {
    const listed = (await admin.get<{ categories: Category[] }>('/api/service-settings/categories')).body.categories;
    expect(listed.find((item) => item.code === 'meter_fault')).toMatchObject({ department: 'meter', timeBasis: 'working' });
    const created = await admin.post<Category>('/api/service-settings/categories', {
      code: 'hydrant',
      name: '消火栓漏水',
      nameEn: 'Hydrant leak',
      kind: 'repair',
      timeBasis: 'clock',
      limits: { accept: 15, dispatch: 30, arrive: 90, control: 240, restore: 720 },
      alertLevel: 2,
      department: 'network',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ code: 'hydrant', isActive: true, limits: { accept: 15, dispatch: 30, arrive: 90, control: 240, restore: 720 } });
    const request = await hotline.post<Detail>('/api/service-requests', { categoryId: created.body.id, channel: 'hotline', address: '江汉区常青路 1 号', description: '消火栓冒水' });
    expect(request.body.deadlines.map((deadline) => deadline.timeLimit)).toEqual(['accept', 'dispatch', 'arrive', 'control', 'restore']);
    const accept = request.body.deadlines[0] as Deadline;
    expect(Date.parse(accept.dueAt) - environment.clock.now().getTime()).toBe(15 * 60_000);

    // Longer limits from the next report on; the request made keeps its deadlines.
    const edited = await admin.patch<Category>(`/api/service-settings/categories/${created.body.id}`, { limits: { accept: 20, dispatch: 40, arrive: 120, control: 300, restore: 1440 }, timeBasis: 'working', department: 'water_quality' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ timeBasis: 'working', department: 'water_quality', limits: { accept: 20 } });
    const again = (await dispatcher.get<Detail>(`/api/service-requests/${request.body.id}`)).body;
    expect(again.deadlines[0]?.dueAt).toBe(accept.dueAt);

    const retired = await admin.patch<Category>(`/api/service-settings/categories/${created.body.id}`, { isActive: false });
    expect(retired.body.isActive).toBe(false);
    const refused = await hotline.post<ErrorBody>('/api/service-requests', { categoryId: created.body.id, channel: 'hotline', address: '江汉区常青路 2 号', description: '消火栓冒水' });
    expect(refused.body.fields[0]?.field).toBe('categoryId');
    const audit = await environment.ownerQuery<{ action: string }>("SELECT action FROM audit_log WHERE object_id = $1 AND object_type = 'service_category' ORDER BY seq", [created.body.id]);
    expect(audit.map((row) => row.action)).toEqual(['service_category.create', 'service_category.update', 'service_category.retire']);
  });

  it('refuses limits that do not fit the kind, a taken code, and anyone without settings.manage, writing nothing', async () => {
    const before = (await environment.ownerQuery<{ count: string }>("SELECT count(*) FROM service_categories WHERE tenant_id = $1", [utility.tenant.id]))[0]?.count;
    const base = { code: 'odd', name: '奇怪', nameEn: 'Odd', kind: 'inquiry', timeBasis: 'working', alertLevel: 1, department: 'customer_service' };
    const missing = await admin.post<ErrorBody>('/api/service-settings/categories', { ...base, limits: { accept: 30, respond: 60 } });
    expect(missing.status).toBe(400);
    expect(missing.body.fields).toEqual([{ field: 'limits.close', zh: '请填写办结时限', en: 'give the close time limit' }]);
    const foreign = await admin.post<ErrorBody>('/api/service-settings/categories', { ...base, limits: { accept: 30, respond: 60, close: 90, arrive: 10 } });
    expect(foreign.body.fields.map((field) => field.field)).toEqual(['limits.arrive']);
    const backwards = await admin.post<ErrorBody>('/api/service-settings/categories', { ...base, limits: { accept: 300, respond: 60, close: 90 } });
    expect(backwards.body.fields[0]).toMatchObject({ field: 'limits.respond', en: expect.stringContaining('shorter than the one before') });
    const taken = await admin.post<ErrorBody>('/api/service-settings/categories', { ...base, code: 'leak', limits: { accept: 30, respond: 60, close: 90 } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('code_taken');
    const badCode = await admin.post<ErrorBody>('/api/service-settings/categories', { ...base, code: 'Bad Code', limits: { accept: 30, respond: 60, close: 90 } });
    expect(badCode.body.fields[0]?.field).toBe('code');
    const leak = categories.find((item) => item.code === 'leak') as Category;
    const patchBad = await admin.patch<ErrorBody>(`/api/service-settings/categories/${leak.id}`, { limits: { accept: 30, respond: 60, close: 90 } });
    expect(patchBad.status).toBe(400);
    expect((await admin.patch<ErrorBody>(`/api/service-settings/categories/${leak.id}`, { kind: 'inquiry' })).status).toBe(400);
    expect((await dispatcher.post('/api/service-settings/categories', { ...base, limits: { accept: 30, respond: 60, close: 90 } })).status).toBe(403);
    expect((await hotline.get('/api/service-settings/categories')).status).toBe(403);
    expect((await environment.ownerQuery<{ count: string }>("SELECT count(*) FROM service_categories WHERE tenant_id = $1", [utility.tenant.id]))[0]?.count).toBe(before);
    const unchanged = (await hotline.get<{ categories: Category[] }>('/api/service-categories')).body.categories.find((item) => item.code === 'leak');
    expect(unchanged?.limits).toEqual(leak.limits);
  });
});

describe('the settings: the materials catalogue', () => {
  it('adds, renames and retires a material; the crew can no longer record a retired one', async () => {
    const created = await admin.post<Material>('/api/service-settings/materials', { code: 'pipe_pe_dn110', name: 'PE 给水管 DN110', nameEn: 'PE water pipe DN110', unit: '米', unitEn: 'm', baseUnit: '厘米', baseUnitEn: 'cm', scale: 100 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ code: 'pipe_pe_dn110', scale: 100, isActive: true });
    const renamed = await admin.patch<Material>(`/api/service-settings/materials/${created.body.id}`, { name: 'PE 给水管 DN110（黑）' });
    expect(renamed.body.name).toBe('PE 给水管 DN110（黑）');
    // The base unit and scale stay: quantities already recorded are counted in them.
    expect((await admin.patch(`/api/service-settings/materials/${created.body.id}`, { scale: 1 })).status).toBe(400);
    expect((await admin.post<ErrorBody>('/api/service-settings/materials', { code: 'pipe_pe_dn110', name: 'x', nameEn: 'x', unit: '米', unitEn: 'm', baseUnit: '厘米', baseUnitEn: 'cm', scale: 100 })).body.code).toBe('code_taken');
    expect((await admin.post<ErrorBody>('/api/service-settings/materials', { code: 'odd_scale', name: 'x', nameEn: 'x', unit: '米', unitEn: 'm', baseUnit: '厘米', baseUnitEn: 'cm', scale: 7 })).body.fields[0]?.field).toBe('scale');
    await admin.patch(`/api/service-settings/materials/${created.body.id}`, { isActive: false });
    const listed = (await admin.get<{ materials: Material[] }>('/api/service-settings/materials')).body.materials.find((item) => item.id === created.body.id);
    expect(listed?.isActive).toBe(false);

    // The crew on site tries to record the retired material.
    let request: Request = await report('leak', '江汉区民族路 2 号', '管道漏水');
    request = await step(dispatcher, request, { step: 'accept' });
    request = await step(dispatcher, request, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
    request = await step(crew, request, { step: 'depart' });
    request = await step(crew, request, { step: 'arrive' });
    const refused = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/materials`, { materialId: created.body.id, quantity: 250 });
    expect(refused.body.fields[0]?.field).toBe('materialId');
    const audit = await environment.ownerQuery<{ action: string }>("SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq", [created.body.id]);
    expect(audit.map((row) => row.action)).toEqual(['service_material.create', 'service_material.update', 'service_material.retire']);
    expect((await crew.get('/api/service-settings/materials')).status).toBe(403);
  });
});
