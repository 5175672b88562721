import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client';

/** The message to show for any failure: the server's own bilingual message when there is one. */
export function errorMessage(error: unknown, language: string, fallback: string): string {
  if (error instanceof ApiError) return error.messageIn(language);
  return fallback;
}

export function isStaleVersion(error: unknown): boolean {
  return error instanceof ApiError && error.body.code === 'stale_version';
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof ApiError && error.status === status;
}

type NamePath = (string | number)[];

/**
 * Puts the server's per-field problems next to the form fields they belong to. Field names are the request
 * body's property names; `mapField` may move them (e.g. into a nested group). Returns the problems that
 * matched no field of the form, so that the caller can show them elsewhere.
 */
export function applyFieldErrors<T>(
  form: FormInstance<T>,
  error: unknown,
  language: string,
  mapField: (field: string) => NamePath = (field) => field.split('.'),
  knownFields?: readonly string[],
): string[] {
  if (!(error instanceof ApiError)) return [];
  const messages = error.fieldMessages(language);
  const unmatched: string[] = [];
  const fields: { name: NamePath; errors: string[] }[] = [];
  for (const [field, message] of Object.entries(messages)) {
    const name = mapField(field);
    const known = knownFields ? knownFields.includes(name.join('.')) : isRegistered(form, name);
    if (known) fields.push({ name, errors: [message] });
    else unmatched.push(message);
  }
  if (fields.length) form.setFields(fields as Parameters<FormInstance<T>['setFields']>[0]);
  return unmatched;
}

function isRegistered<T>(form: FormInstance<T>, name: NamePath): boolean {
  try {
    const all = form.getFieldsError();
    return all.some((entry) => entry.name.join('.') === name.join('.'));
  } catch {
    return false;
  }
}
