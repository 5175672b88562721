// Appointments (预约) from end to end: a resident on a 375 px WeChat-width portal books a visit to a service
// hall (business → location → day → time), sees the booking number, moves it to another day; the counter
// clerk finds it in the console by its number; the administrator's location settings show the extended hours.
import { expect, request, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, DEMO_TENANT, openSelectOptions, PORTAL_PHONE } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
// The demo's main hall (server/src/modules/appointments/seed.ts): weekday evenings to 20:00 and Saturdays.
const HALL = '江城水务营业大厅';

const pageErrors: string[] = [];
let auditor: APIRequestContext;

async function screenshot(page: Page, name: string, maxWidth?: number): Promise<void> {
  await page.waitForTimeout(300);
  if (maxWidth) {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${name}: the page is wider than ${maxWidth} px`).toBeLessThanOrEqual(maxWidth);
  }
  await page.screenshot({ path: `${SCREENSHOT_DIR}appointments-${name}.png`, fullPage: true });
}

async function latestCode(phone: string): Promise<string> {
  let code: string | null = null;
  await expect
    .poll(
      async () => {
        const res = await auditor.get('/api/outbox', { params: { recipient: phone, limit: 1 } });
        const body = (await res.json()) as { messages: { body: string }[] };
        code = body.messages[0] ? (/(\d{6})/.exec(body.messages[0].body)?.[1] ?? null) : null;
        return code;
      },
      { message: `an SMS code for ${phone}`, timeout: 10_000 },
    )
    .not.toBeNull();
  return code ?? '';
}

async function staffPage(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })).newPage();
  page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
  await page.goto('/console/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
  return page;
}

/** Picks the nth bookable day (0: the first) and the first time with a place left. */
async function pickDayAndTime(page: Page, dayIndex: number): Promise<{ day: string; time: string }> {
  const days = page.getByTestId('appointment-days').locator('button:not([disabled])');
  await expect(days.first()).toBeVisible();
  const day = days.nth(dayIndex);
  const dayTestId = (await day.getAttribute('data-testid')) ?? '';
  await day.click();
  const slot = page.getByTestId('appointment-slots').locator('.adm-selector-item:not(.adm-selector-item-disabled)').first();
  await expect(slot).toBeVisible();
  const time = ((await slot.textContent()) ?? '').slice(0, 5);
  await slot.click();
  return { day: dayTestId.replace('appointment-day-', ''), time };
}

test.beforeAll(async ({ baseURL }) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  auditor = await request.newContext({ baseURL });
  const login = await auditor.post('/api/staff/login', { data: { tenant: DEMO_TENANT, username: 'auditor', password: DEMO_PASSWORD } });
  expect(login.status()).toBe(200);
});

test.afterAll(async () => {
  await auditor.dispose();
  expect(pageErrors).toEqual([]);
});

test('a resident books a visit on the phone, moves it, and the counter sees it', async ({ browser }) => {
  test.setTimeout(120_000);
  const resident = await (await browser.newContext(PORTAL_PHONE)).newPage();
  resident.on('pageerror', (error) => pageErrors.push(`resident: ${error.message}`));
  const phone = `136${String(Date.now() % 100_000_000).padStart(8, '0')}`;
  await resident.goto('/portal/');
  await resident.getByLabel('手机号').fill(phone);
  await resident.getByTestId('get-code').click();
  await resident.getByLabel('验证码').fill(await latestCode(phone));
  await resident.getByRole('checkbox').check();
  await resident.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(resident.getByTestId('home-page')).toBeVisible();
  await expect(resident.getByTestId('appointment-entries')).toBeVisible();

  // ---- book: nothing chosen yet, the page says what is missing ----
  await resident.getByTestId('appointment-entry-new').click();
  await expect(resident.getByTestId('appointment-book-page')).toBeVisible();
  await resident.getByTestId('appointment-submit').click();
  await expect(resident.getByText('请依次选择业务、网点、日期和时段')).toBeVisible();
  await resident.getByTestId('appointment-business-holder_change').click();
  await resident.getByTestId('appointment-location').filter({ hasText: HALL }).click();
  await expect(resident.getByTestId('appointment-location').filter({ hasText: HALL })).toContainText('延时');
  const first = await pickDayAndTime(resident, 0);
  await resident.getByTestId('appointment-name').locator('input').fill('张伟');
  await screenshot(resident, 'portal-book', 375);
  await resident.getByTestId('appointment-submit').click();

  await expect(resident.getByTestId('appointment-list-page')).toBeVisible();
  const item = resident.getByTestId('appointment-item').first();
  await expect(item.getByTestId('appointment-status')).toHaveText('待办理');
  await expect(item.getByTestId('appointment-time')).toContainText(`${first.day}`);
  await expect(item.getByTestId('appointment-time')).toContainText(first.time);
  const bookingNo = ((await item.getByTestId('appointment-no').textContent()) ?? '').trim();
  expect(bookingNo).toMatch(/^YY\d{8}$/);
  await screenshot(resident, 'portal-list', 375);

  // ---- move it to another day ----
  await item.getByTestId('appointment-move').click();
  await expect(resident.getByTestId('appointment-business-fixed')).toContainText(bookingNo);
  const second = await pickDayAndTime(resident, 1);
  expect(second.day).not.toBe(first.day);
  await screenshot(resident, 'portal-move', 375);
  await resident.getByTestId('appointment-submit').click();
  await expect(resident.getByTestId('appointment-list-page')).toBeVisible();
  await expect(resident.getByTestId('appointment-item').first().getByTestId('appointment-time')).toContainText(second.day);
  await expect(resident.getByTestId('appointment-item').first().getByTestId('appointment-no')).toHaveText(bookingNo);
  await screenshot(resident, 'portal-moved', 375);

  // ---- the counter finds it by its number ----
  const counter = await staffPage(browser, 'counter');
  await counter.goto('/console/appointments');
  await expect(counter.getByTestId('appointments-day-page')).toBeVisible();
  await expect(counter.getByTestId('appointment-slot-overview')).toBeVisible();
  await counter.getByTestId('appointment-search').locator('input').fill(bookingNo);
  await counter.getByTestId('appointment-search').locator('input').press('Enter');
  const row = counter.getByTestId('appointment-table').locator('tr', { hasText: bookingNo });
  await expect(row).toContainText('张伟');
  await expect(row).toContainText(second.day);
  await expect(row).toContainText(second.time);
  await expect(row).toContainText('网上预约');
  await expect(row).toContainText('更名过户');
  await screenshot(counter, 'console-counter');

  // ---- and books a walk-in customer at the counter ----
  await counter.getByTestId('appointment-book').click();
  const modal = counter.getByRole('dialog');
  await modal.getByLabel('业务').click();
  await (await openSelectOptions(counter, modal.getByLabel('业务'))).filter({ hasText: '更名过户' }).click();
  await modal.getByLabel('日期').click();
  await modal.getByLabel('日期').fill(second.day);
  await modal.getByLabel('日期').press('Enter');
  await modal.getByLabel('时段').click();
  await (await openSelectOptions(counter, modal.getByLabel('时段'))).first().click();
  await modal.getByLabel('办理人姓名').fill('刘芳');
  await modal.getByLabel('手机号').fill(`135${String(Date.now() % 100_000_000).padStart(8, '0')}`);
  await screenshot(counter, 'console-walk-in');
  await modal.getByRole('button', { name: /确\s*定/ }).click();
  await expect(counter.getByText(/已预约，预约号 YY\d{8}/)).toBeVisible();

  // ---- the administrator's settings: the hall's evening and Saturday hours ----
  const admin = await staffPage(browser, 'admin');
  await admin.goto('/console/appointments/locations');
  const card = admin.getByTestId('appointment-location-card').filter({ hasText: HALL });
  await expect(card).toContainText('含延时/错时服务');
  await expect(card).toContainText('周六 09:00-12:00, 14:00-17:00');
  await screenshot(admin, 'console-locations');
});
