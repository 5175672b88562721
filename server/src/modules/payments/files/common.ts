/**
 * What every file format here shares: the row-level problem report (the same shape as the reading importer's:
 * row, field, zh, en; row 0 is the file as a whole) and small checks on dates and text.
 */
import { isCalendarDate } from '../../../platform/validation';

export interface RowError {
  row: number;
  field: string;
  zh: string;
  en: string;
}

/** A file with more problems than this is reported by its first ones; the count says how many there were. */
export const MAX_REPORTED_ERRORS = 1000;

export const rowError = (row: number, field: string, zh: string, en: string): RowError => ({ row, field, zh, en });

/** Thrown when a file cannot be produced from its input (for example a batch with an invalid item). */
export class FileRejected extends Error {
  constructor(readonly errors: RowError[]) {
    super(`file rejected: ${errors.length} problem${errors.length === 1 ? '' : 's'}`);
    this.name = 'FileRejected';
  }
}

/** Collects problems in file order, keeping at most MAX_REPORTED_ERRORS of them but counting all. */
export class ErrorList {
  readonly errors: RowError[] = [];
  count = 0;

  add(row: number, field: string, zh: string, en: string): void {
    this.count += 1;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push(rowError(row, field, zh, en));
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** The problems sorted by row (stable, so problems of one row keep the order they were found in). */
  sorted(): RowError[] {
    return [...this.errors].sort((a, b) => a.row - b.row);
  }
}

/** True for a real calendar date written YYYY-MM-DD. */
export { isCalendarDate };

/** YYYYMMDD → YYYY-MM-DD, or null when it is not a calendar date. */
export function compactToIsoDate(text: string): string | null {
  if (!/^\d{8}$/.test(text)) return null;
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  return isCalendarDate(iso) ? iso : null;
}

export const isoToCompactDate = (iso: string): string => iso.replaceAll('-', '');

/** "YYYY-MM-DD HH:mm:ss" China time (both channels print it so) → ISO 8601 with the +08:00 offset, or null. */
export function chinaTimeToIso(text: string): string | null {
  const match = /^(\d{4}-\d{2}-\d{2})[ T]+(\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match || !isCalendarDate(match[1] as string)) return null;
  if (Number(match[2]) > 23 || Number(match[3]) > 59 || Number(match[4]) > 59) return null;
  return `${match[1]}T${match[2]}:${match[3]}:${match[4]}+08:00`;
}

/** ISO 8601 with +08:00 (as chinaTimeToIso gives) → "YYYY-MM-DD HH:mm:ss". Other offsets are converted to China time. */
export function isoToChinaTime(iso: string): string {
  const direct = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})\+08:00$/.exec(iso);
  if (direct) return `${direct[1]} ${direct[2]}`;
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not a time: ${iso}`);
  const china = new Date(instant.getTime() + 8 * 3_600_000).toISOString();
  return `${china.slice(0, 10)} ${china.slice(11, 19)}`;
}

/** Splits bytes into lines at LF (a CR before it is dropped). Safe for GBK and UTF-8: neither uses 0x0A inside a character. */
export function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let index = 0; index < bytes.length; index += 1) {
    if (bytes[index] === 0x0a) {
      const end = index > start && bytes[index - 1] === 0x0d ? index - 1 : index;
      lines.push(bytes.subarray(start, end));
      start = index + 1;
    }
  }
  if (start < bytes.length) lines.push(bytes.subarray(start, bytes.length > start && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length));
  return lines;
}
