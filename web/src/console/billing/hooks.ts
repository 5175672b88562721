import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client';
import type { BillingRun, BillingRunRequest, SkippedAccount, SkipReason } from '../../api/types';

export const LIVE_REFRESH_MS = 1_000;
const IDLE_REFRESH_MS = 15_000;

export const isActive = (run: Pick<BillingRun, 'status'>): boolean => run.status === 'pending' || run.status === 'running';

/** The runs, newest first; every second while one is in progress. */
export function useBillingRuns() {
  return useQuery({
    queryKey: ['billing-runs'],
    queryFn: () => api.get<{ runs: BillingRun[] }>('/api/billing-runs', { limit: 50 }),
    refetchInterval: (query) => (query.state.data?.runs.some(isActive) ? LIVE_REFRESH_MS : IDLE_REFRESH_MS),
  });
}

/** One run, polled every second until it ends (the progress bar). */
export function useBillingRun(id: string | null) {
  return useQuery({
    queryKey: ['billing-runs', id],
    queryFn: () => api.get<BillingRun>(`/api/billing-runs/${id}`),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && !isActive(query.state.data) ? false : LIVE_REFRESH_MS),
  });
}

export function useSkippedAccounts(runId: string, reason: SkipReason | null) {
  return useQuery({
    queryKey: ['billing-runs', runId, 'skipped', reason],
    queryFn: () => api.get<{ accounts: SkippedAccount[] }>(`/api/billing-runs/${runId}/skipped`, { reason, limit: 200 }),
    enabled: reason !== null,
    placeholderData: keepPreviousData,
  });
}

export function useStartBillingRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: BillingRunRequest) => api.post<BillingRun>('/api/billing-runs', request),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['billing-runs'] }),
  });
}

/** A route (抄表本) as the run form offers it. */
export interface RouteOption {
  id: string;
  code: string;
  name: string;
  accounts: number;
  isActive: boolean;
}

/** The routes from the reading module's GET /api/routes; none (all routes) when it is not there or not allowed. */
export function useRouteOptions(enabled: boolean) {
  return useQuery({
    queryKey: ['routes', 'options'],
    enabled,
    retry: false,
    queryFn: async () => {
      try {
        const body = await api.get<{ routes: RouteOption[] } | RouteOption[]>('/api/routes');
        const routes = Array.isArray(body) ? body : body.routes;
        return { routes: routes.filter((route) => route.isActive !== false), isAvailable: true };
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return { routes: [] as RouteOption[], isAvailable: false };
        throw error;
      }
    },
  });
}

/** Fen as yuan with two decimals, from integers only (never a float of money). */
export function formatYuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100).toLocaleString('en')}.${String(abs % 100).padStart(2, '0')}`;
}

/** Litres as cubic metres with up to three decimals. */
export function formatCubicMetres(litres: number): string {
  const whole = Math.trunc(litres / 1000);
  const rest = litres % 1000;
  return rest === 0 ? whole.toLocaleString('en') : `${whole.toLocaleString('en')}.${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
}
