/**
 * JJG 162-2019: billing meters up to DN25 are replaced at most 6 years after first verification, DN32 to
 * DN50 after 4 years; larger meters are verified every 2 years. Returns the due date as YYYY-MM-DD.
 */
export function verificationIntervalYears(sizeDn: number): number {
  if (sizeDn <= 25) return 6;
  if (sizeDn <= 50) return 4;
  return 2;
}

export function verificationDueOn(meter: { sizeDn: number; firstVerifiedOn: string | null; installedOn: string | null; status: string }): string | null {
  if (meter.status !== 'installed') return null;
  const from = meter.firstVerifiedOn ?? meter.installedOn;
  if (!from) return null;
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  const dueYear = year + verificationIntervalYears(meter.sizeDn);
  // 29 February moves to 28 February in a year that has none.
  const lastDay = new Date(Date.UTC(dueYear, month, 0)).getUTCDate();
  return `${dueYear}-${String(month).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}
