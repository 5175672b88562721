import { createHash, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import type { AlipayConfig } from '../alipay';
import type { WechatPayConfig } from '../wechatpay';

/**
 * Both sides' keys for a simulated merchant: the merchant half goes into the clients' configuration, the
 * channel half stays in the simulator. Generated fresh, so nothing secret lives in the repository.
 */
export interface SandboxCredentials {
  wechatpay: {
    mchid: string;
    appid: string;
    merchantName: string;
    merchantSerialNo: string;
    merchantPrivateKeyPem: string;
    merchantPublicKeyPem: string;
    apiV3Key: string;
    platformPublicKeyId: string;
    platformPrivateKeyPem: string;
    platformPublicKeyPem: string;
  };
  alipay: {
    appId: string;
    sellerId: string;
    merchantName: string;
    appPrivateKeyPem: string;
    appPublicKeyPem: string;
    alipayPrivateKeyPem: string;
    alipayPublicKeyPem: string;
  };
}

const digits = (count: number): string => Array.from({ length: count }, () => String(randomInt(10))).join('');

function rsaPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Four RSA-2048 key pairs (about half a second) and identifiers in each channel's own formats. */
export function createSandboxCredentials(overrides: { merchantName?: string; mchid?: string; appid?: string; apiV3Key?: string; alipayAppId?: string; sellerId?: string } = {}): SandboxCredentials {
  const merchantName = overrides.merchantName ?? '江城水务集团';
  const merchant = rsaPair();
  const platform = rsaPair();
  const app = rsaPair();
  const alipay = rsaPair();
  return {
    wechatpay: {
      mchid: overrides.mchid ?? `19${digits(8)}`,
      appid: overrides.appid ?? `wx${randomBytes(8).toString('hex')}`,
      merchantName,
      merchantSerialNo: randomBytes(20).toString('hex').toUpperCase(),
      merchantPrivateKeyPem: merchant.privateKeyPem,
      merchantPublicKeyPem: merchant.publicKeyPem,
      // Any 32 printable characters; WeChat Pay lets the merchant choose them.
      apiV3Key: overrides.apiV3Key ?? randomBytes(16).toString('hex'),
      platformPublicKeyId: `PUB_KEY_ID_01${digits(30)}`,
      platformPrivateKeyPem: platform.privateKeyPem,
      platformPublicKeyPem: platform.publicKeyPem,
    },
    alipay: {
      appId: overrides.alipayAppId ?? `2021${digits(12)}`,
      sellerId: overrides.sellerId ?? `2088${digits(12)}`,
      merchantName,
      appPrivateKeyPem: app.privateKeyPem,
      appPublicKeyPem: app.publicKeyPem,
      alipayPrivateKeyPem: alipay.privateKeyPem,
      alipayPublicKeyPem: alipay.publicKeyPem,
    },
  };
}

/** The merchant-side WeChat Pay configuration that talks to a simulator at `baseUrl`. */
export function sandboxWechatPayConfig(
  credentials: SandboxCredentials,
  settings: { baseUrl: string; notifyUrl: string } & Partial<Pick<WechatPayConfig, 'now' | 'fetch' | 'timeoutMs'>>,
): WechatPayConfig {
  const { wechatpay } = credentials;
  return {
    mchid: wechatpay.mchid,
    appid: wechatpay.appid,
    merchantSerialNo: wechatpay.merchantSerialNo,
    merchantPrivateKeyPem: wechatpay.merchantPrivateKeyPem,
    apiV3Key: wechatpay.apiV3Key,
    platformPublicKeyPem: wechatpay.platformPublicKeyPem,
    platformPublicKeyId: wechatpay.platformPublicKeyId,
    ...settings,
  };
}

/** The merchant-side Alipay configuration that talks to a simulator gateway at `gatewayUrl`. */
export function sandboxAlipayConfig(
  credentials: SandboxCredentials,
  settings: { gatewayUrl: string; notifyUrl: string; returnUrl: string } & Partial<Pick<AlipayConfig, 'now' | 'fetch' | 'timeoutMs'>>,
): AlipayConfig {
  const { alipay } = credentials;
  return {
    appId: alipay.appId,
    sellerId: alipay.sellerId,
    appPrivateKeyPem: alipay.appPrivateKeyPem,
    alipayPublicKeyPem: alipay.alipayPublicKeyPem,
    ...settings,
  };
}

/**
 * The official account (公众号) the sandbox merchant's appid belongs to: its AppSecret (derived from the
 * sandbox keys, so the simulator and the client agree without another secret) and the template ids the
 * simulated account has added.
 */
export function sandboxOfficialAccount(credentials: { wechatpay: Pick<SandboxCredentials['wechatpay'], 'appid' | 'apiV3Key'> }): { appid: string; secret: string; templateIds: { dunning_reminder: string; dunning_cutoff_notice: string } } {
  return {
    appid: credentials.wechatpay.appid,
    secret: createHash('sha256').update(`official-account:${credentials.wechatpay.apiV3Key}`).digest('hex').slice(0, 32),
    templateIds: { dunning_reminder: 'SIMtplDunningReminder0000000000000000000000', dunning_cutoff_notice: 'SIMtplDunningCutoffNotice00000000000000000' },
  };
}
