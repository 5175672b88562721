import { describe, expect, it } from 'vitest';
import { chinaTimeToIso, isoToChinaTime, splitLines } from './common';
import { decodeUtf8OrGbk, encodeGbk, firstCharacterNotInGbk } from './encoding';
import { fenToYuan, formatDecimalUnits, milliFenToFen, parseDecimalUnits, yuanToFen } from './money';
import { crc32, readZip, writeZip, ZipError } from './zip';

/** Written by Info-ZIP to a pipe: deflated entries with data descriptors, a GBK entry name without the UTF-8 flag. */
const INFO_ZIP_ARCHIVE =
  'UEsDBBQACAAIAG4sd10AAAAAAAAAAJAAAAAaABwAMjA4OF8yMDI2MDEwNV/Stc7xw/fPuC5jc3ZVVAkAA6DQA2ug0ANrdXgLAAEEAAAAAAQAAAAAU762fMe2jcsubT338fD38zs2vby4npdL+erpXUcX74o2MrCwMEACsUApGqsHAFBLBwiP0jeILgAAAJAAAABQSwMEFAAIAAgAbix3XQAAAAAAAAAABQAAAAgAHABub3RlLnR4dFVUCQADoNADa6DQA2t1eAsAAQQAAAAABAAAAADLSM3JyQcAUEsHCIamEDYHAAAABQAAAFBLAQIeAxQACAAIAG4sd12P0jeILgAAAJAAAAAaABgAAAAAAAEAAACkgQAAAAAyMDg4XzIwMjYwMTA1X9K1zvHD98+4LmNzdlVUBQADoNADa3V4CwABBAAAAAAEAAAAAFBLAQIeAxQACAAIAG4sd12GphA2BwAAAAUAAAAIABgAAAAAAAEAAACkgZIAAABub3RlLnR4dFVUBQADoNADa3V4CwABBAAAAAAEAAAAAFBLBQYAAAAAAgACAK4AAADrAAAAAAA=';

describe('yuan to fen by string arithmetic', () => {
  it.each([
    ['12.34', 1234],
    ['12.3', 1230],
    ['12', 1200],
    ['0.01', 1],
    ['-0.05', -5],
    ['0.00', 0],
    ['-0', 0],
    ['007.10', 710],
    ['0.1', 10],
    ['1234567890123.45', 123_456_789_012_345],
  ])('%s yuan is %i fen', (text, fen) => expect(yuanToFen(text)).toBe(fen));

  it.each(['1.234', '1e3', '1,000', ' 1', '1.', '.5', '', '+1', 'abc', '12345678901234.00'])('refuses %j', (text) => expect(yuanToFen(text)).toBeNull());

  it('reads fees with five decimals in thousandths of a fen and rounds them half away from zero', () => {
    expect(parseDecimalUnits('0.05940', 5)).toBe(5940);
    expect(parseDecimalUnits('-0.00600', 5)).toBe(-600);
    expect(milliFenToFen(5940)).toBe(6);
    expect(milliFenToFen(5500)).toBe(6);
    expect(milliFenToFen(5499)).toBe(5);
    expect(milliFenToFen(-5500)).toBe(-6);
    expect(milliFenToFen(-600)).toBe(-1);
  });

  it('prints fen as yuan', () => {
    expect(fenToYuan(1234)).toBe('12.34');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(-5)).toBe('-0.05');
    expect(fenToYuan(0)).toBe('0.00');
    expect(formatDecimalUnits(-6000, 5)).toBe('-0.06000');
    expect(() => fenToYuan(0.5)).toThrow(RangeError);
  });
});

describe('text encodings', () => {
  it('encodes GBK with the table inverted from the decoder, and names what GBK cannot write', () => {
    const text = '江城水务集团 张三丰 户号00012345 ０１，。“”€';
    const bytes = encodeGbk(text);
    expect(new TextDecoder('gbk').decode(bytes)).toBe(text);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xbd, 0xad]));
    expect(firstCharacterNotInGbk('王𠈌')).toBe('𠈌');
    expect(() => encodeGbk('王𠈌')).toThrow(/cannot be written in GBK/);
  });

  it('tells GBK from UTF-8 by a byte-order mark or by validity', () => {
    expect(decodeUtf8OrGbk(encodeGbk('支付宝业务明细'))).toEqual({ text: '支付宝业务明细', encoding: 'GBK' });
    expect(decodeUtf8OrGbk(Buffer.from('支付宝业务明细', 'utf8'))).toEqual({ text: '支付宝业务明细', encoding: 'UTF-8' });
    expect(decodeUtf8OrGbk(Buffer.from('\uFEFF账单', 'utf8'))).toEqual({ text: '账单', encoding: 'UTF-8' });
    expect(decodeUtf8OrGbk(Buffer.from([0x41, 0x81, 0x20]))).toBeNull();
  });

  it('splits lines at LF with or without CR, safely inside GBK text', () => {
    const lines = splitLines(Buffer.concat([encodeGbk('第一行'), Buffer.from('\r\n'), encodeGbk('二'), Buffer.from('\n'), encodeGbk('三')]));
    expect(lines.map((line) => new TextDecoder('gbk').decode(line))).toEqual(['第一行', '二', '三']);
  });

  it('converts China time both ways', () => {
    expect(chinaTimeToIso('2026-01-05 09:30:00')).toBe('2026-01-05T09:30:00+08:00');
    expect(chinaTimeToIso('2026-02-30 09:30:00')).toBeNull();
    expect(chinaTimeToIso('2026-01-05 24:00:00')).toBeNull();
    expect(isoToChinaTime('2026-01-05T09:30:00+08:00')).toBe('2026-01-05 09:30:00');
    expect(isoToChinaTime('2026-01-05T01:30:00Z')).toBe('2026-01-05 09:30:00');
  });
});

describe('ZIP reading', () => {
  it('reads an archive written by Info-ZIP: data descriptors, deflate, a GBK entry name', () => {
    const entries = readZip(Buffer.from(INFO_ZIP_ARCHIVE, 'base64'));
    expect(entries.map((entry) => entry.name)).toEqual(['2088_20260105_业务明细.csv', 'note.txt']);
    expect(new TextDecoder('gbk').decode(entries[0]?.bytes)).toBe('#支付宝业务明细查询\r\n#账号：[2088000000000000]\r\n'.repeat(3));
    expect(entries[1]?.bytes.toString()).toBe('hello');
  });

  it('reads back what it writes, and refuses a damaged archive', () => {
    const content = Buffer.from('水费,'.repeat(1000));
    const zip = writeZip([{ name: '明细.csv', bytes: content }, { name: 'empty.txt', bytes: new Uint8Array(0) }]);
    const entries = readZip(zip);
    expect(entries[0]).toEqual({ name: '明细.csv', bytes: content });
    expect(entries[1]?.bytes.length).toBe(0);
    const damaged = Buffer.from(zip);
    damaged[40] = (damaged[40] as number) ^ 0xff;
    expect(() => readZip(damaged)).toThrow(ZipError);
    expect(() => readZip(zip.subarray(0, zip.length - 10))).toThrow(ZipError);
  });

  it('computes the standard CRC-32', () => expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926));
});
