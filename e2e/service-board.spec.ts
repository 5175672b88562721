// The dispatcher's board, the crew's phone reveal, and the service settings, on the demo's seeded service
// history (server/src/demo/service-history.ts: a few weeks of requests, some still open today). The dispatcher
// dispatches open work from the board; the crew member it went to reveals the resident's number on the phone
// page; the administrator adds, edits and retires a category with its time limits and a material.
// Screenshots go to e2e/screenshots/service-board-*.png.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiLogin, getJson, openCrewJob, PHONE_375 as PHONE } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const PASSWORD = 'Shuiwu@2026';
const DESKTOP = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' } as const;
const pageErrors: string[] = [];

async function screenshot(page: Page, name: string, maxWidth?: number): Promise<void> {
  await page.waitForTimeout(300);
  if (maxWidth) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} fits ${maxWidth} px`).toBeLessThanOrEqual(maxWidth);
  await page.screenshot({ path: `${SCREENSHOT_DIR}service-board-${name}.png`, fullPage: true });
}

async function staffPage(browser: Browser, username: string, options: Parameters<Browser['newContext']>[0] = DESKTOP): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
  await page.goto('/console/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
  return page;
}

test.beforeAll(() => mkdirSync(SCREENSHOT_DIR, { recursive: true }));

test('the dispatcher dispatches open work from the board, and the crew member reveals the resident’s number', async ({ browser, playwright, baseURL }) => {
  test.setTimeout(120_000);
  // A resident's leak report taken by the hotline with a contact number, so the crew has a number to reveal
  // (the seeded history and other journeys also leave reports with none, e.g. from Open311 apps).
  const hotline = await playwright.request.newContext({ baseURL });
  const session = await apiLogin(hotline, 'hotline');
  const { categories } = await getJson<{ categories: { id: string; code: string }[] }>(hotline, '/api/service-categories');
  const created = await hotline.post('/api/service-requests', {
    headers: { 'x-csrf-token': session.csrfToken },
    data: { categoryId: categories.find((category) => category.code === 'leak')?.id, channel: 'hotline', address: '江汉区中山大道 300 号', description: '楼下水表井冒水（看板旅程）', contactName: '陈女士', contactPhone: '13922223333', confirmNotDuplicate: true },
  });
  expect(created.status(), await created.text()).toBe(201);
  const reported = ((await created.json()) as { requestNo: string }).requestNo;
  await hotline.dispose();
  const dispatcher = await staffPage(browser, 'dispatcher');
  await dispatcher.getByRole('menuitem', { name: '调度看板' }).click();
  await expect(dispatcher.getByTestId('service-board')).toBeVisible();
  // The seeded history leaves repairs open today, grouped by district, the most urgent first.
  const areas = dispatcher.getByTestId('board-area');
  await expect(areas.first()).toBeVisible();
  await expect(dispatcher.getByTestId('board-crews')).toContainText('钱鹏（维修）');
  await expect(dispatcher.getByTestId('board-card').first().getByTestId('service-countdown')).toBeVisible();
  await screenshot(dispatcher, 'dispatcher');

  // Only repairs of level 3 and up.
  await dispatcher.getByTestId('board-level').click();
  await dispatcher.locator('.ant-select-dropdown').getByText('3 级及以上', { exact: true }).click();
  await expect.poll(async () => (await dispatcher.getByTestId('board-card').allTextContents()).every((text) => /[345] 级/.test(text))).toBe(true);
  await screenshot(dispatcher, 'level3');
  await dispatcher.getByTestId('board-level').click();
  await dispatcher.locator('.ant-select-dropdown').getByText('全部级别', { exact: true }).click();

  // Dispatch that report, to 钱鹏.
  const card = dispatcher.locator(`[data-testid="board-card"][data-request-no="${reported}"]`);
  const requestNo = (await card.getAttribute('data-request-no')) ?? '';
  expect(requestNo).toMatch(/^GD\d{13}$/);
  await card.getByTestId('board-assign').click();
  const dialog = dispatcher.getByRole('dialog');
  await dialog.getByRole('button', { name: /派\s*单$/ }).click();
  await expect(dialog).toContainText('请选择维修人员');
  await dialog.getByTestId('board-crew').click();
  await dispatcher.locator('.ant-select-dropdown').getByText('钱鹏（维修）').click();
  await screenshot(dispatcher, 'assign');
  await dialog.getByRole('button', { name: /派\s*单$/ }).click();
  await expect(dialog).toHaveCount(0);
  const dispatched = dispatcher.locator(`[data-request-no="${requestNo}"]`);
  await expect(dispatched.getByTestId('service-state')).toHaveText('已派单');
  await expect(dispatched).toContainText('钱鹏（维修）');

  // The request's history names who did what, with their role.
  await dispatched.getByRole('button', { name: /详\s*情/ }).click();
  await expect(dispatcher.getByTestId('service-detail-no')).toHaveText(requestNo);
  await expect(dispatcher.getByTestId('service-events')).toContainText('刘强（调度）（调度员）');
  await screenshot(dispatcher, 'detail-history');

  // ---- the crew member on a phone: the job, and the resident's full number on request ----
  const crew = await staffPage(browser, 'repair2', PHONE);
  await expect(crew.getByTestId('crew-page')).toBeVisible();
  const job = crew.getByTestId('crew-request').filter({ hasText: requestNo });
  await expect(job).toHaveCount(1);
  await openCrewJob(job);
  await expect(job).toContainText('查看完整号码会记入审计日志');
  await job.getByTestId('crew-reveal-phone').click();
  const call = job.getByTestId('crew-call');
  await expect(call).toContainText(/拨打 1\d{10}/);
  await expect(call).toHaveAttribute('href', /^tel:1\d{10}$/);
  await screenshot(crew, 'crew-phone', 375);

  // A report with no number on record (no contact phone, no customer): the card says so and offers no reveal.
  const hotlineAgain = await playwright.request.newContext({ baseURL });
  const againSession = await apiLogin(hotlineAgain, 'hotline');
  const bare = await hotlineAgain.post('/api/service-requests', {
    headers: { 'x-csrf-token': againSession.csrfToken },
    data: { categoryId: categories.find((category) => category.code === 'leak')?.id, channel: 'hotline', address: '江汉区中山大道 302 号', description: '路边消火栓漏水，报告人未留电话（看板旅程）', confirmNotDuplicate: true },
  });
  expect(bare.status(), await bare.text()).toBe(201);
  const bareNo = ((await bare.json()) as { requestNo: string }).requestNo;
  await hotlineAgain.dispose();
  await dispatcher.getByRole('menuitem', { name: '调度看板' }).click();
  const bareCard = dispatcher.locator(`[data-testid="board-card"][data-request-no="${bareNo}"]`);
  await bareCard.getByTestId('board-assign').click();
  const bareDialog = dispatcher.getByRole('dialog');
  await bareDialog.getByTestId('board-crew').click();
  await dispatcher.locator('.ant-select-dropdown').getByText('钱鹏（维修）').click();
  await bareDialog.getByRole('button', { name: /派\s*单$/ }).click();
  await expect(bareDialog).toHaveCount(0);
  await crew.reload();
  const bareJob = crew.getByTestId('crew-request').filter({ hasText: bareNo });
  await expect(bareJob).toHaveCount(1);
  await openCrewJob(bareJob);
  await expect(bareJob.getByTestId('crew-no-phone')).toContainText('无联系电话');
  await expect(bareJob.getByTestId('crew-reveal-phone')).toHaveCount(0);
  await screenshot(crew, 'crew-no-phone', 375);
  expect(pageErrors).toEqual([]);
});

test('the dispatcher reassigns a dispatched repair from the board and from its page, with a reason; the clocks run on', async ({ browser }) => {
  test.setTimeout(120_000);
  const dispatcher = await staffPage(browser, 'dispatcher');
  await dispatcher.getByRole('menuitem', { name: '调度看板' }).click();
  await expect(dispatcher.getByTestId('service-board')).toBeVisible();
  // A repair dispatched to 钱鹏 first.
  const card = dispatcher.getByTestId('board-card').filter({ has: dispatcher.getByTestId('board-assign') }).first();
  const requestNo = (await card.getAttribute('data-request-no')) ?? '';
  await card.getByTestId('board-assign').click();
  await dispatcher.getByRole('dialog').getByTestId('board-crew').click();
  await dispatcher.locator('.ant-select-dropdown').getByText('钱鹏（维修）').click();
  await dispatcher.getByRole('dialog').getByRole('button', { name: /派\s*单$/ }).click();
  await expect(dispatcher.getByRole('dialog')).toHaveCount(0);
  const job = dispatcher.locator(`[data-request-no="${requestNo}"]`);
  await expect(job).toContainText('钱鹏（维修）');
  const countdownBefore = await job.getByTestId('service-countdown').getAttribute('title');

  // Reassign from the card: the reason is required; the one holding it now is not a choice.
  await job.getByTestId('board-reassign').click();
  const dialog = dispatcher.getByRole('dialog');
  await expect(dialog).toContainText('现处理人：钱鹏（维修）');
  await expect(dialog).toContainText('改派不会重新计时');
  await dialog.getByTestId('reassign-crew').click();
  await dispatcher.locator('.ant-select-dropdown').getByText('冯刚（维修）').click();
  await dialog.getByRole('button', { name: /改\s*派$/ }).click();
  await expect(dialog).toContainText('请填写改派原因');
  await dialog.getByTestId('reassign-reason').fill('钱鹏车辆故障，附近的冯刚接手');
  await screenshot(dispatcher, 'reassign');
  await dialog.getByRole('button', { name: /改\s*派$/ }).click();
  await expect(dialog).toHaveCount(0);
  await expect(job).toContainText('冯刚（维修）');
  await expect(job.getByTestId('service-state')).toHaveText('已派单');
  // The time limit it counts down to is the same one.
  expect(await job.getByTestId('service-countdown').getAttribute('title')).toBe(countdownBefore);

  // The history names both, with the reason; from the page it goes back to 钱鹏.
  await job.getByRole('button', { name: /详\s*情/ }).click();
  await expect(dispatcher.getByTestId('service-detail-no')).toHaveText(requestNo);
  const events = dispatcher.getByTestId('service-events');
  await expect(events).toContainText('改派');
  await expect(events).toContainText('由 钱鹏（维修） 改派给 冯刚（维修）。原因：钱鹏车辆故障，附近的冯刚接手');
  await dispatcher.getByTestId('step-reassign').click();
  const again = dispatcher.getByRole('dialog');
  await again.getByTestId('reassign-crew').click();
  await dispatcher.locator('.ant-select-dropdown').getByText('钱鹏（维修）').click();
  await again.getByTestId('reassign-reason').fill('冯刚被调去爆管现场');
  await again.getByRole('button', { name: /改\s*派$/ }).click();
  await expect(again).toHaveCount(0);
  await expect(dispatcher.getByTestId('service-assignee')).toHaveText('钱鹏（维修）');
  await expect(events).toContainText('由 冯刚（维修） 改派给 钱鹏（维修）');
  await screenshot(dispatcher, 'reassign-history');

  // The crew's lists follow: 冯刚 no longer has it, 钱鹏 has it.
  const gang = await staffPage(browser, 'repair3', PHONE);
  await expect(gang.getByTestId('crew-page')).toBeVisible();
  await expect(gang.getByTestId('crew-request').filter({ hasText: requestNo })).toHaveCount(0);
  const peng = await staffPage(browser, 'repair2', PHONE);
  await expect(peng.getByTestId('crew-request').filter({ hasText: requestNo })).toHaveCount(1);
  expect(pageErrors).toEqual([]);
});

test('the administrator keeps the categories with their time limits and the materials catalogue', async ({ browser }) => {
  test.setTimeout(120_000);
  const code = `e2e_${Date.now() % 1_000_000}`;
  const admin = await staffPage(browser, 'admin');
  await admin.getByRole('menuitem', { name: '工单设置' }).click();
  await expect(admin.getByTestId('service-settings')).toBeVisible();
  const table = admin.getByTestId('category-table');
  await expect(table).toContainText('爆管抢修');
  await expect(table).toContainText('管网抢修');
  await screenshot(admin, 'categories');

  // A new repair category: limits that run backwards are refused on the field, then saved.
  await admin.getByTestId('category-add').click();
  const form = admin.getByTestId('category-form');
  await form.getByLabel('名称', { exact: true }).fill('消火栓漏水');
  await form.getByLabel('英文名称').fill('Hydrant leak');
  await form.getByLabel('代码').fill(code);
  const limits = { accept: '15', dispatch: '30', arrive: '20', control: '240', restore: '720' };
  for (const [limit, minutes] of Object.entries(limits)) await admin.getByTestId(`limit-${limit}`).fill(minutes);
  await admin.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
  await expect(form).toContainText('到场时限不能短于前一个时限（30 分钟）');
  await screenshot(admin, 'category-invalid');
  await admin.getByTestId('limit-arrive').fill('90');
  await admin.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
  await expect(admin.getByRole('dialog')).toHaveCount(0);
  const row = table.getByRole('row').filter({ hasText: code });
  await expect(row).toContainText('到场 90 分钟');
  await expect(row).toContainText('启用中');

  // Edit: working time and another department; the kind and code stay.
  await row.getByTestId('category-edit').click();
  await expect(form.getByLabel('代码')).toBeDisabled();
  await form.getByText('工作时间', { exact: true }).click();
  await admin.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
  await expect(admin.getByRole('dialog')).toHaveCount(0);
  await expect(row).toContainText('工作时间');

  // Retire it.
  await row.getByTestId('category-toggle').click();
  await admin.locator('.ant-modal-confirm').getByRole('button', { name: /确\s*定|OK/ }).click();
  await expect(row).toContainText('已停用');

  // ---- the materials catalogue ----
  await admin.getByRole('tab', { name: '材料目录' }).click();
  const materials = admin.getByTestId('material-table');
  await expect(materials).toContainText('球墨铸铁管 DN100');
  await expect(materials).toContainText('1 米 = 100 厘米');
  await admin.getByTestId('material-add').click();
  const materialForm = admin.getByTestId('material-form');
  await materialForm.getByLabel('代码').fill(`m${code}`);
  await materialForm.getByLabel('名称', { exact: true }).fill('PE 给水管 DN110');
  await materialForm.getByLabel('英文名称').fill('PE water pipe DN110');
  await materialForm.getByLabel('显示单位', { exact: true }).fill('米');
  await materialForm.getByLabel('英文显示单位').fill('m');
  await materialForm.getByLabel('计量单位', { exact: true }).fill('厘米');
  await materialForm.getByLabel('英文计量单位').fill('cm');
  await materialForm.getByText('100', { exact: true }).click();
  await screenshot(admin, 'material-new');
  await admin.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
  await expect(admin.getByRole('dialog')).toHaveCount(0);
  const material = materials.getByRole('row').filter({ hasText: `m${code}` });
  await expect(material).toContainText('1 米 = 100 厘米');
  await material.getByTestId('material-toggle').click();
  await admin.locator('.ant-modal-confirm').getByRole('button', { name: /确\s*定|OK/ }).click();
  await expect(material).toContainText('已停用');
  await screenshot(admin, 'materials');

  // In English too.
  await admin.getByText('EN', { exact: true }).click();
  await expect(admin.getByRole('tab', { name: 'Materials catalogue' })).toBeVisible();
  await admin.getByRole('tab', { name: 'Categories and time limits' }).click();
  await expect(table).toContainText('Burst main');
  await screenshot(admin, 'categories-en');
  expect(pageErrors).toEqual([]);
});
