import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  Account,
  AccountCategory,
  AccountInput,
  AccountStatus,
  Contact,
  ContactInput,
  Customer,
  Customer360,
  CustomerInput,
  District,
  Meter,
  MeterInput,
  Premise,
  PremiseInput,
  RevealResponse,
  SearchResponse,
  ServiceHall,
} from '../../api/types';

export const MIN_SEARCH_LENGTH = 2;

const customerKeys = {
  all: ['customers'] as const,
  search: (q: string) => ['customers', 'search', q] as const,
  detail: (id: string) => ['customers', 'detail', id] as const,
};

export function useCustomerSearch(q: string) {
  const query = q.trim();
  return useQuery({
    queryKey: customerKeys.search(query),
    queryFn: () => api.get<SearchResponse>('/api/customers', { q: query, limit: 50 }),
    enabled: query.length >= MIN_SEARCH_LENGTH,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

export function useCustomer360(id: string) {
  return useQuery({
    queryKey: customerKeys.detail(id),
    queryFn: () => api.get<Customer360>(`/api/customers/${encodeURIComponent(id)}`),
  });
}

export function useDistricts() {
  return useQuery({
    queryKey: ['districts'],
    queryFn: async () => (await api.get<{ districts: District[] }>('/api/districts')).districts,
    staleTime: 10 * 60_000,
  });
}

export function useServiceHalls() {
  return useQuery({
    queryKey: ['service-halls'],
    queryFn: async () => (await api.get<{ halls: ServiceHall[] }>('/api/service-halls')).halls,
    staleTime: 10 * 60_000,
  });
}

/** After any change: the 360 views and search results may all show the changed record. */
function useInvalidateCustomers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: customerKeys.all });
}

export function useCreateCustomer() {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: (body: CustomerInput) => api.post<Customer>('/api/customers', body),
    onSuccess: invalidate,
  });
}

export type CustomerPatch = Partial<CustomerInput> & { version: number };

export function useUpdateCustomer(id: string) {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: (body: CustomerPatch) => api.patch<Customer>(`/api/customers/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

export function useReveal(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (field: RevealResponse['field']) =>
      api.post<RevealResponse>(`/api/customers/${encodeURIComponent(id)}/reveal`, { field }),
    // The reveal is itself recorded: the customer's history gains an entry.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.detail(id) }),
  });
}

export function useSaveContact(customerId: string) {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: Partial<ContactInput> }) =>
      id
        ? api.patch<Contact>(`/api/contacts/${encodeURIComponent(id)}`, body)
        : api.post<Contact>(`/api/customers/${encodeURIComponent(customerId)}/contacts`, body),
    onSuccess: invalidate,
  });
}

export function useDeleteContact() {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/contacts/${encodeURIComponent(id)}`),
    onSuccess: invalidate,
  });
}

export type PremisePatch = Partial<PremiseInput> & { version: number };

export function useCreatePremise() {
  // No invalidation here: a new premise shows up once an account or meter refers to it.
  return useMutation({ mutationFn: (body: PremiseInput) => api.post<Premise>('/api/premises', body) });
}

export function useUpdatePremise() {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: PremisePatch }) =>
      api.patch<Premise>(`/api/premises/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

export interface AccountPatch {
  version: number;
  category?: AccountCategory;
  status?: AccountStatus;
  householdSize?: number;
  serviceHallId?: string | null;
}

export function useCreateAccount() {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: (body: AccountInput) => api.post<Account>('/api/accounts', body),
    onSuccess: invalidate,
  });
}

export function useUpdateAccount() {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: AccountPatch }) =>
      api.patch<Account>(`/api/accounts/${encodeURIComponent(id)}`, body),
    onSuccess: invalidate,
  });
}

export type MeterPatch = Partial<MeterInput> & { version: number };

export function useSaveMeter() {
  const invalidate = useInvalidateCustomers();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: MeterInput | MeterPatch }) =>
      id
        ? api.patch<Meter>(`/api/meters/${encodeURIComponent(id)}`, body)
        : api.post<Meter>('/api/meters', body),
    onSuccess: invalidate,
  });
}
