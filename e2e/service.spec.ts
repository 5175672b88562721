// Service requests (工单) from end to end: a resident reports a leak from the 375 px portal; the hotline agent
// finds it in the console's list; the dispatcher accepts it and sends the demo repair crew member; the crew
// member, on a phone-width page, departs, arrives, controls and restores; the dispatcher closes it; the
// resident sees it closed with every step.
import { expect, request, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The demo data `serve --seed-demo` creates (server/src/demo/seed.ts; e2e code does not import server code).
const DEMO = {
  tenant: 'jiangcheng',
  password: 'Shuiwu@2026',
  auditor: 'auditor',
  hotline: 'hotline',
  dispatcher: 'dispatcher',
  repair: { username: 'repair', displayName: '赵磊（维修）' },
  account: { accountNo: '1000000001', holderName: '李秀英' },
};

const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 MicroMessenger/8.0.50(0x1800322d) NetType/WIFI Language/zh_CN';
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;

function freshPhone(): string {
  return `137${String(Date.now() % 100_000_000).padStart(8, '0')}`;
}

async function screenshot(page: Page, name: string, maxWidth?: number): Promise<void> {
  await page.waitForTimeout(300);
  if (maxWidth) {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${name}: the page is wider than ${maxWidth} px`).toBeLessThanOrEqual(maxWidth);
  }
  await page.screenshot({ path: `${SCREENSHOT_DIR}service-${name}.png`, fullPage: true });
}

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

/** A staff member signed in through the console's login page, in a browser context of their own. */
async function staffPage(browser: Browser, username: string, options: Parameters<Browser['newContext']>[0] = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' }): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
  await page.goto('/console/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO.password);
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
  return page;
}

let auditor: APIRequestContext;
const pageErrors: string[] = [];

test.beforeAll(async ({ baseURL }) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  auditor = await request.newContext({ baseURL });
  const login = await auditor.post('/api/staff/login', { data: { tenant: DEMO.tenant, username: DEMO.auditor, password: DEMO.password } });
  expect(login.status(), 'demo auditor login').toBe(200);
});

test.afterAll(async () => {
  await auditor.dispose();
});

test('a leak reported on the portal goes through hotline, dispatch and the crew, and the resident sees every step', async ({ browser }) => {
  test.setTimeout(180_000);
  const description = `小区门口路面冒水，水流很大 ${Date.now() % 100_000}`;

  // ---- the resident: log in, bind the account, report a leak ----
  const resident = await (await browser.newContext({ ...PHONE, userAgent: WECHAT_UA })).newPage();
  resident.on('pageerror', (error) => pageErrors.push(`resident: ${error.message}`));
  const phone = freshPhone();
  await resident.goto('/portal/');
  await resident.getByLabel('手机号').fill(phone);
  await resident.getByTestId('get-code').click();
  await expect(resident.getByTestId('login-notice')).toBeVisible();
  await resident.getByLabel('验证码').fill(await latestCode(auditor, phone));
  await resident.getByRole('checkbox').check();
  await resident.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(resident.getByTestId('home-page')).toBeVisible();
  await resident.getByRole('button', { name: '绑定户号' }).click();
  await resident.getByLabel('户号').fill(DEMO.account.accountNo);
  await resident.getByLabel('户主姓名').fill(DEMO.account.holderName);
  await resident.getByRole('button', { name: /^绑\s*定$/ }).click();
  await expect(resident.getByTestId('account-card')).toBeVisible();
  await expect(resident.getByText('绑定成功')).toHaveCount(0);
  await expect(resident.getByTestId('service-entries')).toBeVisible();
  await screenshot(resident, 'portal-home', 375);

  await resident.getByTestId('service-entry-new').click();
  await expect(resident.getByTestId('service-new-page')).toBeVisible();
  await expect(resident.getByTestId('service-categories')).toContainText('漏水报修');
  // Nothing chosen: the form says what is missing.
  await resident.getByTestId('service-submit').click();
  await expect(resident.getByText('请选择问题类型')).toBeVisible();
  await expect(resident.getByText('请描述问题')).toBeVisible();
  await screenshot(resident, 'portal-new-invalid', 375);
  await resident.getByTestId('service-categories').getByText('漏水报修', { exact: true }).click();
  await expect(resident.getByText(DEMO.account.accountNo, { exact: true })).toBeVisible(); // the bound account, chosen already
  await resident.getByLabel('问题描述').fill(description);
  await screenshot(resident, 'portal-new', 375);
  await resident.getByTestId('service-submit').click();

  await expect(resident.getByTestId('service-detail-page')).toBeVisible();
  const requestNo = (await resident.getByTestId('service-request-no').textContent())?.trim() ?? '';
  expect(requestNo).toMatch(/^GD\d{8}\d{5}$/);
  await expect(resident.getByTestId('service-state')).toHaveText('待受理');
  await expect(resident.getByTestId('service-holder')).toHaveText('待受理');
  await expect(resident.getByTestId('service-deadline')).toContainText('受理');
  await expect(resident.getByTestId('service-summary')).toContainText('光谷大道'); // the account's address
  await expect(resident.locator('.adm-toast-mask')).toHaveCount(0); // the Toast goes away by itself
  await screenshot(resident, 'portal-submitted', 375);

  // ---- the hotline agent finds it in the list ----
  const hotline = await staffPage(browser, DEMO.hotline);
  await hotline.goto('/console/service');
  await expect(hotline.getByTestId('service-list-page')).toBeVisible();
  const row = hotline.getByTestId('service-row').filter({ hasText: requestNo });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('漏水报修');
  await expect(row).toContainText('待受理');
  await expect(row).toContainText('网上营业厅');
  await expect(row.getByTestId('service-countdown')).toContainText(/受理 · 剩 \d+ 分/);
  await screenshot(hotline, 'console-list');
  // The repair kind filter keeps it; the complaint filter hides it.
  await hotline.getByLabel('类型').click();
  await hotline.locator('.ant-select-dropdown').getByText('投诉', { exact: true }).click();
  await expect(hotline.getByTestId('service-row').filter({ hasText: requestNo })).toHaveCount(0);
  await hotline.getByLabel('类型').click();
  await hotline.locator('.ant-select-dropdown').getByText('报修', { exact: true }).click();
  await expect(hotline.getByTestId('service-row').filter({ hasText: requestNo })).toHaveCount(1);
  await hotline.getByTestId('service-row').filter({ hasText: requestNo }).getByTestId('service-request-no').click();
  await expect(hotline.getByTestId('service-detail-page')).toBeVisible();
  await expect(hotline.getByTestId('service-detail-no')).toHaveText(requestNo);
  // The agent may accept (service.handle) but not dispatch a repair.
  await expect(hotline.getByTestId('step-accept')).toBeVisible();
  await expect(hotline.getByTestId('step-dispatch')).toHaveCount(0);
  await screenshot(hotline, 'console-detail-submitted');

  // ---- the dispatcher accepts it and sends the repair crew member ----
  const dispatcher = await staffPage(browser, DEMO.dispatcher);
  await dispatcher.goto(`/console/service?kind=repair`);
  await dispatcher.getByTestId('service-row').filter({ hasText: requestNo }).getByTestId('service-request-no').click();
  await expect(dispatcher.getByTestId('service-detail-page')).toBeVisible();
  await dispatcher.getByRole('textbox', { name: '备注' }).fill('已电话联系住户确认');
  await dispatcher.getByTestId('step-accept').click();
  await expect(dispatcher.getByTestId('service-state')).toHaveText('已受理');
  await expect(dispatcher.getByTestId('deadline-accept')).toHaveAttribute('data-status', 'onTime');

  // Meanwhile the hotline agent's page is stale: accepting again is refused as a conflict, and the page reloads.
  await hotline.getByTestId('step-accept').click();
  await expect(hotline.getByRole('alert')).toContainText('数据已过期');
  await expect(hotline.getByTestId('service-state')).toHaveText('已受理');
  await screenshot(hotline, 'console-stale');

  await dispatcher.getByTestId('step-dispatch').click();
  const dialog = dispatcher.getByRole('dialog');
  await expect(dialog).toContainText('派单');
  await dialog.getByRole('button', { name: /^派\s*单$/ }).click();
  await expect(dialog).toContainText('请选择维修人员');
  await dialog.getByTestId('dispatch-crew').click();
  await dispatcher.locator('.ant-select-dropdown').getByText(DEMO.repair.displayName).click();
  await screenshot(dispatcher, 'console-dispatch');
  await dialog.getByRole('button', { name: /^派\s*单$/ }).click();
  await expect(dialog).toHaveCount(0);
  await expect(dispatcher.getByTestId('service-state')).toHaveText('已派单');
  await expect(dispatcher.getByTestId('service-assignee')).toHaveText(DEMO.repair.displayName);
  await screenshot(dispatcher, 'console-dispatched');

  // ---- the crew member, on a phone: lands on their jobs, departs, arrives, controls, restores ----
  const crew = await staffPage(browser, DEMO.repair.username, PHONE);
  await expect(crew).toHaveURL(/\/console\/service\/mine$/);
  await expect(crew.getByTestId('crew-page')).toBeVisible();
  const job = crew.getByTestId('crew-request').filter({ hasText: requestNo });
  await expect(job).toHaveCount(1);
  await expect(job).toContainText('已派单');
  await screenshot(crew, 'crew-list', 375);
  if (!(await job.getByTestId('step-depart').isVisible())) await job.getByText(requestNo).click();
  const steps = [
    ['depart', '出发', '已出发'],
    ['arrive', '到场', '已到场'],
    ['control', '已控制', '已控制'],
    ['restore', '已恢复供水', '已恢复供水'],
  ] as const;
  for (const [step, label, state] of steps) {
    const button = job.getByTestId(`step-${step}`);
    // antd spaces out a two-character Chinese label (出 发).
    await expect(button).toHaveText(new RegExp(`^${[...label].join('\\s*')}$`));
    if (step === 'control') await job.getByRole('textbox').fill('DN100 管道破裂，已关阀');
    if (step === 'control') await screenshot(crew, 'crew-arrived', 375);
    await button.click();
    await expect(job.getByTestId('service-state')).toHaveText(state);
  }
  await expect(job).toContainText('等待调度办结');
  await screenshot(crew, 'crew-restored', 375);

  // ---- the dispatcher closes it ----
  await dispatcher.reload();
  await expect(dispatcher.getByTestId('service-state')).toHaveText('已恢复供水');
  await dispatcher.getByTestId('step-close').click();
  await dispatcher.getByRole('dialog').getByRole('button', { name: /^办\s*结$/ }).click();
  await expect(dispatcher.getByTestId('service-state')).toHaveText('已办结');
  for (const limit of ['accept', 'dispatch', 'arrive', 'control', 'restore']) {
    await expect(dispatcher.getByTestId(`deadline-${limit}`)).toHaveAttribute('data-status', 'onTime');
  }
  await expect(dispatcher.getByTestId('service-event')).toHaveCount(8);
  await screenshot(dispatcher, 'console-closed');

  // ---- the resident sees it closed, with every step ----
  await resident.goto('/portal/');
  await resident.getByTestId('service-entry-mine').click();
  await expect(resident.getByTestId('service-list-page')).toBeVisible();
  const item = resident.getByTestId('service-item').filter({ hasText: requestNo });
  await expect(item.getByTestId('service-state')).toHaveText('已办结');
  await screenshot(resident, 'portal-list', 375);
  await item.click();
  await expect(resident.getByTestId('service-detail-page')).toBeVisible();
  await expect(resident.getByTestId('service-state')).toHaveText('已办结');
  const progress = resident.getByTestId('service-progress');
  for (const label of ['已提交', '已受理', '已派单', '维修人员已出发', '维修人员已到场', '漏点已控制', '已恢复供水', '已办结']) {
    await expect(progress.getByText(label, { exact: true })).toBeVisible();
  }
  await expect(progress).toContainText('DN100 管道破裂，已关阀');
  await expect(resident.getByTestId('service-now')).toHaveCount(0);
  await screenshot(resident, 'portal-closed', 375);

  expect(pageErrors, 'uncaught errors on the pages').toEqual([]);
});
