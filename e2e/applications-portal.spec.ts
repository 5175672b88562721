// The public process page (公开业务办理流程) on a 375 px phone in WeChat, before signing in: every application type
// with its stages, the post of each stage, its time limit in working days and the documents it asks for. The
// customer's whole journey — apply with a photo and a PDF, watch the progress, add a document, get the new
// account — is in e2e/applications.spec.ts, together with the staff's side.
import { expect, test } from '@playwright/test';
import { phoneShots, PORTAL_PHONE } from './steps/applications-portal.js';

test.use(PORTAL_PHONE);

const screenshot = phoneShots('applications-portal');

test('the public process page, before signing in: every type with its stages, posts, working-day limits and documents', async ({ page, request }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  expect((await request.get('/portal/')).status(), 'GET /portal/ must serve the built portal: run `npm run build:web` first').toBe(200);
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
  await card.getByTestId('process-apply').click();
  await expect(page.getByTestId('login-page')).toBeVisible();
  expect(pageErrors, 'uncaught errors on the page').toEqual([]);
});
