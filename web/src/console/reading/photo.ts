import type { PhotoUpload } from '../../api/types';
import { readAsBase64 } from './units';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/**
 * A phone photo made small enough to send over a weak connection: at most 1600 px on its long side, as
 * JPEG. Falls back to the original file when the browser cannot decode it.
 */
export async function preparePhoto(file: File): Promise<PhotoUpload> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.82));
    if (blob) return { contentType: 'image/jpeg', dataBase64: await readAsBase64(blob) };
  } catch {
    // Not decodable here: send it as it is, the server checks the type.
  }
  const type = file.type === 'image/png' || file.type === 'image/webp' ? file.type : 'image/jpeg';
  return { contentType: type, dataBase64: await readAsBase64(file) };
}
