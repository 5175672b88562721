/**
 * Photos for a report (报修照片), chosen on the phone: from the camera or the album, made small before
 * sending, shown as thumbnails that can be removed, each with its upload progress once sending starts.
 */
import { ActionSheet, Toast } from 'antd-mobile';
import { useRef, useState, type ReactElement } from 'react';
import { PhotoTooLarge, preparePhoto, type PreparedPhoto } from '../../shared/photos';
import { fill } from './PayMessages';
import { UploadOverlay } from '../components/UploadOverlay';
import { useServiceMediaText, type ServiceMediaText } from './ServiceMediaMessages';

export interface PickedPhoto {
  key: string;
  prepared: PreparedPhoto;
  status: 'ready' | 'uploading' | 'done' | 'failed';
  /** 0–1 while uploading. */
  progress: number;
}

let serial = 0;

/** Reads the chosen files into PickedPhotos (the picker and the detail page's "add photos"). */
export async function pickPhotos(files: FileList | null, room: number, text: ServiceMediaText, max: number): Promise<PickedPhoto[]> {
  const chosen = Array.from(files ?? []);
  if (chosen.length > room) Toast.show({ content: fill(text.tooMany, { max }) });
  const picked: PickedPhoto[] = [];
  for (const file of chosen.slice(0, Math.max(0, room))) {
    try {
      serial += 1;
      picked.push({ key: `photo-${serial}`, prepared: await preparePhoto(file), status: 'ready', progress: 0 });
    } catch (error) {
      Toast.show({ content: error instanceof PhotoTooLarge ? text.tooLarge : text.notAPhoto });
    }
  }
  return picked;
}

/** The two ways to choose: the camera, or the album (several at once); `element` goes into the page, `open` asks which. */
export function usePhotoInputs(onFiles: (files: FileList | null) => void, multiple = true) {
  const camera = useRef<HTMLInputElement>(null);
  const album = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const { text } = useServiceMediaText();
  const take = (input: HTMLInputElement | null) => {
    setOpen(false);
    input?.click();
  };
  const handle = (input: HTMLInputElement) => {
    onFiles(input.files);
    // The same photo may be chosen again after it was removed.
    input.value = '';
  };
  return {
    open: () => setOpen(true),
    element: (
      <>
        <input ref={camera} type="file" accept="image/*" capture="environment" hidden onChange={(event) => handle(event.target)} data-testid="service-photo-camera" />
        <input ref={album} type="file" accept="image/*" multiple={multiple} hidden onChange={(event) => handle(event.target)} data-testid="service-photo-album" />
        <ActionSheet
          visible={open}
          onClose={() => setOpen(false)}
          cancelText={text.cancel}
          actions={[
            { key: 'camera', text: text.takePhoto, onClick: () => take(camera.current) },
            { key: 'album', text: text.fromAlbum, onClick: () => take(album.current) },
          ]}
        />
      </>
    ),
  };
}

export function PhotoTile({ photo, onRemove }: { photo: PickedPhoto; onRemove?: () => void }): ReactElement {
  const { text } = useServiceMediaText();
  return (
    <div className={`upload-tile upload-tile-${photo.status}`} data-testid="service-photo-tile" data-status={photo.status}>
      {photo.prepared.previewUrl ? <img src={photo.prepared.previewUrl} alt="" /> : <span className="sv-photo-heic">{text.heic}</span>}
      <UploadOverlay status={photo.status} progress={photo.progress} text={{ uploading: text.uploading, uploaded: text.uploaded, uploadFailed: text.uploadFailed, remove: text.removePhoto }} onRemove={onRemove} />
    </div>
  );
}

export function ServicePhotoPicker({ value, onChange, max, disabled }: { value: PickedPhoto[]; onChange: (photos: PickedPhoto[]) => void; max: number; disabled?: boolean }): ReactElement {
  const { text } = useServiceMediaText();
  const [preparing, setPreparing] = useState(false);
  const inputs = usePhotoInputs((files) => {
    setPreparing(true);
    void pickPhotos(files, max - value.length, text, max)
      .then((picked) => onChange([...value, ...picked]))
      .finally(() => setPreparing(false));
  });
  const remove = (key: string) => {
    const photo = value.find((item) => item.key === key);
    if (photo?.prepared.previewUrl) URL.revokeObjectURL(photo.prepared.previewUrl);
    onChange(value.filter((item) => item.key !== key));
  };
  return (
    <div data-testid="service-photos-picker">
      <div className="upload-tile-grid">
        {value.map((photo) => (
          <PhotoTile key={photo.key} photo={photo} onRemove={disabled ? undefined : () => remove(photo.key)} />
        ))}
        {value.length < max && !disabled && (
          <button type="button" className="upload-tile upload-tile-add" onClick={inputs.open} disabled={preparing} data-testid="service-photo-add">
            <span className="upload-tile-plus">＋</span>
            <span>{preparing ? text.preparing : text.addPhoto}</span>
          </button>
        )}
      </div>
      {inputs.element}
    </div>
  );
}
