import type { Anomaly } from './validation';
import type { CannotReadReason, Reading, ReadingSource, ReadingStatus } from './schemas';

/** A readings row with the reader's name, and its conversion to the API's Reading (never raw rows out). */
export interface ReadingRow {
  id: string;
  account_id: string;
  meter_id: string;
  read_on: string;
  read_at: Date;
  register_litres: number | null;
  consumption_litres: number | null;
  source: ReadingSource;
  status: ReadingStatus;
  anomalies: Anomaly[];
  cannot_read_reason: CannotReadReason | null;
  note: string | null;
  photo_path: string | null;
  external_id: string | null;
  staff_name: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  created_at: Date;
}

export const READING_COLUMNS = `r.id, r.account_id, r.meter_id, r.read_on, r.read_at, r.register_litres, r.consumption_litres, r.source,
  r.status, r.anomalies, r.cannot_read_reason, r.note, r.photo_path, r.external_id, r.reviewed_at, r.review_note, r.created_at,
  (SELECT s.display_name FROM staff s WHERE s.id = r.staff_id) AS staff_name`;

const iso = (value: Date | string): string => new Date(value).toISOString();

export const toReading = (row: ReadingRow): Reading => ({
  id: row.id,
  accountId: row.account_id,
  meterId: row.meter_id,
  readOn: row.read_on,
  readAt: iso(row.read_at),
  registerLitres: row.register_litres,
  consumptionLitres: row.consumption_litres,
  source: row.source,
  status: row.status,
  anomalies: row.anomalies,
  cannotReadReason: row.cannot_read_reason,
  note: row.note,
  hasPhoto: row.photo_path !== null,
  externalId: row.external_id,
  staffName: row.staff_name,
  reviewedAt: row.reviewed_at ? iso(row.reviewed_at) : null,
  reviewNote: row.review_note,
  createdAt: iso(row.created_at),
});
