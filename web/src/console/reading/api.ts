/** The reading pages' calls to the API, as React Query hooks. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  MyRoute,
  NewReadingRequest,
  PhotoUpload,
  ReadingDeadLetter,
  ReadingImportReport,
  ReadingResult,
  ReviewItem,
  RotationProposal,
  RouteDetail,
  RouteSheet,
  RouteSummary,
  StaffMember,
} from '../../api/types';

export const readingKeys = {
  routes: ['reading', 'routes'] as const,
  route: (id: string) => ['reading', 'routes', id] as const,
  sheet: (id: string, period?: string) => ['reading', 'sheet', id, period ?? 'current'] as const,
  mine: ['reading', 'mine'] as const,
  rotation: ['reading', 'rotation'] as const,
  review: ['reading', 'review'] as const,
  deadLetters: ['reading', 'dead-letters'] as const,
  staff: ['staff'] as const,
};

export const useRoutes = () => useQuery({ queryKey: readingKeys.routes, queryFn: async () => (await api.get<{ routes: RouteSummary[] }>('/api/routes')).routes });
export const useRoute = (id: string) => useQuery({ queryKey: readingKeys.route(id), queryFn: () => api.get<RouteDetail>(`/api/routes/${encodeURIComponent(id)}`) });
export const useMyRoutes = () => useQuery({ queryKey: readingKeys.mine, queryFn: async () => (await api.get<{ routes: MyRoute[] }>('/api/routes/mine')).routes });
export const useRotation = () =>
  useQuery({ queryKey: readingKeys.rotation, queryFn: () => api.get<{ termMonths: number; proposals: RotationProposal[] }>('/api/routes/rotation-proposal') });
export const useSheet = (id: string, period?: string) =>
  useQuery({ queryKey: readingKeys.sheet(id, period), queryFn: () => api.get<RouteSheet>(`/api/routes/${encodeURIComponent(id)}/sheet`, { period }) });
export const useReviewQueue = () =>
  useQuery({ queryKey: readingKeys.review, queryFn: () => api.get<{ items: ReviewItem[]; total: number; next: string | null }>('/api/readings/review-queue', { limit: 200 }) });
export const useDeadLetters = () =>
  useQuery({ queryKey: readingKeys.deadLetters, queryFn: async () => (await api.get<{ deadLetters: ReadingDeadLetter[] }>('/api/readings/dead-letters')).deadLetters });
export const useStaffList = (enabled: boolean) =>
  useQuery({ queryKey: readingKeys.staff, enabled, queryFn: async () => (await api.get<{ staff: StaffMember[] }>('/api/staff')).staff });

export function usePhoto(readingId: string | null) {
  return useQuery({
    queryKey: ['reading', 'photo', readingId],
    enabled: readingId !== null,
    staleTime: Infinity,
    queryFn: () => api.get<PhotoUpload>(`/api/readings/${encodeURIComponent(readingId ?? '')}/photo`),
  });
}

/** Invalidates every reading query after a change, so lists and progress stay true. */
function useInvalidateReading() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['reading'] });
}

export function useRouteMutations(id: string) {
  const invalidate = useInvalidateReading();
  const onSuccess = () => void invalidate();
  return {
    update: useMutation({ mutationFn: (body: { name?: string; readingDay?: number; isActive?: boolean }) => api.patch<RouteDetail>(`/api/routes/${id}`, body), onSuccess }),
    addAccounts: useMutation({ mutationFn: (accountNos: string[]) => api.post<RouteDetail>(`/api/routes/${id}/accounts`, { accountNos }), onSuccess }),
    removeAccount: useMutation({ mutationFn: (accountId: string) => api.delete(`/api/routes/${id}/accounts/${accountId}`), onSuccess }),
    walkOrder: useMutation({ mutationFn: (accountIds: string[]) => api.post<RouteDetail>(`/api/routes/${id}/walk-order`, { accountIds }), onSuccess }),
    assign: useMutation({
      mutationFn: (body: { staffId: string; duty: 'reader' | 'collector'; startsOn: string; endsOn?: string | null }) => api.post<RouteDetail>(`/api/routes/${id}/assignments`, body),
      onSuccess,
    }),
  };
}

export function useCreateRoute() {
  const invalidate = useInvalidateReading();
  return useMutation({
    mutationFn: (body: { code: string; name: string; readingDay?: number }) => api.post<RouteDetail>('/api/routes', body),
    onSuccess: () => void invalidate(),
  });
}

export function useAssign() {
  const invalidate = useInvalidateReading();
  return useMutation({
    mutationFn: ({ routeId, ...body }: { routeId: string; staffId: string; duty: 'reader' | 'collector'; startsOn: string }) => api.post<RouteDetail>(`/api/routes/${routeId}/assignments`, body),
    onSuccess: () => void invalidate(),
  });
}

export function useEnterReading() {
  const invalidate = useInvalidateReading();
  return useMutation({ mutationFn: (body: NewReadingRequest) => api.post<ReadingResult>('/api/readings', body), onSuccess: () => void invalidate() });
}

export function useReview() {
  const invalidate = useInvalidateReading();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; decision: 'accept' | 'reject' | 'estimate'; note: string; consumptionLitres?: number }) => api.post(`/api/readings/${id}/review`, body),
    onSuccess: () => void invalidate(),
  });
}

export function useImportReadings() {
  const invalidate = useInvalidateReading();
  return useMutation({
    mutationFn: (body: { fileName: string; contentBase64: string }) => api.post<ReadingImportReport>('/api/readings/import', body),
    onSuccess: () => void invalidate(),
  });
}
