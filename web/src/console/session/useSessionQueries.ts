import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken } from '../../api/client';
import type { StaffLoginRequest, StaffSessionResponse, TenantSummary } from '../../api/types';
import { isStatus } from '../utils/errors';
import { SESSION_QUERY_KEY } from './session';

async function fetchSession(): Promise<StaffSessionResponse | null> {
  try {
    const session = await api.get<StaffSessionResponse>('/api/staff/me');
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (isStatus(error, 401)) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The current session, restored from the cookie on load: null means "show the login page". */
export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_QUERY_KEY, queryFn: fetchSession, staleTime: Infinity, retry: false });
}

export function useTenants() {
  return useQuery({
    queryKey: ['tenants'],
    queryFn: async () => (await api.get<{ tenants: TenantSummary[] }>('/api/tenants')).tenants,
    staleTime: 5 * 60_000,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StaffLoginRequest) => api.post<StaffSessionResponse>('/api/staff/login', body),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] && query.queryKey[0] !== 'tenants' });
      queryClient.setQueryData(SESSION_QUERY_KEY, session);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<undefined>('/api/staff/logout'),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] && query.queryKey[0] !== 'tenants' });
      queryClient.setQueryData(SESSION_QUERY_KEY, null);
    },
  });
}
