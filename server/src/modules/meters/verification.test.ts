import { describe, expect, it } from 'vitest';
import { verificationDueOn, verificationIntervalYears } from './verification';

describe('meter verification schedule (JJG 162-2019)', () => {
  it.each([
    [15, 6],
    [25, 6],
    [32, 4],
    [50, 4],
    [80, 2],
    [200, 2],
  ])('DN%i is due every %i years', (size, years) => {
    expect(verificationIntervalYears(size)).toBe(years);
  });

  it('counts from the first verification, else from installation', () => {
    expect(verificationDueOn({ sizeDn: 20, firstVerifiedOn: '2020-05-10', installedOn: '2020-06-01', status: 'installed' })).toBe('2026-05-10');
    expect(verificationDueOn({ sizeDn: 40, firstVerifiedOn: null, installedOn: '2023-01-31', status: 'installed' })).toBe('2027-01-31');
  });

  it('moves 29 February to 28 February in a common year', () => {
    expect(verificationDueOn({ sizeDn: 100, firstVerifiedOn: '2024-02-29', installedOn: null, status: 'installed' })).toBe('2026-02-28');
  });

  it('has no due date for a meter that is not installed', () => {
    expect(verificationDueOn({ sizeDn: 15, firstVerifiedOn: '2024-01-01', installedOn: null, status: 'in_stock' })).toBeNull();
  });
});
