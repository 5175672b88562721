/** The customer's session, the chosen utility, and small helpers shared by the pages. */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { setCsrfToken } from '../api/client';
import type { PortalSessionResponse, TenantSummary } from '../api/types';
import { fetchSession, queryKeys } from './api';

export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: async () => {
      const session = await fetchSession();
      setCsrfToken(session?.csrfToken ?? null);
      return session;
    },
    staleTime: 5 * 60_000,
  });
}

/** Makes a fresh login the current session. */
export function startSession(queryClient: QueryClient, session: PortalSessionResponse): void {
  setCsrfToken(session.csrfToken);
  queryClient.setQueryData(queryKeys.session, session);
  // Nothing cached for an earlier customer on this phone may show up for this one.
  forgetCustomerData(queryClient);
}

/** Forgets the session and everything cached under it. */
export function endSession(queryClient: QueryClient): void {
  setCsrfToken(null);
  // The session query itself stays (now null) so that the mounted route guard sees the change.
  queryClient.setQueryData(queryKeys.session, null);
  forgetCustomerData(queryClient);
}

function forgetCustomerData(queryClient: QueryClient): void {
  queryClient.removeQueries({
    predicate: (query) => query.queryKey[0] === 'portal' && query.queryKey[1] !== queryKeys.session[1],
  });
}

export function tenantName(tenant: TenantSummary, language: string): string {
  return language.startsWith('en') && tenant.nameEn ? tenant.nameEn : tenant.name;
}

const TENANT_KEY = 'shuiwu.portal.tenant';

/**
 * The utility to preselect: `?tenant=CODE` in the link (a utility's WeChat menu can carry it), else the one
 * chosen last time on this phone.
 */
export function preferredTenant(): string | null {
  try {
    const fromLink = new URLSearchParams(window.location.search).get('tenant');
    if (fromLink) return fromLink;
    return window.localStorage.getItem(TENANT_KEY);
  } catch {
    return null;
  }
}

export function rememberTenant(code: string): void {
  try {
    window.localStorage.setItem(TENANT_KEY, code);
  } catch {
    // Storage may be unavailable in a private WebView: the choice is simply not remembered.
  }
}
