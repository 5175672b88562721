/**
 * Minimal ZIP reading and writing for channel bill downloads (Alipay serves its statement CSVs zipped). Reads
 * stored (0) and deflated (8) entries through node:zlib, finds them by the central directory (so entries
 * written with a data descriptor, whose local header carries no sizes, are read correctly) and checks each
 * entry's CRC-32. No ZIP64, no encryption, no multi-disk archives: channel files need none of them.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { encodeGbk } from './encoding';

export interface ZipEntry {
  name: string;
  bytes: Buffer;
}

export class ZipError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
    this.name = 'ZipError';
  }
}

/** An entry larger than this is refused, so a crafted archive cannot exhaust memory. */
export const MAX_ZIP_ENTRY_BYTES = 256 * 1024 * 1024;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const UTF8_NAME_FLAG = 0x0800;
const ENCRYPTED_FLAG = 0x0001;

export const isZip = (bytes: Uint8Array): boolean => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

let crcTable: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Entry names: UTF-8 when the archive says so (flag bit 11), otherwise GBK, as Chinese archivers write them. */
function entryName(raw: Buffer, flags: number): string {
  return new TextDecoder(flags & UTF8_NAME_FLAG ? 'utf-8' : 'gbk').decode(raw);
}

const corrupt = (detail: string) => new ZipError(`ZIP 文件已损坏（${detail}）`, `the ZIP archive is damaged (${detail})`);

export function readZip(input: Uint8Array): ZipEntry[] {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // The end-of-central-directory record is in the last 22 + 65,535 (comment) bytes.
  let end = -1;
  for (let index = bytes.length - 22; index >= Math.max(0, bytes.length - 22 - 0xffff); index -= 1) {
    if (bytes.readUInt32LE(index) === END_OF_CENTRAL_DIRECTORY) {
      end = index;
      break;
    }
  }
  if (end < 0) throw corrupt('no end of central directory');
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipError('不支持 ZIP64 格式', 'ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let entry = 0; entry < count; entry += 1) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== CENTRAL_HEADER) throw corrupt('central directory');
    const flags = bytes.readUInt16LE(offset + 8);
    const method = bytes.readUInt16LE(offset + 10);
    const crc = bytes.readUInt32LE(offset + 16);
    const compressedSize = bytes.readUInt32LE(offset + 20);
    const size = bytes.readUInt32LE(offset + 24);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const localOffset = bytes.readUInt32LE(offset + 42);
    const name = entryName(bytes.subarray(offset + 46, offset + 46 + nameLength), flags);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & ENCRYPTED_FLAG) throw new ZipError(`ZIP 条目 ${name} 已加密，无法读取`, `ZIP entry ${name} is encrypted`);
    if (size > MAX_ZIP_ENTRY_BYTES) throw new ZipError(`ZIP 条目 ${name} 过大`, `ZIP entry ${name} is too large`);
    if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== LOCAL_HEADER) throw corrupt(`local header of ${name}`);
    const dataStart = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > bytes.length) throw corrupt(`data of ${name}`);
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    let content: Buffer;
    if (method === 0) content = Buffer.from(data);
    else if (method === 8) {
      try {
        content = inflateRawSync(data, { maxOutputLength: MAX_ZIP_ENTRY_BYTES });
      } catch {
        throw corrupt(`cannot inflate ${name}`);
      }
    } else throw new ZipError(`ZIP 条目 ${name} 的压缩方式（${method}）不受支持`, `ZIP entry ${name} uses an unsupported compression method (${method})`);
    if (content.length !== size || crc32(content) !== crc) throw corrupt(`checksum of ${name}`);
    entries.push({ name, bytes: content });
  }
  return entries;
}

/**
 * Writes a ZIP of deflated entries: names in UTF-8 (flag bit 11 set), or in GBK with the flag clear when
 * `gbkNames`, as Alipay writes its statements (for the payment simulator and tests).
 */
export function writeZip(entries: { name: string; bytes: Uint8Array }[], options: { gbkNames?: boolean; date?: Date } = {}): Buffer {
  const date = options.date ?? new Date();
  const dosTime = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const dosDate = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  const flags = options.gbkNames ? 0 : UTF8_NAME_FLAG;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = options.gbkNames ? encodeGbk(entry.name) : Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.bytes);
    const crc = crc32(entry.bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.bytes.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const endRecord = Buffer.alloc(22);
  endRecord.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  endRecord.writeUInt16LE(entries.length, 8);
  endRecord.writeUInt16LE(entries.length, 10);
  endRecord.writeUInt32LE(directory.length, 12);
  endRecord.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, endRecord]);
}
