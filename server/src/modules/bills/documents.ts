import type { PlatformContext } from '../../platform/context';
import { renderBillPdf } from './pdf';
import { letterheadOf } from './rows';
import { loadBillDetail, usageSeries, type Viewer } from './service';

/** A bill's PDF: the data read in one transaction, the document drawn after it ends. */
export async function billPdf(context: PlatformContext, tenantId: string, viewer: Viewer, billId: string): Promise<{ name: string; data: Buffer }> {
  const { detail, usage, letterhead } = await context.db.withTenant(tenantId, async (sql) => {
    const loaded = await loadBillDetail(sql, context, tenantId, viewer, billId);
    return {
      detail: loaded,
      usage: await usageSeries(sql, context, tenantId, loaded.bill.accountId, 12, loaded.bill.period),
      letterhead: await letterheadOf(sql, tenantId),
    };
  });
  const data = await renderBillPdf({ utility: { name: letterhead.name, hotline: letterhead.hotline }, detail, usage });
  return { name: `bill-${detail.bill.billNo}.pdf`, data };
}
