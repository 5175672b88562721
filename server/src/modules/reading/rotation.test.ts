import { describe, expect, it } from 'vitest';
import { checkAssignment, proposeReader, rotationOf, termEndsOn, termStartOf, type Assignment } from './rotation';

const reader = (staffId: string, startsOn: string, endsOn: string | null = null, id = `${staffId}-${startsOn}`): Assignment => ({ id, staffId, duty: 'reader', startsOn, endsOn });
const collector = (staffId: string, startsOn: string, endsOn: string | null = null): Assignment => ({ id: `c-${staffId}-${startsOn}`, staffId, duty: 'collector', startsOn, endsOn });

describe('route rotation rules', () => {
  it('a term of 12 months ends the day before the same date a year later', () => {
    expect(termEndsOn('2026-01-15')).toBe('2027-01-14');
    expect(termEndsOn('2024-02-29')).toBe('2025-02-27');
  });

  it('refuses a reader who is or was the collector of the route, and a collector who read it, in either order', () => {
    expect(checkAssignment([collector('zhou', '2025-01-01')], reader('zhou', '2026-01-01')).problems.map((problem) => problem.field)).toEqual(['staffId']);
    expect(checkAssignment([reader('sun', '2024-01-01', '2024-12-31')], collector('sun', '2026-01-01')).problems.map((problem) => problem.field)).toEqual(['staffId']);
  });

  it('ends the open assignment of the same duty the day before the new one, and refuses a start not after it', () => {
    const existing = [reader('sun', '2026-01-01')];
    expect(checkAssignment(existing, reader('qian', '2026-06-01'))).toEqual({ problems: [], closes: { id: 'sun-2026-01-01', endsOn: '2026-05-31' } });
    expect(checkAssignment(existing, reader('qian', '2026-01-01')).problems[0]?.field).toBe('startsOn');
  });

  it('refuses an assignment that would keep a reader on a route longer than the term', () => {
    expect(checkAssignment([], reader('sun', '2026-01-01', '2026-12-31')).problems).toEqual([]);
    expect(checkAssignment([], reader('sun', '2026-01-01', '2027-01-01')).problems[0]?.field).toBe('endsOn');
    // Extending: the same reader again after a short break counts as the same term.
    const history = [reader('sun', '2025-01-01', '2025-12-31'), reader('qian', '2026-01-01')];
    expect(checkAssignment(history, reader('sun', '2026-02-01')).problems[0]?.field).toBe('staffId');
    // After a full term away, a reader may come back.
    const longAgo = [reader('sun', '2023-01-01', '2023-12-31'), reader('qian', '2024-01-01')];
    expect(checkAssignment(longAgo, reader('sun', '2025-06-01')).problems).toEqual([]);
  });

  it('counts a term across short breaks and restarts it after a full term away', () => {
    expect(termStartOf([reader('sun', '2025-01-01', '2025-03-31'), reader('sun', '2025-05-01')], 'sun', '2025-08-01')).toBe('2025-01-01');
    expect(termStartOf([reader('sun', '2023-01-01', '2023-03-31'), reader('sun', '2025-05-01')], 'sun', '2025-08-01')).toBe('2025-05-01');
  });

  it('marks a route due when its reader’s term ends within 30 days, and overdue after', () => {
    const assignments = [reader('sun', '2025-12-01')];
    expect(rotationOf(assignments, '2026-10-15')).toMatchObject({ readerId: 'sun', termEndsOn: '2026-11-30', isDue: false });
    expect(rotationOf(assignments, '2026-11-05')).toMatchObject({ isDue: true, isOverdue: false });
    expect(rotationOf(assignments, '2026-12-05')).toMatchObject({ isDue: true, isOverdue: true });
    // A successor already assigned takes the route off the list.
    expect(rotationOf([...assignments, reader('qian', '2026-12-01')], '2026-11-05').isDue).toBe(false);
  });

  it('proposes a reader who has not read the route within the term and is not its collector, least loaded first', () => {
    const assignments = [reader('wei', '2025-02-01', '2025-11-30'), reader('sun', '2025-12-01'), collector('zhou', '2025-01-01')];
    const candidates = [
      { staffId: 'sun', displayName: '孙伟', currentRoutes: 1 },
      { staffId: 'wei', displayName: '卫国庆', currentRoutes: 0 },
      { staffId: 'zhou', displayName: '周军', currentRoutes: 0 },
      { staffId: 'qian', displayName: '钱志刚', currentRoutes: 3 },
      { staffId: 'feng', displayName: '冯春梅', currentRoutes: 2 },
    ];
    expect(proposeReader(assignments, candidates, '2026-11-10')?.staffId).toBe('feng');
    expect(proposeReader(assignments, candidates.slice(0, 3), '2026-11-10')).toBeNull();
  });
});
