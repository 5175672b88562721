import type { ReactElement } from 'react';
import { fill } from '../pages/PayMessages';
import './UploadTile.css';

export interface UploadOverlayText {
  /** With {{percent}}. */
  uploading: string;
  uploaded: string;
  uploadFailed: string;
  remove: string;
}

/**
 * What a picked file's tile shows over its preview while it is sent: the progress bar, done or failed, and the
 * remove button while it may still be taken back, over an `upload-tile` (UploadTile.css: service photos and
 * application documents alike).
 */
export function UploadOverlay({ status, progress, text, onRemove }: { status: string; progress: number; text: UploadOverlayText; onRemove?: () => void }): ReactElement {
  const percent = Math.round(progress * 100);
  return (
    <>
      {status === 'uploading' && (
        <span className={"upload-tile-overlay"} role="status">
          {fill(text.uploading, { percent })}
          <span className={"upload-tile-bar"} style={{ width: `${percent}%` }} />
        </span>
      )}
      {status === 'done' && <span className={"upload-tile-overlay upload-tile-ok"}>✓ {text.uploaded}</span>}
      {status === 'failed' && <span className={"upload-tile-overlay upload-tile-bad"}>{text.uploadFailed}</span>}
      {onRemove && status !== 'uploading' && status !== 'done' && (
        <button type="button" className={"upload-tile-remove"} aria-label={text.remove} onClick={onRemove}>
          ×
        </button>
      )}
    </>
  );
}
