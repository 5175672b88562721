import { describe, expect, it } from 'vitest';
import { parseYuan } from '../../shared/money';
import { fenToCapitals, fenToYuanInput } from './money';

describe('fenToCapitals (大写金额)', () => {
  it.each([
    [0, '零元整'],
    [1, '壹分'],
    [10, '壹角'],
    [50, '伍角'],
    [45, '肆角伍分'],
    [100, '壹元整'],
    [1000, '壹拾元整'],
    [12345, '壹佰贰拾叁元肆角伍分'],
    [12340, '壹佰贰拾叁元肆角'],
    [12305, '壹佰贰拾叁元零伍分'],
    [10000, '壹佰元整'],
    [100005, '壹仟元零伍分'],
    [100500, '壹仟零伍元整'],
    [105000, '壹仟零伍拾元整'],
    [168032, '壹仟陆佰捌拾元叁角贰分'],
    [1000500, '壹万零伍元整'],
    [1010000, '壹万零壹佰元整'],
    [2000000, '贰万元整'],
    [10000000, '壹拾万元整'],
    [10005000, '壹拾万零伍拾元整'],
    [100050000, '壹佰万零伍佰元整'],
    [100000000, '壹佰万元整'],
    [1234567890, '壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角'],
    [10000000000, '壹亿元整'],
    [10001000000, '壹亿零壹万元整'],
    [10000000100, '壹亿零壹元整'],
    [12300045600, '壹亿贰仟叁佰万零肆佰伍拾陆元整'],
    [-12345, '负壹佰贰拾叁元肆角伍分'],
  ])('%d fen → %s', (fen, expected) => {
    expect(fenToCapitals(fen)).toBe(expected);
  });

  it('refuses what is not a whole number of fen', () => {
    expect(() => fenToCapitals(1.5)).toThrow(RangeError);
    expect(() => fenToCapitals(Number.NaN)).toThrow(RangeError);
  });
});

describe('fenToYuanInput', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [123456, '1234.56'],
    [100000000, '1000000.00'],
  ])('%d fen → %s and back', (fen, text) => {
    expect(fenToYuanInput(fen)).toBe(text);
    expect(parseYuan(text)).toBe(fen);
  });

  it('parses what a person types without floats', () => {
    expect(parseYuan('0.1')).toBe(10);
    expect(parseYuan('1.1')).toBe(110);
    expect(parseYuan('19.99')).toBe(1999);
    expect(parseYuan('1,234.5')).toBe(123450);
    expect(parseYuan('1.234')).toBeNull();
    expect(parseYuan('-1')).toBeNull();
  });
});
