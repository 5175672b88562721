import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { TariffHistory, TariffPreview, TariffPreviewRequest, TariffVersion, TariffVersionInput, WaterCategory, WaterCategoryInput } from '../../api/types';

const keys = {
  all: ['tariffs'] as const,
  categories: ['tariffs', 'categories'] as const,
  history: (id: string) => ['tariffs', 'history', id] as const,
};

export function useWaterCategories() {
  return useQuery({
    queryKey: keys.categories,
    queryFn: async () => (await api.get<{ categories: WaterCategory[] }>('/api/water-categories')).categories,
    staleTime: 30_000,
  });
}

export function useTariffHistory(categoryId: string) {
  return useQuery({
    queryKey: keys.history(categoryId),
    queryFn: () => api.get<TariffHistory>(`/api/water-categories/${encodeURIComponent(categoryId)}/tariff-versions`),
  });
}

/** After any change: the category list shows current and next versions, so everything is refetched. */
function useInvalidateTariffs() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: keys.all });
}

export type WaterCategoryPatch = Partial<Pick<WaterCategory, 'name' | 'nameEn' | 'isDefaultForClass' | 'isActive'>>;

export function useSaveCategory() {
  const invalidate = useInvalidateTariffs();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: WaterCategoryInput | WaterCategoryPatch }) =>
      id ? api.patch<WaterCategory>(`/api/water-categories/${encodeURIComponent(id)}`, body) : api.post<WaterCategory>('/api/water-categories', body),
    onSuccess: invalidate,
  });
}

export function useCreateTariffVersion(categoryId: string) {
  const invalidate = useInvalidateTariffs();
  return useMutation({
    mutationFn: (body: TariffVersionInput) => api.post<TariffVersion>(`/api/water-categories/${encodeURIComponent(categoryId)}/tariff-versions`, body),
    onSuccess: invalidate,
  });
}

export function useWithdrawTariffVersion() {
  const invalidate = useInvalidateTariffs();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) => api.post<TariffVersion>(`/api/tariff-versions/${encodeURIComponent(id)}/withdraw`, { reason }),
    onSuccess: invalidate,
  });
}

export function useTariffPreview() {
  return useMutation({ mutationFn: (body: TariffPreviewRequest) => api.post<TariffPreview>('/api/tariffs/preview', body) });
}
