import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { AuditPage, AuditVerification, OutboxPage } from '../../api/types';

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

export function useOutbox(recipient: string) {
  return useInfiniteQuery({
    queryKey: ['outbox', recipient],
    queryFn: ({ pageParam }) => api.get<OutboxPage>('/api/outbox', { recipient, before: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    refetchInterval: OUTBOX_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}
