/**
 * Images for upload tests: real 4×3 pictures made by Chromium's encoders, a HEIC container built box by
 * box, and files that only pretend to be pictures.
 */

/** 4×3 JPEG (Chromium canvas, quality 0.8, with an ICC profile in APP2). */
export const JPEG_4X3 = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAADAAQDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAcEAEAAgIDAQAAAAAAAAAAAAABAAIDIREiMUH/xAAVAQEBAAAAAAAAAAAAAAAAAAADBv/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AKZcjksWsVEqV61KnAAaPuvfV27iIgoB/9k=',
  'base64',
);

/** 4×3 PNG (Chromium canvas). */
export const PNG_4X3 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAYAAAC09K7GAAAAL0lEQVR4AUyIQQ0AMAgDGyxtVqZlSEALWMETEPjQtE3u6OiPPULFn9RPW1zjIQAJAAD//6Frjv4AAAAGSURBVAMAxQMMU6tghEEAAAAASUVORK5CYII=', 'base64');

/** 4×3 WebP (Chromium canvas, VP8X with an ICC profile). */
export const WEBP_4X3 = Buffer.from(
  'UklGRiICAABXRUJQVlA4WAoAAAAgAAAAAwAAAgAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZWUDggNAAAAHABAJ0BKgQAAwABQCYloAJ0AAAAAPhF38Fb6vnvAbexyA8EYaNf/ppH/9Tj//qcf1lAAAA=',
  'base64',
);

function box(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

/** An ISO base media file as an iPhone writes HEIC: ftyp (heic, mif1), meta, mdat. */
export function heicContainer(options: { major?: string; compatible?: string[]; meta?: Buffer } = {}): Buffer {
  const ftyp = box('ftyp', Buffer.concat([Buffer.from(options.major ?? 'heic', 'latin1'), Buffer.alloc(4), ...(options.compatible ?? ['mif1', 'heic']).map((brand) => Buffer.from(brand, 'latin1'))]));
  const meta = box('meta', options.meta ?? Buffer.concat([Buffer.alloc(4), box('hdlr', Buffer.concat([Buffer.alloc(8), Buffer.from('pict', 'latin1'), Buffer.alloc(13)]))]));
  const mdat = box('mdat', Buffer.from(Array.from({ length: 64 }, (_unused, index) => (index * 37) % 256)));
  return Buffer.concat([ftyp, meta, mdat]);
}
export const HEIC = heicContainer();

/** A JPEG with a comment segment (COM) inserted after SOI. */
export function jpegWithComment(comment: string): Buffer {
  const text = Buffer.from(comment, 'latin1');
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([JPEG_4X3.subarray(0, 2), segment, text, JPEG_4X3.subarray(2)]);
}

/** Files that are not pictures, under a picture's name. */
export const DISGUISED: Record<string, Buffer> = {
  'a Windows program (PE) renamed .jpg': Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(56), Buffer.from('This program cannot be run in DOS mode.\r\n', 'latin1'), Buffer.from('PE\x00\x00', 'latin1')]),
  'a ZIP archive renamed .jpg': Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.from('payload.exe', 'latin1'), Buffer.alloc(40)]),
  'an HTML page renamed .jpg': Buffer.from('<!DOCTYPE html><html><body><script>fetch("/api/staff/me")</script></body></html>'),
  'an SVG image with a script renamed .jpg': Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'),
  'a JPEG header followed by a script': Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00', 'latin1'), Buffer.from('<script>alert(document.cookie)</script>')]),
  'a whole JPEG with a script after its end': Buffer.concat([JPEG_4X3, Buffer.from('<script>alert(1)</script>')]),
  'a JPEG with a script in its comment': jpegWithComment('<script>alert(1)</script>'),
  'a JPEG with a ZIP appended (polyglot)': Buffer.concat([JPEG_4X3, Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), Buffer.alloc(30)]),
  'a PNG with a ZIP appended (polyglot)': Buffer.concat([PNG_4X3, Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), Buffer.alloc(30)]),
  'a PNG whose chunk checksum is wrong': Buffer.concat([PNG_4X3.subarray(0, 29), Buffer.from([0, 0, 0, 0]), PNG_4X3.subarray(33)]),
  'a JPEG cut short': JPEG_4X3.subarray(0, JPEG_4X3.length - 40),
  'a PDF renamed .jpg': Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  'an AVIF (not HEIC) container': heicContainer({ major: 'avif', compatible: ['mif1', 'avif'] }),
  'a HEIC with HTML in its metadata': heicContainer({ meta: Buffer.concat([Buffer.alloc(4), Buffer.from('<html><script>alert(1)</script></html>')]) }),
};

// ---- PDF documents ----

/**
 * A PDF written object by object with a correct cross-reference table: one page of text by default, or the
 * catalog entries, extra objects and trailer entries a test needs (an /OpenAction, an /Encrypt).
 */
export function pdfDocument(options: { catalog?: string; objects?: (string | Buffer)[]; trailer?: string; after?: Buffer } = {}): Buffer {
  const content = 'BT /F1 12 Tf 72 720 Td (Proof of property) Tj ET';
  const objects: (string | Buffer)[] = [
    `<< /Type /Catalog /Pages 2 0 R ${options.catalog ?? ''}>>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...(options.objects ?? []),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((object, index) => {
    offsets.push(length);
    const body = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`, 'latin1'), typeof object === 'string' ? Buffer.from(object, 'latin1') : object, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(body);
    length += body.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${options.trailer ?? ''}>>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  if (options.after) parts.push(options.after);
  return Buffer.concat(parts);
}

/** A compressed object stream (PDF 1.5) holding one object, as writers pack dictionaries to save space. */
export function objectStream(packed: string, compress: (data: Buffer) => Buffer): Buffer {
  const index = '9 0 ';
  const data = compress(Buffer.from(`${index}${packed}`, 'latin1'));
  return Buffer.concat([Buffer.from(`<< /Type /ObjStm /N 1 /First ${index.length} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
}
