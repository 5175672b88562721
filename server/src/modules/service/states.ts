/**
 * The life of a service request (工单), as a table: which step may follow which, for which kind of request,
 * by whom, and which time limit each step meets. Inquiries, complaints, praise and suggestions go through the
 * service desk; repairs go to the field, with the five time limits of emergency repair (受理、派单、到场、
 * 控制、恢复供水). No step can be skipped: each names the one state it follows.
 */
import type { Permission } from '../../platform/permissions';

export const REQUEST_KINDS = ['inquiry', 'complaint', 'praise', 'suggestion', 'repair'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export type Track = 'desk' | 'field';
export const trackOf = (kind: RequestKind): Track => (kind === 'repair' ? 'field' : 'desk');

export const REQUEST_STATES = ['submitted', 'accepted', 'responded', 'dispatched', 'en_route', 'arrived', 'controlled', 'restored', 'closed', 'cancelled'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export const TIME_LIMITS = { desk: ['accept', 'respond', 'close'], field: ['accept', 'dispatch', 'arrive', 'control', 'restore'] } as const;
export type TimeLimit = (typeof TIME_LIMITS)[Track][number];

export type Step = 'accept' | 'respond' | 'dispatch' | 'reassign' | 'depart' | 'arrive' | 'control' | 'restore' | 'close' | 'cancel' | 'reopen';

interface Transition {
  from: readonly RequestState[];
  to: RequestState;
  /** The time limit this step meets, if any. */
  meets: TimeLimit | null;
  permission: Permission;
  /** Only the crew member the request is assigned to may take it. */
  assigneeOnly?: boolean;
}

const DESK: Partial<Record<Step, Transition>> = {
  accept: { from: ['submitted'], to: 'accepted', meets: 'accept', permission: 'service.handle' },
  respond: { from: ['accepted'], to: 'responded', meets: 'respond', permission: 'service.handle' },
  close: { from: ['responded'], to: 'closed', meets: 'close', permission: 'service.handle' },
  cancel: { from: ['submitted', 'accepted'], to: 'cancelled', meets: null, permission: 'service.handle' },
  reopen: { from: ['closed'], to: 'accepted', meets: null, permission: 'service.supervise' },
};

const FIELD: Partial<Record<Step, Transition>> = {
  accept: { from: ['submitted'], to: 'accepted', meets: 'accept', permission: 'service.handle' },
  dispatch: { from: ['accepted'], to: 'dispatched', meets: 'dispatch', permission: 'service.dispatch' },
  // Another crew member takes the job (the first is unavailable, or the wrong one) until someone is on site:
  // the new one has not set out, so the job is dispatched again. It meets no limit and moves none: the
  // dispatch limit was met when it was first dispatched, and arrive, control and restore run on from the report.
  reassign: { from: ['dispatched', 'en_route'], to: 'dispatched', meets: null, permission: 'service.dispatch' },
  depart: { from: ['dispatched'], to: 'en_route', meets: null, permission: 'service.field', assigneeOnly: true },
  arrive: { from: ['en_route'], to: 'arrived', meets: 'arrive', permission: 'service.field', assigneeOnly: true },
  control: { from: ['arrived'], to: 'controlled', meets: 'control', permission: 'service.field', assigneeOnly: true },
  restore: { from: ['controlled'], to: 'restored', meets: 'restore', permission: 'service.field', assigneeOnly: true },
  close: { from: ['restored'], to: 'closed', meets: null, permission: 'service.dispatch' },
  cancel: { from: ['submitted', 'accepted'], to: 'cancelled', meets: null, permission: 'service.dispatch' },
  reopen: { from: ['closed'], to: 'accepted', meets: null, permission: 'service.supervise' },
};

export interface StepCheck {
  ok: boolean;
  to?: RequestState;
  meets?: TimeLimit | null;
  problem?: { code: 'step_not_allowed' | 'wrong_state' | 'crew_on_site' | 'not_permitted' | 'not_assignee'; zh: string; en: string };
}

const STATE_NAMES: Record<RequestState, { zh: string; en: string }> = {
  submitted: { zh: '待受理', en: 'Submitted' },
  accepted: { zh: '已受理', en: 'Accepted' },
  responded: { zh: '已答复', en: 'Answered' },
  dispatched: { zh: '已派单', en: 'Dispatched' },
  en_route: { zh: '已出发', en: 'On the way' },
  arrived: { zh: '已到场', en: 'On site' },
  controlled: { zh: '已控制', en: 'Under control' },
  restored: { zh: '已恢复供水', en: 'Supply restored' },
  closed: { zh: '已办结', en: 'Closed' },
  cancelled: { zh: '已撤销', en: 'Cancelled' },
};
/** The states in which a crew member has arrived on site and holds the job. */
const ON_SITE: readonly RequestState[] = ['arrived', 'controlled', 'restored'];

export const stateName = (state: RequestState): string => STATE_NAMES[state].zh;
/** The state's name in English, for the API's English readers (stateNameEn). */
export const stateNameEn = (state: RequestState): string => STATE_NAMES[state].en;

/** Whether `step` may be taken now by someone with `permissions` (and whether they hold the request). */
export function checkStep(kind: RequestKind, state: RequestState, step: Step, who: { permissions: readonly Permission[]; isAssignee: boolean }): StepCheck {
  const transition = (trackOf(kind) === 'field' ? FIELD : DESK)[step];
  if (!transition) {
    return { ok: false, problem: { code: 'step_not_allowed', zh: `此类工单没有“${step}”这一步`, en: `A ${kind} request has no step "${step}"` } };
  }
  if (!transition.from.includes(state)) {
    // Once the crew is on site the job is theirs: whoever stands at the burst finishes or hands it over there.
    if (step === 'reassign' && ON_SITE.includes(state)) {
      return { ok: false, problem: { code: 'crew_on_site', zh: `维修人员已到场（工单${stateName(state)}），不能再改派`, en: `The crew is on site (the request is ${stateNameEn(state).toLowerCase()}); it can no longer be reassigned` } };
    }
    if (step === 'reassign' && (state === 'submitted' || state === 'accepted')) {
      return { ok: false, problem: { code: 'wrong_state', zh: '工单尚未派单，请直接派单', en: 'The request has not been dispatched yet; dispatch it instead' } };
    }
    return { ok: false, problem: { code: 'wrong_state', zh: `工单${stateName(state)}，不能进行这一步`, en: `The request is ${stateNameEn(state).toLowerCase()}; "${step}" cannot follow it` } };
  }
  if (!who.permissions.includes(transition.permission)) {
    return { ok: false, problem: { code: 'not_permitted', zh: '您无权进行这一步', en: `This step needs the permission ${transition.permission}` } };
  }
  if (transition.assigneeOnly && !who.isAssignee) {
    return { ok: false, problem: { code: 'not_assignee', zh: '只有接单的维修人员可以进行这一步', en: 'Only the crew member the request is assigned to may take this step' } };
  }
  return { ok: true, to: transition.to, meets: transition.meets };
}

/** Every permission that allows `step` for some kind of request: without one of them, no request may take it. */
export function stepPermissions(step: Step): Permission[] {
  return [...new Set([DESK[step]?.permission, FIELD[step]?.permission].filter((permission): permission is Permission => permission !== undefined))];
}

/** The steps that may follow a state, for the UI's buttons. */
export function nextSteps(kind: RequestKind, state: RequestState): Step[] {
  const table = trackOf(kind) === 'field' ? FIELD : DESK;
  return (Object.entries(table) as [Step, Transition][]).filter(([, transition]) => transition.from.includes(state)).map(([step]) => step);
}
