/**
 * What the customer was paying when the pay page sent the browser to WeChat's OAuth2 (snsapi_base) for the
 * openid: kept in sessionStorage under the authorisation's state, which WeChat hands back and the server puts in
 * the return URL (?wechat=bound&resume=<state>). Back on the page, the same payment goes on at once. Keyed by
 * the state, so only the return from that very authorisation resumes it, and only within 10 minutes (the
 * state's own lifetime on the server).
 */
export type PayChoice = { accountId: string } & ({ kind: 'bills'; billIds: string[] } | { kind: 'topup'; topupFen: number });
export type PayIntent = PayChoice & { savedAt: number };

const PREFIX = 'shuiwu.pay.resume.';
const LIFETIME_MS = 10 * 60_000;

/** The state WeChat will hand back, read from the authorize URL the server made. */
export function stateOfAuthorizeUrl(authorizeUrl: string): string | null {
  try {
    return new URL(authorizeUrl).searchParams.get('state');
  } catch {
    return null;
  }
}

export function savePayIntent(state: string, choice: PayChoice): void {
  const intent: PayIntent = { ...choice, savedAt: Date.now() };
  try {
    sessionStorage.setItem(PREFIX + state, JSON.stringify(intent));
  } catch {
    // Storage refused (private mode, full): the customer chooses again after coming back, as before.
  }
}

function isIntent(value: unknown): value is PayIntent {
  if (typeof value !== 'object' || value === null) return false;
  const intent = value as Record<string, unknown>;
  if (typeof intent.accountId !== 'string' || typeof intent.savedAt !== 'number') return false;
  if (intent.kind === 'bills') return Array.isArray(intent.billIds) && intent.billIds.every((id) => typeof id === 'string');
  return intent.kind === 'topup' && Number.isSafeInteger(intent.topupFen);
}

/** The intent kept under this state for this account, if fresh; reading does not remove it (see forgetPayIntent). */
export function readPayIntent(state: string, accountId: string, now = Date.now()): PayIntent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(sessionStorage.getItem(PREFIX + state) ?? 'null');
  } catch {
    return null;
  }
  if (!isIntent(parsed) || parsed.accountId !== accountId || now - parsed.savedAt > LIFETIME_MS || parsed.savedAt > now) return null;
  return parsed;
}

/** Once resumed (or found stale) an intent is gone: a reload of the page never pays twice. */
export function forgetPayIntent(state: string): void {
  try {
    sessionStorage.removeItem(PREFIX + state);
  } catch {
    // Nothing kept, nothing to forget.
  }
}
