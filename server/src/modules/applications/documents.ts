/**
 * Files of an application through the platform's uploads (platform/files), owner kind 'application': the
 * customer's documents, one purpose per material (material_<code>), and a stage's own files (stage_<code>:
 * a survey's photos, a design drawing). Photos or PDF documents (a scanned certificate, a lease exported
 * from a phone), checked by content before they are written, written inside the transaction that records them.
 */
import type { Actor } from '../../platform/audit/audit';
import { recordAudit } from '../../platform/audit/audit';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound } from '../../platform/errors';
import { checkUpload, countAttachments, discardUpload, findAttachment, listAttachments, readAttachment, recordAttachment, writeCheckedUpload, type Attachment, type FileType, type FileUpload, type StoredUpload, uploadProblem } from '../../platform/files';
import type { PlatformContext } from '../../platform/context';
import type { ApplicationDocument } from './schemas';

export const OWNER = 'application';
export const MAX_FILES_PER_PURPOSE = 6;
/** Documents are photos or PDFs (service request photos stay images only: their own policy). */
export const DOCUMENT_TYPES: readonly FileType[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'];
const DOCUMENT = { zh: '文件', en: 'Document' };

export const materialPurpose = (code: string) => `material_${code}`;
export const stagePurpose = (code: string) => `stage_${code}`;

export const toDocument = (attachment: Attachment): ApplicationDocument => ({
  id: attachment.id,
  purpose: attachment.purpose,
  material: attachment.purpose.startsWith('material_') ? attachment.purpose.slice('material_'.length) : null,
  stage: attachment.purpose.startsWith('stage_') ? attachment.purpose.slice('stage_'.length) : null,
  contentType: attachment.contentType,
  bytes: attachment.bytes,
  fileName: attachment.originalName,
  uploadedBy: attachment.uploadedByName,
  uploadedAt: attachment.uploadedAt.toISOString(),
});

export async function documentsOf(sql: Sql, applicationId: string): Promise<ApplicationDocument[]> {
  return (await listAttachments(sql, OWNER, [applicationId])).map(toDocument);
}

/**
 * Stores one file for an application whose facts the caller has locked and checked (who may add what);
 * `purpose` is material_<code> or stage_<code>. The file is removed again if the transaction fails.
 */
export async function storeDocument(
  context: PlatformContext,
  tenantId: string,
  work: (sql: Sql, record: (purpose: string, customerId: string | null, acceptedKinds?: readonly FileType[]) => Promise<ApplicationDocument>) => Promise<ApplicationDocument>,
  file: FileUpload,
  applicationId: string,
  actor: Actor,
): Promise<ApplicationDocument> {
  const checked = checkUpload(file, { field: 'file', accept: DOCUMENT_TYPES });
  let stored: StoredUpload | null = null;
  try {
    return await context.db.withTenant(tenantId, (sql) =>
      work(sql, async (purpose, customerId, acceptedKinds) => {
        // A material takes only the kinds of file the utility set for it (process settings).
        if (acceptedKinds && !acceptedKinds.includes(checked.file.contentType)) throw kindNotAccepted(acceptedKinds);
        if ((await countAttachments(sql, OWNER, applicationId, purpose)) >= MAX_FILES_PER_PURPOSE) {
          throw new DomainError('conflict', 'too_many_files', `每项最多 ${MAX_FILES_PER_PURPOSE} 个文件`, `At most ${MAX_FILES_PER_PURPOSE} files each`, [{ field: 'file', zh: `已有 ${MAX_FILES_PER_PURPOSE} 个文件`, en: `already has ${MAX_FILES_PER_PURPOSE} files` }]);
        }
        const now = context.clock.now();
        stored = await writeCheckedUpload(context.config.dataDir, tenantId, now, checked);
        const attachment = await recordAttachment(sql, tenantId, { ownerKind: OWNER, ownerId: applicationId, purpose, file: stored, uploadedBy: actor, at: now });
        await recordAudit(sql, tenantId, actor, now, {
          action: 'application.document_add',
          objectType: 'application',
          objectId: applicationId,
          ...(customerId ? { customerId } : {}),
          after: { documentId: attachment.id, purpose, contentType: attachment.contentType, bytes: attachment.bytes, sha256: attachment.sha256 },
        });
        return toDocument(attachment);
      }),
    );
  } catch (error) {
    await discardUpload(context.config.dataDir, tenantId, stored);
    throw error;
  }
}

export async function readDocumentFile(context: PlatformContext, tenantId: string, sql: Sql, applicationId: string, documentId: string) {
  const attachment = await findAttachment(sql, OWNER, applicationId, documentId);
  if (!attachment) throw notFound(DOCUMENT);
  return { attachment, read: () => readAttachment(context.config.dataDir, tenantId, attachment) };
}

const KIND_NAMES: Record<FileType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'image/heic': 'HEIC', 'application/pdf': 'PDF' };
const kindNotAccepted = (kinds: readonly FileType[]) =>
  uploadProblem('file', `这项材料只接受 ${kinds.map((kind) => KIND_NAMES[kind]).join('、')} 文件`, `this document is accepted only as ${kinds.map((kind) => KIND_NAMES[kind]).join(', ')}`, 'invalid_file_type');

export const unknownMaterial = () => invalidField('material', '此业务没有这项材料', 'is not a material of this application type');
