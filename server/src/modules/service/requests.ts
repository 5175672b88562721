/**
 * Service requests: created from any channel with their deadlines, moved step by step through the state
 * machine (states.ts), each step recorded and the time limit it meets marked met; escalated when a limit
 * passes unmet, once per level.
 */
import { recordAudit, recordAuditAtCommit, systemActor, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { GroupWriter, settle, type Settled } from '../../platform/db/groups';
import { timeOrderedUuid } from '../../platform/db/ids';
import { DomainError, invalidField, notFound, staleVersion } from '../../platform/errors';
import { forbidden } from '../../platform/http/guards';
import { maskPhone } from '../../platform/masking';
import type { Permission } from '../../platform/permissions';
import { isAccountBound } from '../customers';
import { loadTenantSettings } from '../tenancy';
import { photosOf } from './attachments';
import { addTime, calendarFromSettings, type TimeBasis, type WorkingCalendar } from './calendar';
import { withActors, type KnownStaff } from './actors';
import { requestDay, takeRequestNumber, takeRequestNumberInTransaction } from './numbers';
import { afterRequestCreated, afterStepTaken, deskActsAtCreation, eventsForCustomer, type DeskInput, type DeskOrigin } from './desk';
import { materialsOf } from './materials';
import type { NewServiceRequest, PortalNewServiceRequest, ReassignRequest, ServiceCategory, ServiceRequest, ServiceRequestDetail, StepRequest } from './schemas';
import { checkStep, nextSteps, stateName, stateNameEn, stepPermissions, TIME_LIMITS, trackOf, type RequestKind, type RequestState, type TimeLimit } from './states';

const REQUEST = { zh: '工单', en: 'Service request' };

/**
 * The categories every utility starts with; limits in minutes. Repairs count clock time (DOMAIN.md §4:
 * crew on site within an hour of a burst report, supply restored within 24 h); desk work counts working time.
 */
export const DEFAULT_CATEGORIES: { code: string; name: string; nameEn: string; kind: RequestKind; timeBasis: TimeBasis; limits: Record<string, number>; alertLevel: number }[] = [
  { code: 'burst', name: '爆管抢修', nameEn: 'Burst main', kind: 'repair', timeBasis: 'clock', limits: { accept: 10, dispatch: 20, arrive: 60, control: 240, restore: 1440 }, alertLevel: 3 },
  { code: 'leak', name: '漏水报修', nameEn: 'Leak', kind: 'repair', timeBasis: 'clock', limits: { accept: 30, dispatch: 60, arrive: 120, control: 480, restore: 1440 }, alertLevel: 2 },
  { code: 'no_water', name: '停水/无水', nameEn: 'No water', kind: 'repair', timeBasis: 'clock', limits: { accept: 15, dispatch: 30, arrive: 90, control: 360, restore: 1440 }, alertLevel: 3 },
  { code: 'low_pressure', name: '水压低', nameEn: 'Low pressure', kind: 'repair', timeBasis: 'clock', limits: { accept: 30, dispatch: 120, arrive: 240, control: 1440, restore: 2880 }, alertLevel: 1 },
  { code: 'water_quality', name: '水质问题', nameEn: 'Water quality', kind: 'repair', timeBasis: 'clock', limits: { accept: 15, dispatch: 30, arrive: 120, control: 480, restore: 1440 }, alertLevel: 3 },
  { code: 'meter_fault', name: '水表故障', nameEn: 'Meter fault', kind: 'repair', timeBasis: 'working', limits: { accept: 60, dispatch: 450, arrive: 900, control: 1350, restore: 2250 }, alertLevel: 1 },
  { code: 'inquiry', name: '业务咨询', nameEn: 'Inquiry', kind: 'inquiry', timeBasis: 'working', limits: { accept: 30, respond: 450, close: 1350 }, alertLevel: 1 },
  { code: 'complaint', name: '投诉', nameEn: 'Complaint', kind: 'complaint', timeBasis: 'working', limits: { accept: 60, respond: 450, close: 2250 }, alertLevel: 2 },
  { code: 'praise', name: '表扬', nameEn: 'Praise', kind: 'praise', timeBasis: 'working', limits: { accept: 450, respond: 2250, close: 2250 }, alertLevel: 1 },
  { code: 'suggestion', name: '建议', nameEn: 'Suggestion', kind: 'suggestion', timeBasis: 'working', limits: { accept: 450, respond: 2250, close: 4500 }, alertLevel: 1 },
];

export interface CategoryRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  kind: RequestKind;
  time_basis: TimeBasis;
  limits: Record<string, number>;
  alert_level: number;
  department: ServiceCategory['department'];
  is_active: boolean;
}

export const toCategory = (row: CategoryRow): ServiceCategory => ({
  id: row.id,
  code: row.code,
  name: row.name,
  nameEn: row.name_en,
  kind: row.kind,
  timeBasis: row.time_basis,
  limits: row.limits,
  alertLevel: row.alert_level,
  department: row.department,
  isActive: row.is_active,
});

/** The utility's categories, created with the defaults the first time they are asked for. */
export async function categoriesOf(sql: Sql, tenantId: string): Promise<CategoryRow[]> {
  const columns = 'id, code, name, name_en, kind, time_basis, limits, alert_level, department, is_active';
  let rows = await sql.query<CategoryRow>(`SELECT ${columns} FROM service_categories ORDER BY sort_order, code`);
  if (rows.length === 0) {
    await sql.query(
      `INSERT INTO service_categories (tenant_id, code, name, name_en, kind, time_basis, limits, alert_level, sort_order)
       SELECT $1, c.code, c.name, c.name_en, c.kind, c.time_basis, c.limits, c.alert_level, c.sort_order
       FROM jsonb_to_recordset($2::jsonb) AS c(code text, name text, name_en text, kind text, time_basis text, limits jsonb, alert_level smallint, sort_order int)
       ON CONFLICT (tenant_id, code) DO NOTHING`,
      [tenantId, JSON.stringify(DEFAULT_CATEGORIES.map((category, index) => ({ code: category.code, name: category.name, name_en: category.nameEn, kind: category.kind, time_basis: category.timeBasis, limits: category.limits, alert_level: category.alertLevel, sort_order: index })))],
    );
    rows = await sql.query<CategoryRow>(`SELECT ${columns} FROM service_categories ORDER BY sort_order, code`);
  }
  return rows;
}

export async function listCategories(context: PlatformContext, tenantId: string): Promise<ServiceCategory[]> {
  return context.db.withTenant(tenantId, async (sql) => (await categoriesOf(sql, tenantId)).map(toCategory));
}

/**
 * The utility's working calendar (its time zone, and the working hours, holidays and adjusted working days
 * of its settings), kept per process and utility with the settings version and time zone it was built from.
 * Whoever reads it passes the version and zone it just read in its own transaction: a settings change (which
 * raises the version) or another zone rebuilds it, in this process or any other.
 */
const calendars = new WeakMap<PlatformContext['db'], Map<string, { version: number; timeZone: string; calendar: WorkingCalendar }>>();

function cachedCalendars(context: PlatformContext) {
  let byTenant = calendars.get(context.db);
  if (!byTenant) {
    byTenant = new Map();
    calendars.set(context.db, byTenant);
  }
  return byTenant;
}

async function calendarFor(context: PlatformContext, sql: Sql, tenantId: string, seen: { version: number; timeZone: string }): Promise<WorkingCalendar> {
  const byTenant = cachedCalendars(context);
  const cached = byTenant.get(tenantId);
  if (cached && cached.version === seen.version && cached.timeZone === seen.timeZone) return cached.calendar;
  const settings = await loadTenantSettings(sql);
  const calendar = calendarFromSettings(seen.timeZone, settings.calendar);
  byTenant.set(tenantId, { version: settings.version, timeZone: seen.timeZone, calendar });
  return calendar;
}

/** The utility's time zone as last seen by this process (read once otherwise: the business day numbers a request). */
async function timeZoneOf(context: PlatformContext, tenantId: string): Promise<string> {
  const cached = cachedCalendars(context).get(tenantId);
  if (cached) return cached.timeZone;
  const [tenant] = await context.db.withoutTenant((sql) => sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]));
  return tenant?.time_zone ?? 'Asia/Shanghai';
}

export interface RequestRow {
  id: string;
  request_no: string;
  category_id: string;
  category_code: string;
  category_name: string;
  category_name_en: string;
  kind: RequestKind;
  channel: ServiceRequest['channel'];
  state: RequestState;
  customer_id: string | null;
  account_id: string | null;
  premise_id: string | null;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
  description: string;
  contact_name: string | null;
  contact_phone: string | null;
  /** A number to call: the request's contact phone, else the customer's. */
  has_contact_phone: boolean;
  alert_level: number;
  assignee_staff_id: string | null;
  assignee_name: string | null;
  portal_user_id: string | null;
  created_at: Date;
  closed_at: Date | null;
  version: number;
  first_contact_resolution: boolean;
}

export const REQUEST_SELECT = `SELECT r.id, r.request_no, r.category_id, c.code AS category_code, c.name AS category_name, c.name_en AS category_name_en, r.kind, r.channel, r.state,
    r.customer_id, r.account_id, r.premise_id, r.address, r.latitude, r.longitude, r.description, r.contact_name, r.contact_phone,
    (r.contact_phone IS NOT NULL OR cu.phone IS NOT NULL) AS has_contact_phone, r.alert_level,
    r.assignee_staff_id, s.display_name AS assignee_name, r.portal_user_id, r.created_at, r.closed_at, r.version, r.first_contact_resolution
  FROM service_requests r JOIN service_categories c ON c.id = r.category_id LEFT JOIN staff s ON s.id = r.assignee_staff_id
  LEFT JOIN customers cu ON cu.id = r.customer_id`;

interface DeadlineRow {
  request_id: string;
  time_limit: TimeLimit;
  due_at: Date;
  met_at: Date | null;
  escalation_level: number;
}

export async function deadlinesOf(sql: Sql, ids: readonly string[]): Promise<Map<string, DeadlineRow[]>> {
  const rows = ids.length === 0 ? [] : await sql.query<DeadlineRow>('SELECT request_id, time_limit, due_at, met_at, escalation_level FROM service_request_deadlines WHERE request_id = ANY($1::uuid[]) ORDER BY due_at', [ids]);
  const map = new Map<string, DeadlineRow[]>();
  for (const row of rows) map.set(row.request_id, [...(map.get(row.request_id) ?? []), row]);
  return map;
}

export function toRequest(row: RequestRow, deadlines: DeadlineRow[], now: Date): ServiceRequest {
  const order = TIME_LIMITS[trackOf(row.kind)] as readonly TimeLimit[];
  const list = [...deadlines]
    .sort((a, b) => order.indexOf(a.time_limit) - order.indexOf(b.time_limit))
    .map((deadline) => ({
      timeLimit: deadline.time_limit,
      dueAt: deadline.due_at.toISOString(),
      metAt: deadline.met_at?.toISOString() ?? null,
      isOverdue: deadline.met_at ? deadline.met_at > deadline.due_at : now > deadline.due_at,
      escalationLevel: deadline.escalation_level,
    }));
  const closed = row.state === 'closed' || row.state === 'cancelled';
  return {
    id: row.id,
    requestNo: row.request_no,
    category: { id: row.category_id, code: row.category_code, name: row.category_name, nameEn: row.category_name_en },
    kind: row.kind,
    channel: row.channel,
    state: row.state,
    stateName: stateName(row.state),
    stateNameEn: stateNameEn(row.state),
    accountId: row.account_id,
    customerId: row.customer_id,
    premiseId: row.premise_id,
    address: row.address,
    latitude: row.latitude === null ? null : Number(row.latitude),
    longitude: row.longitude === null ? null : Number(row.longitude),
    description: row.description,
    contactName: row.contact_name,
    contactPhoneMasked: maskPhone(row.contact_phone),
    hasContactPhone: row.has_contact_phone,
    alertLevel: row.alert_level,
    assignee: row.assignee_staff_id ? { id: row.assignee_staff_id, name: row.assignee_name ?? '' } : null,
    createdAt: row.created_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    firstContactResolution: row.first_contact_resolution,
    deadlines: list,
    nextDeadline: closed ? null : (list.find((deadline) => deadline.metAt === null) ?? null),
    version: row.version,
  };
}

export interface Origin {
  channel: ServiceRequest['channel'];
  createdBy: string;
  portalUserId?: string | null;
  /** The service desk's checks and extras at creation (desk.ts). */
  desk?: DeskOrigin;
  /** The staff member recording it as the timeline names them (their session knows): saves looking them up. */
  actorStaff?: KnownStaff;
}

/** Creates a request with its deadlines; the account (or premise) fills in the customer and address. */
interface CreationFacts {
  time_zone: string;
  settings_version: number | null;
  category_id: string | null;
  category_code: string;
  category_name: string;
  category_name_en: string;
  kind: RequestKind;
  time_basis: TimeBasis;
  limits: Record<string, number>;
  alert_level: number;
  account_found: boolean;
  customer_id: string | null;
  account_premise_id: string | null;
  account_address: string | null;
  is_important: boolean | null;
  is_special_care: boolean | null;
  customer_has_phone: boolean;
  premise_found: boolean;
  premise_address: string | null;
}

/**
 * Everything a creation reads, in one statement: the utility's time zone and settings version (for the
 * cached calendar), the category, and the account (with its premise and customer) or the premise named.
 * A PL/pgSQL function of migration 0049, run as the caller: each connection keeps its plan of the
 * six-table join (0.5 ms to plan, 0.2 ms to run), and the call, cheap to plan, goes with the BEGIN.
 */
const CREATION_FACTS = 'SELECT * FROM service_request_creation_facts($1, $2, $3, $4)';

/**
 * The request, its deadlines and its first event in one statement (migration 0049, run as the caller; its
 * plan kept per connection). The id is given, so nothing need be read back: on the plain path the call
 * goes with the COMMIT.
 */
const INSERT_REQUEST = 'SELECT service_request_insert($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)';

/** What a creation is given, from any channel. */
type CreationInput = NewServiceRequest | (PortalNewServiceRequest & { channel?: undefined });

/** A creation as prepared before its transaction: its instant and its number from the process's block. */
interface Creation {
  context: PlatformContext;
  tenantId: string;
  input: CreationInput;
  origin: Origin;
  actor: Actor;
  now: Date;
  /** The utility's time zone as this process last saw it, and the business day it gives. */
  assumedTimeZone: string;
  assumedDay: string;
  blockNumber: string;
}

/** Returned by recordCreation in a group for a creation that must go alone: nothing of it was written. */
const ALONE = Symbol('alone');

/**
 * Creates a request with its deadlines; the account (or premise) fills in the customer and address.
 * Two round trips on the plain path (what it reads, with the BEGIN and settings; what it writes and the
 * audit entry, with the COMMIT: platform/db): the id is made here, the number comes from the process's
 * block (numbers.ts), the calendar from the cache, and the answer is built from what was written rather
 * than read back. Creations of a utility that arrive while others are being written go together in one
 * transaction (group commit: platform/db/groups.ts), each with its own outcome. When the desk has work at
 * creation (a duplicate check, a call linked, answers quoted, closed on the call, the duty leader told:
 * desk.ts) the request goes alone: it is written first, in a round trip of its own, and when the desk wrote
 * to it the answer is read back.
 */
export async function createRequest(context: PlatformContext, tenantId: string, input: CreationInput, origin: Origin, actor: Actor): Promise<ServiceRequestDetail> {
  const now = context.clock.now();
  // The number is taken before the transaction, so no creation holds the day counter's lock to its commit.
  const assumedTimeZone = await timeZoneOf(context, tenantId);
  const assumedDay = requestDay(now, assumedTimeZone);
  const blockNumber = await takeRequestNumber(context, tenantId, assumedDay);
  const creation: Creation = { context, tenantId, input, origin, actor, now, assumedTimeZone, assumedDay, blockNumber };
  // Desk work known from the input alone: alone from the start (the alert level may still send one alone).
  if (deskActsAtCreation(input as DeskInput, origin.desk ?? {}, 0)) return createAlone(creation);
  return creationGroups(context).submit(tenantId, creation);
}

/** Per database: the creations of each utility waiting for a writer, and the groups being written. */
const groupWriters = new WeakMap<PlatformContext['db'], GroupWriter<Creation, ServiceRequestDetail>>();

/**
 * The creation groups of this context's database. Up to half its connections may write groups of one
 * utility at once (one on the embedded database); the rest stay for everything else.
 */
function creationGroups(context: PlatformContext): GroupWriter<Creation, ServiceRequestDetail> {
  let writer = groupWriters.get(context.db);
  if (!writer) {
    const writers = Math.max(1, Math.floor(context.db.connections / 2));
    writer = new GroupWriter(createTogether, { writers, largest: CREATION_GROUP_LARGEST, spillAt: CREATION_GROUP_SPILL });
    groupWriters.set(context.db, writer);
  }
  return writer;
}

/** At most this many creations in one transaction: its audit entries hold one chain lane that long. */
export const CREATION_GROUP_LARGEST = 32;
/** While a group is being written, another writer starts only for this many waiting (bench/RESULTS.md). */
const CREATION_GROUP_SPILL = 8;

/** The premise a creation names, if its channel names one. */
const givenPremiseOf = (input: CreationInput): string | null => ('premiseId' in input ? (input.premiseId ?? null) : null);
/** What the facts of a creation are read by: its category, and its account or else the premise it names. */
const factsKeys = (input: CreationInput) => [input.categoryId, input.accountId ?? null, input.accountId ? null : givenPremiseOf(input)];

/** A creation in a transaction of its own. */
function createAlone(creation: Creation): Promise<ServiceRequestDetail> {
  const { context, tenantId, input } = creation;
  return context.db.withTenant(tenantId, async (sql) => {
    // With the BEGIN, in one round trip (its plan is kept in the function: CREATION_FACTS).
    const [facts] = await sql.query<CreationFacts>(CREATION_FACTS, [tenantId, ...factsKeys(input)]);
    return (await recordCreation(sql, creation, facts, false)) as ServiceRequestDetail;
  });
}

/** The facts of several creations of one utility in one statement, each row numbered by its creation. */
const groupFacts = (size: number): string =>
  `${Array.from({ length: size }, (_unused, index) => `SELECT ${index} AS n, f.* FROM service_request_creation_facts($1, $${index * 3 + 2}, $${index * 3 + 3}, $${index * 3 + 4}) f`).join(' UNION ALL ')} ORDER BY n`;

/**
 * A group of creations of one utility in one transaction: their facts in one statement with the BEGIN,
 * their requests and audit entries with the COMMIT. A creation refused (no such account, say) is refused
 * alone, having written nothing; one the desk must act on, or numbered on another day, goes alone after. If
 * the group's transaction fails (at its commit, say), none of it was written, and each goes alone, so that
 * each gets its own answer.
 */
async function createTogether(tenantId: string, creations: readonly Creation[]): Promise<Settled<ServiceRequestDetail>[]> {
  const first = creations[0];
  if (!first) return [];
  if (creations.length === 1) return [await settle(createAlone(first))];
  let outcomes: (Settled<ServiceRequestDetail> | typeof ALONE)[];
  try {
    outcomes = await first.context.db.withTenant(tenantId, async (sql) => {
      const rows = await sql.query<CreationFacts & { n: number }>(groupFacts(creations.length), [tenantId, ...creations.flatMap(({ input }) => factsKeys(input))]);
      const byIndex = new Map(rows.map((row) => [row.n, row]));
      const settled: (Settled<ServiceRequestDetail> | typeof ALONE)[] = [];
      for (const [index, creation] of creations.entries()) {
        try {
          const detail = await recordCreation(sql, creation, byIndex.get(index), true);
          settled.push(detail === ALONE ? ALONE : { ok: true, value: detail });
        } catch (error) {
          // A refusal is the creation's own, and it wrote nothing; anything else ends the group.
          if (!(error instanceof DomainError)) throw error;
          settled.push({ ok: false, error });
        }
      }
      return settled;
    });
  } catch {
    return Promise.all(creations.map((creation) => settle(createAlone(creation))));
  }
  return Promise.all(outcomes.map((outcome, index) => (outcome === ALONE ? settle(createAlone(creations[index] as Creation)) : outcome)));
}

/**
 * One creation in the transaction of `sql`, from the facts read for it. Refusals (DomainError) come before
 * anything is written or queued. In a group (`grouped`), a creation the desk must act on, or whose business
 * day is not the one it was numbered for, is left for a transaction of its own: ALONE, nothing written.
 */
async function recordCreation(sql: Sql, creation: Creation, facts: CreationFacts | undefined, grouped: boolean): Promise<ServiceRequestDetail | typeof ALONE> {
  const { context, tenantId, input, origin, actor, now, assumedTimeZone, assumedDay, blockNumber } = creation;
  const givenPremiseId = givenPremiseOf(input);
  if (!facts) throw notFound({ zh: '水司', en: 'Utility' });
  if (!facts.category_id) throw invalidField('categoryId', '没有这个工单类别', 'no such request category');
  const calendar = await calendarFor(context, sql, tenantId, { version: facts.settings_version ?? 1, timeZone: facts.time_zone });
  let customerId: string | null = null;
  let premiseId: string | null = givenPremiseId;
  let address = input.address ?? null;
  let alertLevel = facts.alert_level;
  if (input.accountId) {
    if (!facts.account_found) throw invalidField('accountId', '账户不存在', 'no such account');
    customerId = facts.customer_id;
    premiseId = facts.account_premise_id;
    address ??= facts.account_address;
    // An important customer or a special-care household raises the alert level (4 and up reaches the duty leader).
    if (facts.is_important || facts.is_special_care) alertLevel = Math.max(alertLevel, 4);
  } else if (premiseId) {
    if (!facts.premise_found) throw invalidField('premiseId', '用水地址不存在', 'no such premise');
    address ??= facts.premise_address;
  }
  if (!address && input.latitude === undefined) {
    throw new DomainError('validation', 'validation_failed', '请给出地址、户号或位置', 'Give an address, an account or a location', [{ field: 'address', zh: '地址、户号或位置至少填一项', en: 'give an address, an account or a location' }]);
  }
  const day = calendar.timeZone === assumedTimeZone ? assumedDay : requestDay(now, calendar.timeZone);
  const deskInput = input as DeskInput;
  const deskOrigin = origin.desk ?? {};
  if (grouped && (day !== assumedDay || deskActsAtCreation(deskInput, deskOrigin, alertLevel) || !sql.atCommit)) return ALONE;
  const requestNo = day === assumedDay ? blockNumber : await takeRequestNumberInTransaction(sql, tenantId, day);
  const category = { id: facts.category_id, code: facts.category_code, name: facts.category_name, nameEn: facts.category_name_en, kind: facts.kind };
  const limits = TIME_LIMITS[trackOf(category.kind)] as readonly TimeLimit[];
  const dues = limits.filter((limit) => Number.isInteger(facts.limits[limit])).map((limit) => [limit, addTime(calendar, now, facts.limits[limit] as number, facts.time_basis)] as const);
  const contactPhone = 'contactPhone' in input ? (input.contactPhone ?? null) : null;
  const id = timeOrderedUuid();
  const written = [
    tenantId, id, requestNo, category.id, category.kind, origin.channel, customerId, input.accountId ?? null, premiseId, address, input.latitude ?? null, input.longitude ?? null,
    input.description, input.contactName ?? null, contactPhone, alertLevel, origin.portalUserId ?? null, origin.createdBy, now,
    dues.map(([limit]) => limit), dues.map(([, due]) => due), actor.name,
  ];
  let deskWrote = false;
  if (deskActsAtCreation(deskInput, deskOrigin, alertLevel)) {
    await sql.query(INSERT_REQUEST, written, { prepared: true });
    deskWrote = await afterRequestCreated(context, sql, tenantId, { id, requestNo, kind: category.kind, categoryId: category.id, categoryName: category.name, premiseId, address, alertLevel, customerId }, deskInput, deskOrigin, actor, now);
  } else if (sql.atCommit) {
    // Nothing reads the request before the commit: it is written with the COMMIT, before the audit entry.
    sql.atCommit(INSERT_REQUEST, written);
  } else {
    await sql.query(INSERT_REQUEST, written, { prepared: true });
  }
  const detail: ServiceRequestDetail = deskWrote
    ? await detailOf(sql, id, now)
    : {
        ...toRequest(
          {
            id, request_no: requestNo, category_id: category.id, category_code: category.code, category_name: category.name, category_name_en: category.nameEn, kind: category.kind,
            channel: origin.channel, state: 'submitted', customer_id: customerId, account_id: input.accountId ?? null, premise_id: premiseId, address,
            latitude: input.latitude === undefined ? null : String(input.latitude), longitude: input.longitude === undefined ? null : String(input.longitude),
            description: input.description, contact_name: input.contactName ?? null, contact_phone: contactPhone,
            has_contact_phone: contactPhone !== null || (customerId !== null && facts.customer_has_phone), alert_level: alertLevel, assignee_staff_id: null, assignee_name: null,
            portal_user_id: origin.portalUserId ?? null, created_at: now, closed_at: null, version: 1, first_contact_resolution: false,
          },
          dues.map(([limit, due]) => ({ request_id: id, time_limit: limit, due_at: due, met_at: null, escalation_level: 0 })),
          now,
        ),
        events: await withActors(sql, [{ step: 'submit', fromState: null, toState: 'submitted', actor: actor.name, at: now.toISOString(), note: null }], origin.actorStaff),
        nextSteps: nextSteps(category.kind, 'submitted'),
        photos: [],
        materials: [],
      };
  await recordAuditAtCommit(sql, tenantId, actor, now, { action: 'service_request.create', objectType: 'service_request', objectId: id, ...(customerId ? { customerId } : {}), after: { requestNo, category: category.code, channel: origin.channel } });
  return detail;
}

async function detailOf(sql: Sql, id: string, now: Date): Promise<ServiceRequestDetail> {
  const rows = await sql.query<RequestRow>(`${REQUEST_SELECT} WHERE r.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw notFound(REQUEST);
  const deadlines = (await deadlinesOf(sql, [id])).get(id) ?? [];
  const events = await sql.query<{ step: string; from_state: string | null; to_state: string | null; actor: string; at: Date; note: string | null }>(
    'SELECT step, from_state, to_state, actor, at, note FROM service_request_events WHERE request_id = $1 ORDER BY seq',
    [id],
  );
  return {
    ...toRequest(row, deadlines, now),
    events: await withActors(sql, events.map((event) => ({ step: event.step, fromState: event.from_state, toState: event.to_state, actor: event.actor, at: event.at.toISOString(), note: event.note }))),
    nextSteps: nextSteps(row.kind, row.state),
    photos: await photosOf(sql, id),
    materials: await materialsOf(sql, id),
  };
}

export type Viewer = { kind: 'staff' } | { kind: 'portal'; portalUserId: string };

export async function getRequest(context: PlatformContext, tenantId: string, viewer: Viewer, id: string): Promise<ServiceRequestDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    const detail = await detailOf(sql, id, context.clock.now());
    // A customer follows what they reported and what was recorded for an account they bound.
    if (viewer.kind === 'portal') {
      const [owner] = await sql.query<{ portal_user_id: string | null; account_id: string | null }>('SELECT portal_user_id, account_id FROM service_requests WHERE id = $1', [id]);
      const isTheirs = owner?.portal_user_id === viewer.portalUserId || (owner?.account_id ? await isAccountBound(sql, viewer.portalUserId, owner.account_id) : false);
      if (!isTheirs) throw notFound(REQUEST);
      // The desk's own business (duty leaders told, other callers, supervisors' notes) stays inside.
      return { ...detail, events: eventsForCustomer(detail.events) };
    }
    return detail;
  });
}

export interface ListFilter {
  state?: RequestState | undefined;
  kind?: RequestKind | undefined;
  open?: boolean | undefined;
  overdue?: boolean | undefined;
  assigneeStaffId?: string | undefined;
  customerId?: string | undefined;
  portalUserId?: string | undefined;
  limit: number;
}

export async function listRequests(context: PlatformContext, tenantId: string, filter: ListFilter): Promise<ServiceRequest[]> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.state) add('r.state = ?', filter.state);
    if (filter.kind) add('r.kind = ?', filter.kind);
    if (filter.open) where.push("r.state NOT IN ('closed', 'cancelled')");
    if (filter.assigneeStaffId) add('r.assignee_staff_id = ?', filter.assigneeStaffId);
    if (filter.customerId) add('r.customer_id = ?', filter.customerId);
    if (filter.portalUserId) {
      params.push(filter.portalUserId);
      where.push(`(r.portal_user_id = $${params.length} OR r.account_id IN (SELECT b.account_id FROM account_bindings b WHERE b.portal_user_id = $${params.length}))`);
    }
    if (filter.overdue) add("EXISTS (SELECT 1 FROM service_request_deadlines d WHERE d.request_id = r.id AND d.met_at IS NULL AND d.due_at < ?) AND r.state NOT IN ('closed', 'cancelled')", now);
    params.push(filter.limit);
    const rows = await sql.query<RequestRow>(`${REQUEST_SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY r.created_at DESC LIMIT $${params.length}`, params);
    const deadlines = await deadlinesOf(sql, rows.map((row) => row.id));
    return rows.map((row) => toRequest(row, deadlines.get(row.id) ?? [], now));
  });
}

/** Takes one step of a request, if the state machine allows it to this staff member now. */
export async function takeStep(context: PlatformContext, tenantId: string, who: { staffId: string; permissions: readonly Permission[] }, id: string, input: StepRequest, actor: Actor): Promise<ServiceRequestDetail> {
  // Someone who may take this step on no request at all is refused before anything is looked up.
  if (!stepPermissions(input.step).some((permission) => who.permissions.includes(permission))) throw forbidden();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ kind: RequestKind; state: RequestState; version: number; assignee_staff_id: string | null }>('SELECT kind, state, version, assignee_staff_id FROM service_requests WHERE id = $1 FOR UPDATE', [id]);
    const current = rows[0];
    if (!current) throw notFound(REQUEST);
    if (current.version !== input.version) throw staleVersion();
    const check = checkStep(current.kind, current.state, input.step, { permissions: who.permissions, isAssignee: current.assignee_staff_id === who.staffId });
    // Without the step's permission the answer is the platform's plain 403, like a guard's.
    if (check.problem?.code === 'not_permitted') throw forbidden();
    if (!check.ok || !check.to) {
      const problem = check.problem ?? { code: 'wrong_state' as const, zh: '不能进行这一步', en: 'This step cannot be taken' };
      throw new DomainError(problem.code === 'not_permitted' || problem.code === 'not_assignee' ? 'forbidden' : 'conflict', problem.code, problem.zh, problem.en, [{ field: 'step', zh: problem.zh, en: problem.en }]);
    }
    let assignee = current.assignee_staff_id;
    if (input.step === 'dispatch') {
      if (!input.assigneeStaffId) throw invalidField('assigneeStaffId', '派单须指定维修人员', 'name the crew member who takes the request');
      const crew = await sql.query("SELECT 1 FROM staff s WHERE s.id = $1 AND s.is_active AND EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id AND r.role = 'repair_crew')", [input.assigneeStaffId]);
      if (crew.length === 0) throw invalidField('assigneeStaffId', '不是在岗的维修人员', 'is not an active repair crew member');
      assignee = input.assigneeStaffId;
    }
    const now = context.clock.now();
    await sql.query(
      `UPDATE service_requests SET state = $2, assignee_staff_id = $3, version = version + 1, updated_at = $4,
         closed_at = CASE WHEN $2 = 'closed' THEN $4::timestamptz WHEN $2 = 'accepted' THEN NULL ELSE closed_at END WHERE id = $1`,
      [id, check.to, assignee, now],
    );
    if (check.meets) await sql.query('UPDATE service_request_deadlines SET met_at = $3 WHERE request_id = $1 AND time_limit = $2 AND met_at IS NULL', [id, check.meets, now]);
    // Closing meets the close limit of desk work too, and reopening makes it count again.
    if (input.step === 'reopen') await sql.query("UPDATE service_request_deadlines SET met_at = NULL WHERE request_id = $1 AND time_limit IN ('close', 'restore', 'respond')", [id]);
    await sql.query(
      'INSERT INTO service_request_events (tenant_id, request_id, step, from_state, to_state, actor, at, note, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)',
      [tenantId, id, input.step, current.state, check.to, actor.name, now, input.note ?? null, JSON.stringify(input.step === 'dispatch' ? { assigneeStaffId: assignee } : {})],
    );
    await recordAudit(sql, tenantId, actor, now, { action: `service_request.${input.step}`, objectType: 'service_request', objectId: id, before: { state: current.state }, after: { state: check.to } });
    await afterStepTaken(context, sql, tenantId, id, input.step, check.to, now);
    return detailOf(sql, id, now);
  });
}

/**
 * Gives a dispatched job to another crew member (改派), with the reason, until someone is on site (states.ts).
 * The old crew member's list loses it and the new one's gains it (their list is the requests assigned to
 * them); the history names both. No deadline moves: every time limit keeps counting from the report, and
 * the dispatch limit stays met at the first dispatch.
 */
export async function reassignRequest(context: PlatformContext, tenantId: string, who: { permissions: readonly Permission[] }, id: string, input: ReassignRequest, actor: Actor): Promise<ServiceRequestDetail> {
  if (!stepPermissions('reassign').some((permission) => who.permissions.includes(permission))) throw forbidden();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ kind: RequestKind; state: RequestState; version: number; assignee_staff_id: string | null; assignee_name: string | null; customer_id: string | null }>(
      `SELECT r.kind, r.state, r.version, r.assignee_staff_id, s.display_name AS assignee_name, r.customer_id
       FROM service_requests r LEFT JOIN staff s ON s.id = r.assignee_staff_id WHERE r.id = $1 FOR UPDATE OF r`,
      [id],
    );
    const current = rows[0];
    if (!current) throw notFound(REQUEST);
    if (current.version !== input.version) throw staleVersion();
    const check = checkStep(current.kind, current.state, 'reassign', { permissions: who.permissions, isAssignee: false });
    if (check.problem?.code === 'not_permitted') throw forbidden();
    if (!check.ok || !check.to) {
      const problem = check.problem ?? { code: 'wrong_state' as const, zh: '不能改派', en: 'This request cannot be reassigned' };
      throw new DomainError('conflict', problem.code, problem.zh, problem.en, [{ field: 'step', zh: problem.zh, en: problem.en }]);
    }
    if (input.assigneeStaffId === current.assignee_staff_id) throw invalidField('assigneeStaffId', '工单已派给此人，请选择另一位维修人员', 'the request is already assigned to this crew member; choose another');
    const [crew] = await sql.query<{ display_name: string }>(
      "SELECT s.display_name FROM staff s WHERE s.id = $1 AND s.is_active AND EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id AND r.role = 'repair_crew')",
      [input.assigneeStaffId],
    );
    if (!crew) throw invalidField('assigneeStaffId', '不是在岗的维修人员', 'is not an active repair crew member');
    const now = context.clock.now();
    const from = { staffId: current.assignee_staff_id, name: current.assignee_name };
    const to = { staffId: input.assigneeStaffId, name: crew.display_name };
    await sql.query('UPDATE service_requests SET state = $2, assignee_staff_id = $3, version = version + 1, updated_at = $4 WHERE id = $1', [id, check.to, to.staffId, now]);
    await sql.query(
      'INSERT INTO service_request_events (tenant_id, request_id, step, from_state, to_state, actor, at, note, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)',
      [tenantId, id, 'reassign', current.state, check.to, actor.name, now, `由 ${from.name ?? '—'} 改派给 ${to.name}。原因：${input.reason}`, JSON.stringify({ from, to, reason: input.reason })],
    );
    await recordAudit(sql, tenantId, actor, now, {
      action: 'service_request.reassign',
      objectType: 'service_request',
      objectId: id,
      ...(current.customer_id ? { customerId: current.customer_id } : {}),
      before: { state: current.state, assigneeStaffId: from.staffId, assigneeName: from.name },
      after: { state: check.to, assigneeStaffId: to.staffId, assigneeName: to.name, reason: input.reason },
    });
    return detailOf(sql, id, now);
  });
}

/**
 * Escalates every time limit that has passed unmet: level 1 (the supervisor) when it is due, level 2 (the
 * department head) when half the limit again has passed (at least 30 minutes). Each level moves with a
 * conditional UPDATE, so it fires exactly once however often and wherever this runs.
 */
export async function escalateOverdue(context: PlatformContext, tenantId: string): Promise<{ level1: number; level2: number }> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const first = await sql.query<{ request_id: string; time_limit: string }>(
      `UPDATE service_request_deadlines d SET escalation_level = 1
       FROM service_requests r WHERE r.id = d.request_id AND r.state NOT IN ('closed', 'cancelled')
         AND d.met_at IS NULL AND d.escalation_level = 0 AND d.due_at <= $1
       RETURNING d.request_id, d.time_limit`,
      [now],
    );
    const second = await sql.query<{ request_id: string; time_limit: string }>(
      `UPDATE service_request_deadlines d SET escalation_level = 2
       FROM service_requests r WHERE r.id = d.request_id AND r.state NOT IN ('closed', 'cancelled')
         AND d.met_at IS NULL AND d.escalation_level = 1
         AND d.due_at + greatest((d.due_at - r.created_at) / 2, interval '30 minutes') <= $1
       RETURNING d.request_id, d.time_limit`,
      [now],
    );
    const actor = systemActor('escalation');
    for (const [level, list] of [[1, first], [2, second]] as const) {
      for (const item of list) {
        await sql.query(
          "INSERT INTO service_request_events (tenant_id, request_id, step, actor, at, note, detail) VALUES ($1, $2, 'escalate', $3, $4, $5, $6::jsonb)",
          [tenantId, item.request_id, actor.name, now, level === 1 ? `时限“${item.time_limit}”已超时，已报告班组主管` : `时限“${item.time_limit}”严重超时，已报告部门负责人`, JSON.stringify({ timeLimit: item.time_limit, level })],
        );
      }
    }
    return { level1: first.length, level2: second.length };
  });
}

/** The repair crew a dispatcher may give a request to: active staff with the repair_crew role, with their open work. */
export async function listCrews(context: PlatformContext, tenantId: string): Promise<{ id: string; name: string; openRequests: number }[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ id: string; display_name: string; open: number }>(
      `SELECT s.id, s.display_name,
              (SELECT count(*) FROM service_requests r WHERE r.assignee_staff_id = s.id AND r.state NOT IN ('closed', 'cancelled'))::int AS open
       FROM staff s WHERE s.is_active AND EXISTS (SELECT 1 FROM staff_roles x WHERE x.staff_id = s.id AND x.role = 'repair_crew')
       ORDER BY s.display_name`,
    );
    return rows.map((row) => ({ id: row.id, name: row.display_name, openRequests: row.open }));
  });
}
