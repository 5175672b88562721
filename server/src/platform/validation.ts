import { z } from 'zod';

/** Mainland mobile numbers: 11 digits starting 13–19. */
export const mobilePhoneSchema = z.string().regex(/^1[3-9]\d{9}$/, 'must be an 11-digit mainland mobile number');

/** Mobile or landline (area code, optional dash, 7–8 digits). */
export const anyPhoneSchema = z
  .string()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, 'must be a mobile number or a landline with area code');

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARACTERS = '10X98765432';

/** GB 11643-1999: 17 digits and a check character computed from them (ISO 7064 MOD 11-2). */
export function isValidResidentId(value: string): boolean {
  const id = value.toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += Number(id[index]) * (ID_WEIGHTS[index] as number);
  return ID_CHECK_CHARACTERS[sum % 11] === id[17];
}

export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) sum += Number(first17[index]) * (ID_WEIGHTS[index] as number);
  return ID_CHECK_CHARACTERS[sum % 11] as string;
}

/** A calendar date as YYYY-MM-DD. */
export const isoDateSchema = z.iso.date();

export const uuidParamsSchema = z.object({ id: z.uuid() });

/**
 * Whether text is a calendar date written YYYY-MM-DD (1 February, not 30 February). By arithmetic, not
 * through Date: an import checks every row's date, 1.1 µs a call through Date and its ISO text.
 */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  let year = 0;
  let month = 0;
  let day = 0;
  for (let index = 0; index < 10; index += 1) {
    if (index === 4 || index === 7) continue;
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return false;
    if (index < 4) year = year * 10 + digit;
    else if (index < 7) month = month * 10 + digit;
    else day = day * 10 + digit;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}
