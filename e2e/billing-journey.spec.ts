// The journey of issue 3, in Chromium: a meter reader enters a route's readings on a phone, a billing clerk
// bills the month on that route and watches the run finish, and the customer finds the new bill and its
// PDF in the portal (375 px, WeChat). Screenshots go to e2e/screenshots/journey-*.png.
//
// The month billed is the current one (the server's business date, Asia/Shanghai): the demo's readings
// stop the month before, so the readings entered here are the month's first. The spec therefore wants a
// fresh demo database (global-setup.ts makes one); it fails early, saying so, on a server where the demo
// customer's account has already been read this month.
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { apiLogin, freshPhone, getJson, PHONE_375, WECHAT_UA } from './support.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The demo data `serve --seed-demo` creates (server/src/demo/seed.ts; e2e code does not import server code).
const DEMO = {
  tenant: 'jiangcheng',
  password: 'Shuiwu@2026',
  reader: 'reader',
  supervisor: 'supervisor',
  billing: 'billing',
  auditor: 'auditor',
  account: { accountNo: '1000000001', holderName: '李秀英' },
  timeZone: 'Asia/Shanghai',
};

// The utility's people are in its time zone, like the server's business date.
const PHONE = { ...PHONE_375, timezoneId: 'Asia/Shanghai' } as const;
const DESKTOP = { viewport: { width: 1440, height: 1200 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' } as const;

interface RouteSummary {
  id: string;
  code: string;
  name: string;
}
interface RouteDetail {
  route: RouteSummary;
  accounts: { walkOrder: number; accountId: string; accountNo: string }[];
  assignments: { staffId: string; duty: string; startsOn: string; endsOn: string | null }[];
}
interface SheetItem {
  walkOrder: number;
  accountId: string;
  accountNo: string;
  meter: { id: string; status: string } | null;
  last: { readOn: string; registerLitres: number; status: string } | null;
  expected: { lowLitres: number; highLitres: number } | null;
  current: { status: string; registerLitres: number | null } | null;
}
interface Sheet {
  period: string;
  today: string;
  total: number;
  done: number;
  items: SheetItem[];
}
interface BillingRun {
  id: string;
  period: string;
  routeIds: string[];
  status: string;
  progress: number;
  accounts: number;
  summary: {
    accounts: number;
    bills: number;
    totalFen: number;
    byLineType: { lineType: string; lines: number; amountFen: number }[];
    skipped: { reason: string; accounts: number }[];
    failedChunks: number;
  };
}
/** What the run's progress bar showed at one moment. */
interface ProgressSample {
  value: number;
  text: string;
  status: string;
}
interface StaffBill {
  id: string;
  billNo: string;
  kind: string;
  period: string;
  totalFen: number;
  netTotalFen: number | null;
  consumptionLitres: number;
}

/** The line types as the console's 核算 page names them (web/src/console/billing/locales.ts). */
const LINE_TYPE_ZH: Record<string, string> = {
  water: '水费',
  sewage: '污水处理费',
  resource: '水资源费',
  fixed: '固定费用',
  over_quota: '超定额加价',
  adjustment: '调整',
};

/** 123456 fen → "1,234.56", as both apps print money (integer arithmetic, like web/src/shared/money.ts). */
function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const whole = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(absolute % 100).padStart(2, '0')}`;
}

/** Litres → "1234.567" (m³ with three decimals, as the reader types a register). */
function m3(litres: number): string {
  return `${Math.floor(litres / 1000)}.${String(litres % 1000).padStart(3, '0')}`;
}

/** Today in the utility's time zone, YYYY-MM-DD: the server's business date. */
function businessToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DEMO.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** "2026-01" → "2025-12". */
function previousMonth(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  // Let messages, Toasts and transitions settle.
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${SCREENSHOT_DIR}journey-${name}.png`, animations: 'disabled', ...options });
}

/** On a phone-width page, nothing may be wider than the screen. */
async function expectFitsPhone(page: Page, what: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${what}: the page is wider than 375 px`).toBeLessThanOrEqual(375);
}

async function consoleLogin(page: Page, username: string): Promise<void> {
  await page.goto('/console/');
  await expect(page.getByText('员工登录')).toBeVisible();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
}

async function newContext(browser: Browser, baseURL: string | undefined, options: Parameters<Browser['newContext']>[0]): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** The newest login code sent to `phone`, read from the outbox through the staff API as the demo auditor. */
async function latestCode(auditor: APIRequestContext, phone: string): Promise<string> {
  let code: string | null = null;
  await expect
    .poll(
      async () => {
        const body = await getJson<{ messages: { body: string }[] }>(auditor, '/api/outbox', { recipient: phone, limit: 1 });
        const message = body.messages[0];
        code = message ? (/(\d{6})/.exec(message.body)?.[1] ?? null) : null;
        return code;
      },
      { message: `an SMS code for ${phone} in the outbox`, timeout: 10_000 },
    )
    .not.toBeNull();
  return code ?? '';
}

/** What the journey arranges through the API: a route of three accounts, read by the demo reader from today. */
interface Arranged {
  today: string;
  period: string;
  route: RouteSummary;
  /** In walk order; the demo customer's account in the middle. */
  accounts: SheetItem[];
  demoAccountId: string;
}

/**
 * As the reading supervisor: a new small route with the demo customer's account and its two neighbours on
 * its current route (the add moves them off it), and the demo reader assigned to read it from today.
 */
async function arrangeRoute(request: APIRequestContext): Promise<Arranged> {
  const session = await apiLogin(request, DEMO.supervisor);
  const headers = { 'x-csrf-token': session.csrfToken };
  const today = businessToday();
  const period = today.slice(0, 7);

  const search = await getJson<{ results: { name: string; accounts: { id: string; accountNo: string }[] }[] }>(request, '/api/customers', { q: DEMO.account.accountNo });
  const demoAccountId = search.results.flatMap((result) => result.accounts).find((account) => account.accountNo === DEMO.account.accountNo)?.id;
  expect(demoAccountId, `account ${DEMO.account.accountNo} in the demo data`).toBeTruthy();

  // The route the demo account is on now (an account is on at most one route).
  const { routes } = await getJson<{ routes: RouteSummary[] }>(request, '/api/routes');
  let home: RouteDetail | null = null;
  for (const route of routes) {
    const detail = await getJson<RouteDetail>(request, `/api/routes/${route.id}`);
    if (detail.accounts.some((account) => account.accountId === demoAccountId)) {
      home = detail;
      break;
    }
  }
  expect(home, `the route account ${DEMO.account.accountNo} is on`).not.toBeNull();
  const homeRoute = (home as RouteDetail).route;

  // Its sheet for this month: the server's business date must be the one the test computed.
  const sheet = await getJson<Sheet>(request, `/api/routes/${homeRoute.id}/sheet`);
  expect(sheet.today, 'the server business date (Asia/Shanghai)').toBe(today);
  expect(sheet.period).toBe(period);
  const readable = (item: SheetItem) =>
    item.meter?.status === 'installed' && item.last?.status === 'accepted' && item.last.readOn < `${period}-01` && item.expected !== null;
  const index = sheet.items.findIndex((item) => item.accountId === demoAccountId);
  const demo = sheet.items[index] as SheetItem;
  expect(demo.current, `account ${DEMO.account.accountNo} already has a reading for ${period}: this spec wants a fresh demo database`).toBeNull();
  expect(readable(demo), `account ${DEMO.account.accountNo} has a meter, an accepted last reading and an expected range`).toBe(true);
  // Its nearest neighbours in walk order that are as readable and not read yet this month.
  const before = sheet.items.slice(0, index).reverse().find((item) => readable(item) && item.current === null);
  const after = sheet.items.slice(index + 1).find((item) => readable(item) && item.current === null);
  expect(before && after, `two readable neighbours of ${DEMO.account.accountNo} on ${homeRoute.code}`).toBeTruthy();
  const accounts = [before as SheetItem, demo, after as SheetItem];

  const suffix = String(Date.now()).slice(-6);
  const created = await request.post('/api/routes', {
    headers,
    data: { code: `E2E-${suffix}`, name: `e2e 核算演示抄表本 ${suffix}`, readingDay: Math.min(28, Number(today.slice(8, 10))) },
  });
  expect(created.status(), 'POST /api/routes').toBe(201);
  const route = ((await created.json()) as RouteDetail).route;

  const added = await request.post(`/api/routes/${route.id}/accounts`, { headers, data: { accountIds: accounts.map((item) => item.accountId) } });
  expect(added.status(), 'POST /api/routes/{id}/accounts').toBe(200);
  // The walk order: as they lay on the old route.
  const ordered = await request.post(`/api/routes/${route.id}/walk-order`, { headers, data: { accountIds: accounts.map((item) => item.accountId) } });
  expect(ordered.status(), 'POST /api/routes/{id}/walk-order').toBe(200);
  const detail = (await ordered.json()) as RouteDetail;
  expect(detail.accounts.map((account) => account.accountNo)).toEqual(accounts.map((item) => item.accountNo));
  const left = await getJson<RouteDetail>(request, `/api/routes/${homeRoute.id}`);
  expect(left.accounts.some((account) => accounts.some((item) => item.accountId === account.accountId)), `the three accounts left ${homeRoute.code}`).toBe(false);

  const { staff } = await getJson<{ staff: { id: string; username: string }[] }>(request, '/api/staff');
  const reader = staff.find((member) => member.username === DEMO.reader);
  expect(reader, 'the demo reader').toBeTruthy();
  const assigned = await request.post(`/api/routes/${route.id}/assignments`, {
    headers,
    data: { staffId: reader?.id, duty: 'reader', startsOn: today },
  });
  expect(assigned.status(), `POST /api/routes/{id}/assignments: ${await assigned.text()}`).toBe(201);
  return { today, period, route, accounts, demoAccountId: demoAccountId as string };
}

/** The account's card on the entry page. */
const entryCard = (page: Page, accountNo: string): Locator => page.getByTestId('entry-account').filter({ hasText: accountNo });

test.use({ locale: 'zh-CN' });

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('a reader reads a route, a clerk bills it, the customer sees the bill and its PDF', async ({ browser, playwright, baseURL }) => {
  test.setTimeout(180_000);
  const supervisorApi = await playwright.request.newContext({ baseURL });
  const clerkApi = await playwright.request.newContext({ baseURL });
  const auditorApi = await playwright.request.newContext({ baseURL });
  try {
    const arranged = await arrangeRoute(supervisorApi);
    const { route, period, accounts } = arranged;
    const [year, month] = period.split('-') as [string, string];

    // ---------------- 1. the meter reader, on a handheld ----------------
    const reader = await newContext(browser, baseURL, PHONE);
    const entered = new Map<string, number>();
    await test.step('the reader enters the route in walk order', async () => {
      const { page } = reader;
      await consoleLogin(page, DEMO.reader);
      // Signed in, a reader lands straight on 我的抄表本, made for the phone.
      await expect(page).toHaveURL(/\/console\/reading\/my-routes$/);
      await shot(page, 'reader-landing');
      await expect(page.getByTestId('my-routes-page')).toBeVisible();
      const card = page.getByTestId('my-route').filter({ hasText: route.code });
      await expect(card).toBeVisible();
      await expect(card).toContainText('0/3 读完');
      await expect(card).toContainText(`${period} 抄表`);
      await expectFitsPhone(page, 'my routes');
      await shot(page, 'reader-my-routes');

      await card.click();
      await expect(page).toHaveURL(new RegExp(`/console/reading/routes/${route.id}/entry$`));
      await expect(page.getByTestId('entry-page')).toBeVisible();
      await expect(page.getByTestId('entry-progress')).toHaveText('0/3 读完');
      // Walk order: the sheet lists the accounts in the order they were put on the route.
      await expect(page.getByTestId('entry-account')).toHaveCount(3);
      for (const [position, item] of accounts.entries()) {
        await expect(page.getByTestId('entry-account').nth(position)).toContainText(item.accountNo);
      }

      for (const [position, item] of accounts.entries()) {
        const accountCard = entryCard(page, item.accountNo);
        // The first account is opened by a tap; 下一户 opens each following one.
        if (position === 0) await accountCard.getByRole('button').first().click();
        const input = accountCard.getByTestId('entry-register');
        await expect(input).toBeVisible();
        // The expected range shown, and a register in its middle: the last register plus a plausible use.
        const shown = (await accountCard.getByTestId('expected-range').innerText()).trim();
        const range = /^(\d+\.\d{3})–(\d+\.\d{3})$/.exec(shown);
        expect(range, `expected range of ${item.accountNo}: "${shown}"`).not.toBeNull();
        const low = Math.round(Number(range?.[1]) * 1000);
        const high = Math.round(Number(range?.[2]) * 1000);
        expect([low, high]).toEqual([item.expected?.lowLitres, item.expected?.highLitres]);
        const register = Math.round((low + high) / 2);
        const last = item.last?.registerLitres ?? 0;
        expect(register, 'the register grows').toBeGreaterThan(last);
        await input.fill(m3(register));
        await expect(accountCard.getByTestId('entry-preview')).toContainText(`本期用水 ${m3(register - last)} m³`);
        await accountCard.getByTestId('entry-submit').click();
        const result = accountCard.getByTestId('entry-result');
        await expect(result).toContainText('读数正常，已确认');
        await expect(result).toContainText(m3(register - last));
        await expect(page.getByTestId('entry-progress')).toHaveText(`${position + 1}/3 读完`);
        entered.set(item.accountId, register);
        if (position === 0) await shot(page, 'reader-entry-first');
        if (position < accounts.length - 1) await accountCard.getByTestId('entry-next').click();
      }
      await expect(page.getByTestId('entry-progress')).toHaveText('3/3 读完');
      await expect(page.getByText('本抄表本已全部抄完')).toBeVisible();
      await expectFitsPhone(page, 'entry');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'reader-entry-done', { fullPage: true });

      await page.getByRole('button', { name: '我的抄表本' }).click();
      await expect(page.getByTestId('my-route').filter({ hasText: route.code })).toContainText('3/3 读完');
    });

    // Checked on the server: three accepted readings with the registers typed, none waiting for review.
    const sheet = await getJson<Sheet>(supervisorApi, `/api/routes/${route.id}/sheet`, { period });
    expect(sheet.done).toBe(3);
    for (const item of sheet.items) {
      expect(item.current?.status, `reading of ${item.accountNo}`).toBe('accepted');
      expect(item.current?.registerLitres, `register of ${item.accountNo}`).toBe(entered.get(item.accountId));
    }
    expect(reader.errors, 'uncaught errors on the reader\'s pages').toEqual([]);
    await reader.context.close();

    // ---------------- 2. the billing clerk, at a desk ----------------
    const clerk = await newContext(browser, baseURL, DESKTOP);
    await apiLogin(clerkApi, DEMO.billing);
    const billingRun = await test.step('the clerk bills the month on that route', async () => {
      const { page } = clerk;
      await consoleLogin(page, DEMO.billing);
      await page.getByRole('menuitem', { name: /核算/ }).click();
      await expect(page).toHaveURL(/\/console\/billing$/);
      const form = page.getByTestId('billing-start-form');
      await expect(form).toBeVisible();

      // The month: this one (the form offers last month), picked in the month panel. Not typed and
      // confirmed with Enter: Enter in the field submits the form, i.e. starts a run on all routes.
      const monthInput = form.getByLabel('核算月份');
      await expect(monthInput).toHaveValue(previousMonth(period));
      await monthInput.click();
      await monthInput.fill(period);
      await page.locator(`.ant-picker-dropdown .ant-picker-cell[title="${period}"]`).click();
      await expect(monthInput).toHaveValue(period);

      // The route: only the new one.
      const routes = form.getByTestId('billing-routes');
      await routes.click();
      await page.keyboard.type(route.code);
      const option = page.locator('.ant-select-item-option').filter({ hasText: route.code });
      await expect(option).toHaveText(`${route.code} ${route.name}（3 户）`);
      await option.click();
      await page.keyboard.press('Escape');
      await expect(routes).toContainText(route.code);
      await shot(page, 'clerk-start');

      // Watch the new run's progress bar from the moment it appears: every 50 ms, what it shows. (Until
      // then the detail shows the newest earlier run, of another month.)
      await page.evaluate((title) => {
        const seen: ProgressSample[] = [];
        (window as unknown as { progressSeen: ProgressSample[] }).progressSeen = seen;
        const timer = window.setInterval(() => {
          const detail = document.querySelector('[data-testid="billing-run-detail"]');
          const bar = detail?.querySelector('[data-testid="billing-progress"]');
          if (!detail || !bar || !detail.querySelector('.ant-card-head')?.textContent?.includes(title)) return;
          const sample = {
            value: Number(bar.getAttribute('aria-valuenow')),
            text: bar.querySelector('.ant-progress-indicator')?.textContent ?? '',
            status: detail.querySelector('[data-testid="billing-run-status"]')?.textContent ?? '',
          };
          const last = seen.at(-1);
          if (!last || last.value !== sample.value || last.text !== sample.text || last.status !== sample.status) seen.push(sample);
          if (sample.value === 100 && sample.status === '已完成') window.clearInterval(timer);
        }, 50);
      }, `${period} 核算批次`);
      const started = page.waitForResponse((res) => res.url().endsWith('/api/billing-runs') && res.request().method() === 'POST');
      await form.getByTestId('billing-start').click();
      // The clerk confirms the month and the routes (3 accounts on route E2E-…).
      const confirm = page.getByRole('dialog');
      await expect(confirm).toContainText(`确认核算 ${period}`);
      await expect(confirm).toContainText(`${route.code} 的 3 户`);
      await confirm.getByRole('button', { name: '开始核算' }).click();
      const startedRes = await started;
      expect(startedRes.status(), 'POST /api/billing-runs').toBe(201);
      const startedRun = (await startedRes.json()) as BillingRun;
      expect(startedRun.period).toBe(period);
      expect(startedRun.routeIds).toEqual([route.id]);
      expect(startedRun.accounts).toBe(3);

      // The run's detail opens with its progress bar: rendered with a percentage at once, 100 % at the end.
      const detail = page.getByTestId('billing-run-detail');
      await expect(detail).toContainText(`${period} 核算批次`);
      const progress = detail.getByTestId('billing-progress');
      await expect(progress).toBeVisible();
      await expect(progress).toHaveAttribute('role', 'progressbar');
      await expect(progress).toHaveAttribute('aria-valuenow', /^\d+$/);
      await expect(detail.getByTestId('billing-run-status')).toHaveText('已完成', { timeout: 60_000 });
      await expect(progress).toHaveAttribute('aria-valuenow', '100');
      await expect(detail).toContainText('1 / 1 个分片');
      // What the bar showed on the way: never going back, a percentage while the run was queued or
      // running (three accounts are one chunk, billed within about a second, so the page may only have
      // caught its end), 100 at the end.
      const seen = await page.evaluate(() => (window as unknown as { progressSeen: ProgressSample[] }).progressSeen);
      test.info().annotations.push({ type: 'progress seen', description: seen.map((sample) => `${sample.status} ${sample.text || `${sample.value}`}`).join(' → ') });
      expect(seen.length, 'the progress bar was rendered').toBeGreaterThan(0);
      expect(seen.map((sample) => sample.value)).toEqual([...seen.map((sample) => sample.value)].sort((a, b) => a - b));
      for (const sample of seen.filter((item) => item.status !== '已完成')) {
        expect(['排队中', '核算中']).toContain(sample.status);
        expect(sample.text, 'a running bar shows its percentage').toBe(`${sample.value}%`);
      }
      expect(seen.at(-1)).toMatchObject({ value: 100, status: '已完成' });

      const run = await getJson<BillingRun>(clerkApi, `/api/billing-runs/${startedRun.id}`);
      expect(run.status).toBe('completed');
      expect(run.progress).toBe(1);
      expect(run.summary.accounts).toBe(3);
      expect(run.summary.bills).toBe(3);
      expect(run.summary.skipped).toEqual([]);
      expect(run.summary.failedChunks).toBe(0);
      expect(run.summary.totalFen).toBeGreaterThan(0);
      expect(run.summary.byLineType.reduce((sum, line) => sum + line.amountFen, 0)).toBe(run.summary.totalFen);

      // The summary as the page shows it.
      const statistic = (title: string) => detail.locator('.ant-statistic').filter({ hasText: title }).locator('.ant-statistic-content');
      await expect(statistic('户数')).toHaveText('3');
      await expect(statistic('已出账单')).toHaveText('3');
      await expect(detail.getByTestId('billing-total')).toContainText(yuan(run.summary.totalFen));
      for (const line of run.summary.byLineType) {
        const row = detail.locator('tr.ant-table-row').filter({ hasText: LINE_TYPE_ZH[line.lineType] ?? line.lineType }).first();
        await expect(row.locator('td')).toHaveText([LINE_TYPE_ZH[line.lineType] ?? line.lineType, String(line.lines), yuan(line.amountFen)]);
      }
      await expect(detail.locator('.ant-table-summary')).toContainText(yuan(run.summary.totalFen));
      await expect(detail).toContainText('所有账户均已出账');
      // The list of runs shows it on top, done.
      const top = page.getByTestId('billing-runs').locator('tr.ant-table-row').first();
      await expect(top).toContainText(period);
      await expect(top).toContainText('3 / 3');
      await expect(top).toContainText(yuan(run.summary.totalFen));
      await shot(page, 'clerk-run-done');
      return run;
    });
    expect(clerk.errors, 'uncaught errors on the clerk\'s pages').toEqual([]);
    await clerk.context.close();

    // The bills, as the clerk reads them through the API: one regular bill of the month per account, adding up to the run.
    const billOf = new Map<string, StaffBill>();
    let demoBalance = 0;
    for (const item of accounts) {
      const page1 = await getJson<{ bills: StaffBill[]; balanceFen: number }>(clerkApi, `/api/accounts/${item.accountId}/bills`, { page: 1, pageSize: 5 });
      if (item.accountId === arranged.demoAccountId) demoBalance = page1.balanceFen;
      const bills = page1.bills.filter((bill) => bill.period === period && bill.kind === 'regular');
      expect(bills, `one ${period} bill for ${item.accountNo}`).toHaveLength(1);
      billOf.set(item.accountId, bills[0] as StaffBill);
    }
    expect([...billOf.values()].reduce((sum, bill) => sum + bill.totalFen, 0), 'the three bills add up to the run total').toBe(billingRun.summary.totalFen);
    const demoBill = billOf.get(arranged.demoAccountId) as StaffBill;
    const demoDue = demoBill.netTotalFen ?? demoBill.totalFen;
    const demoReading = entered.get(arranged.demoAccountId) ?? 0;
    const demoUse = demoReading - (accounts[1]?.last?.registerLitres ?? 0);
    expect(demoBill.consumptionLitres, 'the demo bill bills the use the reader entered').toBe(demoUse);

    // ---------------- 3. the customer, in WeChat ----------------
    const customer = await newContext(browser, baseURL, { ...PHONE, userAgent: WECHAT_UA });
    await apiLogin(auditorApi, DEMO.auditor);
    await test.step('the customer sees the new bill and downloads its PDF', async () => {
      const { page } = customer;
      const phone = freshPhone('137');
      await page.goto('/portal/');
      await expect(page.getByTestId('login-page')).toBeVisible();
      await page.getByLabel('手机号').fill(phone);
      await page.getByTestId('get-code').click();
      await expect(page.getByTestId('login-notice')).toBeVisible();
      await page.getByLabel('验证码').fill(await latestCode(auditorApi, phone));
      await page.getByRole('checkbox').check();
      await page.getByRole('button', { name: /^登\s*录$/ }).click();
      await expect(page.getByTestId('home-page')).toBeVisible();

      const card = page.getByTestId('account-card').filter({ hasText: DEMO.account.accountNo });
      // A fresh phone has nothing bound: bind the demo account (the cards load first, or the empty state).
      await expect(card.or(page.getByText('还没有绑定户号'))).toBeVisible();
      if ((await card.count()) === 0) {
        await page.getByRole('button', { name: '绑定户号' }).first().click();
        await expect(page.getByTestId('bind-page')).toBeVisible();
        await page.getByLabel('户号').fill(DEMO.account.accountNo);
        await page.getByLabel('户主姓名').fill(DEMO.account.holderName);
        await page.getByRole('button', { name: /^绑\s*定$/ }).click();
        await expect(page.getByTestId('home-page')).toBeVisible();
        await expect(page.getByText('绑定成功')).toBeVisible();
        await expect(page.getByText('绑定成功')).toHaveCount(0); // the Toast goes away by itself
      }
      await expect(card).toBeVisible();
      await card.click();
      await expect(page.getByTestId('account-detail-page')).toBeVisible();
      await page.getByTestId('account-bills-entry').locator('.adm-list-item').filter({ hasText: '历史账单、缴费状态和电子账单' }).click();
      await expect(page.getByTestId('bills-page')).toBeVisible();

      // This month's bill on top, with the amount the clerk's API gives.
      const first = page.getByTestId('bill-item').first();
      await expect(first).toContainText(`${year}年${month}月`);
      await expect(first).toContainText(`¥${yuan(demoDue)}`);
      await expect(first).toContainText(`用水 ${m3(demoUse)} m³`);
      await expect(first.getByTestId('bill-status')).toHaveText('待缴费');
      await expect(page.getByTestId('bill-item').nth(1)).not.toContainText(`${year}年${month}月`);
      // What is owed now: the same as the staff side says.
      const balanceLabel = demoBalance > 0 ? '当前欠费' : demoBalance < 0 ? '预存余额' : '已结清';
      await expect(page.getByTestId('bills-balance')).toHaveText(`${balanceLabel}¥${yuan(Math.abs(demoBalance))}`);
      expect(demoBalance, 'the new bill is owed').toBeGreaterThanOrEqual(demoDue);
      await expectFitsPhone(page, 'bills');
      await shot(page, 'portal-bills');

      await first.click();
      await expect(page.getByTestId('bill-detail-page')).toBeVisible();
      await expect(page.getByTestId('bill-amount')).toHaveText(`¥${yuan(demoDue)}`);
      await expect(page.getByText(demoBill.billNo)).toBeVisible();
      await expect(page.getByText(`${year}年${month}月 · 水费账单`)).toBeVisible();
      await expectFitsPhone(page, 'bill detail');
      await shot(page, 'portal-bill-detail');

      // The PDF: the link opens it in a new tab; what the server sends back is the bill as a PDF.
      const link = page.getByTestId('bill-pdf');
      await link.scrollIntoViewIfNeeded();
      await expect(link).toBeInViewport();
      await expect(link).toHaveText('下载电子账单 PDF');
      await shot(page, 'portal-bill-detail-end');
      await expect(link).toHaveAttribute('href', `/api/portal/bills/${demoBill.id}/pdf`);
      const pdfResponse = customer.context.waitForEvent('response', (res) => res.url().endsWith(`/api/portal/bills/${demoBill.id}/pdf`));
      const popup = page.waitForEvent('popup');
      await link.click();
      const res = await pdfResponse;
      expect(res.status(), 'GET the bill PDF').toBe(200);
      expect(res.headers()['content-type']).toBe('application/pdf');
      // The tab's own copy of the body may not be readable (Chromium hands PDFs to its viewer), so the
      // bytes are fetched again in the same browser session: cookies and all.
      const fetched = await customer.context.request.get(`/api/portal/bills/${demoBill.id}/pdf`);
      expect(fetched.status()).toBe(200);
      expect(fetched.headers()['content-type']).toBe('application/pdf');
      const bytes = await fetched.body();
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(bytes.length, 'PDF size in bytes').toBeGreaterThan(5_000);
      expect(bytes.length, 'PDF size in bytes').toBeLessThan(5_000_000);
      expect(bytes.subarray(-1024).toString('latin1')).toContain('%%EOF');
      writeFileSync(`${SCREENSHOT_DIR}journey-bill.pdf`, bytes); // kept beside the screenshots, to look at
      await (await popup).close();
    });
    expect(customer.errors, 'uncaught errors on the portal pages').toEqual([]);
    await customer.context.close();
  } finally {
    await supervisorApi.dispose();
    await clerkApi.dispose();
    await auditorApi.dispose();
  }
});
