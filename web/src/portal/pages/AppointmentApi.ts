/** The portal's calls for appointments (预约) and the React Query keys they are cached under. */
import { api } from '../../api/client';
import type { Appointment, AppointmentBusiness, AppointmentDay, AppointmentDaySummary, AppointmentLocation } from '../../api/types';

export const appointmentKeys = {
  all: ['portal', 'appointments'] as const,
  mine: ['portal', 'appointments', 'mine'] as const,
  one: (id: string) => ['portal', 'appointments', 'one', id] as const,
  locations: (business: string) => ['portal', 'appointments', 'locations', business] as const,
  days: (locationId: string) => ['portal', 'appointments', 'days', locationId] as const,
  slots: (locationId: string, date: string) => ['portal', 'appointments', 'slots', locationId, date] as const,
};

export async function fetchLocations(business: AppointmentBusiness): Promise<AppointmentLocation[]> {
  const { locations } = await api.get<{ locations: AppointmentLocation[] }>(`/api/portal/appointment-locations?business=${business}`);
  return locations;
}
export async function fetchDays(locationId: string): Promise<AppointmentDaySummary[]> {
  const { days } = await api.get<{ days: AppointmentDaySummary[] }>(`/api/portal/appointment-locations/${encodeURIComponent(locationId)}/days`);
  return days;
}
export const fetchSlots = (locationId: string, date: string) => api.get<AppointmentDay>(`/api/portal/appointment-locations/${encodeURIComponent(locationId)}/slots?date=${date}`);
export async function fetchMyAppointments(): Promise<Appointment[]> {
  const { appointments } = await api.get<{ appointments: Appointment[] }>('/api/portal/appointments');
  return appointments;
}
export const fetchAppointment = (id: string) => api.get<Appointment>(`/api/portal/appointments/${encodeURIComponent(id)}`);
export const bookAppointment = (body: { locationId: string; startsAt: string; business: AppointmentBusiness; customerName: string; note: string }) =>
  api.post<Appointment>('/api/portal/appointments', body);
export const moveAppointment = (id: string, body: { locationId: string; startsAt: string; version: number }) =>
  api.post<Appointment>(`/api/portal/appointments/${encodeURIComponent(id)}/move`, body);
export const cancelAppointment = (id: string, version: number) => api.post<Appointment>(`/api/portal/appointments/${encodeURIComponent(id)}/cancel`, { version });
