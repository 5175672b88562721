import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiError, api } from '../../api/client';
import type { AccountMoney, CounterMethod, MethodTotals, PaymentReversal, PaymentSummary, Receipt, Statement, Till, TillDay } from '../../api/types';

export const STATEMENT_LIMIT = 50;

export const paymentKeys = {
  all: ['payments'] as const,
  money: (accountId: string) => ['payments', 'money', accountId] as const,
  statement: (accountId: string) => ['payments', 'statement', accountId] as const,
  list: (accountId: string) => ['payments', 'list', accountId] as const,
  receipt: (paymentId: string) => ['payments', 'receipt', paymentId] as const,
};

export const tillKeys = {
  all: ['tills'] as const,
  current: ['tills', 'current'] as const,
  day: (date: string) => ['tills', 'day', date] as const,
};

const path = (id: string) => encodeURIComponent(id);

/** What the account owes or has in credit, its prepaid balance and its open bills (oldest first). */
export function useAccountMoney(accountId: string | undefined) {
  return useQuery({
    queryKey: paymentKeys.money(accountId ?? ''),
    queryFn: () => api.get<AccountMoney>(`/api/accounts/${path(accountId ?? '')}/money`),
    enabled: Boolean(accountId),
  });
}

/** 对账单: the latest journals that moved the balance, newest last as the server sends them. */
export function useStatement(accountId: string | undefined) {
  return useQuery({
    queryKey: paymentKeys.statement(accountId ?? ''),
    queryFn: () => api.get<Statement>(`/api/accounts/${path(accountId ?? '')}/statement`, { limit: STATEMENT_LIMIT }),
    enabled: Boolean(accountId),
  });
}

export function useAccountPayments(accountId: string | undefined) {
  return useQuery({
    queryKey: paymentKeys.list(accountId ?? ''),
    queryFn: () => api.get<{ payments: PaymentSummary[] }>(`/api/accounts/${path(accountId ?? '')}/payments`, { limit: 50 }),
    enabled: Boolean(accountId),
  });
}

export function useReceipt(paymentId: string | null) {
  return useQuery({
    queryKey: paymentKeys.receipt(paymentId ?? ''),
    queryFn: () => api.get<Receipt>(`/api/payments/${path(paymentId ?? '')}/receipt`),
    enabled: Boolean(paymentId),
    staleTime: Infinity,
  });
}

/** The signed-in cashier's open till, or null. Only for payment.take holders. */
export function useCurrentTill(enabled = true) {
  return useQuery({
    queryKey: tillKeys.current,
    queryFn: () => api.get<{ till: Till | null }>('/api/tills/current'),
    enabled,
  });
}

export function useTillsOfDay(date: string) {
  return useQuery({
    queryKey: tillKeys.day(date),
    queryFn: () => api.get<TillDay>('/api/tills', { date }),
  });
}

/** Money moved: balances, bills, statements, payment lists and tills may all have changed. */
function useInvalidateMoney() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: paymentKeys.all }),
      queryClient.invalidateQueries({ queryKey: tillKeys.all }),
      queryClient.invalidateQueries({ queryKey: ['bills'] }),
    ]);
}

export function useOpenTill() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Till>('/api/tills/open'),
    onSuccess: (till) => {
      queryClient.setQueryData(tillKeys.current, { till });
      void queryClient.invalidateQueries({ queryKey: tillKeys.all });
    },
  });
}

export function useCloseTill() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ tillId, counted }: { tillId: string; counted: MethodTotals }) => api.post<Till>(`/api/tills/${path(tillId)}/close`, { counted }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: tillKeys.all }),
  });
}

export function useApplyPrepaid(accountId: string) {
  const invalidate = useInvalidateMoney();
  return useMutation({
    mutationFn: () => api.post<{ appliedFen: number }>(`/api/accounts/${path(accountId)}/prepaid/apply`),
    onSuccess: () => void invalidate(),
  });
}

export interface CounterPayment {
  method: CounterMethod;
  amountFen: number;
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
 * Takes a payment at the counter. Every submit attempt carries an Idempotency-Key: a double click or a
 * retry of the same payment after a network failure or a server error sends the same key (so the money is
 * taken once); a different payment, or one after the server answered, gets a new key.
 */
export function useTakePayment(accountId: string) {
  const invalidate = useInvalidateMoney();
  const queryClient = useQueryClient();
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const mutation = useMutation({
    mutationFn: (payment: CounterPayment) => {
      const body = JSON.stringify([accountId, payment.method, payment.amountFen]);
      if (attempt.current?.body !== body) attempt.current = { key: newIdempotencyKey(), body };
      return api.postIdempotent<Receipt>(`/api/accounts/${path(accountId)}/payments`, payment, attempt.current.key);
    },
    onSuccess: (receipt) => {
      attempt.current = null;
      queryClient.setQueryData(paymentKeys.receipt(receipt.id), receipt);
      void invalidate();
    },
    onError: (error) => {
      if (isFinalAnswer(error)) attempt.current = null;
    },
  });
  return mutation;
}

/**
 * 冲正: a supervisor reverses a mistaken payment with a reason. One Idempotency-Key per dialog attempt, so a
 * double click or a retry after a network error reverses it once.
 */
export function useReversePayment(paymentId: string) {
  const invalidate = useInvalidateMoney();
  const attempt = useRef<{ key: string; body: string } | null>(null);
  return useMutation({
    mutationFn: (reason: string) => {
      const body = JSON.stringify([paymentId, reason]);
      if (attempt.current?.body !== body) attempt.current = { key: newIdempotencyKey(), body };
      return api.postIdempotent<PaymentReversal>(`/api/payments/${path(paymentId)}/reversal`, { reason }, attempt.current.key);
    },
    onSuccess: () => {
      attempt.current = null;
      void invalidate();
    },
    onError: (error) => {
      if (isFinalAnswer(error)) attempt.current = null;
    },
  });
}
