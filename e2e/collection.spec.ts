// Collection (催缴), in Chromium: the collector opens the arrears list (欠费清单), filters it by age, opens an
// account's collection file (its dunning notices, late fees) and records a visit, and sees the cut-off and
// reconnection orders and the letters to print; the billing clerk issues a cut-off order (停水单) for an
// account whose cut-off notice is more than 72 h old, and is refused for a protected household; the collector
// records the water cut off. The counter clerk disputes a bill (申诉), which then shows in the collection file.
//
// The demo (`serve --seed-demo`, server/src/demo/history.ts) bills three months of history 125, 95 and 65 days
// before the day it is seeded, on every third route, and leaves about 7 % of those accounts in arrears (aged
// 95, 65 and 35 days) with cut-off notices sent 5 days before: a freshly seeded demo has overdue bills on the
// collector's routes, and a cut-off order can be issued at once. Screenshots go to e2e/screenshots/collection-*.png.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { getJson } from './support.js';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The demo data `serve --seed-demo` creates (server/src/demo/seed.ts; e2e code does not import server code).
const DEMO = {
  tenant: 'jiangcheng',
  password: 'Shuiwu@2026',
  collector: 'collector',
  collectorName: '周军（催收）',
  billing: 'billing',
  counter: 'counter',
  // The other specs' account (billing journey, portal): left alone here.
  reservedAccountNo: '1000000001',
};

// GET /api/arrears reads every open bill of the utility; on the demo's 15,000 bills it can take minutes.
const ARREARS_TIMEOUT = 300_000;

interface SearchResponse {
  results: { customerId: string; name: string; accounts: { id: string; accountNo: string; status: string }[] }[];
}
interface ArrearsReport {
  total: { accounts: number; lateFeeFen: number };
  accounts: { accountId: string; accountNo: string; customerId: string; overdueFen: number; isImportant: boolean; isSpecialCare: boolean; isDisputed: boolean; isCutOff: boolean }[];
}
interface ApiErrorBody {
  code: string;
  message: { zh: string; en: string };
  fields: { field: string; zh: string; en: string }[];
}
interface CollectionCase {
  accountNo: string;
  lateFeeFen: number;
  notices: { kind: string }[];
  notes: { kind: string; note: string; staffName: string }[];
  disputes: { billNo: string; reason: string; status: string }[];
  cutoffOrders: { status: string }[];
}
interface BillPage {
  bills: { id: string; billNo: string; kind: string }[];
}

interface Picked {
  customerId: string;
  accountId: string;
  accountNo: string;
}

async function apiLogin(request: APIRequestContext, username: string): Promise<void> {
  const res = await request.post('/api/staff/login', { data: { tenant: DEMO.tenant, username, password: DEMO.password } });
  expect(res.status(), `API login of ${username}`).toBe(200);
}

async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  // Let messages, modals and transitions settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SCREENSHOT_DIR}collection-${name}.png`, animations: 'disabled', ...options });
}

async function consoleLogin(page: Page, username: string): Promise<void> {
  await page.goto('/console/');
  await expect(page.getByText('员工登录')).toBeVisible();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
}

/** Demo customers with a single active account, found by searching the utility's streets (from the middle of the list). */
async function pickAccounts(request: APIRequestContext, count: number): Promise<Picked[]> {
  const picked: Picked[] = [];
  const { districts } = await getJson<{ districts: { name: string; streets: string[] }[] }>(request, '/api/districts');
  for (const district of [...districts].reverse()) {
    for (const street of district.streets) {
      const { results } = await getJson<SearchResponse>(request, '/api/customers', { q: street, limit: 50 });
      for (const result of results.slice(Math.floor(results.length / 3))) {
        const [account] = result.accounts;
        if (result.accounts.length !== 1 || !account || account.status !== 'active' || account.accountNo === DEMO.reservedAccountNo) continue;
        picked.push({ customerId: result.customerId, accountId: account.id, accountNo: account.accountNo });
        if (picked.length === count) return picked;
      }
    }
  }
  throw new Error(`fewer than ${count} demo customers with one active account were found`);
}

test.use({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('collector and billing clerk: the arrears list, a collection file with a visit, a cut-off order after the notice, a refusal', async ({ page, playwright, baseURL }) => {
  test.setTimeout(900_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const collectorApi = await playwright.request.newContext({ baseURL });
  const billingApi = await playwright.request.newContext({ baseURL });
  try {
    await apiLogin(collectorApi, DEMO.collector);
    await apiLogin(billingApi, DEMO.billing);
    let target: Picked | null = null;

    await test.step('the collector opens 欠费清单 from the menu: overdue accounts of their own routes', async () => {
      await consoleLogin(page, DEMO.collector);
      await page.getByRole('menuitem', { name: '欠费催缴' }).click();
      await expect(page).toHaveURL(/\/console\/collection\/arrears$/);
      await expect(page.getByRole('heading', { name: '欠费清单' })).toBeVisible();
      await expect(page.getByTestId('arrears-page')).toContainText('您只看到自己今天负责催收的抄表本');
      const table = page.getByTestId('arrears-table');
      await expect(table.locator('tbody tr.ant-table-row').first()).toBeVisible({ timeout: ARREARS_TIMEOUT });
      await expect(page.getByTestId('arrears-totals')).toBeVisible();
      await expect(page.getByTestId('aging-chart')).toBeVisible();
      await expect(table.locator('thead'), 'a collector sees only their own routes: no collector column').not.toContainText('催收员');
      const all = await getJson<ArrearsReport>(collectorApi, '/api/arrears');
      expect(all.total.accounts, 'the demo history leaves accounts in arrears on the collector’s routes').toBeGreaterThan(0);
      expect(all.total.lateFeeFen, 'late fees were assessed on them').toBeGreaterThan(0);
      await shot(page, 'arrears');
    });

    await test.step('filtering by age (at least 91 days) shows what the server counts', async () => {
      const answered = page.waitForResponse((res) => res.url().includes('/api/arrears?') && res.url().includes('minAgeDays=91'), { timeout: ARREARS_TIMEOUT });
      await page.getByTestId('arrears-min-age').click();
      await page.getByTitle('91 天').click();
      await page.getByTestId('arrears-apply').click();
      const response = await answered;
      expect(response.status()).toBe(200);
      const report = (await response.json()) as ArrearsReport;
      expect(report.total.accounts, 'the oldest history bills are 95 days overdue').toBeGreaterThan(0);
      await expect(page.getByTestId('arrears-as-of')).toContainText(`共 ${report.total.accounts} 户`);
      await expect(page.getByTestId('arrears-total-accounts')).toContainText(String(report.total.accounts));
      await expect(page.getByTestId('arrears-export')).toHaveAttribute('href', '/api/arrears.csv?minAgeDays=91');
      await shot(page, 'arrears-filtered');
      // An account the water can be cut off of: not protected, not disputed, not cut off, no order issued yet,
      // and on the list's page in view (the next step clicks its row).
      const shown = new Set((await page.getByTestId('arrears-table').getByTestId('arrears-account').allTextContents()).map((text) => text.trim()));
      for (const row of report.accounts) {
        if (!shown.has(row.accountNo) || row.isImportant || row.isSpecialCare || row.isDisputed || row.isCutOff) continue;
        const file = await getJson<CollectionCase>(collectorApi, `/api/accounts/${row.accountId}/collection`);
        if (file.cutoffOrders.some((order) => order.status === 'issued') || !file.notices.some((notice) => notice.kind === 'cutoff_notice')) continue;
        target = { customerId: row.customerId, accountId: row.accountId, accountNo: row.accountNo };
        expect(file.lateFeeFen, `late fees of ${row.accountNo}`).toBeGreaterThan(0);
        break;
      }
      if (!target) throw new Error('no account overdue 91 days or more on the collector’s routes can be cut off');
    });

    await test.step('a row opens the account’s collection file in a drawer, with its dunning notices', async () => {
      if (!target) throw new Error('no account picked');
      await page.getByTestId('arrears-table').getByTestId('arrears-account').filter({ hasText: target.accountNo }).first().click();
      const drawer = page.getByTestId('collection-drawer');
      await expect(drawer).toBeVisible();
      await expect(drawer).toContainText(`催缴档案 · ${target.accountNo}`);
      await expect(drawer.getByTestId('collection-notices')).toContainText('停水通知');
      await expect(drawer.getByTestId('cutoff-open'), 'a collector does not issue cut-offs').toHaveCount(0);
      await shot(page, 'file-drawer');
    });

    await test.step('the collector records a visit', async () => {
      if (!target) throw new Error('no account picked');
      const text = `上门未遇，门上留催缴单（e2e ${Date.now()}）`;
      const form = page.getByTestId('note-form');
      await expect(form.getByTestId('note-kind')).toContainText('上门');
      await form.getByTestId('note-submit').click();
      await expect(form).toContainText('请填写记录内容');
      await form.getByTestId('note-text').fill(text);
      await form.getByTestId('note-submit').click();
      await expect(page.getByText('催缴记录已保存')).toBeVisible();
      const note = page.getByTestId('collection-note').filter({ hasText: text });
      await expect(note).toBeVisible();
      await expect(note).toContainText('上门');
      await expect(note).toContainText(DEMO.collectorName);
      const file = await getJson<CollectionCase>(collectorApi, `/api/accounts/${target.accountId}/collection`);
      expect(file.notes.find((item) => item.note === text), 'the note is on the server').toMatchObject({ kind: 'visit', staffName: DEMO.collectorName });
      await shot(page, 'note-added');
      await expect(page.getByText('催缴记录已保存'), 'the message goes away').toBeHidden();
    });

    await test.step('the collector sees the cut-off and reconnection orders and the letters to print', async () => {
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('collection-drawer')).toBeHidden();
      await page.getByRole('menuitem', { name: '停水 / 复水' }).click();
      await expect(page).toHaveURL(/\/console\/collection\/orders$/);
      // The demo's own: one order carried out (water off) and one issued, and a reconnection done.
      await expect(page.getByTestId('cutoff-orders').locator('tbody tr.ant-table-row').filter({ hasText: '待执行' }).first()).toBeVisible();
      await page.getByTestId('cutoff-status').getByText('已停水').click();
      await expect(page.getByTestId('cutoff-orders').locator('tbody tr.ant-table-row').filter({ hasText: '已停水' }).first()).toBeVisible();
      await shot(page, 'orders');
      await page.getByRole('tab', { name: '复水单' }).click();
      await page.getByTestId('reconnection-status').getByText('全部').click();
      await expect(page.getByTestId('reconnection-orders').locator('tbody tr.ant-table-row').first()).toBeVisible();
      await page.getByRole('tab', { name: '催缴函打印' }).click();
      await expect(page.getByTestId('letters')).toBeVisible();
      await expect(page.getByTestId('letters').locator('.ant-spin-spinning')).toHaveCount(0, { timeout: 30_000 });
      await shot(page, 'letters');
      if (await page.getByTestId('letters-print').isEnabled()) {
        // On paper only the letters show, one per page.
        await page.emulateMedia({ media: 'print' });
        await expect(page.locator('.sw-letters-print .sw-letter').first()).toBeVisible();
        await expect(page.getByTestId('orders-page')).toBeHidden();
        await shot(page, 'letters-print');
        await page.emulateMedia({ media: 'screen' });
      } else {
        await expect(page.getByTestId('letters')).toContainText('没有待打印的催缴函');
      }
    });

    await test.step('the billing clerk issues a cut-off order: the cut-off notice is more than 72 h old', async () => {
      if (!target) throw new Error('no account picked');
      await page.context().clearCookies();
      await consoleLogin(page, DEMO.billing);
      await page.goto(`/console/customers/${target.customerId}?tab=collection`);
      await expect(page.getByTestId('collection-file')).toBeVisible();
      await page.getByTestId('cutoff-open').click();
      const modal = page.getByTestId('cutoff-modal');
      await expect(modal).toBeVisible();
      await expect(modal.getByTestId('cutoff-override'), 'only collection.override holders may override a protection').toHaveCount(0);
      await shot(page, 'cutoff-modal');
      const answered = page.waitForResponse((res) => res.url().endsWith(`/api/accounts/${target?.accountId}/cutoff-orders`) && res.request().method() === 'POST');
      await page.getByTestId('cutoff-submit').click();
      const response = await answered;
      expect(response.status(), 'the server issues the cut-off order').toBe(201);
      await expect(page.getByText('已开停水单')).toBeVisible();
      await expect(page.getByTestId('collection-orders')).toContainText('待执行');
      const file = await getJson<CollectionCase>(billingApi, `/api/accounts/${target.accountId}/collection`);
      expect(file.cutoffOrders.map((order) => order.status), 'one order, issued').toContain('issued');
      await shot(page, 'cutoff-issued');
    });

    await test.step('a protected household in arrears is refused a cut-off without an authorised override', async () => {
      const all = await getJson<ArrearsReport>(billingApi, '/api/arrears');
      const protectedRow = all.accounts.find((row) => (row.isSpecialCare || row.isImportant) && !row.isDisputed && !row.isCutOff && row.overdueFen > 0);
      if (!protectedRow) throw new Error('the demo history leaves a special-care household in arrears');
      await page.goto(`/console/customers/${protectedRow.customerId}?tab=collection`);
      await expect(page.getByTestId('collection-file')).toBeVisible();
      await page.getByTestId('cutoff-open').click();
      const answered = page.waitForResponse((res) => res.url().endsWith(`/api/accounts/${protectedRow.accountId}/cutoff-orders`) && res.request().method() === 'POST');
      await page.getByTestId('cutoff-submit').click();
      const response = await answered;
      expect(response.status()).toBe(409);
      const body = (await response.json()) as ApiErrorBody;
      expect(body.code).toBe('protected_household');
      const refusal = page.getByTestId('cutoff-refusal');
      await expect(refusal).toContainText(body.message.zh);
      for (const field of body.fields) await expect(refusal).toContainText(field.zh);
      await shot(page, 'cutoff-refused');
      await page.getByRole('button', { name: /取\s*消/ }).click();
    });

    await test.step('the collector records the water cut off', async () => {
      if (!target) throw new Error('no account picked');
      await page.context().clearCookies();
      await consoleLogin(page, DEMO.collector);
      await page.goto(`/console/customers/${target.customerId}?tab=collection`);
      await expect(page.getByTestId('collection-file')).toBeVisible();
      await page.getByTestId('collection-orders').getByTestId('cutoff-complete').click();
      await page.getByRole('button', { name: /确\s*定|OK/ }).click();
      await expect(page.getByText('已记录停水')).toBeVisible();
      const file = await getJson<CollectionCase>(collectorApi, `/api/accounts/${target.accountId}/collection`);
      expect(file.cutoffOrders.map((order) => order.status)).toContain('done');
      await shot(page, 'cutoff-done');
    });

    expect(errors, 'no uncaught errors in the page').toEqual([]);
  } finally {
    await collectorApi.dispose();
    await billingApi.dispose();
  }
});

test('the counter clerk disputes a bill; the dispute shows in the collection file', async ({ page, playwright, baseURL }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const collectorApi = await playwright.request.newContext({ baseURL });
  try {
    await apiLogin(collectorApi, DEMO.collector);
    // Not the account of the first test: a disputed account may not be cut off.
    const [, picked] = await pickAccounts(collectorApi, 2);
    if (!picked) throw new Error('no account picked');
    const { bills } = await getJson<BillPage>(collectorApi, `/api/accounts/${picked.accountId}/bills`, { page: 1, pageSize: 12 });
    // A bill not already disputed (by an earlier run of this spec against the same server).
    const before = await getJson<CollectionCase>(collectorApi, `/api/accounts/${picked.accountId}/collection`);
    const disputed = new Set(before.disputes.filter((item) => item.status === 'open').map((item) => item.billNo));
    const bill = bills.find((item) => item.kind === 'regular' && !disputed.has(item.billNo));
    if (!bill) throw new Error(`account ${picked.accountNo} has no undisputed bill`);
    const reason = `客户称读数有误，要求复核（e2e ${Date.now()}）`;

    await test.step('the counter clerk opens 申诉 on the bill', async () => {
      await consoleLogin(page, DEMO.counter);
      await page.goto(`/console/customers/${picked.customerId}?tab=bills`);
      const row = page.getByTestId('bills-tab').locator('tr', { hasText: bill.billNo });
      await row.getByTestId('bill-dispute').click();
      const form = page.getByTestId('dispute-form');
      await expect(form).toBeVisible();
      await expect(page.getByText(`账单申诉 · ${bill.billNo}`)).toBeVisible();
      await form.getByTestId('dispute-form-text').fill(reason);
      await shot(page, 'dispute');
      await page.getByTestId('dispute-form-submit').click();
      await expect(page.getByText('已登记账单申诉')).toBeVisible();
      await expect(form).toBeHidden();
      await expect(page.getByRole('tab', { name: '催缴' }), 'the counter clerk does not collect').toHaveCount(0);
    });

    await test.step('the collector sees the open dispute in the account’s file', async () => {
      const file = await getJson<CollectionCase>(collectorApi, `/api/accounts/${picked.accountId}/collection`);
      expect(file.disputes.find((item) => item.reason === reason)).toMatchObject({ billNo: bill.billNo, status: 'open' });
      await page.context().clearCookies();
      await consoleLogin(page, DEMO.collector);
      await page.goto(`/console/customers/${picked.customerId}?tab=collection`);
      const disputes = page.getByTestId('collection-disputes');
      await expect(disputes).toContainText(reason);
      await expect(disputes).toContainText('处理中');
      await expect(disputes.getByTestId('dispute-close'), 'closing a dispute needs bill.adjust').toHaveCount(0);
      await shot(page, 'file-tab', { fullPage: true });
    });

    expect(errors, 'no uncaught errors in the page').toEqual([]);
  } finally {
    await collectorApi.dispose();
  }
});
