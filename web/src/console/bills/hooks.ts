import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  AdjustmentRequest,
  AdjustmentResult,
  BillDetail,
  BillPage,
  RebillRequest,
  UsageSeries,
  ZeroConsumptionReport,
} from '../../api/types';

export const billKeys = {
  all: ['bills'] as const,
  account: (accountId: string, page: number, pageSize: number) => ['bills', 'account', accountId, page, pageSize] as const,
  detail: (billId: string) => ['bills', 'detail', billId] as const,
  usage: (accountId: string) => ['bills', 'usage', accountId] as const,
};

export function useAccountBills(accountId: string | undefined, page: number, pageSize: number) {
  return useQuery({
    queryKey: billKeys.account(accountId ?? '', page, pageSize),
    queryFn: () => api.get<BillPage>(`/api/accounts/${encodeURIComponent(accountId ?? '')}/bills`, { page, pageSize }),
    enabled: Boolean(accountId),
    placeholderData: keepPreviousData,
  });
}

export function useBill(billId: string | null) {
  return useQuery({
    queryKey: billKeys.detail(billId ?? ''),
    queryFn: () => api.get<BillDetail>(`/api/bills/${encodeURIComponent(billId ?? '')}`),
    enabled: Boolean(billId),
  });
}

export function useUsage(accountId: string | undefined) {
  return useQuery({
    queryKey: billKeys.usage(accountId ?? ''),
    queryFn: () => api.get<UsageSeries>(`/api/accounts/${encodeURIComponent(accountId ?? '')}/usage`, { months: 12 }),
    enabled: Boolean(accountId),
  });
}

/** After a note, everything about bills may have changed: lists, details, balances, usage. */
function useInvalidateBills() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: billKeys.all });
}

export function useAdjustBill(billId: string) {
  const invalidate = useInvalidateBills();
  return useMutation({
    mutationFn: (body: AdjustmentRequest) => api.post<AdjustmentResult>(`/api/bills/${encodeURIComponent(billId)}/adjustments`, body),
    onSuccess: () => void invalidate(),
  });
}

export function useRebill(billId: string) {
  const invalidate = useInvalidateBills();
  return useMutation({
    mutationFn: (body: RebillRequest) => api.post<AdjustmentResult>(`/api/bills/${encodeURIComponent(billId)}/rebill`, body),
    onSuccess: () => void invalidate(),
  });
}

export const billPdfUrl = (billId: string) => `/api/bills/${encodeURIComponent(billId)}/pdf`;

export interface ZeroUseFilter {
  periods: number;
  district?: string | undefined;
  /** Only the new connections with no reading within the first-reading period. */
  onlyFlagged?: boolean | undefined;
  page: number;
  pageSize: number;
}

export function useZeroUseReport(filter: ZeroUseFilter) {
  return useQuery({
    queryKey: ['reports', 'zero-consumption', filter],
    queryFn: () => api.get<ZeroConsumptionReport>('/api/reports/zero-consumption', { ...filter, onlyFlagged: filter.onlyFlagged ? 'true' : undefined }),
    placeholderData: keepPreviousData,
  });
}

export function zeroUseCsvUrl(filter: Pick<ZeroUseFilter, 'periods' | 'district' | 'onlyFlagged'>): string {
  const params = new URLSearchParams({ periods: String(filter.periods) });
  if (filter.district) params.set('district', filter.district);
  if (filter.onlyFlagged) params.set('onlyFlagged', 'true');
  return `/api/reports/zero-consumption.csv?${params.toString()}`;
}
