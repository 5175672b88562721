import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue } from '../../platform/db/counters';
import type { Sql } from '../../platform/db/database';
import { DomainError } from '../../platform/errors';
import { businessDate } from '../customers';
import { accountBalanceFen, postJournals } from '../ledger';
import { allocate, noteLegs, postedSplit, type Split } from './ledger-split';
import { findAccountForBills, findBillRow, insertBillLines, letterheadOf, linesOf, SELECT_BILLS, toBill, toBillLine, type BillRow, type NewBillLine } from './rows';
import type { AdjustmentReason, AdjustmentRequest, AdjustmentResult, BillNote } from './schemas';

export type NoteKind = 'credit_note' | 'debit_note';

export const REASON_NAMES: Record<AdjustmentReason, { zh: string; en: string }> = {
  wrong_reading: { zh: '抄表错误', en: 'wrong reading' },
  calibration: { zh: '水表校验', en: 'meter calibration' },
  tariff_error: { zh: '水价错误', en: 'tariff error' },
  other: { zh: '其他', en: 'other' },
};

/** A note's line; its amount is signed: negative on a credit note. */
export type NoteLine = NewBillLine;

/** The bill a note adjusts, locked against other notes on it until the transaction ends. */
export interface AdjustedBill {
  original: BillRow;
  notes: BillRow[];
  /** The bill's total with every note on it so far. */
  remainingFen: number;
}

/**
 * Locks a regular bill for adjustment and reads where it stands. Bills are append-only (no UPDATE, so no
 * row lock): a transaction-scoped advisory lock on the bill orders concurrent notes, so two clerks cannot
 * both credit the same remaining amount.
 */
export async function lockBillForAdjustment(sql: Sql, billId: string): Promise<AdjustedBill> {
  const original = await findBillRow(sql, billId);
  if (original.kind !== 'regular') {
    throw new DomainError('validation', 'adjust_the_original', '请对原账单开具冲正单据，而不是对冲正单据本身', 'Adjust the original bill, not a credit or debit note', [
      { field: 'id', zh: '这是一张冲正单据', en: 'is a credit or debit note' },
    ]);
  }
  await sql.query("SELECT pg_advisory_xact_lock(hashtextextended('bill:' || $1::text, 0))", [billId]);
  const notes = await sql.query<BillRow>(`${SELECT_BILLS} WHERE b.adjusts_bill_id = $1 ORDER BY b.created_at, b.bill_no`, [billId]);
  return { original, notes, remainingFen: original.total_fen + notes.reduce((sum, note) => sum + note.total_fen, 0) };
}

async function nextNoteNo(sql: Sql, tenantId: string, kind: NoteKind, issuedOn: string): Promise<string> {
  const value = await nextCounterValue(sql, tenantId, kind === 'credit_note' ? 'credit_note_no' : 'debit_note_no', 0);
  return `${kind === 'credit_note' ? 'CN' : 'DN'}${issuedOn.slice(0, 4)}${issuedOn.slice(5, 7)}${String(value).padStart(6, '0')}`;
}

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

export interface NewNote {
  kind: NoteKind;
  reason: AdjustmentReason;
  note: string;
  consumptionLitres: number;
  lines: NoteLine[];
  /** What the note's journal puts on each revenue and fee account, in the note's direction (positive). */
  split: Split;
}

/**
 * Issues one note on a bill, in the caller's transaction: the bill row (its own number, the original's
 * period), its lines, its journal and its audit entry. A debit note falls due as long after issue as the
 * original did; a credit note is due at once (there is nothing to pay).
 */
export async function issueNote(context: PlatformContext, sql: Sql, tenantId: string, adjusted: AdjustedBill, input: NewNote, actor: Actor): Promise<BillNote> {
  const { original } = adjusted;
  const now = context.clock.now();
  const letterhead = await letterheadOf(sql, tenantId);
  const issuedOn = businessDate(now, letterhead.timeZone);
  const dueOn = input.kind === 'debit_note' ? addDays(issuedOn, Math.max(daysBetween(original.issued_on, original.due_on), 0)) : issuedOn;
  const totalFen = input.lines.reduce((sum, line) => sum + line.amountFen, 0);
  const billNo = await nextNoteNo(sql, tenantId, input.kind, issuedOn);
  const inserted = await sql.query<{ id: string }>(
    `INSERT INTO bills (tenant_id, bill_no, kind, account_id, period, period_start, period_end, adjusts_bill_id, reason, note,
       consumption_litres, is_estimated, total_fen, issued_on, due_on, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false, $12, $13, $14, $15) RETURNING id`,
    [tenantId, billNo, input.kind, original.account_id, original.period, original.period_start, original.period_end, original.id, input.reason, input.note, input.consumptionLitres, totalFen, issuedOn, dueOn, now],
  );
  const id = (inserted[0] as { id: string }).id;
  await insertBillLines(sql, tenantId, id, input.lines);
  const label = input.kind === 'credit_note' ? '红字冲减' : '补收';
  const legs = noteLegs(input.kind, input.split);
  // A note of nothing (a re-bill taking back only consumption) moves no money and has no journal.
  if (legs.length > 0) {
    await postJournals(sql, tenantId, [
      {
        accountId: original.account_id,
        entryType: input.kind,
        billId: id,
        businessDate: issuedOn,
        postedAt: now,
        description: `${label} ${billNo}（原账单 ${original.bill_no}，${REASON_NAMES[input.reason].zh}）`,
        legs,
      },
    ]);
  }
  const account = await findAccountForBills(sql, original.account_id);
  await recordAudit(sql, tenantId, actor, now, {
    action: `bill.${input.kind}`,
    objectType: 'bill',
    objectId: id,
    customerId: account.customerId,
    after: { billNo, adjustsBillNo: original.bill_no, accountNo: account.accountNo, period: original.period, totalFen, consumptionLitres: input.consumptionLitres, reason: input.reason, note: input.note },
  });
  const row = await findBillRow(sql, id);
  const lines = await linesOf(sql, [id]);
  adjusted.notes.push(row);
  adjusted.remainingFen += totalFen;
  return { ...toBill(row), lines: (lines.get(id) ?? []).map(toBillLine) };
}

const exceedsRemaining = (remainingFen: number): DomainError =>
  new DomainError(
    'validation',
    'credit_exceeds_remaining',
    `红字金额不能超过账单剩余金额 ${(remainingFen / 100).toFixed(2)} 元`,
    `A credit note may not exceed the bill's remaining amount of ¥${(remainingFen / 100).toFixed(2)}`,
    [{ field: 'amountFen', zh: `不能超过 ${remainingFen} 分`, en: `must be at most ${remainingFen} fen` }],
  );

/**
 * A credit or debit note for an amount, itemised or not. Its lines are 'adjustment' lines; its journal
 * shares the amount over the accounts the bill was posted to, in proportion, so a credit note reduces the
 * water revenue and the sewage and water-resource fees owed to government alike.
 */
export async function createAdjustment(context: PlatformContext, tenantId: string, billId: string, request: AdjustmentRequest, actor: Actor): Promise<AdjustmentResult> {
  return context.db.withTenant(tenantId, async (sql) => {
    const adjusted = await lockBillForAdjustment(sql, billId);
    const items = request.lines ?? [{ description: request.note, amountFen: request.amountFen as number }];
    const amountFen = items.reduce((sum, item) => sum + item.amountFen, 0);
    if (request.kind === 'credit_note' && amountFen > adjusted.remainingFen) throw exceedsRemaining(adjusted.remainingFen);
    const sign = request.kind === 'credit_note' ? -1 : 1;
    // A credit takes back from what the bill now stands for; a debit adds in the shape of the original.
    const weights = await postedSplit(sql, request.kind === 'credit_note' ? [adjusted.original.id, ...adjusted.notes.map((note) => note.id)] : [adjusted.original.id]);
    const note = await issueNote(
      context,
      sql,
      tenantId,
      adjusted,
      {
        kind: request.kind,
        reason: request.reason,
        note: request.note,
        consumptionLitres: 0,
        lines: items.map((item) => ({ lineType: 'adjustment', tier: null, quantityLitres: null, unitPriceFenPerM3: null, amountFen: sign * item.amountFen, tariffVersionId: null, description: item.description })),
        split: allocate(amountFen, weights),
      },
      actor,
    );
    return { notes: [note], remainingFen: adjusted.remainingFen, balanceFen: await accountBalanceFen(sql, adjusted.original.account_id) };
  });
}

/**
 * A fee for a service charged to an account (校表检定费: a calibration test found the meter within tolerance),
 * in the caller's transaction: a debit note on the account's latest regular bill with one line, its journal
 * debiting the receivable and crediting service-fee revenue, so the fee is owed, dunned and paid like the
 * bill's water. Refused when the account has never been billed (there is no bill to carry it).
 */
export async function chargeServiceFee(context: PlatformContext, sql: Sql, tenantId: string, input: { accountId: string; amountFen: number; description: string; reason: AdjustmentReason }, actor: Actor): Promise<BillNote> {
  if (!Number.isSafeInteger(input.amountFen) || input.amountFen <= 0) {
    throw new DomainError('validation', 'validation_failed', '费用须为正整数分', 'The fee must be a positive whole number of fen', [{ field: 'amountFen', zh: '必须大于 0', en: 'must be more than 0' }]);
  }
  const [latest] = await sql.query<{ id: string }>("SELECT id FROM bills WHERE account_id = $1 AND kind = 'regular' ORDER BY period DESC, period_end DESC, created_at DESC LIMIT 1", [input.accountId]);
  if (!latest) {
    throw new DomainError('conflict', 'no_bill', '该账户尚无账单，无法挂收费用', 'The account has no bill yet to carry the fee', [{ field: 'accountId', zh: '尚无账单', en: 'has no bill yet' }]);
  }
  const adjusted = await lockBillForAdjustment(sql, latest.id);
  return issueNote(
    context,
    sql,
    tenantId,
    adjusted,
    {
      kind: 'debit_note',
      reason: input.reason,
      note: input.description,
      consumptionLitres: 0,
      lines: [{ lineType: 'adjustment', tier: null, quantityLitres: null, unitPriceFenPerM3: null, amountFen: input.amountFen, tariffVersionId: null, description: input.description }],
      split: new Map([['service_fee_revenue', input.amountFen]]),
    },
    actor,
  );
}
