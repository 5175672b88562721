// The customer portal (网上营业厅) on a 375 px phone inside WeChat: log in with an SMS code read from the
// message outbox, bind the demo account, see the overview and the detail, switch to English, sign out.
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freshPhone, PORTAL_PHONE } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The demo data `serve --seed-demo` creates (server/src/demo/seed.ts; e2e code does not import server code).
const DEMO = {
  tenant: 'jiangcheng',
  tenantName: '江城水务集团',
  hotline: '0710-96655',
  auditor: { username: 'auditor', password: 'Shuiwu@2026' },
  account: { accountNo: '1000000001', holderName: '李秀英', holderMasked: '李*英' },
};

test.use(PORTAL_PHONE);

async function screenshot(page: Page, name: string): Promise<void> {
  // Let Toasts and page transitions settle, then prove nothing is wider than the phone.
  await page.waitForTimeout(300);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name}: the page is wider than 375 px`).toBeLessThanOrEqual(375);
  await page.screenshot({ path: `${SCREENSHOT_DIR}portal-${name}.png` });
}

/** The newest login code sent to `phone` (a number only this run uses), read from the outbox through the staff API as the demo auditor. */
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

let staff: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  staff = await request.newContext({ baseURL });
  const portal = await staff.get('/portal/');
  expect(
    portal.status(),
    'GET /portal/ must serve the built portal: run `npm run build:web` before the e2e tests',
  ).toBe(200);
  const login = await staff.post('/api/staff/login', {
    data: { tenant: DEMO.tenant, username: DEMO.auditor.username, password: DEMO.auditor.password },
  });
  expect(login.status(), 'demo auditor login').toBe(200);
});

test.afterAll(async () => {
  await staff.dispose();
});

test('a customer logs in with an SMS code, binds an account and sees it (375 px, WeChat)', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const phone = freshPhone('139');

  // ---- login ----
  await page.goto('/portal/');
  await expect(page.getByTestId('login-page')).toBeVisible();
  await expect(page.getByRole('heading', { name: DEMO.tenantName })).toBeVisible();
  await expect(page.getByText('供水单位')).toHaveCount(0); // one utility only: preselected, not asked
  await screenshot(page, 'login');

  const phoneInput = page.getByLabel('手机号');
  await expect(phoneInput).toHaveAttribute('inputmode', 'numeric');
  await phoneInput.fill('12345');
  await page.getByTestId('get-code').click();
  await expect(page.getByText('请输入正确的 11 位手机号')).toBeVisible();

  await phoneInput.fill(phone);
  await page.getByTestId('get-code').click();
  await expect(page.getByTestId('login-notice')).toContainText(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  await expect(page.getByTestId('get-code')).toBeDisabled();
  await expect(page.getByTestId('get-code')).toContainText('秒后重发');
  await screenshot(page, 'login-code-sent');

  const code = await latestCode(staff, phone);
  const codeInput = page.getByLabel('验证码');
  await expect(codeInput).toHaveAttribute('autocomplete', 'one-time-code');
  await codeInput.fill(code);
  // Consent to the personal-information notice is required before logging in.
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByText('请先阅读并勾选同意《个人信息保护说明》')).toBeVisible();
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: /^登\s*录$/ }).click();

  // ---- home, nothing bound yet ----
  await expect(page.getByTestId('home-page')).toBeVisible();
  await expect(page.locator('.adm-nav-bar-title')).toHaveText(DEMO.tenantName);
  await expect(page.getByText('还没有绑定户号')).toBeVisible();
  await screenshot(page, 'home-empty');

  // ---- bind: a wrong holder name is refused with the server's message, the right one binds ----
  await page.getByRole('button', { name: '绑定户号' }).click();
  await expect(page.getByTestId('bind-page')).toBeVisible();
  await expect(page.getByText('户号在哪里？')).toBeVisible();
  await screenshot(page, 'bind');
  await page.getByLabel('户号').fill(DEMO.account.accountNo);
  await page.getByLabel('户主姓名').fill('王小明');
  await page.getByRole('button', { name: /^绑\s*定$/ }).click();
  await expect(page.getByTestId('bind-error')).toBeVisible();
  await screenshot(page, 'bind-error');
  await page.getByLabel('户主姓名').fill(DEMO.account.holderName);
  await page.getByRole('button', { name: /^绑\s*定$/ }).click();

  // ---- the overview ----
  await expect(page.getByTestId('home-page')).toBeVisible();
  await expect(page.getByText('绑定成功')).toBeVisible();
  await expect(page.getByText('绑定成功')).toHaveCount(0); // the Toast goes away by itself
  const card = page.getByTestId('account-card');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(DEMO.account.accountNo);
  await expect(card).toContainText(DEMO.account.holderMasked);
  await expect(card).not.toContainText(DEMO.account.holderName);
  await expect(card).toContainText('居民');
  await expect(card).toContainText(/DN\d+/);
  await screenshot(page, 'home');

  // ---- account detail ----
  await card.click();
  await expect(page.getByTestId('account-detail-page')).toBeVisible();
  await expect(page.getByTestId('detail-account-no')).toHaveText(DEMO.account.accountNo);
  await expect(page.getByText('用水地址')).toBeVisible();
  await expect(page.getByRole('button', { name: '解除绑定' })).toBeVisible();
  await screenshot(page, 'detail');
  await page.getByRole('button', { name: '解除绑定' }).click();
  await expect(page.getByRole('dialog')).toContainText(DEMO.account.accountNo);
  await screenshot(page, 'unbind-confirm');
  await page.getByRole('dialog').getByRole('button', { name: '取消' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByLabel('返回').click();

  // ---- me: masked phone, hotline, English ----
  await expect(page.getByTestId('home-page')).toBeVisible();
  await page.locator('.portal-tabbar').getByText('我的', { exact: true }).click();
  await expect(page.getByTestId('me-page')).toBeVisible();
  await expect(page.getByTestId('me-phone')).toHaveText(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  await expect(page.getByTestId('hotline')).toHaveAttribute('href', `tel:${DEMO.hotline.replace(/-/g, '')}`);
  await screenshot(page, 'me');
  await page.getByText('语言', { exact: true }).click();
  await page.getByText('English', { exact: true }).click();
  await expect(page.getByText('Language', { exact: true })).toBeVisible();
  await screenshot(page, 'me-en');
  await page.locator('.portal-tabbar').getByText('Home', { exact: true }).click();
  await expect(page.getByTestId('account-card')).toContainText('Residential');
  await screenshot(page, 'home-en');

  // ---- the session survives a reload; unbinding removes the account; signing out ends the session ----
  await page.reload();
  await page.getByTestId('account-card').click();
  await expect(page.getByTestId('account-detail-page')).toBeVisible();
  await page.getByRole('button', { name: 'Unbind' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Unbind' }).click();
  await expect(page.getByTestId('home-page')).toBeVisible();
  await expect(page.getByText('No account bound yet')).toBeVisible();
  await expect(page.getByTestId('account-card')).toHaveCount(0);
  await screenshot(page, 'home-unbound-en');
  await page.locator('.portal-tabbar').getByText('Me', { exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByTestId('login-page')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await screenshot(page, 'login-en');
  await page.goto('/portal/');
  await expect(page.getByTestId('login-page')).toBeVisible();

  expect(pageErrors, 'uncaught errors on the page').toEqual([]);
});
