/**
 * Arrears lists (欠费清单): accounts owing principal past its due date or late fees, with the overdue
 * principal aged by bill (0–30, 31–90, 91–180, over 180 days past due), the route and its collector in force
 * today, and the protections that restrict a cut-off. A collector without collection.manage sees only the
 * routes they collect on today.
 */
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { maskPersonName, maskPhone } from '../../platform/masking';
import { todayIn } from './orders';
import { OPEN_BILLS_CTE } from './open-bills';
import { AGE_BUCKETS, type AgeBucket, type ArrearsAccount, type ArrearsQuery, type ArrearsReport } from './schemas';

export function bucketOf(ageDays: number): AgeBucket {
  if (ageDays <= 30) return '0_30';
  if (ageDays <= 90) return '31_90';
  if (ageDays <= 180) return '91_180';
  return 'over_180';
}

interface ArrearsRow {
  account_id: string;
  account_no: string;
  customer_id: string;
  name: string;
  customer_kind: string;
  phone: string | null;
  full_address: string;
  category: ArrearsAccount['category'];
  principal: number;
  fees: number;
  overdue: number;
  oldest_due: string | null;
  age_days: number | null;
  a0_30: number;
  a31_90: number;
  a91_180: number;
  over_180: number;
  route_id: string | null;
  route_code: string | null;
  route_name: string | null;
  collector_id: string | null;
  collector_name: string | null;
  is_important: boolean;
  is_special_care: boolean;
  is_disputed: boolean;
  is_cut_off: boolean;
}

async function arrearsRows(sql: Sql, today: string, query: ArrearsQuery, collectorId: string | null): Promise<ArrearsRow[]> {
  return sql.query<ArrearsRow>(
    `WITH ${OPEN_BILLS_CTE},
     per_account AS (
       SELECT account_id, sum(open_fen)::int8 AS principal,
         coalesce(sum(open_fen) FILTER (WHERE due_on < $1::date), 0)::int8 AS overdue,
         min(due_on) FILTER (WHERE open_fen > 0) AS oldest_due,
         coalesce(sum(open_fen) FILTER (WHERE $1::date - due_on BETWEEN 1 AND 30), 0)::int8 AS a0_30,
         coalesce(sum(open_fen) FILTER (WHERE $1::date - due_on BETWEEN 31 AND 90), 0)::int8 AS a31_90,
         coalesce(sum(open_fen) FILTER (WHERE $1::date - due_on BETWEEN 91 AND 180), 0)::int8 AS a91_180,
         coalesce(sum(open_fen) FILTER (WHERE $1::date - due_on > 180), 0)::int8 AS over_180
       FROM open_bills GROUP BY account_id
     )
     SELECT a.id AS account_id, a.account_no, a.customer_id, c.name, c.kind AS customer_kind, c.phone, p.full_address, a.category,
       coalesce(pa.principal, 0)::int8 AS principal, o.fees, coalesce(pa.overdue, 0)::int8 AS overdue, pa.oldest_due::text AS oldest_due,
       CASE WHEN pa.oldest_due < $1::date THEN ($1::date - pa.oldest_due)::int END AS age_days,
       coalesce(pa.a0_30, 0)::int8 AS a0_30, coalesce(pa.a31_90, 0)::int8 AS a31_90, coalesce(pa.a91_180, 0)::int8 AS a91_180, coalesce(pa.over_180, 0)::int8 AS over_180,
       rr.id AS route_id, rr.code AS route_code, rr.name AS route_name, col.staff_id AS collector_id, s.display_name AS collector_name,
       c.is_important, c.is_special_care,
       EXISTS (SELECT 1 FROM bill_disputes d WHERE d.account_id = a.id AND d.status = 'open') AS is_disputed,
       EXISTS (SELECT 1 FROM cutoff_orders x WHERE x.account_id = a.id AND x.status = 'done'
         AND NOT EXISTS (SELECT 1 FROM reconnection_orders r WHERE r.cutoff_order_id = x.id AND r.status = 'done')) AS is_cut_off
     FROM owed o JOIN accounts a ON a.id = o.account_id
     LEFT JOIN per_account pa ON pa.account_id = o.account_id
     JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
     LEFT JOIN route_accounts ra ON ra.account_id = a.id LEFT JOIN reading_routes rr ON rr.id = ra.route_id
     LEFT JOIN LATERAL (SELECT x.staff_id FROM route_assignments x WHERE x.route_id = ra.route_id AND x.duty = 'collector' AND x.starts_on <= $1::date
       AND (x.ends_on IS NULL OR x.ends_on >= $1::date) ORDER BY x.starts_on DESC LIMIT 1) col ON true
     LEFT JOIN staff s ON s.id = col.staff_id
     WHERE (coalesce(pa.overdue, 0) > 0 OR o.fees > 0)
       AND ($2::uuid IS NULL OR ra.route_id = $2)
       AND ($3::int IS NULL OR ($1::date - pa.oldest_due) >= $3)
       AND ($4::int8 IS NULL OR coalesce(pa.principal, 0) + o.fees >= $4)
       AND ($5::uuid IS NULL OR col.staff_id = $5)
     ORDER BY pa.oldest_due NULLS LAST, a.account_no`,
    [today, query.routeId ?? null, query.minAgeDays ?? null, query.minAmountFen ?? null, collectorId],
  );
}

const toAccount = (row: ArrearsRow): ArrearsAccount => ({
  accountId: row.account_id,
  accountNo: row.account_no,
  customerId: row.customer_id,
  holderName: row.customer_kind === 'organisation' ? row.name : maskPersonName(row.name),
  phoneMasked: maskPhone(row.phone),
  fullAddress: row.full_address,
  category: row.category,
  owedFen: row.principal + row.fees,
  principalFen: row.principal,
  overdueFen: row.overdue,
  lateFeeFen: row.fees,
  oldestDueOn: row.oldest_due,
  ageDays: row.age_days,
  bucket: row.age_days === null ? null : bucketOf(row.age_days),
  aging: { '0_30': row.a0_30, '31_90': row.a31_90, '91_180': row.a91_180, over_180: row.over_180 },
  route: row.route_id ? { id: row.route_id, code: row.route_code ?? '', name: row.route_name ?? '' } : null,
  collector: row.collector_id ? { id: row.collector_id, displayName: row.collector_name ?? '' } : null,
  isImportant: row.is_important,
  isSpecialCare: row.is_special_care,
  isDisputed: row.is_disputed,
  isCutOff: row.is_cut_off,
});

/** Per route, each age bucket: accounts by the age of their oldest unpaid bill, overdue fen by bill age. */
export function summarise(accounts: readonly ArrearsAccount[]): ArrearsReport['summary'] {
  const byRoute = new Map<string, ArrearsReport['summary'][number]>();
  for (const account of accounts) {
    const key = account.route?.id ?? '';
    let entry = byRoute.get(key);
    if (!entry) {
      entry = { route: account.route, accounts: 0, owedFen: 0, lateFeeFen: 0, buckets: AGE_BUCKETS.map((bucket) => ({ bucket, accounts: 0, overdueFen: 0 })) };
      byRoute.set(key, entry);
    }
    entry.accounts += 1;
    entry.owedFen += account.owedFen;
    entry.lateFeeFen += account.lateFeeFen;
    for (const bucket of entry.buckets) {
      bucket.overdueFen += account.aging[bucket.bucket];
      if (account.bucket === bucket.bucket) bucket.accounts += 1;
    }
  }
  return [...byRoute.values()].sort((first, second) => (first.route?.code ?? '\uffff').localeCompare(second.route?.code ?? '\uffff'));
}

export interface ArrearsViewer {
  staffId: string;
  /** Sees every route (collection.manage); else only the routes the staff member collects on today. */
  seesAll: boolean;
}

export async function arrearsReport(context: PlatformContext, tenantId: string, query: ArrearsQuery, viewer: ArrearsViewer): Promise<ArrearsReport> {
  return context.db.withTenant(tenantId, async (sql) => {
    const today = await todayIn(sql, tenantId, context.clock.now());
    const accounts = (await arrearsRows(sql, today, query, viewer.seesAll ? null : viewer.staffId)).map(toAccount);
    return {
      asOf: today,
      accounts,
      summary: summarise(accounts),
      total: { accounts: accounts.length, owedFen: accounts.reduce((sum, item) => sum + item.owedFen, 0), lateFeeFen: accounts.reduce((sum, item) => sum + item.lateFeeFen, 0) },
    };
  });
}

/** One CSV field: quoted when needed, and never read as a formula by a spreadsheet (as the analytics reports). */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const BUCKET_ZH: Record<AgeBucket, string> = { '0_30': '0-30天', '31_90': '31-90天', '91_180': '91-180天', over_180: '180天以上' };
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** The arrears list as CSV (UTF-8 with a byte-order mark, for Excel), amounts in yuan. */
export async function arrearsCsv(context: PlatformContext, tenantId: string, query: ArrearsQuery, viewer: ArrearsViewer): Promise<{ name: string; text: string }> {
  const report = await arrearsReport(context, tenantId, query, viewer);
  const header = ['户号', '户主', '联系电话', '用水地址', '抄表本', '催收员', '欠费合计(元)', '逾期本金(元)', '滞纳金(元)', '最早欠费到期日', '欠费天数', '账龄', ...AGE_BUCKETS.map((bucket) => `${BUCKET_ZH[bucket]}(元)`), '重要用户', '特殊关爱户', '有异议', '已停水'];
  const lines = report.accounts.map((row) =>
    [
      row.accountNo,
      row.holderName,
      row.phoneMasked ?? '',
      row.fullAddress,
      row.route ? `${row.route.code} ${row.route.name}` : '',
      row.collector?.displayName ?? '',
      yuan(row.owedFen),
      yuan(row.overdueFen),
      yuan(row.lateFeeFen),
      row.oldestDueOn ?? '',
      row.ageDays === null ? '' : String(row.ageDays),
      row.bucket ? BUCKET_ZH[row.bucket] : '',
      ...AGE_BUCKETS.map((bucket) => yuan(row.aging[bucket])),
      row.isImportant ? '是' : '',
      row.isSpecialCare ? '是' : '',
      row.isDisputed ? '是' : '',
      row.isCutOff ? '是' : '',
    ]
      .map(csvField)
      .join(','),
  );
  return { name: `arrears-${report.asOf}.csv`, text: `\uFEFF${[header.map(csvField).join(','), ...lines].join('\r\n')}\r\n` };
}
