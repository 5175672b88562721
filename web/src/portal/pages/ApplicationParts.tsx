/**
 * Pieces the online business pages share: texts in the current language, the home entries, the status tag,
 * the stage list (公开流程 and 办理进度 both), and documents chosen on the phone — photos from the camera or
 * the album (made small before sending) or PDF files — with their upload progress.
 */
import { ActionSheet, Steps, Tag, Toast } from 'antd-mobile';
import { useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FileUpload } from '../../api/types';
import { MAX_UPLOAD_BYTES, PhotoTooLarge, preparePhoto } from '../../shared/photos';
import { uploadDocument, type ApplicationStatus, type Bilingual, type ProcessStage, type StageProgress } from './ApplicationApi';
import { applicationText, type ApplicationText } from './ApplicationMessages';
import { UploadOverlay } from '../components/UploadOverlay';
import { fill } from './PayMessages';
import { formatDateTime } from './PayParts';
import './Application.css';

/** As many files per material as the server keeps (applications/documents.ts). */
export const MAX_FILES_PER_MATERIAL = 6;

export function useApplicationText() {
  const { i18n } = useTranslation();
  const language = i18n.language;
  const isEnglish = language.startsWith('en');
  return {
    text: applicationText(language),
    language,
    isEnglish,
    /** A name the server gives in both languages (types, stages, materials). */
    named: (item: { name: string; nameEn: string }) => (isEnglish ? item.nameEn : item.name),
    bilingual: (item: Bilingual) => (isEnglish ? item.en : item.zh),
  };
}

export function ApplicationEntries(): ReactElement {
  const { text } = useApplicationText();
  return (
    <nav className="apl-home-entries" data-testid="application-entries">
      <Link className="portal-card apl-home-entry" to="/applications/new" data-testid="application-entry-new">
        <div className="apl-home-entry-title">{text.entryTitle}</div>
        <div className="apl-home-entry-text">{text.entryDescription}</div>
      </Link>
      <div className="apl-home-side">
        <Link className="portal-card apl-home-entry apl-home-entry-small" to="/applications" data-testid="application-entry-mine">
          <div className="apl-home-entry-title">{text.mineTitle}</div>
          <div className="apl-home-entry-text">{text.mineDescription}</div>
        </Link>
        <Link className="portal-card apl-home-entry apl-home-entry-small" to="/processes" data-testid="application-entry-processes">
          <div className="apl-home-entry-title">{text.processTitle}</div>
          <div className="apl-home-entry-text">{text.processDescription}</div>
        </Link>
      </div>
    </nav>
  );
}

const STATUS_COLORS: Record<ApplicationStatus, string> = { in_progress: 'primary', returned: 'warning', completed: 'success', rejected: 'default' };

export function ApplicationStatusTag({ status }: { status: ApplicationStatus }): ReactElement {
  const { text } = useApplicationText();
  return (
    <Tag color={STATUS_COLORS[status]} fill="outline" className="apl-status" data-testid="application-status" data-status={status}>
      {text.status[status]}
    </Tag>
  );
}

/** The published stages of a type: name, the post responsible and the time limit. */
export function ProcessStages({ stages }: { stages: ProcessStage[] }): ReactElement {
  const { text, named, bilingual } = useApplicationText();
  return (
    <ol className="apl-process-stages">
      {stages.map((stage, index) => (
        <li key={stage.code} className="apl-process-stage" data-testid="process-stage">
          <span className="apl-stage-index" aria-hidden="true">
            {index + 1}
          </span>
          <span className="apl-stage-name">{named(stage)}</span>
          <span className="apl-stage-meta">
            <span>{fill(text.stageRole, { role: bilingual(stage.roleName) })}</span>
            <span className="apl-stage-days">{fill(text.stageDays, { days: stage.timeLimitDays })}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}

/** An application's stages in order with their state: done when, the current one with its post and deadline, those to come. */
export function ProgressSteps({ stages, status }: { stages: StageProgress[]; status: ApplicationStatus }): ReactElement {
  const { text, named, bilingual, language } = useApplicationText();
  const current = stages.findIndex((stage) => stage.state === 'current');
  return (
    <Steps direction="vertical" current={current >= 0 ? current : stages.filter((stage) => stage.state === 'done').length - 1} className="apl-steps" data-testid="application-stages">
      {stages.map((stage) => {
        const isReturned = stage.state === 'current' && status === 'returned';
        const stateText = stage.state === 'done' ? text.stateDone : stage.state === 'current' ? (isReturned ? text.stateReturned : text.stateCurrent) : text.statePending;
        const when =
          stage.state === 'done' && stage.doneAt
            ? fill(text.doneAt, { at: formatDateTime(stage.doneAt, language) })
            : stage.state === 'current' && stage.dueAt
              ? fill(text.dueAtShort, { at: formatDateTime(stage.dueAt, language) })
              : fill(text.days, { days: stage.timeLimitDays });
        return (
          <Steps.Step
            key={stage.code}
            status={stage.state === 'done' ? 'finish' : stage.state === 'current' ? (stage.isOverdue || isReturned ? 'error' : 'process') : 'wait'}
            title={
              <span className="apl-step-title" data-testid="application-stage" data-stage={stage.code} data-state={isReturned ? 'returned' : stage.state}>
                {named(stage)}
                <span className={`apl-step-state apl-step-${isReturned ? 'returned' : stage.state}`}>{stateText}</span>
              </span>
            }
            description={
              <span className="apl-step-description">
                <span>{bilingual(stage.roleName)}</span>
                <span className={stage.isOverdue ? 'apl-overdue' : undefined}>
                  {when}
                  {stage.isOverdue ? ` · ${text.overdue}` : ''}
                </span>
              </span>
            }
          />
        );
      })}
    </Steps>
  );
}

// ---- documents chosen on the phone ----

export interface PickedFile {
  key: string;
  kind: 'photo' | 'pdf';
  upload: FileUpload;
  name: string;
  bytes: number;
  /** An object URL of a photo, to show it before it is sent; null for a PDF or a photo the browser cannot show (HEIC). */
  previewUrl: string | null;
  status: 'ready' | 'uploading' | 'done' | 'failed';
  /** 0–1 while uploading. */
  progress: number;
}

let serial = 0;

function readBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(blob);
  });
}

const isPdfFile = (file: File) => file.type === 'application/pdf' || /\.pdf$/i.test(file.name);

/** The chosen files as PickedFiles: photos made small, PDFs sent as they are (the server checks both by content). */
async function pickFiles(files: FileList | null, room: number, text: ApplicationText): Promise<PickedFile[]> {
  const chosen = Array.from(files ?? []);
  if (chosen.length > room) Toast.show({ content: fill(text.tooMany, { max: MAX_FILES_PER_MATERIAL }) });
  const picked: PickedFile[] = [];
  for (const file of chosen.slice(0, Math.max(0, room))) {
    serial += 1;
    const key = `file-${serial}`;
    try {
      if (isPdfFile(file)) {
        if (file.size > MAX_UPLOAD_BYTES) throw new PhotoTooLarge();
        // A courtesy check before sending: the server checks the whole file.
        if ((await file.slice(0, 5).text()) !== '%PDF-') throw new Error('not a PDF');
        const name = file.name.replace(/[/\\:*?"<>|]/g, '_').slice(-100) || 'document.pdf';
        picked.push({ key, kind: 'pdf', upload: { contentType: 'application/pdf', dataBase64: await readBase64(file), fileName: name }, name, bytes: file.size, previewUrl: null, status: 'ready', progress: 0 });
      } else {
        const prepared = await preparePhoto(file);
        // The name the customer knows it by, with the extension of what is sent (a photo made smaller is a JPEG).
        const safe = file.name.replace(/[/\\:*?"<>|]/g, '_');
        const fileName = (prepared.upload.contentType === 'image/jpeg' ? `${safe.replace(/\.[^.]*$/, '').slice(-95) || 'photo'}.jpg` : safe.slice(-100)) || undefined;
        picked.push({ key, kind: 'photo', upload: fileName ? { ...prepared.upload, fileName } : prepared.upload, name: file.name, bytes: prepared.bytes, previewUrl: prepared.previewUrl, status: 'ready', progress: 0 });
      }
    } catch (error) {
      Toast.show({ content: error instanceof PhotoTooLarge ? text.tooLarge : text.notAFile });
    }
  }
  return picked;
}

export function releaseFiles(files: PickedFile[]): void {
  for (const file of files) if (file.previewUrl) URL.revokeObjectURL(file.previewUrl);
}

export function FileTile({ file, onRemove }: { file: PickedFile; onRemove?: () => void }): ReactElement {
  const { text } = useApplicationText();
  return (
    <div className={`upload-tile upload-tile-${file.status}`} data-testid="application-file" data-kind={file.kind} data-status={file.status}>
      {file.previewUrl ? (
        <img src={file.previewUrl} alt="" />
      ) : (
        <span className="apl-file-doc">
          <span className="apl-file-badge">{file.kind === 'pdf' ? text.pdf : 'HEIC'}</span>
          <span className="apl-file-name">{file.name}</span>
        </span>
      )}
      <UploadOverlay status={file.status} progress={file.progress} text={{ uploading: text.uploading, uploaded: text.uploaded, uploadFailed: text.uploadFailed, remove: text.remove }} onRemove={onRemove} />
    </div>
  );
}

/**
 * The files for one material: thumbnails, and an add button that offers the camera, the album or a PDF.
 * The three inputs are in the page (hidden), named by the material, so a test can hand them files.
 */
export function MaterialFiles({ material, value, onChange, room, disabled }: { material: string; value: PickedFile[]; onChange: (files: PickedFile[]) => void; room: number; disabled?: boolean }): ReactElement {
  const { text } = useApplicationText();
  const camera = useRef<HTMLInputElement>(null);
  const album = useRef<HTMLInputElement>(null);
  const pdf = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [preparing, setPreparing] = useState(false);
  const take = (input: HTMLInputElement | null) => {
    setOpen(false);
    input?.click();
  };
  const handle = (input: HTMLInputElement) => {
    setPreparing(true);
    void pickFiles(input.files, room - value.length, text)
      .then((picked) => onChange([...value, ...picked]))
      .finally(() => setPreparing(false));
    // The same file may be chosen again after it was removed.
    input.value = '';
  };
  const remove = (key: string) => {
    releaseFiles(value.filter((file) => file.key === key));
    onChange(value.filter((file) => file.key !== key));
  };
  return (
    <div className="upload-tile-grid" data-testid={`application-files-${material}`}>
      {value.map((file) => (
        <FileTile key={file.key} file={file} onRemove={disabled ? undefined : () => remove(file.key)} />
      ))}
      {value.length < room && !disabled && (
        <button type="button" className="upload-tile upload-tile-add" onClick={() => setOpen(true)} disabled={preparing} data-testid={`application-file-add-${material}`}>
          <span className="upload-tile-plus">＋</span>
          <span>{preparing ? text.preparing : text.addFile}</span>
        </button>
      )}
      <input ref={camera} type="file" accept="image/*" capture="environment" hidden onChange={(event) => handle(event.target)} data-testid={`application-file-camera-${material}`} />
      <input ref={album} type="file" accept="image/*" multiple hidden onChange={(event) => handle(event.target)} data-testid={`application-file-album-${material}`} />
      <input ref={pdf} type="file" accept="application/pdf,.pdf" multiple hidden onChange={(event) => handle(event.target)} data-testid={`application-file-pdf-${material}`} />
      <ActionSheet
        visible={open}
        onClose={() => setOpen(false)}
        cancelText={text.cancel}
        actions={[
          { key: 'camera', text: text.takePhoto, onClick: () => take(camera.current) },
          { key: 'album', text: text.fromAlbum, onClick: () => take(album.current) },
          { key: 'pdf', text: text.choosePdf, onClick: () => take(pdf.current) },
        ]}
      />
    </div>
  );
}

/**
 * Sends picked files to an application one after another, each with its progress; answers those that
 * could not be sent (with the reason of the first), so the page can offer to try them again.
 */
export async function uploadFiles(applicationId: string, files: { material: string; file: PickedFile }[], update: (key: string, change: Partial<PickedFile>) => void): Promise<{ failed: string[]; problem: unknown }> {
  const failed: string[] = [];
  let problem: unknown = null;
  for (const { material, file } of files) {
    if (file.status === 'done') continue;
    update(file.key, { status: 'uploading', progress: 0 });
    try {
      await uploadDocument(applicationId, material, file.upload, (sent) => update(file.key, { progress: sent }));
      update(file.key, { status: 'done', progress: 1 });
    } catch (error) {
      failed.push(file.key);
      problem ??= error;
      update(file.key, { status: 'failed' });
    }
  }
  return { failed, problem };
}
