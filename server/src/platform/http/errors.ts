import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, type ErrorKind, type FieldProblem } from '../errors';

/** The one shape of every error the API returns. */
export const errorResponseSchema = z
  .object({
    code: z.string().describe('Stable machine-readable code'),
    message: z.object({ zh: z.string(), en: z.string() }),
    fields: z.array(z.object({ field: z.string(), zh: z.string(), en: z.string() })),
  })
  .meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  locked: 423,
  rate_limited: 429,
  unavailable: 503,
};

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Chinese and English wording of a request-validation issue, by zod issue code. */
function describeIssue(issue: ValidationIssue): { zh: string; en: string } {
  const params = issue.params ?? {};
  const minimum = params.minimum as number | undefined;
  const maximum = params.maximum as number | undefined;
  const origin = params.origin as string | undefined;
  switch (issue.keyword) {
    case 'invalid_type':
      return params.input === undefined
        ? { zh: '必填', en: 'is required' }
        : { zh: `类型错误，应为 ${String(params.expected)}`, en: `must be of type ${String(params.expected)}` };
    case 'too_small':
      return origin === 'string'
        ? { zh: `至少 ${minimum} 个字符`, en: `must have at least ${minimum} characters` }
        : origin === 'array'
          ? { zh: `至少 ${minimum} 项`, en: `must have at least ${minimum} items` }
          : { zh: `不能小于 ${minimum}`, en: `must be at least ${minimum}` };
    case 'too_big':
      return origin === 'string'
        ? { zh: `最多 ${maximum} 个字符`, en: `must have at most ${maximum} characters` }
        : origin === 'array'
          ? { zh: `最多 ${maximum} 项`, en: `must have at most ${maximum} items` }
          : { zh: `不能大于 ${maximum}`, en: `must be at most ${maximum}` };
    case 'invalid_format':
      return { zh: '格式不正确', en: issue.message ?? 'has an invalid format' };
    case 'invalid_value':
      return {
        zh: `取值无效，可选：${(params.values as unknown[] | undefined)?.join('、') ?? ''}`,
        en: issue.message ?? 'has an invalid value',
      };
    case 'unrecognized_keys':
      return { zh: '不允许提交该字段', en: 'is not an accepted field' };
    case 'custom': {
      // Our own refinements carry their Chinese wording in params.zh.
      const zh = (params.params as { zh?: string } | undefined)?.zh;
      return { zh: zh ?? '取值无效', en: issue.message ?? 'is invalid' };
    }
    default:
      return { zh: '取值无效', en: issue.message ?? 'is invalid' };
  }
}

export function validationProblems(issues: ValidationIssue[], part: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'unrecognized_keys') {
      for (const key of (issue.params?.keys as string[] | undefined) ?? []) {
        const wording = describeIssue(issue);
        problems.push({ field: path ? `${path}.${key}` : key, ...wording });
      }
      continue;
    }
    problems.push({ field: path || part, ...describeIssue(issue) });
  }
  return problems;
}

function send(reply: FastifyReply, status: number, body: ErrorResponse): FastifyReply {
  return reply.code(status).type('application/json').send(body);
}

interface PostgresError {
  code?: string;
  constraint?: string;
  table?: string;
}

/** The status and body a DomainError is answered with (also stored for idempotent replays). */
export function domainErrorResponse(error: DomainError): { status: number; body: ErrorResponse } {
  return { status: STATUS[error.kind], body: { code: error.code, message: { zh: error.zh, en: error.en }, fields: error.fields } };
}

/** Maps every thrown error to the one error shape; unknown errors are logged and never leak detail. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof DomainError) {
    if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
    return send(reply, STATUS[error.kind], {
      code: error.code,
      message: { zh: error.zh, en: error.en },
      fields: error.fields,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = validationProblems(error.validation as unknown as ValidationIssue[], error.validationContext ?? 'body');
    return send(reply, 400, {
      code: 'validation_failed',
      message: {
        zh: `请求有误：${fields.map((field) => `${field.field} ${field.zh}`).join('；')}`,
        en: `Invalid request: ${fields.map((field) => `${field.field} ${field.en}`).join('; ')}`,
      },
      fields,
    });
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    return send(reply, 500, internalError());
  }
  const database = error as unknown as PostgresError;
  if (database.code === '23505') {
    return send(reply, 409, {
      code: 'duplicate',
      message: { zh: '记录已存在（重复）', en: 'A record with the same unique value already exists' },
      fields: database.constraint ? [{ field: database.constraint, zh: '重复', en: 'duplicate' }] : [],
    });
  }
  if (database.code === '23503' || database.code === '23514') {
    return send(reply, 400, {
      code: 'constraint_violated',
      message: { zh: '数据不符合约束条件', en: 'The data violates a database rule' },
      fields: database.constraint ? [{ field: database.constraint, zh: '不符合约束', en: 'violates rule' }] : [],
    });
  }
  if (error.statusCode === 429) {
    return send(reply, 429, {
      code: 'rate_limited',
      message: { zh: '请求过于频繁，请稍后再试', en: 'Too many requests; please try again later' },
      fields: [],
    });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return send(reply, error.statusCode, {
      code: error.code?.toLowerCase() ?? 'bad_request',
      message: { zh: '请求无效', en: error.message },
      fields: [],
    });
  }
  request.log.error({ err: error }, 'unhandled error');
  return send(reply, 500, internalError());
}

function internalError(): ErrorResponse {
  return {
    code: 'internal_error',
    message: { zh: '服务器内部错误，请稍后重试', en: 'Internal server error; please try again later' },
    fields: [],
  };
}
