import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError, setCsrfToken } from '../api/client';
import { SESSION_QUERY_KEY } from './session/session';

let expired = false;

/** True once after a request found the session gone; the login page then says why it is shown. */
export function takeSessionExpired(): boolean {
  const value = expired;
  expired = false;
  return value;
}

function onAnyError(error: unknown, queryKey?: readonly unknown[]): void {
  if (!(error instanceof ApiError) || error.status !== 401) return;
  if (queryKey && queryKey[0] === SESSION_QUERY_KEY[0]) return;
  // A 401 from anything but login itself means the session expired or was revoked: back to the login page.
  if (error.body.code === 'invalid_credentials') return;
  if (queryClient.getQueryData(SESSION_QUERY_KEY)) {
    expired = true;
    setCsrfToken(null);
    queryClient.setQueryData(SESSION_QUERY_KEY, null);
  }
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error, query) => onAnyError(error, query.queryKey) }),
  mutationCache: new MutationCache({ onError: (error) => onAnyError(error) }),
  defaultOptions: {
    queries: {
      refetchOnWindowFocus: false,
      staleTime: 10_000,
      // Client errors (4xx) will not go away by asking again; network and server errors may.
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
    },
  },
});
