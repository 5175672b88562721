/** The dispatcher's board, the crew's phone reveal and the service settings' calls to the API, as React Query hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { NewServiceCategory, NewServiceMaterial, ServiceBoard, ServiceCategory, ServiceCategoryPatch, ServiceMaterial, ServiceMaterialPatch, ServiceRequest, ServiceRequestDetail } from '../../api/types';
import { serviceKeys } from './hooks';

export interface BoardFilter {
  track: 'field' | 'desk' | 'all';
  minAlertLevel?: number;
}

export const adminKeys = {
  board: (filter: BoardFilter) => ['service', 'board', filter] as const,
  categories: ['service', 'settings', 'categories'] as const,
  materials: ['service', 'settings', 'materials'] as const,
};

/** Open work by area; refreshed every half minute (the countdowns tick in between). */
export const useServiceBoard = (filter: BoardFilter) =>
  useQuery({
    queryKey: adminKeys.board(filter),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    queryFn: () => api.get<ServiceBoard>('/api/service-board', { track: filter.track, minAlertLevel: filter.minAlertLevel === undefined ? undefined : String(filter.minAlertLevel) }),
  });

/** The resident's full number, for the crew member who holds the request (audited). */
export const useRevealPhone = (id: string) => useMutation({ mutationFn: () => api.post<{ number: string }>(`/api/service-requests/${encodeURIComponent(id)}/reveal-phone`, {}) });

export const useCategorySettings = () => useQuery({ queryKey: adminKeys.categories, queryFn: async () => (await api.get<{ categories: ServiceCategory[] }>('/api/service-settings/categories')).categories });
export const useMaterialSettings = () => useQuery({ queryKey: adminKeys.materials, queryFn: async () => (await api.get<{ materials: ServiceMaterial[] }>('/api/service-settings/materials')).materials });

export function useSaveCategory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; patch: ServiceCategoryPatch } | { id?: undefined; body: NewServiceCategory }) =>
      'patch' in input ? api.patch<ServiceCategory>(`/api/service-settings/categories/${encodeURIComponent(input.id)}`, input.patch) : api.post<ServiceCategory>('/api/service-settings/categories', input.body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.categories });
      void queryClient.invalidateQueries({ queryKey: serviceKeys.categories });
    },
  });
}

export function useSaveMaterial() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string; patch: ServiceMaterialPatch } | { id?: undefined; body: NewServiceMaterial }) =>
      'patch' in input ? api.patch<ServiceMaterial>(`/api/service-settings/materials/${encodeURIComponent(input.id)}`, input.patch) : api.post<ServiceMaterial>('/api/service-settings/materials', input.body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.materials });
      void queryClient.invalidateQueries({ queryKey: ['service', 'materials'] });
    },
  });
}

/**
 * Dispatches a request from the board: a request still waiting is accepted first (two steps, each checked by
 * the server's state machine, the second with the version the first answered).
 */
export function useAssignFromBoard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ request, staffId }: { request: ServiceRequest; staffId: string }) => {
      let version = request.version;
      if (request.state === 'submitted') version = (await api.post<ServiceRequestDetail>(`/api/service-requests/${encodeURIComponent(request.id)}/steps`, { step: 'accept', version })).version;
      return api.post<ServiceRequestDetail>(`/api/service-requests/${encodeURIComponent(request.id)}/steps`, { step: 'dispatch', version, assigneeStaffId: staffId });
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: serviceKeys.all });
    },
  });
}
