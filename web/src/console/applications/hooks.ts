/** The console's calls for online business applications (网上办) and their React Query keys. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { FileUpload } from '../../api/types';
import type { ApplicationDetail, ApplicationDocument, ApplicationSummary, ApplicationType, CounterApplication, Department, ListFilter, RouteChoice, StageStats, TypeStats } from './types';

export const applicationKeys = {
  all: ['applications'] as const,
  types: ['applications', 'types'] as const,
  list: (filter: ListFilter) => ['applications', 'list', filter] as const,
  detail: (id: string) => ['applications', 'detail', id] as const,
  statistics: ['applications', 'statistics'] as const,
  routes: ['applications', 'routes'] as const,
};

const path = (id: string) => encodeURIComponent(id);

export function useApplicationTypes() {
  return useQuery({
    queryKey: applicationKeys.types,
    queryFn: () => api.get<{ types: ApplicationType[]; departments: Department[] }>('/api/application-types'),
    staleTime: 5 * 60_000,
  });
}

export function useApplications(filter: ListFilter) {
  return useQuery({
    queryKey: applicationKeys.list(filter),
    queryFn: async () => (await api.get<{ applications: ApplicationSummary[] }>('/api/applications', { ...filter })).applications,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useApplication(id: string) {
  return useQuery({ queryKey: applicationKeys.detail(id), queryFn: () => api.get<ApplicationDetail>(`/api/applications/${path(id)}`) });
}

export function useApplicationStatistics() {
  return useQuery({ queryKey: applicationKeys.statistics, queryFn: () => api.get<{ stages: StageStats[]; types: TypeStats[] }>('/api/applications/statistics') });
}

export function useRouteChoices(enabled: boolean) {
  return useQuery({
    queryKey: applicationKeys.routes,
    queryFn: async () => (await api.get<{ routes: RouteChoice[] }>('/api/applications/reading-routes')).routes,
    enabled,
    staleTime: 5 * 60_000,
  });
}

/** A change to one application: the answer is its new detail, put in the cache at once; the lists refresh. */
function useApplicationChange<Input>(run: (input: Input) => Promise<ApplicationDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (detail) => {
      queryClient.setQueryData(applicationKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: ['applications', 'list'] });
      void queryClient.invalidateQueries({ queryKey: applicationKeys.statistics });
    },
  });
}

export const useClaim = () => useApplicationChange(({ id, version }: { id: string; version: number }) => api.post<ApplicationDetail>(`/api/applications/${path(id)}/claim`, { version }));
export const useAdvance = () =>
  useApplicationChange(({ id, ...body }: { id: string; version: number; stage: string; outputs: Record<string, unknown>; note?: string }) => api.post<ApplicationDetail>(`/api/applications/${path(id)}/advance`, body));
export const useReturn = () => useApplicationChange(({ id, ...body }: { id: string; version: number; reason: string }) => api.post<ApplicationDetail>(`/api/applications/${path(id)}/return`, body));
export const useReject = () => useApplicationChange(({ id, ...body }: { id: string; version: number; reason: string }) => api.post<ApplicationDetail>(`/api/applications/${path(id)}/reject`, body));
export const useResubmit = () => useApplicationChange(({ id, ...body }: { id: string; version: number; note?: string }) => api.post<ApplicationDetail>(`/api/applications/${path(id)}/resubmit`, body));
export const useCreateApplication = () => useApplicationChange((body: CounterApplication) => api.post<ApplicationDetail>('/api/applications', body));

/** Adds a file (a material of the applicant, or a file of the current stage) and reloads the application. */
export function useAddDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; material?: string; stage?: string; file: FileUpload }) => api.post<{ document: ApplicationDocument }>(`/api/applications/${path(id)}/documents`, body),
    onSuccess: (_, input) => queryClient.invalidateQueries({ queryKey: applicationKeys.detail(input.id) }),
  });
}

export const documentUrl = (applicationId: string, documentId: string) => `/api/applications/${path(applicationId)}/documents/${path(documentId)}`;
