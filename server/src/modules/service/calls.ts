/**
 * The call log (来电记录) and call-back tasks (回拨). Calls are logged through the API by an agent or by a
 * phone system (its own id makes a repeat harmless), so answer rate per day can be measured without a
 * telephony integration: answered inbound calls over all inbound calls of the utility's calendar day.
 * The other party's number is personal data: encrypted, blind-indexed, and shown masked; an agent working a
 * call-back task reveals it to dial, audited.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound, staleVersion } from '../../platform/errors';
import { maskPhone } from '../../platform/masking';
import { businessDate } from '../customers';
import { loadTenantSettings } from '../tenancy';
import type { Callback, CallbackAttempt, CallPatch, NewCall, ServiceCall } from './desk-schemas';

const CALL = { zh: '来电记录', en: 'Call' };
const CALLBACK = { zh: '回拨任务', en: 'Call-back task' };
/** Attempts after which a call-back task is given up as unreachable. */
export const CALLBACK_ATTEMPTS = 3;
/** A call may be logged with a start this far in the future (clocks of phone systems drift). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The digits a number is indexed by: spaces and dashes removed, +86 dropped. */
export function normaliseNumber(number: string): string {
  const digits = number.replace(/[\s-]/g, '');
  return digits.startsWith('+86') ? digits.slice(3) : digits;
}

export async function tenantTimeZone(sql: Sql): Promise<string> {
  const rows = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = current_tenant_id()');
  return rows[0]?.time_zone ?? 'Asia/Shanghai';
}

interface CallRow {
  id: string;
  direction: ServiceCall['direction'];
  outcome: ServiceCall['outcome'];
  number_masked: string;
  agent_staff_id: string | null;
  agent_name: string | null;
  started_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  business_date: string;
  external_id: string | null;
  note: string | null;
  created_by: string;
  created_at: Date;
  callback_id: string | null;
  callback_state: Callback['state'] | null;
  callback_due_at: Date | null;
}

// A call's task: the one it created (inbound missed / call-back), or the one it worked (outbound).
const CALL_SELECT = `SELECT c.id, c.direction, c.outcome, c.number_masked, c.agent_staff_id, s.display_name AS agent_name, c.started_at, c.answered_at, c.ended_at,
    c.business_date, c.external_id, c.note, c.created_by, c.created_at, cb.id AS callback_id, cb.state AS callback_state, cb.due_at AS callback_due_at
  FROM service_calls c LEFT JOIN staff s ON s.id = c.agent_staff_id
  LEFT JOIN service_callbacks cb ON cb.id = coalesce(c.callback_id, (SELECT x.id FROM service_callbacks x WHERE x.call_id = c.id LIMIT 1))`;

const seconds = (from: Date | null, to: Date | null) => (from && to ? Math.round((to.getTime() - from.getTime()) / 1000) : null);

async function callsOf(sql: Sql, where: string, params: unknown[]): Promise<ServiceCall[]> {
  const rows = await sql.query<CallRow>(`${CALL_SELECT} ${where}`, params);
  const ids = rows.map((row) => row.id);
  const links =
    ids.length === 0
      ? []
      : await sql.query<{ call_id: string; id: string; request_no: string; state: ServiceCall['requests'][number]['state'] }>(
          'SELECT l.call_id, r.id, r.request_no, r.state FROM service_call_requests l JOIN service_requests r ON r.id = l.request_id WHERE l.call_id = ANY($1::uuid[]) ORDER BY l.linked_at',
          [ids],
        );
  return rows.map((row) => ({
    id: row.id,
    direction: row.direction,
    outcome: row.outcome,
    numberMasked: row.number_masked,
    agent: row.agent_staff_id ? { id: row.agent_staff_id, name: row.agent_name ?? '' } : null,
    startedAt: row.started_at.toISOString(),
    answeredAt: row.answered_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    waitSeconds: seconds(row.started_at, row.answered_at),
    durationSeconds: seconds(row.answered_at ?? row.started_at, row.ended_at),
    businessDate: row.business_date,
    externalId: row.external_id,
    note: row.note,
    requests: links.filter((link) => link.call_id === row.id).map((link) => ({ id: link.id, requestNo: link.request_no, state: link.state })),
    callback: row.callback_id && row.callback_state && row.callback_due_at ? { id: row.callback_id, state: row.callback_state, dueAt: row.callback_due_at.toISOString() } : null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  }));
}

async function callById(sql: Sql, id: string): Promise<ServiceCall> {
  const [call] = await callsOf(sql, 'WHERE c.id = $1', [id]);
  if (!call) throw notFound(CALL);
  return call;
}

/** Links a call to a request (once; a second link of the same pair is no change). */
export async function linkCallToRequest(sql: Sql, tenantId: string, callId: string, requestId: string, actor: Actor, now: Date): Promise<boolean> {
  const call = await sql.query('SELECT 1 FROM service_calls WHERE id = $1', [callId]);
  if (call.length === 0) throw invalidField('callId', '来电记录不存在', 'no such call');
  const request = await sql.query('SELECT 1 FROM service_requests WHERE id = $1', [requestId]);
  if (request.length === 0) throw invalidField('requestId', '工单不存在', 'no such request');
  const rows = await sql.query(
    'INSERT INTO service_call_requests (tenant_id, call_id, request_id, linked_by, linked_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1',
    [tenantId, callId, requestId, actor.name, now],
  );
  return rows.length > 0;
}

const parseTime = (value: string | undefined, fallback: Date) => (value ? new Date(value) : fallback);

/**
 * Logs a call. A missed or call-back inbound call opens a call-back task for its number (or counts on the
 * task already open for it). The same externalId again answers the call as first logged.
 */
export async function logCall(context: PlatformContext, tenantId: string, input: NewCall, who: { staffId: string }, actor: Actor): Promise<{ call: ServiceCall; isNew: boolean }> {
  const now = context.clock.now();
  const startedAt = parseTime(input.startedAt, now);
  if (startedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalidField('startedAt', '不能晚于现在', 'must not be in the future');
  if (input.direction === 'outbound' && input.outcome === 'call_back') throw invalidField('outcome', '去电没有“请求回拨”这一结果', 'an outbound call cannot be call_back');
  const answered = input.outcome === 'answered';
  if (!answered && input.answeredAt) throw invalidField('answeredAt', '未接通的电话没有接听时间', 'only an answered call has an answer time');
  const answeredAt = answered ? parseTime(input.answeredAt, startedAt) : null;
  if (answeredAt && answeredAt < startedAt) throw invalidField('answeredAt', '不能早于来电时间', 'must not be before startedAt');
  const endedAt = input.endedAt ? new Date(input.endedAt) : null;
  if (endedAt && endedAt < (answeredAt ?? startedAt)) throw invalidField('endedAt', '不能早于接听或来电时间', 'must not be before the call was answered or started');
  const number = normaliseNumber(input.number);
  return context.db.withTenant(tenantId, async (sql) => {
    if (input.externalId) {
      const known = await sql.query<{ id: string }>('SELECT id FROM service_calls WHERE external_id = $1', [input.externalId]);
      if (known[0]) return { call: await callById(sql, known[0].id), isNew: false };
    }
    const agentId = input.agentStaffId ?? (answered ? who.staffId : null);
    if (agentId && agentId !== who.staffId) {
      const agent = await sql.query('SELECT 1 FROM staff WHERE id = $1', [agentId]);
      if (agent.length === 0) throw invalidField('agentStaffId', '没有这位工作人员', 'no such staff member');
    }
    const timeZone = await tenantTimeZone(sql);
    const index = context.cipher.blindIndex(number);
    const [created] = await sql.query<{ id: string }>(
      `INSERT INTO service_calls (tenant_id, direction, outcome, number_cipher, number_index, number_masked, agent_staff_id, started_at, answered_at, ended_at,
         business_date, external_id, note, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        tenantId, input.direction, input.outcome, context.cipher.encrypt(number), index, maskPhone(number) ?? '****', agentId, startedAt, answeredAt, endedAt,
        businessDate(startedAt, timeZone), input.externalId ?? null, input.note ?? null, actor.name, now,
      ],
    );
    const id = (created as { id: string }).id;
    let callbackId: string | null = null;
    if (input.direction === 'inbound' && !answered) {
      const settings = (await loadTenantSettings(sql)).serviceDesk;
      const open = await sql.query<{ id: string }>(
        "UPDATE service_callbacks SET missed_calls = missed_calls + 1, version = version + 1 WHERE number_index = $1 AND state = 'open' RETURNING id",
        [index],
      );
      callbackId = open[0]?.id ?? null;
      if (!callbackId) {
        const [task] = await sql.query<{ id: string }>(
          'INSERT INTO service_callbacks (tenant_id, call_id, number_index, due_at, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [tenantId, id, index, new Date(startedAt.getTime() + settings.callbackMinutes * 60_000), now],
        );
        callbackId = (task as { id: string }).id;
      } else {
        // A repeat missed call belongs to the task already open for the number.
        await sql.query('UPDATE service_calls SET callback_id = $2 WHERE id = $1', [id, callbackId]);
      }
    }
    for (const requestId of input.requestIds ?? []) await linkCallToRequest(sql, tenantId, id, requestId, actor, now);
    await recordAudit(sql, tenantId, actor, now, {
      action: 'service_call.create',
      objectType: 'service_call',
      objectId: id,
      after: { direction: input.direction, outcome: input.outcome, number: maskPhone(number), externalId: input.externalId ?? null, callbackId },
    });
    return { call: await callById(sql, id), isNew: true };
  });
}

export async function getCall(context: PlatformContext, tenantId: string, id: string): Promise<ServiceCall> {
  return context.db.withTenant(tenantId, (sql) => callById(sql, id));
}

export async function listCalls(
  context: PlatformContext,
  tenantId: string,
  filter: { date?: string | undefined; direction?: ServiceCall['direction'] | undefined; outcome?: ServiceCall['outcome'] | undefined; number?: string | undefined; limit: number },
): Promise<ServiceCall[]> {
  return context.db.withTenant(tenantId, (sql) =>
    callsOf(
      sql,
      `WHERE ($1::date IS NULL OR c.business_date = $1) AND ($2::text IS NULL OR c.direction = $2) AND ($3::text IS NULL OR c.outcome = $3)
         AND ($4::bytea IS NULL OR c.number_index = $4)
       ORDER BY c.started_at DESC, c.id LIMIT $5`,
      [filter.date ?? null, filter.direction ?? null, filter.outcome ?? null, filter.number ? context.cipher.blindIndex(normaliseNumber(filter.number)) : null, filter.limit],
    ),
  );
}

/** Records when a call ended (once) and its note. */
export async function updateCall(context: PlatformContext, tenantId: string, id: string, patch: CallPatch, actor: Actor): Promise<ServiceCall> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ started_at: Date; answered_at: Date | null; ended_at: Date | null; note: string | null }>('SELECT started_at, answered_at, ended_at, note FROM service_calls WHERE id = $1 FOR UPDATE', [id]);
    const current = rows[0];
    if (!current) throw notFound(CALL);
    let endedAt = current.ended_at;
    if (patch.endedAt !== undefined) {
      if (current.ended_at) throw new DomainError('conflict', 'call_ended', '这通电话已记录结束时间', 'The end of this call is recorded already', [{ field: 'endedAt', zh: '已记录', en: 'recorded already' }]);
      endedAt = new Date(patch.endedAt);
      if (endedAt < (current.answered_at ?? current.started_at)) throw invalidField('endedAt', '不能早于接听或来电时间', 'must not be before the call was answered or started');
      if (endedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw invalidField('endedAt', '不能晚于现在', 'must not be in the future');
    }
    const note = patch.note === undefined ? current.note : patch.note || null;
    await sql.query('UPDATE service_calls SET ended_at = $2, note = $3 WHERE id = $1', [id, endedAt, note]);
    await recordAudit(sql, tenantId, actor, now, {
      action: 'service_call.update',
      objectType: 'service_call',
      objectId: id,
      before: { endedAt: current.ended_at?.toISOString() ?? null, note: current.note },
      after: { endedAt: endedAt?.toISOString() ?? null, note },
    });
    return callById(sql, id);
  });
}

export async function linkCall(context: PlatformContext, tenantId: string, id: string, requestId: string, actor: Actor): Promise<ServiceCall> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const exists = await sql.query('SELECT 1 FROM service_calls WHERE id = $1', [id]);
    if (exists.length === 0) throw notFound(CALL);
    if (await linkCallToRequest(sql, tenantId, id, requestId, actor, now)) {
      await recordAudit(sql, tenantId, actor, now, { action: 'service_call.link', objectType: 'service_call', objectId: id, after: { requestId } });
    }
    return callById(sql, id);
  });
}

const MAX_DAYS = 92;

/** Calls per day of the utility's calendar, every day of the range (zeros included): the answer rate's table. */
export async function dailyCalls(context: PlatformContext, tenantId: string, range: { from: string; to: string }) {
  const days = (Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / 86_400_000;
  if (days < 0) throw invalidField('to', '不能早于开始日期', 'must not be before from');
  if (days >= MAX_DAYS) throw invalidField('to', `最多 ${MAX_DAYS} 天`, `at most ${MAX_DAYS} days`);
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ date: string; inbound: number; answered: number; missed: number; call_back: number; outbound: number; wait: number | null }>(
      `SELECT d::date::text AS date,
              count(c.id) FILTER (WHERE c.direction = 'inbound')::int AS inbound,
              count(c.id) FILTER (WHERE c.direction = 'inbound' AND c.outcome = 'answered')::int AS answered,
              count(c.id) FILTER (WHERE c.direction = 'inbound' AND c.outcome = 'missed')::int AS missed,
              count(c.id) FILTER (WHERE c.direction = 'inbound' AND c.outcome = 'call_back')::int AS call_back,
              count(c.id) FILTER (WHERE c.direction = 'outbound')::int AS outbound,
              round(avg(extract(epoch FROM c.answered_at - c.started_at)) FILTER (WHERE c.direction = 'inbound' AND c.outcome = 'answered'))::int AS wait
       FROM generate_series($1::date, $2::date, interval '1 day') AS d
       LEFT JOIN service_calls c ON c.business_date = d::date
       GROUP BY d ORDER BY d`,
      [range.from, range.to],
    );
    return rows.map((row) => ({
      date: row.date,
      inbound: row.inbound,
      answered: row.answered,
      missed: row.missed,
      callBack: row.call_back,
      answerRate: row.inbound > 0 ? Math.round((row.answered / row.inbound) * 10_000) / 10_000 : null,
      averageWaitSeconds: row.wait,
      outbound: row.outbound,
    }));
  });
}

interface CallbackRow {
  id: string;
  state: Callback['state'];
  number_masked: string;
  missed_calls: number;
  due_at: Date;
  attempts: number;
  first_call_at: Date;
  completed_by_staff_id: string | null;
  completed_by_name: string | null;
  completed_at: Date | null;
  note: string | null;
  created_at: Date;
  version: number;
}

const CALLBACK_SELECT = `SELECT b.id, b.state, c.number_masked, b.missed_calls, b.due_at, b.attempts, c.started_at AS first_call_at, b.completed_by_staff_id, s.display_name AS completed_by_name,
    b.completed_at, b.note, b.created_at, b.version
  FROM service_callbacks b JOIN service_calls c ON c.id = b.call_id LEFT JOIN staff s ON s.id = b.completed_by_staff_id`;

const toCallback = (row: CallbackRow, now: Date): Callback => ({
  id: row.id,
  state: row.state,
  numberMasked: row.number_masked,
  missedCalls: row.missed_calls,
  dueAt: row.due_at.toISOString(),
  isOverdue: row.state === 'open' ? now > row.due_at : (row.completed_at ?? now) > row.due_at,
  attempts: row.attempts,
  firstCallAt: row.first_call_at.toISOString(),
  completedBy: row.completed_by_staff_id ? { id: row.completed_by_staff_id, name: row.completed_by_name ?? '' } : null,
  completedAt: row.completed_at?.toISOString() ?? null,
  note: row.note,
  createdAt: row.created_at.toISOString(),
  version: row.version,
});

async function callbackById(sql: Sql, id: string, now: Date): Promise<Callback> {
  const rows = await sql.query<CallbackRow>(`${CALLBACK_SELECT} WHERE b.id = $1`, [id]);
  if (!rows[0]) throw notFound(CALLBACK);
  return toCallback(rows[0], now);
}

/** Open tasks by due time (oldest first); finished ones newest first. */
export async function listCallbacks(context: PlatformContext, tenantId: string, filter: { state?: Callback['state'] | undefined; limit: number }): Promise<Callback[]> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<CallbackRow>(
      `${CALLBACK_SELECT} WHERE ($1::text IS NULL OR b.state = $1)
       ORDER BY (b.state = 'open') DESC, CASE WHEN b.state = 'open' THEN b.due_at END ASC, b.completed_at DESC NULLS LAST, b.id LIMIT $2`,
      [filter.state ?? null, filter.limit],
    );
    return rows.map((row) => toCallback(row, now));
  });
}

/**
 * One attempt at calling back: logged as an outbound call (answered or missed) tied to the task. Reached:
 * the task is done. Not reached for the third time: the task ends unreachable.
 */
export async function attemptCallback(context: PlatformContext, tenantId: string, id: string, input: CallbackAttempt, who: { staffId: string }, actor: Actor): Promise<Callback> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ state: Callback['state']; version: number; attempts: number; number_cipher: Uint8Array; number_index: Uint8Array; number_masked: string }>(
      `SELECT b.state, b.version, b.attempts, c.number_cipher, c.number_index, c.number_masked FROM service_callbacks b JOIN service_calls c ON c.id = b.call_id
       WHERE b.id = $1 FOR UPDATE OF b`,
      [id],
    );
    const task = rows[0];
    if (!task) throw notFound(CALLBACK);
    if (task.version !== input.version) throw staleVersion();
    if (task.state !== 'open') throw new DomainError('conflict', 'callback_closed', '该回拨任务已结束', 'This call-back task is finished already');
    const timeZone = await tenantTimeZone(sql);
    const [call] = await sql.query<{ id: string }>(
      `INSERT INTO service_calls (tenant_id, direction, outcome, number_cipher, number_index, number_masked, agent_staff_id, started_at, answered_at, business_date, callback_id, note, created_by, created_at)
       VALUES ($1, 'outbound', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $7) RETURNING id`,
      [tenantId, input.reached ? 'answered' : 'missed', task.number_cipher, task.number_index, task.number_masked, who.staffId, now, input.reached ? now : null, businessDate(now, timeZone), id, input.note ?? null, actor.name],
    );
    const callId = (call as { id: string }).id;
    if (input.requestId) await linkCallToRequest(sql, tenantId, callId, input.requestId, actor, now);
    const attempts = task.attempts + 1;
    const state: Callback['state'] = input.reached ? 'done' : attempts >= CALLBACK_ATTEMPTS ? 'unreachable' : 'open';
    await sql.query(
      `UPDATE service_callbacks SET attempts = $2, state = $3, completed_by_staff_id = CASE WHEN $3 = 'open' THEN NULL ELSE $4::uuid END,
         completed_at = CASE WHEN $3 = 'open' THEN NULL ELSE $5::timestamptz END, note = coalesce($6, note), version = version + 1 WHERE id = $1`,
      [id, attempts, state, who.staffId, now, input.note ?? null],
    );
    await recordAudit(sql, tenantId, actor, now, { action: 'service_callback.attempt', objectType: 'service_callback', objectId: id, before: { state: task.state, attempts: task.attempts }, after: { state, attempts, reached: input.reached, callId } });
    return callbackById(sql, id, now);
  });
}

/** The full number of an open task's caller, for the agent to dial (audited). */
export async function revealCallbackNumber(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<{ number: string }> {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ state: Callback['state']; number_cipher: Uint8Array }>('SELECT b.state, c.number_cipher FROM service_callbacks b JOIN service_calls c ON c.id = b.call_id WHERE b.id = $1', [id]);
    const task = rows[0];
    if (!task) throw notFound(CALLBACK);
    if (task.state !== 'open') throw new DomainError('conflict', 'callback_closed', '该回拨任务已结束，号码不再显示', 'This call-back task is finished; its number is no longer shown');
    await recordAudit(sql, tenantId, actor, now, { action: 'service_callback.reveal_number', objectType: 'service_callback', objectId: id });
    return { number: context.cipher.decrypt(task.number_cipher) };
  });
}

/** The calls a request was raised or discussed on, for its desk panel. */
export async function callsOfRequest(sql: Sql, requestId: string) {
  const rows = await sql.query<{ id: string; direction: ServiceCall['direction']; outcome: ServiceCall['outcome']; number_masked: string; started_at: Date; agent: string | null }>(
    `SELECT c.id, c.direction, c.outcome, c.number_masked, c.started_at, s.display_name AS agent
     FROM service_call_requests l JOIN service_calls c ON c.id = l.call_id LEFT JOIN staff s ON s.id = c.agent_staff_id
     WHERE l.request_id = $1 ORDER BY c.started_at`,
    [requestId],
  );
  return rows.map((row) => ({ id: row.id, direction: row.direction, outcome: row.outcome, numberMasked: row.number_masked, startedAt: row.started_at.toISOString(), agent: row.agent }));
}
