/**
 * Uploaded files on disk, under the data folder: <dataDir>/files/<tenant>/<yyyy-mm>/<32 random hex>.<ext>.
 * The name is random and the extension follows the checked content, never anything the client sent. The
 * path kept in the database is relative to the data folder; reading one back accepts only a path of that
 * exact shape inside the tenant's own folder (so a stored or forged path with "..", another tenant's id, an
 * absolute path or a symbolic link reads nothing). Meter photos stored before this facility live under
 * <dataDir>/photos/<tenant>/… and are read the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '../errors';
import { EXTENSIONS, type FileType } from './sniff';

export interface StoredFile {
  /** Below the data folder, with forward slashes. */
  path: string;
  contentType: FileType;
  bytes: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  width: number | null;
  height: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The only shapes a stored path may have: this facility's, and the meter photos' of before (uuid names). */
const STORED_PATH = /^(files|photos)\/([0-9a-f-]{36})\/(\d{4}-\d{2})\/([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(jpg|png|webp|heic|pdf)$/;

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const notFound = () => new DomainError('not_found', 'not_found', '文件不存在', 'File not found');

/**
 * Writes checked bytes under a fresh random name in the tenant's folder for the month of `at`
 * (YYYY-MM…, UTC). Never overwrites: the file is created exclusively.
 */
export async function writeTenantFile(dataDir: string, tenantId: string, at: string, bytes: Buffer, file: { contentType: FileType; width: number | null; height: number | null }): Promise<StoredFile> {
  if (!UUID.test(tenantId)) throw new Error('a tenant id is a uuid');
  const month = at.slice(0, 7);
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error('the month of a stored file is YYYY-MM');
  const relative = `files/${tenantId}/${month}/${randomBytes(16).toString('hex')}.${EXTENSIONS[file.contentType]}`;
  const absolute = path.join(dataDir, ...relative.split('/'));
  await mkdir(path.dirname(absolute), { recursive: true, mode: 0o750 });
  await writeFile(absolute, bytes, { mode: 0o640, flag: 'wx' });
  return { path: relative, contentType: file.contentType, bytes: bytes.length, sha256: sha256Hex(bytes), width: file.width, height: file.height };
}

/** The absolute path of a stored file of the tenant, or null when `relative` is not one. */
export function resolveTenantFile(dataDir: string, tenantId: string, relative: string): string | null {
  const match = STORED_PATH.exec(relative);
  if (!match || match[2] !== tenantId) return null;
  const root = path.resolve(dataDir, match[1] as string, tenantId);
  const absolute = path.resolve(dataDir, ...relative.split('/'));
  return absolute.startsWith(`${root}${path.sep}`) ? absolute : null;
}

/**
 * Reads a stored file of the tenant. The last component is opened without following a symbolic link, and
 * the file must be a regular file no larger than `maxBytes`.
 */
export async function readTenantFile(dataDir: string, tenantId: string, relative: string, maxBytes: number): Promise<Buffer> {
  const absolute = resolveTenantFile(dataDir, tenantId, relative);
  if (!absolute) throw notFound();
  let handle;
  try {
    handle = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    throw notFound();
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > maxBytes) throw notFound();
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Removes a stored file (a write that did not commit); quietly does nothing for anything else. */
export async function removeTenantFile(dataDir: string, tenantId: string, relative: string | null): Promise<void> {
  if (!relative) return;
  const absolute = resolveTenantFile(dataDir, tenantId, relative);
  if (absolute) await unlink(absolute).catch(() => undefined);
}
