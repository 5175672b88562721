import { describe, expect, it } from 'vitest';
import { checkJournal, type Journal } from './journal';

const journal = (legs: Journal['legs']): Journal => ({
  accountId: '00000000-0000-4000-8000-000000000001',
  entryType: 'bill',
  billId: null,
  businessDate: '2026-03-01',
  postedAt: new Date('2026-03-01T00:00:00Z'),
  description: 'test',
  legs,
});

describe('journals', () => {
  it('accept balanced legs', () => {
    expect(() =>
      checkJournal(journal([
        { ledgerAccount: 'receivable', debitFen: 10400, creditFen: 0 },
        { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 7580 },
        { ledgerAccount: 'sewage_fee_payable', debitFen: 0, creditFen: 2820 },
      ])),
    ).not.toThrow();
  });

  it('refuse unbalanced, one-legged, two-sided and fractional postings', () => {
    expect(() => checkJournal(journal([{ ledgerAccount: 'receivable', debitFen: 100, creditFen: 0 }, { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 99 }]))).toThrow(/balance/);
    expect(() => checkJournal(journal([{ ledgerAccount: 'receivable', debitFen: 0, creditFen: 0 }, { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 0 }]))).toThrow();
    expect(() => checkJournal(journal([{ ledgerAccount: 'receivable', debitFen: 5, creditFen: 5 }, { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 0 }]))).toThrow();
    expect(() => checkJournal(journal([{ ledgerAccount: 'receivable', debitFen: 1.5, creditFen: 0 }, { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 1.5 }]))).toThrow();
  });
});
