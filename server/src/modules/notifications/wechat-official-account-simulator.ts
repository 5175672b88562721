/**
 * A stand-in for the WeChat official account platform (api.weixin.qq.com and open.weixin.qq.com) speaking
 * the same protocol as wechat-official-account.ts: access_token (expires after expires_in), template
 * messages (checked token, template id, follower), and the silent OAuth2 authorisation (snsapi_base) with a
 * single-use, 5-minute code. The browser's WeChat user is a cookie the simulator sets, so the same browser
 * always gets the same openid. Mounted in the demo under /sim/wechat-mp; tests mount or start it themselves.
 */
import { createHmac, randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { WECHAT_ERRORS } from './wechat-official-account';

export interface WechatOfficialAccountSimulatorOptions {
  appid: string;
  secret: string;
  /** Template ids the account has added (模板库 → 我的模板); others are refused with 40037. */
  templateIds: readonly string[];
  /** Lifetime of an access_token in seconds (WeChat: 7,200). */
  tokenLifetimeSeconds?: number;
  now?: () => Date;
}

export interface SentTemplateMessage {
  msgid: string;
  touser: string;
  templateId: string;
  url: string | null;
  data: Record<string, { value: string }>;
  at: Date;
}

const CODE_LIFETIME_MS = 300_000;
const USER_COOKIE = 'sim_wx_user';

export class WechatOfficialAccountSimulator {
  readonly options: WechatOfficialAccountSimulatorOptions;
  private readonly tokens = new Map<string, number>();
  private readonly codes = new Map<string, { openid: string; expiresAt: number }>();
  private readonly unfollowed = new Set<string>();
  private readonly knownOpenids = new Set<string>();
  private readonly sent: SentTemplateMessage[] = [];
  private readonly faults: number[] = [];
  private tokenFetches = 0;

  constructor(options: WechatOfficialAccountSimulatorOptions) {
    this.options = options;
  }

  private now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  // ---- test hooks ----

  /** The openid a WeChat user (any stable key: the browser cookie, a test name) has at this account. */
  openidOf(userKey: string): string {
    const openid = `o${createHmac('sha256', this.options.secret).update(`${this.options.appid}:${userKey}`).digest('base64url').slice(0, 27)}`;
    this.knownOpenids.add(openid);
    return openid;
  }

  /** The user stops following the account: template messages to them fail with 43004. */
  unfollow(openid: string): void {
    this.unfollowed.add(openid);
  }

  /** Every access_token issued so far is expired (as after two hours, or after another fetch elsewhere). */
  expireAccessTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  /** The next template-message sends answer these error codes, one each, in order (e.g. -1 system busy). */
  failNextSends(...errcodes: number[]): void {
    this.faults.push(...errcodes);
  }

  messages(): SentTemplateMessage[] {
    return structuredClone(this.sent);
  }

  get accessTokenFetches(): number {
    return this.tokenFetches;
  }

  // ---- protocol ----

  private error(reply: FastifyReply, errcode: number, errmsg: string): FastifyReply {
    return reply.type('application/json; charset=utf-8').send({ errcode, errmsg: `${errmsg} rid: ${randomBytes(4).toString('hex')}` });
  }

  register(app: FastifyInstance): void {
    const { appid, secret } = this.options;

    app.get('/cgi-bin/token', async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      if (query.grant_type !== 'client_credential') return this.error(reply, 40002, 'invalid grant_type');
      if (query.appid !== appid) return this.error(reply, 40013, 'invalid appid');
      if (query.secret !== secret) return this.error(reply, 40125, 'invalid appsecret');
      const lifetime = this.options.tokenLifetimeSeconds ?? 7200;
      const token = randomBytes(48).toString('base64url');
      this.tokens.set(token, this.now() + lifetime * 1000);
      this.tokenFetches += 1;
      return reply.send({ access_token: token, expires_in: lifetime });
    });

    app.post('/cgi-bin/message/template/send', async (request, reply) => {
      const token = (request.query as { access_token?: string }).access_token ?? '';
      const expiresAt = this.tokens.get(token);
      if (expiresAt === undefined) return this.error(reply, WECHAT_ERRORS.invalidCredential, 'invalid credential, access_token is invalid or not latest');
      if (expiresAt <= this.now()) return this.error(reply, WECHAT_ERRORS.accessTokenExpired, 'access_token expired');
      const fault = this.faults.shift();
      if (fault !== undefined) return this.error(reply, fault, fault === WECHAT_ERRORS.systemBusy ? 'system error' : 'simulated error');
      let body: { touser?: unknown; template_id?: unknown; url?: unknown; data?: unknown };
      try {
        body = JSON.parse(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? {})) as typeof body;
      } catch {
        return this.error(reply, 47001, 'data format error');
      }
      if (typeof body.touser !== 'string' || !this.knownOpenids.has(body.touser)) return this.error(reply, WECHAT_ERRORS.invalidOpenid, 'invalid openid');
      if (typeof body.template_id !== 'string' || !this.options.templateIds.includes(body.template_id)) return this.error(reply, WECHAT_ERRORS.invalidTemplateId, 'invalid template_id');
      if (this.unfollowed.has(body.touser)) return this.error(reply, WECHAT_ERRORS.requireSubscribe, 'require subscribe');
      const data = body.data as Record<string, { value?: unknown }> | undefined;
      if (!data || typeof data !== 'object' || Object.values(data).some((field) => typeof field?.value !== 'string')) return this.error(reply, 47003, 'argument invalid! data.value invalid');
      const msgid = String(2_000_000_000_000 + this.sent.length + 1);
      this.sent.push({ msgid, touser: body.touser, templateId: body.template_id, url: typeof body.url === 'string' ? body.url : null, data: data as Record<string, { value: string }>, at: new Date(this.now()) });
      return reply.send({ errcode: 0, errmsg: 'ok', msgid: Number(msgid) });
    });

    // The silent authorisation: WeChat redirects at once with a code for the user in this browser.
    app.get('/connect/oauth2/authorize', async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const page = (message: string) => reply.code(400).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>微信授权（模拟）</title><p>${message}</p>`);
      if (query.appid !== appid) return page('appid 参数错误');
      if (query.response_type !== 'code') return page('response_type 参数错误');
      if (query.scope !== 'snsapi_base') return page('scope 参数错误（模拟器只支持静默授权 snsapi_base）');
      let redirect: URL;
      try {
        redirect = new URL(query.redirect_uri ?? '');
      } catch {
        return page('redirect_uri 参数错误');
      }
      const cookies = String(request.headers.cookie ?? '');
      let userKey = new RegExp(`(?:^|;\\s*)${USER_COOKIE}=([A-Za-z0-9_-]+)`).exec(cookies)?.[1];
      if (!userKey) {
        userKey = randomBytes(12).toString('base64url');
        reply.header('set-cookie', `${USER_COOKIE}=${userKey}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`);
      }
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, { openid: this.openidOf(userKey), expiresAt: this.now() + CODE_LIFETIME_MS });
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', query.state ?? '');
      return reply.redirect(redirect.toString(), 302);
    });

    app.get('/sns/oauth2/access_token', async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      if (query.grant_type !== 'authorization_code') return this.error(reply, 40002, 'invalid grant_type');
      if (query.appid !== appid) return this.error(reply, 40013, 'invalid appid');
      if (query.secret !== secret) return this.error(reply, 40125, 'invalid appsecret');
      const found = this.codes.get(query.code ?? '');
      // A code is good once and for five minutes.
      this.codes.delete(query.code ?? '');
      if (!found || found.expiresAt <= this.now()) return this.error(reply, WECHAT_ERRORS.invalidCode, 'invalid code');
      return reply.send({ access_token: randomBytes(32).toString('base64url'), expires_in: 7200, refresh_token: randomBytes(32).toString('base64url'), openid: found.openid, scope: 'snsapi_base' });
    });
  }
}

/** Mounts the simulator in a running server (the demo: prefix /sim/wechat-mp). */
export async function registerWechatOfficialAccountSimulator(app: FastifyInstance, options: WechatOfficialAccountSimulatorOptions & { prefix: string }): Promise<WechatOfficialAccountSimulator> {
  const simulator = new WechatOfficialAccountSimulator(options);
  await app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      simulator.register(scope);
    },
    { prefix: options.prefix },
  );
  return simulator;
}

/** Runs the simulator alone on a port (tests of the client). */
export async function startWechatOfficialAccountSimulator(options: WechatOfficialAccountSimulatorOptions): Promise<{ url: string; simulator: WechatOfficialAccountSimulator; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  const simulator = await registerWechatOfficialAccountSimulator(app, { ...options, prefix: '' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, simulator, close: () => app.close() };
}
