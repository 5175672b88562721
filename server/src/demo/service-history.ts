/**
 * A few weeks of service requests for the demo utility, so the request list, the dispatcher's board, the
 * follow-ups and the service-quality dashboard have real data the day the demo starts. Every request goes
 * through the real module functions with a clock set to each moment: created on its channel (portal,
 * hotline, counter, WeChat, 12345, Open311), accepted, answered or dispatched, the crew's steps, closed;
 * most within their time limits, some late and escalated (once per level, by the real escalation); closed
 * ones followed up by phone and rated; and a handful still open today, in every state, some overdue.
 * Deterministic: the same accounts get the same story on every seed; the dates move with the seeding day.
 */
import type { Actor } from '../platform/audit/audit';
import { ManualClock } from '../platform/clock';
import type { PlatformContext } from '../platform/context';
import { permissionsOf, type Role } from '../platform/permissions';
import { createRequest, escalateOverdue, listCategories, recordPhoneResult, takeStep, type NewServiceRequest, type ServiceCategory } from '../modules/service';
import { SeededRandom } from './random';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How many days back the history starts, and how many requests a day. */
const HISTORY_DAYS = 14;
const PER_DAY = [3, 5];
const contextAt = (context: PlatformContext, at: Date): PlatformContext => ({ ...context, clock: new ManualClock(at) });

type Channel = 'portal' | 'hotline' | 'counter' | 'wechat' | 'city_12345' | 'open311';
const CHANNELS: Channel[] = ['hotline', 'hotline', 'portal', 'portal', 'counter', 'wechat', 'city_12345', 'open311'];

const DESCRIPTIONS: Record<string, string[]> = {
  burst: ['小区门口主管道爆裂，水流很大', '路面冒水，疑似水管爆裂'],
  leak: ['楼道水表前阀门漏水', '院内地面一直渗水', '水表井里有水往外冒'],
  no_water: ['家里突然没水了，邻居也没有', '整栋楼停水，没有收到通知'],
  low_pressure: ['高峰时段水压很低，热水器打不着', '三楼以上水压不足'],
  water_quality: ['自来水发黄，有铁锈味', '水里有白色浑浊物'],
  meter_fault: ['水表不走字', '水表玻璃破裂，看不清读数'],
  inquiry: ['咨询阶梯水价怎么计算', '咨询如何办理过户', '询问本月账单为何偏高'],
  complaint: ['抄表员多次未上门抄表', '停水未提前通知'],
  praise: ['维修师傅态度好、修得快，特此表扬'],
  suggestion: ['建议在营业厅增加自助缴费机'],
};
/** The mix of reports: more leaks and inquiries than bursts. */
const CATEGORY_MIX = ['leak', 'leak', 'leak', 'inquiry', 'inquiry', 'inquiry', 'complaint', 'low_pressure', 'no_water', 'meter_fault', 'water_quality', 'burst', 'praise', 'suggestion'];

interface StaffMember {
  id: string;
  actor: Actor;
  permissions: ReturnType<typeof permissionsOf>;
}

interface Household {
  accountId: string;
  phone: string | null;
  latitude: number;
  longitude: number;
}

export interface DemoServiceSummary {
  requests: number;
  open: number;
  escalated: number;
  rated: number;
}

export async function seedDemoServiceHistory(context: PlatformContext, tenantId: string): Promise<DemoServiceSummary> {
  const random = new SeededRandom(20260405);
  const today = context.clock.now();
  const { staff, households } = await context.db.withTenant(tenantId, async (sql) => {
    // A second and third crew member, so the board has someone to choose between (same password as the demo's staff).
    await sql.query(
      `INSERT INTO staff (tenant_id, username, display_name, password_hash)
       SELECT s.tenant_id, n.username, n.display_name, s.password_hash FROM staff s, (VALUES ('repair2', '钱鹏（维修）'), ('repair3', '冯刚（维修）')) AS n(username, display_name)
       WHERE s.username = 'repair' ON CONFLICT DO NOTHING`,
    );
    await sql.query("INSERT INTO staff_roles (tenant_id, staff_id, role) SELECT tenant_id, id, 'repair_crew' FROM staff WHERE username IN ('repair2', 'repair3') ON CONFLICT DO NOTHING");
    const members = await sql.query<{ id: string; username: string; display_name: string; roles: Role[] }>(
      `SELECT s.id, s.username, s.display_name, array_agg(r.role) AS roles FROM staff s JOIN staff_roles r ON r.staff_id = s.id
       WHERE s.username IN ('hotline', 'counter', 'dispatcher', 'repair', 'repair2', 'repair3', 'manager') GROUP BY s.id, s.username, s.display_name`,
    );
    const rows = await sql.query<{ id: string; phone: string | null; latitude_e6: number | null; longitude_e6: number | null }>(
      `SELECT a.id, c.phone, p.latitude_e6, p.longitude_e6 FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
       WHERE a.status = 'active' ORDER BY a.account_no LIMIT 400`,
    );
    return {
      staff: new Map(members.map((member) => [member.username, { id: member.id, actor: { type: 'staff', id: member.id, name: `${member.display_name} (${member.username})`, ip: null }, permissions: permissionsOf(member.roles) } satisfies StaffMember])),
      households: rows.map((row) => ({ accountId: row.id, phone: row.phone, latitude: (row.latitude_e6 ?? 30_580_000) / 1e6, longitude: (row.longitude_e6 ?? 114_300_000) / 1e6 })),
    };
  });
  const member = (username: string): StaffMember => staff.get(username) as StaffMember;
  const crews = ['repair', 'repair2', 'repair3'].map(member);
  const categories = (await listCategories(context, tenantId)).filter((category) => category.isActive);
  const byCode = new Map(categories.map((category) => [category.code, category]));
  const summary: DemoServiceSummary = { requests: 0, open: 0, escalated: 0, rated: 0 };

  /** Creates a request on its channel at `at`, as that channel's actor. */
  const create = async (category: ServiceCategory, channel: Channel, household: Household, at: Date) => {
    const description = random.pick(DESCRIPTIONS[category.code] ?? ['其他问题']);
    const moment = contextAt(context, at);
    summary.requests += 1;
    if (channel === 'portal' || channel === 'open311') {
      const actor: Actor = channel === 'portal' ? { type: 'system', id: null, name: `portal:${household.phone ? `${household.phone.slice(0, 3)}****${household.phone.slice(7)}` : ''}`, ip: null } : { type: 'system', id: null, name: 'Open311 · 城市管理平台', ip: null };
      const input = channel === 'portal'
        ? { categoryId: category.id, accountId: household.accountId, description, ...(household.phone ? { contactPhone: household.phone } : {}) }
        : { categoryId: category.id, latitude: household.latitude, longitude: household.longitude, description };
      return createRequest(moment, tenantId, input as never, { channel, createdBy: actor.name }, actor);
    }
    const taker = channel === 'counter' ? member('counter') : member('hotline');
    const actor: Actor = channel === 'city_12345' ? { type: 'system', id: null, name: '12345 热线平台（江城市）', ip: null } : taker.actor;
    const input: NewServiceRequest = { categoryId: category.id, channel, accountId: household.accountId, description, ...(household.phone ? { contactPhone: household.phone } : {}) };
    return createRequest(moment, tenantId, input, { channel, createdBy: actor.name }, actor);
  };

  /** Takes a step at `at` as `who`; answers the request's new version. */
  const step = async (who: StaffMember, id: string, version: number, at: Date, body: { step: string; note?: string; assigneeStaffId?: string }) =>
    (await takeStep(contextAt(context, at), tenantId, { staffId: who.id, permissions: who.permissions }, id, { ...body, version } as never, who.actor)).version;

  /**
   * The moment a step meeting a limit is taken: within it (most), or late; escalation runs at the moments a
   * late step passes its due time (level 1) and, for very late ones, its second level.
   */
  const when = async (previous: Date, due: Date | undefined, isLate: boolean, created: Date, until: Date): Promise<Date> => {
    if (!due) return new Date(previous.getTime() + random.integer(5, 40) * MINUTE);
    if (!isLate) return new Date(Math.max(previous.getTime() + MINUTE, previous.getTime() + (due.getTime() - previous.getTime()) * (0.15 + random.next() * 0.45)));
    const span = Math.max(due.getTime() - created.getTime(), 30 * MINUTE);
    const late = new Date(due.getTime() + span * (0.2 + random.next() * 0.9));
    // Never escalate at a moment still to come: that would escalate everything due before it.
    if (late >= until) return late;
    const level = await escalateOverdue(contextAt(context, late), tenantId);
    summary.escalated += level.level1 + level.level2;
    return late;
  };

  /** Plays a request from creation to `until` (closing and rating it if it gets there). */
  const play = async (category: ServiceCategory, channel: Channel, household: Household, created: Date, until: Date, isLate: boolean) => {
    const request = await create(category, channel, household, created);
    const dueOf = (limit: string) => {
      const deadline = request.deadlines.find((item) => item.timeLimit === limit);
      return deadline ? new Date(deadline.dueAt) : undefined;
    };
    // Which limit is the late one (if any): one of the request's limits, chosen deterministically.
    const lateLimit = isLate ? random.pick(request.deadlines.map((deadline) => deadline.timeLimit)) : null;
    let version = request.version;
    let at = created;
    const plan: { who: StaffMember; step: string; limit: string | null; note?: string; assignee?: string }[] =
      category.kind === 'repair'
        ? (() => {
            const crew = random.pick(crews);
            return [
              { who: member('dispatcher'), step: 'accept', limit: 'accept' },
              { who: member('dispatcher'), step: 'dispatch', limit: 'dispatch', assignee: crew.id },
              { who: crew, step: 'depart', limit: null },
              { who: crew, step: 'arrive', limit: 'arrive', note: '已到现场' },
              { who: crew, step: 'control', limit: 'control', note: '已关阀控制' },
              { who: crew, step: 'restore', limit: 'restore', note: '已修复，恢复供水' },
              { who: member('dispatcher'), step: 'close', limit: null },
            ];
          })()
        : [
            { who: member('hotline'), step: 'accept', limit: 'accept' },
            { who: member('hotline'), step: 'respond', limit: 'respond', note: '已电话答复客户' },
            { who: member('hotline'), step: 'close', limit: 'close' },
          ];
    for (const item of plan) {
      const next = item.limit ? await when(at, dueOf(item.limit), item.limit === lateLimit, created, until) : new Date(at.getTime() + random.integer(10, 60) * MINUTE);
      // Work not yet done stays open today (the board shows it; escalation finds what is past due).
      if (next >= until) {
        summary.open += 1;
        return;
      }
      at = next;
      version = await step(item.who, request.id, version, at, { step: item.step, ...(item.note ? { note: item.note } : {}), ...(item.assignee ? { assigneeStaffId: item.assignee } : {}) });
    }
    // The follow-up visit the closure made: the agent calls the next day and records the rating.
    const ratedAt = new Date(at.getTime() + random.integer(18, 30) * 60 * MINUTE);
    if (ratedAt >= until) return;
    const followUps = await context.db.withTenant(tenantId, (sql) => sql.query<{ id: string; version: number }>("SELECT id, version FROM service_followups WHERE request_id = $1 AND state = 'pending'", [request.id]));
    const followUp = followUps[0];
    if (!followUp) return;
    // Late work is rated a little lower; none so poor that it reopens the request.
    const rating = isLate ? random.pick([3, 4, 4]) : random.pick([4, 5, 5, 5]);
    await recordPhoneResult(contextAt(context, ratedAt), tenantId, followUp.id, { version: followUp.version, reached: true, rating, ...(rating === 3 ? { comment: '处理偏慢' } : {}) }, member('hotline').actor);
    summary.rated += 1;
  };

  let index = 0;
  for (let daysAgo = HISTORY_DAYS; daysAgo >= 1; daysAgo -= 1) {
    const dayStart = new Date(today.getTime() - daysAgo * DAY);
    const count = random.integer(PER_DAY[0] as number, PER_DAY[1] as number);
    // The day's reports, in time order, between 07:00 and 21:00 of the seeding day's clock.
    const moments = Array.from({ length: count }, () => random.integer(0, 14 * 60)).sort((a, b) => a - b);
    for (const offset of moments) {
      const category = byCode.get(random.pick(CATEGORY_MIX));
      if (!category) continue;
      const created = new Date(dayStart.getTime() - (dayStart.getTime() % MINUTE) + offset * MINUTE);
      index += 1;
      await play(category, CHANNELS[index % CHANNELS.length] as Channel, random.pick(households), created, today, random.chance(0.18));
    }
  }
  // Today's work, still open: reported over the last hours, each stopped where today's clock finds it.
  const todays: [string, Channel, number, boolean][] = [
    ['burst', 'hotline', 95, true],
    ['leak', 'portal', 70, false],
    ['leak', 'wechat', 40, false],
    ['no_water', 'city_12345', 25, false],
    ['low_pressure', 'counter', 180, false],
    ['water_quality', 'open311', 12, false],
    ['inquiry', 'hotline', 50, false],
    ['complaint', 'portal', 240, true],
  ];
  for (const [code, channel, minutesAgo, isLate] of todays) {
    const category = byCode.get(code);
    if (!category) continue;
    // Stops short of the end: the open work is cut off at a moment within its life (a few minutes ago).
    await play(category, channel, random.pick(households), new Date(today.getTime() - minutesAgo * MINUTE), new Date(today.getTime() - random.integer(1, Math.max(2, Math.floor(minutesAgo / 3))) * MINUTE), isLate);
  }
  const level = await escalateOverdue(context, tenantId);
  summary.escalated += level.level1 + level.level2;
  return summary;
}
