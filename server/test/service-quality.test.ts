import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from './endpoints';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

// The service-quality dashboard (服务质量看板) over a week of one utility's service desk, built row by row
// so that every figure is known: requests made, closed, cancelled and still open; deadlines met early, on
// the minute, late, unmet and past due, unmet and not yet due; ratings; first-contact resolution; calls.
// "Now" is the harness clock: 2026-03-02 10:00 in Asia/Shanghai (02:00Z), a Monday.

interface Deadlines {
  due: number;
  onTime: number;
  late: number;
  metLate: number;
  unmetLate: number;
  stillOverdue: number;
  onTimeRateBp: number | null;
}
interface Satisfaction {
  rated: number;
  averageHundredths: number | null;
  satisfiedRateBp: number | null;
}
interface FirstContact {
  eligible: number;
  resolved: number;
  rateBp: number | null;
}
interface Calls {
  inbound: number;
  answered: number;
  missed: number;
  callBack: number;
  answerRateBp: number | null;
}
interface RowFigures {
  created: number;
  closed: number;
  openNow: number;
  overdueNow: number;
  deadlines: Deadlines;
  satisfaction: Satisfaction;
  firstContact: FirstContact;
}
interface Dashboard {
  from: string;
  to: string;
  timeZone: string;
  generatedAt: string;
  totals: RowFigures & { satisfaction: Satisfaction & { byRating: number[] }; calls: Calls };
  timeLimits: (Deadlines & { timeLimit: string })[];
  days: { date: string; created: number; closed: number; deadlines: Deadlines; satisfaction: Satisfaction; firstContact: FirstContact; calls: Calls }[];
  categories: (RowFigures & { category: { code: string; department: string; isActive: boolean } })[];
  departments: (RowFigures & { department: string; name: string; nameEn: string })[];
  overdue: {
    total: number;
    items: { requestNo: string; category: { code: string }; department: string; state: string; timeLimit: string; dueAt: string; minutesOverdue: number; overdueLimits: number; escalationLevel: number; assignee: string | null }[];
  };
}

/** A moment given in the utility's local time (UTC+8). */
const local = (text: string): string => new Date(`${text}+08:00`).toISOString();

let environment: TestEnvironment;
let utility: Utility;
let other: Utility;
let manager: Client;
let hotline: Client;
let categories: Map<string, string>;
let serial = 0;

type Limit = 'accept' | 'respond' | 'close' | 'dispatch' | 'arrive' | 'control' | 'restore';
interface GivenRequest {
  code: string;
  channel: 'portal' | 'hotline' | 'counter' | 'wechat' | 'city_12345' | 'open311';
  state: string;
  createdAt: string;
  closedAt?: string;
  firstContact?: boolean;
  assignee?: string;
  deadlines: [Limit, string, string | null, number?][];
  rating?: [number, string];
}

/** Writes a request with its deadlines (and a recorded rating) straight into the tables the dashboard reads. */
async function givenRequest(owner: Utility, codes: Map<string, string>, given: GivenRequest): Promise<string> {
  serial += 1;
  const requestNo = `GDQ${String(serial).padStart(5, '0')}`;
  await environment.db.withTenant(owner.tenant.id, async (sql) => {
    const [row] = await sql.query<{ id: string }>(
      `INSERT INTO service_requests (tenant_id, request_no, category_id, kind, channel, state, address, description, alert_level, assignee_staff_id, created_by, created_at, updated_at, closed_at, first_contact_resolution)
       SELECT $1, $2, c.id, c.kind, $4, $5, '测试地址', '测试工单', 1, $6, 'test', $7, $7, $8, $9 FROM service_categories c WHERE c.id = $3 RETURNING id`,
      [owner.tenant.id, requestNo, codes.get(given.code), given.channel, given.state, given.assignee ?? null, given.createdAt, given.closedAt ?? null, given.firstContact ?? false],
    );
    const id = row?.id as string;
    for (const [limit, due, met, escalation] of given.deadlines) {
      await sql.query('INSERT INTO service_request_deadlines (tenant_id, request_id, time_limit, due_at, met_at, escalation_level) VALUES ($1, $2, $3, $4, $5, $6)', [owner.tenant.id, id, limit, due, met, escalation ?? 0]);
    }
    if (given.rating) {
      const [rating, at] = given.rating;
      await sql.query(
        `INSERT INTO service_followups (tenant_id, request_id, reason, state, due_at, created_at, rating, rated_via, recorded_by, recorded_at, outcome)
         VALUES ($1, $2, 'kind_rule', 'done', $3, $3, $4, 'phone', 'test', $3, $5)`,
        [owner.tenant.id, id, at, rating, rating <= 2 ? 'escalated' : 'satisfied'],
      );
    }
  });
  return requestNo;
}

async function categoriesOf(owner: Utility): Promise<Map<string, string>> {
  const agent = await environment.loginStaff(owner, 'hotline_agent');
  const response = await agent.get<{ categories: { id: string; code: string }[] }>('/api/service-categories');
  return new Map(response.body.categories.map((category) => [category.code, category.id]));
}

const numbers: Record<string, string> = {};

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('quality');
  other = await environment.givenUtility('quality-other');
  categories = await categoriesOf(utility);
  const crew = utility.staff.repair_crew.id;

  // R1: an inquiry answered and closed on the call; rated 5.
  numbers.r1 = await givenRequest(utility, categories, {
    code: 'inquiry', channel: 'hotline', state: 'closed', createdAt: local('2026-02-25T09:00'), closedAt: local('2026-02-25T09:00'), firstContact: true,
    deadlines: [['accept', local('2026-02-25T09:30'), local('2026-02-25T09:00')], ['respond', local('2026-02-25T16:30'), local('2026-02-25T09:00')], ['close', local('2026-02-27T17:00'), local('2026-02-25T09:00')]],
    rating: [5, local('2026-02-25T12:00')],
  });
  // R2: a complaint at the counter, answered late, closed in time; rated 4.
  numbers.r2 = await givenRequest(utility, categories, {
    code: 'complaint', channel: 'counter', state: 'closed', createdAt: local('2026-02-26T10:00'), closedAt: local('2026-02-27T16:00'),
    deadlines: [['accept', local('2026-02-26T11:00'), local('2026-02-26T10:30')], ['respond', local('2026-02-26T18:00'), local('2026-02-27T09:00')], ['close', local('2026-02-28T12:00'), local('2026-02-27T16:00')]],
    rating: [4, local('2026-02-28T10:00')],
  });
  // R3: a burst: accepted in time, dispatched late, on site on the minute, then neither controlled nor restored.
  numbers.r3 = await givenRequest(utility, categories, {
    code: 'burst', channel: 'hotline', state: 'arrived', createdAt: local('2026-02-27T08:00'), assignee: crew,
    deadlines: [
      ['accept', local('2026-02-27T08:10'), local('2026-02-27T08:05')],
      ['dispatch', local('2026-02-27T08:20'), local('2026-02-27T08:30')],
      ['arrive', local('2026-02-27T09:00'), local('2026-02-27T09:00')],
      ['control', local('2026-02-27T12:00'), null, 2],
      ['restore', local('2026-02-28T08:00'), null, 1],
    ],
  });
  // R4: a leak reported this morning: accept overdue by 30 minutes; dispatch due this very minute (not yet
  // late); the rest due later today or after the range.
  numbers.r4 = await givenRequest(utility, categories, {
    code: 'leak', channel: 'portal', state: 'submitted', createdAt: local('2026-03-02T09:00'),
    deadlines: [
      ['accept', local('2026-03-02T09:30'), null],
      ['dispatch', local('2026-03-02T10:00'), null],
      ['arrive', local('2026-03-02T11:00'), null],
      ['control', local('2026-03-02T17:00'), null],
      ['restore', local('2026-03-03T09:00'), null],
    ],
  });
  // R5: a meter fault made before the range, restored late and closed on its first day; rated before the range.
  numbers.r5 = await givenRequest(utility, categories, {
    code: 'meter_fault', channel: 'wechat', state: 'closed', createdAt: local('2026-02-20T10:00'), closedAt: local('2026-02-24T12:00'),
    deadlines: [['accept', local('2026-02-20T11:00'), local('2026-02-20T10:30')], ['restore', local('2026-02-24T10:00'), local('2026-02-24T11:00')]],
    rating: [3, local('2026-02-23T18:00')],
  });
  // R6: an inquiry accepted, then cancelled: its unmet answer deadline does not count.
  numbers.r6 = await givenRequest(utility, categories, {
    code: 'inquiry', channel: 'hotline', state: 'cancelled', createdAt: local('2026-02-28T14:00'),
    deadlines: [['accept', local('2026-02-28T14:30'), local('2026-02-28T14:05')], ['respond', local('2026-02-28T17:00'), null]],
  });
  // R7: water quality, all in time; rated 2.
  numbers.r7 = await givenRequest(utility, categories, {
    code: 'water_quality', channel: 'hotline', state: 'closed', createdAt: local('2026-03-01T08:00'), closedAt: local('2026-03-01T15:00'),
    deadlines: [['accept', local('2026-03-01T08:15'), local('2026-03-01T08:10')], ['restore', local('2026-03-02T08:00'), local('2026-03-01T15:00')]],
    rating: [2, local('2026-03-01T20:00')],
  });
  // R8: made one second before the range starts, its accept deadline falling due inside it, never met.
  numbers.r8 = await givenRequest(utility, categories, {
    code: 'inquiry', channel: 'counter', state: 'submitted', createdAt: local('2026-02-23T23:59:59'),
    deadlines: [['accept', local('2026-02-24T00:29:59'), null]],
  });
  // R9: made at the range's first instant; accepted, never answered.
  numbers.r9 = await givenRequest(utility, categories, {
    code: 'inquiry', channel: 'counter', state: 'accepted', createdAt: local('2026-02-24T00:00'),
    deadlines: [['accept', local('2026-02-24T00:30'), local('2026-02-24T00:20')], ['respond', local('2026-02-24T17:30'), null], ['close', local('2026-03-03T17:00'), null]],
  });

  // The other utility's burst, overdue and badly rated: none of it may show.
  const otherCategories = await categoriesOf(other);
  numbers.other = await givenRequest(other, otherCategories, {
    code: 'burst', channel: 'hotline', state: 'submitted', createdAt: local('2026-02-27T08:00'),
    deadlines: [['accept', local('2026-02-27T08:10'), null]],
    rating: [1, local('2026-02-27T12:00')],
  });

  // Calls through the call log's API, at the times the phone system gives.
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  const call = async (owner: Client, startedAt: string, direction: string, outcome: string, number: string) => {
    const response = await owner.post('/api/service-calls', { direction, outcome, number, startedAt });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  };
  await call(hotline, local('2026-02-25T10:00'), 'inbound', 'answered', '13800000001');
  await call(hotline, local('2026-02-25T10:02'), 'inbound', 'answered', '13800000002');
  await call(hotline, local('2026-02-25T10:05'), 'inbound', 'missed', '13800000003');
  await call(hotline, local('2026-02-26T23:50'), 'inbound', 'call_back', '13800000004');
  // Half past midnight is the next business day.
  await call(hotline, local('2026-02-27T00:30'), 'inbound', 'answered', '13800000005');
  await call(hotline, local('2026-02-27T09:00'), 'outbound', 'answered', '13800000004');
  await call(hotline, local('2026-02-23T20:00'), 'inbound', 'answered', '13800000006');
  await call(await environment.loginStaff(other, 'hotline_agent'), local('2026-02-25T10:00'), 'inbound', 'missed', '13800000007');

  manager = await environment.loginStaff(utility, 'manager');
});
afterAll(() => environment.close());

const WEEK = 'from=2026-02-24&to=2026-03-02';
const dashboard = (client: Client, query = WEEK) => client.get<Dashboard & ErrorBody>(`/api/dashboards/service-quality?${query}`);
const deadlines = (onTime: number, metLate: number, unmetLate: number, stillOverdue: number, onTimeRateBp: number | null): Deadlines => ({
  due: onTime + metLate + unmetLate,
  onTime,
  late: metLate + unmetLate,
  metLate,
  unmetLate,
  stillOverdue,
  onTimeRateBp,
});

describe('request categories carry their department (migration 0033)', () => {
  it('fills it by code, else by kind, when an insert leaves it empty, and keeps one given', async () => {
    const rows = await environment.db.withTenant(utility.tenant.id, async (sql) => {
      await sql.query(
        `INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits) VALUES
           ($1, 'hydrant', '消火栓漏水', 'Hydrant leak', 'repair', 'clock', '{}'),
           ($1, 'billing_question', '水费疑问', 'Billing question', 'inquiry', 'working', '{}')`,
        [utility.tenant.id],
      );
      await sql.query("INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits, department, is_active) VALUES ($1, 'meter_move', '移表', 'Meter move', 'repair', 'working', '{}', 'meter', false)", [utility.tenant.id]);
      return sql.query<{ code: string; department: string }>('SELECT code, department FROM service_categories ORDER BY code');
    });
    expect(Object.fromEntries(rows.map((row) => [row.code, row.department]))).toEqual({
      billing_question: 'customer_service',
      burst: 'network',
      complaint: 'customer_service',
      hydrant: 'network',
      inquiry: 'customer_service',
      leak: 'network',
      low_pressure: 'network',
      meter_fault: 'meter',
      meter_move: 'meter',
      no_water: 'network',
      praise: 'customer_service',
      suggestion: 'customer_service',
      water_quality: 'water_quality',
    });
    const refused = await environment.db
      .withTenant(utility.tenant.id, (sql) => sql.query("INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits, department) VALUES ($1, 'odd', '其他', 'Other', 'repair', 'clock', '{}', 'sales')", [utility.tenant.id]))
      .then(() => null, (error: { code?: string }) => error.code);
    expect(refused).toBe('23514');
  });
});

describe('the service-quality dashboard (服务质量看板)', () => {
  it('totals the week: requests, deadlines, satisfaction, first-contact resolution and calls', async () => {
    const response = await dashboard(manager);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ from: '2026-02-24', to: '2026-03-02', timeZone: 'Asia/Shanghai', generatedAt: '2026-03-02T02:00:00.000Z' });
    expect(body.totals).toEqual({
      created: 7,
      closed: 4,
      openNow: 4,
      overdueNow: 4,
      // 11 on time of 19: 5789 basis points.
      deadlines: deadlines(11, 3, 5, 5, 5789),
      // 5, 4 and 2 in the range (the 3 was recorded before it): 11 / 3 = 3.67.
      satisfaction: { rated: 3, averageHundredths: 367, satisfiedRateBp: 6667, byRating: [0, 1, 0, 1, 1] },
      // R1, R2, R9 (R6 was cancelled, R8 made before the range): one settled on the call.
      firstContact: { eligible: 3, resolved: 1, rateBp: 3333 },
      calls: { inbound: 5, answered: 3, missed: 1, callBack: 1, answerRateBp: 6000 },
    });
  });

  it('gives every time limit: on time, met late, unmet and past due, still open', async () => {
    const body = (await dashboard(manager)).body;
    expect(body.timeLimits).toEqual([
      { timeLimit: 'accept', ...deadlines(6, 0, 2, 2, 7500) },
      { timeLimit: 'respond', ...deadlines(1, 1, 1, 1, 3333) },
      { timeLimit: 'close', ...deadlines(2, 0, 0, 0, 10_000) },
      { timeLimit: 'dispatch', ...deadlines(0, 1, 0, 0, 0) },
      // Met on the minute it was due: on time.
      { timeLimit: 'arrive', ...deadlines(1, 0, 0, 0, 10_000) },
      { timeLimit: 'control', ...deadlines(0, 0, 1, 1, 0) },
      // R4's restore falls due after the range; its dispatch, due this minute, is not late yet.
      { timeLimit: 'restore', ...deadlines(1, 1, 1, 1, 3333) },
    ]);
  });

  it('gives every day of the range in the utility\'s calendar, zeros included', async () => {
    const body = (await dashboard(manager)).body;
    expect(body.days.map((day) => day.date)).toEqual(['2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    const day = (date: string) => body.days.find((item) => item.date === date);
    expect(day('2026-02-24')).toEqual({
      date: '2026-02-24', created: 1, closed: 1, deadlines: deadlines(1, 1, 2, 2, 2500),
      satisfaction: { rated: 0, averageHundredths: null, satisfiedRateBp: null }, firstContact: { eligible: 1, resolved: 0, rateBp: 0 },
      calls: { inbound: 0, answered: 0, missed: 0, callBack: 0, answerRateBp: null },
    });
    expect(day('2026-02-25')).toEqual({
      date: '2026-02-25', created: 1, closed: 1, deadlines: deadlines(2, 0, 0, 0, 10_000),
      satisfaction: { rated: 1, averageHundredths: 500, satisfiedRateBp: 10_000 }, firstContact: { eligible: 1, resolved: 1, rateBp: 10_000 },
      calls: { inbound: 3, answered: 2, missed: 1, callBack: 0, answerRateBp: 6667 },
    });
    expect(day('2026-02-26')?.calls).toEqual({ inbound: 1, answered: 0, missed: 0, callBack: 1, answerRateBp: 0 });
    expect(day('2026-02-26')?.deadlines).toEqual(deadlines(1, 1, 0, 0, 5000));
    expect(day('2026-02-27')).toMatchObject({ created: 1, closed: 1, deadlines: deadlines(3, 1, 1, 1, 6000), calls: { inbound: 1, answered: 1, answerRateBp: 10_000 } });
    expect(day('2026-02-28')).toMatchObject({ created: 1, closed: 0, deadlines: deadlines(2, 0, 1, 1, 6667), satisfaction: { rated: 1, averageHundredths: 400 } });
    expect(day('2026-03-01')).toMatchObject({ created: 1, closed: 1, deadlines: deadlines(1, 0, 0, 0, 10_000), satisfaction: { rated: 1, averageHundredths: 200, satisfiedRateBp: 0 } });
    expect(day('2026-03-02')).toMatchObject({ created: 1, closed: 0, deadlines: deadlines(1, 0, 1, 1, 5000), firstContact: { eligible: 0, resolved: 0, rateBp: null } });
    expect(body.days.reduce((sum, item) => sum + item.deadlines.onTime, 0)).toBe(body.totals.deadlines.onTime);
  });

  it('breaks the figures down by category and by department', async () => {
    const body = (await dashboard(manager)).body;
    const category = (code: string) => body.categories.find((row) => row.category.code === code);
    expect(category('inquiry')).toMatchObject({
      category: { code: 'inquiry', department: 'customer_service', isActive: true },
      created: 3, closed: 1, openNow: 2, overdueNow: 2, deadlines: deadlines(5, 0, 2, 2, 7143),
      satisfaction: { rated: 1, averageHundredths: 500, satisfiedRateBp: 10_000 }, firstContact: { eligible: 2, resolved: 1, rateBp: 5000 },
    });
    expect(category('burst')).toMatchObject({ created: 1, closed: 0, openNow: 1, overdueNow: 1, deadlines: deadlines(2, 1, 2, 2, 4000), firstContact: { eligible: 0, rateBp: null } });
    expect(category('meter_fault')).toMatchObject({ category: { department: 'meter' }, created: 0, closed: 1, openNow: 0, deadlines: deadlines(0, 1, 0, 0, 0) });
    expect(category('water_quality')).toMatchObject({ category: { department: 'water_quality' }, deadlines: deadlines(2, 0, 0, 0, 10_000), satisfaction: { rated: 1, averageHundredths: 200, satisfiedRateBp: 0 } });
    expect(category('praise')).toMatchObject({ created: 0, closed: 0, openNow: 0, deadlines: deadlines(0, 0, 0, 0, null), satisfaction: { rated: 0, averageHundredths: null } });
    // The utility's own order (sort order, then code); an inactive category with nothing to show is left out.
    expect(body.categories.map((row) => row.category.code)).toEqual(['billing_question', 'burst', 'hydrant', 'leak', 'no_water', 'low_pressure', 'water_quality', 'meter_fault', 'inquiry', 'complaint', 'praise', 'suggestion']);

    expect(body.departments.map((row) => [row.department, row.name, row.nameEn])).toEqual([
      ['customer_service', '客户服务中心', 'Customer service centre'],
      ['network', '管网抢修', 'Network repair'],
      ['meter', '水表所', 'Meter shop'],
      ['water_quality', '水质中心', 'Water quality centre'],
    ]);
    const department = (code: string) => body.departments.find((row) => row.department === code);
    expect(department('customer_service')).toMatchObject({
      created: 4, closed: 2, openNow: 2, overdueNow: 2, deadlines: deadlines(7, 1, 2, 2, 7000),
      satisfaction: { rated: 2, averageHundredths: 450, satisfiedRateBp: 10_000 }, firstContact: { eligible: 3, resolved: 1, rateBp: 3333 },
    });
    expect(department('network')).toMatchObject({ created: 2, closed: 0, openNow: 2, overdueNow: 2, deadlines: deadlines(2, 1, 3, 3, 3333) });
    expect(department('meter')).toMatchObject({ created: 0, closed: 1, deadlines: deadlines(0, 1, 0, 0, 0) });
    expect(department('water_quality')).toMatchObject({ created: 1, closed: 1, deadlines: deadlines(2, 0, 0, 0, 10_000), satisfaction: { rated: 1, averageHundredths: 200 } });
  });

  it('lists the requests overdue now, most overdue first, each at the time limit holding it up', async () => {
    const body = (await dashboard(manager)).body;
    expect(body.overdue.total).toBe(4);
    expect(body.overdue.items.map((item) => [item.requestNo, item.category.code, item.timeLimit, item.minutesOverdue, item.overdueLimits])).toEqual([
      [numbers.r8, 'inquiry', 'accept', 9210, 1],
      [numbers.r9, 'inquiry', 'respond', 8190, 1],
      [numbers.r3, 'burst', 'control', 4200, 2],
      [numbers.r4, 'leak', 'accept', 30, 1],
    ]);
    expect(body.overdue.items[2]).toMatchObject({ department: 'network', state: 'arrived', dueAt: '2026-02-27T04:00:00.000Z', escalationLevel: 2, assignee: 'repair_crew of quality' });
    expect(body.overdue.items[0]?.assignee).toBeNull();
  });

  it('counts the same figures for any range: a deadline by the day it falls due, a request by the days it was made and closed', async () => {
    // Only R4's morning: its accept is late, the rest not due yet or after the range.
    const today = (await dashboard(manager, 'from=2026-03-02&to=2026-03-02')).body;
    expect(today.totals).toMatchObject({ created: 1, closed: 0, openNow: 4, overdueNow: 4, deadlines: deadlines(1, 0, 1, 1, 5000) });
    expect(today.days).toHaveLength(1);
    // A range with nothing in it: zeros and no rates, the "now" figures unchanged.
    const empty = (await dashboard(manager, 'from=2025-12-01&to=2025-12-31')).body;
    expect(empty.totals).toMatchObject({ created: 0, closed: 0, openNow: 4, deadlines: deadlines(0, 0, 0, 0, null), satisfaction: { rated: 0, averageHundredths: null, byRating: [0, 0, 0, 0, 0] } });
    expect(empty.totals.calls.answerRateBp).toBeNull();
    expect(empty.days).toHaveLength(31);
  });

  it('shows nothing of another utility', async () => {
    const theirs = await environment.loginStaff(other, 'manager');
    const body = (await dashboard(theirs)).body;
    expect(body.totals).toMatchObject({ created: 1, openNow: 1, overdueNow: 1, deadlines: deadlines(0, 0, 1, 1, 0), satisfaction: { rated: 1, averageHundredths: 100 }, calls: { inbound: 1, missed: 1, answerRateBp: 0 } });
    expect(body.overdue.items.map((item) => item.requestNo)).toEqual([numbers.other]);
    const ours = (await dashboard(manager)).body;
    expect(ours.overdue.items.map((item) => item.requestNo)).not.toContain(numbers.other);
    expect(JSON.stringify(ours)).not.toContain(other.tenant.id);
  });

  it('exports the table per category as CSV for Excel', async () => {
    const response = await manager.get<string>(`/api/dashboards/service-quality/categories.csv?${WEEK}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="service-quality-2026-02-24-2026-03-02.csv"');
    const lines = response.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('类别,类别代码,部门,新建工单,办结工单,当前在办,当前超时,考核时限,按时,超时,按时率,评价数,平均评分,满意率,一次解决可计,一次解决,一次解决率');
    expect(lines).toContain('业务咨询,inquiry,客户服务中心,3,1,2,2,7,5,2,71.43%,1,5.00,100.00%,2,1,50.00%');
    expect(lines).toContain('表扬,praise,客户服务中心,0,0,0,0,0,0,0,,0,,,0,0,');
    expect(lines).toHaveLength(13);
  });

  it('is for holders of report.read only', async () => {
    expect((await dashboard(hotline)).status).toBe(403);
    expect((await hotline.get(`/api/dashboards/service-quality/categories.csv?${WEEK}`)).status).toBe(403);
    expect((await dashboard(environment.anonymous)).status).toBe(401);
    expect((await dashboard(await environment.loginStaff(utility, 'auditor'))).status).toBe(200);
  });

  it('refuses a range backwards, longer than 92 days or not made of dates, in Chinese and English', async () => {
    const backwards = await dashboard(manager, 'from=2026-03-02&to=2026-03-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.fields).toEqual([{ field: 'to', zh: '结束日期不能早于开始日期', en: 'must not be before from' }]);
    const long = await dashboard(manager, 'from=2025-11-30&to=2026-03-02');
    expect(long.status).toBe(400);
    expect(long.body.fields).toEqual([{ field: 'to', zh: '统计范围最多 92 天', en: 'the range may cover at most 92 days' }]);
    // 92 days, both ends counted, is allowed.
    expect((await dashboard(manager, 'from=2025-12-01&to=2026-03-02')).body.days).toHaveLength(92);
    const notDate = await dashboard(manager, 'from=2026-02-30&to=2026-03-02');
    expect(notDate.status).toBe(400);
    expect(notDate.body.fields.map((field) => field.field)).toEqual(['from']);
    expect((await dashboard(manager, 'to=2026-03-02')).body.fields.map((field) => field.field)).toEqual(['from']);
  });
});

describe('the dashboard over requests worked through the API', () => {
  interface Detail {
    id: string;
    version: number;
    deadlines: { timeLimit: string; dueAt: string; metAt: string | null }[];
  }
  let flow: Utility;
  let codes: Map<string, string>;

  beforeAll(async () => {
    environment.clock.set('2026-03-02T02:00:00Z');
    flow = await environment.givenUtility('quality-flow');
    codes = await categoriesOf(flow);
  });

  it('shows an inquiry settled on the call, a burst dispatched late, a call missed and a rating', async () => {
    const agent = await environment.loginStaff(flow, 'hotline_agent');
    const answered = await agent.post<Detail>('/api/service-requests', {
      categoryId: codes.get('inquiry'), channel: 'hotline', address: '江岸区解放大道 1 号', description: '咨询阶梯水价', resolveAtFirstContact: { answer: '按年度阶梯计价' },
    });
    expect(answered.status, JSON.stringify(answered.body)).toBe(201);
    // Only its accept limit falls due today (working time: the answer and closure limits run into tomorrow and later).
    expect(answered.body.deadlines.filter((deadline) => deadline.dueAt < local('2026-03-03T00:00')).map((deadline) => deadline.timeLimit)).toEqual(['accept']);
    expect((await agent.post('/api/service-calls', { direction: 'inbound', outcome: 'answered', number: '13900000001' })).status).toBe(201);
    expect((await agent.post('/api/service-calls', { direction: 'inbound', outcome: 'missed', number: '13900000002' })).status).toBe(201);

    let burst = (await agent.post<Detail>('/api/service-requests', { categoryId: codes.get('burst'), channel: 'hotline', address: '江岸区解放大道 9 号', description: '路面爆管' })).body;
    const step = async (client: Client, body: Record<string, unknown>) => {
      const response = await client.post<Detail>(`/api/service-requests/${burst.id}/steps`, { version: burst.version, ...body });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      burst = response.body;
    };
    environment.clock.advanceMinutes(5);
    await step(agent, { step: 'accept' });
    environment.clock.advanceMinutes(20);
    const dispatcher = await environment.loginStaff(flow, 'dispatcher');
    await step(dispatcher, { step: 'dispatch', assigneeStaffId: flow.staff.repair_crew.id });
    const crew = await environment.loginStaff(flow, 'repair_crew');
    for (const next of ['depart', 'arrive', 'control', 'restore']) await step(crew, { step: next });
    await step(dispatcher, { step: 'close' });
    const pending = await agent.get<{ followUps: { id: string; version: number; request: { id: string } }[] }>('/api/service-followups?view=pending');
    const followUp = pending.body.followUps.find((item) => item.request.id === burst.id);
    expect(followUp).toBeDefined();
    expect((await agent.post(`/api/service-followups/${followUp?.id}/result`, { version: followUp?.version, reached: true, rating: 4 })).status).toBe(200);

    const boss = await environment.loginStaff(flow, 'manager');
    const today = (await dashboard(boss, 'from=2026-03-02&to=2026-03-02')).body;
    expect(today.totals).toMatchObject({
      created: 2, closed: 2, openNow: 0, overdueNow: 0,
      // The inquiry's accept and the burst's accept, arrive and control on time; its dispatch 5 minutes late;
      // its restore falls due tomorrow.
      deadlines: deadlines(4, 1, 0, 0, 8000),
      satisfaction: { rated: 1, averageHundredths: 400, satisfiedRateBp: 10_000, byRating: [0, 0, 0, 1, 0] },
      firstContact: { eligible: 1, resolved: 1, rateBp: 10_000 },
      calls: { inbound: 2, answered: 1, missed: 1, callBack: 0, answerRateBp: 5000 },
    });
    expect(today.timeLimits.find((row) => row.timeLimit === 'dispatch')).toMatchObject({ due: 1, metLate: 1, onTimeRateBp: 0 });
    expect(today.timeLimits.find((row) => row.timeLimit === 'restore')?.due).toBe(0);
    // Met early, the restore limit counts on the day it falls due.
    const twoDays = (await dashboard(boss, 'from=2026-03-02&to=2026-03-03')).body;
    expect(twoDays.timeLimits.find((row) => row.timeLimit === 'restore')).toMatchObject({ due: 1, onTime: 1, onTimeRateBp: 10_000 });
    expect(twoDays.days.find((day) => day.date === '2026-03-03')?.deadlines.onTime).toBeGreaterThanOrEqual(1);
  });
});
