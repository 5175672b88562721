import { describe, expect, it } from 'vitest';
import { arrayLiteral, parseCopyText } from './database';

describe('parseCopyText', () => {
  it("reads COPY's text format: tabs between fields, \\N for null, backslash escapes, one row per line", () => {
    expect(parseCopyText('a\t\\N\t12\nb\\tc\tnew\\nline\tback\\\\slash\n\t\\N\t\\r\\b\\f\\v\n')).toEqual([
      ['a', null, '12'],
      ['b\tc', 'new\nline', 'back\\slash'],
      ['', null, '\r\b\f\v'],
    ]);
  });

  it('reads nothing as no rows, and a row of one empty field as such', () => {
    expect(parseCopyText('')).toEqual([]);
    expect(parseCopyText('\n')).toEqual([['']]);
  });
});

describe('arrayLiteral', () => {
  it('leaves plain keys bare and quotes the rest, so PostgreSQL reads back each element exactly', () => {
    expect(arrayLiteral(['3000000001', 'BM-1', '2026-11-05', 'a_b.c:d+e@f', 7, null, undefined])).toBe('{3000000001,BM-1,2026-11-05,a_b.c:d+e@f,7,NULL,NULL}');
    expect(arrayLiteral(['NULL', 'null', 'a b', 'x,y', '{z}', 'q"uote', 'back\\slash', '', '水务'])).toBe(
      '{"NULL","null","a b","x,y","{z}","q\\"uote","back\\\\slash","","水务"}',
    );
    expect(arrayLiteral([])).toBe('{}');
  });
});
