/**
 * The daily collection run of a utility: late fees assessed, due dunning notices sent, issued cut-off orders
 * of paid accounts cancelled and reconnection orders made for paid cut-offs. It runs once per business day
 * per tenant: the collection_runs row for the day is taken in the run's own transaction, so a second process
 * (serve and worker both call it) finds the day taken and does nothing, and a failed run leaves the day free.
 */
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { loadTenantSettings } from '../tenancy';
import { sendDueNotices } from './dunning';
import { assessLateFees, type CollectionSettings } from './late-fees';
import { afterArrearsChange, todayIn } from './orders';

export interface CollectionRunSummary {
  businessDate: string;
  accountsAssessed: number;
  lateFeeFen: number;
  notices: { sms: number; wechat: number; letter: number };
  reconnectionOrders: number;
}

/** The work of one day, in the caller's transaction (runDailyCollection takes the day first). */
export async function collectForDay(sql: Sql, tenantId: string, today: string, at: Date, settings: CollectionSettings): Promise<CollectionRunSummary> {
  // Accounts with principal unpaid on a bill past due and grace; accounts whose accrued fee is not all posted;
  // and accounts whose principal changed (a note, a payment, a reversal) after the day they were last accrued
  // through, so the days before the change are charged on the amount of then (late-fees.ts).
  const accounts = await sql.query<{ account_id: string }>(
    `SELECT b.account_id FROM bills b WHERE b.kind = 'regular' AND b.due_on < $1::date - $2::int GROUP BY b.account_id
     -- What is owed sits on the newest bills: some of it is past due when it exceeds the bills not yet past due.
     HAVING (SELECT coalesce(sum(e.debit_fen - e.credit_fen), 0) FROM ledger_entries e WHERE e.account_id = b.account_id AND e.ledger_account = 'receivable')
          > (SELECT coalesce(sum(greatest(r.total_fen + coalesce((SELECT sum(n.total_fen) FROM bills n WHERE n.adjusts_bill_id = r.id), 0), 0)), 0)
             FROM bills r WHERE r.account_id = b.account_id AND r.kind = 'regular' AND r.due_on >= $1::date - $2::int)
     UNION
     SELECT account_id FROM late_fee_accruals
     WHERE least(floor((basis + 5000) / 10000), floor(cap_base_fen * $3::numeric / 100)) > posted_fen
     UNION
     SELECT l.account_id FROM late_fee_accruals l
     WHERE l.accrued_through < $1::date - 1
       AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.account_id = l.account_id AND e.ledger_account = 'receivable' AND e.business_date > l.accrued_through)`,
    [today, settings.lateFeeGraceDays, settings.lateFeeCapPercent],
  );
  let lateFeeFen = 0;
  for (const { account_id: accountId } of accounts) lateFeeFen += await assessLateFees(sql, tenantId, accountId, today, settings, at);
  const notices = await sendDueNotices(sql, tenantId, today, at, settings);
  const pending = await sql.query<{ account_id: string }>(
    `SELECT DISTINCT o.account_id FROM cutoff_orders o
     WHERE o.status = 'issued' OR (o.status = 'done' AND NOT EXISTS (SELECT 1 FROM reconnection_orders r WHERE r.cutoff_order_id = o.id))`,
  );
  let reconnectionOrders = 0;
  for (const { account_id: accountId } of pending) reconnectionOrders += await afterArrearsChange(sql, tenantId, accountId, today, at);
  return { businessDate: today, accountsAssessed: accounts.length, lateFeeFen, notices, reconnectionOrders };
}

/** Runs the utility's collection for its business day today, once; null when the day has already run. */
export async function runDailyCollection(context: PlatformContext, tenantId: string): Promise<CollectionRunSummary | null> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const today = await todayIn(sql, tenantId, now);
    const taken = await sql.query('INSERT INTO collection_runs (tenant_id, business_date, started_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1', [tenantId, today, now]);
    if (taken.length === 0) return null;
    const settings = (await loadTenantSettings(sql)).collection;
    const summary = await collectForDay(sql, tenantId, today, now, settings);
    await sql.query('UPDATE collection_runs SET summary = $3::jsonb WHERE tenant_id = $1 AND business_date = $2', [tenantId, today, JSON.stringify(summary)]);
    return summary;
  });
}
