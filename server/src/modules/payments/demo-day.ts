/**
 * The demo's day of online payments (演示: 今日线上缴费), so that a finance clerk who reconciles WeChat Pay for
 * today finds a real statement with something to resolve. Played when `serve --seed-demo` starts with
 * the built-in payment simulator, once per utility and business day (demo_channel_days: a restart the same day
 * plays nothing more, the next day's start plays that day's):
 *
 * - a few accounts pay all their open bills through WeChat Pay orders placed with the simulator, paid there, and credited by the simulator's signed
 *   notifications through the ordinary notification endpoint: these match;
 * - one such order is paid at the channel while its notifications are lost (the simulator drops them) and
 *   the order was closed on our side (the sweep asked the channel just before the customer paid), so the
 *   sweep does not find it either: on the statement, missing in the ledger, and the clerk credits it
 *   (canCredit) after the channel confirms it;
 * - one trade on the merchant account that is not ours (another system of the utility using the same
 *   merchant number, e.g. a POS terminal): on the statement only, for the clerk to explain.
 *
 * Today's online payments already in the ledger (credited while an earlier start of the server ran, whose
 * simulator has forgotten them) are given back to the simulator first, so they are on the statement too.
 *
 * The payers are accounts that owe only on bills not yet due (the newest account numbers first): accounts in
 * arrears, with an active withholding mandate, an item awaiting a bank's result, an order awaiting payment,
 * or named in `exclude` (the portal's demo customer) are left alone.
 */
import { randomInt } from 'node:crypto';
import { recordAudit, systemActor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { lateFeesDueFen } from '../collection';
import { findTenantByCode } from '../tenancy';
import type { PaymentSimulator } from './channels';
import { todayOf } from './counter';
import type { PaymentGateways } from './gateways';
import { ORDER_VALIDITY_MINUTES } from './orders';
import { openBills } from './settlement';

export interface DemoChannelDay {
  /** Orders paid and notified (credited by the notifications as they arrive). */
  paid: { outTradeNo: string; accountId: string; amountFen: number }[];
  /** The order paid at the channel whose notifications were lost, closed on our side; null when no account was left for it. */
  lost: { outTradeNo: string; accountId: string; amountFen: number } | null;
  /** The trade of another system on the merchant account. */
  foreign: { outTradeNo: string; amountFen: number };
}

const outTradeNo = (prefix: string, now: Date): string => `${prefix}${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}${String(randomInt(100_000_000)).padStart(8, '0')}`;

/**
 * Plays the day (see the file's comment) for the utility with `tenantCode`; null when there is no such utility,
 * no WeChat Pay, or today was already played (by an earlier start: its payments are given back to the simulator).
 */
export async function playDemoChannelDay(
  context: PlatformContext,
  gateways: PaymentGateways,
  simulator: PaymentSimulator,
  tenantCode: string,
  options: { exclude?: readonly string[]; payers?: number } = {},
): Promise<DemoChannelDay | null> {
  const tenant = await findTenantByCode(context, tenantCode);
  const wechat = gateways.forTenant(tenantCode).wechatpay;
  if (!tenant || !wechat) return null;
  const today = await todayOf(context, tenant.id);
  const now = context.clock.now();
  const payers = options.payers ?? 3;
  await restoreChannelDay(context, simulator, tenant.id, today);
  // Once a day: the start that claims the day plays it (a failed play gives the claim back).
  const claimed = await context.db.withTenant(tenant.id, (sql) =>
    sql.query('INSERT INTO demo_channel_days (tenant_id, business_date, played_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING business_date', [tenant.id, today, now]),
  );
  if (claimed.length === 0) return null;
  try {
    return await playClaimedDay(context, simulator, wechat, { id: tenant.id, today, now, payers }, options.exclude ?? []);
  } catch (error) {
    await context.db.withTenant(tenant.id, (sql) => sql.query('DELETE FROM demo_channel_days WHERE tenant_id = $1 AND business_date = $2', [tenant.id, today]));
    throw error;
  }
}

async function playClaimedDay(
  context: PlatformContext,
  simulator: PaymentSimulator,
  wechat: NonNullable<ReturnType<PaymentGateways['forTenant']>['wechatpay']>,
  tenant: { id: string; today: string; now: Date; payers: number },
  exclude: readonly string[],
): Promise<DemoChannelDay> {
  const { today, now, payers } = tenant;
  const orders = await context.db.withTenant(tenant.id, async (sql) => {
    const candidates = await sql.query<{ id: string; account_no: string }>(
      `SELECT a.id, a.account_no FROM accounts a
       JOIN (SELECT account_id, sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'receivable') AS principal,
                    sum(debit_fen - credit_fen) FILTER (WHERE ledger_account = 'late_fee_receivable') AS fees
             FROM ledger_entries WHERE ledger_account IN ('receivable', 'late_fee_receivable') GROUP BY account_id) owed ON owed.account_id = a.id
       WHERE a.status = 'active' AND NOT (a.account_no = ANY($1::text[])) AND owed.principal > 0 AND coalesce(owed.fees, 0) = 0
         -- Nothing overdue (what is owed sits on the newest bills: all of it on bills not yet due), so the day
         -- changes no arrears list, dunning or cut-off.
         AND owed.principal <= (SELECT coalesce(sum(greatest(r.total_fen + coalesce((SELECT sum(n.total_fen) FROM bills n WHERE n.adjusts_bill_id = r.id), 0), 0)), 0)
                                FROM bills r WHERE r.account_id = a.id AND r.kind = 'regular' AND r.due_on >= $3::date)
         AND NOT EXISTS (SELECT 1 FROM withholding_mandates m WHERE m.account_id = a.id AND m.status = 'active')
         AND NOT EXISTS (SELECT 1 FROM withholding_items i WHERE i.account_id = a.id AND i.status = 'sent')
         AND NOT EXISTS (SELECT 1 FROM payment_orders o WHERE o.account_id = a.id AND o.status = 'created')
       ORDER BY a.account_no DESC LIMIT $2`,
      [exclude, payers + 1, today],
    );
    const placed: { id: string; outTradeNo: string; accountId: string; accountNo: string; amountFen: number }[] = [];
    for (const account of candidates) {
      const open = await openBills(sql, account.id, today);
      const amountFen = open.reduce((sum, bill) => sum + bill.openFen, 0) + (await lateFeesDueFen(sql, tenant.id, account.id, today));
      if (amountFen <= 0) continue;
      const [row] = await sql.query<{ id: string; out_trade_no: string }>(
        `INSERT INTO payment_orders (tenant_id, out_trade_no, channel, account_id, purpose, bill_ids, amount_fen, portal_user_id, created_at, expires_at)
         VALUES ($1, $2, 'wechatpay', $3, 'bills', $4, $5, NULL, $6, $7) RETURNING id, out_trade_no`,
        [tenant.id, outTradeNo('SW', now), account.id, open.map((bill) => bill.billId), amountFen, now, new Date(now.getTime() + ORDER_VALIDITY_MINUTES * 60_000)],
      );
      if (row) placed.push({ id: row.id, outTradeNo: row.out_trade_no, accountId: account.id, accountNo: account.account_no, amountFen });
    }
    return placed;
  });
  const lostOrder = orders.length > payers ? (orders[orders.length - 1] ?? null) : null;
  const paidOrders = lostOrder ? orders.slice(0, -1) : orders;
  const foreign = { outTradeNo: outTradeNo('POS', now), amountFen: 12_800 };
  // The lost order's and the foreign trade's notifications never arrive.
  const dropped = new Set([foreign.outTradeNo, ...(lostOrder ? [lostOrder.outTradeNo] : [])]);
  simulator.setDeliveryInterceptor((delivery) => (dropped.has(delivery.outTradeNo) ? 'drop' : 'deliver'));
  const expires = new Date(now.getTime() + ORDER_VALIDITY_MINUTES * 60_000);
  for (const order of orders) {
    await wechat.createH5Order({ outTradeNo: order.outTradeNo, description: `水费 户号${order.accountNo}`, amountFen: order.amountFen, timeExpire: expires, payerClientIp: '127.0.0.1' });
  }
  await wechat.createH5Order({ outTradeNo: foreign.outTradeNo, description: '营业厅 POS 收款', amountFen: foreign.amountFen, timeExpire: expires, payerClientIp: '127.0.0.1' });
  if (lostOrder) {
    // Closed on our side (the sweep's query answered unpaid a moment before the customer paid).
    await context.db.withTenant(tenant.id, (sql) => sql.query("UPDATE payment_orders SET status = 'closed' WHERE id = $1 AND status = 'created'", [lostOrder.id]));
  }
  for (const order of orders) simulator.pay('wechatpay', order.outTradeNo);
  simulator.pay('wechatpay', foreign.outTradeNo);
  const summary: DemoChannelDay = {
    paid: paidOrders.map((order) => ({ outTradeNo: order.outTradeNo, accountId: order.accountId, amountFen: order.amountFen })),
    lost: lostOrder ? { outTradeNo: lostOrder.outTradeNo, accountId: lostOrder.accountId, amountFen: lostOrder.amountFen } : null,
    foreign,
  };
  await context.db.withTenant(tenant.id, (sql) =>
    recordAudit(sql, tenant.id, systemActor('demo-seed'), now, { action: 'demo.channel_day', objectType: 'tenant', objectId: tenant.id, after: { businessDate: today, ...summary } }),
  );
  return summary;
}

/**
 * The simulator forgets its orders when the server stops: the online payments of `day` (a Beijing-time day)
 * already credited to the ledger — while an earlier start of the server ran, or through the portal — are
 * given back to it as paid (no notification is sent again), so the day's statement still has them. Returns
 * how many were given back (orders the simulator still knows are left as they are).
 */
export async function restoreChannelDay(context: PlatformContext, simulator: PaymentSimulator, tenantId: string, day: string): Promise<number> {
  const dayStart = new Date(`${day}T00:00:00+08:00`);
  const credited = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ channel: 'wechatpay' | 'alipay'; out_trade_no: string; amount_fen: number; channel_trade_no: string | null; received_at: Date }>(
      `SELECT p.channel, o.out_trade_no, p.amount_fen, p.channel_trade_no, p.received_at FROM payments p JOIN payment_orders o ON o.id = p.order_id
       WHERE p.channel IN ('wechatpay', 'alipay') AND p.received_at >= $1 AND p.received_at < $2`,
      [dayStart, new Date(dayStart.getTime() + 86_400_000)],
    ),
  );
  let restored = 0;
  for (const row of credited) {
    if ((row.channel === 'wechatpay' ? simulator.order('wechatpay', row.out_trade_no) : simulator.order('alipay', row.out_trade_no)) !== null) continue;
    simulator.restorePaidOrder({ channel: row.channel, outTradeNo: row.out_trade_no, totalFen: row.amount_fen, channelTradeNo: row.channel_trade_no ?? '', paidAt: new Date(row.received_at), description: '水费' });
    restored += 1;
  }
  return restored;
}
