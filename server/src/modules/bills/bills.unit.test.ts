import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkJournal } from '../ledger';
import { pdfFont } from './fonts';
import { formatCubicMetres, formatYuan } from './format';
import { allocate, noteLegs } from './ledger-split';
import { renderBillPdf } from './pdf';
import type { BillDetail } from './schemas';
import { addMonths } from './service';

describe('sharing a note over the ledger accounts', () => {
  it('gives whole fen in proportion that add up exactly, the remainder to the largest fractions', () => {
    const split = allocate(1000, new Map([['water_revenue', 2029], ['sewage_fee_payable', 1333], ['resource_fee_payable', 1539]]));
    expect(Object.fromEntries(split)).toEqual({ water_revenue: 414, sewage_fee_payable: 272, resource_fee_payable: 314 });
    for (const amount of [1, 7, 99, 4901, 123_456_789]) {
      const shares = allocate(amount, new Map([['water_revenue', 3], ['sewage_fee_payable', 3], ['resource_fee_payable', 3]]));
      expect([...shares.values()].reduce((sum, share) => sum + share, 0)).toBe(amount);
    }
  });

  it('puts everything on adjustment when nothing was posted, and ignores accounts that stand at or below zero', () => {
    expect(Object.fromEntries(allocate(500, new Map()))).toEqual({ adjustment: 500 });
    expect(Object.fromEntries(allocate(500, new Map([['water_revenue', 0], ['sewage_fee_payable', -10]])))).toEqual({ adjustment: 500 });
    expect(Object.fromEntries(allocate(500, new Map([['water_revenue', 10], ['sewage_fee_payable', -10]])))).toEqual({ water_revenue: 500 });
  });

  it('makes balanced journals: a credit note credits the receivable, a debit note debits it', () => {
    const split = new Map([['water_revenue', 414], ['sewage_fee_payable', 272], ['resource_fee_payable', 314]] as const);
    const credit = noteLegs('credit_note', split);
    expect(credit[0]).toEqual({ ledgerAccount: 'receivable', debitFen: 0, creditFen: 1000 });
    expect(credit.slice(1).every((leg) => leg.debitFen > 0 && leg.creditFen === 0)).toBe(true);
    const debit = noteLegs('debit_note', split);
    expect(debit[0]).toEqual({ ledgerAccount: 'receivable', debitFen: 1000, creditFen: 0 });
    for (const legs of [credit, debit]) {
      expect(() => checkJournal({ accountId: 'a', entryType: 'credit_note', billId: null, businessDate: '2026-03-01', postedAt: new Date(), description: 't', legs })).not.toThrow();
    }
    expect(noteLegs('credit_note', new Map())).toEqual([]);
  });
});

describe('formatting', () => {
  it('shows fen as yuan and litres as m³ without floating point', () => {
    expect(formatYuan(0)).toBe('0.00');
    expect(formatYuan(5)).toBe('0.05');
    expect(formatYuan(-1250)).toBe('-12.50');
    expect(formatYuan(123_456_789)).toBe('1,234,567.89');
    expect(formatCubicMetres(12_345)).toBe('12.345');
    expect(formatCubicMetres(-7)).toBe('-0.007');
    expect(formatCubicMetres(1_234_567_000)).toBe('1,234,567.000');
  });

  it('counts periods across years', () => {
    expect(addMonths('2026-02', -11)).toBe('2025-03');
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
  });
});

describe('the PDF without the system font', () => {
  it('renders Chinese with the font from the npm package (what `npm start` uses on a machine without fonts-noto-cjk)', async () => {
    const font = pdfFont({ preferSystem: false });
    expect(font.source).toBe('npm');
    const bill = {
      id: '00000000-0000-4000-8000-000000000001', billNo: '202602-00000001', kind: 'regular' as const, accountId: '00000000-0000-4000-8000-000000000002',
      accountNo: '1000000001', period: '2026-02', periodStart: '2026-02-01', periodEnd: '2026-02-28', adjustsBillId: null, adjustsBillNo: null, reason: null,
      note: null, consumptionLitres: 12_345, isEstimated: false, totalFen: 6172, issuedOn: '2026-03-03', dueOn: '2026-03-18', createdAt: '2026-03-03T01:00:00.000Z',
      netTotalFen: 6172, outstandingFen: 6172, status: 'unpaid' as const,
    };
    const detail: BillDetail = {
      bill,
      lines: [
        { lineNo: 1, lineType: 'water', tier: 1, quantityLitres: 12_345, unitPriceFenPerM3: 207, amountFen: 2555, description: '水费' },
        { lineNo: 2, lineType: 'sewage', tier: null, quantityLitres: 12_345, unitPriceFenPerM3: 136, amountFen: 1679, description: '污水处理费' },
        { lineNo: 3, lineType: 'resource', tier: null, quantityLitres: 12_345, unitPriceFenPerM3: 157, amountFen: 1938, description: '水资源费' },
      ],
      notes: [],
      original: null,
      account: { id: bill.accountId, accountNo: '1000000001', holderNameMasked: '李*英', fullAddress: '洪山区珞喻路347号金色华庭13栋3单元102室', district: '洪山区', category: 'residential', householdSize: 3 },
      readings: { meterSerialNo: 'JC240000001', previousOn: '2026-01-28', previousLitres: 1_000_000, currentOn: '2026-02-27', currentLitres: 1_012_345 },
      remainingFen: 6172,
      balanceFen: 6172,
    };
    const usage = Array.from({ length: 12 }, (_unused, index) => ({ period: addMonths('2025-03', index), consumptionLitres: index === 0 ? null : 8_000 + index * 500, isEstimated: false }));
    const data = await renderBillPdf({ utility: { name: '江城水务集团', hotline: '0710-96655' }, detail, usage }, font);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bill-npm-font-')), 'bill.pdf');
    writeFileSync(file, data);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const expected of ['江城水务集团', '水费账单', '污水处理费', '水资源费', '¥ 61.72', '1,012.345', '0710-96655']) expect(text).toContain(expected);
    expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toContain('NotoSansHans');

    // A much-adjusted bill with many lines still fits: older notes are summed up, the rest runs on to page 2 at most.
    const note = { ...bill, kind: 'credit_note' as const, adjustsBillId: bill.id, adjustsBillNo: bill.billNo, reason: 'other' as const, totalFen: -100, netTotalFen: null, outstandingFen: null, status: null, lines: [] };
    const busy: BillDetail = {
      ...detail,
      lines: Array.from({ length: 14 }, (_unused, index) => ({ ...(detail.lines[0] as BillDetail['lines'][number]), lineNo: index + 1, tier: (index % 3) + 1 })),
      notes: Array.from({ length: 30 }, (_unused, index) => ({ ...note, id: `00000000-0000-4000-8000-1000000000${String(index).padStart(2, '0')}`, billNo: `CN202603${String(index).padStart(6, '0')}` })),
    };
    writeFileSync(file, await renderBillPdf({ utility: { name: '江城水务集团', hotline: null }, detail: busy, usage }, font));
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Pages:\s+2\n/);
    const busyText = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(busyText).toContain('此前 25 张调整单据');
    expect(busyText).toContain('CN202603000029');
  });
});
