// Service requests (工单) from end to end: a resident reports a leak from the 375 px portal; the hotline agent
// finds it in the console's list; the dispatcher accepts it and sends the demo repair crew member; the crew
// member, on a phone-width page, departs, arrives, controls and restores; the dispatcher closes it; the
// resident sees it closed with every step.
import { expect, request, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cameraPhoto, freshPhone, openCrewJob, PHONE_375 as PHONE, PORTAL_PHONE } from './support.js';

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
/** The leak the first journey reports (the service-desk journey finds it as a duplicate). */
let leakRequestNo: string | undefined;

/** The portal asks first when the same problem was reported at the address within a day (a rerun on the same database): send anyway. */
async function sendPastDuplicate(page: Page): Promise<void> {
  const dialog = page.getByTestId('service-duplicate-dialog');
  await expect(page.getByTestId('service-detail-page').or(dialog)).toBeVisible();
  if (await dialog.isVisible()) await page.getByText('这是另一个问题，继续提交', { exact: true }).click();
}

/** The rating link the closed request's SMS carries (the demo keeps messages in the outbox). */
async function ratingLink(staff: APIRequestContext, phone: string): Promise<string> {
  let link: string | null = null;
  await expect
    .poll(
      async () => {
        const res = await staff.get('/api/outbox', { params: { recipient: phone, limit: 5 } });
        const body = (await res.json()) as { messages: { template: string; body: string }[] };
        const message = body.messages.find((item) => item.template === 'service_rating');
        link = message ? (/\/portal\/rate\/[a-z0-9-]+\/\d{24}/.exec(message.body)?.[0] ?? null) : null;
        return link;
      },
      { message: `a rating SMS for ${phone} in the outbox`, timeout: 10_000 },
    )
    .not.toBeNull();
  return link ?? '';
}

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
  const resident = await (await browser.newContext(PORTAL_PHONE)).newPage();
  resident.on('pageerror', (error) => pageErrors.push(`resident: ${error.message}`));
  const phone = freshPhone('137');
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
  await sendPastDuplicate(resident);

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
  await openCrewJob(job);
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
  // The console names the staff member and their role, not the raw audit string.
  await expect(dispatcher.getByTestId('service-events')).toContainText('刘强（调度）（调度员）');
  await expect(dispatcher.getByTestId('service-events')).not.toContainText('(dispatcher)');
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
  // Who took each step is "staff" to the customer, never a staff member's name or username.
  await expect(progress).toContainText('工作人员');
  await expect(progress).not.toContainText('刘强');
  await expect(progress).not.toContainText('dispatcher');
  await expect(resident.getByTestId('service-now')).toHaveCount(0);
  await screenshot(resident, 'portal-closed', 375);

  // ---- the resident rates it through the SMS link (no login), which works once ----
  const link = await ratingLink(auditor, phone);
  const rater = await (await browser.newContext(PORTAL_PHONE)).newPage();
  rater.on('pageerror', (error) => pageErrors.push(`rater: ${error.message}`));
  await rater.goto(link);
  await expect(rater.getByTestId('rate-request')).toContainText(requestNo);
  await rater.getByTestId('rate-submit').click();
  await expect(rater.getByText('请先选择评分')).toBeVisible();
  // The stars are a radio group: by keyboard (Tab to it, arrows, End) as well as by touch; each star names itself.
  await rater.getByTestId('service-rating-star-1').focus();
  await rater.keyboard.press('ArrowRight');
  await expect(rater.getByRole('radio', { name: '2 星：不满意' })).toHaveAttribute('aria-checked', 'true');
  await rater.keyboard.press('End');
  await expect(rater.getByRole('radio', { name: '5 星：非常满意' })).toHaveAttribute('aria-checked', 'true');
  await expect(rater.getByRole('radio', { name: '5 星：非常满意' })).toBeFocused();
  await rater.getByRole('textbox').fill('维修师傅来得很快，处理得很干净');
  await screenshot(rater, 'portal-rate-link', 375);
  await rater.getByTestId('rate-submit').click();
  await expect(rater.getByTestId('rate-done')).toContainText('感谢您的评价');
  await screenshot(rater, 'portal-rate-thanks', 375);
  await rater.reload();
  await expect(rater.getByTestId('rate-used')).toBeVisible();
  // The portal shows the rating on the request.
  await resident.reload();
  await expect(resident.getByTestId('service-rating-given')).toContainText('维修师傅来得很快');
  await screenshot(resident, 'portal-rated', 375);
  leakRequestNo = requestNo;

  expect(pageErrors, 'uncaught errors on the pages').toEqual([]);
});

test('photos and location from the 375 px portal, site photos and materials from the crew phone, all shown in the console', async ({ browser }) => {
  test.setTimeout(180_000);
  const description = `井盖旁边一直冒水 ${Date.now() % 100_000}`;
  const place = { latitude: 30.507312, longitude: 114.413968 };

  // ---- the resident (no account bound): photos and the phone's location ----
  const residentContext = await browser.newContext({ ...PORTAL_PHONE, geolocation: { ...place, accuracy: 18 }, permissions: ['geolocation'] });
  const resident = await residentContext.newPage();
  resident.on('pageerror', (error) => pageErrors.push(`resident: ${error.message}`));
  const phone = freshPhone('137');
  await resident.goto('/portal/');
  await resident.getByLabel('手机号').fill(phone);
  await resident.getByTestId('get-code').click();
  await expect(resident.getByTestId('login-notice')).toBeVisible();
  await resident.getByLabel('验证码').fill(await latestCode(auditor, phone));
  await resident.getByRole('checkbox').check();
  await resident.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(resident.getByTestId('home-page')).toBeVisible();
  await resident.getByTestId('service-entry-new').click();
  await expect(resident.getByTestId('service-new-page')).toBeVisible();
  await resident.getByTestId('service-categories').getByText('漏水报修', { exact: true }).click();
  await resident.getByLabel('问题描述').fill(description);
  // Neither an address nor a location: the form says either will do.
  await resident.getByTestId('service-submit').click();
  await expect(resident.getByText('请填写地址（至少 2 个字），或使用当前位置')).toBeVisible();

  // Three photos from the album, one removed again: two thumbnails remain.
  await resident.getByTestId('service-photo-album').setInputFiles([await cameraPhoto(resident, 'A'), await cameraPhoto(resident, 'B'), await cameraPhoto(resident, 'C')]);
  const tiles = resident.getByTestId('service-photo-tile');
  await expect(tiles).toHaveCount(3);
  await tiles.nth(2).getByRole('button', { name: '删除这张照片' }).click();
  await expect(tiles).toHaveCount(2);
  // The add tile offers the camera or the album.
  await resident.getByTestId('service-photo-add').click();
  await expect(resident.getByText('拍照', { exact: true })).toBeVisible();
  await expect(resident.getByText('从相册选择', { exact: true })).toBeVisible();
  await resident.getByText('取消', { exact: true }).click();

  await resident.getByTestId('service-use-location').click();
  await expect(resident.getByTestId('service-location-found')).toContainText('30.507312, 114.413968');
  await expect(resident.getByText('请填写地址（至少 2 个字），或使用当前位置')).toHaveCount(0);
  await screenshot(resident, 'portal-photos-location', 375);
  await resident.getByTestId('service-submit').click();

  await expect(resident.getByTestId('service-detail-page')).toBeVisible({ timeout: 20_000 });
  const requestNo = (await resident.getByTestId('service-request-no').textContent())?.trim() ?? '';
  expect(requestNo).toMatch(/^GD\d{13}$/);
  await expect(resident.getByTestId('service-summary')).toContainText('30.507312, 114.413968');
  const reported = resident.getByTestId('service-photos-submit').getByTestId('service-photo');
  await expect(reported).toHaveCount(2);
  // The photos really load (made small on the phone: at most 1600 px, JPEG).
  await expect.poll(() => reported.first().locator('img').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
  await screenshot(resident, 'portal-photos-submitted', 375);

  // ---- the dispatcher accepts and dispatches; the console shows the photos and the location ----
  const dispatcher = await staffPage(browser, DEMO.dispatcher);
  await dispatcher.goto('/console/service?kind=repair');
  await dispatcher.getByTestId('service-row').filter({ hasText: requestNo }).getByTestId('service-request-no').click();
  await expect(dispatcher.getByTestId('service-detail-page')).toBeVisible();
  await expect(dispatcher.getByTestId('service-location')).toContainText('30.507312, 114.413968');
  await expect(dispatcher.getByTestId('service-events').getByTestId('service-photo')).toHaveCount(2);
  await dispatcher.getByTestId('step-accept').click();
  await expect(dispatcher.getByTestId('service-state')).toHaveText('已受理');
  await dispatcher.getByTestId('step-dispatch').click();
  const dialog = dispatcher.getByRole('dialog');
  await dialog.getByTestId('dispatch-crew').click();
  await dispatcher.locator('.ant-select-dropdown').getByText(DEMO.repair.displayName).click();
  await dialog.getByRole('button', { name: /^派\s*单$/ }).click();
  await expect(dispatcher.getByTestId('service-state')).toHaveText('已派单');

  // ---- the crew member on the phone: arrives, photographs the site, records the pipe used ----
  const crew = await staffPage(browser, DEMO.repair.username, PHONE);
  await expect(crew.getByTestId('crew-page')).toBeVisible();
  const job = crew.getByTestId('crew-request').filter({ hasText: requestNo });
  await expect(job).toHaveCount(1);
  await openCrewJob(job);
  await job.getByTestId('step-depart').click();
  await expect(job.getByTestId('service-state')).toHaveText('已出发');
  await job.getByTestId('step-arrive').click();
  await expect(job.getByTestId('service-state')).toHaveText('已到场');
  await job.getByTestId('photo-input-arrive').setInputFiles([await cameraPhoto(crew, 'SITE')]);
  await expect(job.getByTestId('crew-photos-arrive').getByTestId('service-photo')).toHaveCount(1);
  await job.getByTestId('service-material-open').click();
  await job.getByTestId('service-material-select').click();
  await crew.locator('.ant-select-dropdown').getByText('球墨铸铁管 DN100', { exact: true }).click();
  await job.getByTestId('service-material-quantity-input').fill('2.5');
  await job.getByTestId('service-material-add').click();
  await expect(job.getByTestId('service-material-quantity')).toHaveText('2.5 米');
  await screenshot(crew, 'crew-photo-materials', 375);

  // ---- the console shows the site photo on the history, under its step, and the materials ----
  await dispatcher.reload();
  await expect(dispatcher.getByTestId('service-state')).toHaveText('已到场');
  const arrival = dispatcher.getByTestId('service-event').filter({ hasText: '到场' }).last();
  await expect(arrival.getByTestId('service-photo')).toHaveCount(1);
  await expect(dispatcher.getByTestId('service-events').getByTestId('service-photo')).toHaveCount(3);
  await expect(dispatcher.getByTestId('service-materials')).toContainText('球墨铸铁管 DN100');
  await expect(dispatcher.getByTestId('service-material-quantity')).toHaveText('2.5 米');
  await screenshot(dispatcher, 'console-photos-materials');
  // A thumbnail opens the photo full size.
  await arrival.getByTestId('service-photo').first().click();
  await expect(dispatcher.locator('.ant-image-preview')).toBeVisible();
  await screenshot(dispatcher, 'console-photo-preview');
  await dispatcher.keyboard.press('Escape');

  // ---- the resident sees the crew's photo and the materials ----
  await resident.reload();
  await expect(resident.getByTestId('service-photos-arrive').getByTestId('service-photo')).toHaveCount(1);
  await expect(resident.getByTestId('service-materials')).toContainText('2.5 米');
  await screenshot(resident, 'portal-photos-site', 375);

  expect(pageErrors, 'uncaught errors on the pages').toEqual([]);
});

test('the hotline answers from the knowledge base at first contact, attaches a repeat caller to the open leak, and works its call-backs', async ({ browser }) => {
  test.setTimeout(180_000);
  expect(leakRequestNo, 'the first journey reports the leak this one finds as a duplicate').toBeTruthy();
  const suffix = String(Date.now() % 100_000);

  // ---- the manager publishes a standard answer ----
  const manager = await staffPage(browser, 'manager');
  await manager.goto('/console/service/knowledge');
  await expect(manager.getByTestId('kb-articles')).toContainText('水费缴纳方式'); // the demo's answers
  await manager.getByTestId('kb-new').click();
  const title = `营业厅办公时间（${suffix}）`;
  await manager.getByTestId('kb-title').fill(title);
  await manager.getByTestId('kb-body').fill('江城水务营业大厅周一至周日 8:30–17:30 办公，周二、周四延时至 20:00；市民之家水务窗口工作日 9:00–17:00。');
  await manager.getByTestId('kb-keywords').click();
  for (const word of ['几点', '上班', '营业时间']) {
    await manager.keyboard.type(word);
    await manager.keyboard.press('Enter');
  }
  await manager.keyboard.press('Escape');
  await manager.getByTestId('kb-publish').click();
  await expect(manager.locator('.ant-drawer').getByTestId('kb-status')).toHaveText('已发布');
  await screenshot(manager, 'console-knowledge-edit');
  await manager.locator('.ant-drawer-close').click();
  await expect(manager.getByTestId('kb-articles')).toContainText(title);
  await screenshot(manager, 'console-knowledge');

  // ---- the agent logs the call and takes it at the intake page: answered from the knowledge base ----
  const hotline = await staffPage(browser, DEMO.hotline);
  await hotline.goto('/console/service/calls');
  await expect(hotline.getByTestId('calls-page')).toBeVisible();
  await hotline.getByTestId('calls-log').click();
  await hotline.getByTestId('calls-number').fill('13800001111');
  await hotline.getByRole('dialog').getByRole('button', { name: /^登\s*记$/ }).click();
  await expect(hotline.getByTestId('service-new-page')).toBeVisible();
  await expect(hotline.getByTestId('intake-call')).toContainText('138****1111');
  await hotline.getByTestId('service-category').click();
  await hotline.keyboard.type('业务咨询');
  await hotline.locator('.ant-select-dropdown').getByText('业务咨询', { exact: true }).click();
  await hotline.getByLabel('地址', { exact: true }).fill(`江岸区沿江大道 ${suffix} 号`);
  await hotline.getByLabel('诉求内容').fill('请问营业厅几点上班');
  const hit = hotline.getByTestId('kb-hit').filter({ hasText: title });
  await expect(hit).toBeVisible();
  await hit.getByTestId('kb-quote').click();
  await expect(hotline.getByTestId('intake-resolve')).toBeChecked();
  await expect(hotline.getByTestId('intake-answer')).toHaveValue(/8:30–17:30/);
  await screenshot(hotline, 'console-intake-knowledge');
  await hotline.getByRole('button', { name: /^提交工单$/ }).click();
  await expect(hotline.getByTestId('service-detail-page')).toBeVisible();
  await expect(hotline.getByTestId('service-state')).toHaveText('已办结');
  await expect(hotline.getByTestId('desk-fcr')).toBeVisible();
  await expect(hotline.getByTestId('desk-panel')).toContainText(title);
  await expect(hotline.getByTestId('desk-panel')).toContainText('138****1111');
  await screenshot(hotline, 'console-first-contact');

  // ---- a second caller about the leak: the intake page warns of the duplicate; the agent attaches them ----
  await hotline.goto('/console/service/new');
  await hotline.getByTestId('service-category').click();
  await hotline.keyboard.type('漏水');
  await hotline.locator('.ant-select-dropdown').getByText('漏水报修', { exact: true }).click();
  await hotline.getByTestId('service-account').click();
  await hotline.keyboard.type(DEMO.account.accountNo);
  await hotline.locator('.ant-select-dropdown').getByText(`${DEMO.account.accountNo} · ${DEMO.account.holderName}`).click();
  const duplicates = hotline.getByTestId('intake-duplicates');
  await expect(duplicates).toContainText(leakRequestNo ?? '');
  await hotline.getByLabel('联系人').fill('楼上邻居');
  await hotline.getByLabel('诉求内容').fill('楼道里也在冒水');
  await screenshot(hotline, 'console-intake-duplicate');
  // Saving anyway asks first.
  await hotline.getByRole('button', { name: /^提交工单$/ }).click();
  const confirm = hotline.locator('.ant-modal-confirm');
  await expect(confirm.locator('.ant-modal-confirm-title')).toHaveText('确认不是重复工单？');
  await expect(confirm).toContainText(leakRequestNo ?? '');
  await confirm.getByRole('button', { name: /^取\s*消$/ }).click();
  await duplicates.getByTestId('intake-duplicate').filter({ hasText: leakRequestNo ?? '' }).getByTestId('intake-attach').click();
  await expect(hotline.getByTestId('service-detail-no')).toHaveText(leakRequestNo ?? '');
  await expect(hotline.getByTestId('service-events')).toContainText('又一次来电反映此问题（楼上邻居）：楼道里也在冒水');
  await screenshot(hotline, 'console-attached');

  // ---- a missed call becomes a call-back task, worked from the calls page ----
  await hotline.goto('/console/service/calls');
  await hotline.getByTestId('calls-log').click();
  await hotline.getByTestId('calls-number').fill('13800002222');
  await hotline.getByTestId('calls-outcome').getByText('未接', { exact: true }).click();
  await hotline.getByRole('dialog').getByRole('button', { name: /^登\s*记$/ }).click();
  const task = hotline.getByTestId('callbacks').locator('tr').filter({ hasText: '138****2222' });
  await expect(task).toHaveCount(1);
  await task.getByTestId('callback-reveal').click();
  await expect(hotline.getByTestId('callback-number')).toContainText('13800002222');
  await hotline.getByRole('button', { name: /^(知道了|OK|确\s*定)$/ }).click();
  await screenshot(hotline, 'console-callbacks');
  await task.getByTestId('callback-attempt').click();
  await hotline.getByRole('dialog').getByRole('button', { name: /^保\s*存$/ }).click();
  await expect(task).toHaveCount(0);
  await hotline.getByRole('tab', { name: '通话记录' }).click();
  await expect(hotline.getByTestId('calls')).toContainText('138****1111');
  await screenshot(hotline, 'console-calls');

  // ---- the follow-up of the leak is done, with the resident's five stars ----
  await hotline.goto('/console/service/followups');
  await hotline.getByText('已完成', { exact: true }).click();
  const done = hotline.getByTestId('followups').locator('tr').filter({ hasText: leakRequestNo ?? '' });
  await expect(done).toContainText('维修师傅来得很快');
  await screenshot(hotline, 'console-followups');

  expect(pageErrors, 'uncaught errors on the pages').toEqual([]);
});

test('the working calendar in the settings holds the 2026 national holidays and adjusted working days', async ({ browser }) => {
  const admin = await staffPage(browser, 'admin');
  await admin.goto('/console/settings');
  const calendar = admin.getByTestId('settings-calendar');
  await expect(calendar).toBeVisible();
  await calendar.getByTestId('settings-calendar-year').getByText('2026 年', { exact: true }).click();
  await expect(calendar.getByTestId('settings-calendar-holidays')).toContainText('10-01 周四');
  await expect(calendar.getByTestId('settings-calendar-holidays')).toContainText('02-15 周日');
  await expect(calendar.getByTestId('settings-calendar-workdays')).toContainText('10-10 周六');
  await expect(calendar).toContainText('法定节假日（放假） · 33 天');
  await expect(calendar).toContainText('调休上班日 · 6 天');
  await calendar.scrollIntoViewIfNeeded();
  await screenshot(admin, 'settings-calendar');
  // 2027's arrangement is not published yet: nothing is set for it.
  await calendar.getByTestId('settings-calendar-year').getByText('2027 年', { exact: true }).click();
  await expect(calendar.getByTestId('settings-calendar-holidays')).toContainText('2027 年尚无安排');
  expect(pageErrors, 'uncaught errors on the pages').toEqual([]);
});
