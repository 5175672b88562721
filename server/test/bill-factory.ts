import { randomUUID } from 'node:crypto';
import { insertBillLines } from '../src/modules/bills';
import { nextCounterValue } from '../src/platform/db/counters';
import type { Sql } from '../src/platform/db/database';
import { postJournals, type LedgerAccount, type Leg } from '../src/modules/ledger';
import type { TestEnvironment, Utility } from './harness';

/**
 * Regular bills written the way the billing run writes them (bill row, lines, one ledger journal: debit
 * receivable, credit each revenue or fee account), without running it: for tests and demo screenshots.
 */

export type TestLineType = 'water' | 'sewage' | 'resource' | 'fixed' | 'over_quota' | 'adjustment';

export interface TestBillLine {
  lineType: TestLineType;
  tier?: number | null;
  quantityLitres?: number | null;
  unitPriceFenPerM3?: number | null;
  amountFen: number;
  description: string;
}

export interface TestBillOptions {
  period: string;
  consumptionLitres: number;
  isEstimated?: boolean;
  /** Defaults to the Beijing residential example: water 2.07, sewage 1.36, water-resource 1.57 yuan per m³ (tier 1). */
  lines?: TestBillLine[];
  issuedOn?: string;
  dueOn?: string;
}

export interface TestBill {
  id: string;
  billNo: string;
  totalFen: number;
  lines: TestBillLine[];
}

const LEDGER_OF: Record<TestLineType, LedgerAccount> = {
  water: 'water_revenue',
  over_quota: 'water_revenue',
  fixed: 'fixed_charge_revenue',
  sewage: 'sewage_fee_payable',
  resource: 'resource_fee_payable',
  adjustment: 'adjustment',
};

/** Litres × fen per m³, rounded half-up to the fen, in integers. */
export const chargeFen = (litres: number, fenPerM3: number): number => Math.floor((litres * fenPerM3 + 500) / 1000);

/** Tier-1 water and the two fees at the Beijing residential example's prices (2.07 + 1.36 + 1.57 = 5.00 yuan per m³). */
export function defaultLines(consumptionLitres: number): TestBillLine[] {
  return [
    { lineType: 'water', tier: 1, quantityLitres: consumptionLitres, unitPriceFenPerM3: 207, amountFen: chargeFen(consumptionLitres, 207), description: '水费 第1阶梯' },
    { lineType: 'sewage', tier: null, quantityLitres: consumptionLitres, unitPriceFenPerM3: 136, amountFen: chargeFen(consumptionLitres, 136), description: '污水处理费' },
    { lineType: 'resource', tier: null, quantityLitres: consumptionLitres, unitPriceFenPerM3: 157, amountFen: chargeFen(consumptionLitres, 157), description: '水资源费' },
  ];
}

function periodBounds(period: string): { start: string; end: string } {
  const [year, month] = period.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
  return { start: `${period}-01`, end };
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Inserts one regular bill with its lines and journal in the caller's tenant transaction. */
export async function insertRegularBill(sql: Sql, tenantId: string, accountId: string, options: TestBillOptions): Promise<TestBill> {
  const { start, end } = periodBounds(options.period);
  const lines = options.lines ?? defaultLines(options.consumptionLitres);
  const totalFen = lines.reduce((sum, line) => sum + line.amountFen, 0);
  const issuedOn = options.issuedOn ?? addDays(end, 3);
  const dueOn = options.dueOn ?? addDays(issuedOn, 15);
  const billNo = `${options.period.replace('-', '')}-${String(await nextCounterValue(sql, tenantId, 'bill_no', 0)).padStart(8, '0')}`;
  const id = randomUUID();
  const createdAt = new Date(`${issuedOn}T01:00:00Z`);
  await sql.query(
    `INSERT INTO bills (tenant_id, id, bill_no, kind, account_id, period, period_start, period_end, consumption_litres, is_estimated, total_fen, issued_on, due_on, created_at)
     VALUES ($1, $2, $3, 'regular', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [tenantId, id, billNo, accountId, options.period, start, end, options.consumptionLitres, options.isEstimated ?? false, totalFen, issuedOn, dueOn, createdAt],
  );
  await insertBillLines(
    sql,
    tenantId,
    id,
    lines.map((line) => ({ lineType: line.lineType, tier: line.tier ?? null, quantityLitres: line.quantityLitres ?? null, unitPriceFenPerM3: line.unitPriceFenPerM3 ?? null, amountFen: line.amountFen, tariffVersionId: null, description: line.description })),
  );
  const net = new Map<LedgerAccount, number>();
  for (const line of lines) net.set(LEDGER_OF[line.lineType], (net.get(LEDGER_OF[line.lineType]) ?? 0) + line.amountFen);
  const legs: Leg[] = [];
  if (totalFen !== 0) legs.push(totalFen > 0 ? { ledgerAccount: 'receivable', debitFen: totalFen, creditFen: 0 } : { ledgerAccount: 'receivable', debitFen: 0, creditFen: -totalFen });
  for (const [ledgerAccount, amount] of net) {
    if (amount > 0) legs.push({ ledgerAccount, debitFen: 0, creditFen: amount });
    else if (amount < 0) legs.push({ ledgerAccount, debitFen: -amount, creditFen: 0 });
  }
  if (legs.length > 0) {
    await postJournals(sql, tenantId, [{ accountId, entryType: 'bill', billId: id, businessDate: issuedOn, postedAt: createdAt, description: `账单 Bill ${billNo}`, legs }]);
  }
  return { id, billNo, totalFen, lines };
}

/** A regular bill for an account, in its own transaction. */
export async function givenBill(environment: TestEnvironment, utility: Utility, accountId: string, options: TestBillOptions): Promise<TestBill> {
  return environment.db.withTenant(utility.tenant.id, (sql) => insertRegularBill(sql, utility.tenant.id, accountId, options));
}

/** A payment of some fen against an account's receivable (issue 4 will post these for real). */
export async function givenPayment(environment: TestEnvironment, utility: Utility, accountId: string, amountFen: number, on = '2026-03-01'): Promise<void> {
  await environment.db.withTenant(utility.tenant.id, (sql) =>
    postJournals(sql, utility.tenant.id, [
      {
        accountId,
        entryType: 'payment',
        billId: null,
        businessDate: on,
        postedAt: new Date(`${on}T02:00:00Z`),
        description: '测试缴费',
        legs: [
          { ledgerAccount: 'cash', debitFen: amountFen, creditFen: 0 },
          { ledgerAccount: 'receivable', debitFen: 0, creditFen: amountFen },
        ],
      },
    ]),
  );
}
