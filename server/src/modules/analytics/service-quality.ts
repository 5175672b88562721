/**
 * 服务质量看板: how well the service desk and the repair crews keep their time limits, how satisfied the
 * customers they served are, how much desk work is settled on the first contact and how many calls are
 * answered — over a range of the utility's calendar days, per day, per time limit, per category and per
 * department, with the requests overdue right now.
 *
 * What counts (docs/GLOSSARY.md, the route's OpenAPI descriptions):
 * - a deadline counts in the range when it falls due in the range: on time when met at or before it was
 *   due, late when met after it or not met and past due now. A deadline not met and not yet due is pending
 *   and left out; so is an unmet deadline of a cancelled request (there is no work left to do). A request
 *   reopened after closing has its close / respond / restore limits unmet again, from their old due time.
 * - requests made and closed count on the day they were made and on the day they were (last) closed.
 * - satisfaction is the follow-up ratings recorded in the range, by the day they were recorded.
 * - first-contact resolution is over the desk requests (inquiry, complaint, praise, suggestion) made in the
 *   range on a channel where an agent speaks with the customer (hotline, counter, WeChat), not cancelled.
 * - calls are inbound calls by their business date (the utility's day the call started).
 * - open now, overdue now and the overdue list are the state at this moment, whatever the range.
 * Rates are integers in basis points (10000 = 100 %), the average rating an integer in hundredths.
 *
 * Everything is aggregated in SQL: one statement gathers the facts of requests, deadlines, ratings and the
 * open requests and groups them once by day, time limit, category and department (GROUPING SETS).
 */
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { csvField } from './zero-consumption';
import {
  SERVICE_DEPARTMENTS,
  SERVICE_TIME_LIMITS,
  type CallFigures,
  type DeadlineFigures,
  type FirstContactFigures,
  type QualityRowFigures,
  type SatisfactionFigures,
  type ServiceDepartment,
  type ServiceQualityDashboard,
  type ServiceQualityQuery,
  type ServiceTimeLimit,
} from './schemas';

export const DEPARTMENT_NAMES: Record<ServiceDepartment, { zh: string; en: string }> = {
  customer_service: { zh: '客户服务中心', en: 'Customer service centre' },
  network: { zh: '管网抢修', en: 'Network repair' },
  meter: { zh: '水表所', en: 'Meter shop' },
  water_quality: { zh: '水质中心', en: 'Water quality centre' },
};

/** The channels on which an agent speaks with the customer, so the request can be settled then and there. */
export const FIRST_CONTACT_CHANNELS = ['hotline', 'counter', 'wechat'] as const;

/** The longest overdue list the dashboard shows. */
export const OVERDUE_LIST_LIMIT = 50;

/** part / whole in basis points, rounded half up, in integers; null when whole is 0. */
export function basisPoints(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.floor((part * 20_000 + whole) / (2 * whole));
}

/** The figures summed from the facts, in the order the facts list them. */
const FIGURE_COLUMNS = [
  'created', 'closed', 'fcr_eligible', 'fcr_resolved', 'on_time', 'met_late', 'unmet_late', 'still_overdue',
  'rated', 'rating_sum', 'satisfied', 'r1', 'r2', 'r3', 'r4', 'r5', 'open_now', 'overdue_now',
] as const;

// One fact per row: a request made, a request closed, a deadline due, a rating recorded, or a request open
// now (with no day). Each carries its category and, for deadlines, its time limit.
const FIGURES = `
  WITH span AS (
    SELECT t.time_zone AS tz, ($1::date)::timestamp AT TIME ZONE t.time_zone AS starts, ($2::date + 1)::timestamp AT TIME ZONE t.time_zone AS ends
    FROM tenants t WHERE t.id = current_tenant_id()
  ), facts AS (
    SELECT (r.created_at AT TIME ZONE s.tz)::date AS day, r.category_id, NULL::text AS time_limit,
           1 AS created, 0 AS closed,
           (r.kind <> 'repair' AND r.channel = ANY($4::text[]) AND r.state <> 'cancelled')::int AS fcr_eligible,
           (r.kind <> 'repair' AND r.channel = ANY($4::text[]) AND r.state <> 'cancelled' AND r.first_contact_resolution)::int AS fcr_resolved,
           0 AS on_time, 0 AS met_late, 0 AS unmet_late, 0 AS still_overdue,
           0 AS rated, 0 AS rating_sum, 0 AS satisfied, 0 AS r1, 0 AS r2, 0 AS r3, 0 AS r4, 0 AS r5,
           0 AS open_now, 0 AS overdue_now
    FROM service_requests r, span s WHERE r.created_at >= s.starts AND r.created_at < s.ends
    UNION ALL
    SELECT (r.closed_at AT TIME ZONE s.tz)::date, r.category_id, NULL, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM service_requests r, span s WHERE r.state = 'closed' AND r.closed_at >= s.starts AND r.closed_at < s.ends
    UNION ALL
    SELECT (d.due_at AT TIME ZONE s.tz)::date, r.category_id, d.time_limit, 0, 0, 0, 0,
           coalesce(d.met_at <= d.due_at, false)::int, coalesce(d.met_at > d.due_at, false)::int, (d.met_at IS NULL)::int,
           (d.met_at IS NULL AND r.state NOT IN ('closed', 'cancelled'))::int,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM service_request_deadlines d JOIN service_requests r ON r.id = d.request_id, span s
    WHERE d.due_at >= s.starts AND d.due_at < s.ends
      AND (d.met_at IS NOT NULL OR (d.due_at < $3 AND r.state <> 'cancelled'))
    UNION ALL
    SELECT (f.recorded_at AT TIME ZONE s.tz)::date, r.category_id, NULL, 0, 0, 0, 0, 0, 0, 0, 0,
           1, f.rating, (f.rating >= 4)::int, (f.rating = 1)::int, (f.rating = 2)::int, (f.rating = 3)::int, (f.rating = 4)::int, (f.rating = 5)::int, 0, 0
    FROM service_followups f JOIN service_requests r ON r.id = f.request_id, span s
    WHERE f.rating IS NOT NULL AND f.recorded_at >= s.starts AND f.recorded_at < s.ends
    UNION ALL
    SELECT NULL, r.category_id, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           1, EXISTS (SELECT 1 FROM service_request_deadlines d WHERE d.request_id = r.id AND d.met_at IS NULL AND d.due_at < $3)::int
    FROM service_requests r WHERE r.state NOT IN ('closed', 'cancelled')
  ), cells AS (
    -- Summed per day, category and time limit first (a few thousand rows at most), so the categories are
    -- joined to those and not to every fact.
    SELECT f.day, f.category_id, f.time_limit, ${FIGURE_COLUMNS.map((column) => `sum(f.${column}) AS ${column}`).join(', ')}
    FROM facts f GROUP BY f.day, f.category_id, f.time_limit
  )
  SELECT GROUPING(x.day) = 0 AS by_day, GROUPING(x.time_limit) = 0 AS by_limit, GROUPING(x.category_id) = 0 AS by_category, GROUPING(c.department) = 0 AS by_department,
         x.day::text AS day, x.time_limit, x.category_id, c.department,
         ${FIGURE_COLUMNS.map((column) => `coalesce(sum(x.${column}), 0)::int AS ${column}`).join(', ')}
  FROM cells x JOIN service_categories c ON c.id = x.category_id
  GROUP BY GROUPING SETS ((), (x.day), (x.time_limit), (x.category_id), (c.department))`;

interface FigureRow {
  by_day: boolean;
  by_limit: boolean;
  by_category: boolean;
  by_department: boolean;
  day: string | null;
  time_limit: ServiceTimeLimit | null;
  category_id: string | null;
  department: ServiceDepartment | null;
  created: number;
  closed: number;
  fcr_eligible: number;
  fcr_resolved: number;
  on_time: number;
  met_late: number;
  unmet_late: number;
  still_overdue: number;
  rated: number;
  rating_sum: number;
  satisfied: number;
  r1: number;
  r2: number;
  r3: number;
  r4: number;
  r5: number;
  open_now: number;
  overdue_now: number;
}

const CALLS = `
  SELECT GROUPING(c.business_date) = 0 AS by_day, c.business_date::text AS day,
         count(*) FILTER (WHERE c.direction = 'inbound')::int AS inbound,
         count(*) FILTER (WHERE c.direction = 'inbound' AND c.outcome = 'answered')::int AS answered,
         count(*) FILTER (WHERE c.direction = 'inbound' AND c.outcome = 'missed')::int AS missed,
         count(*) FILTER (WHERE c.direction = 'inbound' AND c.outcome = 'call_back')::int AS call_back
  FROM service_calls c WHERE c.business_date BETWEEN $1::date AND $2::date
  GROUP BY GROUPING SETS ((), (c.business_date))`;

interface CallRow {
  by_day: boolean;
  day: string | null;
  inbound: number;
  answered: number;
  missed: number;
  call_back: number;
}

// Each open request once, at its earliest-due overdue time limit (steps go in order, so that is the one
// holding it up), most overdue first. Grouped per request first, so only the 50 shown are joined.
const OVERDUE = `
  WITH late AS (
    SELECT d.request_id, min(d.due_at) AS due_at, count(*)::int AS overdue_limits,
           (array_agg(d.time_limit ORDER BY d.due_at, d.time_limit))[1] AS time_limit,
           (array_agg(d.escalation_level ORDER BY d.due_at, d.time_limit))[1] AS escalation_level
    FROM service_request_deadlines d WHERE d.met_at IS NULL AND d.due_at < $1
    GROUP BY d.request_id
  ), shown AS (
    SELECT l.*, r.request_no, r.category_id, r.state, r.alert_level, r.assignee_staff_id
    FROM late l JOIN service_requests r ON r.id = l.request_id
    WHERE r.state NOT IN ('closed', 'cancelled')
    ORDER BY l.due_at, r.request_no
    LIMIT $2
  )
  SELECT o.request_id AS id, o.request_no, c.code, c.name, c.name_en, c.department, o.state, o.alert_level,
         o.time_limit, o.due_at, o.escalation_level, s.display_name AS assignee,
         floor(extract(epoch FROM $1::timestamptz - o.due_at) / 60)::int AS minutes_overdue, o.overdue_limits
  FROM shown o
  JOIN service_categories c ON c.id = o.category_id
  LEFT JOIN staff s ON s.id = o.assignee_staff_id
  ORDER BY o.due_at, o.request_no`;

interface OverdueRow {
  id: string;
  request_no: string;
  code: string;
  name: string;
  name_en: string;
  department: ServiceDepartment;
  state: string;
  alert_level: number;
  time_limit: ServiceTimeLimit;
  due_at: Date;
  escalation_level: number;
  assignee: string | null;
  minutes_overdue: number;
  overdue_limits: number;
}

interface CategoryRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  kind: 'inquiry' | 'complaint' | 'praise' | 'suggestion' | 'repair';
  department: ServiceDepartment;
  is_active: boolean;
}

const ZERO_ROW: Omit<FigureRow, 'by_day' | 'by_limit' | 'by_category' | 'by_department' | 'day' | 'time_limit' | 'category_id' | 'department'> = {
  created: 0,
  closed: 0,
  fcr_eligible: 0,
  fcr_resolved: 0,
  on_time: 0,
  met_late: 0,
  unmet_late: 0,
  still_overdue: 0,
  rated: 0,
  rating_sum: 0,
  satisfied: 0,
  r1: 0,
  r2: 0,
  r3: 0,
  r4: 0,
  r5: 0,
  open_now: 0,
  overdue_now: 0,
};
type Figures = typeof ZERO_ROW;

function deadlinesOf(row: Figures): DeadlineFigures {
  const late = row.met_late + row.unmet_late;
  const due = row.on_time + late;
  return { due, onTime: row.on_time, late, metLate: row.met_late, unmetLate: row.unmet_late, stillOverdue: row.still_overdue, onTimeRateBp: basisPoints(row.on_time, due) };
}

function satisfactionOf(row: Figures): SatisfactionFigures {
  // The average × 100, rounded half up in integers.
  const averageHundredths = row.rated === 0 ? null : Math.floor((row.rating_sum * 200 + row.rated) / (2 * row.rated));
  return { rated: row.rated, averageHundredths, satisfiedRateBp: basisPoints(row.satisfied, row.rated) };
}

function firstContactOf(row: Figures): FirstContactFigures {
  return { eligible: row.fcr_eligible, resolved: row.fcr_resolved, rateBp: basisPoints(row.fcr_resolved, row.fcr_eligible) };
}

function callsOf(row: CallRow | undefined): CallFigures {
  const inbound = row?.inbound ?? 0;
  const answered = row?.answered ?? 0;
  return { inbound, answered, missed: row?.missed ?? 0, callBack: row?.call_back ?? 0, answerRateBp: basisPoints(answered, inbound) };
}

function rowFigures(row: Figures): QualityRowFigures {
  return { created: row.created, closed: row.closed, openNow: row.open_now, overdueNow: row.overdue_now, deadlines: deadlinesOf(row), satisfaction: satisfactionOf(row), firstContact: firstContactOf(row) };
}

/** Every calendar day from `from` to `to`, both included. */
function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= Date.parse(`${to}T00:00:00Z`); at += 86_400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

async function dashboard(sql: Sql, range: ServiceQualityQuery, now: Date): Promise<ServiceQualityDashboard> {
  // Every "now" figure (past due, open, overdue) is measured at the same `now`.
  const figures = await sql.query<FigureRow>(FIGURES, [range.from, range.to, now, [...FIRST_CONTACT_CHANNELS]]);
  const calls = await sql.query<CallRow>(CALLS, [range.from, range.to]);
  const overdue = await sql.query<OverdueRow>(OVERDUE, [now, OVERDUE_LIST_LIMIT]);
  const categories = await sql.query<CategoryRow>('SELECT id, code, name, name_en, kind, department, is_active FROM service_categories ORDER BY sort_order, code');
  const zone = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = current_tenant_id()');
  const total = figures.find((row) => !row.by_day && !row.by_limit && !row.by_category && !row.by_department) ?? ZERO_ROW;
  const byDay = new Map(figures.filter((row) => row.by_day && row.day !== null).map((row) => [row.day as string, row]));
  const byLimit = new Map(figures.filter((row) => row.by_limit && row.time_limit !== null).map((row) => [row.time_limit as string, row]));
  const byCategory = new Map(figures.filter((row) => row.by_category).map((row) => [row.category_id as string, row]));
  const byDepartment = new Map(figures.filter((row) => row.by_department).map((row) => [row.department as string, row]));
  const callTotal = calls.find((row) => !row.by_day);
  const callsByDay = new Map(calls.filter((row) => row.by_day).map((row) => [row.day as string, row]));
  return {
    from: range.from,
    to: range.to,
    timeZone: zone[0]?.time_zone ?? 'Asia/Shanghai',
    generatedAt: now.toISOString(),
    totals: {
      ...rowFigures(total),
      satisfaction: { ...satisfactionOf(total), byRating: [total.r1, total.r2, total.r3, total.r4, total.r5] },
      calls: callsOf(callTotal),
    },
    timeLimits: SERVICE_TIME_LIMITS.map((timeLimit) => ({ timeLimit, ...deadlinesOf(byLimit.get(timeLimit) ?? ZERO_ROW) })),
    days: daysOf(range.from, range.to).map((date) => {
      const row = byDay.get(date) ?? ZERO_ROW;
      return { date, created: row.created, closed: row.closed, deadlines: deadlinesOf(row), satisfaction: satisfactionOf(row), firstContact: firstContactOf(row), calls: callsOf(callsByDay.get(date)) };
    }),
    categories: categories
      .filter((category) => category.is_active || byCategory.has(category.id))
      .map((category) => ({
        category: { id: category.id, code: category.code, name: category.name, nameEn: category.name_en, kind: category.kind, department: category.department, isActive: category.is_active },
        ...rowFigures(byCategory.get(category.id) ?? ZERO_ROW),
      })),
    departments: SERVICE_DEPARTMENTS.map((department) => ({ department, name: DEPARTMENT_NAMES[department].zh, nameEn: DEPARTMENT_NAMES[department].en, ...rowFigures(byDepartment.get(department) ?? ZERO_ROW) })),
    overdue: {
      total: total.overdue_now,
      items: overdue.map((row) => ({
        requestId: row.id,
        requestNo: row.request_no,
        category: { code: row.code, name: row.name, nameEn: row.name_en },
        department: row.department,
        state: row.state,
        alertLevel: row.alert_level,
        timeLimit: row.time_limit,
        dueAt: row.due_at.toISOString(),
        minutesOverdue: row.minutes_overdue,
        overdueLimits: row.overdue_limits,
        escalationLevel: row.escalation_level,
        assignee: row.assignee,
      })),
    },
  };
}

export async function serviceQualityDashboard(context: PlatformContext, tenantId: string, range: ServiceQualityQuery): Promise<ServiceQualityDashboard> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, (sql) => dashboard(sql, range, now));
}

/** A rate in basis points as a percentage with two decimals ("95.25%"), or empty. */
const percent = (bp: number | null): string => (bp === null ? '' : `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`);
/** An average in hundredths as a number with two decimals ("4.25"), or empty. */
const hundredths = (value: number | null): string => (value === null ? '' : `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`);

/** The per-category table as CSV (UTF-8 with a byte-order mark, for Excel). */
export async function serviceQualityCategoriesCsv(context: PlatformContext, tenantId: string, range: ServiceQualityQuery): Promise<{ name: string; text: string }> {
  const report = await serviceQualityDashboard(context, tenantId, range);
  const header = ['类别', '类别代码', '部门', '新建工单', '办结工单', '当前在办', '当前超时', '考核时限', '按时', '超时', '按时率', '评价数', '平均评分', '满意率', '一次解决可计', '一次解决', '一次解决率'];
  const lines = report.categories.map((row) =>
    [
      row.category.name,
      row.category.code,
      DEPARTMENT_NAMES[row.category.department].zh,
      String(row.created),
      String(row.closed),
      String(row.openNow),
      String(row.overdueNow),
      String(row.deadlines.due),
      String(row.deadlines.onTime),
      String(row.deadlines.late),
      percent(row.deadlines.onTimeRateBp),
      String(row.satisfaction.rated),
      hundredths(row.satisfaction.averageHundredths),
      percent(row.satisfaction.satisfiedRateBp),
      String(row.firstContact.eligible),
      String(row.firstContact.resolved),
      percent(row.firstContact.rateBp),
    ]
      .map(csvField)
      .join(','),
  );
  return { name: `service-quality-${range.from}-${range.to}.csv`, text: `\uFEFF${[header.map(csvField).join(','), ...lines].join('\r\n')}\r\n` };
}
