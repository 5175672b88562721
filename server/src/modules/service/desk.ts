/**
 * What the service desk adds to a request's own life (requests.ts calls these in its transactions): at
 * creation the duplicate check, the call it came on, the standard answers quoted, closure at first contact
 * and the duty leader's SMS; at closure the follow-up visit; at reopening the end of a follow-up that no
 * longer applies. And the desk side of one request, for its page.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { invalidField, notFound } from '../../platform/errors';
import { forbidden } from '../../platform/http/guards';
import type { Permission } from '../../platform/permissions';
import { neutralActor, type ReadableEvent } from './actors';
import { callsOfRequest, linkCallToRequest } from './calls';
import { refuseLikelyDuplicate } from './duplicates';
import { DUTY_ALERT_LEVEL, notifyDutyLeaders } from './duty';
import { followUpOnClose, followUpOnReopen, followUpsOfRequest } from './followups';
import { recordKnowledgeUse } from './knowledge';
import { trackOf, type RequestKind, type Step } from './states';

/** The desk's fields of a new request (staff: all of them; the portal: the duplicate confirmation). */
export interface DeskInput {
  confirmNotDuplicate?: boolean | undefined;
  callId?: string | undefined;
  knowledgeArticleIds?: string[] | undefined;
  resolveAtFirstContact?: { answer: string } | undefined;
}

export interface DeskOrigin {
  /** Refuse a likely duplicate unless confirmed; the portal is told more gently. */
  checkDuplicates?: 'staff' | 'portal';
  /** The permissions of the staff member recording it (closing at first contact needs service.handle). */
  permissions?: readonly Permission[];
}

export interface CreatedRequest {
  id: string;
  requestNo: string;
  kind: RequestKind;
  categoryId: string;
  categoryName: string;
  premiseId: string | null;
  address: string | null;
  alertLevel: number;
  customerId: string | null;
}

/**
 * Whether the desk has anything to do when this request is recorded (what afterRequestCreated does). When
 * it has not, the request can be written with the COMMIT, as nothing reads it before (requests.ts).
 */
export function deskActsAtCreation(input: DeskInput, origin: DeskOrigin, alertLevel: number): boolean {
  return (origin.checkDuplicates !== undefined && !input.confirmNotDuplicate) || input.callId !== undefined || (input.knowledgeArticleIds ?? []).length > 0 || input.resolveAtFirstContact !== undefined || alertLevel >= DUTY_ALERT_LEVEL;
}

/**
 * Everything the desk does when a request is recorded, in the transaction that records it. Whether it wrote
 * anything to the request's own record (state, timeline, links), so that the caller reads it back.
 */
export async function afterRequestCreated(context: PlatformContext, sql: Sql, tenantId: string, request: CreatedRequest, input: DeskInput, origin: DeskOrigin, actor: Actor, now: Date): Promise<boolean> {
  if (!deskActsAtCreation(input, origin, request.alertLevel)) return false;
  if (origin.checkDuplicates && !input.confirmNotDuplicate) await refuseLikelyDuplicate(sql, request, origin.checkDuplicates, now);
  if (input.callId) await linkCallToRequest(sql, tenantId, input.callId, request.id, actor, now);
  const answers = await recordKnowledgeUse(sql, tenantId, request.id, input.knowledgeArticleIds ?? [], actor, now);
  if (input.resolveAtFirstContact) {
    if (!origin.permissions?.includes('service.handle')) throw forbidden();
    await closeAtFirstContact(context, sql, tenantId, request, input.resolveAtFirstContact.answer, answers, actor, now);
  }
  await notifyDutyLeaders(sql, tenantId, request, actor, now);
  // The duty leaders' notification is on the timeline whether or not anyone was on duty to be told.
  return input.callId !== undefined || answers.length > 0 || input.resolveAtFirstContact !== undefined || request.alertLevel >= DUTY_ALERT_LEVEL;
}

/**
 * An inquiry (or other desk work) answered on the call: accepted, answered and closed at once, each step on
 * the timeline, every desk time limit met now, and the request marked resolved at first contact.
 */
async function closeAtFirstContact(context: PlatformContext, sql: Sql, tenantId: string, request: CreatedRequest, answer: string, answers: { id: string; title: string; version: number }[], actor: Actor, now: Date): Promise<void> {
  if (trackOf(request.kind) !== 'desk') throw invalidField('resolveAtFirstContact', '报修工单须派单处理，不能在来电时直接办结', 'a repair goes to the field; it cannot be closed on the call');
  await sql.query("UPDATE service_requests SET state = 'closed', closed_at = $2, first_contact_resolution = true, version = version + 1, updated_at = $2 WHERE id = $1", [request.id, now]);
  await sql.query('UPDATE service_request_deadlines SET met_at = $2 WHERE request_id = $1 AND met_at IS NULL', [request.id, now]);
  const quoted = answers.length > 0 ? `（依据知识库：${answers.map((item) => item.title).join('、')}）` : '';
  const steps: [Step, string, string, string][] = [
    ['accept', 'submitted', 'accepted', '来电即时受理'],
    ['respond', 'accepted', 'responded', `${answer}${quoted}`],
    ['close', 'responded', 'closed', '首次来电即解决'],
  ];
  for (const [step, from, to, note] of steps) {
    await sql.query(
      'INSERT INTO service_request_events (tenant_id, request_id, step, from_state, to_state, actor, at, note, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)',
      [tenantId, request.id, step, from, to, actor.name, now, note, JSON.stringify({ firstContact: true, knowledgeArticleIds: answers.map((item) => item.id) })],
    );
  }
  await recordAudit(sql, tenantId, actor, now, { action: 'service_request.close', objectType: 'service_request', objectId: request.id, ...(request.customerId ? { customerId: request.customerId } : {}), before: { state: 'submitted' }, after: { state: 'closed', firstContactResolution: true } });
  await followUpOnClose(context, sql, tenantId, request.id, now);
}

/**
 * A request's timeline as its customer sees it: without the duty leader's notification and the
 * supervisor's handling, without the notes of further contacts (other callers' names and numbers) and of
 * reassignments (crew members' names and the dispatcher's reason), and with
 * "staff" for the staff member who took a step (actors.ts).
 */
export function eventsForCustomer<T extends ReadableEvent>(events: readonly T[]): T[] {
  return events.filter((event) => event.step !== 'notify_duty' && event.step !== 'review').map((event) => neutralActor(event.step === 'contact' || event.step === 'reassign' ? { ...event, note: null } : event));
}

/** After a step of the state machine (in its transaction): closure makes the follow-up, reopening ends one. */
export async function afterStepTaken(context: PlatformContext, sql: Sql, tenantId: string, requestId: string, step: Step, to: string, now: Date): Promise<void> {
  if (to === 'closed') await followUpOnClose(context, sql, tenantId, requestId, now);
  if (step === 'reopen') await followUpOnReopen(sql, requestId);
}

/** A request's desk side: first-contact resolution, its calls, the answers quoted, its follow-ups. */
export async function requestDesk(context: PlatformContext, tenantId: string, requestId: string) {
  const now = context.clock.now();
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ first_contact_resolution: boolean }>('SELECT first_contact_resolution FROM service_requests WHERE id = $1', [requestId]);
    if (!rows[0]) throw notFound({ zh: '工单', en: 'Service request' });
    const knowledge = await sql.query<{ id: string; version: number; title: string; used_by: string; used_at: Date }>(
      `SELECT u.article_id AS id, u.version, v.title, u.used_by, u.used_at FROM service_kb_uses u
       JOIN service_kb_article_versions v ON v.article_id = u.article_id AND v.version = u.version WHERE u.request_id = $1 ORDER BY u.used_at`,
      [requestId],
    );
    return {
      firstContactResolution: rows[0].first_contact_resolution,
      calls: await callsOfRequest(sql, requestId),
      knowledge: knowledge.map((item) => ({ id: item.id, version: item.version, title: item.title, usedBy: item.used_by, usedAt: item.used_at.toISOString() })),
      followUps: await followUpsOfRequest(sql, requestId, now),
    };
  });
}
