/**
 * 冲正: a supervisor reverses a payment recorded by mistake (the wrong account, the wrong amount keyed) with a
 * reason. Nothing is edited: the payment stays, and one reversal row (at most one per payment, by a unique
 * key) carries the mirror journal, in one transaction under the account's money lock:
 *
 *   payment   debit clearing   credit receivable (principal settled), late_fee_receivable, prepaid (rest)
 *   reversal  credit clearing  debit  late_fee_receivable (what it settled of late fees),
 *                                     prepaid (what is still there of the rest), receivable (the principal
 *                                     settled, and whatever of the rest has since settled bills from prepaid)
 *
 * so what the account owes rises by exactly the amount, the bills (and late fees) the money paid are open
 * again, and late fees accrue on them from the reversal's day on (late-fees.ts charges each day on the
 * principal as the ledger stood that day, so the days the payment stood stay uncharged).
 *
 * Segregation of duties: only holders of payment.reverse (supervisors; no role that takes payments holds it),
 * and never the cashier who took the payment. Refused for a payment already refunded (in part or in full)
 * and for WeChat Pay and Alipay payments: their money goes back only through the channel's refund.
 * A counter payment reversed while its till is open comes off that till (the till then closes on what is
 * left); otherwise the reversal shows in the day summary of its business date.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { businessDate } from '../customers';
import { postJournals } from '../ledger';
import { findTenantById } from '../tenancy';
import { paymentMethodSchema } from './schemas';
import { CLEARING_ACCOUNT, lockAccountMoney, METHOD_NAMES, type PaymentMethod } from './settlement';

const names = z.object({ zh: z.string(), en: z.string() });

export const reversalRequestSchema = z
  .strictObject({
    reason: z.string().trim().min(2).max(200).meta({ description: 'Why the payment is reversed (e.g. 收错户号, 金额录入错误); kept with the reversal and in the audit log' }),
  })
  .meta({ id: 'PaymentReversalRequest' });
export type ReversalRequest = z.infer<typeof reversalRequestSchema>;

export const reversalSchema = z
  .object({
    id: z.uuid(),
    paymentId: z.uuid(),
    receiptNo: z.string(),
    accountId: z.uuid(),
    accountNo: z.string(),
    method: paymentMethodSchema,
    methodName: names,
    amountFen: z.int().meta({ description: 'The whole payment, in fen' }),
    reason: z.string(),
    reversedBy: z.string(),
    reversedAt: z.iso.datetime(),
    businessDate: z.iso.date(),
    cashier: z.string().nullable().meta({ description: 'Who took the payment at the counter' }),
    tillId: z.uuid().nullable().meta({ description: 'The open till the reversal came off; null when the payment was not a counter one or its till was already closed' }),
  })
  .meta({ id: 'PaymentReversal' });
export type Reversal = z.infer<typeof reversalSchema>;

interface ReversalRow {
  id: string;
  payment_id: string;
  receipt_no: string;
  account_id: string;
  account_no: string;
  channel: PaymentMethod;
  amount_fen: number;
  reason: string;
  reversed_by: string;
  reversed_at: Date;
  business_date: string;
  cashier: string | null;
  till_id: string | null;
}

const REVERSAL_SELECT = `SELECT r.id, r.payment_id, p.receipt_no, r.account_id, a.account_no, p.channel, r.amount_fen, r.reason, s.display_name AS reversed_by, r.reversed_at,
    r.business_date, c.display_name AS cashier, r.till_id
  FROM payment_reversals r JOIN payments p ON p.id = r.payment_id JOIN accounts a ON a.id = r.account_id JOIN staff s ON s.id = r.staff_id LEFT JOIN staff c ON c.id = p.staff_id`;

const toReversal = (row: ReversalRow): Reversal => ({
  id: row.id,
  paymentId: row.payment_id,
  receiptNo: row.receipt_no,
  accountId: row.account_id,
  accountNo: row.account_no,
  method: row.channel,
  methodName: METHOD_NAMES[row.channel],
  amountFen: row.amount_fen,
  reason: row.reason,
  reversedBy: row.reversed_by,
  reversedAt: new Date(row.reversed_at).toISOString(),
  businessDate: row.business_date,
  cashier: row.cashier,
  tillId: row.till_id,
});

/** The reversals of a business day (the day summary), oldest first. */
export async function reversalsOn(sql: Sql, date: string): Promise<Reversal[]> {
  return (await sql.query<ReversalRow>(`${REVERSAL_SELECT} WHERE r.business_date = $1 ORDER BY r.reversed_at, r.id`, [date])).map(toReversal);
}

const PAYMENT = { zh: '缴费记录', en: 'Payment' };

export interface ReversalActor {
  tenantId: string;
  staffId: string;
  actor: Actor;
}

/** Reverses a payment (see the file's comment); returns the reversal. */
export async function reversePayment(context: PlatformContext, who: ReversalActor, paymentId: string, input: ReversalRequest): Promise<Reversal> {
  const tenant = await findTenantById(context, who.tenantId);
  const today = businessDate(context.clock.now(), tenant?.timeZone ?? 'Asia/Shanghai');
  return context.db.withTenant(who.tenantId, async (sql) => {
    const [payment] = await sql.query<{ id: string; account_id: string; channel: PaymentMethod; amount_fen: number; receipt_no: string; staff_id: string | null; till_id: string | null; journal_id: string; customer_id: string }>(
      `SELECT p.id, p.account_id, p.channel, p.amount_fen, p.receipt_no, p.staff_id, p.till_id, p.journal_id, a.customer_id
       FROM payments p JOIN accounts a ON a.id = p.account_id WHERE p.id = $1`,
      [paymentId],
    );
    if (!payment) throw notFound(PAYMENT);
    const method = METHOD_NAMES[payment.channel];
    if (payment.staff_id === who.staffId) {
      throw new DomainError('forbidden', 'reversal_by_cashier', '收款人不能冲正自己收取的缴费', 'Whoever took a payment may not reverse it', [{ field: 'id', zh: '须由其他主管冲正', en: 'another supervisor must reverse it' }]);
    }
    if (payment.channel === 'wechatpay' || payment.channel === 'alipay') {
      throw new DomainError('conflict', 'reversal_online_payment', `${method.zh}缴费不能冲正，请原路退款`, `A ${method.en} payment is not reversed: refund it through ${method.en}`, [
        { field: 'id', zh: '线上缴费请办理退款', en: 'refund an online payment instead' },
      ]);
    }
    const now = context.clock.now();
    // The account's money lock: refunds and payments of the account wait, and see the reversal when they run.
    const prepaidBalance = await lockAccountMoney(sql, who.tenantId, payment.account_id, now);
    const [done] = await sql.query('SELECT 1 FROM payment_reversals WHERE payment_id = $1', [paymentId]);
    if (done) throw new DomainError('conflict', 'payment_reversed', '该笔缴费已冲正', 'The payment is already reversed', [{ field: 'id', zh: '已冲正', en: 'already reversed' }]);
    const [refunded] = await sql.query<{ fen: number }>("SELECT coalesce(sum(amount_fen), 0)::int8 AS fen FROM refunds WHERE payment_id = $1 AND status <> 'failed'", [paymentId]);
    if ((refunded?.fen ?? 0) > 0) {
      throw new DomainError('conflict', 'payment_refunded', `该笔缴费已退款 ${((refunded?.fen ?? 0) / 100).toFixed(2)} 元，不能冲正`, `The payment was refunded (${((refunded?.fen ?? 0) / 100).toFixed(2)} yuan); it cannot be reversed`, [
        { field: 'id', zh: '已退款', en: 'already refunded' },
      ]);
    }
    // What the payment's journal credited: principal, late fees and prepaid.
    const legs = await sql.query<{ ledger_account: string; fen: number }>(
      "SELECT ledger_account, sum(credit_fen - debit_fen)::int8 AS fen FROM ledger_entries WHERE journal_id = $1 AND ledger_account IN ('receivable', 'late_fee_receivable', 'prepaid') GROUP BY ledger_account",
      [payment.journal_id],
    );
    const credited = (account: string) => legs.find((leg) => leg.ledger_account === account)?.fen ?? 0;
    const principalFen = credited('receivable');
    const lateFeeFen = credited('late_fee_receivable');
    const restFen = credited('prepaid');
    // The rest went to prepaid; what of it has since settled bills from there is owed on bills again.
    const fromPrepaid = Math.min(restFen, prepaidBalance);
    const receivableFen = principalFen + (restFen - fromPrepaid);
    const journalId = randomUUID();
    await postJournals(sql, who.tenantId, [
      {
        journalId,
        accountId: payment.account_id,
        entryType: 'payment_reversal',
        billId: null,
        businessDate: today,
        postedAt: now,
        description: `冲正 ${payment.receipt_no}（${input.reason}）`,
        legs: [
          { ledgerAccount: CLEARING_ACCOUNT[payment.channel], debitFen: 0, creditFen: payment.amount_fen },
          ...(receivableFen > 0 ? [{ ledgerAccount: 'receivable' as const, debitFen: receivableFen, creditFen: 0 }] : []),
          ...(lateFeeFen > 0 ? [{ ledgerAccount: 'late_fee_receivable' as const, debitFen: lateFeeFen, creditFen: 0 }] : []),
          ...(fromPrepaid > 0 ? [{ ledgerAccount: 'prepaid' as const, debitFen: fromPrepaid, creditFen: 0 }] : []),
        ],
      },
    ]);
    if (fromPrepaid > 0) await sql.query('UPDATE prepaid_balances SET balance_fen = balance_fen - $2, updated_at = $3 WHERE account_id = $1', [payment.account_id, fromPrepaid, now]);
    // A counter payment whose till is still open comes off that till.
    const [openTill] = payment.till_id ? await sql.query<{ id: string }>('SELECT id FROM tills WHERE id = $1 AND closed_at IS NULL FOR UPDATE', [payment.till_id]) : [];
    const [inserted] = await sql.query<{ id: string }>(
      `INSERT INTO payment_reversals (tenant_id, payment_id, account_id, amount_fen, reason, staff_id, till_id, reversed_at, business_date, journal_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [who.tenantId, paymentId, payment.account_id, payment.amount_fen, input.reason, who.staffId, openTill?.id ?? null, now, today, journalId],
    );
    const id = (inserted as { id: string }).id;
    await recordAudit(sql, who.tenantId, who.actor, now, {
      action: 'payment.reverse',
      objectType: 'payment',
      objectId: paymentId,
      customerId: payment.customer_id,
      before: { receiptNo: payment.receipt_no, method: payment.channel, amountFen: payment.amount_fen },
      after: { reversalId: id, reason: input.reason, reopenedPrincipalFen: receivableFen, reopenedLateFeeFen: lateFeeFen, prepaidTakenFen: fromPrepaid, tillId: openTill?.id ?? null },
    });
    const [row] = await sql.query<ReversalRow>(`${REVERSAL_SELECT} WHERE r.id = $1`, [id]);
    return toReversal(row as ReversalRow);
  });
}
