import type { ReactElement } from 'react';
import { fill } from '../pages/PayMessages';

export interface UploadOverlayText {
  /** With {{percent}}. */
  uploading: string;
  uploaded: string;
  uploadFailed: string;
  remove: string;
}

/**
 * What a picked file's tile shows over its preview while it is sent: the progress bar, done or failed, and the
 * remove button while it may still be taken back. The classes are `<prefix>-overlay`, `-bar`, `-ok`, `-bad` and
 * `-remove`, styled by the page that uses it (service photos `sv-photo`, application files `apl-file`).
 */
export function UploadOverlay({ status, progress, prefix, text, onRemove }: { status: string; progress: number; prefix: string; text: UploadOverlayText; onRemove?: () => void }): ReactElement {
  const percent = Math.round(progress * 100);
  return (
    <>
      {status === 'uploading' && (
        <span className={`${prefix}-overlay`} role="status">
          {fill(text.uploading, { percent })}
          <span className={`${prefix}-bar`} style={{ width: `${percent}%` }} />
        </span>
      )}
      {status === 'done' && <span className={`${prefix}-overlay ${prefix}-ok`}>✓ {text.uploaded}</span>}
      {status === 'failed' && <span className={`${prefix}-overlay ${prefix}-bad`}>{text.uploadFailed}</span>}
      {onRemove && status !== 'uploading' && status !== 'done' && (
        <button type="button" className={`${prefix}-remove`} aria-label={text.remove} onClick={onRemove}>
          ×
        </button>
      )}
    </>
  );
}
