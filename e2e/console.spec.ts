// Staff console journey: a counter clerk finds a customer by phone number, opens the customer 360 and
// corrects the premises address; an auditor then finds that change in the audit log, with its before and
// after values, and checks the hash chain. Screenshots of every page go to e2e/screenshots/.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const TENANT = 'jiangcheng';
const PASSWORD = 'Shuiwu@2026';
// The portal journey binds this customer's account; the console test leaves that customer alone.
const PORTAL_DEMO_CUSTOMER = '李秀英';

interface Session {
  csrfToken: string;
}
interface SearchResponse {
  results: { customerId: string; name: string; phoneMasked: string | null; accounts: { id: string }[] }[];
}
interface Customer360 {
  premises: { id: string; district: string; street: string; address: string }[];
}

/** Signs a staff member in on an API context of its own (separate from the browser's cookies). */
async function apiLogin(request: APIRequestContext, username: string): Promise<Session> {
  const res = await request.post('/api/staff/login', { data: { tenant: TENANT, username, password: PASSWORD } });
  expect(res.status(), `API login of ${username}`).toBe(200);
  return (await res.json()) as Session;
}

/**
 * A demo customer with a phone number, an account and premises: found through the API by searching for a
 * street of the utility, then the phone number revealed (as the clerk would, and audited as such).
 */
async function pickCustomer(request: APIRequestContext): Promise<{ id: string; name: string; phone: string }> {
  const session = await apiLogin(request, 'counter');
  const districtsRes = await request.get('/api/districts');
  expect(districtsRes.ok()).toBe(true);
  const { districts } = (await districtsRes.json()) as { districts: { name: string; streets: string[] }[] };
  for (const district of districts) {
    for (const street of district.streets) {
      const searchRes = await request.get('/api/customers', { params: { q: street, limit: 50 } });
      expect(searchRes.ok()).toBe(true);
      const { results } = (await searchRes.json()) as SearchResponse;
      const candidate = results.find(
        (result) => result.name !== PORTAL_DEMO_CUSTOMER && result.phoneMasked && result.accounts.length > 0,
      );
      if (!candidate) continue;
      const detailRes = await request.get(`/api/customers/${candidate.customerId}`);
      const detail = (await detailRes.json()) as Customer360;
      if (detail.premises.length === 0) continue;
      const revealRes = await request.post(`/api/customers/${candidate.customerId}/reveal`, {
        data: { field: 'phone' },
        headers: { 'x-csrf-token': session.csrfToken },
      });
      expect(revealRes.status(), 'reveal the phone number').toBe(200);
      const { value } = (await revealRes.json()) as { value: string | null };
      if (value) return { id: candidate.customerId, name: candidate.name, phone: value };
    }
  }
  throw new Error('no demo customer with a phone number, an account and premises was found');
}

async function login(page: Page, username: string): Promise<void> {
  await page.goto('/console/');
  await expect(page.getByText('员工登录')).toBeVisible();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
}

async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: /退出登录/ }).click();
  await expect(page.getByText('员工登录')).toBeVisible();
}

test.use({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('a counter clerk corrects a premises address and the auditor sees it in the audit log', async ({ page, playwright, baseURL }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const api = await playwright.request.newContext({ baseURL });
  const customer = await pickCustomer(api);
  await api.dispose();
  const newAddress = `滨江花园3栋2单元${100 + (Date.now() % 900)}室`;

  // --- the counter clerk ---
  await page.goto('/console/');
  await expect(page.getByTestId('login-tenant')).toContainText('江城水务集团');
  await page.screenshot({ path: `${SCREENSHOT_DIR}console-login.png`, animations: 'disabled' });
  await login(page, 'counter');
  await expect(page.getByTestId('staff-identity')).toContainText('综合窗口');
  await expect(page.getByTestId('tenant-name')).toHaveText('江城水务集团');

  const search = page.getByPlaceholder('户号 / 姓名 / 电话 / 证件号 / 地址');
  await search.fill(customer.phone);
  const row = page.locator('.sw-search-row', { hasText: customer.name });
  await expect(row).toBeVisible();
  await expect(row).toContainText(`${customer.phone.slice(0, 3)}****${customer.phone.slice(7)}`);
  await expect(row).toContainText('电话');
  await expect(page.getByTestId('search-took')).toContainText('毫秒');
  await page.screenshot({ path: `${SCREENSHOT_DIR}console-search.png`, animations: 'disabled' });

  await search.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/console/customers/${customer.id}$`));
  await expect(page.getByTestId('customer-name')).toHaveText(customer.name);
  await page.screenshot({ path: `${SCREENSHOT_DIR}console-customer-360.png`, animations: 'disabled' });

  await page.getByRole('tab', { name: /用水地址/ }).click();
  await page.getByTestId('edit-premise').first().click();
  const dialog = page.getByRole('dialog', { name: '修改用水地址' });
  await expect(dialog).toBeVisible();
  const address = dialog.getByTestId('premise-address');
  await expect(address).not.toHaveValue('');
  await address.fill(newAddress);
  await page.screenshot({ path: `${SCREENSHOT_DIR}console-premise-edit.png`, animations: 'disabled' });
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await expect(page.getByText('已保存')).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('premise-full-address').first()).toContainText(newAddress);

  await page.getByRole('tab', { name: /变更记录/ }).click();
  await expect(page.getByTestId('history-entry').filter({ hasText: '修改用水地址' }).first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOT_DIR}console-customer-history.png`, animations: 'disabled' });
  await logout(page);

  // --- the auditor ---
  await login(page, 'auditor');
  await expect(page.getByTestId('staff-identity')).toContainText('审计员');
  await page.getByRole('menuitem', { name: /审计日志/ }).click();
  await expect(page).toHaveURL(/\/console\/audit/);
  const entry = page.locator('tr.ant-table-row', { hasText: '修改用水地址' }).first();
  await expect(entry).toBeVisible();
  await expect(entry).toContainText('王丽');
  await expect(entry).toContainText('premise.update');
  await entry.locator('.ant-table-row-expand-icon').click();
  const diff = page.getByTestId('audit-diff').first();
  await expect(diff).toContainText(newAddress);
  await expect(diff).toContainText('修改前');

  await page.getByRole('button', { name: /校验哈希链/ }).click();
  await expect(page.getByTestId('audit-verify-result')).toContainText('哈希链完整');
  await page.screenshot({ path: `${SCREENSHOT_DIR}console-audit.png`, fullPage: true, animations: 'disabled' });

  await page.getByRole('menuitem', { name: /消息发件箱/ }).click();
  await expect(page.getByRole('heading', { name: '消息发件箱' })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOT_DIR}console-outbox.png`, animations: 'disabled' });

  expect(pageErrors, 'uncaught errors on the page').toEqual([]);
});
