/**
 * 银行代扣: customers sign a mandate that lets the utility debit their bank account; the utility sends each
 * bank a batch of debits in that bank's file format (files/ adapters) and imports the bank's result file.
 * Every success becomes exactly one payment (recordPayment, method bank_withholding); failures keep the
 * bank's code and reason. Bank account numbers are sensitive personal information: encrypted at rest,
 * masked in every answer, and the full value leaves the server only through an audited reveal or the
 * (audited) download of a batch file, which the bank needs.
 */
import { createHash } from 'node:crypto';
import { recordAudit, systemActor, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { nextCounterValue } from '../../platform/db/counters';
import { DomainError, notFound } from '../../platform/errors';
import { addDays, lateFeesDueFen, waiveDaysAwaitingPayment } from '../collection';
import { businessDate } from '../customers';
import { findTenantById, loadTenantSettings } from '../tenancy';
import { todayOf } from './counter';
import { FileRejected, findWithholdingAdapter, type RowError, type WithholdingAdapter, type WithholdingBatch, type WithholdingResult } from './files';
import { recordPayment } from './settlement';

export const DEFAULT_WITHHOLDING_ADAPTER = 'shuiwu-generic-v1';

const MANDATE = { zh: '代扣协议', en: 'Withholding mandate' };
const BATCH = { zh: '代扣批次', en: 'Withholding batch' };

/** 6222021234567890123 → 6222 **** **** 0123: the first and last four digits only. */
export function maskBankAccount(accountNo: string): string {
  if (accountNo.length <= 8) return '*'.repeat(accountNo.length);
  return `${accountNo.slice(0, 4)} **** **** ${accountNo.slice(-4)}`;
}

export interface Mandate {
  id: string;
  accountId: string;
  accountNo: string;
  bankCode: string;
  bankAccountMasked: string;
  holderName: string;
  signedOn: string;
  status: 'active' | 'cancelled';
  createdAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
}

export interface NewMandate {
  accountId: string;
  bankCode: string;
  bankAccountNo: string;
  holderName: string;
  signedOn: string;
}

interface MandateRow {
  id: string;
  account_id: string;
  account_no: string;
  bank_code: string;
  bank_account_masked: string;
  holder_name: string;
  signed_on: string;
  status: 'active' | 'cancelled';
  created_at: Date;
  cancelled_at: Date | null;
  cancel_reason: string | null;
}

const MANDATE_SELECT = `SELECT m.id, m.account_id, a.account_no, m.bank_code, m.bank_account_masked, m.holder_name, m.signed_on, m.status,
    m.created_at, m.cancelled_at, m.cancel_reason
  FROM withholding_mandates m JOIN accounts a ON a.id = m.account_id`;

const toMandate = (row: MandateRow): Mandate => ({
  id: row.id,
  accountId: row.account_id,
  accountNo: row.account_no,
  bankCode: row.bank_code,
  bankAccountMasked: row.bank_account_masked,
  holderName: row.holder_name,
  signedOn: row.signed_on,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  cancelledAt: row.cancelled_at?.toISOString() ?? null,
  cancelReason: row.cancel_reason,
});

async function mandateById(sql: Sql, id: string): Promise<Mandate> {
  const rows = await sql.query<MandateRow>(`${MANDATE_SELECT} WHERE m.id = $1`, [id]);
  if (!rows[0]) throw notFound(MANDATE);
  return toMandate(rows[0]);
}

/**
 * Records a signed mandate. An account has one active mandate: a new signed form supersedes the active one
 * (cancelled with the reason "superseded"), both in one transaction and both audited.
 */
export async function createMandate(context: PlatformContext, tenantId: string, input: NewMandate, actor: Actor): Promise<Mandate> {
  const today = await todayOf(context, tenantId);
  if (input.signedOn > today) {
    throw new DomainError('validation', 'validation_failed', '签约日期不能晚于今天', 'The signing date cannot be in the future', [{ field: 'signedOn', zh: '不能晚于今天', en: 'cannot be after today' }]);
  }
  return context.db.withTenant(tenantId, async (sql) => {
    const accounts = await sql.query<{ status: string; customer_id: string }>('SELECT status, customer_id FROM accounts WHERE id = $1 FOR UPDATE', [input.accountId]);
    const account = accounts[0];
    if (!account) throw notFound({ zh: '账户', en: 'Account' });
    if (account.status === 'closed') {
      throw new DomainError('conflict', 'account_closed', '账户已销户，不能签约代扣', 'The account is closed; no mandate can be signed for it', [{ field: 'accountId', zh: '已销户', en: 'is closed' }]);
    }
    const now = context.clock.now();
    const superseded = await sql.query<{ id: string }>(
      "UPDATE withholding_mandates SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'superseded' WHERE account_id = $1 AND status = 'active' RETURNING id",
      [input.accountId, now],
    );
    for (const old of superseded) {
      await recordAudit(sql, tenantId, actor, now, { action: 'withholding_mandate.cancel', objectType: 'withholding_mandate', objectId: old.id, customerId: account.customer_id, after: { status: 'cancelled', reason: 'superseded' } });
    }
    const masked = maskBankAccount(input.bankAccountNo);
    const rows = await sql.query<{ id: string }>(
      `INSERT INTO withholding_mandates (tenant_id, account_id, bank_code, bank_account_encrypted, bank_account_blind_index, bank_account_masked, holder_name, signed_on, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [tenantId, input.accountId, input.bankCode, context.cipher.encrypt(input.bankAccountNo), context.cipher.blindIndex(input.bankAccountNo), masked, input.holderName, input.signedOn, now],
    );
    const id = (rows[0] as { id: string }).id;
    await recordAudit(sql, tenantId, actor, now, {
      action: 'withholding_mandate.create',
      objectType: 'withholding_mandate',
      objectId: id,
      customerId: account.customer_id,
      after: { accountId: input.accountId, bankCode: input.bankCode, bankAccountMasked: masked, holderName: input.holderName, signedOn: input.signedOn },
    });
    return mandateById(sql, id);
  });
}

export async function listMandates(context: PlatformContext, tenantId: string, filter: { accountId?: string | undefined; status?: 'active' | 'cancelled' | undefined; limit: number }): Promise<Mandate[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<MandateRow>(
      `${MANDATE_SELECT} WHERE ($1::uuid IS NULL OR m.account_id = $1) AND ($2::text IS NULL OR m.status = $2) ORDER BY m.created_at DESC, m.status = 'active' DESC, m.id LIMIT $3`,
      [filter.accountId ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map(toMandate);
  });
}

export async function cancelMandate(context: PlatformContext, tenantId: string, id: string, reason: string | undefined, actor: Actor): Promise<Mandate> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ status: string; customer_id: string }>(
      'SELECT m.status, a.customer_id FROM withholding_mandates m JOIN accounts a ON a.id = m.account_id WHERE m.id = $1 FOR UPDATE OF m',
      [id],
    );
    const row = rows[0];
    if (!row) throw notFound(MANDATE);
    if (row.status !== 'active') throw new DomainError('conflict', 'mandate_cancelled', '该代扣协议已解约', 'The mandate is already cancelled', []);
    const now = context.clock.now();
    await sql.query("UPDATE withholding_mandates SET status = 'cancelled', cancelled_at = $2, cancel_reason = $3 WHERE id = $1", [id, now, reason ?? null]);
    await recordAudit(sql, tenantId, actor, now, { action: 'withholding_mandate.cancel', objectType: 'withholding_mandate', objectId: id, customerId: row.customer_id, after: { status: 'cancelled', reason: reason ?? null } });
    return mandateById(sql, id);
  });
}

/** The full bank account number of a mandate; every reveal is written to the audit log. */
export async function revealMandateBankAccount(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<string> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ bank_account_encrypted: Uint8Array; bank_account_masked: string; customer_id: string }>(
      'SELECT m.bank_account_encrypted, m.bank_account_masked, a.customer_id FROM withholding_mandates m JOIN accounts a ON a.id = m.account_id WHERE m.id = $1',
      [id],
    );
    const row = rows[0];
    if (!row) throw notFound(MANDATE);
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'withholding_mandate.reveal.bankAccount',
      objectType: 'withholding_mandate',
      objectId: id,
      customerId: row.customer_id,
      after: { field: 'bankAccountNo', masked: row.bank_account_masked },
    });
    return context.cipher.decrypt(row.bank_account_encrypted);
  });
}

// ---- batches ----

export interface BatchSummary {
  id: string;
  batchNo: string;
  bankCode: string;
  adapterId: string;
  utilityCode: string;
  createdOn: string;
  status: 'sent' | 'completed' | 'expired';
  itemCount: number;
  totalFen: number;
  successCount: number;
  successFen: number;
  failedCount: number;
  failedFen: number;
  createdAt: string;
  createdBy: string;
  resultImportedAt: string | null;
  expiredAt: string | null;
}

export interface BatchItem {
  sequence: number;
  mandateId: string;
  accountId: string;
  accountNo: string;
  holderName: string;
  bankAccountMasked: string;
  amountFen: number;
  billRef: string;
  status: 'sent' | 'succeeded' | 'failed' | 'expired';
  failureCode: string | null;
  failureReason: string | null;
  bankRef: string | null;
  settledOn: string | null;
  paymentId: string | null;
  receiptNo: string | null;
}

export interface BatchDetail extends BatchSummary {
  items: BatchItem[];
}

interface BatchRow {
  id: string;
  batch_no: string;
  bank_code: string;
  adapter_id: string;
  utility_code: string;
  created_on: string;
  status: 'sent' | 'completed' | 'expired';
  item_count: number;
  total_fen: number;
  success_count: number;
  success_fen: number;
  failed_count: number;
  failed_fen: number;
  created_at: Date;
  created_by: string;
  result_imported_at: Date | null;
  result_file_sha256: Uint8Array | null;
  expired_at: Date | null;
}

const BATCH_COLUMNS = `id, batch_no, bank_code, adapter_id, utility_code, created_on, status, item_count, total_fen, success_count, success_fen, failed_count, failed_fen,
  created_at, created_by, result_imported_at, result_file_sha256, expired_at`;

const toBatchSummary = (row: BatchRow): BatchSummary => ({
  id: row.id,
  batchNo: row.batch_no,
  bankCode: row.bank_code,
  adapterId: row.adapter_id,
  utilityCode: row.utility_code,
  createdOn: row.created_on,
  status: row.status,
  itemCount: row.item_count,
  totalFen: row.total_fen,
  successCount: row.success_count,
  successFen: row.success_fen,
  failedCount: row.failed_count,
  failedFen: row.failed_fen,
  createdAt: row.created_at.toISOString(),
  createdBy: row.created_by,
  resultImportedAt: row.result_imported_at?.toISOString() ?? null,
  expiredAt: row.expired_at?.toISOString() ?? null,
});

interface ItemRow {
  sequence: number;
  mandate_id: string;
  account_id: string;
  account_no: string;
  holder_name: string;
  bank_account_masked: string;
  bank_account_encrypted: Uint8Array;
  amount_fen: number;
  bill_ref: string;
  status: 'sent' | 'succeeded' | 'failed' | 'expired';
  failure_code: string | null;
  failure_reason: string | null;
  bank_ref: string | null;
  settled_on: string | null;
  payment_id: string | null;
  receipt_no: string | null;
  /** The last day whose late fees the amount carried (null for items made before migration 0047). */
  late_fees_through: string | null;
}

async function itemsOf(sql: Sql, batchId: string): Promise<ItemRow[]> {
  return sql.query<ItemRow>(
    `SELECT i.sequence, i.mandate_id, i.account_id, a.account_no, m.holder_name, m.bank_account_masked, m.bank_account_encrypted, i.amount_fen, i.bill_ref, i.status,
       i.failure_code, i.failure_reason, i.bank_ref, i.settled_on, i.payment_id, p.receipt_no, i.late_fees_through::text AS late_fees_through
     FROM withholding_items i JOIN accounts a ON a.id = i.account_id JOIN withholding_mandates m ON m.id = i.mandate_id LEFT JOIN payments p ON p.id = i.payment_id
     WHERE i.batch_id = $1 ORDER BY i.sequence`,
    [batchId],
  );
}

const toItem = (row: ItemRow): BatchItem => ({
  sequence: row.sequence,
  mandateId: row.mandate_id,
  accountId: row.account_id,
  accountNo: row.account_no,
  holderName: row.holder_name,
  bankAccountMasked: row.bank_account_masked,
  amountFen: row.amount_fen,
  billRef: row.bill_ref,
  status: row.status,
  failureCode: row.failure_code,
  failureReason: row.failure_reason,
  bankRef: row.bank_ref,
  settledOn: row.settled_on,
  paymentId: row.payment_id,
  receiptNo: row.receipt_no,
});

async function batchRow(sql: Sql, id: string, forUpdate = false): Promise<BatchRow> {
  const rows = await sql.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM withholding_batches WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(BATCH);
  return rows[0];
}

async function detailOf(sql: Sql, id: string): Promise<BatchDetail> {
  const row = await batchRow(sql, id);
  return { ...toBatchSummary(row), items: (await itemsOf(sql, id)).map(toItem) };
}

/** The batch as the adapter sees it, with the full bank account numbers (decrypted here, never returned). */
function adapterBatch(context: PlatformContext, row: BatchRow, items: readonly ItemRow[]): WithholdingBatch {
  return {
    batchNo: row.batch_no,
    utilityCode: row.utility_code,
    createdOn: row.created_on,
    items: items.map((item) => ({
      sequence: item.sequence,
      accountNo: item.account_no,
      bankAccountNo: context.cipher.decrypt(item.bank_account_encrypted),
      holderName: item.holder_name,
      amountFen: item.amount_fen,
      billRef: item.bill_ref,
    })),
  };
}

function adapterOf(id: string): WithholdingAdapter {
  const adapter = findWithholdingAdapter(id);
  if (!adapter) throw new DomainError('validation', 'validation_failed', `没有文件格式“${id}”`, `No file format "${id}"`, [{ field: 'adapterId', zh: '未知的文件格式', en: 'unknown file format' }]);
  return adapter;
}

/** A file's row problems as field problems of the one error shape (row 0: the file as a whole). */
const rowProblems = (errors: readonly RowError[]) => errors.map((error) => ({ field: error.row > 0 ? `row ${error.row}: ${error.field}` : error.field, zh: error.zh, en: error.en }));

/** The utility's code at the bank when none is given: its tenant code in capitals without hyphens. */
const defaultUtilityCode = (tenantCode: string) => tenantCode.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 20) || 'SHUIWU';

export interface NewBatch {
  bankCode: string;
  adapterId?: string | undefined;
  utilityCode?: string | undefined;
}

/**
 * Collects every active mandate of the bank whose account owes something — on bills, and in late fees brought
 * up to date — and has not already been asked for it in a batch awaiting its result (owed − pending items),
 * into a new batch with one item per account (status 'sent'). The file is encoded once here, so a batch the
 * bank's format cannot carry (e.g. a name outside GBK) is refused naming the item, and nothing is written.
 *
 * Set-based: the batch and all its items are written by one INSERT … SELECT over the bank's mandates, the
 * ledger and the pending items, whatever the number of accounts. Only the accounts whose late fees are not up
 * to date (the daily collection run's own test: principal past due and grace, fees accrued but not posted, or
 * principal changed after the last accrual) have their fees brought up to date one by one first, because the
 * accrual charges each day on the principal of that day (collection/late-fees.ts); their totals join the
 * statement as an array.
 */
export async function createBatch(context: PlatformContext, tenant: { id: string; code: string }, input: NewBatch, actor: Actor): Promise<BatchDetail> {
  const adapterId = input.adapterId ?? DEFAULT_WITHHOLDING_ADAPTER;
  const adapter = adapterOf(adapterId);
  const today = await todayOf(context, tenant.id);
  const utilityCode = input.utilityCode ?? defaultUtilityCode(tenant.code);
  return context.db.withTenant(tenant.id, async (sql) => {
    // The mandate rows' locks order concurrent batch creation for the same accounts.
    await sql.query(
      `SELECT count(*) FROM (SELECT m.id FROM withholding_mandates m JOIN accounts a ON a.id = m.account_id
         WHERE m.bank_code = $1 AND m.status = 'active' AND a.status <> 'closed' ORDER BY a.account_no FOR UPDATE OF m) locked`,
      [input.bankCode],
    );
    const settings = (await loadTenantSettings(sql)).collection;
    const behind = await sql.query<{ account_id: string }>(
      `WITH chosen AS (SELECT m.account_id FROM withholding_mandates m JOIN accounts a ON a.id = m.account_id WHERE m.bank_code = $1 AND m.status = 'active' AND a.status <> 'closed')
       SELECT b.account_id FROM bills b JOIN chosen c ON c.account_id = b.account_id WHERE b.kind = 'regular' AND b.due_on < $2::date - $3::int GROUP BY b.account_id
       HAVING (SELECT coalesce(sum(e.debit_fen - e.credit_fen), 0) FROM ledger_entries e WHERE e.account_id = b.account_id AND e.ledger_account = 'receivable')
            > (SELECT coalesce(sum(greatest(r.total_fen + coalesce((SELECT sum(n.total_fen) FROM bills n WHERE n.adjusts_bill_id = r.id), 0), 0)), 0)
               FROM bills r WHERE r.account_id = b.account_id AND r.kind = 'regular' AND r.due_on >= $2::date - $3::int)
       UNION
       SELECT l.account_id FROM late_fee_accruals l JOIN chosen c ON c.account_id = l.account_id
       WHERE least(floor((l.basis + 5000) / 10000), floor(l.cap_base_fen * $4::numeric / 100)) > l.posted_fen
          OR (l.accrued_through < $2::date - 1
              AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.account_id = l.account_id AND e.ledger_account = 'receivable' AND e.business_date > l.accrued_through))`,
      [input.bankCode, today, settings.lateFeeGraceDays, settings.lateFeeCapPercent],
    );
    const feesOf: { accountIds: string[]; feeFen: number[] } = { accountIds: [], feeFen: [] };
    for (const { account_id: accountId } of behind) {
      feesOf.accountIds.push(accountId);
      feesOf.feeFen.push(await lateFeesDueFen(sql, tenant.id, accountId, today, settings));
    }
    const serial = await nextCounterValue(sql, tenant.id, 'withholding_batch_no', 0);
    const batchNo = `WH${today.replaceAll('-', '')}${String(serial).padStart(6, '0')}`;
    const now = context.clock.now();
    const [created] = await sql.query<{ id: string | null; item_count: number; total_fen: number }>(
      `WITH chosen AS (
         SELECT m.id AS mandate_id, m.account_id, a.account_no FROM withholding_mandates m JOIN accounts a ON a.id = m.account_id
         WHERE m.bank_code = $3 AND m.status = 'active' AND a.status <> 'closed'
       ),
       -- As collection/open-bills.ts: what an account owes on bills sits on its newest bills.
       owed AS (
         SELECT e.account_id,
           greatest(coalesce(sum(e.debit_fen - e.credit_fen) FILTER (WHERE e.ledger_account = 'receivable'), 0), 0)::int8 AS principal,
           greatest(coalesce(sum(e.debit_fen - e.credit_fen) FILTER (WHERE e.ledger_account = 'late_fee_receivable'), 0), 0)::int8 AS fees
         FROM ledger_entries e JOIN chosen c ON c.account_id = e.account_id
         WHERE e.ledger_account IN ('receivable', 'late_fee_receivable') GROUP BY e.account_id
       ),
       nets AS (
         SELECT r.id AS bill_id, r.bill_no, r.period, r.account_id, r.created_at, greatest(r.total_fen + coalesce(n.total, 0), 0)::int8 AS net
         FROM bills r JOIN owed o ON o.account_id = r.account_id AND o.principal > 0
         LEFT JOIN LATERAL (SELECT sum(total_fen) AS total FROM bills x WHERE x.adjusts_bill_id = r.id) n ON true
         WHERE r.kind = 'regular'
       ),
       open_bills AS (
         SELECT b.*, greatest(least(b.net, o.principal - coalesce(sum(b.net) OVER (PARTITION BY b.account_id ORDER BY b.period DESC, b.created_at DESC
             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)), 0)::int8 AS open_fen
         FROM nets b JOIN owed o ON o.account_id = b.account_id
       ),
       pending AS (
         SELECT i.account_id, sum(i.amount_fen)::int8 AS fen FROM withholding_items i JOIN chosen c ON c.account_id = i.account_id WHERE i.status = 'sent' GROUP BY i.account_id
       ),
       -- What pending batches ask for covers the oldest bills first: a bill is still to ask for when the
       -- running total through it (oldest first) exceeds what is pending.
       running AS (
         SELECT ob.account_id, ob.bill_no, ob.open_fen,
           sum(ob.open_fen) OVER (PARTITION BY ob.account_id ORDER BY ob.period, ob.created_at ROWS UNBOUNDED PRECEDING)::int8 AS through_fen
         FROM open_bills ob WHERE ob.open_fen > 0
       ),
       bills_left AS (
         SELECT r.account_id, sum(r.open_fen)::int8 AS principal_fen, count(*) FILTER (WHERE r.through_fen > coalesce(p.fen, 0))::int AS bill_count,
           (array_agg(r.bill_no ORDER BY r.through_fen) FILTER (WHERE r.through_fen > coalesce(p.fen, 0)))[1] AS first_bill_no
         FROM running r LEFT JOIN pending p ON p.account_id = r.account_id GROUP BY r.account_id
       ),
       fees_brought_up AS (SELECT * FROM unnest($9::uuid[], $10::int8[]) AS f(account_id, fen)),
       asked AS (
         SELECT c.mandate_id, c.account_id, c.account_no, bl.bill_count, bl.first_bill_no,
           greatest(coalesce(bl.principal_fen, 0) + coalesce(f.fen, o.fees, 0) - coalesce(p.fen, 0), 0)::int8 AS amount_fen
         FROM chosen c LEFT JOIN bills_left bl ON bl.account_id = c.account_id LEFT JOIN owed o ON o.account_id = c.account_id
           LEFT JOIN fees_brought_up f ON f.account_id = c.account_id LEFT JOIN pending p ON p.account_id = c.account_id
       ),
       items AS (SELECT asked.*, row_number() OVER (ORDER BY asked.account_no)::int AS sequence FROM asked WHERE amount_fen > 0),
       batch AS (
         INSERT INTO withholding_batches (tenant_id, batch_no, bank_code, adapter_id, utility_code, created_on, item_count, total_fen, created_at, created_by)
         SELECT $1, $2, $3, $4, $5, $6, count(*), sum(amount_fen), $7, $8 FROM items HAVING count(*) > 0 RETURNING id, item_count, total_fen
       ),
       -- The late fees asked for reach the day before the batch day, or the day before another debit or an online
       -- order of the account still awaiting its money was made (as lateFeesDueFen's accrual, and an online order's
       -- late_fees_through): a debit that succeeds waives the days after it. The statement's snapshot does not
       -- hold this batch's own items.
       inserted AS (
         INSERT INTO withholding_items (tenant_id, batch_id, sequence, mandate_id, account_id, amount_fen, bill_ref, late_fees_through)
         SELECT $1, batch.id, i.sequence, i.mandate_id, i.account_id, i.amount_fen,
           left(CASE WHEN i.first_bill_no IS NULL THEN 'LATEFEE' WHEN i.bill_count > 1 THEN i.first_bill_no || '+' || (i.bill_count - 1) ELSE i.first_bill_no END, 40),
           late_fees_held_through(i.account_id, $6::date - 1)
         FROM items i CROSS JOIN batch RETURNING 1
       )
       SELECT (SELECT id FROM batch) AS id, (SELECT item_count FROM batch) AS item_count, (SELECT total_fen FROM batch)::int8 AS total_fen, (SELECT count(*) FROM inserted)::int AS inserted`,
      [tenant.id, batchNo, input.bankCode, adapterId, utilityCode, today, now, actor.name, feesOf.accountIds, feesOf.feeFen],
    );
    const batchId = created?.id;
    if (!created || !batchId) {
      throw new DomainError('conflict', 'nothing_to_withhold', '该银行没有需要代扣的账户（无有效协议或无欠费）', 'No account of this bank has an active mandate and something owed that is not already in a batch', [
        { field: 'bankCode', zh: '无可代扣的账户', en: 'nothing to withhold' },
      ]);
    }
    // Encoded once now (and thrown away): a batch the format cannot carry rolls back with everything above.
    const row = await batchRow(sql, batchId);
    try {
      adapter.encodeBatch(adapterBatch(context, row, await itemsOf(sql, batchId)));
    } catch (error) {
      if (error instanceof FileRejected) {
        throw new DomainError('validation', 'batch_not_encodable', '该批次无法写成银行文件', "The batch cannot be written in the bank's file format", rowProblems(error.errors));
      }
      throw error;
    }
    await recordAudit(sql, tenant.id, actor, now, {
      action: 'withholding_batch.create',
      objectType: 'withholding_batch',
      objectId: batchId,
      after: { batchNo, bankCode: input.bankCode, adapterId, items: created.item_count, totalFen: created.total_fen },
    });
    return detailOf(sql, batchId);
  });
}

export async function listBatches(context: PlatformContext, tenantId: string, limit: number): Promise<BatchSummary[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<BatchRow>(`SELECT ${BATCH_COLUMNS} FROM withholding_batches ORDER BY created_at DESC, batch_no DESC LIMIT $1`, [limit]);
    return rows.map(toBatchSummary);
  });
}

export async function getBatch(context: PlatformContext, tenantId: string, id: string): Promise<BatchDetail> {
  return context.db.withTenant(tenantId, (sql) => detailOf(sql, id));
}

/** The request file for the bank (full bank account numbers inside): every download is audited. */
export async function batchFile(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<{ fileName: string; bytes: Buffer }> {
  return context.db.withTenant(tenantId, async (sql) => {
    const row = await batchRow(sql, id);
    const file = adapterOf(row.adapter_id).encodeBatch(adapterBatch(context, row, await itemsOf(sql, id)));
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'withholding_batch.download', objectType: 'withholding_batch', objectId: id, after: { batchNo: row.batch_no, fileName: file.fileName } });
    return file;
  });
}

export interface ResultImport {
  batch: BatchDetail;
  /** Items whose result was applied by this file. */
  applied: number;
  /** Items that already had this result (a file imported again). */
  unchanged: number;
}

const sameOutcome = (item: ItemRow, result: WithholdingResult) =>
  (item.status === 'succeeded' ? 'success' : 'failed') === result.status && (result.status === 'failed' ? item.failure_code === result.failureCode : item.bank_ref === result.bankRef);

/**
 * Imports the bank's result file: the adapter reads it against the batch (any problem: 400 with every one,
 * nothing written); each success becomes one payment, each failure keeps the bank's code and reason. An item
 * that already has its result is left alone when the file says the same (a file imported again changes
 * nothing) and refused when it says otherwise (409, nothing written).
 */
export async function importBatchResult(context: PlatformContext, tenantId: string, id: string, bytes: Buffer, actor: Actor): Promise<ResultImport> {
  return context.db.withTenant(tenantId, async (sql) => {
    const row = await batchRow(sql, id, true);
    if (row.status === 'expired') {
      const tenant = await findTenantById(context, tenantId);
      const expiredOn = row.expired_at ? businessDate(row.expired_at, tenant?.timeZone ?? 'Asia/Shanghai') : '';
      throw new DomainError(
        'conflict',
        'batch_expired',
        `代扣批次 ${row.batch_no} 已过期（${expiredOn} 过期，回盘文件未在规定天数内导入），其账单已释放给其他缴费渠道，不能再导入回盘；如银行确已扣款，请按银行流水另行入账或退款`,
        `Withholding batch ${row.batch_no} expired on ${expiredOn} (no result file was imported in time); its bills were released to other channels, so no result file can be imported for it. If the bank did debit, record or refund the money from the bank's statement`,
        [{ field: 'id', zh: '批次已过期', en: 'the batch has expired' }],
      );
    }
    const items = await itemsOf(sql, id);
    const decoded = adapterOf(row.adapter_id).decodeResult(bytes, adapterBatch(context, row, items));
    if (decoded.errors.length > 0) {
      throw new DomainError('validation', 'result_file_rejected', `回盘文件有 ${decoded.errors.length} 处问题，未导入任何结果`, `The result file has ${decoded.errors.length} problem(s); nothing was imported`, rowProblems(decoded.errors));
    }
    const bySequence = new Map(items.map((item) => [item.sequence, item]));
    const fresh: { item: ItemRow; result: WithholdingResult }[] = [];
    const conflicts: { field: string; zh: string; en: string }[] = [];
    let unchanged = 0;
    for (const result of decoded.results) {
      const item = bySequence.get(result.sequence);
      if (!item) continue; // the adapter checked every sequence against the batch
      if (item.status === 'sent') fresh.push({ item, result });
      else if (sameOutcome(item, result)) unchanged += 1;
      else conflicts.push({ field: `sequence ${result.sequence}`, zh: `已导入的结果为“${item.status === 'succeeded' ? '成功' : '失败'}”，与本文件不符`, en: `the result already imported (${item.status}) differs from this file` });
    }
    if (conflicts.length > 0) {
      throw new DomainError('conflict', 'result_conflicts', '回盘文件与已导入的结果不符，未导入任何结果', 'The result file contradicts results already imported; nothing was imported', conflicts);
    }
    if (fresh.length === 0) return { batch: await detailOf(sql, id), applied: 0, unchanged };
    const now = context.clock.now();
    for (const { item, result } of fresh) {
      if (result.status === 'success') {
        const settledOn = result.settledOn ?? row.created_on;
        // The amount asked for carried the late fees through the item's late_fees_through (the day before the batch
        // day, or earlier while something else of the account was waiting; items made before migration 0047: the
        // day before the batch day): the days after it until the debit, the bank's, are not charged.
        const askedOn = item.late_fees_through ? addDays(item.late_fees_through, 1) : row.created_on;
        await waiveDaysAwaitingPayment(sql, tenantId, item.account_id, askedOn, settledOn, now);
        const payment = await recordPayment(sql, tenantId, { accountId: item.account_id, method: 'bank_withholding', amountFen: result.amountFen, receivedAt: now, businessDate: settledOn, channelTradeNo: result.bankRef });
        await sql.query(
          "UPDATE withholding_items SET status = 'succeeded', payment_id = $3, bank_ref = $4, settled_on = $5, resulted_at = $6 WHERE batch_id = $1 AND sequence = $2 AND status = 'sent'",
          [id, item.sequence, payment.id, result.bankRef, settledOn, now],
        );
      } else {
        await sql.query(
          "UPDATE withholding_items SET status = 'failed', failure_code = $3, failure_reason = $4, bank_ref = $5, resulted_at = $6 WHERE batch_id = $1 AND sequence = $2 AND status = 'sent'",
          [id, item.sequence, result.failureCode ?? 'E99', result.failureReason, result.bankRef, now],
        );
      }
    }
    const [totals] = await sql.query<{ success_count: number; success_fen: number; failed_count: number; failed_fen: number; open: number }>(
      `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS success_count, coalesce(sum(amount_fen) FILTER (WHERE status = 'succeeded'), 0)::int8 AS success_fen,
              count(*) FILTER (WHERE status = 'failed')::int AS failed_count, coalesce(sum(amount_fen) FILTER (WHERE status = 'failed'), 0)::int8 AS failed_fen,
              count(*) FILTER (WHERE status = 'sent')::int AS open
       FROM withholding_items WHERE batch_id = $1`,
      [id],
    );
    const done = totals?.open === 0;
    await sql.query(
      `UPDATE withholding_batches SET success_count = $2, success_fen = $3, failed_count = $4, failed_fen = $5,
         status = CASE WHEN $6 THEN 'completed' ELSE status END, result_imported_at = CASE WHEN $6 THEN $7::timestamptz ELSE result_imported_at END,
         result_file_sha256 = CASE WHEN $6 THEN $8::bytea ELSE result_file_sha256 END
       WHERE id = $1`,
      [id, totals?.success_count ?? 0, totals?.success_fen ?? 0, totals?.failed_count ?? 0, totals?.failed_fen ?? 0, done, now, createHash('sha256').update(bytes).digest()],
    );
    await recordAudit(sql, tenantId, actor, now, {
      action: 'withholding_batch.result',
      objectType: 'withholding_batch',
      objectId: id,
      after: { batchNo: row.batch_no, applied: fresh.length, succeeded: fresh.filter((entry) => entry.result.status === 'success').length, failed: fresh.filter((entry) => entry.result.status === 'failed').length },
    });
    return { batch: await detailOf(sql, id), applied: fresh.length, unchanged };
  });
}

/**
 * Expires the utility's withholding batches whose result file was not imported within the configured days
 * after the batch day (collection.withholdingResultDays): the items still waiting are released (status
 * 'expired', so a later batch may ask for the same bills, and late fees of the waiting days are charged), the
 * batch is 'expired' and a result file for it is refused from then on. Audited; returns the batches expired.
 * Run by the periodic loop of `serve` and `worker`; each batch row is locked, so two processes expire it once.
 */
export async function expireWithholdingBatches(context: PlatformContext, tenantId: string): Promise<number> {
  const today = await todayOf(context, tenantId);
  return context.db.withTenant(tenantId, async (sql) => {
    const { withholdingResultDays } = (await loadTenantSettings(sql)).collection;
    const due = await sql.query<{ id: string; batch_no: string; created_on: string }>(
      "SELECT id, batch_no, created_on FROM withholding_batches WHERE status = 'sent' AND created_on < $1::date - $2::int ORDER BY created_on FOR UPDATE SKIP LOCKED",
      [today, withholdingResultDays],
    );
    const now = context.clock.now();
    for (const batch of due) {
      const released = await sql.query("UPDATE withholding_items SET status = 'expired', resulted_at = $2 WHERE batch_id = $1 AND status = 'sent' RETURNING sequence", [batch.id, now]);
      await sql.query("UPDATE withholding_batches SET status = 'expired', expired_at = $2 WHERE id = $1", [batch.id, now]);
      await recordAudit(sql, tenantId, systemActor('withholding'), now, {
        action: 'withholding_batch.expire',
        objectType: 'withholding_batch',
        objectId: batch.id,
        before: { status: 'sent' },
        after: { status: 'expired', batchNo: batch.batch_no, createdOn: batch.created_on, days: withholdingResultDays, releasedItems: released.length },
      });
    }
    return due.length;
  });
}
