/** Files in and out of the finance pages: uploads as base64, downloads saved through the browser. */
import { ApiError } from '../../api/client';
import type { ApiErrorBody } from '../../api/types';

/** A file as base64 (without the data: prefix), as the API takes uploaded files. */
export function readAsBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const result = String(reader.result);
      resolve(result.slice(result.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** The file name of a Content-Disposition header, or null. */
function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded?.[1]) return decodeURIComponent(encoded[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? null;
}

/**
 * GETs a file (as bytes: a bank file may be GBK) and hands it to the browser to save under the server's
 * file name. Failures become ApiError like every other request.
 */
export async function downloadFile(url: string, fallbackName: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/plain, application/json' } });
  } catch {
    throw new ApiError(0, { code: 'network_error', message: { zh: '网络连接失败，请检查网络后重试', en: 'Network error; check the connection and try again' }, fields: [] });
  }
  if (!response.ok) {
    let body: ApiErrorBody | undefined;
    try {
      body = (await response.json()) as ApiErrorBody;
    } catch {
      body = undefined;
    }
    throw new ApiError(
      response.status,
      body && typeof body.code === 'string' ? body : { code: `http_${response.status}`, message: { zh: `下载失败（${response.status}）`, en: `Download failed (${response.status})` }, fields: [] },
    );
  }
  const blob = await response.blob();
  const name = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser a moment to start the download before the object URL goes.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
