/** The dashboards' calls to the API, as React Query hooks. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ServiceQualityDashboard } from '../../api/types';

export interface DateRange {
  from: string;
  to: string;
}

/** The longest period the server takes, both ends counted. */
export const MAX_RANGE_DAYS = 92;

export function useServiceQuality(range: DateRange) {
  return useQuery({
    queryKey: ['dashboards', 'service-quality', range],
    queryFn: () => api.get<ServiceQualityDashboard>('/api/dashboards/service-quality', { from: range.from, to: range.to }),
    placeholderData: keepPreviousData,
  });
}

export const serviceQualityCsvUrl = (range: DateRange): string => `/api/dashboards/service-quality/categories.csv?${new URLSearchParams({ from: range.from, to: range.to }).toString()}`;

/** A rate in basis points as a percentage with one decimal ("95.3%"), or null. */
export function percent(bp: number | null): string | null {
  return bp === null ? null : `${(bp / 100).toFixed(1)}%`;
}

/** An average rating in hundredths with two decimals ("4.25"), or null. */
export function rating(hundredths: number | null): string | null {
  return hundredths === null ? null : (hundredths / 100).toFixed(2);
}
