import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  ArrearsQuery,
  ArrearsReport,
  BillDispute,
  CollectionCase,
  CollectionNote,
  CollectionNoteInput,
  CutoffInput,
  CutoffOrder,
  CutoffStatus,
  DunningNotice,
  NoticeChannel,
  ReconnectionOrder,
} from '../../api/types';

export type ReconnectionFilter = 'due' | 'overdue' | 'done';

export const collectionKeys = {
  all: ['collection'] as const,
  arrears: (filter: ArrearsQuery) => ['collection', 'arrears', filter] as const,
  file: (accountId: string) => ['collection', 'file', accountId] as const,
  notices: (channel: NoticeChannel | undefined, date: string | undefined) => ['collection', 'notices', channel ?? 'all', date ?? 'all'] as const,
  cutoffs: (status: CutoffStatus | undefined) => ['collection', 'cutoffs', status ?? 'all'] as const,
  reconnections: (status: ReconnectionFilter | undefined) => ['collection', 'reconnections', status ?? 'all'] as const,
};

const path = (id: string) => encodeURIComponent(id);

const arrearsParams = (filter: ArrearsQuery) => ({ routeId: filter.routeId, minAgeDays: filter.minAgeDays, minAmountFen: filter.minAmountFen });

/** 欠费清单: accounts owing past due with the summary per route and age bucket. */
export function useArrears(filter: ArrearsQuery) {
  return useQuery({
    queryKey: collectionKeys.arrears(filter),
    queryFn: () => api.get<ArrearsReport>('/api/arrears', arrearsParams(filter)),
    placeholderData: keepPreviousData,
  });
}

export function arrearsCsvUrl(filter: ArrearsQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(arrearsParams(filter))) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `/api/arrears.csv?${text}` : '/api/arrears.csv';
}

/** The account's collection file: arrears, late fees, notices, notes, disputes, orders. */
export function useCollectionFile(accountId: string | null | undefined) {
  return useQuery({
    queryKey: collectionKeys.file(accountId ?? ''),
    queryFn: () => api.get<CollectionCase>(`/api/accounts/${path(accountId ?? '')}/collection`),
    enabled: Boolean(accountId),
  });
}

export function useNotices(channel: NoticeChannel | undefined, date: string | undefined) {
  return useQuery({
    queryKey: collectionKeys.notices(channel, date),
    queryFn: async () => (await api.get<{ notices: DunningNotice[] }>('/api/collection-notices', { channel, date, limit: 2000 })).notices,
  });
}

export function useCutoffOrders(status: CutoffStatus | undefined) {
  return useQuery({
    queryKey: collectionKeys.cutoffs(status),
    queryFn: async () => (await api.get<{ orders: CutoffOrder[] }>('/api/cutoff-orders', { status, limit: 500 })).orders,
    placeholderData: keepPreviousData,
  });
}

/** Reconnection orders; due ones are refetched every minute so their countdown and overdue flag stay true. */
export function useReconnectionOrders(status: ReconnectionFilter | undefined) {
  return useQuery({
    queryKey: collectionKeys.reconnections(status),
    queryFn: async () => (await api.get<{ orders: ReconnectionOrder[] }>('/api/reconnection-orders', { status, limit: 500 })).orders,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

/** A collection action changes lists, files, and (for disputes) bills. */
function useInvalidateCollection() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([queryClient.invalidateQueries({ queryKey: collectionKeys.all }), queryClient.invalidateQueries({ queryKey: ['bills'] })]);
}

export function useAddNote(accountId: string) {
  const invalidate = useInvalidateCollection();
  return useMutation({
    mutationFn: (body: CollectionNoteInput) => api.post<CollectionNote>(`/api/accounts/${path(accountId)}/collection-notes`, body),
    onSuccess: () => void invalidate(),
  });
}

export function useOpenDispute() {
  const invalidate = useInvalidateCollection();
  return useMutation({
    mutationFn: ({ billId, reason }: { billId: string; reason: string }) => api.post<BillDispute>(`/api/bills/${path(billId)}/disputes`, { reason }),
    onSuccess: () => void invalidate(),
  });
}

export function useCloseDispute() {
  const invalidate = useInvalidateCollection();
  return useMutation({
    mutationFn: ({ disputeId, resolution }: { disputeId: string; resolution: string }) => api.post<BillDispute>(`/api/bill-disputes/${path(disputeId)}/close`, { resolution }),
    onSuccess: () => void invalidate(),
  });
}

export function useIssueCutoff(accountId: string) {
  const invalidate = useInvalidateCollection();
  return useMutation({
    mutationFn: (body: CutoffInput) => api.post<CutoffOrder>(`/api/accounts/${path(accountId)}/cutoff-orders`, body),
    onSuccess: () => void invalidate(),
  });
}

export function useCancelCutoff() {
  const invalidate = useInvalidateCollection();
  return useMutation({
    mutationFn: ({ orderId, reason }: { orderId: string; reason: string }) => api.post<CutoffOrder>(`/api/cutoff-orders/${path(orderId)}/cancel`, { reason }),
    onSuccess: () => void invalidate(),
  });
}

export function useCompleteCutoff() {
  const invalidate = useInvalidateCollection();
  return useMutation({
    mutationFn: (orderId: string) => api.post<CutoffOrder>(`/api/cutoff-orders/${path(orderId)}/complete`),
    onSuccess: () => void invalidate(),
  });
}

export function useCompleteReconnection() {
  const invalidate = useInvalidateCollection();
  return useMutation({
    mutationFn: (orderId: string) => api.post<ReconnectionOrder>(`/api/reconnection-orders/${path(orderId)}/complete`),
    onSuccess: () => void invalidate(),
  });
}
