/**
 * COPY's binary format (PostgreSQL's "PGCOPY" file format): each field as its type's wire value, so the server
 * parses nothing. Measured on the billing run: text COPY spent 6 % of the machine's CPU in PostgreSQL's input
 * functions (a uuid is parsed by sixteen calls of strtoul) and 12 % in Node making the text (bench/RESULTS.md).
 *
 * Only values whose binary form is exactly what the text path would have stored are encoded; any other value
 * (a timestamp without a zone, an array literal with quotes, a type not listed here) makes `copyBinary` answer
 * null, and the caller sends text as before. So a row never means one thing in text and another in binary.
 */

/** A column of a bulk write (bulk.ts: copyRows, stageKeys, insertMany). */
export interface BulkColumn {
  name: string;
  /** The PostgreSQL element type, e.g. 'uuid', 'text', 'int4', 'int8', 'bool', 'date', 'timestamptz'. */
  type: string;
  /** Stored as bytea; given as hex text, which every driver passes through unchanged. */
  isHexBytes?: boolean;
}

/** The 11-byte signature, the flags field and the header extension's length. */
const HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
const PIECE_BYTES = 1 << 20;
/** Days and microseconds are counted from PostgreSQL's epoch, 2000-01-01 00:00 UTC. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const MS_PER_DAY = 86_400_000;
const TWO_TO_32 = 4_294_967_296;
const TEXT_OID = 25;
/** How many distinct texts a column remembers the encoding of. */
const KNOWN_TEXTS = 64;
const out0 = new Uint8Array(0);

/** A value the binary encoder will not guess at: the whole COPY goes as text instead. */
class NotBinary extends Error {}

const HEX = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit += 1) {
  HEX['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}
const hexDigit = (code: number): number => (code < 128 ? (HEX[code] as number) : -1);
// Years 1000–9999 only: JavaScript reads years below 100 as 1900 and more.
const DATE_TEXT = /^([1-9]\d{3})-(\d{2})-(\d{2})$/;
// Millisecond precision and an explicit zone: what Date.parse reads exactly as PostgreSQL would.
const TIMESTAMP_TEXT = /^([1-9]\d{3})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^-?\d+$/;
// Elements that need no quotes: any other literal is left to PostgreSQL's own parser (the text path).
const PLAIN_ARRAY_LITERAL = /^\{([^\s",{}\\]+(,[^\s",{}\\]+)*)?\}$/u;

/**
 * Grows piece by piece: a full piece is handed on, never copied into a larger one. Bytes are set one by one:
 * Buffer's write methods check their arguments and cross into C++ on every call, which for fields of a few
 * bytes cost more than the encoding (measured: 24 ms against 17 ms for text, 15,000 bill lines).
 */
class Pieces {
  readonly done: Buffer[] = [];
  buffer: Buffer;
  at = 0;

  /** The first piece's size: a megabyte, or less where little is expected (BinaryCopy's trailer). */
  constructor(first = PIECE_BYTES) {
    this.buffer = Buffer.allocUnsafe(first);
  }

  room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    this.done.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(Math.max(PIECE_BYTES, bytes));
    this.at = 0;
  }

  int16(value: number): void {
    this.room(2);
    const buffer = this.buffer;
    const at = this.at;
    buffer[at] = value >>> 8;
    buffer[at + 1] = value;
    this.at = at + 2;
  }

  int32(value: number): void {
    this.room(4);
    setInt32(this.buffer, this.at, value);
    this.at += 4;
  }

  /** A field of four bytes: its length, then the value. */
  int32Field(value: number): void {
    this.room(8);
    const buffer = this.buffer;
    const at = this.at;
    setInt32(buffer, at, 4);
    setInt32(buffer, at + 4, value);
    this.at = at + 8;
  }

  /** A field of eight bytes holding a whole number of at most 2^53. */
  int64Field(value: number): void {
    this.room(12);
    const buffer = this.buffer;
    const at = this.at;
    const high = Math.floor(value / TWO_TO_32);
    setInt32(buffer, at, 8);
    setInt32(buffer, at + 4, high);
    setInt32(buffer, at + 8, value - high * TWO_TO_32);
    this.at = at + 12;
  }

  bigint64(value: bigint): void {
    this.room(8);
    this.at = this.buffer.writeBigInt64BE(value, this.at);
  }

  /** Length and UTF-8 bytes of a string (at most three bytes per UTF-16 unit); ASCII byte by byte. */
  text(value: string): void {
    const length = value.length;
    this.room(4 + length * 3);
    const buffer = this.buffer;
    const start = this.at + 4;
    let at = start;
    for (let index = 0; index < length; index += 1) {
      const code = value.charCodeAt(index);
      if (code >= 128) {
        at = start + buffer.write(value, start, 'utf8');
        break;
      }
      buffer[at] = code;
      at += 1;
    }
    setInt32(buffer, this.at, at - start);
    this.at = at;
  }

  /** Bytes as they are, e.g. a field already encoded with its length. */
  copy(from: Uint8Array, start: number, length: number): void {
    this.room(length);
    const buffer = this.buffer;
    const at = this.at;
    for (let index = 0; index < length; index += 1) buffer[at + index] = from[start + index] as number;
    this.at = at + length;
  }

  bytes(value: Uint8Array): void {
    this.int32(value.length);
    this.copy(value, 0, value.length);
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.at] = value;
    this.at += 1;
  }

  /** The 16 bytes of a uuid written as 32 hex digits, with or without its four hyphens (8-4-4-4-12). */
  uuid(value: string): void {
    const hyphens = value.length === 36;
    if (!hyphens && value.length !== 32) throw new NotBinary();
    if (hyphens && (value[8] !== '-' || value[13] !== '-' || value[18] !== '-' || value[23] !== '-')) throw new NotBinary();
    this.room(20);
    const buffer = this.buffer;
    setInt32(buffer, this.at, 16);
    let at = this.at + 4;
    let index = 0;
    for (let byte = 0; byte < 16; byte += 1) {
      if (hyphens && (index === 8 || index === 13 || index === 18 || index === 23)) index += 1;
      const high = hexDigit(value.charCodeAt(index));
      const low = hexDigit(value.charCodeAt(index + 1));
      if (high < 0 || low < 0) throw new NotBinary();
      buffer[at] = (high << 4) | low;
      at += 1;
      index += 2;
    }
    this.at = at;
  }

  /** The finished pieces; the object is spent. */
  finish(): Buffer[] {
    this.done.push(this.buffer.subarray(0, this.at));
    return this.done;
  }
}

/** Big-endian, two's complement: a byte array keeps the low eight bits of what it is given. */
function setInt32(buffer: Uint8Array, at: number, value: number): void {
  buffer[at] = value >>> 24;
  buffer[at + 1] = value >>> 16;
  buffer[at + 2] = value >>> 8;
  buffer[at + 3] = value;
}

/** A value as the text PostgreSQL is given for it, in either format: numbers as written, booleans t/f, instants in ISO form, objects as JSON. */
export const textOf = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : typeof value === 'boolean'
        ? value
          ? 't'
          : 'f'
        : value instanceof Date
          ? value.toISOString()
          : JSON.stringify(value);

function wholeNumber(value: unknown, bits: 32 | 64): number | bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  const big = typeof value === 'bigint' ? value : typeof value === 'string' && INTEGER_TEXT.test(value) ? BigInt(value) : null;
  if (big === null || big < INT8_MIN || big > INT8_MAX) throw new NotBinary();
  return bits === 64 ? big : Number(big);
}

// Dates repeat (a chunk's bills share their period): each distinct text is turned into days once.
function daysOf(value: unknown, known: Map<string, number>): number {
  if (value instanceof Date) return Math.floor((value.getTime() - PG_EPOCH_MS) / MS_PER_DAY);
  if (typeof value !== 'string') throw new NotBinary();
  const cached = known.get(value);
  if (cached !== undefined) return cached;
  const parts = DATE_TEXT.exec(value);
  if (!parts) throw new NotBinary();
  const days = (calendarDay(parts) - PG_EPOCH_MS) / MS_PER_DAY;
  known.set(value, days);
  return days;
}

/** Midnight UTC of a matched year, month and day; 2026-02-30 is an error in PostgreSQL, left to the text path. */
function calendarDay(parts: RegExpExecArray): number {
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const at = Date.UTC(year, month - 1, day);
  const check = new Date(at);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new NotBinary();
  return at;
}

function microsecondsOf(value: unknown): number {
  let ms = Number.NaN;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string') {
    const parts = TIMESTAMP_TEXT.exec(value);
    if (parts) {
      // Date.parse would roll 2026-02-30 over into March: checked (and refused) first.
      calendarDay(parts);
      ms = Date.parse(value);
    }
  }
  if (!Number.isFinite(ms)) throw new NotBinary();
  return (ms - PG_EPOCH_MS) * 1000;
}

/** An array literal's elements, as the text path is given them (a literal: "{a,b}"). */
function textArrayOf(value: unknown): string[] {
  if (typeof value === 'string') {
    const parts = PLAIN_ARRAY_LITERAL.exec(value);
    const elements = parts ? (parts[1] ? parts[1].split(',') : []) : null;
    // An unquoted NULL is a null element, not the text.
    if (elements && !elements.some((element) => element.toUpperCase() === 'NULL')) return elements;
  }
  throw new NotBinary();
}

type Encode = (out: Pieces, value: unknown) => void;

function encoderOf(column: BulkColumn, dates: Map<string, number>): Encode | null {
  if (column.isHexBytes) {
    return (out, value) => {
      if (typeof value !== 'string' || !/^([0-9a-f]{2})*$/i.test(value)) throw new NotBinary();
      out.bytes(Buffer.from(value, 'hex'));
    };
  }
  switch (column.type) {
    case 'uuid': {
      // A column's uuid often repeats from row to row (the tenant, a bill's id on each of its lines): the last
      // one's bytes are copied instead of parsed again.
      let last: unknown = null;
      let lastIn: Uint8Array = out0;
      let lastAt = 0;
      return (out, value) => {
        if (value === last) {
          out.copy(lastIn, lastAt, 20);
          return;
        }
        if (typeof value !== 'string') throw new NotBinary();
        out.uuid(value);
        last = value;
        lastIn = out.buffer;
        lastAt = out.at - 20;
      };
    }
    case 'text': {
      // Few distinct texts make up most of a column (line types, descriptions): each is encoded once.
      const known = new Map<string, Uint8Array>();
      return (out, value) => {
        const text = textOf(value);
        const encoded = known.get(text);
        if (encoded) {
          out.copy(encoded, 0, encoded.length);
          return;
        }
        const [before, at] = [out.buffer, out.at];
        out.text(text);
        // A text that did not fit the piece begins the next one.
        if (known.size < KNOWN_TEXTS) known.set(text, out.buffer.subarray(out.buffer === before ? at : 0, out.at));
      };
    }
    case 'int4':
      return (out, value) => {
        const number = Number(wholeNumber(value, 32));
        if (number < -2_147_483_648 || number > 2_147_483_647) throw new NotBinary();
        out.int32Field(number);
      };
    case 'int8':
      return (out, value) => {
        const number = wholeNumber(value, 64);
        if (typeof number === 'number') {
          out.int64Field(number);
          return;
        }
        out.int32(8);
        out.bigint64(number);
      };
    case 'bool':
      return (out, value) => {
        if (typeof value !== 'boolean') throw new NotBinary();
        out.int32(1);
        out.byte(value ? 1 : 0);
      };
    case 'date':
      return (out, value) => out.int32Field(daysOf(value, dates));
    case 'timestamptz':
      return (out, value) => out.int64Field(microsecondsOf(value));
    case 'text[]':
      return (out, value) => {
        const elements = textArrayOf(value);
        // Room for all of it first, so that the length written last is in the same piece.
        out.room(24 + elements.reduce((sum, element) => sum + 4 + element.length * 3, 0));
        const lengthAt = out.at;
        out.int32(0);
        // One dimension (none when empty), no nulls, elements of type text, lower bound 1.
        out.int32(elements.length === 0 ? 0 : 1);
        out.int32(0);
        out.int32(TEXT_OID);
        if (elements.length > 0) {
          out.int32(elements.length);
          out.int32(1);
          for (const element of elements) out.text(element);
        }
        out.buffer.writeInt32BE(out.at - lengthAt - 4, lengthAt);
      };
    default:
      return null;
  }
}

/**
 * Encodes the rows of one `COPY … FROM STDIN WITH (FORMAT binary)` as they come: `rows` encodes a batch and
 * hands over the bytes made so far, `end` the trailer. For a stream whose rows are made while PostgreSQL
 * stores the ones before (bulk.ts copyRowsStreamed). A value with no exact binary form here throws
 * `NotBinaryError`: the caller must send only values it knows to have one, as a stream cannot turn to text.
 */
export class BinaryCopy {
  private readonly encoders: Encode[] = [];
  private readonly width: number;
  private out = new Pieces();

  /** Throws NotBinaryError when a column's type has no binary encoder here. */
  constructor(columns: readonly BulkColumn[]) {
    const dates = new Map<string, number>();
    for (const column of columns) {
      const encode = encoderOf(column, dates);
      if (!encode) throw new NotBinaryError(`${column.name} (${column.type}) has no binary encoder`);
      this.encoders.push(encode);
    }
    this.width = columns.length;
    this.out.room(HEADER.length);
    HEADER.copy(this.out.buffer, this.out.at);
    this.out.at += HEADER.length;
  }

  /** Encodes the rows and hands over every byte made so far (the header first). */
  rows(rows: readonly (readonly unknown[])[]): Buffer[] {
    const { out, encoders, width } = this;
    try {
      for (const row of rows) {
        out.int16(width);
        for (let column = 0; column < width; column += 1) {
          const value = row[column];
          if (value === null || value === undefined) out.int32(-1);
          else (encoders[column] as Encode)(out, value);
        }
      }
    } catch (error) {
      if (error instanceof NotBinary) throw new NotBinaryError('a value has no exact binary form');
      throw error;
    }
    return this.handOver();
  }

  /** The trailer, after the last rows. */
  end(): Buffer[] {
    this.out.int16(-1);
    return this.handOver();
  }

  private handOver(): Buffer[] {
    const pieces = this.out.finish();
    // The next rows grow it to full pieces as they need; the trailer alone fits.
    this.out = new Pieces(4096);
    return pieces.filter((piece) => piece.length > 0);
  }
}

/** A column or value that BinaryCopy cannot encode exactly. */
export class NotBinaryError extends Error {}

/**
 * Rows in COPY's binary format, in pieces of about a megabyte, or null when a column's type or a value has no
 * exact binary form here (send text then: bulk.ts copyText). The statement must say `(FORMAT binary)`.
 */
export function copyBinary(columns: readonly BulkColumn[], rows: readonly (readonly unknown[])[]): Buffer[] | null {
  try {
    const copy = new BinaryCopy(columns);
    return [...copy.rows(rows), ...copy.end()];
  } catch (error) {
    if (error instanceof NotBinaryError) return null;
    throw error;
  }
}
