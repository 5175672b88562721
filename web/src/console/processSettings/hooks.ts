/** The process settings' calls to the API, as React Query hooks. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ProcessSettings, TypeProcessPatch } from './types';

export const processSettingsKey = ['applications', 'process-settings'] as const;

export const useProcessSettings = () => useQuery({ queryKey: processSettingsKey, queryFn: () => api.get<ProcessSettings>('/api/application-settings') });

/** Every save answers the whole settings: put them in the cache, and let the application screens read the new types. */
function useSettingsMutation<T>(send: (input: T) => Promise<ProcessSettings>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: (settings) => {
      queryClient.setQueryData(processSettingsKey, settings);
      void queryClient.invalidateQueries({ queryKey: ['applications'], predicate: (query) => query.queryKey[1] !== 'process-settings' });
    },
  });
}

export const useSaveTypeProcess = () =>
  useSettingsMutation((input: { code: string; patch: TypeProcessPatch }) => api.patch<ProcessSettings>(`/api/application-settings/types/${encodeURIComponent(input.code)}`, input.patch));

export const useSaveFirstReadingDays = () => useSettingsMutation((input: { version: number; firstReadingDays: number }) => api.patch<ProcessSettings>('/api/application-settings', input));
