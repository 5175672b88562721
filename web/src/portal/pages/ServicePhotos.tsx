/**
 * A request's photos in the portal: the resident's own and the crew's from the site, by step, as
 * thumbnails that open full size; more can be added while the request is open. Also the upload of picked
 * photos one by one with their progress, and the materials the crew used.
 */
import { useQueryClient } from '@tanstack/react-query';
import { ImageViewer, Toast } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { api, ApiError } from '../../api/client';
import type { ServicePhoto, ServicePhotoStep, ServiceRequestDetail } from '../../api/types';
import { formatQuantity } from '../../shared/quantity';
import { fill } from './PayMessages';
import { serviceQueryKeys } from './ServiceApi';
import { useServiceMediaText } from './ServiceMediaMessages';
import { pickPhotos, PhotoTile, usePhotoInputs, type PickedPhoto } from './ServicePhotoPicker';
import '../components/UploadTile.css';

export const MAX_REPORT_PHOTOS = 6;
const STEPS: ServicePhotoStep[] = ['submit', 'arrive', 'control', 'restore'];

export const portalPhotoUrl = (requestId: string, photoId: string) => `/api/portal/service-requests/${encodeURIComponent(requestId)}/photos/${encodeURIComponent(photoId)}`;

/**
 * Sends picked photos to a request one after another, reporting each one's progress; answers the photos
 * that could not be sent (with the reason of the first), so the page can offer to try them again.
 */
export async function uploadPhotos(requestId: string, photos: PickedPhoto[], update: (key: string, change: Partial<PickedPhoto>) => void): Promise<{ failed: string[]; problem: unknown }> {
  const failed: string[] = [];
  let problem: unknown = null;
  for (const photo of photos) {
    if (photo.status === 'done') continue;
    update(photo.key, { status: 'uploading', progress: 0 });
    try {
      await api.postWithProgress(`/api/portal/service-requests/${encodeURIComponent(requestId)}/photos`, { photo: photo.prepared.upload }, (sent) => update(photo.key, { progress: sent }));
      update(photo.key, { status: 'done', progress: 1 });
    } catch (error) {
      failed.push(photo.key);
      problem ??= error;
      update(photo.key, { status: 'failed' });
    }
  }
  return { failed, problem };
}

function PhotoThumb({ requestId, photo, onOpen }: { requestId: string; photo: ServicePhoto; onOpen: () => void }): ReactElement {
  const { text } = useServiceMediaText();
  // Browsers other than Safari cannot show HEIC: it opens as a file instead.
  if (photo.contentType === 'image/heic') {
    return (
      <a className="upload-tile sv-photo-heic-link" href={portalPhotoUrl(requestId, photo.id)} target="_blank" rel="noreferrer" data-testid="service-photo">
        <span className="sv-photo-heic">{text.heic}</span>
      </a>
    );
  }
  return (
    <button type="button" className="upload-tile" onClick={onOpen} aria-label={text.openPhoto} data-testid="service-photo">
      <img src={portalPhotoUrl(requestId, photo.id)} alt="" loading="lazy" />
    </button>
  );
}

/** The request's photos by step, and the tile to add more while it is open. */
export function ServicePhotos({ request }: { request: ServiceRequestDetail }): ReactElement | null {
  const { text, language } = useServiceMediaText();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState<PickedPhoto[]>([]);
  const open = request.state !== 'closed' && request.state !== 'cancelled';
  const own = request.photos.filter((photo) => photo.step === 'submit').length;
  const room = MAX_REPORT_PHOTOS - own - adding.filter((photo) => photo.status !== 'done').length;
  const viewable = request.photos.filter((photo) => photo.contentType !== 'image/heic');
  const update = (key: string, change: Partial<PickedPhoto>) => setAdding((list) => list.map((photo) => (photo.key === key ? { ...photo, ...change } : photo)));
  const inputs = usePhotoInputs((files) => {
    void pickPhotos(files, room, text, MAX_REPORT_PHOTOS).then(async (picked) => {
      if (picked.length === 0) return;
      setAdding((list) => [...list, ...picked]);
      const { failed, problem } = await uploadPhotos(request.id, picked, update);
      await queryClient.invalidateQueries({ queryKey: serviceQueryKeys.detail(request.id) });
      for (const photo of picked) if (photo.prepared.previewUrl) URL.revokeObjectURL(photo.prepared.previewUrl);
      setAdding((list) => list.filter((photo) => failed.includes(photo.key)));
      if (failed.length > 0) Toast.show({ icon: 'fail', content: problem instanceof ApiError ? problem.messageIn(language) : text.uploadFailed });
    });
  });
  if (request.photos.length === 0 && !open) return null;
  return (
    <section className="portal-card" data-testid="service-photos">
      <h3 className="portal-section-title">{text.photosTitle}</h3>
      {STEPS.map((step) => {
        const photos = request.photos.filter((photo) => photo.step === step);
        const showAdd = step === 'submit' && open && room > 0;
        if (photos.length === 0 && !showAdd && !(step === 'submit' && adding.length > 0)) return null;
        return (
          <div key={step} className="sv-photo-step" data-testid={`service-photos-${step}`}>
            <div className="portal-label">{text.photoStep[step]}</div>
            <div className="upload-tile-grid">
              {photos.map((photo) => (
                <PhotoThumb key={photo.id} requestId={request.id} photo={photo} onOpen={() => ImageViewer.Multi.show({ images: viewable.map((item) => portalPhotoUrl(request.id, item.id)), defaultIndex: Math.max(0, viewable.indexOf(photo)) })} />
              ))}
              {step === 'submit' && adding.map((photo) => <PhotoTile key={photo.key} photo={photo} onRemove={photo.status === 'failed' ? () => setAdding((list) => list.filter((item) => item.key !== photo.key)) : undefined} />)}
              {showAdd && (
                <button type="button" className="upload-tile upload-tile-add" onClick={inputs.open} data-testid="service-photo-add">
                  <span className="upload-tile-plus">＋</span>
                  <span>{text.addMore}</span>
                </button>
              )}
            </div>
          </div>
        );
      })}
      {open && <p className="portal-hint">{fill(text.photosHint, { max: MAX_REPORT_PHOTOS })}</p>}
      {inputs.element}
    </section>
  );
}

/** The materials the crew recorded, in the units people use. */
export function ServiceMaterials({ request }: { request: ServiceRequestDetail }): ReactElement | null {
  const { text, language } = useServiceMediaText();
  if (request.materials.length === 0) return null;
  const english = language.startsWith('en');
  return (
    <section className="portal-card" data-testid="service-materials">
      <h3 className="portal-section-title">{text.materials}</h3>
      <ul className="sv-materials">
        {request.materials.map((line) => (
          <li key={line.id}>
            <span>{english ? line.material.nameEn : line.material.name}</span>
            <span className="sv-material-qty">
              {formatQuantity(line.quantity, line.material.scale)} {english ? line.material.unitEn : line.material.unit}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
