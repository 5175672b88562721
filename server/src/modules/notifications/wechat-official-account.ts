/**
 * The WeChat official account (微信公众号) API, as published at developers.weixin.qq.com:
 *
 * - access_token: GET {api}/cgi-bin/token?grant_type=client_credential&appid=…&secret=… → {access_token,
 *   expires_in}. Valid 7,200 s; cached here until shortly before it expires, and fetched again at once when
 *   WeChat says it is invalid or expired (40001, 40014, 42001) — another process may have replaced it.
 * - template message (模板消息): POST {api}/cgi-bin/message/template/send?access_token=… with {touser,
 *   template_id, url, data: {key: {value}}} → {errcode: 0, errmsg: "ok", msgid}.
 * - OAuth2 web authorisation, silent scope (snsapi_base): the browser goes to {open}/connect/oauth2/authorize
 *   ?appid=…&redirect_uri=…&response_type=code&scope=snsapi_base&state=…#wechat_redirect and comes back to
 *   redirect_uri?code=…&state=…; GET {api}/sns/oauth2/access_token?appid=…&secret=…&code=…&grant_type=
 *   authorization_code → {access_token, expires_in, refresh_token, openid, scope}. A code is good once, 5 min.
 *
 * Every error answer is {errcode, errmsg}; the simulator (wechat-official-account-simulator.ts) speaks the same.
 */
import { z } from 'zod';

export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';
export const WECHAT_OAUTH_BASE_URL = 'https://open.weixin.qq.com';

/** Our message templates, by the outbox's template name → the utility's template id in its 公众号. */
export type WechatTemplateIds = Partial<Record<'dunning_reminder' | 'dunning_cutoff_notice', string>>;

export interface WechatOfficialAccountConfig {
  appid: string;
  /** AppSecret (开发者密码), 设置与开发 → 基本配置. */
  secret: string;
  templateIds: WechatTemplateIds;
  apiBaseUrl?: string;
  oauthBaseUrl?: string;
  fetch?: typeof fetch;
  now?: () => Date;
  timeoutMs?: number;
}

/** WeChat's error codes this code acts on. */
export const WECHAT_ERRORS = {
  systemBusy: -1,
  invalidCredential: 40001,
  invalidOpenid: 40003,
  invalidAccessToken: 40014,
  invalidCode: 40029,
  invalidTemplateId: 40037,
  accessTokenExpired: 42001,
  requireSubscribe: 43004,
  userRefused: 43101,
  apiQuotaReached: 45009,
} as const;

const TOKEN_ERRORS: readonly number[] = [WECHAT_ERRORS.invalidCredential, WECHAT_ERRORS.invalidAccessToken, WECHAT_ERRORS.accessTokenExpired];
/** The message can never reach this user (not following, unknown openid, refused) or this template is wrong. */
const UNDELIVERABLE: readonly number[] = [WECHAT_ERRORS.invalidOpenid, WECHAT_ERRORS.requireSubscribe, WECHAT_ERRORS.userRefused, WECHAT_ERRORS.invalidTemplateId];

export class WechatApiError extends Error {
  readonly errcode: number;
  readonly errmsg: string;
  constructor(operation: string, errcode: number, errmsg: string) {
    super(`WeChat ${operation}: ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
    this.errcode = errcode;
    this.errmsg = errmsg;
  }

  /** Sending again will not help: the recipient or the template is the problem, not the moment. */
  get isUndeliverable(): boolean {
    return UNDELIVERABLE.includes(this.errcode);
  }
}

export interface TemplateMessage {
  touser: string;
  templateId: string;
  /** Opened when the user taps the message. */
  url?: string;
  data: Record<string, { value: string }>;
}

export interface WechatOfficialAccountClient {
  readonly appid: string;
  readonly templateIds: WechatTemplateIds;
  /** Where to send the browser for the silent (snsapi_base) authorisation. */
  authorizeUrl(redirectUri: string, state: string): string;
  /** Exchanges an authorisation code for the user's openid (a code is good once). */
  openidFromCode(code: string): Promise<string>;
  sendTemplateMessage(message: TemplateMessage): Promise<{ msgid: string }>;
  /** The cached access_token, fetched when missing or about to expire. */
  accessToken(): Promise<string>;
}

const errorAnswer = z.object({ errcode: z.number(), errmsg: z.string().optional() });
const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
const oauthAnswer = z.object({ access_token: z.string(), openid: z.string().min(1), scope: z.string().optional() });
const sendAnswer = z.object({ errcode: z.literal(0), msgid: z.union([z.number(), z.string()]) });

/** A token is renewed this long before WeChat's expiry, so one never expires in flight. */
const TOKEN_MARGIN_MS = 300_000;

export function createWechatOfficialAccountClient(config: WechatOfficialAccountConfig): WechatOfficialAccountClient {
  const api = (config.apiBaseUrl ?? WECHAT_API_BASE_URL).replace(/\/+$/, '');
  const oauth = (config.oauthBaseUrl ?? WECHAT_OAUTH_BASE_URL).replace(/\/+$/, '');
  const doFetch = config.fetch ?? fetch;
  const now = config.now ?? (() => new Date());
  const timeoutMs = config.timeoutMs ?? 10_000;
  let cached: { token: string; renewAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  async function getJson(operation: string, url: string, init?: RequestInit): Promise<unknown> {
    let text: string;
    try {
      const response = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      throw new WechatApiError(operation, WECHAT_ERRORS.systemBusy, `network: ${String(error)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new WechatApiError(operation, WECHAT_ERRORS.systemBusy, `not JSON: ${text.slice(0, 200)}`);
    }
    const failed = errorAnswer.safeParse(body);
    if (failed.success && failed.data.errcode !== 0) throw new WechatApiError(operation, failed.data.errcode, failed.data.errmsg ?? '');
    return body;
  }

  async function fetchToken(): Promise<string> {
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: config.appid, secret: config.secret });
    const parsed = tokenAnswer.safeParse(await getJson('access_token', `${api}/cgi-bin/token?${query.toString()}`));
    if (!parsed.success) throw new WechatApiError('access_token', WECHAT_ERRORS.systemBusy, 'unexpected answer');
    cached = { token: parsed.data.access_token, renewAt: now().getTime() + parsed.data.expires_in * 1000 - TOKEN_MARGIN_MS };
    return parsed.data.access_token;
  }

  async function accessToken(): Promise<string> {
    if (cached && now().getTime() < cached.renewAt) return cached.token;
    // One fetch at a time: a second fetch would make WeChat retire the first token early.
    inFlight ??= fetchToken().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    appid: config.appid,
    templateIds: config.templateIds,
    accessToken,

    authorizeUrl(redirectUri, state) {
      const query = new URLSearchParams({ appid: config.appid, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state });
      return `${oauth}/connect/oauth2/authorize?${query.toString()}#wechat_redirect`;
    },

    async openidFromCode(code) {
      const query = new URLSearchParams({ appid: config.appid, secret: config.secret, code, grant_type: 'authorization_code' });
      const parsed = oauthAnswer.safeParse(await getJson('oauth2 access_token', `${api}/sns/oauth2/access_token?${query.toString()}`));
      if (!parsed.success) throw new WechatApiError('oauth2 access_token', WECHAT_ERRORS.systemBusy, 'unexpected answer');
      return parsed.data.openid;
    },

    async sendTemplateMessage(message) {
      const body = JSON.stringify({ touser: message.touser, template_id: message.templateId, ...(message.url ? { url: message.url } : {}), data: message.data });
      const send = async (token: string) =>
        getJson('template message', `${api}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      let answer: unknown;
      const token = await accessToken();
      try {
        answer = await send(token);
      } catch (error) {
        if (!(error instanceof WechatApiError) || !TOKEN_ERRORS.includes(error.errcode)) throw error;
        // Expired early, or replaced by another process: fetch a new one and try once more.
        if (cached?.token === token) cached = null;
        answer = await send(await accessToken());
      }
      const parsed = sendAnswer.safeParse(answer);
      if (!parsed.success) throw new WechatApiError('template message', WECHAT_ERRORS.systemBusy, 'unexpected answer');
      return { msgid: String(parsed.data.msgid) };
    },
  };
}
