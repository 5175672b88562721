/**
 * Domain errors carry a stable code, a message in Chinese and English, and optional field details. Services
 * throw them; only the HTTP layer turns them into status codes.
 */
export interface FieldProblem {
  field: string;
  zh: string;
  en: string;
}

export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'rate_limited'
  | 'locked'
  | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly zh: string,
    readonly en: string,
    readonly fields: FieldProblem[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(en);
    this.name = 'DomainError';
  }
}

export const notFound = (what: { zh: string; en: string }): DomainError =>
  new DomainError('not_found', 'not_found', `${what.zh}不存在`, `${what.en} not found`);

export const invalidField = (field: string, zh: string, en: string): DomainError =>
  new DomainError('validation', 'validation_failed', `${field}：${zh}`, `${field}: ${en}`, [{ field, zh, en }]);

export const staleVersion = (): DomainError =>
  new DomainError(
    'conflict',
    'stale_version',
    '该记录已被他人修改，请刷新后重试',
    'The record was changed by someone else; reload and try again',
  );
