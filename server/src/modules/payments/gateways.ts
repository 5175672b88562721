/**
 * Which WeChat Pay and Alipay merchant each utility uses. A real installation names them in a JSON file
 * (SHUIWU_PAYMENT_CONFIG, documented in docs/PAYMENTS.md); without one, the payment simulator mounted on
 * this server under /sim plays both channels with its own keys, so every journey works in the demo.
 * Notification URLs carry the utility's code: /api/payments/notify/{channel}/{tenantCode}.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createWechatOfficialAccountClient, type WechatOfficialAccountClient, type WechatTemplateIds } from '../notifications';
import {
  createAlipayClient,
  createSandboxCredentials,
  createWechatPayClient,
  sandboxAlipayConfig,
  sandboxOfficialAccount,
  sandboxWechatPayConfig,
  type AlipayClient,
  type AlipayConfig,
  type SandboxCredentials,
  type WechatPayClient,
  type WechatPayConfig,
} from './channels';

export type OnlineChannel = 'wechatpay' | 'alipay';

export interface ChannelClients {
  wechatpay: WechatPayClient | null;
  alipay: AlipayClient | null;
}

export interface PaymentGateways {
  /** 'simulator' in the demo and tests, 'configured' with real merchants. */
  readonly mode: 'simulator' | 'configured';
  forTenant(tenantCode: string): ChannelClients;
  /**
   * The utility's WeChat official account (公众号) — the appid its WeChat Pay merchant is bound to: OAuth2 for
   * the payer's openid (JSAPI) and WeChat messages. null when none is configured.
   */
  officialAccount(tenantCode: string): WechatOfficialAccountClient | null;
  /** Where the browser returns after paying: the portal's result page. */
  returnUrl(tenantCode: string, orderId: string): string;
  /** An absolute URL of this server (SHUIWU_PUBLIC_URL + path), e.g. the OAuth2 redirect_uri. */
  publicUrl(path: string): string;
  /** Demo only: the simulator's stand-in for WeixinJSBridge, for pages outside the real WeChat client; null with real merchants. */
  simulatedBridgeUrl(): string | null;
}

export const notifyPath = (channel: OnlineChannel, tenantCode: string): string => `/api/payments/notify/${channel}/${tenantCode}`;
export const SIMULATOR_PREFIX = { wechatpay: '/sim/wechatpay', alipay: '/sim/alipay', officialAccount: '/sim/wechat-mp' } as const;

interface Options {
  /** The origin the channels reach this server at, e.g. https://pay.example-water.cn (read when first needed: the port may be known only after listening). */
  publicBaseUrl: string | (() => string);
  fetch?: typeof fetch;
  now?: () => Date;
}

function portalReturnUrl(publicBaseUrl: string, orderId: string): string {
  return `${publicBaseUrl}/portal/pay/result/${orderId}`;
}

/** Every utility pays through the simulator mounted on this server, with one set of sandbox keys. */
const baseOf = (options: Options): string => (typeof options.publicBaseUrl === 'function' ? options.publicBaseUrl() : options.publicBaseUrl);

export function simulatorGateways(credentials: SandboxCredentials, options: Options): PaymentGateways {
  const cache = new Map<string, ChannelClients>();
  let officialAccount: WechatOfficialAccountClient | null = null;
  const extra = { ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.now ? { now: options.now } : {}) };
  return {
    mode: 'simulator',
    forTenant(tenantCode) {
      let clients = cache.get(tenantCode);
      if (!clients) {
        const base = baseOf(options);
        clients = {
          wechatpay: createWechatPayClient(sandboxWechatPayConfig(credentials, { baseUrl: `${base}${SIMULATOR_PREFIX.wechatpay}`, notifyUrl: `${base}${notifyPath('wechatpay', tenantCode)}`, ...extra })),
          alipay: createAlipayClient(
            sandboxAlipayConfig(credentials, {
              gatewayUrl: `${base}${SIMULATOR_PREFIX.alipay}/gateway.do`,
              notifyUrl: `${base}${notifyPath('alipay', tenantCode)}`,
              returnUrl: `${base}/portal/pay/result`,
              ...extra,
            }),
          ),
        };
        cache.set(tenantCode, clients);
      }
      return clients;
    },
    returnUrl: (_tenantCode, orderId) => portalReturnUrl(baseOf(options), orderId),
    publicUrl: (path) => `${baseOf(options)}${path}`,
    simulatedBridgeUrl: () => `${baseOf(options)}${SIMULATOR_PREFIX.wechatpay}/jsbridge.js`,
    officialAccount() {
      // One sandbox official account for every utility, like the merchant.
      officialAccount ??= createWechatOfficialAccountClient({
        ...sandboxOfficialAccount(credentials),
        apiBaseUrl: `${baseOf(options)}${SIMULATOR_PREFIX.officialAccount}`,
        oauthBaseUrl: `${baseOf(options)}${SIMULATOR_PREFIX.officialAccount}`,
        ...extra,
      });
      return officialAccount;
    },
  };
}

/** The file's shape: per utility code, the merchant settings of each channel it uses (PEM files by path). */
interface ConfigFile {
  [tenantCode: string]: {
    wechatpay?: Omit<WechatPayConfig, 'notifyUrl' | 'merchantPrivateKeyPem' | 'platformPublicKeyPem'> & { merchantPrivateKeyFile: string; platformPublicKeyFile: string };
    alipay?: Omit<AlipayConfig, 'notifyUrl' | 'returnUrl' | 'appPrivateKeyPem' | 'alipayPublicKeyPem'> & { appPrivateKeyFile: string; alipayPublicKeyFile: string };
    /** The 公众号 (same appid as wechatpay.appid): its AppSecret in a file, and the message template ids. */
    wechatOfficialAccount?: { appid: string; secretFile: string; templateIds: WechatTemplateIds };
  };
}

/** Real merchants from SHUIWU_PAYMENT_CONFIG. A utility without a channel there cannot pay through it. */
export function configuredGateways(file: string, options: Options): PaymentGateways {
  const config = JSON.parse(readFileSync(file, 'utf8')) as ConfigFile;
  let clients: Map<string, ChannelClients> | null = null;
  const build = (): Map<string, ChannelClients> => {
  const base = baseOf(options);
  const built = new Map<string, ChannelClients>();
  for (const [tenantCode, channels] of Object.entries(config)) {
    const wechat = channels.wechatpay;
    const alipay = channels.alipay;
    built.set(tenantCode, {
      wechatpay: wechat
        ? createWechatPayClient({
            ...wechat,
            merchantPrivateKeyPem: readFileSync(wechat.merchantPrivateKeyFile, 'utf8'),
            platformPublicKeyPem: readFileSync(wechat.platformPublicKeyFile, 'utf8'),
            notifyUrl: `${base}${notifyPath('wechatpay', tenantCode)}`,
          })
        : null,
      alipay: alipay
        ? createAlipayClient({
            ...alipay,
            appPrivateKeyPem: readFileSync(alipay.appPrivateKeyFile, 'utf8'),
            alipayPublicKeyPem: readFileSync(alipay.alipayPublicKeyFile, 'utf8'),
            notifyUrl: `${base}${notifyPath('alipay', tenantCode)}`,
            returnUrl: `${base}/portal/pay/result`,
          })
        : null,
    });
  }
  return built;
  };
  const officialAccounts = new Map<string, WechatOfficialAccountClient>();
  return {
    mode: 'configured',
    forTenant: (tenantCode) => (clients ??= build()).get(tenantCode) ?? { wechatpay: null, alipay: null },
    publicUrl: (path) => `${baseOf(options)}${path}`,
    simulatedBridgeUrl: () => null,
    officialAccount(tenantCode) {
      const account = config[tenantCode]?.wechatOfficialAccount;
      if (!account) return null;
      let client = officialAccounts.get(tenantCode);
      if (!client) {
        client = createWechatOfficialAccountClient({ appid: account.appid, secret: readFileSync(account.secretFile, 'utf8').trim(), templateIds: account.templateIds });
        officialAccounts.set(tenantCode, client);
      }
      return client;
    },
    returnUrl: (_tenantCode, orderId) => portalReturnUrl(baseOf(options), orderId),
  };
}

export { createSandboxCredentials };

/**
 * The demo merchant's appid and APIv3 key, derived from the installation's secret key instead of drawn at
 * random, so that `shuiwu worker` — another process — knows the official account that the simulator inside
 * `shuiwu serve` plays (its AppSecret follows from the APIv3 key) and delivers WeChat messages to it.
 */
export function demoSandboxIdentifiers(secretKey: Buffer): { appid: string; apiV3Key: string } {
  const derive = (purpose: string) => createHmac('sha256', secretKey).update(`shuiwu-demo-sandbox:${purpose}`).digest('hex');
  return { appid: `wx${derive('appid').slice(0, 16)}`, apiV3Key: derive('apiv3').slice(0, 32) };
}

/**
 * The official account of the simulator mounted in a `shuiwu serve` at `serveBaseUrl` (same one for every
 * utility, as in simulatorGateways), for a process that does not mount the simulator itself.
 */
export function demoOfficialAccount(secretKey: Buffer, serveBaseUrl: string, options: Pick<Options, 'fetch' | 'now'> = {}): WechatOfficialAccountClient {
  const base = `${serveBaseUrl.replace(/\/+$/, '')}${SIMULATOR_PREFIX.officialAccount}`;
  return createWechatOfficialAccountClient({
    ...sandboxOfficialAccount({ wechatpay: demoSandboxIdentifiers(secretKey) }),
    apiBaseUrl: base,
    oauthBaseUrl: base,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
