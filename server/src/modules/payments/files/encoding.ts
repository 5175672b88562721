/**
 * Text encodings of channel and bank files. Node 20 has full ICU, so TextDecoder reads GBK; there is no GBK
 * TextEncoder, so the encoder is the decoder's table inverted once, at first use (about 22,000 characters).
 */

export type TextEncodingName = 'UTF-8' | 'GBK';

const EURO_SIGN = 0x20ac;

let gbkTable: Map<number, number> | undefined;

/** Code point → two GBK bytes (lead << 8 | trail), built by decoding every two-byte GBK sequence once. */
function gbkEncodeTable(): Map<number, number> {
  if (gbkTable) return gbkTable;
  const pairs: number[] = [];
  const bytes: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      pairs.push((lead << 8) | trail);
      // A line feed after each pair keeps an undefined pair (decoded as U+FFFD plus, for an ASCII trail byte,
      // that byte) from shifting the characters after it.
      bytes.push(lead, trail, 0x0a);
    }
  }
  const decoded = new TextDecoder('gbk').decode(new Uint8Array(bytes)).split('\n');
  const table = new Map<number, number>();
  pairs.forEach((pair, index) => {
    const text = decoded[index] ?? '';
    const codePoint = text.codePointAt(0);
    if (codePoint === undefined || codePoint === 0xfffd || text.length !== String.fromCodePoint(codePoint).length) return;
    if (!table.has(codePoint)) table.set(codePoint, pair);
  });
  gbkTable = table;
  return table;
}

/** The first character of `text` that GBK cannot write (for example a rare name character outside GBK), or null. */
export function firstCharacterNotInGbk(text: string): string | null {
  const table = gbkEncodeTable();
  for (const character of text) {
    const codePoint = character.codePointAt(0) as number;
    if (codePoint < 0x80 || codePoint === EURO_SIGN) continue;
    if (!table.has(codePoint)) return character;
  }
  return null;
}

/** Encodes text as GBK; throws a RangeError naming the first character GBK cannot write. */
export function encodeGbk(text: string): Buffer {
  const table = gbkEncodeTable();
  const out = Buffer.allocUnsafe(text.length * 2);
  let length = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) as number;
    if (codePoint < 0x80 || codePoint === EURO_SIGN) {
      // The WHATWG GBK encoder writes the euro sign as the single byte 0x80, which the decoder reads back.
      out[length] = codePoint === EURO_SIGN ? 0x80 : codePoint;
      length += 1;
      continue;
    }
    const pair = table.get(codePoint);
    if (pair === undefined) throw new RangeError(`character ${character} (U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}) cannot be written in GBK`);
    out[length] = pair >> 8;
    out[length + 1] = pair & 0xff;
    length += 2;
  }
  return out.subarray(0, length);
}

export function encodeText(text: string, encoding: TextEncodingName): Buffer {
  return encoding === 'GBK' ? encodeGbk(text) : Buffer.from(text, 'utf8');
}

/** Decodes strictly: null when the bytes are not valid in that encoding. */
export function decodeStrict(bytes: Uint8Array, encoding: TextEncodingName): string | null {
  try {
    return new TextDecoder(encoding === 'GBK' ? 'gbk' : 'utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

export const hasUtf8Bom = (bytes: Uint8Array): boolean => bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

/**
 * Text of a channel file that may be GBK or UTF-8: a UTF-8 byte-order mark decides; otherwise bytes that are
 * valid UTF-8 are taken as UTF-8 (GBK Chinese text is almost never valid UTF-8), and the rest as GBK.
 */
export function decodeUtf8OrGbk(bytes: Uint8Array): { text: string; encoding: TextEncodingName } | null {
  if (hasUtf8Bom(bytes)) {
    const text = decodeStrict(bytes.subarray(3), 'UTF-8');
    return text === null ? null : { text, encoding: 'UTF-8' };
  }
  const utf8 = decodeStrict(bytes, 'UTF-8');
  if (utf8 !== null) return { text: utf8, encoding: 'UTF-8' };
  const gbk = decodeStrict(bytes, 'GBK');
  return gbk === null ? null : { text: gbk, encoding: 'GBK' };
}
