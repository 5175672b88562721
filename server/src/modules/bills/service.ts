import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { notFound } from '../../platform/errors';
import { isAccountBound } from '../customers';
import { businessDate } from '../customers';
import { accountBalanceFen } from '../ledger';
import {
  ACCOUNT,
  BILL,
  BILL_ORDER,
  findAccountForBills,
  findBillRow,
  letterheadOf,
  linesOf,
  SELECT_BILLS,
  toBill,
  toBillAccount,
  toBillLine,
  type BillRow,
  type Standing,
} from './rows';
import type { Bill, BillDetail, BillPage, MeterReadings, UsagePoint, UsageSeries } from './schemas';

/** Who is asking: a staff member of the tenant, or a portal user who sees only the accounts they bound. */
export type Viewer = { kind: 'staff' } | { kind: 'portal'; portalUserId: string };

/** Refuses a portal user an account they have not bound, exactly as if it did not exist. */
async function requireVisibleAccount(sql: Sql, viewer: Viewer, accountId: string, what = ACCOUNT): Promise<void> {
  if (viewer.kind === 'portal' && !(await isAccountBound(sql, viewer.portalUserId, accountId))) throw notFound(what);
}

/**
 * Where each regular bill of an account stands. What the account owes (its ledger balance) is owed on its
 * newest bills, because payments settle the oldest first; a bill whose notes took everything back is
 * 'credited'. Until payments allocate to bills (issue 4) this is the whole story the ledger can tell.
 */
export async function standingsOf(sql: Sql, accountId: string, today: string, balanceFen: number): Promise<Map<string, Standing>> {
  const rows = await sql.query<{ id: string; due_on: string; net: number; notes: number }>(
    `SELECT r.id, r.due_on, (r.total_fen + coalesce(n.total, 0))::int8 AS net, coalesce(n.count, 0)::int AS notes
     FROM bills r
     LEFT JOIN LATERAL (SELECT sum(total_fen) AS total, count(*) AS count FROM bills WHERE adjusts_bill_id = r.id) n ON true
     WHERE r.account_id = $1 AND r.kind = 'regular' ORDER BY r.period DESC, r.created_at DESC`,
    [accountId],
  );
  const standings = new Map<string, Standing>();
  let owed = Math.max(balanceFen, 0);
  for (const row of rows) {
    if (row.net < 0 || (row.net === 0 && row.notes > 0)) {
      standings.set(row.id, { netTotalFen: row.net, outstandingFen: 0, status: 'credited' });
      continue;
    }
    const outstanding = Math.min(row.net, owed);
    owed -= outstanding;
    const status: Standing['status'] =
      outstanding === 0 ? 'paid' : row.due_on < today ? 'overdue' : outstanding < row.net ? 'partially_paid' : 'unpaid';
    standings.set(row.id, { netTotalFen: row.net, outstandingFen: outstanding, status });
  }
  return standings;
}

async function todayOf(sql: Sql, context: PlatformContext, tenantId: string): Promise<string> {
  return businessDate(context.clock.now(), (await letterheadOf(sql, tenantId)).timeZone);
}

async function billsWithStanding(sql: Sql, context: PlatformContext, tenantId: string, accountId: string, rows: BillRow[]): Promise<{ bills: Bill[]; balanceFen: number }> {
  const balanceFen = await accountBalanceFen(sql, accountId);
  const standings = await standingsOf(sql, accountId, await todayOf(sql, context, tenantId), balanceFen);
  return { bills: rows.map((row) => toBill(row, standings.get(row.id))), balanceFen };
}

export async function listAccountBills(
  context: PlatformContext,
  tenantId: string,
  viewer: Viewer,
  accountId: string,
  page: number,
  pageSize: number,
): Promise<BillPage> {
  return context.db.withTenant(tenantId, async (sql) => {
    await findAccountForBills(sql, accountId);
    await requireVisibleAccount(sql, viewer, accountId);
    const [count] = await sql.query<{ total: number }>('SELECT count(*)::int8 AS total FROM bills WHERE account_id = $1', [accountId]);
    const rows = await sql.query<BillRow>(`${SELECT_BILLS} WHERE b.account_id = $1 ORDER BY ${BILL_ORDER} LIMIT $2 OFFSET $3`, [
      accountId,
      pageSize,
      (page - 1) * pageSize,
    ]);
    const { bills, balanceFen } = await billsWithStanding(sql, context, tenantId, accountId, rows);
    return { bills, total: count?.total ?? 0, page, pageSize, balanceFen };
  });
}

/** The meter readings a bill's consumption came from: the last one in its period and the one before it. */
async function readingsOf(sql: Sql, accountId: string, periodStart: string, periodEnd: string): Promise<MeterReadings | null> {
  const current = await sql.query<{ meter_id: string; serial_no: string; read_on: string; register_litres: number }>(
    `SELECT r.meter_id, m.serial_no, r.read_on, r.register_litres FROM readings r JOIN meters m ON m.id = r.meter_id
     WHERE r.account_id = $1 AND r.read_on BETWEEN $2 AND $3 AND r.status IN ('accepted', 'estimated') AND r.register_litres IS NOT NULL
     ORDER BY r.read_on DESC, r.read_at DESC LIMIT 1`,
    [accountId, periodStart, periodEnd],
  );
  const last = current[0];
  if (!last) return null;
  const previous = await sql.query<{ read_on: string; register_litres: number }>(
    `SELECT r.read_on, r.register_litres FROM readings r
     WHERE r.account_id = $1 AND r.meter_id = $2 AND r.read_on < $3 AND r.status IN ('accepted', 'estimated') AND r.register_litres IS NOT NULL
     ORDER BY r.read_on DESC, r.read_at DESC LIMIT 1`,
    [accountId, last.meter_id, periodStart],
  );
  // A meter's first reading follows its installation, which starts the register at its initial value.
  const installed = previous[0]
    ? []
    : await sql.query<{ installed_on: string | null; initial_reading_litres: number }>('SELECT installed_on, initial_reading_litres FROM meters WHERE id = $1', [last.meter_id]);
  return {
    meterSerialNo: last.serial_no,
    previousOn: previous[0]?.read_on ?? installed[0]?.installed_on ?? null,
    previousLitres: previous[0]?.register_litres ?? (installed[0]?.installed_on ? installed[0].initial_reading_litres : null),
    currentOn: last.read_on,
    currentLitres: last.register_litres,
  };
}

/** A bill with its lines, its notes (or the bill it adjusts), the account and the account's balance. */
export async function loadBillDetail(sql: Sql, context: PlatformContext, tenantId: string, viewer: Viewer, billId: string): Promise<BillDetail> {
  const row = await findBillRow(sql, billId);
  await requireVisibleAccount(sql, viewer, row.account_id, BILL);
  const account = await findAccountForBills(sql, row.account_id);
  const originalId = row.adjusts_bill_id ?? row.id;
  const noteRows = await sql.query<BillRow>(`${SELECT_BILLS} WHERE b.adjusts_bill_id = $1 ORDER BY b.created_at, b.bill_no`, [originalId]);
  const originalRow = row.adjusts_bill_id ? await findBillRow(sql, row.adjusts_bill_id) : null;
  const lines = await linesOf(sql, [row.id, ...noteRows.map((note) => note.id)]);
  const { bills, balanceFen } = await billsWithStanding(sql, context, tenantId, row.account_id, [row, ...(originalRow ? [originalRow] : [])]);
  const [bill, original] = bills as [Bill, Bill | undefined];
  const remainingFen = (originalRow ?? row).total_fen + noteRows.reduce((sum, note) => sum + note.total_fen, 0);
  return {
    bill,
    lines: (lines.get(row.id) ?? []).map(toBillLine),
    notes: row.adjusts_bill_id ? [] : noteRows.map((note) => ({ ...toBill(note), lines: (lines.get(note.id) ?? []).map(toBillLine) })),
    original: original ?? null,
    account: toBillAccount(account),
    readings: row.kind === 'regular' ? await readingsOf(sql, row.account_id, row.period_start, row.period_end) : null,
    remainingFen,
    balanceFen,
  };
}

export async function getBillDetail(context: PlatformContext, tenantId: string, viewer: Viewer, billId: string): Promise<BillDetail> {
  return context.db.withTenant(tenantId, (sql) => loadBillDetail(sql, context, tenantId, viewer, billId));
}

/** YYYY-MM shifted by a number of months. */
export function addMonths(period: string, months: number): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Water used per period, from the bills: a period's use is its regular bill's consumption with every note
 * on it (a re-bill takes back the wrong consumption and bills the right one). The series ends at `endPeriod`,
 * or the account's latest billed period, or the current month.
 */
export async function usageSeries(sql: Sql, context: PlatformContext, tenantId: string, accountId: string, months: number, endPeriod?: string): Promise<UsagePoint[]> {
  let end = endPeriod;
  if (!end) {
    const latest = await sql.query<{ period: string }>('SELECT max(period) AS period FROM bills WHERE account_id = $1', [accountId]);
    end = latest[0]?.period ?? (await todayOf(sql, context, tenantId)).slice(0, 7);
  }
  const start = addMonths(end, -(months - 1));
  const rows = await sql.query<{ period: string; litres: number; is_estimated: boolean | null }>(
    `SELECT period, sum(consumption_litres)::int8 AS litres,
       (array_agg(is_estimated ORDER BY created_at DESC) FILTER (WHERE kind = 'regular' OR consumption_litres <> 0))[1] AS is_estimated
     FROM bills WHERE account_id = $1 AND period BETWEEN $2 AND $3 GROUP BY period`,
    [accountId, start, end],
  );
  const byPeriod = new Map(rows.map((row) => [row.period, row]));
  return Array.from({ length: months }, (_unused, index) => {
    const period = addMonths(start, index);
    const row = byPeriod.get(period);
    return { period, consumptionLitres: row ? row.litres : null, isEstimated: row?.is_estimated ?? false };
  });
}

export async function getUsage(context: PlatformContext, tenantId: string, viewer: Viewer, accountId: string, months: number): Promise<UsageSeries> {
  return context.db.withTenant(tenantId, async (sql) => {
    await findAccountForBills(sql, accountId);
    await requireVisibleAccount(sql, viewer, accountId);
    return { accountId, months, points: await usageSeries(sql, context, tenantId, accountId, months) };
  });
}
