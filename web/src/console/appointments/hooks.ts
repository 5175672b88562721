/** The console's calls for appointments (预约) and their React Query keys. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Appointment, AppointmentBusiness, AppointmentDay, AppointmentLocation, TimeSpan, WeeklyHours } from '../../api/types';

export const appointmentKeys = {
  all: ['appointments'] as const,
  locations: ['appointments', 'locations'] as const,
  day: (locationId: string | undefined, date: string, q: string) => ['appointments', 'day', locationId ?? 'all', date, q] as const,
  slots: (locationId: string, date: string) => ['appointments', 'slots', locationId, date] as const,
  halls: ['appointments', 'halls'] as const,
};

const path = (id: string) => encodeURIComponent(id);

export function useLocations() {
  return useQuery({ queryKey: appointmentKeys.locations, queryFn: async () => (await api.get<{ locations: AppointmentLocation[] }>('/api/appointment-locations')).locations });
}

export function useHalls() {
  return useQuery({ queryKey: appointmentKeys.halls, queryFn: async () => (await api.get<{ halls: { id: string; name: string; isGovernmentCentre: boolean }[] }>('/api/service-halls')).halls });
}

export function useDayAppointments(locationId: string | undefined, date: string, q: string) {
  return useQuery({
    queryKey: appointmentKeys.day(locationId, date, q),
    queryFn: async () => (await api.get<{ appointments: Appointment[] }>('/api/appointments', q ? { q } : { locationId, date })).appointments,
  });
}

export function useSlots(locationId: string | undefined, date: string | null) {
  return useQuery({
    queryKey: appointmentKeys.slots(locationId ?? '', date ?? ''),
    queryFn: () => api.get<AppointmentDay>(`/api/appointment-locations/${path(locationId as string)}/slots`, { date }),
    enabled: Boolean(locationId && date),
  });
}

function useInvalidating<Input, Output>(run: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: run, onSuccess: () => queryClient.invalidateQueries({ queryKey: appointmentKeys.all }) });
}

export interface CounterBooking {
  locationId: string;
  startsAt: string;
  business: AppointmentBusiness;
  customerName: string;
  phone: string;
  accountNo?: string;
  note: string;
}

export const useBook = () => useInvalidating((body: CounterBooking) => api.post<Appointment>('/api/appointments', body));
export const useMove = () => useInvalidating(({ id, ...body }: { id: string; locationId: string; startsAt: string; version: number }) => api.post<Appointment>(`/api/appointments/${path(id)}/move`, body));
export const useCancel = () => useInvalidating(({ id, ...body }: { id: string; version: number; reason: string }) => api.post<Appointment>(`/api/appointments/${path(id)}/cancel`, body));
export const useArrive = () => useInvalidating(({ id, version }: { id: string; version: number }) => api.post<Appointment>(`/api/appointments/${path(id)}/arrive`, { version }));

export interface LocationRules {
  businesses: AppointmentBusiness[];
  weeklyHours: WeeklyHours;
  slotMinutes: number;
  capacity: number;
  bookingDays: number;
  isOpenOnHolidays: boolean;
}
export interface NewLocation extends LocationRules {
  hallId?: string;
  hall?: { name: string; address: string; phone: string | null; type: 'service_hall' | 'government_centre' };
}

export const useCreateLocation = () => useInvalidating((body: NewLocation) => api.post<AppointmentLocation>('/api/appointment-locations', body));
export const useUpdateLocation = () =>
  useInvalidating(({ id, ...body }: Partial<LocationRules> & { id: string; version: number; isActive?: boolean }) => api.patch<AppointmentLocation>(`/api/appointment-locations/${path(id)}`, body));
export const useSetOverride = () =>
  useInvalidating(({ id, ...body }: { id: string; date: string; spans: TimeSpan[]; note: string }) => api.post<AppointmentLocation>(`/api/appointment-locations/${path(id)}/date-overrides`, body));
export const useRemoveOverride = () => useInvalidating(({ id, date }: { id: string; date: string }) => api.delete(`/api/appointment-locations/${path(id)}/date-overrides/${date}`));
