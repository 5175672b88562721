import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { AuditPage, AuditVerification, OutboxChannel, OutboxMessage, OutboxPage, OutboxStatus } from '../../api/types';

export interface AuditFilters {
  objectType?: string;
  objectId?: string;
  actor?: string;
  action?: string;
  /** ISO date-times. */
  from?: string;
  to?: string;
}

const PAGE_SIZE = 50;

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) => api.get<AuditPage>('/api/audit', { ...filters, before: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
}

export function useVerifyAudit() {
  return useMutation({ mutationFn: () => api.get<AuditVerification>('/api/audit/verify') });
}

export const OUTBOX_REFRESH_MS = 5_000;

export interface OutboxFilters {
  recipient?: string;
  channel?: OutboxChannel;
  status?: OutboxStatus;
}

export function useOutbox(filters: OutboxFilters) {
  return useInfiniteQuery({
    queryKey: ['outbox', filters],
    queryFn: ({ pageParam }) => api.get<OutboxPage>('/api/outbox', { ...filters, before: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    refetchInterval: OUTBOX_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

/** Queues a failed message once more (audited on the server); the list refreshes. */
export function useRetryOutboxMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<OutboxMessage>(`/api/outbox/${encodeURIComponent(id)}/retry`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['outbox'] }),
  });
}
