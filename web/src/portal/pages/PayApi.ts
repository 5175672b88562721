/** The portal's calls for paying online, the React Query keys they are cached under, and amount parsing. */
import { api } from '../../api/client';
import type { AccountMoney, NewPaymentOrder, PaymentOrder, PaymentSummary, PortalWechatStatus, Receipt } from '../../api/types';

export const payQueryKeys = {
  /** Everything below; invalidated after a payment, together with the bills. */
  all: ['portal', 'pay'] as const,
  money: (accountId: string) => ['portal', 'pay', 'money', accountId] as const,
  order: (orderId: string) => ['portal', 'pay', 'order', orderId] as const,
  payments: (accountId: string) => ['portal', 'pay', 'payments', accountId] as const,
  receipt: (paymentId: string) => ['portal', 'pay', 'receipt', paymentId] as const,
  wechat: ['portal', 'pay', 'wechat'] as const,
};

const enc = encodeURIComponent;

export const fetchMoney = (accountId: string) => api.get<AccountMoney>(`/api/portal/accounts/${enc(accountId)}/money`);
export const createPaymentOrder = (body: NewPaymentOrder, idempotencyKey: string) =>
  api.postIdempotent<PaymentOrder>('/api/portal/payment-orders', body, idempotencyKey);
export const fetchPaymentOrder = (orderId: string) => api.get<PaymentOrder>(`/api/portal/payment-orders/${enc(orderId)}`);
export async function fetchPayments(accountId: string): Promise<PaymentSummary[]> {
  const { payments } = await api.get<{ payments: PaymentSummary[] }>(`/api/portal/accounts/${enc(accountId)}/payments`);
  return payments;
}
export const fetchWechatStatus = () => api.get<PortalWechatStatus>('/api/portal/wechat');
export const startWechatAuthorization = (returnPath: string) => api.post<{ authorizeUrl: string }>('/api/portal/wechat/authorization', { returnPath });
export const fetchReceipt = (paymentId: string) => api.get<Receipt>(`/api/portal/payments/${enc(paymentId)}/receipt`);

/** A new Idempotency-Key: a random UUID (crypto.randomUUID needs HTTPS; getRandomValues works on plain HTTP too). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const TOPUP_MIN_FEN = 100;
export const TOPUP_MAX_FEN = 10_000_000;

export type TopupAmount = { fen: number } | { problem: 'required' | 'invalid' | 'range' };

/**
 * Yuan as typed ("50", "50.5", "1,000.05", "0.5") → integer fen by string arithmetic (digits are
 * concatenated, never multiplied as floats), checked against ¥1–¥100,000.
 */
export function parseTopup(text: string): TopupAmount {
  const cleaned = text.trim().replace(/[,，\s]/g, '').replace(/^[¥￥]/, '');
  if (cleaned === '') return { problem: 'required' };
  const match = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(cleaned) ?? /^()\.(\d{1,2})$/.exec(cleaned);
  if (!match) return { problem: 'invalid' };
  const fen = Number(`${match[1] || '0'}${(match[2] ?? '').padEnd(2, '0')}`);
  if (fen < TOPUP_MIN_FEN || fen > TOPUP_MAX_FEN) return { problem: 'range' };
  return { fen };
}
