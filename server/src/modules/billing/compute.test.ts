import { describe, expect, it } from 'vitest';
import { checkJournal } from '../ledger';
import type { TariffBook, TariffVersion } from '../tariffs';
import { billAccounts, billingJournal, periodRange, type AccountInput } from './compute';

const FLAT: TariffVersion = {
  id: '00000000-0000-4000-8000-0000000000a1',
  waterCategoryId: '00000000-0000-4000-8000-0000000000c1',
  version: 1,
  effectiveFrom: '2024-01-01',
  effectiveTo: null,
  definition: {
    tierBasis: 'flat',
    tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 207 }],
    household: null,
    surcharges: [
      { code: 'resource', name: '水资源费', priceFenPerM3: 157 },
      { code: 'sewage', name: '污水处理费', priceFenPerM3: 136 },
    ],
    fixedCharges: [],
    quota: null,
  },
};

const book: TariffBook = {
  waterCategoryFor: (account) => (account.accountClass === 'residential' ? FLAT.waterCategoryId : null),
  versionsFor: () => [FLAT],
};

const account = (id: string, overrides: Partial<AccountInput> = {}): AccountInput => ({
  account_id: id,
  status: 'active',
  category: 'residential',
  water_category_id: null,
  household_size: 3,
  consumption_litres: 12_345,
  is_estimated: false,
  billed: false,
  billed_through: null,
  billed_litres: null,
  used_earlier: 0,
  category_changes: null,
  ...overrides,
});

describe('periods', () => {
  it('are calendar months, with the year they count tiers in', () => {
    expect(periodRange('2024-02')).toEqual({ period: '2024-02', start: '2024-02-01', end: '2024-02-29', yearStart: '2024-01' });
    expect(periodRange('2026-12')).toEqual({ period: '2026-12', start: '2026-12-01', end: '2026-12-31', yearStart: '2026-01' });
  });
});

describe('billing a chunk', () => {
  it('bills active accounts with a reading and says why it skips the others', () => {
    const result = billAccounts(
      [
        account('a1'),
        account('a2', { billed: true }),
        account('a3', { status: 'closed' }),
        account('a4', { status: 'suspended' }),
        account('a5', { consumption_litres: null }),
        account('a6', { category: 'special' }),
        account('a7', { status: null }),
        account('a8', { consumption_litres: 0 }),
      ],
      book,
      periodRange('2026-01'),
    );
    expect(result.bills.map((bill) => bill.accountId)).toEqual(['a1', 'a8']);
    expect(result.skipped).toEqual({
      already_billed: ['a2'],
      account_closed: ['a3'],
      account_suspended: ['a4'],
      no_reading: ['a5'],
      no_water_category: ['a6'],
      account_missing: ['a7'],
    });
    const [bill] = result.bills;
    // 12.345 m³ × 2.07 = 25.554… → 2555 fen; × 1.57 = 19.38… → 1938; × 1.36 = 16.78… → 1679 (half-up per line).
    expect(bill?.lines.map((line) => [line.lineType, line.amountFen])).toEqual(expect.arrayContaining([['water', 2555], ['resource', 1938], ['sewage', 1679]]));
    expect(bill?.totalFen).toBe(bill?.lines.reduce((sum, line) => sum + line.amountFen, 0));
    expect(result.totals).toMatchObject({ bills: 2, totalFen: bill?.totalFen, consumptionLitres: 12_345, skipped: { no_reading: 1, account_closed: 1 } });
  });
});

describe('a period cut by a water-use category change (用水性质变更)', () => {
  const BUSINESS: TariffVersion = { ...FLAT, id: '00000000-0000-4000-8000-0000000000a2', waterCategoryId: '00000000-0000-4000-8000-0000000000c2', definition: { ...FLAT.definition, tiers: [{ upToLitresPerYearOrMonth: null, waterPriceFenPerM3: 427 }] } };
  const twoClasses: TariffBook = {
    waterCategoryFor: (account) => (account.accountClass === 'residential' ? FLAT.waterCategoryId : BUSINESS.waterCategoryId),
    versionsFor: (category) => [category === FLAT.waterCategoryId ? FLAT : BUSINESS],
  };
  const change = { account_id: 'a1', effective_from: '2026-03-11', category_before: 'residential' as const, water_category_before: null, category_after: 'non_residential' as const, water_category_after: null };

  it('prices the days before the change at the old tariff and from it at the new, the water shared by days', () => {
    // 31 000 litres over March's 31 days: 10 days (10 000 litres) residential, 21 days (21 000 litres) non-residential.
    const result = billAccounts([account('a1', { category: 'non_residential', consumption_litres: 31_000, category_changes: [change] })], twoClasses, periodRange('2026-03'));
    const water = result.bills[0]?.lines.filter((line) => line.lineType === 'water');
    expect(water?.map((line) => [line.quantityLitres, line.unitPriceFenPerM3, line.amountFen])).toEqual([
      [10_000, 207, 2070],
      [21_000, 427, 8967],
    ]);
    expect(water?.[0]?.description).toContain('2026-03-01至2026-03-10');
  });

  it('bills a period wholly before a change dated later at the category it had then', () => {
    const later = { ...change, effective_from: '2026-04-05' };
    const result = billAccounts([account('a1', { category: 'non_residential', consumption_litres: 10_000, category_changes: [later] })], twoClasses, periodRange('2026-03'));
    expect(result.bills[0]?.lines.find((line) => line.lineType === 'water')?.unitPriceFenPerM3).toBe(207);
  });

  it('after a partial bill of the period (a holder change), bills the days after it with the rest of the water', () => {
    const result = billAccounts([account('a1', { consumption_litres: 9_000, billed_through: '2026-03-10', billed_litres: 4_000 })], book, periodRange('2026-03'));
    expect(result.bills[0]).toMatchObject({ periodStart: '2026-03-11', consumptionLitres: 5_000 });
  });
});

describe("a billing chunk's journal", () => {
  const postedAt = new Date('2026-02-01T00:00:00Z');
  const receivable = (accountId: string, billId: string, billNo: string, debitFen: number, creditFen = 0) => ({ ledgerAccount: 'receivable', debitFen, creditFen, accountId, billId, description: `账单 Bill ${billNo}` });

  it("debits each bill's receivable on its own account and bill, and credits revenue and fees once for the chunk", () => {
    const journal = billingJournal(
      [
        {
          id: 'b1',
          billNo: '202601-00000001',
          accountId: 'a1',
          totalFen: 1_000,
          lines: [
            { lineType: 'water', amountFen: 500 },
            { lineType: 'over_quota', amountFen: 100 },
            { lineType: 'sewage', amountFen: 150 },
            { lineType: 'resource', amountFen: 150 },
            { lineType: 'fixed', amountFen: 100 },
          ],
        },
        { id: 'b2', billNo: '202601-00000002', accountId: 'a2', totalFen: 300, lines: [{ lineType: 'water', amountFen: 200 }, { lineType: 'sewage', amountFen: 100 }] },
      ],
      '2026-02-01',
      postedAt,
      'chunk 1',
    );
    expect(journal).toMatchObject({ accountId: null, billId: null, entryType: 'bill', description: 'chunk 1' });
    expect(journal?.legs).toEqual([
      receivable('a1', 'b1', '202601-00000001', 1_000),
      receivable('a2', 'b2', '202601-00000002', 300),
      { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 800 },
      { ledgerAccount: 'sewage_fee_payable', debitFen: 0, creditFen: 250 },
      { ledgerAccount: 'resource_fee_payable', debitFen: 0, creditFen: 150 },
      { ledgerAccount: 'fixed_charge_revenue', debitFen: 0, creditFen: 100 },
    ]);
    expect(() => checkJournal(journal as NonNullable<typeof journal>)).not.toThrow();
  });

  it('posts nothing for bills of nothing, a negative adjustment as a debit, and a negative bill as a credit to its receivable', () => {
    expect(billingJournal([{ id: 'b2', billNo: 'x', accountId: 'a1', totalFen: 0, lines: [{ lineType: 'water', amountFen: 0 }] }], '2026-02-01', postedAt, 'c')).toBeNull();
    const journal = billingJournal(
      [
        { id: 'b3', billNo: 'y', accountId: 'a1', totalFen: 300, lines: [{ lineType: 'water', amountFen: 500 }, { lineType: 'adjustment', amountFen: -200 }] },
        { id: 'b4', billNo: 'z', accountId: 'a2', totalFen: -700, lines: [{ lineType: 'water', amountFen: -700 }] },
      ],
      '2026-02-01',
      postedAt,
      'c',
    );
    expect(journal?.legs).toEqual([
      receivable('a1', 'b3', 'y', 300),
      receivable('a2', 'b4', 'z', 0, 700),
      { ledgerAccount: 'water_revenue', debitFen: 200, creditFen: 0 },
      { ledgerAccount: 'adjustment', debitFen: 200, creditFen: 0 },
    ]);
    expect(() => checkJournal(journal as NonNullable<typeof journal>)).not.toThrow();
  });

  it('refuses a customer leg that names no customer account', () => {
    expect(() => checkJournal({ accountId: null, entryType: 'bill', billId: null, businessDate: '2026-02-01', postedAt, description: 'x', legs: [{ ledgerAccount: 'receivable', debitFen: 5, creditFen: 0 }, { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 5 }] })).toThrow(/customer account/);
  });
});
