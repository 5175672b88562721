/**
 * What an uploaded file really is, from its bytes: JPEG, PNG, WebP or HEIC, checked by walking the format's
 * structure to its end, never by its name or the type the client declares. A file that only starts like an
 * image (a JPEG header followed by a script, a PNG with a ZIP appended, an HTML page renamed .jpg) is refused,
 * and so is active content hidden in an image's metadata (comments, EXIF/XMP, text chunks).
 * Pure functions on a Buffer; no I/O.
 */

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** Everything an upload may be: the images, and PDF documents where a use takes them (pdf.ts). */
export const FILE_TYPES = [...IMAGE_TYPES, 'application/pdf'] as const;
export type FileType = (typeof FILE_TYPES)[number];

export const EXTENSIONS: Record<FileType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic', 'application/pdf': 'pdf' };

export const isImageType = (type: FileType): type is ImageType => (IMAGE_TYPES as readonly string[]).includes(type);

/** Larger images are refused: no phone takes them, and a viewer would have to decode them. */
export const MAX_IMAGE_SIDE = 16_384;
export const MAX_IMAGE_PIXELS = 120_000_000;

export interface SniffedImage {
  contentType: ImageType;
  /** Pixels, when the format says so in its header (HEIC keeps them in item properties: null). */
  width: number | null;
  height: number | null;
}

/** Why a file is not an acceptable image: a stable reason and its explanation in Chinese and English. */
export interface SniffProblem {
  reason: 'not_an_image' | 'malformed' | 'trailing_data' | 'active_content' | 'too_many_pixels' | 'heic_variant' | 'encrypted';
  zh: string;
  en: string;
}

export type SniffResult = { ok: true; image: SniffedImage } | { ok: false; problem: SniffProblem };

const fail = (reason: SniffProblem['reason'], zh: string, en: string): SniffResult => ({ ok: false, problem: { reason, zh, en } });
const malformed = (format: string): SniffResult => fail('malformed', `${format} 文件已损坏或不完整`, `the ${format} file is damaged or incomplete`);
const trailing = (format: string): SniffResult =>
  fail('trailing_data', `${format} 图片结尾后还有其他数据（如动态照片或夹带的文件），请重新拍摄或截图后上传`, `the ${format} image has other data after its end (a motion photo or a hidden file); take the photo again or send a screenshot`);

// Markup and script that a browser or another program could run if it ever took the file for something else.
const ACTIVE_MARKERS = ['<script', '<html', '<svg', '<iframe', '<object', '<embed', '<body', '<!doctype', 'javascript:', '<?php', '<%@', '<% '];

export function hasActiveContent(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  const text = bytes.toString('latin1').toLowerCase();
  return ACTIVE_MARKERS.some((marker) => text.includes(marker));
}
const activeContent = (): SniffResult => fail('active_content', '图片的附加信息中含有网页或脚本代码', 'the image carries web page or script code in its metadata');

function checkSize(contentType: ImageType, width: number | null, height: number | null): SniffResult {
  if (width !== null && height !== null) {
    if (width < 1 || height < 1) return malformed(contentType);
    if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
      return fail('too_many_pixels', `图片尺寸过大（${width}×${height}）`, `the image is too large (${width}×${height} pixels)`);
    }
  }
  return { ok: true, image: { contentType, width, height } };
}

// ---- JPEG (ISO/IEC 10918-1): markers and segments from SOI to EOI ----
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function sniffJpeg(bytes: Buffer): SniffResult {
  let pos = 2;
  let width: number | null = null;
  let height: number | null = null;
  let sawScan = false;
  const metadata: Buffer[] = [];
  while (pos < bytes.length) {
    if (bytes[pos] !== 0xff) return malformed('JPEG');
    // Fill bytes (0xFF) may precede a marker.
    while (pos < bytes.length && bytes[pos] === 0xff) pos += 1;
    if (pos >= bytes.length) return malformed('JPEG');
    const marker = bytes[pos] as number;
    pos += 1;
    if (marker === 0xd9) {
      if (width === null || !sawScan) return malformed('JPEG');
      // Some encoders pad the end with zero bytes; anything else after EOI is another file riding along.
      if (bytes.subarray(pos).some((byte) => byte !== 0x00)) return trailing('JPEG');
      if (metadata.some(hasActiveContent)) return activeContent();
      return checkSize('image/jpeg', width, height);
    }
    if (marker === 0xd8 || marker === 0x00) return malformed('JPEG');
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (pos + 2 > bytes.length) return malformed('JPEG');
    const length = bytes.readUInt16BE(pos);
    if (length < 2 || pos + length > bytes.length) return malformed('JPEG');
    const segment = bytes.subarray(pos + 2, pos + length);
    if (SOF_MARKERS.has(marker)) {
      if (segment.length < 6) return malformed('JPEG');
      height = segment.readUInt16BE(1);
      width = segment.readUInt16BE(3);
    } else if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      metadata.push(segment);
    }
    pos += length;
    if (marker === 0xda) {
      if (width === null) return malformed('JPEG');
      sawScan = true;
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
      while (pos < bytes.length) {
        if (bytes[pos] === 0xff) {
          const next = bytes[pos + 1];
          if (next === undefined) return malformed('JPEG');
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
            pos += 2;
            continue;
          }
          if (next === 0xff) {
            pos += 1;
            continue;
          }
          break;
        }
        pos += 1;
      }
    }
  }
  return malformed('JPEG');
}

// ---- PNG (ISO/IEC 15948): chunks with CRC from IHDR to IEND ----
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function sniffPng(bytes: Buffer): SniffResult {
  let pos = 8;
  let width: number | null = null;
  let height: number | null = null;
  let sawData = false;
  let first = true;
  while (pos + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(pos);
    const type = bytes.subarray(pos + 4, pos + 8).toString('latin1');
    if (!/^[A-Za-z]{4}$/.test(type) || length > 0x7fffffff || pos + 12 + length > bytes.length) return malformed('PNG');
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== bytes.readUInt32BE(pos + 8 + length)) return malformed('PNG');
    if (first !== (type === 'IHDR')) return malformed('PNG');
    first = false;
    if (type === 'IHDR') {
      if (length !== 13) return malformed('PNG');
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    } else if (type === 'IDAT') {
      sawData = true;
    } else if ((type === 'tEXt' || type === 'iTXt') && hasActiveContent(data)) {
      return activeContent();
    }
    pos += 12 + length;
    if (type === 'IEND') {
      if (!sawData) return malformed('PNG');
      if (pos !== bytes.length) return trailing('PNG');
      return checkSize('image/png', width, height);
    }
  }
  return malformed('PNG');
}

// ---- WebP (RIFF container, RFC 9649) ----
const WEBP_CHUNKS = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP', 'EXIF', 'XMP ']);

function sniffWebp(bytes: Buffer): SniffResult {
  const riffSize = bytes.readUInt32LE(4);
  if (riffSize + 8 < bytes.length) return trailing('WebP');
  if (riffSize + 8 !== bytes.length) return malformed('WebP');
  let pos = 12;
  let width: number | null = null;
  let height: number | null = null;
  let first = true;
  let sawImage = false;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) return malformed('WebP');
    const fourcc = bytes.subarray(pos, pos + 4).toString('latin1');
    const size = bytes.readUInt32LE(pos + 4);
    const end = pos + 8 + size;
    if (!WEBP_CHUNKS.has(fourcc) || end > bytes.length) return malformed('WebP');
    const data = bytes.subarray(pos + 8, end);
    if (first) {
      if (fourcc === 'VP8X') {
        if (size < 10) return malformed('WebP');
        width = data.readUIntLE(4, 3) + 1;
        height = data.readUIntLE(7, 3) + 1;
      } else if (fourcc === 'VP8 ') {
        if (size < 10 || data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a) return malformed('WebP');
        width = data.readUInt16LE(6) & 0x3fff;
        height = data.readUInt16LE(8) & 0x3fff;
      } else if (fourcc === 'VP8L') {
        if (size < 5 || data[0] !== 0x2f) return malformed('WebP');
        const bits = data.readUInt32LE(1);
        width = (bits & 0x3fff) + 1;
        height = ((bits >>> 14) & 0x3fff) + 1;
      } else {
        return malformed('WebP');
      }
      first = false;
    }
    if (fourcc === 'VP8 ' || fourcc === 'VP8L' || fourcc === 'ANMF') sawImage = true;
    if ((fourcc === 'EXIF' || fourcc === 'XMP ') && hasActiveContent(data)) return activeContent();
    // Chunks are padded to an even size.
    pos = end + (size % 2);
  }
  if (!sawImage || pos !== bytes.length) return malformed('WebP');
  return checkSize('image/webp', width, height);
}

// ---- HEIC (ISO/IEC 23008-12 in an ISO base media file): ftyp with a HEVC image brand, boxes to the end ----
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);
const OTHER_IMAGE_BRANDS = new Set(['avif', 'avis', 'mif1', 'msf1', 'jpeg', 'avci']);

function sniffHeic(bytes: Buffer): SniffResult {
  const boxes: { type: string; start: number; end: number }[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 8 > bytes.length) return malformed('HEIC');
    let size = bytes.readUInt32BE(pos);
    const type = bytes.subarray(pos + 4, pos + 8).toString('latin1');
    let header = 8;
    if (size === 1) {
      if (pos + 16 > bytes.length) return malformed('HEIC');
      const large = bytes.readBigUInt64BE(pos + 8);
      if (large > BigInt(bytes.length)) return malformed('HEIC');
      size = Number(large);
      header = 16;
    } else if (size === 0) {
      size = bytes.length - pos;
    }
    if (!/^[\x20-\x7e]{4}$/.test(type) || size < header || pos + size > bytes.length) return malformed('HEIC');
    boxes.push({ type, start: pos, end: pos + size });
    pos += size;
  }
  const ftyp = boxes[0];
  if (!ftyp || ftyp.type !== 'ftyp' || ftyp.end - ftyp.start < 16) return malformed('HEIC');
  const brands = [bytes.subarray(8, 12).toString('latin1')];
  for (let at = ftyp.start + 16; at + 4 <= ftyp.end; at += 4) brands.push(bytes.subarray(at, at + 4).toString('latin1'));
  if (!brands.some((brand) => HEIC_BRANDS.has(brand))) {
    if (brands.some((brand) => brand === 'avif' || brand === 'avis')) return fail('not_an_image', '只接受 JPEG、PNG、WebP 或 HEIC 照片（不接受 AVIF）', 'must be a JPEG, PNG, WebP or HEIC photo (not AVIF)');
    return fail('heic_variant', '只接受 HEVC 编码的 HEIC 照片；请在手机相机设置中选择“兼容性最佳”（JPEG）后重新拍摄', 'only HEVC-coded HEIC photos are accepted; set the camera to "Most Compatible" (JPEG) and take the photo again');
  }
  if (!boxes.some((box) => box.type === 'meta') || !boxes.some((box) => box.type === 'mdat')) return malformed('HEIC');
  // Everything but the coded image data is structure and metadata: no markup may hide there.
  if (boxes.filter((box) => box.type !== 'mdat').some((box) => hasActiveContent(bytes.subarray(box.start, box.end)))) return activeContent();
  return checkSize('image/heic', null, null);
}

function isIsoMedia(bytes: Buffer): boolean {
  if (bytes.length < 12 || bytes.subarray(4, 8).toString('latin1') !== 'ftyp') return false;
  const major = bytes.subarray(8, 12).toString('latin1');
  return HEIC_BRANDS.has(major) || OTHER_IMAGE_BRANDS.has(major);
}

/** Identifies and checks an image by its bytes. */
export function sniffImage(bytes: Buffer): SniffResult {
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return sniffJpeg(bytes);
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return sniffPng(bytes);
  if (bytes.length >= 16 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return sniffWebp(bytes);
  if (isIsoMedia(bytes)) return sniffHeic(bytes);
  return fail('not_an_image', '只接受 JPEG、PNG、WebP 或 HEIC 照片', 'must be a JPEG, PNG, WebP or HEIC photo');
}
