import { arrearsOf, unpaidPrincipalByBill } from '../src/modules/collection/late-fees';
import type { Sql } from '../src/platform/db/database';
import { insertRegularBill } from './bill-factory';
import type { CustomerWithAccount } from './factories';

export interface CollectionTarget {
  /** An open dispute, on a bill of an account of its own (so the household can still be cut off). */
  openDisputeId: string;
  /** An issued cut-off order, on another account of its own. */
  cutoffOrderId: string;
  /** A reconnection order that is due, on that same account. */
  reconnectionOrderId: string;
}

const DAY_MS = 86_400_000;

/** An organisation with one account and one overdue bill, made once per tenant and label. */
async function extraAccount(sql: Sql, tenantId: string, label: string, now: Date): Promise<{ accountId: string; billId: string }> {
  // Tenant-specific names: the tenant-isolation test treats B's customer names as B's fingerprints.
  const name = `催收测试单位${label}-${tenantId.slice(0, 8)}`;
  let [account] = await sql.query<{ id: string }>('SELECT a.id FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE c.name = $1', [name]);
  if (!account) {
    const serial = String(Math.floor(now.getTime() / 1000) % 100_000_000).padStart(8, '0');
    const [customer] = await sql.query<{ id: string }>("INSERT INTO customers (tenant_id, customer_no, kind, name) VALUES ($1, $2, 'organisation', $3) RETURNING id", [tenantId, `COLL${label}${serial}`, name]);
    const [premise] = await sql.query<{ id: string }>("INSERT INTO premises (tenant_id, district, street, address, building_type) VALUES ($1, '江岸区', '催收路', $2, 'commercial') RETURNING id", [tenantId, `${label}号`]);
    [account] = await sql.query<{ id: string }>(
      "INSERT INTO accounts (tenant_id, account_no, customer_id, premise_id, category, opened_on) VALUES ($1, $2, $3, $4, 'non_residential', '2024-01-01') RETURNING id",
      [tenantId, `9${label === 'D' ? '1' : '2'}${serial}`, customer?.id, premise?.id],
    );
  }
  const accountId = (account as { id: string }).id;
  let [bill] = await sql.query<{ id: string }>("SELECT id FROM bills WHERE account_id = $1 AND kind = 'regular' ORDER BY period LIMIT 1", [accountId]);
  bill ??= await insertRegularBill(sql, tenantId, accountId, { period: '2025-06', consumptionLitres: 10_000, dueOn: '2025-07-20' });
  return { accountId, billId: bill.id };
}

/** A cut-off notice (letter) on a bill, queued days ago; the step no schedule uses, so it never collides. */
async function givenOldCutoffNotice(sql: Sql, tenantId: string, accountId: string, billId: string, now: Date): Promise<string> {
  await sql.query(
    `INSERT INTO collection_notices (tenant_id, bill_id, account_id, step_days, kind, channel, status, amount_fen, body, business_date, created_at)
     VALUES ($1, $2, $3, 9999, 'cutoff_notice', 'letter', 'to_print', 1, '停水通知（测试）', $4, $5) ON CONFLICT DO NOTHING`,
    [tenantId, billId, accountId, new Date(now.getTime() - 5 * DAY_MS).toISOString().slice(0, 10), new Date(now.getTime() - 5 * DAY_MS)],
  );
  const [notice] = await sql.query<{ id: string }>("SELECT id FROM collection_notices WHERE bill_id = $1 AND step_days = 9999 AND channel = 'letter'", [billId]);
  return (notice as { id: string }).id;
}

/**
 * Makes sure the household's account can be cut off right now (overdue principal, a cut-off notice days old,
 * no open dispute, no issued order, water on), and that an open dispute, an issued cut-off order and a due
 * reconnection order exist on accounts of their own: rows written directly, as the services would.
 */
export async function ensureCollectionTarget(sql: Sql, tenantId: string, household: CustomerWithAccount, today: string, now: Date): Promise<CollectionTarget> {
  const accountId = household.account.id;
  await sql.query("UPDATE bill_disputes SET status = 'closed', resolution = '测试结案', closed_by = 'test', closed_at = $2 WHERE account_id = $1 AND status = 'open'", [accountId, now]);
  await sql.query("UPDATE cutoff_orders SET status = 'cancelled', cancelled_by = 'test', cancelled_at = $2, cancel_reason = '测试' WHERE account_id = $1 AND status = 'issued'", [accountId, now]);
  for (let attempt = 0; attempt < 3 && (await arrearsOf(sql, accountId, today)).overdueFen === 0; attempt += 1) {
    const [free] = await sql.query<{ period: string }>(
      "SELECT to_char(coalesce(min(to_date(period, 'YYYY-MM')), date '2026-01-01') - interval '1 month', 'YYYY-MM') AS period FROM bills WHERE account_id = $1 AND kind = 'regular'",
      [accountId],
    );
    await insertRegularBill(sql, tenantId, accountId, { period: free?.period as string, consumptionLitres: 20_000 });
  }
  const unpaid = await unpaidPrincipalByBill(sql, accountId, today);
  const [oldest] = await sql.query<{ id: string }>("SELECT id FROM bills WHERE account_id = $1 AND kind = 'regular' AND due_on < $2 AND id = ANY($3::uuid[]) ORDER BY period LIMIT 1", [accountId, today, [...unpaid.keys()]]);
  if (oldest) await givenOldCutoffNotice(sql, tenantId, accountId, oldest.id, now);

  const disputed = await extraAccount(sql, tenantId, 'D', now);
  let [dispute] = await sql.query<{ id: string }>("SELECT id FROM bill_disputes WHERE bill_id = $1 AND status = 'open'", [disputed.billId]);
  dispute ??= (
    await sql.query<{ id: string }>("INSERT INTO bill_disputes (tenant_id, bill_id, account_id, reason, opened_by, opened_at) VALUES ($1, $2, $3, '读数有误', 'test', $4) RETURNING id", [tenantId, disputed.billId, disputed.accountId, now])
  )[0];

  const ordered = await extraAccount(sql, tenantId, 'O', now);
  const noticeId = await givenOldCutoffNotice(sql, tenantId, ordered.accountId, ordered.billId, now);
  const insertOrder = async (status: 'issued' | 'done') =>
    (
      await sql.query<{ id: string }>(
        `INSERT INTO cutoff_orders (tenant_id, account_id, status, notice_id, owed_fen, issued_by, issued_at, done_by, done_at)
         VALUES ($1, $2, $3, $4, 5000, 'test', $5, CASE WHEN $3 = 'done' THEN 'test' END, CASE WHEN $3 = 'done' THEN $5::timestamptz END) RETURNING id`,
        [tenantId, ordered.accountId, status, noticeId, now],
      )
    )[0];
  let [issued] = await sql.query<{ id: string }>("SELECT id FROM cutoff_orders WHERE account_id = $1 AND status = 'issued'", [ordered.accountId]);
  issued ??= await insertOrder('issued');
  let [due] = await sql.query<{ id: string }>("SELECT id FROM reconnection_orders WHERE account_id = $1 AND status = 'due'", [ordered.accountId]);
  if (!due) {
    const done = await insertOrder('done');
    [due] = await sql.query<{ id: string }>(
      "INSERT INTO reconnection_orders (tenant_id, cutoff_order_id, account_id, created_at, due_at) VALUES ($1, $2, $3, $4, $4::timestamptz + interval '24 hours') RETURNING id",
      [tenantId, done?.id, ordered.accountId, now],
    );
  }
  return { openDisputeId: (dispute as { id: string }).id, cutoffOrderId: (issued as { id: string }).id, reconnectionOrderId: (due as { id: string }).id };
}
