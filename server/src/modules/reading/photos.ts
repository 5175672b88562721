/**
 * Photos of meters (the reader's, or the customer's self-reading), through the platform's uploads
 * (platform/files): checked by content, stored under the data folder in the tenant's folder with a random
 * name, recorded as an attachment of the reading (owner kind 'reading', purpose 'meter');
 * readings.photo_path keeps the stored path. Errors keep this API's own shape (code invalid_photo, field
 * photo). Photos stored before the uploads facility (<dataDir>/photos/<tenant>/…) are read the same way.
 */
import type { Actor } from '../../platform/audit/audit';
import type { Sql } from '../../platform/db/database';
import { DomainError } from '../../platform/errors';
import { checkUpload, discardUpload, readTenantFile, recordAttachment, sniffImage, storeUpload, type StoredUpload } from '../../platform/files';
import type { PhotoUpload } from './schemas';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
const ACCEPT = ['image/jpeg', 'image/png', 'image/webp'] as const;
const POLICY = { field: 'photo', accept: ACCEPT, maxBytes: MAX_PHOTO_BYTES };

const photoProblem = (zh: string, en: string) => new DomainError('validation', 'invalid_photo', `照片：${zh}`, `photo: ${en}`, [{ field: 'photo', zh, en }]);

/** The platform's refusal, in this API's words. */
function asPhotoProblem(error: unknown): unknown {
  if (error instanceof DomainError && error.kind === 'validation' && error.fields[0]) return photoProblem(error.fields[0].zh, error.fields[0].en);
  return error;
}

/** Decodes and checks a photo; returns the bytes to store. */
export function decodePhoto(photo: PhotoUpload): { bytes: Buffer; contentType: PhotoUpload['contentType'] } {
  try {
    const checked = checkUpload(photo, POLICY);
    return { bytes: checked.bytes, contentType: checked.file.contentType as PhotoUpload['contentType'] };
  } catch (error) {
    throw asPhotoProblem(error);
  }
}

/** Checks and writes a photo taken at `on` (ISO date or time); nothing is recorded yet. */
export async function storePhotoFile(dataDir: string, tenantId: string, on: string, photo: PhotoUpload): Promise<StoredUpload> {
  try {
    return await storeUpload(dataDir, tenantId, new Date(on.length === 7 ? `${on}-01` : on), photo, POLICY);
  } catch (error) {
    throw asPhotoProblem(error);
  }
}

/** Checks and writes a photo; returns its path below the data folder. */
export async function storePhoto(dataDir: string, tenantId: string, on: string, photo: PhotoUpload): Promise<string> {
  return (await storePhotoFile(dataDir, tenantId, on, photo)).path;
}

/** Records a stored photo as an attachment of the reading it belongs to. */
export async function recordReadingPhoto(sql: Sql, tenantId: string, readingId: string, file: StoredUpload, actor: Actor, at: Date): Promise<void> {
  await recordAttachment(sql, tenantId, { ownerKind: 'reading', ownerId: readingId, purpose: 'meter', file, uploadedBy: actor, at });
}

export async function removePhoto(dataDir: string, tenantId: string, relative: string | null): Promise<void> {
  await discardUpload(dataDir, tenantId, relative ? { path: relative } : null);
}

/** Reads a stored photo; the path must be one of the tenant's stored files. */
export async function readPhoto(dataDir: string, tenantId: string, relative: string): Promise<{ bytes: Buffer; contentType: string }> {
  let bytes: Buffer;
  try {
    bytes = await readTenantFile(dataDir, tenantId, relative, MAX_PHOTO_BYTES);
  } catch {
    throw new DomainError('not_found', 'not_found', '照片不存在', 'Photo not found');
  }
  const sniffed = sniffImage(bytes);
  return { bytes, contentType: sniffed.ok ? sniffed.image.contentType : 'application/octet-stream' };
}
