/**
 * Photos on service requests, through the platform's uploads (platform/files): the resident's with the
 * report (step 'submit'), a desk agent's for the report too (a photo sent by WeChat), and the assigned crew
 * member's for the steps they took on site (arrive, control, restore). Staff with service.read see every
 * photo; a customer sees the photos of their own requests (reported by them or on an account they bound).
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { checkUpload, countAttachments, discardUpload, findAttachment, isImageType, listAttachments, readAttachment, recordAttachment, writeCheckedUpload, type Attachment, type FileType, type ImageType, type StoredUpload } from '../../platform/files';
import { forbidden } from '../../platform/http/guards';
import type { Permission } from '../../platform/permissions';
import { isAccountBound } from '../customers';
import { MAX_PHOTOS_PER_STEP, type PhotoStep, type ServicePhoto, type ServicePhotoUpload } from './mediaSchemas';
import type { RequestKind, RequestState } from './states';

const OWNER = 'service_request';
const REQUEST = { zh: '工单', en: 'Service request' };
const PHOTO = { zh: '照片', en: 'Photo' };
const ACCEPT: readonly ImageType[] = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'];

/** The field states in order; a crew member documents a step once the request has reached its state. */
const FIELD_ORDER: readonly RequestState[] = ['dispatched', 'en_route', 'arrived', 'controlled', 'restored'];
const STATE_OF_STEP: Record<Exclude<PhotoStep, 'submit'>, RequestState> = { arrive: 'arrived', control: 'controlled', restore: 'restored' };

export type PhotoViewer = { kind: 'staff' } | { kind: 'portal'; portalUserId: string };

/** A request's files are images by this module's upload policy (ACCEPT); the platform also stores PDFs for other uses. */
function photoType(type: FileType): ImageType {
  if (!isImageType(type)) throw new Error(`a service request photo is an image, not ${type}`);
  return type;
}

const toPhoto = (attachment: Attachment): ServicePhoto => ({
  id: attachment.id,
  step: attachment.purpose as PhotoStep,
  contentType: photoType(attachment.contentType),
  bytes: attachment.bytes,
  width: attachment.width,
  height: attachment.height,
  uploadedBy: attachment.uploadedByName,
  uploadedByKind: attachment.uploadedByType === 'portal_user' ? 'customer' : attachment.uploadedByType,
  uploadedAt: attachment.uploadedAt.toISOString(),
});

/** A request's photos, oldest first (for the request's detail). */
export async function photosOf(sql: Sql, requestId: string): Promise<ServicePhoto[]> {
  return (await listAttachments(sql, OWNER, [requestId])).map(toPhoto);
}

interface RequestFacts {
  kind: RequestKind;
  state: RequestState;
  assignee_staff_id: string | null;
  portal_user_id: string | null;
  account_id: string | null;
  customer_id: string | null;
}

async function requestFacts(sql: Sql, id: string, lock: boolean): Promise<RequestFacts | null> {
  const rows = await sql.query<RequestFacts>(`SELECT kind, state, assignee_staff_id, portal_user_id, account_id, customer_id FROM service_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

/** Whether a customer may see a request: they reported it, or it is on an account they bound. */
async function isTheirs(sql: Sql, portalUserId: string, facts: RequestFacts): Promise<boolean> {
  return facts.portal_user_id === portalUserId || (facts.account_id ? await isAccountBound(sql, portalUserId, facts.account_id) : false);
}

const closedProblem = () => new DomainError('conflict', 'request_closed', '工单已办结或撤销，不能再添加照片', 'The request is closed or cancelled; photos can no longer be added', [{ field: 'id', zh: '工单已办结或撤销', en: 'is closed or cancelled' }]);

export type Uploader = { kind: 'staff'; staffId: string; permissions: readonly Permission[] } | { kind: 'portal'; portalUserId: string };

/** Who may add a photo for a step, checked against the request (after the permission check below). */
function checkUploader(uploader: Uploader, step: PhotoStep, facts: RequestFacts): void {
  if (facts.state === 'closed' || facts.state === 'cancelled') throw closedProblem();
  if (step === 'submit' || uploader.kind === 'portal') return;
  if (facts.kind !== 'repair') throw new DomainError('conflict', 'step_not_allowed', '只有报修工单有现场步骤', 'Only repair requests have site steps', [{ field: 'step', zh: '此类工单没有现场步骤', en: 'this kind of request has no site steps' }]);
  if (facts.assignee_staff_id !== uploader.staffId) {
    throw new DomainError('forbidden', 'not_assignee', '只有接单的维修人员可以上传现场照片', 'Only the crew member the request is assigned to may add site photos', [{ field: 'step', zh: '不是接单的维修人员', en: 'not the assigned crew member' }]);
  }
  if (FIELD_ORDER.indexOf(facts.state) < FIELD_ORDER.indexOf(STATE_OF_STEP[step])) {
    throw new DomainError('conflict', 'wrong_state', '这一步尚未进行，不能上传它的照片', 'This step has not been taken yet; its photos cannot be added', [{ field: 'step', zh: '这一步尚未进行', en: 'has not been taken yet' }]);
  }
}

/**
 * Adds a photo to a request. The permission is checked before anything is looked up (service.handle for
 * the report, service.field for a site step); the file is checked by its content before it is written, and
 * written inside the transaction that records it, so a refused request leaves no file behind.
 */
export async function addPhoto(context: PlatformContext, tenantId: string, uploader: Uploader, requestId: string, input: ServicePhotoUpload, actor: Actor): Promise<ServicePhoto> {
  if (uploader.kind === 'staff') {
    const needed: Permission = input.step === 'submit' ? 'service.handle' : 'service.field';
    if (!uploader.permissions.includes(needed)) throw forbidden();
  }
  if (uploader.kind === 'portal' && input.step !== 'submit') throw forbidden();
  const checked = checkUpload(input.photo, { field: 'photo', accept: ACCEPT });
  let stored: StoredUpload | null = null;
  try {
    return await context.db.withTenant(tenantId, async (sql) => {
      // Locked, so two uploads at once cannot both take the last place of a step.
      const facts = await requestFacts(sql, requestId, true);
      if (!facts || (uploader.kind === 'portal' && !(await isTheirs(sql, uploader.portalUserId, facts)))) throw notFound(REQUEST);
      checkUploader(uploader, input.step, facts);
      if ((await countAttachments(sql, OWNER, requestId, input.step)) >= MAX_PHOTOS_PER_STEP) {
        throw new DomainError('conflict', 'too_many_photos', `每一步最多 ${MAX_PHOTOS_PER_STEP} 张照片`, `At most ${MAX_PHOTOS_PER_STEP} photos per step`, [{ field: 'photo', zh: `已有 ${MAX_PHOTOS_PER_STEP} 张照片`, en: `already has ${MAX_PHOTOS_PER_STEP} photos` }]);
      }
      const now = context.clock.now();
      stored = await writeCheckedUpload(context.config.dataDir, tenantId, now, checked);
      const attachment = await recordAttachment(sql, tenantId, { ownerKind: OWNER, ownerId: requestId, purpose: input.step, file: stored, uploadedBy: actor, at: now });
      await recordAudit(sql, tenantId, actor, now, {
        action: 'service_request.photo_add',
        objectType: 'service_request',
        objectId: requestId,
        ...(facts.customer_id ? { customerId: facts.customer_id } : {}),
        after: { photoId: attachment.id, step: input.step, contentType: attachment.contentType, bytes: attachment.bytes, sha256: attachment.sha256 },
      });
      return toPhoto(attachment);
    });
  } catch (error) {
    await discardUpload(context.config.dataDir, tenantId, stored);
    throw error;
  }
}

/** The bytes of one of a request's photos, for someone who may see the request. */
export async function readPhoto(context: PlatformContext, tenantId: string, viewer: PhotoViewer, requestId: string, photoId: string): Promise<{ bytes: Buffer; contentType: ImageType; id: string }> {
  const attachment = await context.db.withTenant(tenantId, async (sql) => {
    const facts = await requestFacts(sql, requestId, false);
    if (!facts || (viewer.kind === 'portal' && !(await isTheirs(sql, viewer.portalUserId, facts)))) throw notFound(REQUEST);
    const found = await findAttachment(sql, OWNER, requestId, photoId);
    if (!found) throw notFound(PHOTO);
    return found;
  });
  const file = await readAttachment(context.config.dataDir, tenantId, attachment);
  return { bytes: file.bytes, contentType: photoType(file.contentType), id: attachment.id };
}
