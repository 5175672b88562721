// What several journeys share: the demo utility's sign-in and JSON reads through Playwright's API
// contexts (kept apart from the browser's cookies). e2e code imports no server code.
import { expect, type APIRequestContext, type BrowserContextOptions, type Locator, type Page } from '@playwright/test';

export const DEMO_TENANT = 'jiangcheng';
export const DEMO_PASSWORD = 'Shuiwu@2026';

/** WeChat's in-app browser on an iPhone, where most customers open the portal. */
export const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 MicroMessenger/8.0.50(0x1800322d) NetType/WIFI Language/zh_CN';
/** A 375 px-wide phone: a reader or a crew member on their round. */
export const PHONE_375 = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' } as const;
/** The customer portal on that phone, inside WeChat. */
export const PORTAL_PHONE: BrowserContextOptions = { ...PHONE_375, userAgent: WECHAT_UA };

/**
 * A mobile number no earlier run used, so that the SMS code limits of a long-running server never bite. Each
 * journey keeps its own prefix, so two journeys never sign in as the same customer.
 */
export function freshPhone(prefix: string): string {
  return `${prefix}${String(Date.now() % 100_000_000).padStart(8, '0')}`;
}

export interface Session {
  csrfToken: string;
}

/** Signs a demo staff member in on an API context. */
export async function apiLogin(request: APIRequestContext, username: string): Promise<Session> {
  const res = await request.post('/api/staff/login', { data: { tenant: DEMO_TENANT, username, password: DEMO_PASSWORD } });
  expect(res.status(), `API login of ${username}`).toBe(200);
  return (await res.json()) as Session;
}

/** GET that must answer 200, as JSON. */
export async function getJson<T>(request: APIRequestContext, url: string, params?: Record<string, string | number>): Promise<T> {
  const res = await request.get(url, params ? { params } : undefined);
  expect(res.status(), `GET ${url}`).toBe(200);
  return (await res.json()) as T;
}

/**
 * Opens a job card on the crew's phone page (我的维修工单). A single job opens by itself; with more, a tap
 * on its header opens it. aria-expanded tells which at once, whereas the step buttons appear only once the
 * job's details have loaded, so testing for them would tap an open card shut.
 */
export async function openCrewJob(job: Locator): Promise<void> {
  const toggle = job.getByTestId('crew-toggle');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** A file to put in a file input: name, type and bytes. */
export interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A phone-camera-like JPEG (1600×1200, a gradient with a label), drawn by the browser itself. */
export async function cameraPhoto(page: Page, label: string): Promise<UploadFile> {
  const dataUrl = await page.evaluate((text) => {
    const canvas = document.createElement('canvas');
    canvas.width = 1600;
    canvas.height = 1200;
    const g = canvas.getContext('2d') as CanvasRenderingContext2D;
    const gradient = g.createLinearGradient(0, 0, 1600, 1200);
    gradient.addColorStop(0, '#2f5d7c');
    gradient.addColorStop(1, '#c8dbe8');
    g.fillStyle = gradient;
    g.fillRect(0, 0, 1600, 1200);
    g.fillStyle = '#fff';
    g.font = 'bold 110px sans-serif';
    g.fillText(text, 100, 620);
    return canvas.toDataURL('image/jpeg', 0.9);
  }, label);
  return { name: `IMG_${label}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(dataUrl.split(',')[1] ?? '', 'base64') };
}

/**
 * The options of the dropdown an antd select has open, and of no other: a dropdown just closed stays in the
 * page and may still match `.ant-select-dropdown:visible` while it closes (a full run picked one and timed out). The
 * select's input names its open list in aria-controls (`<id>_list`), which lives in its own dropdown.
 */
export async function openSelectOptions(page: Page, select: Locator): Promise<Locator> {
  await expect(select).toHaveAttribute('aria-controls', /_list$/);
  const list = (await select.getAttribute('aria-controls')) as string;
  return page.locator('.ant-select-dropdown', { has: page.locator(`[id="${list}"]`) }).locator('.ant-select-item-option:not(.ant-select-item-option-disabled)');
}

/**
 * Sets an antd date picker to today from its own 今天 link, once the dropdown has finished opening. While it
 * slides in (rc-motion's `ant-slide-up-appear`/`-enter` classes) the panel is scaled from its top, so a click
 * aimed at the link can land on the day above it: two full runs picked the 26th on the 25th, the day in the
 * middle of the row above the link.
 */
export async function pickToday(page: Page, input: Locator): Promise<void> {
  await input.click();
  const dropdown = page.locator('.ant-picker-dropdown:visible');
  await expect(dropdown).toHaveCount(1);
  await expect(dropdown).not.toHaveClass(/ant-slide-up-(appear|enter)/);
  await dropdown.locator('.ant-picker-now-btn').click();
}
