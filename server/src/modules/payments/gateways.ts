/**
 * Which WeChat Pay and Alipay merchant each utility uses. A real installation names them in a JSON file
 * (SHUIWU_PAYMENT_CONFIG, documented in docs/PAYMENTS.md); without one, the payment simulator mounted on
 * this server under /sim plays both channels with its own keys, so every journey works in the demo.
 * Notification URLs carry the utility's code: /api/payments/notify/{channel}/{tenantCode}.
 */
import { readFileSync } from 'node:fs';
import {
  createAlipayClient,
  createSandboxCredentials,
  createWechatPayClient,
  sandboxAlipayConfig,
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
  /** Where the browser returns after paying: the portal's result page. */
  returnUrl(tenantCode: string, orderId: string): string;
}

export const notifyPath = (channel: OnlineChannel, tenantCode: string): string => `/api/payments/notify/${channel}/${tenantCode}`;
export const SIMULATOR_PREFIX = { wechatpay: '/sim/wechatpay', alipay: '/sim/alipay' } as const;

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
  };
}

/** The file's shape: per utility code, the merchant settings of each channel it uses (PEM files by path). */
interface ConfigFile {
  [tenantCode: string]: {
    wechatpay?: Omit<WechatPayConfig, 'notifyUrl' | 'merchantPrivateKeyPem' | 'platformPublicKeyPem'> & { merchantPrivateKeyFile: string; platformPublicKeyFile: string };
    alipay?: Omit<AlipayConfig, 'notifyUrl' | 'returnUrl' | 'appPrivateKeyPem' | 'alipayPublicKeyPem'> & { appPrivateKeyFile: string; alipayPublicKeyFile: string };
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
  return {
    mode: 'configured',
    forTenant: (tenantCode) => (clients ??= build()).get(tenantCode) ?? { wechatpay: null, alipay: null },
    returnUrl: (_tenantCode, orderId) => portalReturnUrl(baseOf(options), orderId),
  };
}

export { createSandboxCredentials };
