import { fenToYuan } from '../money';

/**
 * The pages a payer sees in the demo instead of WeChat's or Alipay's cashier: one order, one button. They say
 * plainly that they are a simulator, so a screenshot can never pass for a real payment.
 */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

interface Brand {
  name: string;
  colour: string;
}

const BRANDS: Record<'wechatpay' | 'alipay', Brand> = {
  wechatpay: { name: '微信支付', colour: '#07c160' },
  alipay: { name: '支付宝', colour: '#1677ff' },
};

function layout(channel: 'wechatpay' | 'alipay', title: string, content: string): string {
  const brand = BRANDS[channel];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">
<title>${escapeHtml(title)} · ${brand.name}（模拟）</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; background: #f5f5f5; font-family: -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1f1f1f; }
  main { max-width: 375px; min-height: 100vh; margin: 0 auto; background: #fff; padding: 24px 20px; display: flex; flex-direction: column; }
  header { display: flex; justify-content: space-between; align-items: center; font-size: 15px; color: ${brand.colour}; font-weight: 600; }
  .badge { font-size: 12px; color: #ad4e00; background: #fff7e6; border: 1px solid #ffd591; border-radius: 4px; padding: 2px 6px; font-weight: normal; }
  .merchant { margin-top: 40px; text-align: center; font-size: 16px; color: #595959; }
  .amount { margin: 12px 0 4px; text-align: center; font-size: 40px; font-weight: 600; }
  .amount small { font-size: 24px; margin-right: 4px; }
  .description { text-align: center; font-size: 14px; color: #8c8c8c; word-break: break-all; }
  .order { margin-top: 24px; font-size: 13px; color: #8c8c8c; border-top: 1px solid #f0f0f0; padding-top: 12px; word-break: break-all; }
  form { margin-top: auto; padding-top: 40px; }
  button { width: 100%; height: 52px; border: 0; border-radius: 8px; background: ${brand.colour}; color: #fff; font-size: 18px; font-weight: 600; }
  .cancel { display: block; margin: 20px 0 8px; text-align: center; color: #595959; font-size: 15px; text-decoration: none; }
  .status { margin-top: 60px; text-align: center; font-size: 20px; }
</style>
</head>
<body>
<main>
<header><span>${brand.name}</span><span class="badge">支付模拟器 · 非真实支付</span></header>
${content}
</main>
</body>
</html>`;
}

/** The cashier: merchant, amount in yuan, a big 确认支付 button posting `hidden` to `confirmUrl`, and 取消. */
export function payPage(input: {
  channel: 'wechatpay' | 'alipay';
  merchantName: string;
  description: string;
  amountFen: number;
  outTradeNo: string;
  confirmUrl: string;
  hidden: Record<string, string>;
  cancelUrl: string;
}): string {
  const fields = Object.entries(input.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return layout(
    input.channel,
    '确认支付',
    `<div class="merchant">${escapeHtml(input.merchantName)}</div>
<div class="amount"><small>¥</small>${fenToYuan(input.amountFen)}</div>
<div class="description">${escapeHtml(input.description)}</div>
<div class="order">商户订单号：${escapeHtml(input.outTradeNo)}</div>
<form method="post" action="${escapeHtml(input.confirmUrl)}">${fields}<button type="submit">确认支付</button></form>
<a class="cancel" href="${escapeHtml(input.cancelUrl)}">取消</a>`,
  );
}

/** A page that only says what happened (paid, cancelled, refused), with an optional link back. */
export function messagePage(channel: 'wechatpay' | 'alipay', message: string, backUrl?: string): string {
  const back = backUrl ? `<a class="cancel" href="${escapeHtml(backUrl)}">返回商户</a>` : '';
  return layout(channel, message, `<div class="status">${escapeHtml(message)}</div>${back}`);
}
