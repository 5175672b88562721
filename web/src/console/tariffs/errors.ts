import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client';

/**
 * What to say above a form after the server refused it: when every field problem is already shown next to
 * its field, a plain "check the fields marked in red" instead of the server's list of field paths.
 */
export function formLevelError(error: unknown, unmatched: string[], t: TFunction): unknown {
  if (error instanceof ApiError && error.body.code === 'validation_failed' && error.body.fields.length > 0 && unmatched.length === 0) {
    const message = t('common.formInvalid');
    return new ApiError(error.status, { ...error.body, message: { zh: message, en: message } });
  }
  return error;
}
