/**
 * What a stage must produce, checked when it is done: each output of the stage's specification by its kind
 * (text, date, fen, litres, integer, choice, budget lines, attachments, an id). Pure functions; attachments
 * are counted by the caller and passed in.
 */
import { DomainError, type FieldProblem } from '../../platform/errors';
import type { OutputSpec } from './schemas';

export interface BudgetLine {
  item: string;
  amountFen: number;
}

const isDate = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
const isUuid = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function problemOf(spec: OutputSpec, value: unknown, attachments: number): { zh: string; en: string } | null {
  switch (spec.kind) {
    case 'text':
      return typeof value === 'string' && value.trim().length >= 1 && value.length <= 500 ? null : { zh: '应为 1–500 个字符的文字', en: 'must be text of 1–500 characters' };
    case 'date':
      return isDate(value) ? null : { zh: '应为日期 YYYY-MM-DD', en: 'must be a date YYYY-MM-DD' };
    case 'fen':
      return isCount(value) ? null : { zh: '应为以分计的非负整数金额', en: 'must be a whole, non-negative amount in fen' };
    case 'litres':
      return isCount(value) && value <= 999_999_999_999 ? null : { zh: '应为以升计的非负整数', en: 'must be a whole, non-negative number of litres' };
    case 'integer': {
      const min = spec.min ?? Number.MIN_SAFE_INTEGER;
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? null : { zh: `应为 ${spec.min ?? ''}–${spec.max ?? ''} 之间的整数`, en: `must be a whole number from ${spec.min ?? ''} to ${spec.max ?? ''}` };
    }
    case 'choice': {
      const options = spec.options ?? [];
      return options.some((option) => option.value === value)
        ? null
        : { zh: `应为：${options.map((option) => option.zh).join('、')}`, en: `must be one of: ${options.map((option) => option.value).join(', ')}` };
    }
    case 'lines': {
      const isLines =
        Array.isArray(value) &&
        value.length >= 1 &&
        value.length <= 50 &&
        value.every((line: unknown) => {
          if (typeof line !== 'object' || line === null) return false;
          const { item, amountFen, ...rest } = line as Record<string, unknown>;
          return Object.keys(rest).length === 0 && typeof item === 'string' && item.trim().length >= 1 && item.length <= 60 && isCount(amountFen);
        });
      return isLines ? null : { zh: '应为 1–50 行预算明细，每行有项目和以分计的金额', en: 'must be 1–50 budget lines, each with an item and an amount in fen' };
    }
    case 'attachments': {
      const min = spec.min ?? 1;
      return attachments >= min ? null : { zh: `至少需要上传 ${min} 个文件（已有 ${attachments} 个）`, en: `needs at least ${min} file(s) uploaded to this stage (has ${attachments})` };
    }
    case 'uuid':
      return isUuid(value) ? null : { zh: '应为记录编号（UUID）', en: 'must be an id (UUID)' };
  }
}

/**
 * The outputs of a stage, checked against its specification: every required one present and valid, every
 * optional one valid if given, nothing else. Attachment outputs are the stage's uploaded files (counted, not
 * in the body). Returns what is kept on the stage record; throws one error listing every problem.
 */
export function checkOutputs(specs: readonly OutputSpec[], outputs: Record<string, unknown>, attachments: number): Record<string, unknown> {
  const problems: FieldProblem[] = [];
  const kept: Record<string, unknown> = {};
  const known = new Set(specs.map((spec) => spec.key));
  for (const key of Object.keys(outputs)) {
    if (!known.has(key)) problems.push({ field: `outputs.${key}`, zh: '此环节没有这项内容', en: 'is not an output of this stage' });
  }
  for (const spec of specs) {
    const value = outputs[spec.key];
    if (spec.kind === 'attachments') {
      if (value !== undefined) problems.push({ field: `outputs.${spec.key}`, zh: '文件请通过上传接口提交', en: 'files are uploaded, not sent here' });
      const problem = spec.required || attachments > 0 ? problemOf(spec, undefined, attachments) : null;
      if (problem) problems.push({ field: `outputs.${spec.key}`, ...problem });
      else kept[spec.key] = attachments;
      continue;
    }
    if (value === undefined || value === null || value === '') {
      if (spec.required) problems.push({ field: `outputs.${spec.key}`, zh: `必须填写${spec.zh}`, en: `${spec.en} is required` });
      continue;
    }
    const problem = problemOf(spec, value, attachments);
    if (problem) problems.push({ field: `outputs.${spec.key}`, ...problem });
    else kept[spec.key] = typeof value === 'string' ? value.trim() : value;
  }
  if (problems.length > 0) {
    throw new DomainError('validation', 'validation_failed', `环节成果不完整或有误：${problems.map((problem) => problem.field).join('、')}`, `The stage's outputs are incomplete or wrong: ${problems.map((problem) => problem.field).join(', ')}`, problems);
  }
  return kept;
}

/** The outputs of a stage still missing from what has been uploaded so far (for progress: 缺什么). */
export function missingAttachmentOutputs(specs: readonly OutputSpec[], attachments: number): OutputSpec[] {
  return specs.filter((spec) => spec.kind === 'attachments' && spec.required && attachments < (spec.min ?? 1));
}
