import { describe, expect, it } from 'vitest';
import { copyText, type BulkColumn } from './bulk';

const columns: BulkColumn[] = [
  { name: 'id', type: 'uuid' },
  { name: 'note', type: 'text' },
  { name: 'amount', type: 'int8' },
  { name: 'paid', type: 'bool' },
  { name: 'at', type: 'timestamptz' },
  { name: 'extra', type: 'jsonb' },
  { name: 'digest', type: 'bytea', isHexBytes: true },
];

describe('copyText', () => {
  it("writes COPY's text format: tabs between fields, \\N for null, escapes in text, one line per row", () => {
    const rows = [
      ['a1', 'tab\there\nnew line\\back\rslash', 12, true, new Date('2026-01-15T04:00:00Z'), { k: 'v' }, 'ff00'],
      ['a2', null, 0, false, null, null, null],
    ];
    expect(copyText(columns, rows)).toEqual([
      'a1\ttab\\there\\nnew line\\\\back\\rslash\t12\tt\t2026-01-15T04:00:00.000Z\t{"k":"v"}\t\\\\xff00\n' + 'a2\t\\N\t0\tf\t\\N\t\\N\t\\N\n',
    ]);
  });

  it('splits the rows into pieces of the given size, none lost', () => {
    const rows = Array.from({ length: 7 }, (_, index) => [`id${index}`, `n${index}`, index, index % 2 === 0, null, null, null]);
    const pieces = copyText(columns, rows, 3);
    expect(pieces).toHaveLength(3);
    expect(pieces.join('').split('\n').slice(0, -1).map((line) => line.split('\t')[0])).toEqual(rows.map((row) => row[0]));
  });
});
