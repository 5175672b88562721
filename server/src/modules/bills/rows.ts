import type { BulkColumn } from '../../platform/db/bulk';
import { insertMany } from '../../platform/db/bulk';
import type { Sql } from '../../platform/db/database';
import { notFound } from '../../platform/errors';
import { maskPersonName } from '../../platform/masking';
import type { AdjustmentReason, Bill, BillAccount, BillKind, BillLine, LineType } from './schemas';

/** Row shapes of bills and their lines, and their conversion to the API's objects. */
export interface BillRow {
  id: string;
  bill_no: string;
  kind: BillKind;
  account_id: string;
  account_no: string;
  period: string;
  period_start: string;
  period_end: string;
  adjusts_bill_id: string | null;
  adjusts_bill_no: string | null;
  reason: string | null;
  note: string | null;
  consumption_litres: number;
  is_estimated: boolean;
  total_fen: number;
  issued_on: string;
  due_on: string;
  created_at: Date;
}

export const SELECT_BILLS = `
  SELECT b.id, b.bill_no, b.kind, b.account_id, a.account_no, b.period, b.period_start, b.period_end, b.adjusts_bill_id,
    o.bill_no AS adjusts_bill_no, b.reason, b.note, b.consumption_litres, b.is_estimated, b.total_fen, b.issued_on, b.due_on, b.created_at
  FROM bills b
  JOIN accounts a ON a.id = b.account_id
  LEFT JOIN bills o ON o.id = b.adjusts_bill_id`;

/** Regular bills first within a period, then their notes in the order they were issued. */
export const BILL_ORDER = "b.period DESC, (b.kind = 'regular') DESC, b.created_at DESC, b.bill_no DESC";

const REASONS: readonly string[] = ['wrong_reading', 'calibration', 'tariff_error', 'other'];

/** Where a regular bill stands; filled in by the caller, which knows the account's balance. */
export interface Standing {
  netTotalFen: number;
  outstandingFen: number;
  status: NonNullable<Bill['status']>;
}

export const toBill = (row: BillRow, standing?: Standing): Bill => ({
  id: row.id,
  billNo: row.bill_no,
  kind: row.kind,
  accountId: row.account_id,
  accountNo: row.account_no,
  period: row.period,
  periodStart: row.period_start,
  periodEnd: row.period_end,
  adjustsBillId: row.adjusts_bill_id,
  adjustsBillNo: row.adjusts_bill_no,
  // The run may word its own reasons; only the codes this module knows are passed on.
  reason: row.reason && REASONS.includes(row.reason) ? (row.reason as AdjustmentReason) : null,
  note: row.note,
  consumptionLitres: row.consumption_litres,
  isEstimated: row.is_estimated,
  totalFen: row.total_fen,
  issuedOn: row.issued_on,
  dueOn: row.due_on,
  createdAt: new Date(row.created_at).toISOString(),
  netTotalFen: standing?.netTotalFen ?? null,
  outstandingFen: standing?.outstandingFen ?? null,
  status: standing?.status ?? null,
});

export interface BillLineRow {
  bill_id: string;
  line_no: number;
  line_type: LineType;
  tier: number | null;
  quantity_litres: number | null;
  unit_price_fen_per_m3: number | null;
  amount_fen: number;
  tariff_version_id: string | null;
  description: string;
}

export const toBillLine = (row: BillLineRow): BillLine => ({
  lineNo: row.line_no,
  lineType: row.line_type,
  tier: row.tier,
  quantityLitres: row.quantity_litres,
  unitPriceFenPerM3: row.unit_price_fen_per_m3,
  amountFen: row.amount_fen,
  description: row.description,
});

export async function linesOf(sql: Sql, billIds: readonly string[]): Promise<Map<string, BillLineRow[]>> {
  const rows = billIds.length
    ? await sql.query<BillLineRow>(
        `SELECT bill_id, line_no, line_type, tier, quantity_litres, unit_price_fen_per_m3, amount_fen, tariff_version_id, description
         FROM bill_lines WHERE bill_id = ANY($1::uuid[]) ORDER BY bill_id, line_no`,
        [billIds],
      )
    : [];
  const byBill = new Map<string, BillLineRow[]>();
  for (const row of rows) byBill.set(row.bill_id, [...(byBill.get(row.bill_id) ?? []), row]);
  return byBill;
}

export const BILL = { zh: '账单', en: 'Bill' };
export const ACCOUNT = { zh: '账户', en: 'Account' };

export async function findBillRow(sql: Sql, id: string): Promise<BillRow> {
  const rows = await sql.query<BillRow>(`${SELECT_BILLS} WHERE b.id = $1`, [id]);
  if (!rows[0]) throw notFound(BILL);
  return rows[0];
}

interface AccountRow {
  id: string;
  account_no: string;
  customer_id: string;
  name: string;
  kind: 'individual' | 'organisation';
  full_address: string;
  district: string;
  category: BillAccount['category'];
  household_size: number;
  water_category_id: string | null;
}

export interface AccountForBills extends BillAccount {
  customerId: string;
  waterCategoryId: string | null;
}

export async function findAccountForBills(sql: Sql, id: string): Promise<AccountForBills> {
  const rows = await sql.query<AccountRow>(
    `SELECT a.id, a.account_no, a.customer_id, c.name, c.kind, p.full_address, p.district, a.category, a.household_size, a.water_category_id
     FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id WHERE a.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw notFound(ACCOUNT);
  return {
    id: row.id,
    accountNo: row.account_no,
    holderNameMasked: row.kind === 'organisation' ? row.name : maskPersonName(row.name),
    fullAddress: row.full_address,
    district: row.district,
    category: row.category,
    householdSize: row.household_size,
    customerId: row.customer_id,
    waterCategoryId: row.water_category_id,
  };
}

export const toBillAccount = ({ customerId: _customer, waterCategoryId: _category, ...account }: AccountForBills): BillAccount => account;

export interface TenantLetterhead {
  name: string;
  nameEn: string;
  hotline: string | null;
  timeZone: string;
}

export async function letterheadOf(sql: Sql, tenantId: string): Promise<TenantLetterhead> {
  const rows = await sql.query<{ name: string; name_en: string; hotline: string | null; time_zone: string }>(
    'SELECT name, name_en, hotline, time_zone FROM tenants WHERE id = $1',
    [tenantId],
  );
  const row = rows[0];
  if (!row) throw new Error(`Tenant ${tenantId} does not exist`);
  return { name: row.name, nameEn: row.name_en, hotline: row.hotline, timeZone: row.time_zone };
}

/** A bill line as written: what the billing run, a final bill and a note each compute. */
export interface NewBillLine {
  lineType: LineType;
  tier: number | null;
  quantityLitres: number | null;
  unitPriceFenPerM3: number | null;
  amountFen: number;
  tariffVersionId: string | null;
  description: string;
}

/** The columns of bill_lines, in the order of billLineRow (for COPY and multi-row INSERT). */
export const BILL_LINE_COLUMNS: BulkColumn[] = [
  { name: 'tenant_id', type: 'uuid' },
  { name: 'bill_id', type: 'uuid' },
  { name: 'line_no', type: 'int4' },
  { name: 'line_type', type: 'text' },
  { name: 'tier', type: 'int4' },
  { name: 'quantity_litres', type: 'int8' },
  { name: 'unit_price_fen_per_m3', type: 'int8' },
  { name: 'amount_fen', type: 'int8' },
  { name: 'tariff_version_id', type: 'uuid' },
  { name: 'description', type: 'text' },
];

/** One bill_lines row: the bill's index-th line (numbered from 1). */
export const billLineRow = (tenantId: string, billId: string, line: NewBillLine, index: number): unknown[] => [
  tenantId, billId, index + 1, line.lineType, line.tier, line.quantityLitres, line.unitPriceFenPerM3, line.amountFen, line.tariffVersionId, line.description,
];

/** Writes a bill's lines, numbered in order. */
export async function insertBillLines(sql: Sql, tenantId: string, billId: string, lines: readonly NewBillLine[]): Promise<void> {
  await insertMany(sql, 'bill_lines', BILL_LINE_COLUMNS, lines.map((line, index) => billLineRow(tenantId, billId, line, index)));
}
