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

export interface RuleProblem {
  field: string;
  zh: string;
  en: string;
}

/**
 * What is wrong with a set of rules for a type with these stages (process settings): every stage named must
 * be one of the type's, a rule names at least two different stages, and no rule repeats another of its kind
 * (the same stages in any order). An empty set is valid: the utility may run a type with no rule.
 */
export function sodRuleProblems(rules: readonly SodRuleRow[], stages: readonly { code: string; name: string }[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    const field = `rules.${index}.stageCodes`;
    const unknown = rule.stageCodes.filter((code) => !stages.some((stage) => stage.code === code));
    if (unknown.length > 0) problems.push({ field, zh: `没有这些环节：${unknown.join('、')}`, en: `no such stages: ${unknown.join(', ')}` });
    const distinct = [...new Set(rule.stageCodes)];
    if (distinct.length !== rule.stageCodes.length) problems.push({ field, zh: '同一环节不能重复列出', en: 'lists a stage more than once' });
    if (distinct.length < 2) problems.push({ field, zh: '一条岗位分离规则至少涉及两个不同环节', en: 'a segregation rule names at least two different stages' });
    const key = `${rule.kind}:${[...distinct].sort().join(',')}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) problems.push({ field, zh: `与第 ${earlier + 1} 条规则重复`, en: `repeats rule ${earlier + 1}` });
    else seen.set(key, index);
  });
  return problems;
}

/** A rule in words, with the stages' names (falling back to the codes). */
export function describeSodRule(kind: SodRuleRow['kind'], stages: readonly { code: string; name: string; nameEn: string }[], codes: readonly string[]): { zh: string; en: string } {
  const named = codes.map((code) => stages.find((stage) => stage.code === code));
  const zh = named.map((stage, index) => stage?.name ?? codes[index]).join('、');
  const en = named.map((stage, index) => stage?.nameEn ?? codes[index]).join(', ');
  return kind === 'different_people' ? { zh: `${zh}须由不同人员办理`, en: `${en}: each by a different person` } : { zh: `${zh}须由不同部门办理`, en: `${en}: by different departments` };
}
