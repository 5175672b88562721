import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenToYuan, parseYuan, yuanToFen } from './money';

describe('fen and yuan text', () => {
  it('writes fen as yuan with exactly two decimals', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(10)).toBe('0.10');
    expect(fenToYuan(1230)).toBe('12.30');
    expect(fenToYuan(-5)).toBe('-0.05');
    expect(fenToYuan(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
    expect(() => fenToYuan(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });

  it('reads yuan with up to two decimals exactly, and refuses everything else', () => {
    expect(parseYuan('12.30')).toBe(1230);
    expect(parseYuan('12.3')).toBe(1230);
    expect(parseYuan('12')).toBe(1200);
    expect(parseYuan('0.01')).toBe(1);
    // 0.1 + 0.2 and friends: the digits decide, not binary floating point.
    expect(parseYuan('0.29')).toBe(29);
    expect(parseYuan('1.15')).toBe(115);
    expect(parseYuan('-0.00')).toBe(0);
    for (const bad of ['', '1.234', '1.', '.5', '01.00', ' 1.00', '1.00 ', '1e3', '+1.00', '1,000.00', 'NaN', '0x10', '１.00', '90071992547409.92']) {
      expect(parseYuan(bad), bad).toBeNull();
    }
    expect(() => yuanToFen('1.005')).toThrow(RangeError);
  });

  it('round-trips every safe integer amount', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
      { numRuns: 5000 },
    );
  });

  it('round-trips every canonical yuan string', () => {
    const yuanText = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 90_071_992_547_408n }), fc.integer({ min: 0, max: 99 }))
      .map(([isNegative, whole, cents]) => `${isNegative && (whole > 0n || cents > 0) ? '-' : ''}${whole}.${String(cents).padStart(2, '0')}`);
    fc.assert(
      fc.property(yuanText, (text) => {
        expect(fenToYuan(yuanToFen(text))).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with exact big-integer arithmetic on any decimal it accepts, and refuses more than two places', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 16n }), fc.integer({ min: 0, max: 4 }), (units, places) => {
        const digits = units.toString().padStart(places + 1, '0');
        const text = places === 0 ? digits.replace(/^0+(?=\d)/, '') : `${digits.slice(0, -places).replace(/^0+(?=\d)/, '')}.${digits.slice(-places)}`;
        const fen = parseYuan(text);
        if (places > 2) {
          expect(fen).toBeNull();
          return;
        }
        const exact = units * 10n ** BigInt(2 - places);
        if (exact > BigInt(Number.MAX_SAFE_INTEGER)) expect(fen).toBeNull();
        else expect(fen).toBe(Number(exact));
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps sums exact: adding fen then writing yuan equals what decimal arithmetic gives', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 50 }), (amounts) => {
        const total = amounts.reduce((sum, fen) => sum + fen, 0);
        const exact = amounts.reduce((sum, fen) => sum + BigInt(fen), 0n);
        expect(fenToYuan(total)).toBe(`${exact / 100n}.${String(exact % 100n).padStart(2, '0')}`);
      }),
    );
  });
});
