// Process settings (业务流程设置) and the zero-use report's new connections, in Chromium: the administrator opens
// the page from the menu, is told why a time limit of 0 is refused, saves a survey limit of 2 working days
// (a new version), and the public process JSON shows it; the manager opens the zero-use accounts report and
// filters to the new connections not read in time. Screenshots go to e2e/screenshots/process-settings-*.png.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, DEMO_TENANT } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
// Answers that wait for a save or a report query: generous on a loaded machine.
const SLOW = { timeout: 30_000 };

async function signIn(browser: Browser, username: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/console/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SCREENSHOT_DIR}process-settings-${name}.png`, fullPage: true });
}

test.describe.configure({ timeout: 120_000 });

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('the administrator changes a stage time limit, refused at 0, saved at 2 as a new version, and published', async ({ browser, request }) => {
  const errors: string[] = [];
  const page = await signIn(browser, 'admin', errors);
  await page.getByRole('menuitem', { name: '业务流程设置' }).click();
  await expect(page.getByTestId('process-settings')).toBeVisible();
  const form = page.getByTestId('process-type-new_connection');
  await expect(form.getByTestId('limit-survey')).toHaveValue('1');
  await screenshot(page, 'page');

  await form.getByTestId('limit-survey').fill('0');
  await form.getByTestId('save-new_connection').click();
  await expect(form.getByText('“现场踏勘”的办理时限须为 1 至 60 个工作日').first()).toBeVisible(SLOW);
  await screenshot(page, 'refused');

  await form.getByTestId('limit-survey').fill('2');
  await form.getByTestId('save-new_connection').click();
  await expect(page.getByTestId('process-settings-version')).toHaveText(/第 \d+ 版/, SLOW);
  await expect(page.getByText('“现场踏勘”时限：1 → 2 个工作日')).toBeVisible();
  await screenshot(page, 'saved');

  const published = await request.get(`/api/public/processes?tenant=${DEMO_TENANT}`);
  const body = (await published.json()) as { processes: { code: string; stages: { code: string; timeLimitDays: number }[] }[] };
  expect(body.processes.find((type) => type.code === 'new_connection')?.stages.find((stage) => stage.code === 'survey')?.timeLimitDays).toBe(2);
  expect(errors).toEqual([]);
});

test('the manager sees new connections and their applications in the zero-use report', async ({ browser }) => {
  const errors: string[] = [];
  const page = await signIn(browser, 'manager', errors);
  await page.getByRole('menuitem', { name: '零水量用户' }).click();
  await expect(page.getByTestId('zero-use-page')).toBeVisible();
  await expect(page.getByText(/共 \d+ 户 · 新装表立户后 \d+ 天内应有抄表读数/)).toBeVisible(SLOW);
  await expect(page.getByRole('columnheader', { name: '报装申请' })).toBeVisible();
  await screenshot(page, 'zero-use');
  await page.getByTestId('zero-use-only-flagged').click();
  await page.mouse.move(0, 0);
  await expect(page.getByText(/共 \d+ 户 · 新装表立户后/)).toBeVisible(SLOW);
  await screenshot(page, 'zero-use-flagged');
  expect(errors).toEqual([]);
});
