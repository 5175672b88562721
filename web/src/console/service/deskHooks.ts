/** The service desk's calls to the API (knowledge base, calls and call-backs, duplicates, follow-ups, duty rota) as React Query hooks. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  CallDirection,
  CallOutcome,
  CallbackState,
  KnowledgeArticle,
  KnowledgeArticleDetail,
  KnowledgeSearch,
  KnowledgeStatus,
  NewKnowledgeArticle,
  NewServiceCall,
  ServiceCall,
  ServiceCallDay,
  ServiceCallback,
  ServiceContact,
  ServiceDuplicate,
  ServiceDutyShift,
  ServiceFollowUp,
  ServiceRequestDesk,
  ServiceRequestDetail,
  StaffMember,
} from '../../api/types';
import { serviceKeys } from './hooks';

export const deskKeys = {
  knowledgeSearch: (q: string, tag: string | undefined) => ['service', 'knowledge', 'search', q, tag ?? ''] as const,
  knowledgeList: (status: KnowledgeStatus | undefined, q: string) => ['service', 'knowledge', 'list', status ?? '', q] as const,
  knowledgeArticle: (id: string) => ['service', 'knowledge', 'article', id] as const,
  calls: (filter: CallFilter) => ['service', 'calls', 'list', filter] as const,
  call: (id: string) => ['service', 'calls', 'detail', id] as const,
  daily: (from: string, to: string) => ['service', 'calls', 'daily', from, to] as const,
  callbacks: (state: CallbackState | undefined) => ['service', 'callbacks', state ?? 'all'] as const,
  duplicates: (query: DuplicateQuery) => ['service', 'duplicates', query] as const,
  desk: (id: string) => ['service', 'desk', id] as const,
  followUps: (view: FollowUpView) => ['service', 'followups', view] as const,
  shifts: ['service', 'duty'] as const,
  managers: ['service', 'duty', 'managers'] as const,
};

// ---- knowledge base ----
export const useKnowledgeSearch = (q: string, tag: string | undefined) =>
  useQuery({
    queryKey: deskKeys.knowledgeSearch(q, tag),
    placeholderData: keepPreviousData,
    queryFn: () => api.get<KnowledgeSearch>('/api/knowledge/search', { q, tag, limit: 8 }),
  });

export const useKnowledgeArticles = (status: KnowledgeStatus | undefined, q: string) =>
  useQuery({
    queryKey: deskKeys.knowledgeList(status, q),
    placeholderData: keepPreviousData,
    queryFn: async () => (await api.get<{ articles: KnowledgeArticle[] }>('/api/knowledge/articles', { status, q })).articles,
  });

export const useKnowledgeArticle = (id: string | null) =>
  useQuery({ queryKey: deskKeys.knowledgeArticle(id ?? ''), enabled: id !== null, queryFn: () => api.get<KnowledgeArticleDetail>(`/api/knowledge/articles/${encodeURIComponent(id ?? '')}`) });

export type ArticleAction =
  | { kind: 'create'; body: NewKnowledgeArticle }
  | { kind: 'update'; id: string; body: { version: number; title?: string; body?: string; tags?: string[]; keywords?: string[] } }
  | { kind: 'publish' | 'archive'; id: string; version: number };

export function useArticleAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: ArticleAction) => {
      if (action.kind === 'create') return api.post<KnowledgeArticleDetail>('/api/knowledge/articles', action.body);
      if (action.kind === 'update') return api.patch<KnowledgeArticleDetail>(`/api/knowledge/articles/${encodeURIComponent(action.id)}`, action.body);
      return api.post<KnowledgeArticleDetail>(`/api/knowledge/articles/${encodeURIComponent(action.id)}/${action.kind}`, { version: action.version });
    },
    onSuccess: (article) => {
      queryClient.setQueryData(deskKeys.knowledgeArticle(article.id), article);
      void queryClient.invalidateQueries({ queryKey: ['service', 'knowledge', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['service', 'knowledge', 'search'] });
    },
  });
}

// ---- calls and call-backs ----
export interface CallFilter {
  date?: string;
  direction?: CallDirection;
  outcome?: CallOutcome;
}

export const useCalls = (filter: CallFilter) =>
  useQuery({
    queryKey: deskKeys.calls(filter),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    queryFn: async () => (await api.get<{ calls: ServiceCall[] }>('/api/service-calls', { ...filter, limit: 200 })).calls,
  });

export const useCall = (id: string | null) =>
  useQuery({ queryKey: deskKeys.call(id ?? ''), enabled: id !== null, queryFn: () => api.get<ServiceCall>(`/api/service-calls/${encodeURIComponent(id ?? '')}`) });

export const useDailyCalls = (from: string, to: string) =>
  useQuery({ queryKey: deskKeys.daily(from, to), queryFn: async () => (await api.get<{ days: ServiceCallDay[] }>('/api/service-calls/daily', { from, to })).days });

export const useCallbacks = (state: CallbackState | undefined) =>
  useQuery({
    queryKey: deskKeys.callbacks(state),
    refetchInterval: 30_000,
    queryFn: async () => (await api.get<{ callbacks: ServiceCallback[] }>('/api/service-callbacks', { state, limit: 200 })).callbacks,
  });

const invalidateCalls = (queryClient: ReturnType<typeof useQueryClient>) => {
  void queryClient.invalidateQueries({ queryKey: ['service', 'calls'] });
  void queryClient.invalidateQueries({ queryKey: ['service', 'callbacks'] });
};

export function useLogCall() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewServiceCall) => api.post<ServiceCall>('/api/service-calls', body),
    onSuccess: (call) => {
      queryClient.setQueryData(deskKeys.call(call.id), call);
      invalidateCalls(queryClient);
    },
  });
}

export function useEndCall(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { endedAt?: string; note?: string }) => api.patch<ServiceCall>(`/api/service-calls/${encodeURIComponent(id)}`, body),
    onSuccess: (call) => {
      queryClient.setQueryData(deskKeys.call(call.id), call);
      invalidateCalls(queryClient);
    },
  });
}

export function useCallbackAttempt() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; version: number; reached: boolean; note?: string }) => api.post<ServiceCallback>(`/api/service-callbacks/${encodeURIComponent(id)}/attempts`, body),
    onSuccess: () => invalidateCalls(queryClient),
  });
}

export const revealCallbackNumber = (id: string) => api.post<{ number: string }>(`/api/service-callbacks/${encodeURIComponent(id)}/reveal`);

// ---- duplicates ----
export interface DuplicateQuery {
  categoryId?: string;
  accountId?: string;
  address?: string;
}

/** Likely duplicates of the request being filled in, once there is a category and a place. */
export const useDuplicates = (query: DuplicateQuery) =>
  useQuery({
    queryKey: deskKeys.duplicates(query),
    enabled: Boolean(query.categoryId && (query.accountId || (query.address && query.address.length >= 2))),
    queryFn: async () => (await api.get<{ duplicates: ServiceDuplicate[] }>('/api/service-requests/duplicates', { ...query })).duplicates,
  });

export function useAttachContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: ServiceContact & { id: string }) => api.post<ServiceRequestDetail>(`/api/service-requests/${encodeURIComponent(id)}/contacts`, body),
    onSuccess: (detail) => {
      queryClient.setQueryData(serviceKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: ['service', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['service', 'duplicates'] });
      invalidateCalls(queryClient);
    },
  });
}

// ---- a request's desk side ----
/** Keyed by the request's version too: a step taken (a closure makes a follow-up) reads it again. */
export const useRequestDesk = (id: string, version: number) =>
  useQuery({ queryKey: [...deskKeys.desk(id), version], queryFn: () => api.get<ServiceRequestDesk>(`/api/service-requests/${encodeURIComponent(id)}/desk`) });

// ---- follow-ups ----
export type FollowUpView = 'pending' | 'escalated' | 'done' | 'all';

export const useFollowUps = (view: FollowUpView) =>
  useQuery({
    queryKey: deskKeys.followUps(view),
    placeholderData: keepPreviousData,
    queryFn: async () => (await api.get<{ followUps: ServiceFollowUp[] }>('/api/service-followups', { view, limit: 200 })).followUps,
  });

export function useFollowUpAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: { kind: 'result'; id: string; body: { version: number; reached: boolean; rating?: number; comment?: string } } | { kind: 'review'; id: string; body: { version: number; note: string } }) =>
      api.post<ServiceFollowUp>(`/api/service-followups/${encodeURIComponent(action.id)}/${action.kind}`, action.body),
    onSuccess: (followUp) => {
      void queryClient.invalidateQueries({ queryKey: ['service', 'followups'] });
      void queryClient.invalidateQueries({ queryKey: serviceKeys.detail(followUp.request.id) });
      void queryClient.invalidateQueries({ queryKey: deskKeys.desk(followUp.request.id) });
      void queryClient.invalidateQueries({ queryKey: ['service', 'list'] });
    },
  });
}

// ---- duty leaders ----
export const useDutyShifts = () =>
  useQuery({ queryKey: deskKeys.shifts, queryFn: async () => (await api.get<{ shifts: ServiceDutyShift[] }>('/api/service-duty-shifts', { days: 30 })).shifts });

/** The staff who may be on the rota: active managers (read with staff.read, which managers hold). */
export const useManagers = (enabled: boolean) =>
  useQuery({
    queryKey: deskKeys.managers,
    enabled,
    queryFn: async () => (await api.get<{ staff: StaffMember[] }>('/api/staff')).staff.filter((member) => member.isActive && member.roles.includes('manager')),
  });

export function useDutyAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: { kind: 'create'; body: { staffId: string; phone: string; startsAt: string; endsAt: string } } | { kind: 'cancel'; id: string }) =>
      action.kind === 'create' ? api.post<ServiceDutyShift>('/api/service-duty-shifts', action.body) : api.post<ServiceDutyShift>(`/api/service-duty-shifts/${encodeURIComponent(action.id)}/cancel`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: deskKeys.shifts }),
  });
}
