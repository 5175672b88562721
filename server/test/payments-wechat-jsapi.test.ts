import { createPublicKey, createVerify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, TEST_ORIGIN, type TestEnvironment, type Utility } from './harness';
import { expectLedgerInvariants } from './ledger-invariants';

/**
 * WeChat Pay JSAPI inside the WeChat browser: the portal learns the payer's openid through WeChat OAuth2
 * (snsapi_base) — the simulator's authorize endpoint and code exchange — places a JSAPI order for it, and
 * WeixinJSBridge (the simulator's sheet in the demo) checks the RSA-SHA256 paySign and pays.
 */
interface Order {
  id: string;
  outTradeNo: string;
  status: string;
  payUrl: string | null;
  jsapi: { appId: string; timeStamp: string; nonceStr: string; package: string; signType: string; paySign: string; simulatedBridgeUrl: string | null } | null;
}

let environment: TestEnvironment;
let utility: Utility;
let portal: Client;
let accountId: string;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('jsapi');
  const home = await givenCustomerWithAccount(environment, utility, { name: '微信支付户', phone: '13755550001' });
  accountId = home.account.id;
  portal = await environment.loginPortal(utility, '13755550001');
  expect((await portal.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: home.customer.name })).status).toBe(201);
});
afterAll(() => environment.close());
afterEach(() => expectLedgerInvariants(environment));

const inject = (url: string, headers: Record<string, string> = {}) => {
  const target = new URL(url, TEST_ORIGIN);
  return environment.app.inject({ method: 'GET', url: target.pathname + target.search, headers });
};

describe('WeChat Pay JSAPI with the openid from WeChat OAuth2', () => {
  it('refuses a JSAPI order before the openid is known', async () => {
    expect((await portal.get<{ isAvailable: boolean; isBound: boolean }>('/api/portal/wechat')).body).toMatchObject({ isAvailable: true, isBound: false });
    const refused = await portal.post<ErrorBody>('/api/portal/payment-orders', { accountId, channel: 'wechatpay', tradeType: 'jsapi', topupFen: 1_000 });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('wechat_openid_required');
    expect(refused.body.fields[0]?.field).toBe('tradeType');
    const alipay = await portal.post<ErrorBody>('/api/portal/payment-orders', { accountId, channel: 'alipay', tradeType: 'jsapi', topupFen: 1_000 });
    expect(alipay.status).toBe(400);
    expect(alipay.body.fields[0]?.field).toBe('tradeType');
  });

  it('binds the openid through snsapi_base, places a JSAPI order for it whose paySign verifies, and the bridge sheet pays it', async () => {
    const started = await portal.post<{ authorizeUrl: string }>('/api/portal/wechat/authorization', { returnPath: `/portal/accounts/${accountId}/pay` });
    expect(started.status).toBe(201);
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.searchParams.get('scope')).toBe('snsapi_base');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${TEST_ORIGIN}/api/portal/wechat/oauth/callback`);
    // WeChat (the simulator) redirects silently with a code for this browser's WeChat user.
    const redirected = await inject(started.body.authorizeUrl, { cookie: 'sim_wx_user=payer-1' });
    expect(redirected.statusCode).toBe(302);
    const callback = new URL(String(redirected.headers.location));
    const landed = await portal.request('GET', callback.pathname + callback.search);
    expect(landed.status).toBe(303);
    // Back on the pay page with the state the page kept the chosen bills under (sessionStorage), so it pays at once.
    const state = authorize.searchParams.get('state') ?? '';
    expect(state).toMatch(/^[0-9a-f]{32}$/);
    expect(landed.headers.location).toBe(`/portal/accounts/${accountId}/pay?wechat=bound&resume=${state}`);
    const openid = environment.simulator.officialAccount?.openidOf('payer-1') as string;
    expect((await portal.get<{ isBound: boolean; openidMasked: string }>('/api/portal/wechat')).body).toMatchObject({ isBound: true, openidMasked: `${openid.slice(0, 4)}****${openid.slice(-4)}` });
    // The same state again: single use.
    expect((await portal.request('GET', callback.pathname + callback.search)).headers.location).toBe('/portal/?wechat=failed');
    // A code WeChat does not know: back to the page, not bound, with the state so the page can keep the choice.
    const retry = await portal.post<{ authorizeUrl: string }>('/api/portal/wechat/authorization', { returnPath: `/portal/accounts/${accountId}/pay` });
    const retryState = new URL(retry.body.authorizeUrl).searchParams.get('state') ?? '';
    const refused = await portal.request('GET', `/api/portal/wechat/oauth/callback?code=not-a-real-code&state=${retryState}`);
    expect(refused.headers.location).toBe(`/portal/accounts/${accountId}/pay?wechat=failed&resume=${retryState}`);
    expect((await portal.get<{ isBound: boolean }>('/api/portal/wechat')).body.isBound).toBe(true);

    const order = await portal.post<Order>('/api/portal/payment-orders', { accountId, channel: 'wechatpay', tradeType: 'jsapi', topupFen: 2_500 });
    expect(order.status).toBe(201);
    expect(order.body.payUrl).toBeNull();
    const jsapi = order.body.jsapi;
    if (!jsapi) throw new Error('no JSAPI parameters');
    expect(jsapi.appId).toBe(environment.simulator.credentials.wechatpay.appid);
    expect(jsapi.simulatedBridgeUrl).toBe(`${TEST_ORIGIN}/sim/wechatpay/jsbridge.js`);
    const verifier = createVerify('RSA-SHA256').update(`${jsapi.appId}\n${jsapi.timeStamp}\n${jsapi.nonceStr}\n${jsapi.package}\n`);
    expect(verifier.verify(createPublicKey(environment.simulator.credentials.wechatpay.merchantPublicKeyPem), jsapi.paySign, 'base64')).toBe(true);
    expect(environment.simulator.order('wechatpay', order.body.outTradeNo)).toMatchObject({ tradeType: 'JSAPI', payerOpenid: openid, totalFen: 2_500 });

    // The bridge's sheet refuses parameters whose signature does not verify, and shows the order for good ones.
    const query = (paySign: string) => new URLSearchParams({ appId: jsapi.appId, timeStamp: jsapi.timeStamp, nonceStr: jsapi.nonceStr, package: jsapi.package, signType: jsapi.signType, paySign }).toString();
    const tampered = await inject(`/sim/wechatpay/jsapi/sheet?${query(`${jsapi.paySign.slice(0, -4)}AAA=`)}`);
    expect(tampered.statusCode).toBe(400);
    expect(tampered.body).toContain('fail');
    const sheet = await inject(`/sim/wechatpay/jsapi/sheet?${query(jsapi.paySign)}`);
    expect(sheet.statusCode).toBe(200);
    expect(sheet.body).toContain('25.00');
    const bridge = await inject('/sim/wechatpay/jsbridge.js');
    expect(bridge.body).toContain('getBrandWCPayRequest');
    const paid = await environment.app.inject({ method: 'POST', url: '/sim/wechatpay/jsapi/confirm', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `prepay_id=${jsapi.package.replace('prepay_id=', '')}` });
    expect(paid.body).toContain('"ok"');
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const polled = await portal.get<Order>(`/api/portal/payment-orders/${order.body.id}`);
      if (polled.body.status === 'paid') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the JSAPI order was never credited');
  });
});
