// Paying online in the customer portal (375 px, WeChat): the customer picks the two oldest open bills of the
// demo account, pays them with WeChat Pay JSAPI — the openid learnt through the simulator's WeChat OAuth2, the
// simulator's WeixinJSBridge sheet (确认支付) — comes back to the result
// page, sees the receipt, finds it under 缴费记录, and sees the two bills settled on the bills page.
// Screenshots go to e2e/screenshots/pay-*.png.
//
// billing-journey.spec.ts and portal.spec.ts use the same demo account (1000000001): this spec reads what is
// open first and pays whatever the two oldest open bills are then. It needs at least two open bills (a fresh
// demo database has three).
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freshPhone, PORTAL_PHONE } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The demo data `serve --seed-demo` creates (server/src/demo/seed.ts; e2e code does not import server code).
const DEMO = {
  tenant: 'jiangcheng',
  tenantName: '江城水务集团',
  auditor: { username: 'auditor', password: 'Shuiwu@2026' },
  account: { accountNo: '1000000001', holderName: '李秀英', holderMasked: '李*英' },
};

test.use({ ...PORTAL_PHONE, timezoneId: 'Asia/Shanghai' });

interface OpenBill {
  billId: string;
  billNo: string;
  period: string;
  openFen: number;
}
interface AccountMoney {
  accountId: string;
  balanceFen: number;
  prepaidFen: number;
  openBills: OpenBill[];
}
interface PortalBill {
  id: string;
  status: string | null;
}

/** 123456 fen → "1,234.56", as the portal prints money (integer arithmetic, like web/src/shared/money.ts). */
function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const whole = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(absolute % 100).padStart(2, '0')}`;
}

/** "2026-07" → "2026年07月", as the portal titles a bill. */
const periodZh = (period: string) => `${period.slice(0, 4)}年${period.slice(5, 7)}月`;

/** What the receipt says is owed after paying. */
const balanceZh = (fen: number) => (fen > 0 ? `尚欠 ¥${yuan(fen)}` : fen < 0 ? `预存余额 ¥${yuan(-fen)}` : '已结清');

async function shot(page: Page, name: string): Promise<void> {
  // Let Toasts and transitions settle, then prove nothing is wider than the phone.
  await page.waitForTimeout(300);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name}: the page is wider than 375 px`).toBeLessThanOrEqual(375);
  await page.screenshot({ path: `${SCREENSHOT_DIR}pay-${name}.png`, animations: 'disabled' });
}

/** The newest login code sent to `phone`, read from the outbox through the staff API as the demo auditor. */
async function latestCode(staff: APIRequestContext, phone: string): Promise<string> {
  let code: string | null = null;
  await expect
    .poll(
      async () => {
        const res = await staff.get('/api/outbox', { params: { recipient: phone, limit: 1 } });
        expect(res.status(), 'GET /api/outbox').toBe(200);
        const body = (await res.json()) as { messages: { body: string }[] };
        const message = body.messages[0];
        code = message ? (/(\d{6})/.exec(message.body)?.[1] ?? null) : null;
        return code;
      },
      { message: `an SMS code for ${phone} in the outbox`, timeout: 10_000 },
    )
    .not.toBeNull();
  return code ?? '';
}

/** GET through the browser's own session (the portal cookie). */
async function portalGet<T>(page: Page, url: string, params?: Record<string, string | number>): Promise<T> {
  const res = await page.request.get(url, params ? { params } : undefined);
  expect(res.status(), `GET ${url}`).toBe(200);
  return (await res.json()) as T;
}

/** Logs in with a fresh phone and binds the demo account; returns its id. */
async function logInAndBind(page: Page): Promise<string> {
  // 136…, never one of the other journeys' 139… or 137… numbers.
  const phone = freshPhone('136');
  await page.goto('/portal/');
  await expect(page.getByTestId('login-page')).toBeVisible();
  await page.getByLabel('手机号').fill(phone);
  await page.getByTestId('get-code').click();
  await expect(page.getByTestId('login-notice')).toBeVisible();
  await page.getByLabel('验证码').fill(await latestCode(staff, phone));
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByTestId('home-page')).toBeVisible();
  await expect(page.getByText('还没有绑定户号')).toBeVisible();
  await page.getByRole('button', { name: '绑定户号' }).click();
  await expect(page.getByTestId('bind-page')).toBeVisible();
  await page.getByLabel('户号').fill(DEMO.account.accountNo);
  await page.getByLabel('户主姓名').fill(DEMO.account.holderName);
  await page.getByRole('button', { name: /^绑\s*定$/ }).click();
  await expect(page.getByTestId('home-page')).toBeVisible();
  await expect(page.getByText('绑定成功')).toHaveCount(0); // the Toast goes away by itself

  const { accounts } = await portalGet<{ accounts: { id: string; accountNo: string }[] }>(page, '/api/portal/accounts');
  const accountId = accounts.find((account) => account.accountNo === DEMO.account.accountNo)?.id ?? '';
  expect(accountId, `account ${DEMO.account.accountNo} bound`).not.toBe('');
  return accountId;
}

let staff: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  staff = await request.newContext({ baseURL });
  const portal = await staff.get('/portal/');
  expect(portal.status(), 'GET /portal/ must serve the built portal: run `npm run build:web` before the e2e tests').toBe(200);
  const login = await staff.post('/api/staff/login', {
    data: { tenant: DEMO.tenant, username: DEMO.auditor.username, password: DEMO.auditor.password },
  });
  expect(login.status(), 'demo auditor login').toBe(200);
});

test.afterAll(async () => {
  await staff.dispose();
});

test('a customer pays the two oldest open bills with WeChat Pay and gets the receipt (375 px, WeChat)', async ({ page }) => {
  test.setTimeout(120_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const accountId = await logInAndBind(page);

  // ---- what is open now (other specs may have billed this account), through the customer's own API ----
  const before = await portalGet<AccountMoney>(page, `/api/portal/accounts/${accountId}/money`);
  expect(before.openBills.length, `account ${DEMO.account.accountNo} needs two open bills (a fresh demo database has three)`).toBeGreaterThanOrEqual(2);
  const [oldest, second] = before.openBills as [OpenBill, OpenBill];
  const expectedFen = oldest.openFen + second.openFen;
  const allFen = before.openBills.reduce((sum, bill) => sum + bill.openFen, 0);

  // ---- home: the card says what is owed and offers 缴费 ----
  const strip = page.getByTestId('pay-strip');
  await expect(strip).toContainText(`¥${yuan(before.balanceFen)}`);
  await expect(strip.getByTestId('pay-strip-pay')).toHaveText('缴费');
  await shot(page, 'home');

  // ---- the account page: what is owed, and a big 缴费 button ----
  await page.getByTestId('account-card').click();
  await expect(page.getByTestId('account-detail-page')).toBeVisible();
  await expect(page.getByTestId('pay-entry-amount')).toHaveText(`¥${yuan(before.balanceFen)}`);
  await expect(page.getByTestId('payments-entry')).toBeVisible();
  await shot(page, 'account');
  await page.getByTestId('pay-entry-button').click();

  // ---- 缴费: every open bill, oldest first, all ticked ----
  await expect(page.getByTestId('pay-page')).toBeVisible();
  await expect(page.getByTestId('pay-owed')).toHaveText(yuan(before.balanceFen));
  await expect(page.getByTestId('pay-prepaid')).toHaveText(`¥${yuan(before.prepaidFen)}`);
  const rows = page.getByTestId('pay-bill');
  await expect(rows).toHaveCount(before.openBills.length);
  for (const [index, bill] of before.openBills.entries()) {
    await expect(rows.nth(index)).toContainText(periodZh(bill.period));
    await expect(rows.nth(index)).toContainText(bill.billNo);
    await expect(rows.nth(index)).toContainText(`¥${yuan(bill.openFen)}`);
    await expect(rows.nth(index).locator('input')).toBeChecked();
  }
  await expect(page.getByTestId('pay-total')).toHaveText(`¥${yuan(allFen)}`);
  await expect(page.getByTestId('pay-submit')).toHaveText(`支付 ¥${yuan(allFen)}`);
  await expect(page.getByText('账单按账期从早到晚依次缴清')).toBeVisible();
  await shot(page, 'bills');

  // Unticking the oldest unticks every newer bill; ticking the second ticks the oldest too.
  await rows.nth(0).click();
  for (let index = 0; index < before.openBills.length; index += 1) await expect(rows.nth(index).locator('input')).not.toBeChecked();
  await expect(page.getByTestId('pay-submit')).toBeDisabled();
  await expect(page.getByTestId('pay-submit')).toHaveText('请选择账单');
  await rows.nth(1).click();
  await expect(rows.nth(0).locator('input')).toBeChecked();
  await expect(rows.nth(1).locator('input')).toBeChecked();
  for (let index = 2; index < before.openBills.length; index += 1) await expect(rows.nth(index).locator('input')).not.toBeChecked();
  await expect(page.getByTestId('pay-selected')).toHaveText('已选 2 期');
  await expect(page.getByTestId('pay-total')).toHaveText(`¥${yuan(expectedFen)}`);
  await expect(page.getByTestId('pay-submit')).toHaveText(`支付 ¥${yuan(expectedFen)}`);
  await page.getByTestId('pay-channels').scrollIntoViewIfNeeded();
  await expect(page.getByRole('radio', { name: /微信支付/ })).toBeChecked();
  await shot(page, 'two-selected');

  // ---- 预存: the amount is checked before anything is sent ----
  await page.getByTestId('pay-tabs').getByText('预存水费').click();
  const amount = page.getByTestId('pay-topup-input').locator('input');
  await amount.fill('0.5');
  await page.getByTestId('pay-submit').click();
  await expect(page.getByTestId('pay-topup-error')).toHaveText('预存金额须在 1 ~ 100,000 元之间');
  await amount.fill('12.345');
  await expect(page.getByTestId('pay-topup-error')).toHaveText('请输入正确的金额，最多两位小数');
  await amount.fill('100.5');
  await expect(page.getByTestId('pay-topup-error')).toHaveCount(0);
  await expect(page.getByTestId('pay-submit')).toHaveText('支付 ¥100.50');
  await shot(page, 'topup');
  await page.getByTestId('pay-tabs').getByText('缴纳账单').click();
  await expect(page.getByTestId('pay-submit')).toHaveText(`支付 ¥${yuan(expectedFen)}`);

  // ---- inside WeChat: the first tap learns the openid through WeChat OAuth2 (snsapi_base, silent) ----
  await page.getByTestId('pay-submit').click();
  // ---- JSAPI: back from WeChat, the page pays the two bills chosen before leaving at once (kept under the
  // OAuth state): WeixinJSBridge (the simulator's stand-in in the demo) shows the pay sheet over the page ----
  const sheet = page.frameLocator('iframe[title="微信支付（模拟）"]');
  await expect(sheet.locator('body')).toContainText(yuan(expectedFen));
  // The return URL's wechat=bound&resume=… is gone (a reload pays nothing twice), and the choice is on screen.
  await expect(page).toHaveURL(/\/portal\/accounts\/[0-9a-f-]{36}\/pay$/);
  await expect(page.getByTestId('pay-selected')).toHaveText('已选 2 期');
  await expect(page.getByTestId('pay-channels')).toContainText('在微信内直接支付');
  await shot(page, 'simulator');
  await sheet.getByRole('button', { name: '确认支付' }).click();

  // ---- back on the result page: the receipt, with exactly the two bills and the amount ----
  await page.waitForURL(/\/portal\/pay\/result\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('pay-result-page')).toBeVisible();
  await expect(page.getByTestId('pay-result-paid')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('缴费成功')).toBeVisible();
  const receipt = page.getByTestId('receipt');
  await expect(receipt.getByTestId('receipt-amount')).toHaveText(`¥${yuan(expectedFen)}`);
  const settled = receipt.getByTestId('receipt-bill');
  await expect(settled).toHaveCount(2);
  await expect(settled.nth(0)).toContainText(oldest.billNo);
  await expect(settled.nth(0)).toContainText(`¥${yuan(oldest.openFen)}`);
  await expect(settled.nth(1)).toContainText(second.billNo);
  await expect(settled.nth(1)).toContainText(`¥${yuan(second.openFen)}`);
  await expect(receipt).toContainText(DEMO.account.accountNo);
  await expect(receipt).toContainText(DEMO.tenantName);
  await expect(receipt).toContainText('微信支付');
  await shot(page, 'result');

  // The server agrees: the two bills are no longer open and the balance dropped by the amount paid.
  const after = await portalGet<AccountMoney>(page, `/api/portal/accounts/${accountId}/money`);
  expect(after.openBills.map((bill) => bill.billId)).toEqual(before.openBills.slice(2).map((bill) => bill.billId));
  expect(after.balanceFen).toBe(before.balanceFen - expectedFen);
  await expect(receipt.getByTestId('receipt-balance-after')).toHaveText(balanceZh(after.balanceFen));
  const receiptNo = (await receipt.getByTestId('receipt-no').textContent()) ?? '';
  expect(receiptNo).not.toBe('');
  await page.getByTestId('pay-result-history').scrollIntoViewIfNeeded();
  await shot(page, 'result-end');

  // ---- 缴费记录, newest first, and the receipt again ----
  await page.getByTestId('pay-result-history').click();
  await expect(page.getByTestId('payments-page')).toBeVisible();
  const first = page.getByTestId('payment-item').first();
  await expect(first).toContainText(receiptNo);
  await expect(first).toContainText(`¥${yuan(expectedFen)}`);
  await expect(first).toContainText('微信支付');
  await shot(page, 'history');
  await first.click();
  await expect(page.getByTestId('receipt-page')).toBeVisible();
  await expect(page.getByTestId('receipt-no')).toHaveText(receiptNo);
  await expect(page.getByTestId('receipt-amount')).toHaveText(`¥${yuan(expectedFen)}`);
  await expect(page.getByTestId('receipt-bill')).toHaveCount(2);
  await shot(page, 'receipt');

  // ---- the bills page shows the two bills settled ----
  const { bills } = await portalGet<{ bills: PortalBill[] }>(page, `/api/portal/accounts/${accountId}/bills`, { page: 1, pageSize: 100 });
  await page.goto(`/portal/accounts/${accountId}/bills`);
  await expect(page.getByTestId('bills-page')).toBeVisible();
  const items = page.getByTestId('bill-item');
  for (const paid of [oldest, second]) {
    const index = bills.findIndex((bill) => bill.id === paid.billId);
    expect(index, `bill ${paid.billNo} in the account's bills`).toBeGreaterThanOrEqual(0);
    // The list loads 12 at a time as it is scrolled.
    await expect(async () => {
      await items.last().scrollIntoViewIfNeeded();
      expect(await items.count()).toBeGreaterThan(index);
    }).toPass({ timeout: 15_000 });
    await items.nth(index).scrollIntoViewIfNeeded();
    await expect(items.nth(index)).toContainText(periodZh(paid.period));
    await expect(items.nth(index).getByTestId('bill-status')).toHaveText('已缴清');
  }
  await expect(page.getByTestId('bills-balance')).toContainText(`¥${yuan(Math.abs(after.balanceFen))}`);
  await shot(page, 'bills-settled');

  expect(pageErrors, 'uncaught errors on the page').toEqual([]);
});

test('a top-up with Alipay left unpaid: the result page keeps checking, then says it is still waiting (375 px, WeChat)', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // The page's timers run on a clock the test can move: 30 s of waiting take no time.
  await page.clock.install();
  const accountId = await logInAndBind(page);

  await page.goto(`/portal/accounts/${accountId}/pay?tab=topup`);
  await expect(page.getByTestId('pay-topup')).toBeVisible();
  await page.getByText('¥50', { exact: true }).click();
  await expect(page.getByTestId('pay-topup-input').locator('input')).toHaveValue('50');
  await expect(page.getByTestId('pay-submit')).toHaveText('支付 ¥50.00');
  await page.getByRole('radio', { name: /支付宝/ }).check();
  const placed = page.waitForResponse((res) => res.url().endsWith('/api/portal/payment-orders') && res.request().method() === 'POST');
  await page.getByTestId('pay-submit').click();
  const response = await placed;
  expect(response.status(), 'POST /api/portal/payment-orders').toBe(201);
  expect(response.request().headers()['idempotency-key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  // On Alipay's page the customer changes their mind: the channel sends them back to the result page.
  await page.waitForURL(/\/sim\/alipay\//);
  await expect(page.locator('body')).toContainText('50.00');
  await shot(page, 'simulator-alipay');
  await page.getByRole('link', { name: '取消' }).click();
  await page.waitForURL(/\/portal\/pay\/result\/[0-9a-f-]{36}$/);
  const orderId = new URL(page.url()).pathname.split('/').pop() ?? '';
  const order = await portalGet<{ status: string; amountFen: number; purpose: string; channel: string }>(page, `/api/portal/payment-orders/${orderId}`);
  expect(order).toMatchObject({ status: 'created', amountFen: 5000, purpose: 'topup', channel: 'alipay' });
  await expect(page.getByTestId('pay-result-checking')).toBeVisible();
  await expect(page.getByText('正在确认支付结果')).toBeVisible();
  await shot(page, 'result-checking');

  await page.clock.fastForward(31_000);
  await expect(page.getByTestId('pay-result-waiting')).toBeVisible();
  await expect(page.getByText('暂未收到支付结果')).toBeVisible();
  await expect(page.getByTestId('pay-result-waiting')).toContainText('¥50.00');
  await shot(page, 'result-waiting');
  await page.getByTestId('pay-result-retry').click();
  await expect(page.getByTestId('pay-result-checking')).toBeVisible();

  expect(pageErrors, 'uncaught errors on the page').toEqual([]);
});
