/**
 * The two output formats of GeoReport v2 (https://wiki.open311.org/GeoReport_v2): XML, schemaless, without a
 * namespace, preceded by the declaration with encoding="utf-8"; and JSON, mapped from the XML by the Spark
 * convention (a container of repeated elements is an array, even with one child; an empty element is null).
 * Errors are an array of {code, description} (<errors><error>…</error></errors>) with the HTTP status 400,
 * 403 or 404 as the specification says.
 */

export type Format = 'json' | 'xml';

export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

export const isFormat = (value: string): value is Format => value === 'json' || value === 'xml';

/** Containers of repeated elements and the name of their children (services → service, …). */
const CHILD_NAMES: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

export type Scalar = string | number | boolean | null;
export interface Tree {
  [key: string]: Scalar | Tree | Tree[] | Scalar[];
}

/** XML 1.0 allows neither most control characters nor lone surrogates; they are dropped, not escaped. */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

function element(name: string, value: Scalar | Tree | Tree[] | Scalar[], indent: string): string {
  if (value === null || value === '') return `${indent}<${name}/>`;
  if (Array.isArray(value)) {
    const child = CHILD_NAMES[name];
    if (!child) throw new Error(`no element name for the items of ${name}`);
    if (value.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${value.map((item) => element(child, item, `${indent}  `)).join('\n')}\n${indent}</${name}>`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return `${indent}<${name}/>`;
    return `${indent}<${name}>\n${entries.map(([key, item]) => element(key, item, `${indent}  `)).join('\n')}\n${indent}</${name}>`;
  }
  return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A document: the declaration, then the root element holding the value (an array under a container root). */
export function toXml(root: string, value: Tree | Tree[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value, '')}\n`;
}

/** Empty text is an empty element in XML, so null in JSON (the Spark convention). */
function nullEmpty<T>(value: T): T {
  if (value === '') return null as T;
  if (Array.isArray(value)) return value.map(nullEmpty) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, nullEmpty(item)])) as T;
  return value;
}

/** The body of an answer in a format: the JSON of the value, or the XML document under its root element. */
export function render(format: Format, root: string, value: Tree | Tree[]): string {
  return format === 'json' ? JSON.stringify(nullEmpty(value)) : toXml(root, value);
}

export interface Open311ErrorItem {
  code: number | string;
  description: string;
}

/** An error answered in the requested format: the HTTP status and the array of errors. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 429 | 500,
    readonly errors: Open311ErrorItem[],
    /** With 429: when to try again. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(errors.map((error) => error.description).join('; '));
    this.name = 'Open311Error';
  }
}

export const badRequest = (...descriptions: string[]): Open311Error => new Open311Error(400, descriptions.map((description) => ({ code: 400, description })));
export const notFound = (description: string): Open311Error => new Open311Error(404, [{ code: 404, description }]);
export const forbidden = (description: string): Open311Error => new Open311Error(403, [{ code: 403, description }]);

export function renderErrors(format: Format, errors: Open311ErrorItem[]): string {
  return render(format, 'errors', errors.map((error) => ({ code: error.code, description: error.description })));
}
