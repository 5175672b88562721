import { describe, expect, it } from 'vitest';
import { permissionsOf, ROLES, type Role } from '../../platform/permissions';
import { checkStep, nextSteps, REQUEST_KINDS, REQUEST_STATES, type RequestKind, type RequestState, type Step } from './states';

const STEPS: Step[] = ['accept', 'respond', 'dispatch', 'reassign', 'depart', 'arrive', 'control', 'restore', 'close', 'cancel', 'reopen'];

/** Walks the request's happy path with the roles that take each step. */
function walk(kind: RequestKind, path: [Step, Role][]): RequestState[] {
  let state: RequestState = 'submitted';
  const seen: RequestState[] = [state];
  for (const [step, role] of path) {
    const check = checkStep(kind, state, step, { permissions: permissionsOf([role]), isAssignee: role === 'repair_crew' });
    expect(check, `${step} by ${role} from ${state}`).toMatchObject({ ok: true });
    state = check.to as RequestState;
    seen.push(state);
  }
  return seen;
}

describe('the request state machine', () => {
  it('takes a repair through the five time limits, each step by the role that owns it', () => {
    expect(
      walk('repair', [
        ['accept', 'hotline_agent'],
        ['dispatch', 'dispatcher'],
        ['depart', 'repair_crew'],
        ['arrive', 'repair_crew'],
        ['control', 'repair_crew'],
        ['restore', 'repair_crew'],
        ['close', 'dispatcher'],
      ]),
    ).toEqual(['submitted', 'accepted', 'dispatched', 'en_route', 'arrived', 'controlled', 'restored', 'closed']);
    const limits = (['accept', 'dispatch', 'arrive', 'control', 'restore'] as Step[]).map((step, index) => {
      const from: RequestState[] = ['submitted', 'accepted', 'en_route', 'arrived', 'controlled'];
      return checkStep('repair', from[index] as RequestState, step, { permissions: permissionsOf([...ROLES]), isAssignee: true }).meets;
    });
    expect(limits).toEqual(['accept', 'dispatch', 'arrive', 'control', 'restore']);
  });

  it('takes a complaint through accept, respond and close at the desk', () => {
    expect(walk('complaint', [['accept', 'counter_clerk'], ['respond', 'hotline_agent'], ['close', 'hotline_agent']])).toEqual(['submitted', 'accepted', 'responded', 'closed']);
  });

  it('lets no step skip another: every (kind, state, step) allowed is exactly the listed next step', () => {
    const everyone = { permissions: permissionsOf([...ROLES]), isAssignee: true };
    for (const kind of REQUEST_KINDS) {
      for (const state of REQUEST_STATES) {
        const allowed = STEPS.filter((step) => checkStep(kind, state, step, everyone).ok);
        expect(allowed, `${kind} ${state}`).toEqual(nextSteps(kind, state));
        // At most the one forward step, plus cancel (early), reassign (dispatched, not yet on site) or reopen (after closing).
        expect(allowed.filter((step) => step !== 'cancel' && step !== 'reopen' && step !== 'reassign').length, `${kind} ${state}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('refuses a step to a role without its permission, and field steps to a crew member the request is not assigned to', () => {
    for (const role of ROLES) {
      const check = checkStep('repair', 'accepted', 'dispatch', { permissions: permissionsOf([role]), isAssignee: false });
      expect(check.ok, role).toBe(role === 'dispatcher');
    }
    expect(checkStep('repair', 'dispatched', 'depart', { permissions: permissionsOf(['repair_crew']), isAssignee: false }).problem?.code).toBe('not_assignee');
    expect(checkStep('repair', 'arrived', 'restore', { permissions: permissionsOf(['repair_crew']), isAssignee: true }).problem?.code).toBe('wrong_state');
    expect(checkStep('inquiry', 'accepted', 'dispatch', { permissions: permissionsOf(['dispatcher']), isAssignee: false }).problem?.code).toBe('step_not_allowed');
  });

  it('reassigns a repair only while dispatched or on the way, back to dispatched, meeting no time limit', () => {
    const dispatcher = { permissions: permissionsOf(['dispatcher']), isAssignee: false };
    const allowedFrom = REQUEST_STATES.filter((state) => checkStep('repair', state, 'reassign', dispatcher).ok);
    expect(allowedFrom).toEqual(['dispatched', 'en_route']);
    for (const state of allowedFrom) expect(checkStep('repair', state, 'reassign', dispatcher)).toEqual({ ok: true, to: 'dispatched', meets: null });
    // On site it is refused with its own reason; before dispatch the answer is to dispatch.
    for (const state of ['arrived', 'controlled', 'restored'] as const) {
      const check = checkStep('repair', state, 'reassign', dispatcher);
      expect(check.problem?.code, state).toBe('crew_on_site');
      expect(check.problem?.zh).toContain('已到场');
    }
    expect(checkStep('repair', 'accepted', 'reassign', dispatcher).problem).toMatchObject({ code: 'wrong_state', en: expect.stringContaining('dispatch it instead') });
    expect(checkStep('repair', 'closed', 'reassign', dispatcher).problem?.code).toBe('wrong_state');
    // Desk work has no crew to reassign.
    expect(checkStep('complaint', 'accepted', 'reassign', dispatcher).problem?.code).toBe('step_not_allowed');
  });

  it('lets no role that may not dispatch reassign, not even the crew member who holds the job', () => {
    for (const role of ROLES) {
      const mayDispatch = checkStep('repair', 'accepted', 'dispatch', { permissions: permissionsOf([role]), isAssignee: false }).ok;
      for (const state of ['dispatched', 'en_route'] as const) {
        const check = checkStep('repair', state, 'reassign', { permissions: permissionsOf([role]), isAssignee: true });
        expect(check.ok, `${role} ${state}`).toBe(mayDispatch);
        if (!mayDispatch) expect(check.problem?.code).toBe('not_permitted');
      }
    }
    expect(ROLES.filter((role) => checkStep('repair', 'dispatched', 'reassign', { permissions: permissionsOf([role]), isAssignee: false }).ok)).toEqual(['dispatcher']);
  });
});
