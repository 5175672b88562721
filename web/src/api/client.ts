/**
 * The one HTTP client both front ends use: JSON in and out, the session cookie sent automatically, the
 * CSRF token attached to every state-changing request, and errors turned into ApiError with the server's
 * bilingual message and per-field problems.
 */
import type { ApiErrorBody } from './types';

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    /** Seconds to wait before trying again, from the Retry-After header of a 429 or 423. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(body.message.en);
    this.name = 'ApiError';
  }

  /** The message in the given language ('zh' or 'en'). */
  messageIn(language: string): string {
    return language.startsWith('en') ? this.body.message.en : this.body.message.zh;
  }

  /** Field problems keyed by field name, in the given language, for form validation display. */
  fieldMessages(language: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const field of this.body.fields) result[field.field] = language.startsWith('en') ? field.en : field.zh;
    return result;
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query, extraHeaders?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      code: 'network_error',
      message: { zh: '网络连接失败，请检查网络后重试', en: 'Network error; check the connection and try again' },
      fields: [],
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const errorBody = data as ApiErrorBody | undefined;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      errorBody && typeof errorBody.code === 'string'
        ? errorBody
        : { code: 'http_' + response.status, message: { zh: `请求失败（${response.status}）`, en: `Request failed (${response.status})` }, fields: [] },
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  /** A POST that creates money movements: repeats with the same key (a retried click, a resent request) get the first answer. */
  postIdempotent: <T>(path: string, body: unknown, idempotencyKey: string) => request<T>('POST', path, body, undefined, { 'idempotency-key': idempotencyKey }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  /** A POST of a large JSON body (an upload), reporting how much of it has been sent (0–1). */
  postWithProgress: <T>(path: string, body: unknown, onProgress: (sent: number) => void) => postWithProgress<T>(path, body, onProgress),
};

/** fetch cannot report upload progress; XMLHttpRequest can. Same headers, errors and CSRF token as request(). */
function postWithProgress<T>(path: string, body: unknown, onProgress: (sent: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', 'application/json');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () =>
      reject(new ApiError(0, { code: 'network_error', message: { zh: '网络连接失败，请检查网络后重试', en: 'Network error; check the connection and try again' }, fields: [] }));
    xhr.onload = () => {
      let data: unknown;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(data as T);
        return;
      }
      const errorBody = data as ApiErrorBody | undefined;
      reject(
        new ApiError(
          xhr.status,
          errorBody && typeof errorBody.code === 'string'
            ? errorBody
            : { code: 'http_' + xhr.status, message: { zh: `请求失败（${xhr.status}）`, en: `Request failed (${xhr.status})` }, fields: [] },
        ),
      );
    };
    xhr.send(JSON.stringify(body));
  });
}
