/**
 * Whether an uploaded file is a plain PDF document (a scanned certificate, a lease), from its bytes: a real
 * `%PDF-1.x` / `%PDF-2.0` header at the very start, a `startxref` that points into the file at a cross-reference
 * table or stream, and `%%EOF` as the last thing in it (an incremental update ends with its own). Refused:
 * encrypted documents (nobody at the utility could open them), and documents that carry something that runs
 * or leaves the viewer — JavaScript, launch actions, embedded files, forms that submit or import, rich media,
 * XFA — or web markup. Names are compared after decoding their #xx escapes, and the objects packed into
 * compressed object streams (PDF 1.5+) are inflated and checked too, so neither hides a /JavaScript.
 * Cheap checks on the bytes, not a renderer: what passes is served as a download in a sandbox either way.
 */
import { constants, inflateSync } from 'node:zlib';
import { hasActiveContent, type SniffProblem } from './sniff';

export const PDF_TYPE = 'application/pdf' as const;

export type PdfResult = { ok: true; file: { contentType: typeof PDF_TYPE; width: null; height: null } } | { ok: false; problem: SniffProblem };

/** Names whose presence means the document can act: run script, start a program, carry or send files. */
const ACTIVE_NAMES = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA', 'SubmitForm', 'ImportData', 'GoToE', 'Sound', 'Movie']);
/** What all the inflated object streams of one file may add up to (a small file can inflate enormously). */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

const HEADER = /^%PDF-(1\.[0-7]|2\.0)[\r\n \t%]/;
const TRAILER = /startxref[\r\n \t]+(\d{1,10})[\r\n \t]+%%EOF$/;

const fail = (reason: SniffProblem['reason'], zh: string, en: string): PdfResult => ({ ok: false, problem: { reason, zh, en } });
const malformed = (): PdfResult => fail('malformed', 'PDF 文件已损坏或不完整', 'the PDF file is damaged or incomplete');

/** Does the file start like a PDF (then it is checked as one, and refused as one if it is not)? */
export const looksLikePdf = (bytes: Buffer): boolean => bytes.length >= 5 && bytes.subarray(0, 5).toString('latin1') === '%PDF-';

/** The names (/Name) in some PDF text, with their #xx escapes decoded. */
function namesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\/([^\s()<>[\]{}/%]+)/g)) {
    const raw = match[1] as string;
    names.add(raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))) : raw);
  }
  return names;
}

function activeName(names: Set<string>): string | null {
  for (const name of names) if (ACTIVE_NAMES.has(name)) return name;
  return null;
}

/**
 * The contents of the compressed object streams (/Type /ObjStm), inflated; null when one cannot be read
 * (a filter other than FlateDecode, broken data, or more than the limit), since what it holds cannot be checked.
 */
function objectStreams(bytes: Buffer, text: string): string[] | null {
  const found: string[] = [];
  let inflated = 0;
  for (const match of text.matchAll(/\d+[\r\n \t]+\d+[\r\n \t]+obj\b/g)) {
    const start = match.index;
    const streamAt = text.indexOf('stream', start);
    const endObject = text.indexOf('endobj', start);
    if (streamAt < 0 || (endObject >= 0 && endObject < streamAt)) continue;
    const dictionary = text.slice(start, streamAt);
    const names = namesIn(dictionary);
    if (!names.has('ObjStm')) continue;
    const eol = text.startsWith('\r\n', streamAt + 6) ? 2 : text[streamAt + 6] === '\n' || text[streamAt + 6] === '\r' ? 1 : -1;
    const end = text.indexOf('endstream', streamAt + 6);
    if (eol < 0 || end < 0) return null;
    const filters = [...names].filter((name) => name.endsWith('Decode') || name === 'Fl');
    if (filters.some((name) => name !== 'FlateDecode' && name !== 'Fl') || names.has('DecodeParms')) return null;
    const data = bytes.subarray(streamAt + 6 + eol, end);
    if (filters.length === 0) {
      found.push(data.toString('latin1'));
      continue;
    }
    try {
      const plain = inflateSync(data, { maxOutputLength: MAX_INFLATED_BYTES - inflated, finishFlush: constants.Z_SYNC_FLUSH });
      inflated += plain.length;
      found.push(plain.toString('latin1'));
    } catch {
      return null;
    }
  }
  return found;
}

/** Checks a file that starts with %PDF- (looksLikePdf). */
export function sniffPdf(bytes: Buffer): PdfResult {
  const text = bytes.toString('latin1');
  if (!HEADER.test(text.slice(0, 16))) return malformed();
  // Line ends, spaces and the zero bytes some writers pad with may follow the end; nothing else may.
  const end = text.replace(/[\r\n \t\0]+$/, '');
  if (!end.endsWith('%%EOF')) {
    return end.includes('%%EOF')
      ? fail('trailing_data', 'PDF 文件结尾后还有其他数据（可能夹带了其他文件），请重新导出后上传', 'the PDF has other data after its end (possibly a hidden file); export it again')
      : malformed();
  }
  const trailer = TRAILER.exec(end.slice(-64));
  if (!trailer) return malformed();
  const offset = Number(trailer[1]);
  // The last cross-reference section: a classic table ("xref") or a cross-reference stream object.
  if (offset >= end.length || !/^(xref\b|\d+[\r\n \t]+\d+[\r\n \t]+obj\b)/.test(text.slice(offset, offset + 40))) return malformed();
  const names = namesIn(text);
  if (names.has('Encrypt')) return fail('encrypted', 'PDF 文件已加密或设有密码，请上传未加密的文件', 'the PDF is encrypted or password-protected; send an unprotected copy');
  const packed = objectStreams(bytes, text);
  if (packed === null) return fail('malformed', 'PDF 文件中有无法检查的压缩内容，请用“打印为 PDF”重新生成后上传', 'the PDF has compressed parts that cannot be checked; print it to a new PDF and send that');
  const active = activeName(names) ?? packed.map((part) => activeName(namesIn(part))).find((name) => name !== null) ?? null;
  if (active !== null || hasActiveContent(bytes) || packed.some((part) => hasActiveContent(Buffer.from(part, 'latin1')))) {
    return fail('active_content', `PDF 文件含有脚本、动作或附件${active ? `（/${active}）` : ''}，不能接受`, `the PDF carries script, actions or attached files${active ? ` (/${active})` : ''} and cannot be accepted`);
  }
  return { ok: true, file: { contentType: PDF_TYPE, width: null, height: null } };
}
