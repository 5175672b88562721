/**
 * Rotation and segregation rules for routes (抄表本), as pure functions.
 *
 * - A reader's continuous term on a route is at most `termMonths` (default 12). Assignments of the same
 *   reader to the same route count as one term unless they are separated by a full term away from it, so a
 *   one-day break does not restart the clock.
 * - The same staff member is never both reader and collector of the same route, in either order, at any time.
 * - A new assignment of a duty ends the open one of that duty the day before it starts.
 */
import { addDays, addMonths } from './units';

export const ROTATION_RULES = {
  termMonths: 12,
  /** Routes whose reader's term ends within this many days are listed as due for rotation. */
  noticeDays: 30,
} as const;

export type Duty = 'reader' | 'collector';

export interface Assignment {
  id?: string;
  staffId: string;
  duty: Duty;
  startsOn: string;
  endsOn: string | null;
}

export interface RotationProblem {
  field: string;
  zh: string;
  en: string;
}

/** The day a reader's term that began on `termStart` must end (inclusive). */
export function termEndsOn(termStart: string, termMonths: number = ROTATION_RULES.termMonths): string {
  return addDays(addMonths(termStart, termMonths), -1);
}

/** Where a reader's current term on a route began: the first of their assignments not separated by a full term. */
export function termStartOf(assignments: readonly Assignment[], staffId: string, until: string, termMonths: number = ROTATION_RULES.termMonths): string | null {
  const own = assignments
    .filter((assignment) => assignment.duty === 'reader' && assignment.staffId === staffId && assignment.startsOn <= until)
    .sort((a, b) => (a.startsOn < b.startsOn ? -1 : 1));
  let start: string | null = null;
  let lastEnd: string | null = null;
  for (const assignment of own) {
    // A break of a full term away from the route starts a new term.
    if (start === null || (lastEnd !== null && addMonths(lastEnd, termMonths) < assignment.startsOn)) start = assignment.startsOn;
    const end = assignment.endsOn ?? until;
    if (lastEnd === null || end > lastEnd) lastEnd = end;
  }
  if (lastEnd !== null && addMonths(lastEnd, termMonths) < until && start !== null && lastEnd < until) {
    // Away long enough before `until`: no current term.
    return null;
  }
  return start;
}

/** The assignment of a duty in force on a date. */
export function assignmentOn(assignments: readonly Assignment[], duty: Duty, on: string): Assignment | null {
  const matching = assignments
    .filter((assignment) => assignment.duty === duty && assignment.startsOn <= on && (assignment.endsOn === null || assignment.endsOn >= on))
    .sort((a, b) => (a.startsOn < b.startsOn ? 1 : -1));
  return matching[0] ?? null;
}

/**
 * Checks a new assignment against the route's assignments. The open assignment of the same duty is closed
 * the day before the new one starts (returned as `closes`), which must not be before it began.
 */
export function checkAssignment(
  existing: readonly Assignment[],
  proposed: Assignment,
  termMonths: number = ROTATION_RULES.termMonths,
): { problems: RotationProblem[]; closes: { id: string | undefined; endsOn: string } | null } {
  const problems: RotationProblem[] = [];
  const otherDuty: Duty = proposed.duty === 'reader' ? 'collector' : 'reader';
  if (existing.some((assignment) => assignment.duty === otherDuty && assignment.staffId === proposed.staffId)) {
    problems.push(
      proposed.duty === 'reader'
        ? { field: 'staffId', zh: '该人员是（或曾是）本抄表本的催收员，不能担任抄表员', en: 'is (or was) the collector of this route and may not read it' }
        : { field: 'staffId', zh: '该人员是（或曾是）本抄表本的抄表员，不能担任催收员', en: 'is (or was) the reader of this route and may not collect on it' },
    );
  }
  if (proposed.endsOn !== null && proposed.endsOn < proposed.startsOn) {
    problems.push({ field: 'endsOn', zh: '结束日期不能早于开始日期', en: 'must not be before the start date' });
  }

  let closes: { id: string | undefined; endsOn: string } | null = null;
  const sameDuty = existing.filter((assignment) => assignment.duty === proposed.duty);
  const open = sameDuty.find((assignment) => assignment.endsOn === null || assignment.endsOn >= proposed.startsOn);
  if (open) {
    if (open.startsOn >= proposed.startsOn) {
      problems.push({ field: 'startsOn', zh: `须晚于当前${proposed.duty === 'reader' ? '抄表员' : '催收员'}的开始日期 ${open.startsOn}`, en: `must be after the current ${proposed.duty}'s start date ${open.startsOn}` });
    } else {
      closes = { id: open.id, endsOn: addDays(proposed.startsOn, -1) };
    }
  }

  if (proposed.duty === 'reader' && problems.length === 0) {
    const history = sameDuty.map((assignment) => (closes && assignment === open ? { ...assignment, endsOn: closes.endsOn } : assignment));
    const start = termStartOf([...history, proposed], proposed.staffId, proposed.startsOn, termMonths) ?? proposed.startsOn;
    const limit = termEndsOn(start, termMonths);
    if (start < proposed.startsOn && limit < proposed.startsOn) {
      problems.push({ field: 'staffId', zh: `该抄表员自 ${start} 起连续负责本抄表本已满 ${termMonths} 个月，须轮换`, en: `has read this route since ${start}: the ${termMonths}-month term is over, rotate` });
    } else if (proposed.endsOn !== null && proposed.endsOn > limit) {
      problems.push({ field: 'endsOn', zh: `连续任期不得超过 ${termMonths} 个月（最晚 ${limit}）`, en: `a continuous term may not exceed ${termMonths} months (at most ${limit})` });
    }
  }
  return { problems, closes };
}

export interface RouteRotation {
  readerId: string | null;
  termStartedOn: string | null;
  termEndsOn: string | null;
  isDue: boolean;
  isOverdue: boolean;
}

/** Where a route stands in its rotation on a date. */
export function rotationOf(assignments: readonly Assignment[], today: string, termMonths: number = ROTATION_RULES.termMonths, noticeDays: number = ROTATION_RULES.noticeDays): RouteRotation {
  const current = assignmentOn(assignments, 'reader', today);
  if (!current) return { readerId: null, termStartedOn: null, termEndsOn: null, isDue: false, isOverdue: false };
  const start = termStartOf(assignments, current.staffId, today, termMonths) ?? current.startsOn;
  const end = current.endsOn !== null && current.endsOn < termEndsOn(start, termMonths) ? current.endsOn : termEndsOn(start, termMonths);
  // Due when the reader's term ends soon and nobody has been assigned to take over.
  const successor = assignments.some((assignment) => assignment.duty === 'reader' && assignment.startsOn > today);
  const termEnd = termEndsOn(start, termMonths);
  return {
    readerId: current.staffId,
    termStartedOn: start,
    termEndsOn: end,
    isDue: !successor && termEnd <= addDays(today, noticeDays),
    isOverdue: termEnd < today,
  };
}

export interface Candidate {
  staffId: string;
  displayName: string;
  /** Routes the candidate reads today. */
  currentRoutes: number;
}

/**
 * The next reader for a route: a meter reader who is not the current reader, was never its collector, and
 * has not read it within the last term; the least loaded first, then by name.
 */
export function proposeReader(assignments: readonly Assignment[], candidates: readonly Candidate[], today: string, termMonths: number = ROTATION_RULES.termMonths): Candidate | null {
  const since = addMonths(today, -termMonths);
  const excluded = new Set<string>();
  for (const assignment of assignments) {
    if (assignment.duty === 'collector') excluded.add(assignment.staffId);
    if (assignment.duty === 'reader' && (assignment.endsOn === null || assignment.endsOn >= since)) excluded.add(assignment.staffId);
  }
  const eligible = candidates.filter((candidate) => !excluded.has(candidate.staffId));
  eligible.sort((a, b) => a.currentRoutes - b.currentRoutes || a.displayName.localeCompare(b.displayName, 'zh-CN') || a.staffId.localeCompare(b.staffId));
  return eligible[0] ?? null;
}
