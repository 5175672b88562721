// The customer's side of online business applications (网上办 · 掌上办) as reusable steps: sign in to the portal,
// apply for a new connection with a photo and a PDF, watch the progress, add documents when the application
// comes back, and find the new account. The staff's side is in the console (e2e/steps/applications-console.ts).
// Each step starts from a URL of its own, so steps combine in any order with other journeys' steps. e2e code
// imports no server code.
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freshPhone, PORTAL_PHONE, type UploadFile } from '../support.js';

export type Shot = (page: Page, name: string) => Promise<void>;
const noShot: Shot = async () => {};

const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/**
 * Screenshots of the phone under e2e/screenshots/<prefix>-<name>.png, each after the page has settled and after
 * proving that nothing on it is wider than the phone: neither the document nor the page body, which scrolls by
 * itself (and so would hide a too-wide card from the document's width). The phone is made as tall as the page
 * body's content for the picture, so that it shows the whole page, then set back.
 */
export function phoneShots(prefix: string): Shot {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return async (page, name) => {
    await page.waitForTimeout(300);
    const measured = await page.evaluate(() => {
      const bodies = [...document.querySelectorAll<HTMLElement>('.portal-page-body')];
      return {
        width: Math.max(document.documentElement.scrollWidth, ...bodies.map((body) => body.scrollWidth + body.getBoundingClientRect().left)),
        hidden: Math.max(0, ...bodies.map((body) => body.scrollHeight - body.clientHeight)),
      };
    });
    expect(measured.width, `${name}: the page is wider than 375 px`).toBeLessThanOrEqual(375);
    const viewport = page.viewportSize();
    if (viewport && measured.hidden > 0) await page.setViewportSize({ width: viewport.width, height: Math.min(viewport.height + measured.hidden, 6_000) });
    try {
      await page.screenshot({ path: `${SCREENSHOT_DIR}${prefix}-${name}.png`, fullPage: true });
    } finally {
      if (viewport && measured.hidden > 0) await page.setViewportSize(viewport);
    }
  };
}

export type { UploadFile };
export { freshPhone, PORTAL_PHONE };

// ---- the customer ----

/** The newest login code sent to `phone`, read from the message outbox by a staff context holding outbox.read (the demo auditor). */
export async function latestLoginCode(outboxReader: APIRequestContext, phone: string): Promise<string> {
  let code: string | null = null;
  await expect
    .poll(
      async () => {
        const res = await outboxReader.get('/api/outbox', { params: { recipient: phone, limit: 1 } });
        expect(res.status(), 'GET /api/outbox').toBe(200);
        const body = (await res.json()) as { messages: { body: string }[] };
        code = body.messages[0] ? (/(\d{6})/.exec(body.messages[0].body)?.[1] ?? null) : null;
        return code;
      },
      { message: `an SMS code for ${phone} in the outbox`, timeout: 10_000 },
    )
    .not.toBeNull();
  return code ?? '';
}

/** Signs a customer in to the portal with an SMS code (the demo utility is preselected) and lands on the home page. */
export async function signInToPortal(page: Page, outboxReader: APIRequestContext, phone: string): Promise<void> {
  await page.goto('/portal/login');
  await expect(page.getByTestId('login-page')).toBeVisible();
  await page.locator('input[type="tel"]').fill(phone);
  await page.getByTestId('get-code').click();
  await expect(page.getByTestId('login-notice')).toBeVisible();
  await page.locator('input[autocomplete="one-time-code"]').fill(await latestLoginCode(outboxReader, phone));
  await page.getByRole('checkbox').check();
  await page.locator('.portal-login-card button[type="submit"]').click();
  await expect(page.getByTestId('home-page')).toBeVisible();
}

/** A real PDF as a phone or PC prints one: Chromium's own "print to PDF" of a short document. */
export async function printedPdf(page: Page, title: string, fileName = `${title}.pdf`): Promise<UploadFile> {
  const printer = await page.context().newPage();
  try {
    await printer.setContent(`<html lang="zh-CN"><body style="font-family: sans-serif; padding: 40px"><h1>${title}</h1><p>不动产权证书 · 江城市江南区滨江路 88 号 3 栋</p><p>Proof of property, 88 Binjiang Road</p></body></html>`);
    const buffer = await printer.pdf({ format: 'A4' });
    return { name: fileName, mimeType: 'application/pdf', buffer };
  } finally {
    await printer.close();
  }
}

export interface ConnectionApplication {
  applicantName: string;
  district: string;
  street: string;
  address: string;
  /** The identity document, as a photo chosen from the album. */
  photo: UploadFile;
  /** The proof of property, as a PDF. */
  pdf: UploadFile;
}

/**
 * From the portal home: 业务办理 → 用水报装 → the address, a photo of the ID and a PDF of the property proof →
 * submit. Answers the application number the progress page shows at once. Leaves the page on the progress.
 */
export async function applyForConnection(page: Page, application: ConnectionApplication, shot: Shot = noShot): Promise<string> {
  await page.goto('/portal/');
  await page.getByTestId('application-entry-new').click();
  await expect(page.getByTestId('application-choose-page')).toBeVisible();
  await expect(page.getByTestId('application-type')).toHaveCount(5);
  await shot(page, 'apply-choose');
  await page.locator('[data-testid="application-type"][data-type="new_connection"]').click();
  const form = page.getByTestId('application-apply-page');
  await expect(form).toBeVisible();

  // Nothing filled: the form says what is needed, and nothing is sent.
  await page.getByTestId('application-submit').click();
  await expect(page.getByTestId('application-material-missing')).toHaveCount(2);
  await expect(form.locator('.adm-form-item-feedback-error').first()).toBeVisible();
  await shot(page, 'apply-errors');

  await form.locator('input').nth(0).fill(application.applicantName);
  await form.locator('input').nth(1).fill(application.district);
  await form.locator('input').nth(2).fill(application.street);
  await form.locator('input').nth(3).fill(application.address);
  await page.getByTestId('application-file-album-id_card').setInputFiles(application.photo);
  await page.getByTestId('application-file-pdf-property_proof').setInputFiles(application.pdf);
  await expect(page.getByTestId('application-files-id_card').locator('[data-testid="application-file"][data-kind="photo"] img')).toBeVisible();
  await expect(page.getByTestId('application-files-property_proof').locator('[data-testid="application-file"][data-kind="pdf"]')).toContainText(application.pdf.name.slice(0, 6));
  await expect(page.getByTestId('application-material-missing')).toHaveCount(0);
  await shot(page, 'apply-filled');

  await page.getByTestId('application-submit').click();
  await expect(page.getByTestId('application-detail-page')).toBeVisible({ timeout: 20_000 });
  const submitted = page.getByTestId('application-submitted');
  await expect(submitted).toBeVisible();
  const applicationNo = (await page.getByTestId('application-no').innerText()).trim();
  expect(applicationNo).toMatch(/^BZ\d{8}\d{5}$/);
  await expect(submitted).toContainText(applicationNo);
  // Both documents arrived: the photo as a JPEG, the PDF as a PDF.
  await expect(page.locator('[data-testid="application-document"][data-type="image/jpeg"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="application-document"][data-type="image/jpeg"]')).toContainText(application.photo.name);
  await expect(page.locator('[data-testid="application-document"][data-type="application/pdf"]')).toHaveCount(1);
  await expect(page.getByTestId('application-missing')).toHaveCount(0);
  return applicationNo;
}

/** Opens an application's progress page from 我的申请. */
export async function openProgress(page: Page, applicationNo: string): Promise<void> {
  await page.goto('/portal/applications');
  await expect(page.getByTestId('application-list-page')).toBeVisible();
  await page.locator(`[data-testid="application-card"][data-no="${applicationNo}"]`).click();
  await expect(page.getByTestId('application-no')).toHaveText(applicationNo);
}

export interface ExpectedProgress {
  status: 'in_progress' | 'returned' | 'completed' | 'rejected';
  /** The stage being worked (its code), shown with the post handling it and its deadline. */
  currentStage?: string;
  /** Stages shown as done. */
  doneStages?: string[];
  /** Wait on the page as it is (it refetches by itself) instead of opening it afresh. */
  live?: boolean;
}

/**
 * The progress page shows what the application is at: status, every stage in order with its state, who
 * handles the current one (a post, never a person) and its deadline.
 */
export async function expectPortalProgress(page: Page, applicationNo: string, expected: ExpectedProgress): Promise<void> {
  if (!expected.live || !(await page.getByTestId('application-no').filter({ hasText: applicationNo }).isVisible())) await openProgress(page, applicationNo);
  // The page fetches again every 15 s while the application is open.
  const wait = { timeout: expected.live ? 40_000 : 10_000 };
  await expect(page.getByTestId('application-summary').getByTestId('application-status')).toHaveAttribute('data-status', expected.status, wait);
  const stages = page.getByTestId('application-stage');
  expect(await stages.count()).toBeGreaterThan(0);
  if (expected.currentStage) {
    await expect(page.locator(`[data-testid="application-stage"][data-stage="${expected.currentStage}"]`)).toHaveAttribute('data-state', expected.status === 'returned' ? 'returned' : 'current', wait);
    if (expected.status === 'in_progress') {
      await expect(page.getByTestId('application-holder')).not.toBeEmpty();
      await expect(page.getByTestId('application-stage-due')).toContainText(/\d{2}:\d{2}/);
    }
  }
  for (const code of expected.doneStages ?? []) await expect(page.locator(`[data-testid="application-stage"][data-stage="${code}"]`)).toHaveAttribute('data-state', 'done', wait);
}

/**
 * Returned for more documents: the reason is shown; the customer adds the file and submits again, and the
 * application is back in progress at the same stage.
 */
export async function resubmitWithDocument(page: Page, applicationNo: string, material: string, file: UploadFile, expectedReason: string, shot: Shot = noShot): Promise<void> {
  await expectPortalProgress(page, applicationNo, { status: 'returned' });
  await expect(page.getByTestId('application-reason')).toContainText(expectedReason);
  const input = page.getByTestId(`application-file-${file.mimeType === 'application/pdf' ? 'pdf' : 'album'}-${material}`);
  await input.setInputFiles(file);
  await expect(page.getByTestId(`application-files-${material}`).getByTestId('application-file')).toHaveCount(1);
  await shot(page, 'progress-returned');
  await page.getByTestId('application-resubmit').click();
  await expect(page.getByTestId('application-summary').getByTestId('application-status')).toHaveAttribute('data-status', 'in_progress');
  await expect(page.getByTestId('application-missing')).toHaveCount(0);
}

/**
 * A completed new connection shows its new account number; following it binds the account (the applicant
 * is the holder) and the account is then on the home page. Answers the account number.
 */
export async function expectNewAccount(page: Page, applicationNo: string, shot: Shot = noShot): Promise<string> {
  await expectPortalProgress(page, applicationNo, { status: 'completed' });
  await expect(page.locator('[data-testid="application-stage"]:not([data-state="done"])')).toHaveCount(0);
  const accountNo = (await page.getByTestId('application-account-no').innerText()).trim();
  expect(accountNo).toMatch(/^\d{6,}$/);
  await shot(page, 'progress-completed');
  await page.getByTestId('application-account-link').click();
  // Not yet bound: the bind page, filled in; bound already: the account itself.
  await expect(page.getByTestId('bind-page').or(page.getByTestId('account-detail-page'))).toBeVisible();
  if (await page.getByTestId('bind-page').isVisible()) {
    await expect(page.locator('input').first()).toHaveValue(accountNo);
    await page.getByTestId('bind-page').locator('button[type="submit"]').click();
    await expect(page.getByTestId('home-page')).toBeVisible();
    await expect(page.getByTestId('account-card').filter({ hasText: accountNo })).toHaveCount(1);
  } else {
    await expect(page.getByTestId('account-detail-page')).toBeVisible();
    await expect(page.getByTestId('detail-account-no')).toHaveText(accountNo);
  }
  return accountNo;
}
