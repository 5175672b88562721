import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiError, api } from '../../api/client';
import type {
  DifferenceResolution,
  DifferenceType,
  MandateStatus,
  NewRefund,
  NewWithholdingMandate,
  OnlineChannel,
  Reconciliation,
  ReconciliationDifference,
  ReconciliationSummary,
  Refund,
  SearchResponse,
  WithholdingBatchDetail,
  WithholdingBatchSummary,
  WithholdingMandate,
  WithholdingResultImport,
} from '../../api/types';
import { downloadFile } from './files';

const path = (id: string) => encodeURIComponent(id);

export const financeKeys = {
  refunds: (paymentId: string) => ['refunds', paymentId] as const,
  reconciliations: ['reconciliations'] as const,
  reconciliationList: (channel: OnlineChannel | undefined) => ['reconciliations', 'list', channel ?? 'all'] as const,
  reconciliation: (id: string, type: DifferenceType | undefined, open: boolean | undefined) => ['reconciliations', 'detail', id, type ?? 'all', open ?? 'all'] as const,
  mandates: ['withholding', 'mandates'] as const,
  mandateList: (accountId: string | undefined, status: MandateStatus | undefined) => ['withholding', 'mandates', accountId ?? 'all', status ?? 'all'] as const,
  batches: ['withholding', 'batches'] as const,
  batch: (id: string) => ['withholding', 'batch', id] as const,
};

// ---- refunds ----

export function useRefunds(paymentId: string | null) {
  return useQuery({
    queryKey: financeKeys.refunds(paymentId ?? ''),
    queryFn: () => api.get<{ refunds: Refund[] }>(`/api/payments/${path(paymentId ?? '')}/refunds`),
    enabled: Boolean(paymentId),
    // A refund still processing at the channel settles within seconds: look again until it has.
    refetchInterval: (query) => (query.state.data?.refunds.some((refund) => refund.status === 'processing') ? 5_000 : false),
  });
}

/** 32 random hex digits. crypto.randomUUID() exists only in secure contexts (an intranet http:// console is not one). */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Whether the server surely answered (and stored its answer under the key): then a new attempt needs a new key. */
function isFinalAnswer(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.body.code !== 'idempotency_in_progress';
}

/**
 * Refunds (part of) a payment. As with taking a payment, every attempt carries an Idempotency-Key: a double
 * click or a retry after a network failure sends the same key (the money goes back once); a different refund,
 * or one after the server answered, gets a new key.
 */
export function useRequestRefund(paymentId: string) {
  const queryClient = useQueryClient();
  const attempt = useRef<{ key: string; body: string } | null>(null);
  return useMutation({
    mutationFn: (refund: NewRefund) => {
      const body = JSON.stringify([paymentId, refund.amountFen, refund.reason, refund.tillId ?? null]);
      if (attempt.current?.body !== body) attempt.current = { key: newIdempotencyKey(), body };
      return api.postIdempotent<Refund>(`/api/payments/${path(paymentId)}/refunds`, refund, attempt.current.key);
    },
    onSuccess: () => {
      attempt.current = null;
      // Money moved: the refund list, balances, statements and tills may all have changed.
      void Promise.all([
        queryClient.invalidateQueries({ queryKey: financeKeys.refunds(paymentId) }),
        queryClient.invalidateQueries({ queryKey: ['payments'] }),
        queryClient.invalidateQueries({ queryKey: ['tills'] }),
      ]);
    },
    onError: (error) => {
      if (isFinalAnswer(error)) attempt.current = null;
    },
  });
}

// ---- reconciliation ----

export function useReconciliations(channel: OnlineChannel | undefined) {
  return useQuery({
    queryKey: financeKeys.reconciliationList(channel),
    queryFn: () => api.get<{ reconciliations: ReconciliationSummary[] }>('/api/reconciliations', { channel, limit: 100 }),
  });
}

export function useReconciliation(id: string | null, filter: { type?: DifferenceType; open?: boolean }) {
  return useQuery({
    queryKey: financeKeys.reconciliation(id ?? '', filter.type, filter.open),
    queryFn: () => api.get<Reconciliation>(`/api/reconciliations/${path(id ?? '')}`, { type: filter.type, open: filter.open === undefined ? undefined : String(filter.open) }),
    enabled: Boolean(id),
    // Changing the filter keeps the run's totals on screen while its differences load.
    placeholderData: keepPreviousData,
  });
}

export type ReconcileInput =
  | { source: 'download'; channel: OnlineChannel; date: string }
  | { source: 'import'; channel: OnlineChannel; date: string; fileBase64: string; fileName: string };

export function useRunReconciliation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ReconcileInput) =>
      input.source === 'download'
        ? api.post<Reconciliation>('/api/reconciliations', { channel: input.channel, date: input.date })
        : api.post<Reconciliation>('/api/reconciliations/import', { channel: input.channel, date: input.date, fileBase64: input.fileBase64, fileName: input.fileName }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: financeKeys.reconciliations }),
  });
}

export function useResolveDifference(runId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ differenceId, resolution, note }: { differenceId: string; resolution: DifferenceResolution; note: string }) =>
      api.post<ReconciliationDifference>(`/api/reconciliations/${path(runId)}/differences/${path(differenceId)}/resolve`, { resolution, note }),
    onSuccess: (_, { resolution }) => {
      void queryClient.invalidateQueries({ queryKey: financeKeys.reconciliations });
      // A credited payment changes an account's money.
      if (resolution === 'credited') void queryClient.invalidateQueries({ queryKey: ['payments'] });
    },
  });
}

// ---- withholding ----

export function useMandates(filter: { accountId?: string; status?: MandateStatus }) {
  return useQuery({
    queryKey: financeKeys.mandateList(filter.accountId, filter.status),
    queryFn: () => api.get<{ mandates: WithholdingMandate[] }>('/api/withholding/mandates', { accountId: filter.accountId, status: filter.status, limit: 500 }),
  });
}

export function useCreateMandate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (mandate: NewWithholdingMandate) => api.post<WithholdingMandate>('/api/withholding/mandates', mandate),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: financeKeys.mandates }),
  });
}

export function useCancelMandate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason?: string }) => api.post<WithholdingMandate>(`/api/withholding/mandates/${path(id)}/cancel`, reason ? { reason } : {}),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: financeKeys.mandates }),
  });
}

/** The full bank account number; the server writes every reveal to the audit log. */
export function useRevealMandate() {
  return useMutation({
    mutationFn: (id: string) => api.post<{ bankAccountNo: string }>(`/api/withholding/mandates/${path(id)}/reveal`),
  });
}

export function useBatches() {
  return useQuery({
    queryKey: financeKeys.batches,
    queryFn: () => api.get<{ batches: WithholdingBatchSummary[] }>('/api/withholding/batches', { limit: 100 }),
  });
}

export function useBatch(id: string | null) {
  return useQuery({
    queryKey: financeKeys.batch(id ?? ''),
    queryFn: () => api.get<WithholdingBatchDetail>(`/api/withholding/batches/${path(id ?? '')}`),
    enabled: Boolean(id),
  });
}

export function useCreateBatch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { bankCode: string }) => api.post<WithholdingBatchDetail>('/api/withholding/batches', input),
    onSuccess: (batch) => {
      queryClient.setQueryData(financeKeys.batch(batch.id), batch);
      void queryClient.invalidateQueries({ queryKey: financeKeys.batches });
    },
  });
}

/** Saves the batch's request file for the bank (the server audits every download). */
export function useDownloadBatchFile() {
  return useMutation({
    mutationFn: (batch: { id: string; batchNo: string }) => downloadFile(`/api/withholding/batches/${path(batch.id)}/file`, `${batch.batchNo}.txt`),
  });
}

export function useImportBatchResult(batchId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fileBase64: string) => api.post<WithholdingResultImport>(`/api/withholding/batches/${path(batchId)}/result`, { file: fileBase64 }),
    onSuccess: (result) => {
      queryClient.setQueryData(financeKeys.batch(batchId), result.batch);
      // Each success is a payment: balances and bills moved.
      void Promise.all([
        queryClient.invalidateQueries({ queryKey: financeKeys.batches }),
        queryClient.invalidateQueries({ queryKey: ['payments'] }),
        queryClient.invalidateQueries({ queryKey: ['bills'] }),
      ]);
    },
  });
}

export interface FoundAccount {
  accountId: string;
  accountNo: string;
  customerName: string;
  address: string;
}

/** An account by its exact number, through the customer search (null when there is none). */
export async function findAccountByNo(accountNo: string): Promise<FoundAccount | null> {
  const wanted = accountNo.trim();
  const response = await api.get<SearchResponse>('/api/customers', { q: wanted, limit: 10 });
  for (const result of response.results) {
    const account = result.accounts.find((candidate) => candidate.accountNo === wanted);
    if (account) return { accountId: account.id, accountNo: account.accountNo, customerName: result.name, address: account.address };
  }
  return null;
}

export function useFindAccount() {
  return useMutation({ mutationFn: findAccountByNo });
}
