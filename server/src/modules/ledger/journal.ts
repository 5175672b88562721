import { randomUUID } from 'node:crypto';
import { copyRows, insertMany, type BulkColumn } from '../../platform/db/bulk';
import type { Database, Sql } from '../../platform/db/database';
import { timeOrderedUuid } from '../../platform/db/ids';
import { DomainError } from '../../platform/errors';

export const LEDGER_ACCOUNTS = [
  'receivable',
  'prepaid',
  'water_revenue',
  'sewage_fee_payable',
  'resource_fee_payable',
  'fixed_charge_revenue',
  'late_fee_revenue',
  // Late fees owed (滞纳金, migration 0022): kept apart from receivable, which is the bills' principal.
  'late_fee_receivable',
  'cash',
  'channel_clearing',
  'bank_clearing',
  'write_off_expense',
  'adjustment',
  // Fees for services, e.g. a calibration test found within tolerance (校表检定费, migration 0038).
  'service_fee_revenue',
] as const;
export type LedgerAccount = (typeof LEDGER_ACCOUNTS)[number];

// payment_reversal (migration 0027): a supervisor's reversal (冲正) of a mistaken payment, the mirror of its journal.
export const ENTRY_TYPES = ['bill', 'credit_note', 'debit_note', 'payment', 'refund', 'late_fee', 'adjustment', 'prepaid_topup', 'write_off', 'payment_reversal'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

export interface Leg {
  ledgerAccount: LedgerAccount;
  debitFen: number;
  creditFen: number;
  /**
   * The customer account, bill and text of this leg where they are not the journal's: a billing chunk's
   * journal posts each bill's receivable to its own account and bill, and its revenue once for the chunk.
   */
  accountId?: string | null;
  billId?: string | null;
  description?: string;
}

/** What is owed by or held for a customer: a leg on one of these always names the customer account. */
export const CUSTOMER_LEDGER_ACCOUNTS: readonly LedgerAccount[] = ['receivable', 'prepaid', 'late_fee_receivable'];

/**
 * One posting: legs whose debits equal their credits, for one customer account, or (accountId null) for
 * the utility's books with each customer leg naming its own account.
 */
export interface Journal {
  /** Given when the caller links the journal to its own records (a payment); else a new id. */
  journalId?: string;
  accountId: string | null;
  entryType: EntryType;
  billId: string | null;
  businessDate: string;
  postedAt: Date;
  description: string;
  legs: Leg[];
}

/** Refuses a journal that does not balance, has no legs, or has a leg that is not a single positive side. */
export function checkJournal(journal: Journal): void {
  let debits = 0;
  let credits = 0;
  for (const leg of journal.legs) {
    const isOneSided = (leg.debitFen === 0) !== (leg.creditFen === 0);
    if (!Number.isSafeInteger(leg.debitFen) || !Number.isSafeInteger(leg.creditFen) || leg.debitFen < 0 || leg.creditFen < 0 || !isOneSided) {
      throw new DomainError('validation', 'ledger_leg_invalid', '记账分录金额无效', 'A ledger leg must be a whole number of fen on exactly one side');
    }
    const account = leg.accountId !== undefined ? leg.accountId : journal.accountId;
    if (account === null && CUSTOMER_LEDGER_ACCOUNTS.includes(leg.ledgerAccount)) {
      throw new DomainError('validation', 'ledger_leg_invalid', '应收、预存和滞纳金分录必须指明用户账户', `A ${leg.ledgerAccount} leg must name the customer account`);
    }
    debits += leg.debitFen;
    credits += leg.creditFen;
  }
  if (journal.legs.length < 2 || debits !== credits) {
    throw new DomainError('validation', 'journal_unbalanced', `借贷不平衡（借 ${debits} 分，贷 ${credits} 分）`, `Journal does not balance (debit ${debits} fen, credit ${credits} fen)`);
  }
}

const LEDGER_ENTRY_COLUMNS: BulkColumn[] = [
  { name: 'tenant_id', type: 'uuid' },
  { name: 'journal_id', type: 'uuid' },
  { name: 'account_id', type: 'uuid' },
  { name: 'ledger_account', type: 'text' },
  { name: 'entry_type', type: 'text' },
  { name: 'debit_fen', type: 'int8' },
  { name: 'credit_fen', type: 'int8' },
  { name: 'bill_id', type: 'uuid' },
  { name: 'business_date', type: 'date' },
  { name: 'posted_at', type: 'timestamptz' },
  { name: 'description', type: 'text' },
];

/** The ledger_entries rows of checked journals, one per leg; with `newId`, entry ids too (first column). */
function entryRows(tenantId: string, journals: readonly Journal[], newId?: () => string): unknown[][] {
  const rows: unknown[][] = [];
  for (const journal of journals) {
    checkJournal(journal);
    const journalId = journal.journalId ?? (newId ? newId() : randomUUID());
    for (const leg of journal.legs) {
      const accountId = leg.accountId !== undefined ? leg.accountId : journal.accountId;
      const billId = leg.billId !== undefined ? leg.billId : journal.billId;
      const row = [tenantId, journalId, accountId, leg.ledgerAccount, journal.entryType, leg.debitFen, leg.creditFen, billId, journal.businessDate, journal.postedAt, leg.description ?? journal.description];
      rows.push(newId ? [newId(), ...row] : row);
    }
  }
  return rows;
}

/**
 * Appends journals in the caller's transaction, set-based (one statement per few thousand legs), so a
 * billing run can post a million bills. Entries are never updated or deleted (the table refuses it).
 */
export async function postJournals(sql: Sql, tenantId: string, journals: readonly Journal[]): Promise<void> {
  await insertMany(sql, 'ledger_entries', LEDGER_ENTRY_COLUMNS, entryRows(tenantId, journals), 5000);
}

/**
 * postJournals for large batches (a billing run's chunk): the same checks and rows, written with COPY
 * (copyRows), with time-ordered ids.
 */
export async function postJournalsBulk(db: Database, sql: Sql, tenantId: string, journals: readonly Journal[]): Promise<void> {
  // Time-ordered ids: a batch's entries and journals append to their indexes rather than scatter.
  await copyRows(db, sql, 'ledger_entries', [{ name: 'id', type: 'uuid' }, ...LEDGER_ENTRY_COLUMNS], entryRows(tenantId, journals, timeOrderedUuid));
}

/** What the customer owes on an account (positive) or has in credit (negative): receivable minus prepaid. */
export async function accountBalanceFen(sql: Sql, accountId: string): Promise<number> {
  const rows = await sql.query<{ balance: number }>(
    `SELECT coalesce(sum(CASE WHEN ledger_account = 'receivable' THEN debit_fen - credit_fen
                              WHEN ledger_account = 'prepaid' THEN debit_fen - credit_fen ELSE 0 END), 0)::int8 AS balance
     FROM ledger_entries WHERE account_id = $1`,
    [accountId],
  );
  return rows[0]?.balance ?? 0;
}
