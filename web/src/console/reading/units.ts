/** Register and volume text: integer litres in, m³ with three decimals out; typed m³ parsed on the digits. */
export function litresToM3(litres: number | null | undefined): string {
  if (litres === null || litres === undefined) return '—';
  const sign = litres < 0 ? '-' : '';
  const absolute = Math.abs(litres);
  return `${sign}${Math.floor(absolute / 1000)}.${String(absolute % 1000).padStart(3, '0')}`;
}

/** "1234.5" → 1234500 litres; null when it is not a number with at most three decimals. */
export function m3ToLitres(text: string): number | null {
  const match = /^\s*(\d{1,9})(?:[.,](\d{0,3}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 1000 + Number((match[2] ?? '').padEnd(3, '0'));
}

/** A file or photo as base64 (without the data: prefix). */
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
