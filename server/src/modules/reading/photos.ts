/**
 * Photos of meters (the reader's, or the customer's self-reading) are files under the data folder:
 * <dataDir>/photos/<tenant>/<yyyy-mm>/<uuid>.<ext>; readings.photo_path holds the path below dataDir.
 * The type is checked from the bytes, not only from what the client says.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '../../platform/errors';
import type { PhotoUpload } from './schemas';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

const EXTENSIONS: Record<PhotoUpload['contentType'], string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const CONTENT_TYPES: Record<string, PhotoUpload['contentType']> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

function sniff(bytes: Buffer): PhotoUpload['contentType'] | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

const photoProblem = (zh: string, en: string) => new DomainError('validation', 'invalid_photo', `照片：${zh}`, `photo: ${en}`, [{ field: 'photo', zh, en }]);

/** Decodes and checks a photo; returns the bytes to store. */
export function decodePhoto(photo: PhotoUpload): { bytes: Buffer; contentType: PhotoUpload['contentType'] } {
  if (!/^[A-Za-z0-9+/\s]+=*\s*$/.test(photo.dataBase64)) throw photoProblem('不是有效的 base64 数据', 'is not valid base64 data');
  const bytes = Buffer.from(photo.dataBase64, 'base64');
  if (bytes.length > MAX_PHOTO_BYTES) throw photoProblem('不能超过 5 MB', 'may be at most 5 MB');
  const actual = sniff(bytes);
  if (!actual) throw photoProblem('只接受 JPEG、PNG 或 WebP 图片', 'must be a JPEG, PNG or WebP image');
  if (actual !== photo.contentType) throw photoProblem('文件内容与声明的类型不符', 'content does not match the declared type');
  return { bytes, contentType: actual };
}

/** Writes a checked photo; returns its path below the data folder. */
export async function storePhoto(dataDir: string, tenantId: string, on: string, photo: PhotoUpload): Promise<string> {
  const { bytes, contentType } = decodePhoto(photo);
  const relative = path.posix.join('photos', tenantId, on.slice(0, 7), `${randomUUID()}.${EXTENSIONS[contentType]}`);
  const absolute = path.join(dataDir, relative);
  await mkdir(path.dirname(absolute), { recursive: true });
  await writeFile(absolute, bytes, { mode: 0o640 });
  return relative;
}

export async function removePhoto(dataDir: string, relative: string | null): Promise<void> {
  if (relative) await unlink(path.join(dataDir, relative)).catch(() => undefined);
}

/** Reads a stored photo; the path must stay inside the tenant's photo folder. */
export async function readPhoto(dataDir: string, tenantId: string, relative: string): Promise<{ bytes: Buffer; contentType: string }> {
  const root = path.resolve(dataDir, 'photos', tenantId);
  const absolute = path.resolve(dataDir, relative);
  if (!absolute.startsWith(`${root}${path.sep}`)) throw new DomainError('not_found', 'not_found', '照片不存在', 'Photo not found');
  const extension = path.extname(absolute).slice(1);
  try {
    return { bytes: await readFile(absolute), contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream' };
  } catch {
    throw new DomainError('not_found', 'not_found', '照片不存在', 'Photo not found');
  }
}
