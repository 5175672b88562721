import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Alipay's statement (对账单) arrives as a zip of GBK-encoded CSV files. Both formats are small enough to
 * handle here with node:zlib and the runtime's GBK decoder, rather than adding a zip or iconv dependency.
 */

export interface ZipEntry {
  name: string;
  data: Buffer;
}

let gbkEncodeTable: Map<string, number> | null = null;

/** Unicode → GBK two-byte code, built once by decoding every GBK code with the runtime's own decoder. */
function gbkTable(): Map<string, number> {
  if (gbkEncodeTable) return gbkEncodeTable;
  const table = new Map<string, number>();
  const decoder = new TextDecoder('gbk');
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      const char = decoder.decode(Uint8Array.of(lead, trail));
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, (lead << 8) | trail);
    }
  }
  gbkEncodeTable = table;
  return table;
}

/** Text → GBK bytes; a character GBK cannot write becomes "?", as Windows tools do. */
export function encodeGbk(text: string): Buffer {
  const table = gbkTable();
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const gbk = table.get(char);
    if (gbk === undefined) bytes.push(0x3f);
    else bytes.push(gbk >> 8, gbk & 0xff);
  }
  return Buffer.from(bytes);
}

export function decodeGbk(bytes: Uint8Array): string {
  return new TextDecoder('gbk').decode(bytes);
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** General-purpose flag bit 11: the name is UTF-8. Alipay leaves it clear and writes GBK names. */
const UTF8_NAME_FLAG = 0x0800;

/** A deflated zip; names are written in GBK (flag clear) when `gbkNames`, like Alipay's, else UTF-8. */
export function writeZip(entries: ZipEntry[], options: { gbkNames?: boolean; date?: Date } = {}): Buffer {
  const date = options.date ?? new Date();
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const flags = options.gbkNames ? 0 : UTF8_NAME_FLAG;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = options.gbkNames ? encodeGbk(entry.name) : Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    const checksum = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Reads a zip's stored and deflated entries (no zip64, no encryption: statements need neither). */
export function readZip(zip: Buffer): ZipEntry[] {
  let end = -1;
  for (let index = zip.length - 22; index >= Math.max(0, zip.length - 22 - 65_535); index -= 1) {
    if (zip.readUInt32LE(index) === END_OF_CENTRAL_DIRECTORY) {
      end = index;
      break;
    }
  }
  if (end === -1) throw new Error('Not a zip file: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let position = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(position) !== CENTRAL_HEADER) throw new Error('Broken zip central directory');
    const flags = zip.readUInt16LE(position + 8);
    const method = zip.readUInt16LE(position + 10);
    const checksum = zip.readUInt32LE(position + 16);
    const compressedSize = zip.readUInt32LE(position + 20);
    const nameLength = zip.readUInt16LE(position + 28);
    const extraLength = zip.readUInt16LE(position + 30);
    const commentLength = zip.readUInt16LE(position + 32);
    const localOffset = zip.readUInt32LE(position + 42);
    const rawName = zip.subarray(position + 46, position + 46 + nameLength);
    const name = flags & UTF8_NAME_FLAG ? rawName.toString('utf8') : decodeGbk(rawName);
    if (zip.readUInt32LE(localOffset) !== LOCAL_HEADER) throw new Error(`Broken zip entry ${name}`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : null;
    if (!data) throw new Error(`Zip entry ${name} uses compression method ${method}`);
    if (crc32(data) !== checksum) throw new Error(`Zip entry ${name} fails its CRC`);
    entries.push({ name, data });
    position += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
