/**
 * Phone photos made small before they are sent (both front ends): decoded by the browser, at most 1600 px
 * on the long side, re-encoded as JPEG, which also drops camera metadata such as the GPS position. A photo
 * the browser cannot decode (HEIC outside Safari) is sent as it is when it is small enough; the server
 * checks every upload by its content either way.
 */
import type { FileUpload } from '../api/types';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const LONG_SIDE = 1600;
const QUALITY = 0.8;

export interface PreparedPhoto {
  upload: FileUpload;
  /** Bytes that will be sent. */
  bytes: number;
  /** An object URL to show it before it is sent; null when the browser cannot show it (HEIC). */
  previewUrl: string | null;
}

export class PhotoTooLarge extends Error {}
export class NotAPhoto extends Error {}

function readBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(blob);
  });
}

async function shrink(file: File): Promise<Blob | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  } catch {
    return null;
  }
}

/** Makes a chosen file ready to send; throws NotAPhoto or PhotoTooLarge. */
export async function preparePhoto(file: File): Promise<PreparedPhoto> {
  const looksLikeImage = file.type.startsWith('image/') || /\.(jpe?g|png|webp|heic|heif)$/i.test(file.name);
  if (!looksLikeImage) throw new NotAPhoto();
  const small = await shrink(file);
  if (small) {
    if (small.size > MAX_UPLOAD_BYTES) throw new PhotoTooLarge();
    return { upload: { contentType: 'image/jpeg', dataBase64: await readBase64(small) }, bytes: small.size, previewUrl: URL.createObjectURL(small) };
  }
  // Not decodable here: sent unchanged (the server tells a HEIC from anything else by its bytes).
  if (file.size > MAX_UPLOAD_BYTES) throw new PhotoTooLarge();
  return { upload: { dataBase64: await readBase64(file) }, bytes: file.size, previewUrl: null };
}
