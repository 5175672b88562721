// Reusable steps of the staff console's side of applications (网上办): sign in as the demo staff member who works
// a stage, enter an application at the counter, work any stage through its form in the console, work an
// application through every stage, see a segregation-of-duties refusal, and find the new account in the
// customer 360. Each step opens its own browser context, so steps can be joined with the portal's
// (e2e/steps/applications-portal.ts) in one journey. e2e code imports no server code: the stage workers below
// are the demo's (server/src/demo/applications.ts, DEMO_STAGE_WORKERS).
import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { DEMO_PASSWORD, pickToday } from '../support.js';

export const CONSOLE_DESKTOP: BrowserContextOptions = { viewport: { width: 1440, height: 900 }, locale: 'zh-CN' };

export type Shot = (page: Page, name: string) => Promise<void>;
const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/', import.meta.url));

/** Full-page screenshots of the console under e2e/screenshots/<prefix>-<name>.png, once the page has settled. */
export function consoleShots(prefix: string): Shot {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return async (page, name) => {
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SCREENSHOT_DIR}${prefix}-${name}.png`, fullPage: true });
  };
}

/** The demo staff member who works each stage (the demo keeps the segregation rules with these people). */
export const STAGE_WORKERS: Record<string, string> = {
  accept: 'counter',
  survey: 'connection',
  design: 'designer',
  budget: 'estimator',
  contract: 'counter',
  construction: 'builder',
  inspection: 'inspector',
  meter_installation: 'fitter',
  account_opening: 'counter',
  first_reading: 'reader',
  final_reading: 'reader',
  settlement: 'billing',
  transfer: 'counter',
  approval: 'billing',
  test: 'fitter',
  meter_removal: 'fitter',
  closure: 'billing',
};

// ---- a scanned page to upload: a small PNG made here (a coloured band and grey lines) ----
const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let c = index;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** A 200×140 PNG page with a header band of the given colour. */
export function scannedPage(colour: [number, number, number] = [11, 107, 203]): Buffer {
  const width = 200;
  const height = 140;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const pixel = y < 22 ? colour : y > 34 && (y - 34) % 12 < 3 && x > 14 && x < 180 ? [170, 176, 186] : [250, 250, 246];
      row.set(pixel, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}
const pngFile = (name: string, colour?: [number, number, number]) => ({ name, mimeType: 'image/png', buffer: scannedPage(colour) });

/** Today in the utility's time zone (Asia/Shanghai), as the server counts business dates. */
export function businessToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** Signs a demo staff member in to the console in a context of their own. */
export async function consolePage(browser: Browser, username: string, options: BrowserContextOptions = CONSOLE_DESKTOP): Promise<Page> {
  const page = await (await browser.newContext(options)).newPage();
  await page.goto('/console/');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
  return page;
}

/** Opens an application by its number from the queue's "all applications" view. */
export async function openApplication(page: Page, applicationNo: string): Promise<void> {
  const url = `/console/applications?view=all&q=${encodeURIComponent(applicationNo)}`;
  const link = page.locator(`[data-application-no="${applicationNo}"]`).getByTestId('application-link');
  await page.goto(url);
  try {
    await expect(link).toBeVisible({ timeout: 30_000 });
  } catch (error) {
    // What the page showed instead, for the failure's record.
    await page.screenshot({ path: `${SCREENSHOT_DIR}failed-open-${applicationNo}.png`, fullPage: true });
    throw new Error(`${applicationNo} not listed at ${page.url()} (see e2e/screenshots/failed-open-${applicationNo}.png)`, { cause: error });
  }
  await link.click();
  await expect(page.getByTestId('application-no')).toHaveText(applicationNo);
}

export interface WalkIn {
  name: string;
  phone: string;
  district: string;
  street: string;
  address: string;
}

/** The counter enters a new connection for a walk-in customer and uploads both documents; returns the number and the counter's page. */
export async function enterConnectionAtCounter(browser: Browser, walkIn: WalkIn): Promise<{ applicationNo: string; page: Page }> {
  const page = await consolePage(browser, 'counter');
  await page.getByRole('menuitem', { name: '窗口受理' }).click();
  await expect(page.getByTestId('counter-application')).toBeVisible();
  // Checked here first: nothing filled, no request.
  await page.getByTestId('counter-submit').click();
  await expect(page.getByText('请填写门牌、楼栋')).toBeVisible();
  await page.getByTestId('counter-district').click();
  await page.locator(`.ant-select-item-option[title="${walkIn.district}"]`).click();
  await page.getByTestId('counter-street').click();
  await page.locator(`.ant-select-item-option[title="${walkIn.street}"]`).click();
  await page.getByTestId('counter-address').fill(walkIn.address);
  await page.getByTestId('counter-applicant-name').fill(walkIn.name);
  await page.getByTestId('counter-applicant-phone').fill(walkIn.phone);
  await page.getByTestId('counter-category').getByText('居民', { exact: true }).click();
  await page.getByTestId('counter-submit').click();
  const number = page.getByTestId('counter-created-no');
  await expect(number).toContainText(/BZ\d{13}/);
  const applicationNo = /BZ\d{13}/.exec((await number.textContent()) ?? '')?.[0] ?? '';
  for (const [material, colour] of [['id_card', [11, 107, 203]], ['property_proof', [56, 158, 13]]] as const) {
    const row = page.locator(`[data-material="${material}"]`);
    await row.locator('input[type=file]').setInputFiles(pngFile(`${material}.png`, [...colour]));
    await expect(row.getByTestId('application-document')).toHaveCount(1);
  }
  return { applicationNo, page };
}

/** Fills the form of the stage on the page with plausible outputs (files uploaded where the stage needs them). */
export async function fillStageForm(page: Page, stageCode: string, applicationNo: string): Promise<void> {
  const form = page.getByTestId('stage-form');
  await expect(form).toHaveAttribute('data-stage', stageCode);
  const today = businessToday();
  // Today, from the picker's own 今天 link: Enter in the field would also submit the form when the picker is
  // not open yet (a loaded machine), finishing the stage before the rest of it is filled.
  const date = async (key: string) => {
    await pickToday(page, page.locator(`#outputs_${key}`));
    await expect(page.locator(`#outputs_${key}`)).toHaveValue(today);
  };
  const upload = async (key: string, colour: [number, number, number]) => {
    const files = page.getByTestId(`stage-files-${key}`);
    await files.locator('input[type=file]').setInputFiles(pngFile(`${stageCode}.png`, colour));
    await expect(files.getByTestId('application-document')).toHaveCount(1);
  };
  const serial = applicationNo.slice(-7);
  switch (stageCode) {
    case 'accept':
      await page.locator('#outputs_notes').fill('材料齐全，予以受理');
      break;
    case 'survey':
      await upload('files', [114, 46, 209]);
      await page.locator('#outputs_notes').fill('市政管网在道路东侧，接口距用水点约 12 米，具备接水条件');
      break;
    case 'design':
      await upload('files', [19, 194, 194]);
      await page.locator('#outputs_pipeDn').fill('25');
      break;
    case 'budget':
      await page.getByTestId('budget-add').click();
      await page.getByTestId('budget-item').nth(0).fill('PE 给水管 DN25 共 12 米');
      await page.getByTestId('budget-amount').nth(0).fill('540.00');
      await page.getByTestId('budget-add').click();
      await page.getByTestId('budget-item').nth(1).fill('开挖及恢复路面');
      await page.getByTestId('budget-amount').nth(1).fill('1200.5');
      await expect(page.getByTestId('budget-form-total')).toContainText('1,740.50');
      break;
    case 'contract':
      await page.locator('#outputs_contractNo').fill(`HT-${serial}`);
      await page.locator('#outputs_paidFen').fill('1740.50');
      break;
    case 'construction':
      await date('completedOn');
      await page.locator('#outputs_notes').fill('管道敷设完毕，试压合格');
      break;
    case 'inspection':
      await form.getByText('合格', { exact: true }).click();
      break;
    case 'meter_installation':
      await page.locator('#outputs_serialNo').fill(`E2E${serial}`);
      await page.locator('#outputs_model').fill('LXS-20E 旋翼湿式');
      await page.locator('#outputs_sizeDn').fill('20');
      await page.locator('#outputs_initialReadingLitres').fill('0');
      await date('installedOn');
      break;
    case 'account_opening':
      await form.getByText('居民', { exact: true }).click();
      await page.locator('#outputs_householdSize').fill('3');
      await page.locator('#outputs_routeId').click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
      break;
    case 'first_reading':
      await date('readOn');
      await page.locator('#outputs_registerLitres').fill('1.250');
      break;
    default:
      throw new Error(`no demo outputs for the stage ${stageCode}`);
  }
}

/** The stage the application stands at now, as the work panel shows it (null when it is finished). */
export async function currentStage(page: Page): Promise<string | null> {
  const current = page.locator('[data-testid="timeline-stage"][data-state="current"]');
  if ((await current.count()) === 0) return null;
  return current.first().getAttribute('data-stage');
}

/**
 * Works the current stage of an application in the console as `username` (by default the demo's worker of that
 * stage): claims it, fills its form and finishes it. Returns the page, left on the application.
 */
export async function workStage(browser: Browser, applicationNo: string, stageCode: string, options: { username?: string; screenshot?: Shot } = {}): Promise<Page> {
  const page = await consolePage(browser, options.username ?? STAGE_WORKERS[stageCode] ?? 'counter');
  await openApplication(page, applicationNo);
  await page.getByTestId('application-claim').click();
  await expect(page.getByTestId('application-claim')).toHaveCount(0);
  await fillStageForm(page, stageCode, applicationNo);
  if (options.screenshot) await options.screenshot(page, `stage-${stageCode}`);
  await page.getByTestId('stage-submit').click();
  await expect(page.locator(`[data-testid="timeline-stage"][data-stage="${stageCode}"]`)).toHaveAttribute('data-state', 'done');
  return page;
}

/** Works an application through every stage left, each by the staff member of that stage; returns the last page. */
export async function workThroughEveryStage(browser: Browser, applicationNo: string, options: { stopBefore?: string; screenshot?: Shot } = {}): Promise<Page | null> {
  let last: Page | null = null;
  for (let guard = 0; guard < 20; guard += 1) {
    const viewer = last ?? (await consolePage(browser, 'manager'));
    if (!last) await openApplication(viewer, applicationNo);
    const stage = await currentStage(viewer);
    if (!stage || stage === options.stopBefore) return viewer;
    if (last) await last.context().close();
    else await viewer.context().close();
    last = await workStage(browser, applicationNo, stage, options.screenshot ? { screenshot: options.screenshot } : {});
  }
  throw new Error(`${applicationNo} did not finish within 20 stages`);
}

/**
 * On an application's page: 退回补正 — the materials still wanted ticked (by their names; the ones missing are
 * ticked already) and a reason; the application is then back with the applicant and shows the reason.
 */
export async function returnForMaterials(page: Page, reason: string, options: { materials?: string[]; screenshot?: Shot } = {}): Promise<void> {
  const materials = options.materials ?? [];
  await page.getByTestId('application-return').click();
  const dialog = page.getByRole('dialog');
  for (const material of materials) await dialog.getByRole('checkbox', { name: material }).check();
  await dialog.getByTestId('reason-input').fill(reason);
  if (options.screenshot) await options.screenshot(page, 'return-dialog');
  await dialog.locator('#application-reason-confirm').click();
  await expect(page.getByTestId('application-status')).toHaveText('退回补正');
  await expect(page.getByTestId('application-reason')).toContainText(reason);
  for (const material of materials) await expect(page.getByTestId('application-reason')).toContainText(material);
}

/** `username` tries to claim the current stage and is refused by a segregation rule, shown with the rule; returns the page. */
export async function expectSegregationRefusal(browser: Browser, applicationNo: string, username: string, rule: RegExp): Promise<Page> {
  const page = await consolePage(browser, username);
  await openApplication(page, applicationNo);
  await page.getByTestId('application-claim').click();
  const refusal = page.getByTestId('segregation-refusal');
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('岗位分离');
  await expect(refusal).toContainText(rule);
  return page;
}

/** From a finished new connection, opens its customer in the customer 360 and finds the new account there; returns the account number. */
export async function expectAccountInCustomer360(page: Page, applicationNo: string): Promise<string> {
  await openApplication(page, applicationNo);
  await expect(page.getByTestId('application-status')).toHaveText('已办结');
  const accountNo = ((await page.getByTestId('application-account').textContent()) ?? '').trim();
  expect(accountNo).toMatch(/^\d{10}$/);
  await page.getByTestId('application-open-customer').click();
  await expect(page).toHaveURL(/\/console\/customers\//);
  await expect(page.getByText(accountNo).first()).toBeVisible();
  return accountNo;
}
