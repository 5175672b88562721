import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './importer';

/** The parser as it was before it took characters in runs (one character appended at a time): the reference. */
function parseCsvByCharacter(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  while (index < text.length) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          cell += '"';
          index += 2;
          continue;
        }
        quoted = false;
      } else cell += char;
      index += 1;
      continue;
    }
    if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      if (char === '\r' && text[index + 1] === '\n') index += 1;
    } else cell += char;
    index += 1;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('CSV parsing', () => {
  it('reads quotes, doubled quotes, CRLF and a byte-order mark', () => {
    expect(parseCsv('\ufeffaccount_no,meter_serial\r\n"2000000001","SN-""1"", x"\n2000000002,SN-2')).toEqual([
      ['account_no', 'meter_serial'],
      ['2000000001', 'SN-"1", x'],
      ['2000000002', 'SN-2'],
    ]);
    expect(parseCsv('a,"b\nc",d\r\n')).toEqual([['a', 'b\nc', 'd']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('gives what the character-by-character parser gave, for any text of the characters that matter', () => {
    const character = fc.constantFrom('a', 'Z', '1', ' ', ',', '"', '\n', '\r', '中', '\ufeff');
    fc.assert(
      fc.property(fc.array(character, { maxLength: 40 }), (characters) => {
        const text = characters.join('');
        expect(parseCsv(text)).toEqual(parseCsvByCharacter(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
