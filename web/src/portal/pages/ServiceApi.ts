/** The portal's calls for service requests (报修 · 投诉 · 我的工单) and the React Query keys they are cached under. */
import { api } from '../../api/client';
import type { PortalNewServiceRequest, ServiceCategory, ServiceRequest, ServiceRequestDetail } from '../../api/types';

export const serviceQueryKeys = {
  all: ['portal', 'service'] as const,
  categories: ['portal', 'service', 'categories'] as const,
  list: ['portal', 'service', 'list'] as const,
  detail: (id: string) => ['portal', 'service', 'detail', id] as const,
};

export async function fetchServiceCategories(): Promise<ServiceCategory[]> {
  const { categories } = await api.get<{ categories: ServiceCategory[] }>('/api/portal/service-categories');
  return categories;
}
export async function fetchServiceRequests(): Promise<ServiceRequest[]> {
  const { requests } = await api.get<{ requests: ServiceRequest[] }>('/api/portal/service-requests');
  return requests;
}
export const fetchServiceRequest = (id: string) => api.get<ServiceRequestDetail>(`/api/portal/service-requests/${encodeURIComponent(id)}`);
export const createServiceRequest = (body: PortalNewServiceRequest) => api.post<ServiceRequestDetail>('/api/portal/service-requests', body);
