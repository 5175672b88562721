import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import type { ZeroConsumptionReport, ZeroUseAccount } from './schemas';

/**
 * 零水量用户: accounts that used no water in each of the latest N billed periods (a period's use is its
 * bill with every credit and debit note on it), so the utility can chase meters that were installed but
 * never read, connections that were never taken into use, and stopped meters ("合理减少'0'水量用户").
 * Closed accounts are left out; an account missing a bill in any of the periods is not counted as zero.
 *
 * The status of the new-connection application behind the account belongs here too, once applications
 * exist (issue 6): there is no applications table yet, so the report has no such column rather than a
 * column of blanks.
 */
interface Row {
  account_id: string;
  account_no: string;
  customer_id: string;
  name: string;
  full_address: string;
  district: string;
  status: ZeroUseAccount['accountStatus'];
  category: ZeroUseAccount['category'];
  opened_on: string;
  meters: ZeroUseAccount['meters'] | null;
  last_use_period: string | null;
  total: number;
}

const REPORT = `
  WITH periods AS (
    SELECT DISTINCT period FROM bills WHERE kind = 'regular' ORDER BY period DESC LIMIT $1
  ), usage AS (
    SELECT b.account_id, b.period, sum(b.consumption_litres) AS litres
    FROM bills b WHERE b.period IN (SELECT period FROM periods)
    GROUP BY b.account_id, b.period
  ), zero AS (
    SELECT account_id FROM usage GROUP BY account_id
    HAVING count(*) = (SELECT count(*) FROM periods) AND bool_and(litres = 0)
  )
  SELECT a.id AS account_id, a.account_no, c.id AS customer_id, c.name, p.full_address, p.district, a.status, a.category, a.opened_on,
    (SELECT json_agg(json_build_object('serialNo', m.serial_no, 'installedOn', m.installed_on) ORDER BY m.installed_on, m.serial_no)
       FROM meters m WHERE m.premise_id = a.premise_id AND m.status = 'installed') AS meters,
    (SELECT max(u.period) FROM (SELECT x.period FROM bills x WHERE x.account_id = a.id GROUP BY x.period HAVING sum(x.consumption_litres) > 0) u) AS last_use_period,
    count(*) OVER () AS total
  FROM zero z
  JOIN accounts a ON a.id = z.account_id
  JOIN customers c ON c.id = a.customer_id
  JOIN premises p ON p.id = a.premise_id
  WHERE a.status <> 'closed' AND ($2::text IS NULL OR p.district = $2)
  ORDER BY p.district COLLATE "C", a.account_no
  LIMIT $3 OFFSET $4`;

const toRow = (row: Row): ZeroUseAccount => ({
  accountId: row.account_id,
  accountNo: row.account_no,
  customerId: row.customer_id,
  customerName: row.name,
  fullAddress: row.full_address,
  district: row.district,
  accountStatus: row.status,
  category: row.category,
  openedOn: row.opened_on,
  meters: row.meters ?? [],
  lastUsePeriod: row.last_use_period,
});

async function query(sql: Sql, periods: number, district: string | undefined, limit: number, offset: number): Promise<ZeroConsumptionReport> {
  const looked = await sql.query<{ period: string }>("SELECT DISTINCT period FROM bills WHERE kind = 'regular' ORDER BY period DESC LIMIT $1", [periods]);
  const rows = looked.length === 0 ? [] : await sql.query<Row>(REPORT, [periods, district ?? null, limit, offset]);
  return {
    periods: looked.map((row) => row.period),
    rows: rows.map(toRow),
    total: rows[0]?.total ?? 0,
    page: Math.floor(offset / Math.max(limit, 1)) + 1,
    pageSize: limit,
  };
}

export async function zeroConsumptionReport(
  context: PlatformContext,
  tenantId: string,
  options: { periods: number; district?: string | undefined; page: number; pageSize: number },
): Promise<ZeroConsumptionReport> {
  return context.db.withTenant(tenantId, (sql) => query(sql, options.periods, options.district, options.pageSize, (options.page - 1) * options.pageSize));
}

/** The most rows one export holds; a utility with more zero-use accounts exports district by district. */
export const EXPORT_LIMIT = 100_000;

const STATUS_ZH: Record<ZeroUseAccount['accountStatus'], string> = { active: '正常', suspended: '暂停供水', closed: '已销户' };
const CATEGORY_ZH: Record<ZeroUseAccount['category'], string> = { residential: '居民', non_residential: '非居民', special: '特种行业' };

/** One CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The report as CSV (UTF-8 with a byte-order mark, so Excel opens the Chinese correctly). */
export async function zeroConsumptionCsv(context: PlatformContext, tenantId: string, options: { periods: number; district?: string | undefined }): Promise<{ name: string; text: string }> {
  const report = await context.db.withTenant(tenantId, (sql) => query(sql, options.periods, options.district, EXPORT_LIMIT, 0));
  const header = ['户号', '户主', '区', '用水地址', '用水性质', '账户状态', '开户日期', '水表表号', '水表安装日期', '最近有用水的账期', `零水量账期（${report.periods.length}期）`];
  const lines = report.rows.map((row) =>
    [
      row.accountNo,
      row.customerName,
      row.district,
      row.fullAddress,
      CATEGORY_ZH[row.category],
      STATUS_ZH[row.accountStatus],
      row.openedOn,
      row.meters.map((meter) => meter.serialNo).join(' / '),
      row.meters.map((meter) => meter.installedOn ?? '').join(' / '),
      row.lastUsePeriod ?? '从未用水',
      [...report.periods].reverse().join(' '),
    ]
      .map(csvField)
      .join(','),
  );
  const latest = report.periods[0] ?? 'none';
  return { name: `zero-consumption-${latest}.csv`, text: `\uFEFF${[header.map(csvField).join(','), ...lines].join('\r\n')}\r\n` };
}
