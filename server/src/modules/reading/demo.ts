/**
 * Demo data for reading: ~50 routes (抄表本) of ~100 accounts in walk order, readers and collectors assigned
 * within the rotation rules (a few routes due for rotation), and 13 months of monthly readings for every
 * account with an installed meter (2025-10 … 2026-10): residential 8–20 m³ a month, a few empty flats at
 * zero, a few estimates corrected by the next actual reading, and a few suspect spikes left in the review
 * queue. Deterministic and set-based; runs inside the caller's tenant transaction.
 */
import { randomUUID } from 'node:crypto';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { insertMany } from '../../platform/db/bulk';
import { insertReadings } from './ingest';
import { addDays, addMonths } from './units';
import { registerModulusLitres } from './validation';

export interface DemoReadingSummary {
  routes: number;
  readers: number;
  readings: number;
  suspect: number;
  estimated: number;
}

const DEMO_MONTHS = ['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
const EXTRA_READERS = ['钱志刚', '冯春梅', '褚建平', '卫国庆', '蒋丽华', '沈德明', '韩晓燕', '杨振华', '朱文斌', '秦玉兰', '尤海涛'];
const EXTRA_COLLECTORS = ['许国栋', '何雪梅', '吕长江'];

/** A small deterministic generator, so the demo is the same every time. */
class Dice {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}

interface DemoAccount {
  account_id: string;
  account_no: string;
  category: string;
  household_size: number;
  district: string;
  street: string;
  meter_id: string | null;
  size_dn: number | null;
  is_remote: boolean | null;
  installed_on: string | null;
  initial_reading_litres: number | null;
}

export async function seedDemoReading(context: PlatformContext, sql: Sql, tenantId: string, options: { accountsPerRoute?: number; anchorAccountNo?: string } = {}): Promise<DemoReadingSummary> {
  const dice = new Dice(20261023);
  const now = context.clock.now();
  const perRoute = options.accountsPerRoute ?? 100;
  const accounts = await sql.query<DemoAccount>(
    `SELECT a.id AS account_id, a.account_no, a.category, a.household_size, p.district, p.street,
       m.id AS meter_id, m.size_dn, m.is_remote, m.installed_on, m.initial_reading_litres
     FROM accounts a JOIN premises p ON p.id = a.premise_id
     LEFT JOIN LATERAL (SELECT * FROM meters m WHERE m.premise_id = a.premise_id AND m.status = 'installed' ORDER BY m.installed_on DESC LIMIT 1) m ON true
     WHERE a.status <> 'closed'
     ORDER BY p.district, p.street, p.address, a.account_no`,
  );

  // Staff: the demo's reader and collector, and a few more of each so routes can rotate.
  const existing = await sql.query<{ id: string; username: string; display_name: string; password_hash: string; role: string }>(
    `SELECT s.id, s.username, s.display_name, s.password_hash, r.role FROM staff s JOIN staff_roles r ON r.staff_id = s.id WHERE r.role IN ('meter_reader', 'collector') ORDER BY s.username`,
  );
  const hash = existing[0]?.password_hash ?? '';
  const newStaff: unknown[][] = [];
  const newRoles: unknown[][] = [];
  const readers = existing.filter((row) => row.role === 'meter_reader').map((row) => row.id);
  const collectors = existing.filter((row) => row.role === 'collector').map((row) => row.id);
  EXTRA_READERS.forEach((name, index) => {
    const id = randomUUID();
    newStaff.push([tenantId, id, `reader${String(index + 2).padStart(2, '0')}`, `${name}（抄表）`, hash]);
    newRoles.push([tenantId, id, 'meter_reader']);
    readers.push(id);
  });
  EXTRA_COLLECTORS.forEach((name, index) => {
    const id = randomUUID();
    newStaff.push([tenantId, id, `collector${String(index + 2).padStart(2, '0')}`, `${name}（催收）`, hash]);
    newRoles.push([tenantId, id, 'collector']);
    collectors.push(id);
  });
  await insertMany(sql, 'staff', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'username', type: 'text' },
    { name: 'display_name', type: 'text' },
    { name: 'password_hash', type: 'text' },
  ], newStaff);
  await insertMany(sql, 'staff_roles', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'staff_id', type: 'uuid' },
    { name: 'role', type: 'text' },
  ], newRoles);

  // Routes: consecutive addresses, ~perRoute accounts each.
  const routeCount = Math.max(1, Math.round(accounts.length / perRoute));
  const size = Math.ceil(accounts.length / routeCount);
  const routeRows: unknown[][] = [];
  const routeAccountRows: unknown[][] = [];
  const routeOfAccount = new Map<string, { id: string; day: number; index: number }>();
  for (let index = 0; index < routeCount; index += 1) {
    const members = accounts.slice(index * size, (index + 1) * size);
    if (members.length === 0) break;
    const id = randomUUID();
    const first = members[0] as DemoAccount;
    const day = 3 + (index % 20);
    routeRows.push([tenantId, id, `JC-${String(index + 1).padStart(3, '0')}`, `${first.district}${first.street}${index + 1}号抄表本`, day, now]);
    members.forEach((member, position) => {
      routeAccountRows.push([tenantId, id, member.account_id, position + 1]);
      routeOfAccount.set(member.account_id, { id, day, index });
    });
  }
  await insertMany(sql, 'reading_routes', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'code', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'reading_day', type: 'int4' },
    { name: 'created_at', type: 'timestamptz' },
  ], routeRows);
  await insertMany(sql, 'route_accounts', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'route_id', type: 'uuid' },
    { name: 'account_id', type: 'uuid' },
    { name: 'walk_order', type: 'int4' },
  ], routeAccountRows);

  // Assignments: the demo reader (first reader) reads the route of the anchor account and a few more.
  // Each route had a previous reader for a term that ended, then the current one; three routes are close
  // to the end of the 12-month term, so the rotation proposal has work to show.
  const anchorRoute = options.anchorAccountNo ? routeOfAccount.get(accounts.find((account) => account.account_no === options.anchorAccountNo)?.account_id ?? '')?.index ?? 0 : 0;
  const assignmentRows: unknown[][] = [];
  const readerOfRoute: string[] = [];
  const today = now.toISOString().slice(0, 10);
  routeRows.forEach((route, index) => {
    const routeId = (route as unknown[])[1] as string;
    const rotated = (index - anchorRoute + routeRows.length) % routeRows.length;
    const current = readers[rotated % readers.length] as string;
    const previous = readers[(rotated + 5) % readers.length] as string;
    const isDueSoon = rotated >= 1 && rotated <= 3;
    const currentStart = isDueSoon ? addDays(addMonths(today, -12), 10 + rotated * 5) : addMonths(`${today.slice(0, 7)}-01`, -1 - (rotated % 9));
    const previousStart = addMonths(currentStart, -12);
    assignmentRows.push([tenantId, randomUUID(), routeId, previous, 'reader', previousStart, addDays(currentStart, -1), now]);
    assignmentRows.push([tenantId, randomUUID(), routeId, current, 'reader', currentStart, null, now]);
    assignmentRows.push([tenantId, randomUUID(), routeId, collectors[index % collectors.length], 'collector', '2025-01-01', null, now]);
    readerOfRoute[index] = current;
  });
  await insertMany(sql, 'route_assignments', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'route_id', type: 'uuid' },
    { name: 'staff_id', type: 'uuid' },
    { name: 'duty', type: 'text' },
    { name: 'starts_on', type: 'date' },
    { name: 'ends_on', type: 'date' },
    { name: 'created_at', type: 'timestamptz' },
  ], assignmentRows);

  // Readings: a month's use per account, a register that grows by it (wrapping at the dial's maximum).
  const rows: unknown[][] = [];
  let suspect = 0;
  let estimated = 0;
  for (const account of accounts) {
    const meterId = account.meter_id;
    if (!meterId || account.size_dn === null) continue;
    const route = routeOfAccount.get(account.account_id);
    if (!route) continue;
    const modulus = registerModulusLitres(account.size_dn);
    const residential = account.category === 'residential';
    const isVacant = residential && dice.next() < 0.012;
    const monthly = isVacant ? 0 : residential ? 6_000 + account.household_size * 2_000 + dice.integer(0, 4_000) : dice.integer(25, 300) * 1_000;
    const roll = dice.next();
    const estimateMonth = !isVacant && roll < 0.02 ? (roll < 0.01 ? 10 : 12) : -1;
    const spikeMonth = !isVacant && roll >= 0.02 && roll < 0.032 ? 12 : -1;
    const staffId = readerOfRoute[route.index] ?? null;
    let register = ((account.initial_reading_litres ?? 0) + dice.integer(50, 900) * 1_000) % modulus;
    let estimatedSince = 0;
    let lastActual = register;
    DEMO_MONTHS.forEach((month, monthIndex) => {
      const readOn = `${month}-${String(route.day).padStart(2, '0')}`;
      if (account.installed_on && account.installed_on > readOn) return;
      const use = isVacant ? 0 : Math.max(0, Math.round(monthly * (0.8 + dice.next() * 0.4) * (month.endsWith('-07') || month.endsWith('-08') ? 1.25 : 1)));
      if (monthIndex === estimateMonth) {
        // 门锁 no access: estimated from the average, corrected by the next actual reading.
        estimatedSince += monthly;
        register = (register + use) % modulus;
        rows.push([randomUUID(), account.account_id, meterId, readOn, new Date(`${readOn}T02:30:00Z`), (lastActual + estimatedSince) % modulus, monthly, 'estimate', 'estimated', '{}', staffId, null, null, '门锁，无法入户']);
        estimated += 1;
        return;
      }
      const spike = monthIndex === spikeMonth;
      const actualUse = spike ? use * 5 + 30_000 : use;
      register = (register + actualUse) % modulus;
      const raw = (register - lastActual + modulus) % modulus;
      const consumption = raw - estimatedSince;
      const remote = account.is_remote === true;
      rows.push([
        randomUUID(), account.account_id, meterId, readOn, new Date(`${readOn}T0${remote ? 0 : 2}:${String(dice.integer(10, 59))}:00Z`), register, consumption,
        remote ? 'mqtt' : 'handheld', spike ? 'suspect' : 'accepted', spike ? '{spike}' : isVacant && monthIndex > 0 ? '{zero_use}' : '{}',
        remote ? null : staffId, null, remote ? `HE-${meterId.slice(0, 8)}-${month}` : null, null,
      ]);
      if (spike) {
        suspect += 1;
        register = (register - actualUse + use + modulus) % modulus;
        return;
      }
      lastActual = register;
      estimatedSince = 0;
    });
  }
  await insertReadings(sql, tenantId, rows, context.db);
  return { routes: routeRows.length, readers: readers.length, readings: rows.length, suspect, estimated };
}
