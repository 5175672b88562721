/**
 * 销账: money received settles an account's open bills, oldest first, and what is left becomes its prepaid
 * balance (预存), which later settles new bills by itself. Every step is one ledger journal in the caller's
 * transaction:
 *
 *   payment                 debit cash / channel / bank clearing   credit receivable (settled), late_fee_receivable, prepaid (rest)
 *   settlement from prepaid debit prepaid                          credit receivable, late_fee_receivable
 *
 * Late fees (滞纳金, module collection) are settled after the principal of every open bill: money goes to the
 * bills oldest first, then to the late fees owed, then to prepaid. Before the money moves, the collection
 * module assesses the late fees up to the day before the business day (so a payment of everything owed
 * today leaves no late fee behind), and after it, checks whether the arrears are paid in full
 * (reconnection orders).
 *
 * The prepaid balance is also kept in prepaid_balances, whose row is locked first by every operation on an
 * account's money: concurrent payments and deductions of one account run one after the other, and the
 * table's CHECK makes a negative balance impossible.
 */
import { randomUUID } from 'node:crypto';
import type { Sql } from '../../platform/db/database';
import { nextCounterValue } from '../../platform/db/counters';
import { timeOrderedUuid } from '../../platform/db/ids';
import { DomainError } from '../../platform/errors';
import { systemActor } from '../../platform/audit/audit';
import { standingsOf } from '../bills';
import { setAccountClosure } from '../customers';
import { afterArrearsChange, assessBeforePayment, lateFeesOwedFen } from '../collection';
import { postJournals, type LedgerAccount } from '../ledger';

export const PAYMENT_METHODS = ['wechatpay', 'alipay', 'cash', 'card', 'transfer', 'bank_withholding', 'gov_app'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const COUNTER_METHODS = ['cash', 'card', 'transfer'] as const;
export type CounterMethod = (typeof COUNTER_METHODS)[number];

/** Where the money sits until it reaches the utility's bank account. */
export const CLEARING_ACCOUNT: Record<PaymentMethod, LedgerAccount> = {
  wechatpay: 'channel_clearing',
  alipay: 'channel_clearing',
  gov_app: 'channel_clearing',
  cash: 'cash',
  card: 'bank_clearing',
  transfer: 'bank_clearing',
  bank_withholding: 'bank_clearing',
};

export const METHOD_NAMES: Record<PaymentMethod, { zh: string; en: string }> = {
  wechatpay: { zh: '微信支付', en: 'WeChat Pay' },
  alipay: { zh: '支付宝', en: 'Alipay' },
  cash: { zh: '现金', en: 'Cash' },
  card: { zh: '银行卡', en: 'Bank card' },
  transfer: { zh: '转账', en: 'Bank transfer' },
  bank_withholding: { zh: '银行代扣', en: 'Bank withholding' },
  gov_app: { zh: '政务服务平台', en: 'Government service app' },
};

export interface OpenBill {
  billId: string;
  billNo: string;
  period: string;
  openFen: number;
}

/** Locks the account's prepaid row (creating it at zero) and returns the balance: the per-account money lock. */
export async function lockAccountMoney(sql: Sql, tenantId: string, accountId: string, now: Date): Promise<number> {
  await sql.query('INSERT INTO prepaid_balances (tenant_id, account_id, updated_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [tenantId, accountId, now]);
  const rows = await sql.query<{ balance_fen: number }>('SELECT balance_fen FROM prepaid_balances WHERE account_id = $1 FOR UPDATE', [accountId]);
  return rows[0]?.balance_fen ?? 0;
}

/** What the account owes on bills: the receivable side of its ledger (never below zero). */
export async function receivableFen(sql: Sql, accountId: string): Promise<number> {
  const rows = await sql.query<{ owed: number }>(
    "SELECT coalesce(sum(debit_fen - credit_fen), 0)::int8 AS owed FROM ledger_entries WHERE account_id = $1 AND ledger_account = 'receivable'",
    [accountId],
  );
  const owed = rows[0]?.owed ?? 0;
  return owed > 0 ? owed : 0;
}

/** The account's bills with something left to pay, oldest first (what is owed sits on the newest bills). */
export async function openBills(sql: Sql, accountId: string, today: string): Promise<OpenBill[]> {
  const owed = await receivableFen(sql, accountId);
  if (owed === 0) return [];
  const standings = await standingsOf(sql, accountId, today, owed);
  const rows = await sql.query<{ id: string; bill_no: string; period: string }>(
    "SELECT id, bill_no, period FROM bills WHERE account_id = $1 AND kind = 'regular' ORDER BY period, created_at",
    [accountId],
  );
  const open: OpenBill[] = [];
  for (const row of rows) {
    const outstanding = standings.get(row.id)?.outstandingFen ?? 0;
    if (outstanding > 0) open.push({ billId: row.id, billNo: row.bill_no, period: row.period, openFen: outstanding });
  }
  return open;
}

/** Spreads an amount over open bills oldest first; returns the settlements and what is left over. */
export function allocateOldestFirst(bills: readonly OpenBill[], amountFen: number): { settlements: { billId: string; amountFen: number }[]; restFen: number } {
  const settlements: { billId: string; amountFen: number }[] = [];
  let rest = amountFen;
  for (const bill of bills) {
    if (rest === 0) break;
    const take = bill.openFen < rest ? bill.openFen : rest;
    if (take > 0) settlements.push({ billId: bill.billId, amountFen: take });
    rest -= take;
  }
  return { settlements, restFen: rest };
}

export interface IncomingPayment {
  accountId: string;
  method: PaymentMethod;
  amountFen: number;
  receivedAt: Date;
  businessDate: string;
  orderId?: string | null;
  channelTradeNo?: string | null;
  staffId?: string | null;
  tillId?: string | null;
}

export interface RecordedPayment {
  id: string;
  receiptNo: string;
  allocatedFen: number;
  prepaidFen: number;
  /** What of the amount settled late fees (included in allocatedFen). */
  lateFeeFen: number;
  settlements: { billId: string; amountFen: number }[];
}

/** Receipt numbers: SK + yyyymmdd + a tenant-wide sequence. */
async function nextReceiptNo(sql: Sql, tenantId: string, businessDate: string): Promise<string> {
  const value = await nextCounterValue(sql, tenantId, 'receipt_no', 0);
  return `SK${businessDate.replaceAll('-', '')}${String(value).padStart(8, '0')}`;
}

/**
 * Records money received for an account, in the caller's transaction: the payment row, its ledger journal,
 * the bills it settled (oldest first) and the prepaid rest. Callers make it exactly-once (an order is paid
 * in the same transaction; counter payments carry an idempotency key).
 */
export async function recordPayment(sql: Sql, tenantId: string, input: IncomingPayment): Promise<RecordedPayment> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
    throw new DomainError('validation', 'validation_failed', '金额必须是正整数分', 'The amount must be a positive whole number of fen', [{ field: 'amountFen', zh: '必须大于 0', en: 'must be more than 0' }]);
  }
  await lockAccountMoney(sql, tenantId, input.accountId, input.receivedAt);
  await assessBeforePayment(sql, tenantId, input.accountId, input.businessDate, input.receivedAt);
  const { settlements, restFen: afterBills } = allocateOldestFirst(await openBills(sql, input.accountId, input.businessDate), input.amountFen);
  const lateFeeFen = Math.min(afterBills, await lateFeesOwedFen(sql, input.accountId));
  const restFen = afterBills - lateFeeFen;
  const allocated = input.amountFen - restFen;
  const principal = allocated - lateFeeFen;
  const id = timeOrderedUuid();
  const journalId = randomUUID();
  const receiptNo = await nextReceiptNo(sql, tenantId, input.businessDate);
  const description = `${METHOD_NAMES[input.method].zh}缴费 ${receiptNo}`;
  await postJournals(sql, tenantId, [
    {
      journalId,
      accountId: input.accountId,
      entryType: 'payment',
      billId: null,
      businessDate: input.businessDate,
      postedAt: input.receivedAt,
      description,
      legs: [
        { ledgerAccount: CLEARING_ACCOUNT[input.method], debitFen: input.amountFen, creditFen: 0 },
        ...(principal > 0 ? [{ ledgerAccount: 'receivable' as const, debitFen: 0, creditFen: principal }] : []),
        ...(lateFeeFen > 0 ? [{ ledgerAccount: 'late_fee_receivable' as const, debitFen: 0, creditFen: lateFeeFen }] : []),
        ...(restFen > 0 ? [{ ledgerAccount: 'prepaid' as const, debitFen: 0, creditFen: restFen }] : []),
      ],
    },
  ]);
  await sql.query(
    `INSERT INTO payments (tenant_id, id, receipt_no, account_id, channel, amount_fen, allocated_fen, prepaid_fen, order_id, channel_trade_no, staff_id, till_id, received_at, business_date, journal_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [tenantId, id, receiptNo, input.accountId, input.method, input.amountFen, allocated, restFen, input.orderId ?? null, input.channelTradeNo ?? null, input.staffId ?? null, input.tillId ?? null, input.receivedAt, input.businessDate, journalId],
  );
  await insertSettlements(sql, tenantId, settlements, 'payment', id, input.receivedAt, journalId);
  if (restFen > 0) await sql.query('UPDATE prepaid_balances SET balance_fen = balance_fen + $2, updated_at = $3 WHERE account_id = $1', [input.accountId, restFen, input.receivedAt]);
  await afterArrearsChange(sql, tenantId, input.accountId, input.businessDate, input.receivedAt);
  await closeWhenSettled(sql, tenantId, input.accountId, input.businessDate, input.receivedAt, { receiptNo });
  return { id, receiptNo, allocatedFen: allocated, prepaidFen: restFen, lateFeeFen, settlements };
}

async function insertSettlements(sql: Sql, tenantId: string, settlements: readonly { billId: string; amountFen: number }[], source: 'payment' | 'prepaid', paymentId: string | null, at: Date, journalId: string): Promise<void> {
  if (settlements.length === 0) return;
  await sql.query(
    `INSERT INTO bill_settlements (tenant_id, bill_id, payment_id, source, amount_fen, settled_at, journal_id)
     SELECT $1, s.bill_id, $2, $3, s.amount_fen, $4, $5 FROM unnest($6::uuid[], $7::int8[]) AS s(bill_id, amount_fen)`,
    [tenantId, paymentId, source, at, journalId, settlements.map((item) => item.billId), settlements.map((item) => item.amountFen)],
  );
}

/**
 * Takes `amountFen` from the account's prepaid balance to settle what it owes on bills (oldest first).
 * Refuses, writing nothing, when the balance does not cover it or nothing that large is owed.
 */
export async function deductPrepaid(sql: Sql, tenantId: string, accountId: string, amountFen: number, at: Date, businessDate: string): Promise<{ balanceFen: number; settlements: { billId: string; amountFen: number }[] }> {
  const balance = await lockAccountMoney(sql, tenantId, accountId, at);
  if (!Number.isSafeInteger(amountFen) || amountFen <= 0) {
    throw new DomainError('validation', 'validation_failed', '金额必须是正整数分', 'The amount must be a positive whole number of fen', [{ field: 'amountFen', zh: '必须大于 0', en: 'must be more than 0' }]);
  }
  if (amountFen > balance) {
    throw new DomainError('conflict', 'insufficient_prepaid', `预存余额不足（余额 ${balance} 分）`, `The prepaid balance (${balance} fen) does not cover it`, [{ field: 'amountFen', zh: '超过预存余额', en: 'exceeds the prepaid balance' }]);
  }
  await assessBeforePayment(sql, tenantId, accountId, businessDate, at);
  const { settlements, restFen: afterBills } = allocateOldestFirst(await openBills(sql, accountId, businessDate), amountFen);
  const lateFeeFen = Math.min(afterBills, await lateFeesOwedFen(sql, accountId));
  const restFen = afterBills - lateFeeFen;
  if (restFen > 0) {
    throw new DomainError('conflict', 'nothing_owed', '欠费不足以抵扣该金额', 'Less than that is owed on bills', [{ field: 'amountFen', zh: '超过欠费金额', en: 'exceeds what is owed' }]);
  }
  const journalId = randomUUID();
  await postJournals(sql, tenantId, [
    {
      journalId,
      accountId,
      entryType: 'adjustment',
      billId: null,
      businessDate,
      postedAt: at,
      description: '预存款抵扣水费',
      legs: [
        { ledgerAccount: 'prepaid', debitFen: amountFen, creditFen: 0 },
        ...(amountFen > lateFeeFen ? [{ ledgerAccount: 'receivable' as const, debitFen: 0, creditFen: amountFen - lateFeeFen }] : []),
        ...(lateFeeFen > 0 ? [{ ledgerAccount: 'late_fee_receivable' as const, debitFen: 0, creditFen: lateFeeFen }] : []),
      ],
    },
  ]);
  await insertSettlements(sql, tenantId, settlements, 'prepaid', null, at, journalId);
  const rows = await sql.query<{ balance_fen: number }>('UPDATE prepaid_balances SET balance_fen = balance_fen - $2, updated_at = $3 WHERE account_id = $1 RETURNING balance_fen', [accountId, amountFen, at]);
  await afterArrearsChange(sql, tenantId, accountId, businessDate, at);
  await closeWhenSettled(sql, tenantId, accountId, businessDate, at, { settledFromPrepaidFen: amountFen });
  return { balanceFen: rows[0]?.balance_fen ?? 0, settlements };
}

/**
 * 销户: an account whose meter was removed waits in 'closing' until its final bill is settled (applications,
 * removal). The payment or prepaid deduction that leaves nothing owed on its bills and late fees closes it,
 * in the same transaction, on the payment's business day. Any money left over stays in its prepaid balance,
 * to be refunded (refunds.ts) — closing never takes it.
 */
async function closeWhenSettled(sql: Sql, tenantId: string, accountId: string, businessDate: string, at: Date, reference: Record<string, unknown>): Promise<void> {
  const [account] = await sql.query<{ status: string }>('SELECT status FROM accounts WHERE id = $1', [accountId]);
  if (account?.status !== 'closing') return;
  if ((await receivableFen(sql, accountId)) > 0 || (await lateFeesOwedFen(sql, accountId)) > 0) return;
  await setAccountClosure(sql, tenantId, { accountId, status: 'closed', closedOn: businessDate, reference: { ...reference, finalBillSettled: true } }, systemActor('销户 account closure'), at);
}

/**
 * Settles what the account owes from its prepaid balance, as far as it goes (after a bill is issued, or a
 * payment). Returns the amount moved (0 when there is no balance or nothing owed).
 */
export async function settleFromPrepaid(sql: Sql, tenantId: string, accountId: string, at: Date, businessDate: string): Promise<number> {
  const balance = await lockAccountMoney(sql, tenantId, accountId, at);
  if (balance === 0) return 0;
  // Principal on bills and late fees (assessed up to date first): both are settled from the prepaid balance.
  await assessBeforePayment(sql, tenantId, accountId, businessDate, at);
  const owed = (await receivableFen(sql, accountId)) + (await lateFeesOwedFen(sql, accountId));
  const amount = balance < owed ? balance : owed;
  if (amount === 0) return 0;
  await deductPrepaid(sql, tenantId, accountId, amount, at, businessDate);
  return amount;
}
