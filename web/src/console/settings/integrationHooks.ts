/** The integrations page's calls to the API (Open311 keys and services, 12345 links and replies), as React Query hooks. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  City12345Link,
  City12345Reply,
  City12345ReplyStatus,
  IssuedOpen311ApiKey,
  NewCity12345Link,
  NewOpen311ApiKey,
  Open311ApiKey,
  Open311Service,
  Open311ServicePatch,
} from '../../api/types';

export const integrationKeys = {
  keys: ['integrations', 'open311', 'keys'] as const,
  services: ['integrations', 'open311', 'services'] as const,
  links: ['integrations', 'city12345', 'links'] as const,
  replies: (status: City12345ReplyStatus | undefined) => ['integrations', 'city12345', 'replies', status ?? 'all'] as const,
};

export const useOpen311Keys = () => useQuery({ queryKey: integrationKeys.keys, queryFn: async () => (await api.get<{ keys: Open311ApiKey[] }>('/api/open311/keys')).keys });

export function useIssueOpen311Key() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: NewOpen311ApiKey) => api.post<IssuedOpen311ApiKey>('/api/open311/keys', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: integrationKeys.keys }),
  });
}

export function useRevokeOpen311Key() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Open311ApiKey>(`/api/open311/keys/${id}/revoke`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: integrationKeys.keys }),
  });
}

export const useOpen311Services = () => useQuery({ queryKey: integrationKeys.services, queryFn: async () => (await api.get<{ services: Open311Service[] }>('/api/open311/services')).services });

export function useUpdateOpen311Service() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ code, patch }: { code: string; patch: Open311ServicePatch }) => api.patch<Open311Service>(`/api/open311/services/${code}`, patch),
    onSuccess: (saved) => {
      queryClient.setQueryData<Open311Service[]>(integrationKeys.services, (list) => list?.map((service) => (service.code === saved.code ? saved : service)));
    },
  });
}

export const useCityLinks = () => useQuery({ queryKey: integrationKeys.links, queryFn: async () => (await api.get<{ links: City12345Link[] }>('/api/city12345/links')).links });

export function useIssueCityLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: NewCity12345Link) => api.post<{ link: City12345Link; secret: string }>('/api/city12345/links', input),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: integrationKeys.links }),
  });
}

export function useRevokeCityLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<City12345Link>(`/api/city12345/links/${id}/revoke`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: integrationKeys.links }),
  });
}

/** The reply outbox, refreshed every half minute while the page is open (deliveries happen in the background). */
export const useCityReplies = (status: City12345ReplyStatus | undefined) =>
  useQuery({
    queryKey: integrationKeys.replies(status),
    refetchInterval: 30_000,
    queryFn: async () => (await api.get<{ replies: City12345Reply[] }>('/api/city12345/replies', { ...(status ? { status } : {}), limit: 200 })).replies,
  });

export function useRetryCityReply() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<City12345Reply>(`/api/city12345/replies/${id}/retry`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['integrations', 'city12345', 'replies'] }),
  });
}
