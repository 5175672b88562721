/** Uploads for every module: content checks (sniff.ts), tenant-keyed storage (storage.ts), attachment rows (attachments.ts). */
export { countAttachments, discardUpload, findAttachment, listAttachments, readAttachment, recordAttachment, storeUpload, writeCheckedUpload, type Attachment, type StoredUpload } from './attachments';
export { looksLikePdf, PDF_TYPE, sniffPdf, type PdfResult } from './pdf';
export { EXTENSIONS, FILE_TYPES, IMAGE_TYPES, isImageType, MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, sniffImage, type FileType, type ImageType, type SniffedImage, type SniffProblem, type SniffResult } from './sniff';
export { readTenantFile, removeTenantFile, resolveTenantFile, sha256Hex, writeTenantFile, type StoredFile } from './storage';
export { checkFileName, checkUpload, DEFAULT_MAX_UPLOAD_BYTES, fileUploadSchema, UPLOAD_BODY_LIMIT, uploadProblem, type CheckedUpload, type FileUpload, type SniffedFile, type UploadPolicy } from './uploads';
