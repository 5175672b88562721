import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { firstReadingDaysOf } from '../applications';
import { businessDate } from '../customers';
import type { ZeroConsumptionReport, ZeroUseAccount } from './schemas';

type NewConnection = NonNullable<ZeroUseAccount['newConnection']>;

/**
 * 零水量用户: accounts that used no water in each of the latest N billed periods (a period's use is its
 * bill with every credit and debit note on it), so the utility can chase meters that were installed but
 * never read, connections that were never taken into use, and stopped meters ("合理减少'0'水量用户").
 * Closed accounts are left out; an account missing a bill in any of the periods is not counted as zero.
 *
 * Each account shows the new-connection application (报装) that opened it, if one did: its number and where
 * it stands (the stage it is at, or the day it was completed). A new connection whose account has had no
 * reading within N days of being opened (the utility's process settings, default 45) is flagged, and listed
 * even without bills — an account never read is never billed, so it could not show as zero use otherwise:
 * this is the hand-over the articles ask to watch (报装 → 装表 → 立户 → 首次抄表).
 * A reading counts when it was taken (accepted or suspect), not an estimate or a "could not read".
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
  is_zero_use: boolean;
  connection: { applicationId: string; applicationNo: string; status: NewConnection['status']; stageCode: string | null; stageName: string | null; stageNameEn: string | null; submittedOn: string; finishedOn: string | null } | null;
  first_read_on: string | null;
  first_reading_due_on: string | null;
  is_first_reading_overdue: boolean;
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
  ), connections AS (
    -- The latest new-connection application behind each account it opened.
    SELECT DISTINCT ON (ap.account_id) ap.account_id, ap.id, ap.application_no, ap.status, ap.submitted_at, ap.finished_at, s.code AS stage_code, s.name AS stage_name, s.name_en AS stage_name_en
    FROM applications ap
    JOIN application_types t ON t.id = ap.type_id AND t.code = 'new_connection'
    LEFT JOIN application_stages s ON s.type_id = ap.type_id AND s.position = ap.current_position
    WHERE ap.account_id IS NOT NULL
    ORDER BY ap.account_id, ap.submitted_at DESC
  ), checked AS (
    SELECT k.*, a.opened_on + $5::int AS due_on,
      (SELECT min(r.read_on) FROM readings r WHERE r.account_id = k.account_id AND r.status IN ('accepted', 'suspect') AND r.source <> 'estimate') AS first_read_on
    FROM connections k JOIN accounts a ON a.id = k.account_id
  ), flagged AS (
    SELECT k.*, CASE WHEN k.first_read_on IS NULL THEN $6::date > k.due_on ELSE k.first_read_on > k.due_on END AS is_overdue FROM checked k
  ), listed AS (
    -- Zero use in every period looked at, or a new connection still waiting for its first reading past its time.
    SELECT account_id FROM zero
    UNION
    SELECT account_id FROM flagged WHERE first_read_on IS NULL AND is_overdue
  )
  SELECT a.id AS account_id, a.account_no, c.id AS customer_id, c.name, p.full_address, p.district, a.status, a.category, a.opened_on,
    (SELECT json_agg(json_build_object('serialNo', m.serial_no, 'installedOn', m.installed_on) ORDER BY m.installed_on, m.serial_no)
       FROM meters m WHERE m.premise_id = a.premise_id AND m.status = 'installed') AS meters,
    (SELECT max(u.period) FROM (SELECT x.period FROM bills x WHERE x.account_id = a.id GROUP BY x.period HAVING sum(x.consumption_litres) > 0) u) AS last_use_period,
    EXISTS (SELECT 1 FROM zero z WHERE z.account_id = a.id) AS is_zero_use,
    CASE WHEN f.account_id IS NULL THEN NULL ELSE json_build_object(
      'applicationId', f.id, 'applicationNo', f.application_no, 'status', f.status, 'stageCode', f.stage_code, 'stageName', f.stage_name, 'stageNameEn', f.stage_name_en,
      'submittedOn', (f.submitted_at AT TIME ZONE $8)::date, 'finishedOn', (f.finished_at AT TIME ZONE $8)::date) END AS connection,
    f.first_read_on, f.due_on AS first_reading_due_on, coalesce(f.is_overdue, false) AS is_first_reading_overdue,
    count(*) OVER () AS total
  FROM listed l
  JOIN accounts a ON a.id = l.account_id
  JOIN customers c ON c.id = a.customer_id
  JOIN premises p ON p.id = a.premise_id
  LEFT JOIN flagged f ON f.account_id = a.id
  WHERE a.status <> 'closed' AND ($2::text IS NULL OR p.district = $2) AND (NOT $7::boolean OR coalesce(f.is_overdue, false))
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
  isZeroUse: row.is_zero_use,
  newConnection: row.connection
    ? {
        applicationId: row.connection.applicationId,
        applicationNo: row.connection.applicationNo,
        status: row.connection.status,
        stage: row.connection.stageCode ? { code: row.connection.stageCode, name: row.connection.stageName ?? row.connection.stageCode, nameEn: row.connection.stageNameEn ?? row.connection.stageCode } : null,
        submittedOn: row.connection.submittedOn,
        finishedOn: row.connection.finishedOn,
      }
    : null,
  firstReadOn: row.first_read_on,
  firstReadingDueOn: row.first_reading_due_on,
  isFirstReadingOverdue: row.is_first_reading_overdue,
});

interface Options {
  periods: number;
  district?: string | undefined;
  /** Only the new connections flagged for a missing first reading. */
  onlyFlagged?: boolean | undefined;
}

async function query(sql: Sql, now: Date, options: Options, limit: number, offset: number): Promise<ZeroConsumptionReport> {
  const looked = await sql.query<{ period: string }>("SELECT DISTINCT period FROM bills WHERE kind = 'regular' ORDER BY period DESC LIMIT $1", [options.periods]);
  const [tenant] = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants');
  const timeZone = tenant?.time_zone ?? 'Asia/Shanghai';
  const today = businessDate(now, timeZone);
  const firstReadingDays = await firstReadingDaysOf(sql);
  const rows = await sql.query<Row>(REPORT, [options.periods, options.district ?? null, limit, offset, firstReadingDays, today, options.onlyFlagged === true, timeZone]);
  return {
    periods: looked.map((row) => row.period),
    firstReadingDays,
    today,
    rows: rows.map(toRow),
    total: rows[0]?.total ?? 0,
    page: Math.floor(offset / Math.max(limit, 1)) + 1,
    pageSize: limit,
  };
}

export async function zeroConsumptionReport(
  context: PlatformContext,
  tenantId: string,
  options: Options & { page: number; pageSize: number },
): Promise<ZeroConsumptionReport> {
  return context.db.withTenant(tenantId, (sql) => query(sql, context.clock.now(), options, options.pageSize, (options.page - 1) * options.pageSize));
}

/** The most rows one export holds; a utility with more zero-use accounts exports district by district. */
export const EXPORT_LIMIT = 100_000;

const STATUS_ZH: Record<ZeroUseAccount['accountStatus'], string> = { active: '正常', suspended: '暂停供水', closing: '销户中', closed: '已销户' };
const CATEGORY_ZH: Record<ZeroUseAccount['category'], string> = { residential: '居民', non_residential: '非居民', special: '特种行业' };

/** Where the new-connection application stands, in words: its stage, or the day it ended. */
function connectionStatusZh(connection: NewConnection | null): string {
  if (!connection) return '';
  switch (connection.status) {
    case 'in_progress':
      return `办理中：${connection.stage?.name ?? ''}`;
    case 'returned':
      return `退回补正：${connection.stage?.name ?? ''}`;
    case 'completed':
      return `已办结 ${connection.finishedOn ?? ''}`;
    case 'rejected':
      return `未予办理 ${connection.finishedOn ?? ''}`;
  }
}

/** One CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The report as CSV (UTF-8 with a byte-order mark, so Excel opens the Chinese correctly). */
export async function zeroConsumptionCsv(context: PlatformContext, tenantId: string, options: Options): Promise<{ name: string; text: string }> {
  const report = await context.db.withTenant(tenantId, (sql) => query(sql, context.clock.now(), options, EXPORT_LIMIT, 0));
  const header = [
    '户号', '户主', '区', '用水地址', '用水性质', '账户状态', '开户日期', '水表表号', '水表安装日期', '最近有用水的账期', `零水量账期（${report.periods.length}期）`,
    '报装申请号', '报装办理情况', '首次抄表日期', `首次抄表期限（开户后${report.firstReadingDays}天）`, '标记',
  ];
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
      row.isZeroUse ? [...report.periods].reverse().join(' ') : '',
      row.newConnection?.applicationNo ?? '',
      connectionStatusZh(row.newConnection),
      row.firstReadOn ?? '',
      row.firstReadingDueOn ?? '',
      row.isFirstReadingOverdue ? (row.firstReadOn ? '新装表逾期才抄表' : '新装表逾期未抄表') : '',
    ]
      .map(csvField)
      .join(','),
  );
  const latest = report.periods[0] ?? 'none';
  return { name: `zero-consumption-${latest}.csv`, text: `\uFEFF${[header.map(csvField).join(','), ...lines].join('\r\n')}\r\n` };
}
