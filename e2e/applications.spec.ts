// The journey of issue 6 in Chromium: a customer applies for a new connection from a 375 px-wide phone in WeChat
// with two documents (a photo of the ID, a PDF of the property proof) and gets the number at once; the counter
// sends it back for a sketch of the premise, which the customer adds from the phone; the staff then move it
// through every stage in the console, each stage by its own staff member (a segregation-of-duties refusal on the
// way); in between, the customer's progress page shows the stage, the post holding it, its deadline and what is
// missing; at the end the customer finds the new account in the portal, and the manager in the customer 360.
// Steps: e2e/steps/applications-portal.ts (the customer) and e2e/steps/applications-console.ts (the staff).
// Screenshots: e2e/screenshots/applications-journey-{phone,console}-*.png.
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { consolePage, consoleShots, expectAccountInCustomer360, expectSegregationRefusal, openApplication, returnForMaterials, workStage, workThroughEveryStage } from './steps/applications-console.js';
import { applyForConnection, expectNewAccount, expectPortalProgress, freshPhone, phoneShots, PORTAL_PHONE, printedPdf, resubmitWithDocument, signInToPortal } from './steps/applications-portal.js';
import { apiLogin, cameraPhoto } from './support.js';

const phoneShot = phoneShots('applications-journey-phone');
const consoleShot = consoleShots('applications-journey-console');

// A step that cannot act fails within a minute rather than at the end of the journey's time.
test.use({ actionTimeout: 60_000 });

let auditor: APIRequestContext;

test.beforeAll(async ({ baseURL }) => {
  auditor = await request.newContext({ baseURL });
  expect((await auditor.get('/portal/')).status(), 'GET /portal/ must serve the built portal: run `npm run build:web` first').toBe(200);
  // The demo's SMS gateway keeps the login codes in the outbox, which the auditor may read.
  await apiLogin(auditor, 'auditor');
});

test.afterAll(async () => {
  await auditor?.dispose();
});

test('a customer applies for a new connection on the phone with two documents, staff move it through every stage, and the customer gets the new account', async ({ browser }) => {
  // Ten stages, each signed in as its own staff member, on a shared two-core machine.
  test.setTimeout(900_000);
  const pageErrors: string[] = [];
  const watch = (page: Page, who: string) => page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));

  // ---- the customer applies from the phone ----
  const phone = await (await browser.newContext(PORTAL_PHONE)).newPage();
  watch(phone, 'customer');
  await signInToPortal(phone, auditor, freshPhone('136'));
  await expect(phone.getByTestId('application-entries')).toBeVisible();
  await phoneShot(phone, 'home');
  const address = `88号3栋${Date.now() % 1000}室`;
  const applicationNo = await applyForConnection(
    phone,
    { applicantName: '周小燕', district: '江南区', street: '滨江路', address, photo: await cameraPhoto(phone, 'ID 身份证'), pdf: await printedPdf(phone, '房产证明') },
    phoneShot,
  );
  await phoneShot(phone, 'progress-submitted');
  await expectPortalProgress(phone, applicationNo, { status: 'in_progress', currentStage: 'accept' });
  await expect(phone.getByTestId('application-holder')).toHaveText('综合窗口');

  // ---- the counter finds it in its queue, with both documents, and sends it back for a sketch of the premise ----
  const counter = await consolePage(browser, 'counter');
  watch(counter, 'counter');
  await counter.getByRole('menuitem', { name: '业务办理' }).click();
  await expect(counter.getByTestId('applications-queue')).toBeVisible();
  const row = counter.locator(`[data-application-no="${applicationNo}"]`);
  await expect(row).toContainText('受理');
  await expect(row).toContainText('待认领');
  await consoleShot(counter, 'queue-mine');
  await openApplication(counter, applicationNo);
  await expect(counter.getByTestId('application-materials').getByTestId('application-document')).toHaveCount(2);
  await consoleShot(counter, 'detail-accept');
  await returnForMaterials(counter, '请补充用水点位置示意图', { materials: ['用水点位置示意图'], screenshot: consoleShot });
  await consoleShot(counter, 'detail-returned');
  await counter.context().close();

  // ---- the customer sees what is missing, adds it as a PDF and submits again ----
  await resubmitWithDocument(phone, applicationNo, 'site_plan', await printedPdf(phone, '位置示意图', 'site-plan.pdf'), '请补充用水点位置示意图', phoneShot);

  // ---- accepted while the customer's page is open: it moves on to the survey by itself ----
  await (await workStage(browser, applicationNo, 'accept', { screenshot: consoleShot })).context().close();
  await expectPortalProgress(phone, applicationNo, { status: 'in_progress', currentStage: 'survey', doneStages: ['accept'], live: true });
  await expect(phone.getByTestId('application-holder')).toHaveText('报装人员');
  await phoneShot(phone, 'progress-survey');

  // ---- survey and design; the surveyor may not also do the budget (different people) ----
  await (await workStage(browser, applicationNo, 'survey', { screenshot: consoleShot })).context().close();
  await (await workStage(browser, applicationNo, 'design', { screenshot: consoleShot })).context().close();
  const refused = await expectSegregationRefusal(browser, applicationNo, 'connection', /踏勘|预算/);
  await consoleShot(refused, 'segregation-refused');
  await refused.context().close();

  // ---- budget and contract; the customer's list and progress show construction next, with its post and deadline ----
  await (await workThroughEveryStage(browser, applicationNo, { stopBefore: 'construction', screenshot: consoleShot }))?.context().close();
  await phone.goto('/portal/applications');
  await expect(phone.locator(`[data-testid="application-card"][data-no="${applicationNo}"]`)).toContainText('施工');
  await phoneShot(phone, 'list');
  await expectPortalProgress(phone, applicationNo, { status: 'in_progress', currentStage: 'construction', doneStages: ['accept', 'survey', 'design', 'budget', 'contract'] });
  await expect(phone.getByTestId('application-missing')).toHaveCount(0);
  await phoneShot(phone, 'progress-construction');

  // ---- every stage left, by its own staff member, up to the first reading ----
  const last = await workThroughEveryStage(browser, applicationNo, { screenshot: consoleShot });
  expect(last, 'the stages were worked in the console').not.toBeNull();
  const finished = last as Page;
  await expect(finished.getByTestId('application-status')).toHaveText('已办结');
  await consoleShot(finished, 'detail-completed');
  await finished.context().close();

  // ---- the customer sees the new account, binds it, and finds it on the home page ----
  const accountNo = await expectNewAccount(phone, applicationNo, phoneShot);
  // Its premise is the address applied for, each part once.
  await expect(phone.getByTestId('account-card').filter({ hasText: accountNo })).toContainText(`江南区滨江路${address}`);
  await expect(phone.getByTestId('account-card').filter({ hasText: accountNo })).not.toContainText('滨江路江南区');
  await phoneShot(phone, 'home-with-account');
  // The same progress in English.
  await phone.evaluate(() => window.localStorage.setItem('shuiwu.language', 'en'));
  await expectPortalProgress(phone, applicationNo, { status: 'completed' });
  await expect(phone.getByTestId('application-account')).toContainText('Your new account number');
  await phoneShot(phone, 'progress-completed-en');
  await phone.context().close();

  // ---- the manager finds the same account in the customer 360 ----
  const manager = await consolePage(browser, 'manager');
  watch(manager, 'manager');
  expect(await expectAccountInCustomer360(manager, applicationNo)).toBe(accountNo);
  await consoleShot(manager, 'customer360-account');
  await manager.context().close();

  expect(pageErrors, 'uncaught errors on the pages').toEqual([]);
});
