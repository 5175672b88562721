/**
 * Applications as workflows: submitted from the portal or at the counter (a number at once, the first stage
 * started with its working-day deadline), worked stage by stage by the stage's role (claimed, done with its
 * outputs, returned to the customer for what is missing, rejected with a reason), every change told to the
 * applicant by SMS through the outbox and written to the audit log. Segregation-of-duties refusals are
 * logged in a transaction of their own, since the refused one is rolled back.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue } from '../../platform/db/counters';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound, staleVersion } from '../../platform/errors';
import { forbidden } from '../../platform/http/guards';
import { maskPhone } from '../../platform/masking';
import type { Permission, Role } from '../../platform/permissions';
import { businessDate, isAccountBound } from '../customers';
import { enqueueSms } from '../notifications';
import { addWorkingDays, calendarOf, loadApplicationTypes, type TypeWithPrefix } from './catalogue';
import { documentsOf, materialPurpose, readDocumentFile, stagePurpose, storeDocument, unknownMaterial } from './documents';
import { applyStageEffect, type ApplicationFacts } from './effects';
import { checkOutputs, missingAttachmentOutputs } from './outputs';
import type { Advance, ApplicationDetail, ApplicationDocument, ApplicationStatus, ApplicationSummary, CounterNewApplication, Department, DocumentUpload, EventActorKind, PortalNewApplication, Reason, Resubmit, Stage } from './schemas';
import { sodViolation, type DoneStage, type Violation } from './segregation';

const APPLICATION = { zh: '业务申请', en: 'Application' };

export type Worker = { staffId: string; roles: readonly Role[]; permissions: readonly Permission[] };
export type Viewer = ({ kind: 'staff' } & Worker) | { kind: 'portal'; portalUserId: string };

interface Row {
  id: string;
  application_no: string;
  type_id: string;
  channel: 'portal' | 'counter';
  status: ApplicationStatus;
  current_position: number | null;
  holder_staff_id: string | null;
  holder_name: string | null;
  customer_id: string | null;
  portal_user_id: string | null;
  applicant_name: string;
  applicant_phone: string;
  premise_id: string | null;
  district: string | null;
  street: string | null;
  address: string;
  account_id: string | null;
  account_no: string | null;
  meter_id: string | null;
  serial_no: string | null;
  details: Record<string, unknown>;
  stage_started_at: Date | null;
  stage_due_at: Date | null;
  due_at: Date;
  reason: string | null;
  submitted_at: Date;
  finished_at: Date | null;
  version: number;
}

const SELECT = `SELECT a.id, a.application_no, a.type_id, a.channel, a.status, a.current_position, a.holder_staff_id, h.display_name AS holder_name,
    a.customer_id, a.portal_user_id, a.applicant_name, a.applicant_phone, a.premise_id, a.district, a.street, a.address, a.account_id, ac.account_no,
    a.meter_id, m.serial_no, a.details, a.stage_started_at, a.stage_due_at, a.due_at, a.reason, a.submitted_at, a.finished_at, a.version
  FROM applications a LEFT JOIN staff h ON h.id = a.holder_staff_id LEFT JOIN accounts ac ON ac.id = a.account_id LEFT JOIN meters m ON m.id = a.meter_id`;

async function findRow(sql: Sql, id: string, lock = false): Promise<Row> {
  // Locked first on its own (FOR UPDATE cannot reach through the outer joins), then read whole.
  if (lock && (await sql.query('SELECT 1 FROM applications WHERE id = $1 FOR UPDATE', [id])).length === 0) throw notFound(APPLICATION);
  const [row] = await sql.query<Row>(`${SELECT} WHERE a.id = $1`, [id]);
  if (!row) throw notFound(APPLICATION);
  return row;
}

const typeOf = (types: readonly TypeWithPrefix[], row: Row): TypeWithPrefix => {
  const type = types.find((candidate) => candidate.id === row.type_id);
  if (!type) throw notFound(APPLICATION);
  return type;
};
const stageAt = (type: TypeWithPrefix, position: number | null): Stage | null => type.stages.find((stage) => stage.position === position) ?? null;

function summaryOf(row: Row, type: TypeWithPrefix, now: Date): ApplicationSummary {
  const stage = stageAt(type, row.current_position);
  return {
    id: row.id,
    applicationNo: row.application_no,
    type: { code: type.code, name: type.name, nameEn: type.nameEn },
    channel: row.channel,
    status: row.status,
    applicantName: row.applicant_name,
    applicantPhoneMasked: maskPhone(row.applicant_phone) ?? '',
    address: row.address,
    currentStage: stage
      ? {
          code: stage.code,
          name: stage.name,
          nameEn: stage.nameEn,
          roleName: stage.roleName,
          dueAt: row.stage_due_at?.toISOString() ?? null,
          isOverdue: row.status === 'in_progress' && row.stage_due_at !== null && now > row.stage_due_at,
          holder: row.holder_staff_id ? { staffId: row.holder_staff_id, name: row.holder_name ?? '' } : null,
        }
      : null,
    submittedAt: row.submitted_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    version: row.version,
  };
}

interface EventRow {
  kind: string;
  position: number | null;
  stage_code: string | null;
  staff_id: string | null;
  actor: string;
  actor_kind: EventActorKind;
  actor_name: string;
  department: Department | null;
  started_at: Date | null;
  due_at: Date | null;
  at: Date;
  outputs: Record<string, unknown> | null;
  note: string | null;
}

const eventsOf = (sql: Sql, id: string) =>
  sql.query<EventRow>('SELECT kind, position, stage_code, staff_id, actor, actor_kind, actor_name, department, started_at, due_at, at, outputs, note FROM application_events WHERE application_id = $1 ORDER BY seq', [id]);

/** Who an event is by, stored beside the recorded text so that no reader parses it. */
interface EventActor {
  kind: EventActorKind;
  staffId: string | null;
  name: string;
}

/**
 * The actor of an event as data: a staff member with their display name as it stands now (at the event), the
 * applicant on the portal by their masked mobile number, or the system by its name.
 */
async function eventActorOf(sql: Sql, actor: Actor): Promise<EventActor> {
  if (actor.type === 'staff' && actor.id) {
    const [staff] = await sql.query<{ display_name: string }>('SELECT display_name FROM staff WHERE id = $1', [actor.id]);
    return { kind: 'staff', staffId: staff ? actor.id : null, name: staff?.display_name ?? actor.name };
  }
  if (actor.type === 'portal_user' && actor.id) {
    const [user] = await sql.query<{ phone: string }>('SELECT phone FROM portal_users WHERE id = $1', [actor.id]);
    return { kind: 'applicant', staffId: null, name: maskPhone(user?.phone) ?? actor.name };
  }
  return { kind: 'system', staffId: null, name: actor.name };
}

/** A staff member working a stage: by the staff id the event keeps. */
const workerActorOf = (sql: Sql, who: Worker, actor: Actor): Promise<EventActor> => eventActorOf(sql, { ...actor, type: 'staff', id: who.staffId });

function mayWork(viewer: Viewer, stage: Stage | null): boolean {
  return viewer.kind === 'staff' && viewer.permissions.includes('application.work') && stage !== null && viewer.roles.includes(stage.role as Role);
}

async function detailOf(sql: Sql, row: Row, type: TypeWithPrefix, viewer: Viewer, now: Date): Promise<ApplicationDetail> {
  const events = await eventsOf(sql, row.id);
  const documents = await documentsOf(sql, row.id);
  const done = new Map(events.filter((event) => event.kind === 'stage_done').map((event) => [event.stage_code, event]));
  const current = stageAt(type, row.current_position);
  const countOf = (purpose: string) => documents.filter((document) => document.purpose === purpose).length;
  const materials = type.materials.map((material) => ({ ...material, documents: countOf(materialPurpose(material.code)) }));
  const missingMaterials = row.status === 'in_progress' || row.status === 'returned' ? materials.filter((material) => material.isRequired && material.documents === 0).map(({ documents: _count, ...material }) => material) : [];
  const missingOutputs = current && (row.status === 'in_progress' || row.status === 'returned') ? [...current.outputs.filter((output) => output.required && output.kind !== 'attachments'), ...missingAttachmentOutputs(current.outputs, countOf(stagePurpose(current.code)))] : [];
  const description = [
    ...(row.status === 'returned' && row.reason ? [{ zh: `已退回，待补正：${row.reason}`, en: `Returned for correction: ${row.reason}` }] : []),
    ...missingMaterials.map((material) => ({ zh: `缺少材料：${material.name}`, en: `Missing document: ${material.nameEn}` })),
    ...(current && row.status === 'in_progress' ? [{ zh: `待“${current.name}”环节（${current.roleName.zh}）办理`, en: `Waiting for "${current.nameEn}" (${current.roleName.en})` }] : []),
  ];
  const isOpen = row.status === 'in_progress' || row.status === 'returned';
  const nextActions: ApplicationDetail['nextActions'] = [];
  if (row.status === 'in_progress' && mayWork(viewer, current)) {
    if (viewer.kind === 'staff' && row.holder_staff_id !== viewer.staffId) nextActions.push('claim');
    nextActions.push('advance', 'return', 'reject');
  }
  if (row.status === 'returned' && (viewer.kind === 'portal' || viewer.permissions.includes('application.create'))) nextActions.push('resubmit');
  const isPortal = viewer.kind === 'portal';
  return {
    ...summaryOf(row, type, now),
    customerId: row.customer_id,
    account: row.account_id ? { id: row.account_id, accountNo: row.account_no ?? '' } : null,
    meter: row.meter_id ? { id: row.meter_id, serialNo: row.serial_no ?? '' } : null,
    district: row.district,
    street: row.street,
    details: row.details,
    reason: row.reason,
    stages: type.stages.filter((stage) => stage.isEnabled || done.has(stage.code) || (isOpen && stage.position === row.current_position)).map((stage) => {
      const record = done.get(stage.code);
      const isCurrent = isOpen && stage.position === row.current_position;
      const dueAt = record?.due_at ?? (isCurrent ? row.stage_due_at : null);
      return {
        ...stage,
        state: record ? ('done' as const) : isCurrent ? ('current' as const) : ('pending' as const),
        startedAt: (record?.started_at ?? (isCurrent ? row.stage_started_at : null))?.toISOString() ?? null,
        dueAt: dueAt?.toISOString() ?? null,
        doneAt: record?.at.toISOString() ?? null,
        doneBy: record?.actor ?? null,
        doneByName: record?.actor_name ?? null,
        isOverdue: record ? record.due_at !== null && record.at > record.due_at : isCurrent && row.status === 'in_progress' && dueAt !== null && now > dueAt,
      };
    }),
    materials,
    missing: { materials: missingMaterials, outputs: missingOutputs, description },
    documents,
    // The customer sees what happened and by which stage; the staff's working outputs (budget lines, contract numbers) stay inside.
    events: events.map((event) => ({ kind: event.kind, stageCode: event.stage_code, actor: event.actor, actorKind: event.actor_kind, actorName: event.actor_name, at: event.at.toISOString(), note: event.note, outputs: isPortal ? null : event.outputs })),
    nextActions,
  };
}

// ---- notifications ----

function localTime(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

async function notifyApplicant(sql: Sql, tenantId: string, row: Pick<Row, 'applicant_phone' | 'application_no'>, type: TypeWithPrefix, message: string, now: Date): Promise<void> {
  const [tenant] = await sql.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [tenantId]);
  await enqueueSms(sql, tenantId, { to: row.applicant_phone, template: 'application_progress', body: `【${tenant?.name ?? '水务'}】您的${type.name}申请（${row.application_no}）${message}` }, now);
}

const stageMessage = (stage: Stage, dueAt: Date, timeZone: string) => `已进入“${stage.name}”环节，由${stage.roleName.zh}办理，时限至 ${localTime(dueAt, timeZone)}。`;

// ---- submitting ----

export type Applicant = { kind: 'portal'; portalUserId: string; phone: string } | { kind: 'counter'; staffName: string };

interface Resolved {
  customerId: string | null;
  premiseId: string | null;
  accountId: string | null;
  district: string | null;
  street: string | null;
  address: string;
  name: string;
  phone: string;
}

interface AccountFacts {
  id: string;
  customer_id: string;
  premise_id: string;
  full_address: string;
  district: string;
  street: string;
  name: string;
  phone: string | null;
}

async function resolveApplicant(sql: Sql, type: TypeWithPrefix, applicant: Applicant, input: PortalNewApplication | CounterNewApplication): Promise<Resolved> {
  let customer: { id: string; name: string; phone: string | null } | null = null;
  if ('customerId' in input && input.customerId) {
    const [found] = await sql.query<{ id: string; name: string; phone: string | null }>('SELECT id, name, phone FROM customers WHERE id = $1', [input.customerId]);
    if (!found) throw invalidField('customerId', '客户不存在', 'no such customer');
    customer = found;
  }
  let account: AccountFacts | null = null;
  if (type.code === 'new_connection') {
    const problems = [
      ...(input.accountId ? [{ field: 'accountId', zh: '报装不针对已有账户', en: 'a new connection is not about an existing account' }] : []),
      ...(['district', 'street', 'address'] as const).filter((field) => !input[field]).map((field) => ({ field, zh: '报装须填写', en: 'is required for a new connection' })),
    ];
    if (problems.length > 0) throw new DomainError('validation', 'validation_failed', '报装地址不完整', 'The connection address is incomplete', problems);
  } else {
    if (!input.accountId) throw invalidField('accountId', '请选择办理业务的户号', 'name the account the application is about');
    const [found] = await sql.query<AccountFacts>(
      'SELECT a.id, a.customer_id, a.premise_id, p.full_address, p.district, p.street, c.name, c.phone FROM accounts a JOIN premises p ON p.id = a.premise_id JOIN customers c ON c.id = a.customer_id WHERE a.id = $1',
      [input.accountId],
    );
    if (!found || (applicant.kind === 'portal' && !(await isAccountBound(sql, applicant.portalUserId, found.id)))) throw invalidField('accountId', '不是您绑定的户号', 'is not an account you have bound');
    if (customer && customer.id !== found.customer_id) throw invalidField('customerId', '与户号的户主不符', 'is not the holder of the account');
    account = found;
  }
  const name = input.applicantName ?? customer?.name ?? account?.name;
  const phone = applicant.kind === 'portal' ? applicant.phone : ('applicantPhone' in input ? input.applicantPhone : undefined) ?? customer?.phone ?? account?.phone ?? undefined;
  const problems = [
    ...(name ? [] : [{ field: 'applicantName', zh: '请填写申请人姓名', en: 'the applicant’s name is required' }]),
    ...(phone && /^1[3-9]\d{9}$/.test(phone) ? [] : [{ field: 'applicantPhone', zh: '请填写申请人手机号（用于通知办理进度）', en: 'the applicant’s mobile number is required (progress is sent to it)' }]),
  ];
  if (problems.length > 0) throw new DomainError('validation', 'validation_failed', '申请人信息不完整', 'The applicant’s details are incomplete', problems);
  return {
    customerId: customer?.id ?? account?.customer_id ?? null,
    premiseId: account?.premise_id ?? null,
    accountId: account?.id ?? null,
    district: account?.district ?? input.district ?? null,
    street: account?.street ?? input.street ?? null,
    address: account?.full_address ?? [input.district, input.street, input.address].filter(Boolean).join(''),
    name: name as string,
    phone: phone as string,
  };
}

/** Submits an application: a number at once, the first stage started, the applicant told. */
export async function submitApplication(context: PlatformContext, tenantId: string, applicant: Applicant, input: PortalNewApplication | CounterNewApplication, actor: Actor, viewer: Viewer): Promise<ApplicationDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    const types = await loadApplicationTypes(sql, tenantId);
    const type = types.find((candidate) => candidate.code === input.typeCode && candidate.isActive);
    if (!type) throw invalidField('typeCode', '没有这项业务', 'no such application type');
    const first = type.stages[0];
    if (!first) throw invalidField('typeCode', '这项业务没有配置办理环节', 'this application type has no stages');
    const resolved = await resolveApplicant(sql, type, applicant, input);
    const calendar = await calendarOf(sql, tenantId);
    const now = context.clock.now();
    const day = businessDate(now, calendar.timeZone).replaceAll('-', '');
    const applicationNo = `${type.prefix}${day}${String(await nextCounterValue(sql, tenantId, `application_no_${day}`, 0)).padStart(5, '0')}`;
    const stageDue = addWorkingDays(calendar, now, first.timeLimitDays);
    const due = addWorkingDays(calendar, now, type.totalDays);
    const [created] = await sql.query<{ id: string }>(
      `INSERT INTO applications (tenant_id, application_no, type_id, channel, current_position, customer_id, portal_user_id, applicant_name, applicant_phone,
         premise_id, district, street, address, account_id, details, stage_started_at, stage_due_at, due_at, created_by, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17, $18, $19, $16) RETURNING id`,
      [
        tenantId, applicationNo, type.id, applicant.kind, first.position, resolved.customerId, applicant.kind === 'portal' ? applicant.portalUserId : null, resolved.name, resolved.phone,
        resolved.premiseId, resolved.district, resolved.street, resolved.address, resolved.accountId, JSON.stringify(input.details ?? {}), now, stageDue, due, applicant.kind === 'portal' ? resolved.name : applicant.staffName,
      ],
    );
    const id = (created as { id: string }).id;
    const by = await eventActorOf(sql, actor);
    await sql.query(
      "INSERT INTO application_events (tenant_id, application_id, kind, position, stage_code, staff_id, actor, actor_kind, actor_name, at) VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $8, $9)",
      [tenantId, id, first.position, first.code, by.staffId, actor.name, by.kind, by.name, now],
    );
    await notifyApplicant(sql, tenantId, { applicant_phone: resolved.phone, application_no: applicationNo }, type, `已提交，无需缴纳受理费；${stageMessage(first, stageDue, calendar.timeZone)}`, now);
    const detail = await detailOf(sql, await findRow(sql, id), type, viewer, now);
    await recordAudit(sql, tenantId, actor, now, { action: 'application.submit', objectType: 'application', objectId: id, ...(resolved.customerId ? { customerId: resolved.customerId } : {}), after: { applicationNo, type: type.code, channel: applicant.kind } });
    return detail;
  });
}

// ---- reading ----

async function visibleRow(sql: Sql, viewer: Viewer, id: string, lock = false): Promise<Row> {
  const row = await findRow(sql, id, lock);
  if (viewer.kind === 'portal' && row.portal_user_id !== viewer.portalUserId && !(row.account_id && (await isAccountBound(sql, viewer.portalUserId, row.account_id)))) throw notFound(APPLICATION);
  return row;
}

export async function getApplication(context: PlatformContext, tenantId: string, viewer: Viewer, id: string): Promise<ApplicationDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    const row = await visibleRow(sql, viewer, id);
    const types = await loadApplicationTypes(sql, tenantId);
    return detailOf(sql, row, typeOf(types, row), viewer, context.clock.now());
  });
}

export interface ListFilter {
  typeCode?: string | undefined;
  stageCode?: string | undefined;
  status?: ApplicationStatus | undefined;
  overdue?: boolean | undefined;
  holderStaffId?: string | undefined;
  portalUserId?: string | undefined;
  /** In progress at a stage of one of these roles (a staff member's work queue). */
  stageRoles?: readonly string[] | undefined;
  /** An application number (or its start), or part of the applicant's name or phone. */
  q?: string | undefined;
  limit: number;
}

/** Applications, the most urgent first (open ones by their stage deadline), then the newest. */
export async function listApplications(context: PlatformContext, tenantId: string, filter: ListFilter): Promise<ApplicationSummary[]> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const types = await loadApplicationTypes(sql, tenantId);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replaceAll('?', `$${params.length}`));
    };
    if (filter.typeCode) add('a.type_id = ?', types.find((type) => type.code === filter.typeCode)?.id ?? '00000000-0000-0000-0000-000000000000');
    if (filter.stageCode) add('a.current_position IS NOT NULL AND EXISTS (SELECT 1 FROM application_stages s WHERE s.type_id = a.type_id AND s.position = a.current_position AND s.code = ?)', filter.stageCode);
    if (filter.status) add('a.status = ?', filter.status);
    if (filter.overdue) add("a.status = 'in_progress' AND a.stage_due_at < ?", now);
    if (filter.holderStaffId) add('a.holder_staff_id = ?', filter.holderStaffId);
    if (filter.stageRoles) add("a.status = 'in_progress' AND EXISTS (SELECT 1 FROM application_stages s WHERE s.type_id = a.type_id AND s.position = a.current_position AND s.role = ANY(?::text[]))", [...filter.stageRoles]);
    if (filter.q) {
      const q = filter.q.trim();
      const literal = q.replace(/[%_\\]/g, (match) => `\\${match}`);
      // A number (two letters, then digits) by its start; anything else as part of the name, phone or number.
      if (/^[A-Za-z]{2}\d*$/.test(q)) add('a.application_no LIKE ?', `${literal.toUpperCase()}%`);
      else add('(a.applicant_name LIKE ? OR a.applicant_phone LIKE ? OR a.application_no LIKE ?)', `%${literal}%`);
    }
    if (filter.portalUserId) add('(a.portal_user_id = ? OR a.account_id IN (SELECT b.account_id FROM account_bindings b WHERE b.portal_user_id = ?))', filter.portalUserId);
    params.push(filter.limit);
    const rows = await sql.query<Row>(`${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.stage_due_at NULLS LAST, a.submitted_at DESC LIMIT $${params.length}`, params);
    return rows.map((row) => summaryOf(row, typeOf(types, row), now));
  });
}

// ---- working a stage ----

interface Locked {
  row: Row;
  type: TypeWithPrefix;
  stage: Stage;
  done: DoneStage[];
  department: Department | null;
}

/** Locks an application open at its current stage for someone who may work that stage now. */
async function lockForWork(sql: Sql, tenantId: string, who: Worker, id: string, version: number, stageCode?: string): Promise<Locked> {
  const row = await findRow(sql, id, true);
  if (row.version !== version) throw staleVersion();
  if (row.status !== 'in_progress') {
    const zh = row.status === 'returned' ? '申请已退回，等待申请人补正' : '申请已办结';
    const en = row.status === 'returned' ? 'The application is back with the applicant for correction' : 'The application is finished';
    throw new DomainError('conflict', 'not_in_progress', zh, en, [{ field: 'id', zh, en }]);
  }
  const type = typeOf(await loadApplicationTypes(sql, tenantId), row);
  const stage = stageAt(type, row.current_position) as Stage;
  if (stageCode !== undefined && stageCode !== stage.code) {
    throw new DomainError('conflict', 'wrong_stage', `当前环节是“${stage.name}”`, `The current stage is "${stage.code}"`, [{ field: 'stage', zh: `当前环节是“${stage.name}”`, en: `the current stage is "${stage.code}"` }]);
  }
  if (!who.roles.includes(stage.role as Role)) {
    throw new DomainError('forbidden', 'wrong_role', `“${stage.name}”环节由${stage.roleName.zh}办理`, `The stage "${stage.code}" is done by the role ${stage.role}`, [{ field: 'stage', zh: `须由${stage.roleName.zh}办理`, en: `is done by the role ${stage.role}` }]);
  }
  if (row.holder_staff_id && row.holder_staff_id !== who.staffId) {
    throw new DomainError('conflict', 'held_by_other', `此环节已由${row.holder_name ?? '他人'}认领`, `This stage is held by ${row.holder_name ?? 'someone else'}`, [{ field: 'id', zh: '已由他人认领', en: 'held by someone else' }]);
  }
  const [me] = await sql.query<{ department: Department | null }>('SELECT department FROM staff WHERE id = $1', [who.staffId]);
  const done = (await eventsOf(sql, id))
    .filter((event) => event.kind === 'stage_done')
    .map((event) => ({ stageCode: event.stage_code as string, stageName: type.stages.find((item) => item.code === event.stage_code)?.name ?? (event.stage_code as string), staffId: event.staff_id as string, staffName: event.actor, department: event.department }));
  return { row, type, stage, done, department: me?.department ?? null };
}

class SodRefused extends Error {
  constructor(
    readonly violation: Violation,
    readonly applicationId: string,
    readonly stageCode: string,
    readonly customerId: string | null,
  ) {
    super(violation.en);
  }
}

function checkSegregation(locked: Locked, who: Worker): void {
  const violation = sodViolation(locked.type.rules, locked.done, locked.stage.code, locked.stage.name, { staffId: who.staffId, department: locked.department });
  if (violation) throw new SodRefused(violation, locked.row.id, locked.stage.code, locked.row.customer_id);
}

/**
 * Runs work on a locked application; a segregation-of-duties refusal is written to the audit log in a
 * transaction of its own (the work's is rolled back) and answered 403 segregation_of_duties.
 */
async function withSegregation<T>(context: PlatformContext, tenantId: string, actor: Actor, work: (sql: Sql) => Promise<T>): Promise<T> {
  try {
    return await context.db.withTenant(tenantId, work);
  } catch (error) {
    if (!(error instanceof SodRefused)) throw error;
    const { violation } = error;
    await context.db.withTenant(tenantId, (sql) =>
      recordAudit(sql, tenantId, actor, context.clock.now(), {
        action: 'application.segregation_refused',
        objectType: 'application',
        objectId: error.applicationId,
        ...(error.customerId ? { customerId: error.customerId } : {}),
        after: { stage: error.stageCode, rule: violation.rule.kind, ruleStages: [...violation.rule.stageCodes], conflictsWith: violation.conflictsWith ? { stage: violation.conflictsWith.stageCode, staff: violation.conflictsWith.staffName, department: violation.conflictsWith.department } : null },
      }),
    );
    throw new DomainError('forbidden', 'segregation_of_duties', violation.zh, violation.en, [{ field: 'stage', zh: violation.zh, en: violation.en }]);
  }
}

export async function claimApplication(context: PlatformContext, tenantId: string, who: Worker, id: string, input: { version: number }, actor: Actor): Promise<ApplicationDetail> {
  return withSegregation(context, tenantId, actor, async (sql) => {
    const locked = await lockForWork(sql, tenantId, who, id, input.version);
    checkSegregation(locked, who);
    const now = context.clock.now();
    await sql.query('UPDATE applications SET holder_staff_id = $2, version = version + 1 WHERE id = $1', [id, who.staffId]);
    const by = await workerActorOf(sql, who, actor);
    await sql.query(
      "INSERT INTO application_events (tenant_id, application_id, kind, position, stage_code, staff_id, actor, actor_kind, actor_name, at) VALUES ($1, $2, 'claimed', $3, $4, $5, $6, $7, $8, $9)",
      [tenantId, id, locked.stage.position, locked.stage.code, who.staffId, actor.name, by.kind, by.name, now],
    );
    await recordAudit(sql, tenantId, actor, now, { action: 'application.claim', objectType: 'application', objectId: id, ...(locked.row.customer_id ? { customerId: locked.row.customer_id } : {}), after: { stage: locked.stage.code } });
    return detailOf(sql, await findRow(sql, id), locked.type, { kind: 'staff', ...who }, now);
  });
}

/** Does the current stage with its outputs and effects, and starts the next (or finishes the application). */
export async function advanceApplication(context: PlatformContext, tenantId: string, who: Worker, id: string, input: Advance, actor: Actor): Promise<ApplicationDetail> {
  return withSegregation(context, tenantId, actor, async (sql) => {
    const locked = await lockForWork(sql, tenantId, who, id, input.version, input.stage);
    const { row, type, stage } = locked;
    checkSegregation(locked, who);
    const documents = await documentsOf(sql, id);
    if (stage.position === 1) {
      const missing = type.materials.filter((material) => material.isRequired && !documents.some((document) => document.purpose === materialPurpose(material.code)));
      if (missing.length > 0) {
        throw new DomainError('conflict', 'materials_missing', `材料不全：${missing.map((material) => material.name).join('、')}`, `Documents missing: ${missing.map((material) => material.nameEn).join(', ')}`, missing.map((material) => ({ field: `materials.${material.code}`, zh: '尚未提交', en: 'not provided' })));
      }
    }
    const outputs = checkOutputs(stage.outputs, input.outputs, documents.filter((document) => document.purpose === stagePurpose(stage.code)).length);
    const calendar = await calendarOf(sql, tenantId);
    const now = context.clock.now();
    const facts: ApplicationFacts = {
      id,
      applicationNo: row.application_no,
      customerId: row.customer_id,
      premiseId: row.premise_id,
      accountId: row.account_id,
      meterId: row.meter_id,
      applicantName: row.applicant_name,
      applicantPhone: row.applicant_phone,
      district: row.district,
      street: row.street,
      address: row.address,
      details: row.details,
    };
    await applyStageEffect({ context, sql, tenantId, timeZone: calendar.timeZone, staffId: who.staffId, actor, now }, type.code, stage.code, facts, outputs);
    const by = await workerActorOf(sql, who, actor);
    await sql.query(
      `INSERT INTO application_events (tenant_id, application_id, kind, position, stage_code, staff_id, actor, actor_kind, actor_name, department, started_at, due_at, at, outputs, note)
       VALUES ($1, $2, 'stage_done', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14)`,
      [tenantId, id, stage.position, stage.code, who.staffId, actor.name, by.kind, by.name, locked.department, row.stage_started_at, row.stage_due_at, now, JSON.stringify(outputs), input.note ?? null],
    );
    // A stage the utility left out (process settings) is passed over; one already started is finished.
    const next = type.stages.find((candidate) => candidate.position > stage.position && candidate.isEnabled);
    if (next) {
      const due = addWorkingDays(calendar, now, next.timeLimitDays);
      await sql.query('UPDATE applications SET current_position = $2, holder_staff_id = NULL, stage_started_at = $3, stage_due_at = $4, version = version + 1 WHERE id = $1', [id, next.position, now, due]);
      await notifyApplicant(sql, tenantId, row, type, `“${stage.name}”已完成，${stageMessage(next, due, calendar.timeZone)}`, now);
    } else {
      await sql.query("UPDATE applications SET status = 'completed', current_position = NULL, holder_staff_id = NULL, stage_started_at = NULL, stage_due_at = NULL, finished_at = $2, version = version + 1 WHERE id = $1", [id, now]);
      await sql.query("INSERT INTO application_events (tenant_id, application_id, kind, staff_id, actor, actor_kind, actor_name, at) VALUES ($1, $2, 'completed', $3, $4, $5, $6, $7)", [tenantId, id, who.staffId, actor.name, by.kind, by.name, now]);
      const [account] = facts.accountId ? await sql.query<{ account_no: string }>('SELECT account_no FROM accounts WHERE id = $1', [facts.accountId]) : [];
      await notifyApplicant(sql, tenantId, row, type, `已办结${account && type.code === 'new_connection' ? `，您的户号为 ${account.account_no}` : ''}。`, now);
    }
    await recordAudit(sql, tenantId, actor, now, {
      action: 'application.stage_done',
      objectType: 'application',
      objectId: id,
      ...(facts.customerId ? { customerId: facts.customerId } : {}),
      before: { stage: stage.code },
      after: { stage: next?.code ?? null, status: next ? 'in_progress' : 'completed', outputs },
    });
    return detailOf(sql, await findRow(sql, id), type, { kind: 'staff', ...who }, now);
  });
}

/** Sends it back to the applicant for what is missing (the clock stops until they resubmit), or rejects it. */
export async function returnOrReject(context: PlatformContext, tenantId: string, who: Worker, id: string, input: Reason, outcome: 'returned' | 'rejected', actor: Actor): Promise<ApplicationDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    const { row, type, stage } = await lockForWork(sql, tenantId, who, id, input.version);
    const now = context.clock.now();
    if (outcome === 'returned') {
      await sql.query("UPDATE applications SET status = 'returned', reason = $2, holder_staff_id = NULL, stage_due_at = NULL, version = version + 1 WHERE id = $1", [id, input.reason]);
      await notifyApplicant(sql, tenantId, row, type, `在“${stage.name}”环节退回补正：${input.reason}。请补充后重新提交。`, now);
    } else {
      await sql.query("UPDATE applications SET status = 'rejected', reason = $2, current_position = NULL, holder_staff_id = NULL, stage_started_at = NULL, stage_due_at = NULL, finished_at = $3, version = version + 1 WHERE id = $1", [id, input.reason, now]);
      await notifyApplicant(sql, tenantId, row, type, `未予办理，原因：${input.reason}。`, now);
    }
    const by = await workerActorOf(sql, who, actor);
    await sql.query(
      'INSERT INTO application_events (tenant_id, application_id, kind, position, stage_code, staff_id, actor, actor_kind, actor_name, at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
      [tenantId, id, outcome, stage.position, stage.code, who.staffId, actor.name, by.kind, by.name, now, input.reason],
    );
    await recordAudit(sql, tenantId, actor, now, { action: outcome === 'returned' ? 'application.return' : 'application.reject', objectType: 'application', objectId: id, ...(row.customer_id ? { customerId: row.customer_id } : {}), before: { status: row.status, stage: stage.code }, after: { status: outcome, reason: input.reason } });
    return detailOf(sql, await findRow(sql, id), type, { kind: 'staff', ...who }, now);
  });
}

/** The applicant (or the counter for them) resubmits a returned application: its stage starts again. */
export async function resubmitApplication(context: PlatformContext, tenantId: string, viewer: Viewer, id: string, input: Resubmit, actor: Actor): Promise<ApplicationDetail> {
  if (viewer.kind === 'staff' && !viewer.permissions.includes('application.create')) throw forbidden();
  return context.db.withTenant(tenantId, async (sql) => {
    const row = await visibleRow(sql, viewer, id, true);
    if (row.version !== input.version) throw staleVersion();
    if (row.status !== 'returned') throw new DomainError('conflict', 'not_returned', '申请未被退回，无需重新提交', 'The application was not returned', [{ field: 'id', zh: '未被退回', en: 'was not returned' }]);
    const type = typeOf(await loadApplicationTypes(sql, tenantId), row);
    const stage = stageAt(type, row.current_position) as Stage;
    const calendar = await calendarOf(sql, tenantId);
    const now = context.clock.now();
    const due = addWorkingDays(calendar, now, stage.timeLimitDays);
    await sql.query("UPDATE applications SET status = 'in_progress', reason = NULL, stage_started_at = $2, stage_due_at = $3, version = version + 1 WHERE id = $1", [id, now, due]);
    const by = await eventActorOf(sql, actor);
    await sql.query(
      "INSERT INTO application_events (tenant_id, application_id, kind, position, stage_code, staff_id, actor, actor_kind, actor_name, at, note) VALUES ($1, $2, 'resubmitted', $3, $4, $5, $6, $7, $8, $9, $10)",
      [tenantId, id, stage.position, stage.code, by.staffId, actor.name, by.kind, by.name, now, input.note ?? null],
    );
    await notifyApplicant(sql, tenantId, row, type, `已重新提交，${stageMessage(stage, due, calendar.timeZone)}`, now);
    await recordAudit(sql, tenantId, actor, now, { action: 'application.resubmit', objectType: 'application', objectId: id, ...(row.customer_id ? { customerId: row.customer_id } : {}), after: { stage: stage.code } });
    return detailOf(sql, await findRow(sql, id), type, viewer, now);
  });
}

// ---- documents ----

/**
 * Adds a file: a material (the applicant, or the counter with application.create) while the application is
 * open, or the current stage's own file (whoever may work that stage now).
 */
export async function addDocument(context: PlatformContext, tenantId: string, viewer: Viewer, id: string, input: DocumentUpload, actor: Actor): Promise<ApplicationDocument> {
  if (Boolean(input.material) === Boolean(input.stage)) throw invalidField('material', '请指定材料或环节之一', 'give either a material or a stage');
  if (viewer.kind === 'staff' && !viewer.permissions.includes(input.material ? 'application.create' : 'application.work')) throw forbidden();
  return storeDocument(
    context,
    tenantId,
    async (sql, record) => {
      const row = await visibleRow(sql, viewer, id, true);
      const type = typeOf(await loadApplicationTypes(sql, tenantId), row);
      if (row.status !== 'in_progress' && row.status !== 'returned') throw new DomainError('conflict', 'application_finished', '申请已办结，不能再添加文件', 'The application is finished; files can no longer be added', [{ field: 'id', zh: '已办结', en: 'is finished' }]);
      if (input.material) {
        const material = type.materials.find((candidate) => candidate.code === input.material);
        if (!material) throw unknownMaterial();
        return record(materialPurpose(material.code), row.customer_id, material.acceptedKinds);
      }
      const stage = stageAt(type, row.current_position);
      if (!stage || stage.code !== input.stage || row.status !== 'in_progress') throw invalidField('stage', '只能为当前办理中的环节上传文件', 'files are added to the current stage only, while it is worked');
      if (viewer.kind !== 'staff' || !mayWork(viewer, stage)) throw new DomainError('forbidden', 'wrong_role', `“${stage.name}”环节由${stage.roleName.zh}办理`, `The stage "${stage.code}" is done by the role ${stage.role}`, [{ field: 'stage', zh: `须由${stage.roleName.zh}办理`, en: `is done by the role ${stage.role}` }]);
      return record(stagePurpose(stage.code), row.customer_id);
    },
    input.file,
    id,
    actor,
  );
}

export async function readDocument(context: PlatformContext, tenantId: string, viewer: Viewer, id: string, documentId: string) {
  const found = await context.db.withTenant(tenantId, async (sql) => {
    await visibleRow(sql, viewer, id);
    return readDocumentFile(context, tenantId, sql, id, documentId);
  });
  return { ...(await found.read()), id: found.attachment.id, fileName: found.attachment.originalName };
}

// ---- departments and figures ----

export async function setStaffDepartment(context: PlatformContext, tenantId: string, staffId: string, department: Department | null, actor: Actor): Promise<{ staffId: string; department: Department | null }> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [before] = await sql.query<{ department: Department | null }>('SELECT department FROM staff WHERE id = $1 FOR UPDATE', [staffId]);
    if (!before) throw notFound({ zh: '员工', en: 'Staff member' });
    await sql.query('UPDATE staff SET department = $2 WHERE id = $1', [staffId, department]);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'staff.department', objectType: 'staff', objectId: staffId, before: { department: before.department }, after: { department } });
    return { staffId, department };
  });
}

/**
 * For the manager: per type and stage, how many are there now, how many overdue, and the average days the
 * stage took; per type, how many are in progress, back with the applicant, overdue, finished (late or not)
 * and the average days from submission to completion.
 */
export async function stageStatistics(context: PlatformContext, tenantId: string) {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const types = await loadApplicationTypes(sql, tenantId);
    const open = await sql.query<{ type_id: string; position: number; open: number; overdue: number }>(
      "SELECT type_id, current_position AS position, count(*)::int AS open, count(*) FILTER (WHERE status = 'in_progress' AND stage_due_at < $1)::int AS overdue FROM applications WHERE current_position IS NOT NULL GROUP BY 1, 2",
      [now],
    );
    const done = await sql.query<{ type_id: string; stage_code: string; done: number; average: number | null }>(
      `SELECT a.type_id, e.stage_code, count(*)::int AS done, round(avg(extract(epoch FROM e.at - e.started_at)) / 864)::int AS average
       FROM application_events e JOIN applications a ON a.id = e.application_id WHERE e.kind = 'stage_done' GROUP BY 1, 2`,
    );
    const byType = await sql.query<{ type_id: string; in_progress: number; returned: number; overdue: number; completed: number; rejected: number; completed_late: number; average: number | null }>(
      `SELECT type_id,
         count(*) FILTER (WHERE status = 'in_progress')::int AS in_progress,
         count(*) FILTER (WHERE status = 'returned')::int AS returned,
         count(*) FILTER (WHERE status = 'in_progress' AND stage_due_at < $1)::int AS overdue,
         count(*) FILTER (WHERE status = 'completed')::int AS completed,
         count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
         count(*) FILTER (WHERE status = 'completed' AND finished_at > due_at)::int AS completed_late,
         round(avg(extract(epoch FROM finished_at - submitted_at)) FILTER (WHERE status = 'completed') / 864)::int AS average
       FROM applications GROUP BY 1`,
      [now],
    );
    return {
      stages: types.flatMap((type) =>
        type.stages.map((stage) => {
          const here = open.find((row) => row.type_id === type.id && row.position === stage.position);
          const finished = done.find((row) => row.type_id === type.id && row.stage_code === stage.code);
          return { typeCode: type.code, typeName: type.name, typeNameEn: type.nameEn, stageCode: stage.code, stageName: stage.name, stageNameEn: stage.nameEn, open: here?.open ?? 0, overdue: here?.overdue ?? 0, done: finished?.done ?? 0, averageDaysHundredths: finished?.average ?? null };
        }),
      ),
      types: types.map((type) => {
        const row = byType.find((candidate) => candidate.type_id === type.id);
        return {
          typeCode: type.code,
          typeName: type.name,
          typeNameEn: type.nameEn,
          inProgress: row?.in_progress ?? 0,
          returned: row?.returned ?? 0,
          overdue: row?.overdue ?? 0,
          completed: row?.completed ?? 0,
          rejected: row?.rejected ?? 0,
          completedLate: row?.completed_late ?? 0,
          averageDaysHundredths: row?.average ?? null,
        };
      }),
    };
  });
}

/** The active reading routes a new account can be put on, for whoever opens accounts at a stage (who may not read routes otherwise). */
export async function routeChoices(context: PlatformContext, tenantId: string): Promise<{ id: string; code: string; name: string }[]> {
  return context.db.withTenant(tenantId, (sql) => sql.query<{ id: string; code: string; name: string }>('SELECT id, code, name FROM reading_routes WHERE is_active ORDER BY code'));
}
