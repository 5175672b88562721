/** The service-request pages' calls to the API, as React Query hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  NewServiceRequest,
  ServiceCategory,
  ServiceCrew,
  ServiceRequest,
  ServiceRequestDetail,
  ServiceRequestKind,
  ServiceReassignRequest,
  ServiceRequestState,
  ServiceStepRequest,
} from '../../api/types';

export interface ServiceListFilter {
  open?: boolean;
  overdue?: boolean;
  kind?: ServiceRequestKind;
  state?: ServiceRequestState;
  assignedToMe?: boolean;
  customerId?: string;
}

export const serviceKeys = {
  all: ['service'] as const,
  categories: ['service', 'categories'] as const,
  crews: ['service', 'crews'] as const,
  list: (filter: ServiceListFilter) => ['service', 'list', filter] as const,
  detail: (id: string) => ['service', 'detail', id] as const,
};

const flag = (value: boolean | undefined) => (value === undefined ? undefined : String(value));

export const useServiceCategories = () =>
  useQuery({
    queryKey: serviceKeys.categories,
    staleTime: 10 * 60_000,
    queryFn: async () => (await api.get<{ categories: ServiceCategory[] }>('/api/service-categories')).categories,
  });

/** The repair crew a request may be dispatched to (service.dispatch). */
export const useServiceCrews = (enabled: boolean) =>
  useQuery({ queryKey: serviceKeys.crews, enabled, queryFn: async () => (await api.get<{ crews: ServiceCrew[] }>('/api/service-crews')).crews });

/** Requests, newest first; refreshed every half minute so that countdowns and new reports stay current. */
export function useServiceRequests(filter: ServiceListFilter) {
  return useQuery({
    queryKey: serviceKeys.list(filter),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    queryFn: async () =>
      (
        await api.get<{ requests: ServiceRequest[] }>('/api/service-requests', {
          open: flag(filter.open),
          overdue: flag(filter.overdue),
          kind: filter.kind,
          state: filter.state,
          assignedToMe: flag(filter.assignedToMe),
          customerId: filter.customerId,
          limit: 200,
        })
      ).requests,
  });
}

export const useServiceRequest = (id: string) =>
  useQuery({ queryKey: serviceKeys.detail(id), queryFn: () => api.get<ServiceRequestDetail>(`/api/service-requests/${encodeURIComponent(id)}`) });

export function useCreateServiceRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewServiceRequest) => api.post<ServiceRequestDetail>('/api/service-requests', body),
    onSuccess: (created) => {
      queryClient.setQueryData(serviceKeys.detail(created.id), created);
      void queryClient.invalidateQueries({ queryKey: ['service', 'list'] });
    },
  });
}

/** Takes one step; the answer is the request as it now stands. A stale version refreshes the request. */
export function useServiceStep(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ServiceStepRequest) => api.post<ServiceRequestDetail>(`/api/service-requests/${encodeURIComponent(id)}/steps`, body),
    onSuccess: (detail) => {
      queryClient.setQueryData(serviceKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: ['service', 'list'] });
      void queryClient.invalidateQueries({ queryKey: serviceKeys.crews });
    },
  });
}

/** Gives a dispatched repair to another crew member (改派); the board, lists and crews' loads refresh. */
export function useServiceReassign(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ServiceReassignRequest) => api.post<ServiceRequestDetail>(`/api/service-requests/${encodeURIComponent(id)}/reassign`, body),
    onSuccess: (detail) => {
      queryClient.setQueryData(serviceKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: serviceKeys.all });
    },
  });
}
