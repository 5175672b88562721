import { describe, expect, it } from 'vitest';
import { formatQuantity, parseQuantity } from './quantity';

describe('material quantities in whole base units', () => {
  it('formats centimetres as metres and pieces as pieces, without floating point', () => {
    expect(formatQuantity(250, 100)).toBe('2.5');
    expect(formatQuantity(205, 100)).toBe('2.05');
    expect(formatQuantity(300, 100)).toBe('3');
    expect(formatQuantity(7, 1)).toBe('7');
    expect(formatQuantity(1500, 1000)).toBe('1.5');
  });

  it('parses what a crew member types into whole base units, refusing more decimals than the unit has', () => {
    expect(parseQuantity('2.5', 100)).toBe(250);
    expect(parseQuantity('2,05', 100)).toBe(205);
    expect(parseQuantity(' 12 ', 100)).toBe(1200);
    expect(parseQuantity('0.29', 100)).toBe(29);
    expect(parseQuantity('3', 1)).toBe(3);
    expect(parseQuantity('1.5', 1)).toBeNull();
    expect(parseQuantity('2.555', 100)).toBeNull();
    expect(parseQuantity('0', 100)).toBeNull();
    expect(parseQuantity('-1', 1)).toBeNull();
    expect(parseQuantity('1e3', 1)).toBeNull();
    expect(parseQuantity('', 1)).toBeNull();
  });
});
