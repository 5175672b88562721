/**
 * Attachments: one row per stored file (table attachments, migration 0030), naming what it belongs to by
 * an owner kind and id (a module's record: 'reading', 'service_request', …) and a purpose within it (the
 * step of a repair, a meter photo), with its checked type, size, SHA-256, path and who uploaded it when.
 * The owning module decides who may attach and read; this file only stores, lists and reads back, always
 * inside the tenant's transaction (RLS) and the tenant's folder.
 */
import type { Actor } from '../audit/audit';
import type { Sql } from '../db/database';
import { DomainError } from '../errors';
import type { FileType } from './sniff';
import { readTenantFile, removeTenantFile, sha256Hex, writeTenantFile, type StoredFile } from './storage';
import { checkUpload, DEFAULT_MAX_UPLOAD_BYTES, type CheckedUpload, type FileUpload, type UploadPolicy } from './uploads';

export interface Attachment {
  id: string;
  ownerKind: string;
  ownerId: string;
  purpose: string;
  contentType: FileType;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  originalName: string | null;
  storedPath: string;
  uploadedByType: Actor['type'];
  uploadedById: string | null;
  uploadedByName: string;
  uploadedAt: Date;
}

interface AttachmentRow {
  id: string;
  owner_kind: string;
  owner_id: string;
  purpose: string;
  content_type: FileType;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  original_name: string | null;
  stored_path: string;
  uploaded_by_type: Actor['type'];
  uploaded_by_id: string | null;
  uploaded_by_name: string;
  uploaded_at: Date;
}

const COLUMNS = 'id, owner_kind, owner_id, purpose, content_type, bytes, sha256, width, height, original_name, stored_path, uploaded_by_type, uploaded_by_id, uploaded_by_name, uploaded_at';

const toAttachment = (row: AttachmentRow): Attachment => ({
  id: row.id,
  ownerKind: row.owner_kind,
  ownerId: row.owner_id,
  purpose: row.purpose,
  contentType: row.content_type,
  bytes: Number(row.bytes),
  sha256: row.sha256,
  width: row.width,
  height: row.height,
  originalName: row.original_name,
  storedPath: row.stored_path,
  uploadedByType: row.uploaded_by_type,
  uploadedById: row.uploaded_by_id,
  uploadedByName: row.uploaded_by_name,
  uploadedAt: row.uploaded_at,
});

export interface StoredUpload extends StoredFile {
  originalName: string | null;
}

/**
 * Checks an upload and writes it to the tenant's folder, before the transaction that records it: a caller
 * whose transaction then fails removes the file again (discardUpload).
 */
export async function storeUpload(dataDir: string, tenantId: string, at: Date, upload: FileUpload, policy: UploadPolicy): Promise<StoredUpload> {
  return writeCheckedUpload(dataDir, tenantId, at, checkUpload(upload, policy));
}

/** Writes an upload already checked (checkUpload) to the tenant's folder. */
export async function writeCheckedUpload(dataDir: string, tenantId: string, at: Date, checked: CheckedUpload): Promise<StoredUpload> {
  const stored = await writeTenantFile(dataDir, tenantId, at.toISOString(), checked.bytes, checked.file);
  return { ...stored, originalName: checked.fileName };
}

export const discardUpload = (dataDir: string, tenantId: string, stored: { path: string } | null): Promise<void> => removeTenantFile(dataDir, tenantId, stored?.path ?? null);

/** Records a stored file as an attachment of an owner, in the caller's tenant transaction. */
export async function recordAttachment(
  sql: Sql,
  tenantId: string,
  input: { ownerKind: string; ownerId: string; purpose: string; file: StoredUpload; uploadedBy: Actor; at: Date },
): Promise<Attachment> {
  const rows = await sql.query<AttachmentRow>(
    `INSERT INTO attachments (tenant_id, owner_kind, owner_id, purpose, content_type, bytes, sha256, width, height, original_name, stored_path,
       uploaded_by_type, uploaded_by_id, uploaded_by_name, uploaded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING ${COLUMNS}`,
    [
      tenantId, input.ownerKind, input.ownerId, input.purpose, input.file.contentType, input.file.bytes, input.file.sha256, input.file.width, input.file.height,
      input.file.originalName, input.file.path, input.uploadedBy.type, input.uploadedBy.id, input.uploadedBy.name, input.at,
    ],
  );
  return toAttachment(rows[0] as AttachmentRow);
}

/** The attachments of some owners of one kind, oldest first. */
export async function listAttachments(sql: Sql, ownerKind: string, ownerIds: readonly string[]): Promise<Attachment[]> {
  if (ownerIds.length === 0) return [];
  const rows = await sql.query<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE owner_kind = $1 AND owner_id = ANY($2::uuid[]) ORDER BY seq`, [ownerKind, ownerIds]);
  return rows.map(toAttachment);
}

/** How many attachments an owner has for a purpose (for per-owner limits). */
export async function countAttachments(sql: Sql, ownerKind: string, ownerId: string, purpose: string): Promise<number> {
  const rows = await sql.query<{ count: number }>('SELECT count(*)::int AS count FROM attachments WHERE owner_kind = $1 AND owner_id = $2 AND purpose = $3', [ownerKind, ownerId, purpose]);
  return rows[0]?.count ?? 0;
}

/** One attachment of the given owner, or null (another owner's, another tenant's, or none). */
export async function findAttachment(sql: Sql, ownerKind: string, ownerId: string, id: string): Promise<Attachment | null> {
  const rows = await sql.query<AttachmentRow>(`SELECT ${COLUMNS} FROM attachments WHERE id = $1 AND owner_kind = $2 AND owner_id = $3`, [id, ownerKind, ownerId]);
  return rows[0] ? toAttachment(rows[0]) : null;
}

/** The bytes of an attachment, checked against the SHA-256 recorded when it was stored. */
export async function readAttachment(dataDir: string, tenantId: string, attachment: Attachment): Promise<{ bytes: Buffer; contentType: FileType }> {
  const bytes = await readTenantFile(dataDir, tenantId, attachment.storedPath, Math.max(DEFAULT_MAX_UPLOAD_BYTES, attachment.bytes));
  if (sha256Hex(bytes) !== attachment.sha256) {
    throw new DomainError('conflict', 'file_changed', '文件已被改动，与上传时不一致', 'The file on disk no longer matches what was uploaded');
  }
  return { bytes, contentType: attachment.contentType };
}
