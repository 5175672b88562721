/** The portal's calls for ratings (评价), duplicate reports and the SMS rating link, with their React Query keys. */
import { api } from '../../api/client';
import type { PortalServiceDuplicate, PortalServiceRating, ServiceRatingLink } from '../../api/types';

export const deskQueryKeys = {
  rating: (id: string) => ['portal', 'service', 'rating', id] as const,
  link: (tenant: string, token: string) => ['rating-link', tenant, token] as const,
};

export const fetchRating = (requestId: string) => api.get<PortalServiceRating>(`/api/portal/service-requests/${encodeURIComponent(requestId)}/rating`);
export const rateRequest = (requestId: string, body: { rating: number; comment?: string }) =>
  api.post<PortalServiceRating>(`/api/portal/service-requests/${encodeURIComponent(requestId)}/rating`, body);

export async function fetchDuplicates(query: { categoryId: string; accountId?: string; address?: string }): Promise<PortalServiceDuplicate[]> {
  const { duplicates } = await api.get<{ duplicates: PortalServiceDuplicate[] }>('/api/portal/service-requests/duplicates', query);
  return duplicates;
}
export const joinRequest = (requestId: string, note?: string) => api.post<{ joined: true }>(`/api/portal/service-requests/${encodeURIComponent(requestId)}/contacts`, note ? { note } : {});

// The SMS link needs no login: the tenant and the token are in the address.
const linkPath = (tenant: string, token: string) => `/api/service-ratings/${encodeURIComponent(tenant)}/${encodeURIComponent(token)}`;
export const fetchRatingLink = (tenant: string, token: string) => api.get<ServiceRatingLink>(linkPath(tenant, token));
export const rateByLink = (tenant: string, token: string, body: { rating: number; comment?: string }) => api.post<{ rated: true }>(linkPath(tenant, token), body);
