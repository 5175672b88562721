/**
 * Segregation of duties between the stages of one application (岗位分离): a rule lists stages that must each
 * be done by a different person, or by people of different departments. Pure: the caller gives who did
 * which stage so far and who is about to do the current one.
 */
import type { Department } from './schemas';

export interface SodRuleRow {
  kind: 'different_people' | 'different_departments';
  stageCodes: readonly string[];
}

export interface DoneStage {
  stageCode: string;
  stageName: string;
  staffId: string;
  staffName: string;
  department: Department | null;
}

export interface Violation {
  rule: SodRuleRow;
  /** The earlier stage it conflicts with (null: the actor has no department, so the rule cannot hold). */
  conflictsWith: DoneStage | null;
  zh: string;
  en: string;
}

/** The first rule the actor would break by doing `stageCode`, or null. */
export function sodViolation(rules: readonly SodRuleRow[], done: readonly DoneStage[], stageCode: string, stageName: string, actor: { staffId: string; department: Department | null }): Violation | null {
  for (const rule of rules) {
    if (!rule.stageCodes.includes(stageCode)) continue;
    const others = done.filter((stage) => stage.stageCode !== stageCode && rule.stageCodes.includes(stage.stageCode));
    if (rule.kind === 'different_people') {
      const same = others.find((stage) => stage.staffId === actor.staffId);
      if (same) {
        return {
          rule,
          conflictsWith: same,
          zh: `岗位分离：同一人不能既办理“${same.stageName}”又办理“${stageName}”`,
          en: `Segregation of duties: the person who did "${same.stageCode}" may not also do "${stageCode}"`,
        };
      }
    } else {
      if (actor.department === null) {
        return { rule, conflictsWith: null, zh: `岗位分离：“${stageName}”须由已登记部门的人员办理`, en: `Segregation of duties: "${stageCode}" must be done by someone whose department is recorded` };
      }
      const same = others.find((stage) => stage.department === actor.department);
      if (same) {
        return {
          rule,
          conflictsWith: same,
          zh: `岗位分离：“${same.stageName}”与“${stageName}”须由不同部门办理`,
          en: `Segregation of duties: "${same.stageCode}" and "${stageCode}" must be done by different departments`,
        };
      }
    }
  }
  return null;
}
