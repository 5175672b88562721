/**
 * WeChat Pay inside the WeChat browser (JSAPI): the page calls WeixinJSBridge.invoke('getBrandWCPayRequest',
 * params, callback) with the parameters the server signed. The real WeChat client provides the bridge; in the
 * demo, outside WeChat's client, the order names the payment simulator's stand-in script, which defines the
 * same bridge and shows the simulator's pay sheet.
 */
import type { WechatJsapiParams } from '../../api/types';

interface WeixinJSBridge {
  invoke(name: 'getBrandWCPayRequest', params: Record<string, string>, callback: (result: { err_msg?: string }) => void): void;
}
declare global {
  interface Window {
    WeixinJSBridge?: WeixinJSBridge;
  }
}

/** The WeChat in-app browser says so in its user agent (MicroMessenger). */
export const isWechatBrowser = (): boolean => /MicroMessenger/i.test(navigator.userAgent);

function bridgeReady(simulatedBridgeUrl: string | null): Promise<WeixinJSBridge> {
  return new Promise((resolve, reject) => {
    if (window.WeixinJSBridge) {
      resolve(window.WeixinJSBridge);
      return;
    }
    const timer = window.setTimeout(() => reject(new Error('WeixinJSBridge did not become ready')), 10_000);
    document.addEventListener(
      'WeixinJSBridgeReady',
      () => {
        window.clearTimeout(timer);
        if (window.WeixinJSBridge) resolve(window.WeixinJSBridge);
        else reject(new Error('WeixinJSBridge missing'));
      },
      { once: true },
    );
    if (simulatedBridgeUrl && !document.querySelector(`script[src="${simulatedBridgeUrl}"]`)) {
      const script = document.createElement('script');
      script.src = simulatedBridgeUrl;
      script.onerror = () => reject(new Error('the simulated bridge did not load'));
      document.head.appendChild(script);
    }
  });
}

/** Pays a JSAPI order: 'ok' (the server's notification still decides), 'cancel' or 'fail'. */
export async function payInWechat(params: WechatJsapiParams): Promise<'ok' | 'cancel' | 'fail'> {
  const bridge = await bridgeReady(params.simulatedBridgeUrl);
  const { appId, timeStamp, nonceStr, signType, paySign } = params;
  return new Promise((resolve) => {
    bridge.invoke('getBrandWCPayRequest', { appId, timeStamp, nonceStr, package: params.package, signType, paySign }, (result) => {
      const message = result.err_msg ?? '';
      resolve(message.endsWith(':ok') ? 'ok' : message.endsWith(':cancel') ? 'cancel' : 'fail');
    });
  });
}
