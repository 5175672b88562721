// The service-quality dashboard (服务质量看板), in Chromium: work is done at the service desk first, through
// the API (an inquiry answered and closed on the call, a burst accepted and dispatched, two calls, one of
// them missed), since `serve --seed-demo` seeds no service requests; then the manager opens the dashboard
// from the menu and sees the on-time figures the API gives, the charts, the tables per department and
// category and the overdue list, in Chinese and in English. Screenshots go to e2e/screenshots/dashboard-*.png.
import { expect, request, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiLogin, DEMO_PASSWORD, getJson } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));
const TIME_ZONE = 'Asia/Shanghai';

interface Category {
  id: string;
  code: string;
}
interface Detail {
  id: string;
  version: number;
  requestNo: string;
  deadlines: { timeLimit: string; dueAt: string; metAt: string | null }[];
}
interface Deadlines {
  due: number;
  onTime: number;
  onTimeRateBp: number | null;
}
interface Dashboard {
  totals: { created: number; overdueNow: number; deadlines: Deadlines; firstContact: { resolved: number }; calls: { inbound: number; answerRateBp: number | null } };
  timeLimits: (Deadlines & { timeLimit: string })[];
  overdue: { total: number; items: { requestNo: string }[] };
}

/** The utility's calendar day of a moment, as YYYY-MM-DD. */
const dayOf = (at: Date): string => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(at);
/** As the page shows a rate: one decimal and a percent sign. */
const percent = (bp: number | null): string => (bp === null ? '—' : `${(bp / 100).toFixed(1)}%`);

/** A demo staff member signed in on an API context of their own, sending the session's CSRF token. */
async function signedIn(baseURL: string, username: string): Promise<APIRequestContext> {
  const first = await request.newContext({ baseURL });
  const session = await apiLogin(first, username);
  const state = await first.storageState();
  await first.dispose();
  return request.newContext({ baseURL, storageState: state, extraHTTPHeaders: { 'x-csrf-token': session.csrfToken } });
}

async function post<T>(api: APIRequestContext, url: string, data: Record<string, unknown>, status = 201): Promise<T> {
  const res = await api.post(url, { data });
  expect(res.status(), `POST ${url}: ${await res.text()}`).toBe(status);
  return (await res.json()) as T;
}

async function managerPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: TIME_ZONE });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/console/');
  await page.getByLabel('用户名').fill('manager');
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /^登\s*录$/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SCREENSHOT_DIR}dashboard-${name}.png`, fullPage: true });
}

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('the manager sees the on-time figures of the service desk on the dashboard, in Chinese and English', async ({ browser, baseURL }) => {
  const origin = baseURL ?? '';
  const hotline = await signedIn(origin, 'hotline');
  const dispatcher = await signedIn(origin, 'dispatcher');
  const manager = await signedIn(origin, 'manager');
  const errors: string[] = [];
  let metDueToday = 0;
  try {
    await test.step('the desk works: an inquiry settled on the call, a burst accepted and dispatched at once, two calls', async () => {
      const { categories } = await getJson<{ categories: Category[] }>(hotline, '/api/service-categories');
      const id = (code: string) => categories.find((category) => category.code === code)?.id;
      const inquiry = await post<Detail>(hotline, '/api/service-requests', {
        categoryId: id('inquiry'), channel: 'hotline', address: '江岸区沿江大道 188 号', description: '咨询阶梯水价怎么计算', confirmNotDuplicate: true,
        resolveAtFirstContact: { answer: '居民用水按年度阶梯计价，第一阶梯每年 180 立方米以内。' },
      });
      let burst = await post<Detail>(hotline, '/api/service-requests', { categoryId: id('burst'), channel: 'hotline', address: '江岸区解放大道 1000 号', description: '路口水管爆裂', confirmNotDuplicate: true });
      burst = await post<Detail>(hotline, `/api/service-requests/${burst.id}/steps`, { version: burst.version, step: 'accept' }, 200);
      const { crews } = await getJson<{ crews: { id: string; name: string }[] }>(dispatcher, '/api/service-crews');
      const crew = crews[0];
      expect(crew, 'the demo has a repair crew member').toBeDefined();
      burst = await post<Detail>(dispatcher, `/api/service-requests/${burst.id}/steps`, { version: burst.version, step: 'dispatch', assigneeStaffId: crew?.id }, 200);
      // The limits just met count on the day they fall due: today for the burst's accept and dispatch (10 and
      // 20 minutes), the inquiry's accept only in working hours.
      metDueToday = [...inquiry.deadlines, ...burst.deadlines].filter((deadline) => deadline.metAt !== null && dayOf(new Date(deadline.dueAt)) === dayOf(new Date())).length;
      await post(hotline, '/api/service-calls', { direction: 'inbound', outcome: 'answered', number: '13900001111' });
      await post(hotline, '/api/service-calls', { direction: 'inbound', outcome: 'missed', number: '13900002222' });
    });

    const page = await managerPage(browser, errors);
    const today = dayOf(new Date());
    const from = dayOf(new Date(Date.parse(`${today}T12:00:00+08:00`) - 29 * 86_400_000));

    await test.step('the manager opens 服务质量看板 from the menu and sees the on-time figures of the last 30 days', async () => {
      await page.getByRole('menuitem', { name: '服务质量看板' }).click();
      await expect(page).toHaveURL(/\/console\/dashboards\/service-quality$/);
      await expect(page.getByTestId('quality-page')).toBeVisible();
      await expect(page.getByTestId('quality-kpi-ontime')).toBeVisible();
      await expect(page.getByTestId('quality-range').locator('input').first()).toHaveValue(from);
      await expect(page.getByTestId('quality-range').locator('input').nth(1)).toHaveValue(today);

      const figures = await getJson<Dashboard>(manager, '/api/dashboards/service-quality', { from, to: today });
      // What the desk just did.
      expect(figures.totals.created).toBeGreaterThanOrEqual(2);
      expect(figures.totals.deadlines.onTime).toBeGreaterThanOrEqual(metDueToday);
      expect(figures.totals.firstContact.resolved).toBeGreaterThanOrEqual(1);
      expect(figures.totals.calls.inbound).toBeGreaterThanOrEqual(2);

      const kpi = page.getByTestId('quality-kpi-ontime');
      await expect(kpi).toContainText('时限按时率');
      await expect(kpi).toContainText(percent(figures.totals.deadlines.onTimeRateBp));
      await expect(kpi).toContainText(`${figures.totals.deadlines.onTime} / ${figures.totals.deadlines.due} 个时限按时`);
      await expect(page.getByTestId('quality-kpi-answer-rate')).toContainText(percent(figures.totals.calls.answerRateBp));
      // The bars per time limit carry each limit's rate (the chart's accessible label).
      const chart = page.getByTestId('quality-limit-chart');
      await expect(chart).toBeVisible();
      const accept = figures.timeLimits.find((row) => row.timeLimit === 'accept');
      const acceptRate = accept?.onTimeRateBp ?? null;
      await expect(chart).toHaveAttribute('aria-label', new RegExp(`受理 ${acceptRate === null ? '无到期时限' : percent(acceptRate).replace('.', '\\.')}`));
      await expect(page.getByTestId('quality-trend-chart')).toBeVisible();
      await expect(page.getByTestId('quality-departments')).toContainText('客户服务中心');
      await expect(page.getByTestId('quality-departments')).toContainText('管网抢修');
      await expect(page.getByTestId('quality-categories')).toContainText('业务咨询');
      await expect(page.getByTestId('quality-categories')).toContainText('爆管抢修');
      if (figures.overdue.total === 0) await expect(page.getByTestId('quality-overdue')).toContainText('当前没有超时的工单');
      else await expect(page.getByTestId('quality-overdue')).toContainText(figures.overdue.items[0]?.requestNo ?? '');
      await screenshot(page, 'service-quality-zh');
    });

    await test.step('a shorter period through the picker: the address keeps it', async () => {
      await page.getByTestId('quality-range').locator('input').first().click();
      await page.getByText('近 7 天', { exact: true }).click();
      await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);
      await expect(page.getByTestId('quality-kpi-ontime')).toContainText('个时限按时');
    });

    await test.step('the page reads in English too', async () => {
      await page.getByText('EN', { exact: true }).click();
      await expect(page.getByRole('heading', { name: 'Service quality dashboard' })).toBeVisible();
      await expect(page.getByTestId('quality-kpi-ontime')).toContainText('On-time rate');
      await expect(page.getByTestId('quality-departments')).toContainText('Network repair');
      await screenshot(page, 'service-quality-en');
    });
    expect(errors).toEqual([]);
  } finally {
    await hotline.dispose();
    await dispatcher.dispose();
    await manager.dispose();
  }
});
