// The console side of applications (网上办): a new connection is applied for through the portal's HTTP API, then
// worked through every stage in the console by the demo staff of each stage (e2e/steps/applications-console.ts),
// a segregation-of-duties refusal is seen on the way, and the new account ends up in the customer 360. Also: the
// counter's intake for a walk-in customer, the work queue with its filters, return for materials and rejection,
// and the manager's figures — each screen in Chinese, and one in English. Screenshots go to
// e2e/screenshots/applications-console-*.png.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiLogin, DEMO_TENANT, getJson } from './support.js';
import { consolePage, enterConnectionAtCounter, expectAccountInCustomer360, expectSegregationRefusal, openApplication, scannedPage, workStage, workThroughEveryStage } from './steps/applications-console.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const pageErrors: string[] = [];

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SCREENSHOT_DIR}applications-console-${name}.png`, fullPage: true });
}

test.beforeAll(() => mkdirSync(SCREENSHOT_DIR, { recursive: true }));
test.afterAll(() => expect(pageErrors).toEqual([]));

test('a new connection applied for online is worked through every stage in the console and opens an account', async ({ browser, playwright, baseURL }) => {
  // Ten stages, each signed in as its own staff member on a shared two-core machine.
  test.setTimeout(900_000);
  // ---- the customer applies over the portal's HTTP API ----
  const phone = `139${String(Date.now()).slice(-8)}`;
  const staffApi = await playwright.request.newContext({ baseURL });
  await apiLogin(staffApi, 'auditor');
  const customer = await playwright.request.newContext({ baseURL });
  expect((await customer.post('/api/portal/otp', { data: { tenant: DEMO_TENANT, phone } })).status()).toBe(202);
  // The demo's SMS gateway keeps messages in the outbox, which the auditor reads.
  let code = '';
  await expect
    .poll(async () => {
      const outbox = await getJson<{ messages: { body: string }[] }>(staffApi, '/api/outbox', { recipient: phone, limit: 1 });
      code = /(\d{6})/.exec(outbox.messages[0]?.body ?? '')?.[1] ?? '';
      return code;
    })
    .toMatch(/^\d{6}$/);
  const login = await customer.post('/api/portal/login', { data: { tenant: DEMO_TENANT, phone, code } });
  expect(login.status()).toBe(200);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const headers = { 'x-csrf-token': csrfToken };
  const applied = await customer.post('/api/portal/applications', {
    headers,
    data: { typeCode: 'new_connection', applicantName: '龚晓峰', district: '江汉区', street: '民族路', address: `${Date.now() % 1000}号民族新苑2栋1单元501室`, details: { category: 'residential', householdSize: 3 } },
  });
  expect(applied.status(), await applied.text()).toBe(201);
  const application = (await applied.json()) as { id: string; applicationNo: string };
  for (const material of ['id_card', 'property_proof']) {
    const uploaded = await customer.post(`/api/portal/applications/${application.id}/documents`, { headers, data: { material, file: { dataBase64: scannedPage().toString('base64'), fileName: `${material}.png` } } });
    expect(uploaded.status(), await uploaded.text()).toBe(201);
  }
  const applicationNo = application.applicationNo;

  // ---- the counter's queue shows it, with its stage, deadline and holder ----
  const counter = await consolePage(browser, 'counter');
  counter.on('pageerror', (error) => pageErrors.push(`counter: ${error.message}`));
  await counter.getByRole('menuitem', { name: '业务办理' }).click();
  await expect(counter.getByTestId('applications-queue')).toBeVisible();
  const row = counter.locator(`[data-application-no="${applicationNo}"]`);
  await expect(row).toContainText('受理');
  await expect(row).toContainText('待认领');
  await screenshot(counter, 'queue-mine');
  await openApplication(counter, applicationNo);
  await expect(counter.getByTestId('application-materials').getByTestId('application-document')).toHaveCount(2);
  await screenshot(counter, 'detail-accept');
  await counter.context().close();

  // ---- accept and survey, then the surveyor may not also do the budget (different people) ----
  const shots = async (page: Page, name: string) => screenshot(page, name);
  await (await workStage(browser, applicationNo, 'accept')).context().close();
  const surveyed = await workStage(browser, applicationNo, 'survey', { screenshot: shots });
  await surveyed.context().close();
  await (await workStage(browser, applicationNo, 'design', { screenshot: shots })).context().close();
  const refused = await expectSegregationRefusal(browser, applicationNo, 'connection', /踏勘|预算/);
  await screenshot(refused, 'segregation-refused');
  await refused.context().close();
  // A wrong value is caught in the form before anything is sent; the server's answer for the stage stays the rule.
  const estimator = await workThroughEveryStage(browser, applicationNo, { stopBefore: 'contract', screenshot: shots });
  await estimator?.context().close();

  // ---- every stage left, by its own staff member ----
  const last = await workThroughEveryStage(browser, applicationNo, { screenshot: shots });
  expect(last).not.toBeNull();
  const page = last as Page;
  page.on('pageerror', (error) => pageErrors.push(`last: ${error.message}`));
  await expect(page.getByTestId('application-status')).toHaveText('已办结');
  await screenshot(page, 'detail-completed');

  // ---- the manager finds the account in the customer 360 ----
  const manager = await consolePage(browser, 'manager');
  const accountNo = await expectAccountInCustomer360(manager, applicationNo);
  expect(accountNo).toMatch(/^\d{10}$/);
  await screenshot(manager, 'customer360-account');
  await manager.context().close();
  await page.context().close();
  await staffApi.dispose();
  await customer.dispose();
});

test('the counter takes a walk-in application, returns one for materials and rejects another; the manager sees the figures', async ({ browser }) => {
  test.setTimeout(300_000);
  const { applicationNo, page: counter } = await enterConnectionAtCounter(browser, { name: '尹志华', phone: '13655512345', district: '江岸区', street: '台北路', address: `${Date.now() % 1000}号台北花园7栋202室` });
  counter.on('pageerror', (error) => pageErrors.push(`counter: ${error.message}`));
  await screenshot(counter, 'counter-created');
  await counter.getByTestId('counter-open').click();
  await expect(counter.getByTestId('application-no')).toHaveText(applicationNo);

  // Return for materials: the missing document ticked, a reason given; the applicant's clock stops.
  await counter.getByTestId('application-return').click();
  const dialog = counter.getByRole('dialog');
  await dialog.getByTestId('reason-input').fill('身份证照片不清晰，请重新上传');
  await screenshot(counter, 'return-dialog');
  await dialog.locator('#application-reason-confirm').click();
  await expect(counter.getByTestId('application-status')).toHaveText('退回补正');
  await expect(counter.getByTestId('application-reason')).toContainText('身份证照片不清晰');
  // The counter resubmits for the applicant, then rejects with a reason.
  await counter.getByTestId('application-resubmit').click();
  await expect(counter.getByTestId('application-status')).toHaveText('办理中');
  await counter.getByTestId('application-reject').click();
  await counter.getByRole('dialog').getByTestId('reason-input').fill('该地址不在本公司供水范围内');
  await counter.getByRole('dialog').locator('#application-reason-confirm').click();
  await expect(counter.getByTestId('application-status')).toHaveText('不予办理');
  await screenshot(counter, 'detail-rejected');

  // The queue's filters: type, overdue (the demo has applications past their stage's deadline), number.
  await counter.goto('/console/applications?view=all');
  await counter.getByTestId('application-filter-overdue').click();
  await expect(counter.getByTestId('application-row').first()).toBeVisible();
  await expect(counter.getByTestId('application-row').first().getByTestId('overdue-tag')).toBeVisible();
  await screenshot(counter, 'queue-overdue');
  await counter.goto(`/console/applications?view=all&q=${applicationNo}`);
  await expect(counter.getByTestId('application-row')).toHaveCount(1);
  await counter.context().close();

  // The manager's figures: by type, by stage with the chart, and the overdue list.
  const manager = await consolePage(browser, 'manager');
  manager.on('pageerror', (error) => pageErrors.push(`manager: ${error.message}`));
  await manager.getByRole('menuitem', { name: '业务统计' }).click();
  await expect(manager.getByTestId('application-type-stats')).toContainText('用水报装');
  await expect(manager.getByTestId('application-stage-chart').locator('svg')).toBeVisible();
  await expect(manager.getByTestId('application-overdue-list').getByTestId('overdue-tag').first()).toBeVisible();
  await screenshot(manager, 'statistics');
  // English is there too.
  await manager.getByTestId('staff-identity').locator('xpath=..').getByText('EN', { exact: true }).click();
  await expect(manager.getByTestId('application-type-stats')).toContainText('New water connection');
  await screenshot(manager, 'statistics-en');
  await manager.context().close();
});

test('the customer 360 opens the counter intake for that customer', async ({ browser }) => {
  test.setTimeout(120_000);
  const counter = await consolePage(browser, 'counter');
  counter.on('pageerror', (error) => pageErrors.push(`counter: ${error.message}`));
  await counter.getByPlaceholder('户号 / 姓名 / 电话 / 证件号 / 地址').fill('1000000001');
  await counter.locator('.sw-search-row', { hasText: '李秀英' }).first().click();
  await counter.getByTestId('customer-apply').click();
  await expect(counter.getByTestId('counter-customer')).toHaveText('李秀英');
  await counter.getByTestId('counter-type').getByText('校表', { exact: true }).click();
  await expect(counter.getByTestId('counter-account')).toContainText('1000000001');
  await screenshot(counter, 'counter-from-360');
  await counter.getByTestId('counter-submit').click();
  await expect(counter.getByTestId('counter-created-no')).toContainText(/JB\d{13}/);
  await counter.context().close();
});
