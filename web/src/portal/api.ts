/** The portal's calls to the API and the React Query keys they are cached under. */
import { api, ApiError } from '../api/client';
import type {
  BindingRequest,
  OtpRequest,
  OtpResponse,
  PortalAccount,
  PortalLoginRequest,
  PortalSessionResponse,
  TenantSummary,
} from '../api/types';

export const queryKeys = {
  tenants: ['tenants'] as const,
  session: ['portal', 'me'] as const,
  accounts: ['portal', 'accounts'] as const,
  account: (id: string) => ['portal', 'accounts', id] as const,
};

export async function fetchTenants(): Promise<TenantSummary[]> {
  const { tenants } = await api.get<{ tenants: TenantSummary[] }>('/api/tenants');
  return tenants;
}

/** The current session, or null when nobody is logged in (401). */
export async function fetchSession(): Promise<PortalSessionResponse | null> {
  try {
    return await api.get<PortalSessionResponse>('/api/portal/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const requestOtp = (body: OtpRequest) => api.post<OtpResponse>('/api/portal/otp', body);
export const login = (body: PortalLoginRequest) => api.post<PortalSessionResponse>('/api/portal/login', body);
export const logout = () => api.post<undefined>('/api/portal/logout');

export async function fetchAccounts(): Promise<PortalAccount[]> {
  const { accounts } = await api.get<{ accounts: PortalAccount[] }>('/api/portal/accounts');
  return accounts;
}
export const fetchAccount = (id: string) => api.get<PortalAccount>(`/api/portal/accounts/${encodeURIComponent(id)}`);
export const bindAccount = (body: BindingRequest) => api.post<PortalAccount>('/api/portal/bindings', body);
export const unbindAccount = (accountId: string) =>
  api.delete(`/api/portal/bindings/${encodeURIComponent(accountId)}`);

/** Seconds to wait after a 429, from the server's Retry-After header; null when it did not say. */
export function retryAfterSeconds(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.status !== 429 || error.retryAfterSeconds === null) return null;
  return Math.ceil(error.retryAfterSeconds);
}
