/** The portal's calls for bills and usage, and the React Query keys they are cached under. */
import { api } from '../../api/client';
import type { BillDetail, BillPage, UsageSeries } from '../../api/types';

export const billQueryKeys = {
  bills: (accountId: string) => ['portal', 'bills', 'account', accountId] as const,
  bill: (billId: string) => ['portal', 'bills', 'detail', billId] as const,
  usage: (accountId: string) => ['portal', 'bills', 'usage', accountId] as const,
};

export const BILLS_PAGE_SIZE = 12;

export const fetchBills = (accountId: string, page: number) =>
  api.get<BillPage>(`/api/portal/accounts/${encodeURIComponent(accountId)}/bills`, { page, pageSize: BILLS_PAGE_SIZE });
export const fetchBill = (billId: string) => api.get<BillDetail>(`/api/portal/bills/${encodeURIComponent(billId)}`);
export const fetchUsage = (accountId: string) => api.get<UsageSeries>(`/api/portal/accounts/${encodeURIComponent(accountId)}/usage`, { months: 12 });
export const billPdfUrl = (billId: string) => `/api/portal/bills/${encodeURIComponent(billId)}/pdf`;
