/** Client-side checks that mirror the server's; the server remains the authority. */

export const MOBILE_PHONE = /^1[3-9]\d{9}$/;

const RESIDENT_ID = /^[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dXx]$/;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** An 18-character resident ID number (GB 11643): layout, plausible birth date and the ISO 7064 check character. */
export function isResidentId(value: string): boolean {
  if (!RESIDENT_ID.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(value[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] === value[17]?.toUpperCase();
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
