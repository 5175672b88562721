/** Masks shown by default wherever personal data leaves the server (GB/T 35273 style). */

/** 13812345678 → 138****5678; landlines keep the area code and last four digits. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  if (/^1\d{10}$/.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  if (phone.length <= 4) return '****';
  return `${phone.slice(0, Math.min(4, phone.length - 4))}****${phone.slice(-4)}`;
}

/** An ID number is shown as its first four characters, stars, and the last four (1101**********1234). */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}`;
}

/** 张三丰 → 张*丰; 张三 → 张*; organisation names are not personal data and stay whole. */
export function maskPersonName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
