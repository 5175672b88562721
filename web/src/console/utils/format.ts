import dayjs from 'dayjs';

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = dayjs(value);
  return date.isValid() ? date.format('YYYY-MM-DD HH:mm:ss') : value;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = dayjs(value);
  return date.isValid() ? date.format('YYYY-MM-DD') : value;
}

export function formatTime(value: number): string {
  return dayjs(value).format('HH:mm:ss');
}

/** Whole days from today to the given date (negative when it has passed). */
export function daysUntil(value: string): number {
  return dayjs(value).startOf('day').diff(dayjs().startOf('day'), 'day');
}

/** A form's DatePicker value as the API's 'YYYY-MM-DD', or null. */
export function toIsoDate(value: dayjs.Dayjs | null | undefined): string | null {
  return value ? value.format('YYYY-MM-DD') : null;
}

export function fromIsoDate(value: string | null | undefined): dayjs.Dayjs | null {
  return value ? dayjs(value) : null;
}

/** Blank text fields become null, so that "cleared" and "never filled" mean the same to the server. */
export function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
