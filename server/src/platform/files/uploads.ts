/**
 * An upload as the API receives it (base64 in JSON, like every other body, so it is validated and
 * documented like one), and its check: decoded strictly, no larger than the limit, an image (sniff.ts) or a
 * PDF document (pdf.ts) by its content, of a type the use accepts (its policy: service photos take images
 * only, application documents PDFs too), matching the declared type when one is declared. The client's
 * file name, if sent, is only remembered for display: it must be a plain name (no path, no "..", no control
 * characters) and is never used to store or find the file.
 */
import { z } from 'zod';
import { DomainError } from '../errors';
import { looksLikePdf, sniffPdf } from './pdf';
import { FILE_TYPES, sniffImage, type FileType, type SniffProblem } from './sniff';

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** A body carrying one upload: the base64 of the largest file plus the JSON around it. */
export const UPLOAD_BODY_LIMIT = 8 * 1024 * 1024;

export const fileUploadSchema = z
  .strictObject({
    contentType: z.enum(FILE_TYPES).optional().meta({ description: 'The type the client believes it sends; the server decides from the content and refuses a mismatch' }),
    dataBase64: z.string().min(8).max(8_000_000).meta({ description: 'The file, base64-encoded (at most 5 MiB decoded)' }),
    fileName: z.string().max(200).optional().meta({ description: 'The name on the client, kept for display only (never used to store the file)' }),
  })
  .meta({ id: 'FileUpload' });
export type FileUpload = z.infer<typeof fileUploadSchema>;

export interface UploadPolicy {
  /** The field the upload came in, for the error. */
  field: string;
  /** Types accepted here (a PDF only where the use lists application/pdf). */
  accept: readonly FileType[];
  maxBytes?: number;
}

/** What the content was found to be; pixels when an image's header gives them, null for a PDF. */
export interface SniffedFile {
  contentType: FileType;
  width: number | null;
  height: number | null;
}

export interface CheckedUpload {
  bytes: Buffer;
  file: SniffedFile;
  fileName: string | null;
}

export const uploadProblem = (field: string, zh: string, en: string, code = 'invalid_file'): DomainError =>
  new DomainError('validation', code, `文件：${zh}`, `file: ${en}`, [{ field, zh, en }]);

const TYPE_NAMES: Record<FileType, string> = { 'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/webp': 'WebP', 'image/heic': 'HEIC', 'application/pdf': 'PDF' };

function notAccepted(field: string, accept: readonly FileType[]): DomainError {
  const images = accept.filter((type) => type !== 'application/pdf').map((type) => TYPE_NAMES[type]);
  const takesPdf = accept.includes('application/pdf');
  const zh = `此处只接受 ${images.join('、')} 图片${takesPdf ? '或 PDF 文件' : ''}`;
  const en = `only ${images.join(', ')} images${takesPdf ? ' or PDF documents' : ''} are accepted here`;
  return uploadProblem(field, zh, en, 'invalid_file_type');
}

/** What the bytes are: a PDF is checked as one only where PDFs are taken, so elsewhere it is just the wrong type. */
function sniffFor(bytes: Buffer, accept: readonly FileType[]): { ok: true; file: SniffedFile } | { ok: false; problem: SniffProblem } | { ok: false; problem: null } {
  if (looksLikePdf(bytes)) return accept.includes('application/pdf') ? sniffPdf(bytes) : { ok: false, problem: null };
  const sniffed = sniffImage(bytes);
  return sniffed.ok ? { ok: true, file: sniffed.image } : sniffed;
}

/** A plain file name, or a refusal: no directories, no "..", no control or reserved characters. */
export function checkFileName(field: string, name: string | undefined): string | null {
  if (name === undefined) return null;
  const trimmed = name.normalize('NFC').trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || trimmed.length > 120 || /[/\\:*?"<>|\u0000-\u001f\u007f]/.test(trimmed) || trimmed.includes('..') || trimmed.startsWith('.')) {
    throw uploadProblem(`${field}.fileName`, '文件名不合法（不能含路径、“..”或特殊字符）', 'is not a plain file name (no path, "..", or special characters)', 'invalid_file_name');
  }
  return trimmed;
}

/** Decodes and checks an upload; nothing is written. */
export function checkUpload(upload: FileUpload, policy: UploadPolicy): CheckedUpload {
  const maxBytes = policy.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const fileName = checkFileName(policy.field, upload.fileName);
  const text = upload.dataBase64.replace(/\s+/g, '');
  // Standard base64; the padding may be left off, but no other character and no impossible length.
  const unpadded = text.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(unpadded) || unpadded.length % 4 === 1 || (text.length !== unpadded.length && text.length % 4 !== 0)) {
    throw uploadProblem(policy.field, '不是有效的 base64 数据', 'is not valid base64 data');
  }
  // Checked before decoding, so an oversized body costs no decoding.
  if (Math.floor((unpadded.length * 3) / 4) > maxBytes) throw tooLarge(policy.field, maxBytes);
  const bytes = Buffer.from(unpadded, 'base64');
  if (bytes.length === 0) throw uploadProblem(policy.field, '文件是空的', 'is empty');
  if (bytes.length > maxBytes) throw tooLarge(policy.field, maxBytes);
  const sniffed = sniffFor(bytes, policy.accept);
  if (!sniffed.ok) {
    if (sniffed.problem === null) throw notAccepted(policy.field, policy.accept);
    if (sniffed.problem.reason === 'not_an_image' && policy.accept.includes('application/pdf')) throw notAccepted(policy.field, policy.accept);
    throw uploadProblem(policy.field, sniffed.problem.zh, sniffed.problem.en, sniffed.problem.reason === 'not_an_image' ? 'invalid_file_type' : 'invalid_file');
  }
  const { file } = sniffed;
  if (!policy.accept.includes(file.contentType)) throw notAccepted(policy.field, policy.accept);
  if (upload.contentType && upload.contentType !== file.contentType) throw uploadProblem(policy.field, '文件内容与声明的类型不符', 'content does not match the declared type', 'invalid_file_type');
  return { bytes, file, fileName };
}

function tooLarge(field: string, maxBytes: number): DomainError {
  const mb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  return uploadProblem(field, `不能超过 ${mb} MB`, `may be at most ${mb} MB`, 'file_too_large');
}
