// Online business applications (网上办 · 掌上办) from a 375 px phone in WeChat: the public process page before
// signing in; a customer applies for a new connection with a photo and a PDF, gets the number at once, watches
// the progress move by itself, is asked for one more document and sends it; the staff do every stage through
// their HTTP API (each by whom the segregation-of-duties rules allow); the customer finds the new account.
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  advanceConnectionStage,
  applyForConnection,
  cameraPhoto,
  completeConnection,
  expectNewAccount,
  expectPortalProgress,
  freshPhone,
  givenConnectionTeam,
  printedPdf,
  resubmitWithDocument,
  returnForCorrection,
  signInToPortal,
  type ConnectionTeam,
} from './steps/applications-portal.js';
import { DEMO_PASSWORD, DEMO_TENANT } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 MicroMessenger/8.0.50(0x1800322d) NetType/WIFI Language/zh_CN';

test.use({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, userAgent: WECHAT_UA, locale: 'zh-CN' });

async function screenshot(page: Page, name: string): Promise<void> {
  // Let Toasts and page transitions settle, then prove nothing is wider than the phone.
  await page.waitForTimeout(300);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${name}: the page is wider than 375 px`).toBeLessThanOrEqual(375);
  await page.screenshot({ path: `${SCREENSHOT_DIR}applications-portal-${name}.png`, fullPage: true });
}

let auditor: APIRequestContext;
let team: ConnectionTeam;

test.beforeAll(async ({ baseURL }) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  auditor = await request.newContext({ baseURL });
  expect((await auditor.get('/portal/')).status(), 'GET /portal/ must serve the built portal: run `npm run build:web` first').toBe(200);
  expect((await auditor.post('/api/staff/login', { data: { tenant: DEMO_TENANT, username: 'auditor', password: DEMO_PASSWORD } })).status()).toBe(200);
  team = await givenConnectionTeam(baseURL as string);
});

test.afterAll(async () => {
  await team?.dispose();
  await auditor?.dispose();
});

test('the public process page, before signing in: every type with its stages, posts, working-day limits and documents', async ({ page }) => {
  await page.goto('/portal/login');
  await page.getByTestId('login-processes').click();
  await expect(page.getByTestId('processes-page')).toBeVisible();
  const card = page.getByTestId('process-card');
  await expect(card).toHaveAttribute('data-type', 'new_connection');
  await expect(card.getByTestId('process-stage')).toHaveCount(10);
  await expect(card.getByTestId('process-stage').nth(1)).toContainText('现场踏勘');
  await expect(card.getByTestId('process-stage').nth(1)).toContainText('1 个工作日');
  await expect(card.getByTestId('process-stage').nth(9)).toContainText('抄表员');
  await expect(card.getByTestId('process-total')).toContainText('个工作日');
  await expect(card.getByTestId('process-material').filter({ hasText: '申请人身份证明' })).toContainText('必交');
  await expect(card).toContainText('免受理费');
  await screenshot(page, 'processes');
  await page.getByText('更名过户', { exact: true }).click();
  await expect(card).toHaveAttribute('data-type', 'holder_change');
  await expect(card.getByTestId('process-stage').first()).toContainText('受理');
  await screenshot(page, 'processes-holder-change');
  // Applying needs a session: the button leads to the login page.
  await expect(card.getByTestId('process-apply')).toHaveText('登录后在线申请');
});

test('a customer applies for a new connection with a photo and a PDF, watches it progress, adds a document, and gets the new account', async ({ page }) => {
  test.setTimeout(240_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const phone = freshPhone();

  await signInToPortal(page, auditor, phone);
  await expect(page.getByTestId('application-entries')).toBeVisible();
  await screenshot(page, 'home');

  const applicationNo = await applyForConnection(
    page,
    { applicantName: '周小燕', district: '江南区', street: '滨江路', address: `88号3栋${Date.now() % 1000}室`, photo: await cameraPhoto(page, 'ID 身份证'), pdf: await printedPdf(page, '房产证明') },
    screenshot,
  );
  await screenshot(page, 'progress-submitted');
  await expectPortalProgress(page, applicationNo, { status: 'in_progress', currentStage: 'accept' });

  // The counter sends it back for a sketch of the premise; the customer adds one (a PDF) and submits again.
  await returnForCorrection(team, applicationNo, '请补充用水点位置示意图');
  await resubmitWithDocument(page, applicationNo, 'site_plan', await printedPdf(page, '位置示意图', 'site-plan.pdf'), '请补充用水点位置示意图', screenshot);

  // Accepted while the page is open: it moves to the survey by itself.
  expect(await advanceConnectionStage(team, applicationNo)).toBe('accept');
  await expectPortalProgress(page, applicationNo, { status: 'in_progress', currentStage: 'survey', doneStages: ['accept'], live: true });
  await screenshot(page, 'progress-survey');
  await expect(page.getByTestId('application-holder')).toHaveText('报装人员');

  // 我的申请 lists it with where it stands.
  await page.goto('/portal/applications');
  await expect(page.locator(`[data-testid="application-card"][data-no="${applicationNo}"]`)).toContainText('现场踏勘');
  await screenshot(page, 'list');

  const accountNo = await completeConnection(team, applicationNo);
  expect(await expectNewAccount(page, applicationNo, screenshot)).toBe(accountNo);
  await screenshot(page, 'home-with-account');

  // The same progress in English.
  await page.evaluate(() => window.localStorage.setItem('shuiwu.language', 'en'));
  await expectPortalProgress(page, applicationNo, { status: 'completed' });
  await expect(page.getByTestId('application-account')).toContainText('Your new account number');
  await screenshot(page, 'progress-completed-en');

  expect(pageErrors, 'uncaught errors on the page').toEqual([]);
});
