// The finance clerk's journey (财务对账员), in Chromium: a WeChat Pay reconciliation of today (the summary on the
// page must equal the API's), then bank withholding: a batch for a bank, its request file downloaded, the
// bank's result file built from it (every item debited, shuiwu-generic-v1 as docs/BANK-FILES.md describes)
// and uploaded, and every item of the batch shown paid. Screenshots go to e2e/screenshots/finance-*.png.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { getJson } from './support.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The demo data `serve --seed-demo` creates (server/src/demo/seed.ts; e2e code does not import server code).
const DEMO = {
  tenant: 'jiangcheng',
  password: 'Shuiwu@2026',
  finance: 'finance',
  // The demo's withholding mandates alternate between these banks.
  banks: ['ICBC', 'CCB'],
  timeZone: 'Asia/Shanghai',
};

interface Side {
  rows: number;
  paymentFen: number;
  refundFen: number;
}
interface ReconciliationSummary {
  id: string;
  channel: string;
  statementDate: string;
  statement: Side;
  ledger: Side;
  matched: Side;
  differenceCount: number;
  openDifferenceCount: number;
}
interface Reconciliation extends ReconciliationSummary {
  differences: { id: string; type: string; outTradeNo: string }[];
}
interface BatchItem {
  sequence: number;
  accountNo: string;
  amountFen: number;
  status: 'sent' | 'succeeded' | 'failed';
  paymentId: string | null;
  receiptNo: string | null;
}
interface Batch {
  id: string;
  batchNo: string;
  bankCode: string;
  utilityCode: string;
  status: 'sent' | 'completed';
  itemCount: number;
  totalFen: number;
  successCount: number;
  successFen: number;
  failedCount: number;
  items: BatchItem[];
}

/** 123456 fen → "1,234.56", as the console prints money (integer arithmetic, like web/src/shared/money.ts). */
function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const whole = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(absolute % 100).padStart(2, '0')}`;
}

/** Today in the utility's time zone, YYYY-MM-DD: the server's business date. */
function businessToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DEMO.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

async function apiLogin(request: APIRequestContext, username: string): Promise<void> {
  const res = await request.post('/api/staff/login', { data: { tenant: DEMO.tenant, username, password: DEMO.password } });
  expect(res.status(), `API login of ${username}`).toBe(200);
}

async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  // Let messages, modals and transitions settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SCREENSHOT_DIR}finance-${name}.png`, animations: 'disabled', ...options });
}

async function consoleLogin(page: Page, username: string): Promise<void> {
  await page.goto('/console/');
  await expect(page.getByText('员工登录')).toBeVisible();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
}

/**
 * The bank's answer to a shuiwu-generic-v1 request file (docs/BANK-FILES.md): every item debited in full.
 * The request's D lines may be GBK, but the fields read here (sequence, account number, amount) are ASCII.
 */
function allSuccessResult(request: Buffer, settledOn: string): { name: string; bytes: Buffer } {
  const lines = request.toString('latin1').split(/\r?\n/).filter((line) => line.length > 0);
  const header = (lines[0] ?? '').split('|');
  expect(header.slice(0, 3), 'the request file header').toEqual(['H', 'shuiwu-generic-v1', 'REQ']);
  const [, , , , utilityCode, batchNo] = header;
  const details = lines.filter((line) => line.startsWith('D|')).map((line) => line.split('|'));
  const trailer = (lines.at(-1) ?? '').split('|');
  const date = settledOn.replaceAll('-', '');
  let total = 0;
  const body = details.map(([, sequence, accountNo, , , amountFen]) => {
    total += Number(amountFen);
    return `D|${sequence}|${accountNo}|${amountFen}|S|||E2E${date}${String(sequence).padStart(6, '0')}|${date}`;
  });
  expect(trailer, 'the request trailer counts its items').toEqual(['T', String(details.length), String(total)]);
  const text = [`H|shuiwu-generic-v1|RES|UTF-8|${utilityCode}|${batchNo}|${date}`, ...body, `T|${details.length}|${total}|${details.length}|${total}|0|0`].join('\r\n') + '\r\n';
  return { name: `SWDK_${utilityCode}_${batchNo}_${date}_RES.txt`, bytes: Buffer.from(text, 'utf8') };
}

test.use({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('the finance clerk reconciles WeChat Pay for today and runs a bank withholding batch end to end', async ({ page, playwright, baseURL }) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const financeApi = await playwright.request.newContext({ baseURL });
  try {
    await apiLogin(financeApi, DEMO.finance);
    const today = businessToday();

    await test.step('the menu offers the finance pages to the finance clerk', async () => {
      await consoleLogin(page, DEMO.finance);
      await expect(page.getByRole('menuitem', { name: /渠道对账/ })).toBeVisible();
      await expect(page.getByRole('menuitem', { name: /银行代扣/ })).toBeVisible();
    });

    await test.step("a WeChat Pay reconciliation of today shows the API's summary", async () => {
      await page.getByRole('menuitem', { name: /渠道对账/ }).click();
      await expect(page).toHaveURL(/\/console\/finance\/reconciliations$/);
      await expect(page.getByLabel('对账日期')).toHaveValue(today);
      await expect(page.getByTestId('recon-channel')).toContainText('微信支付');
      const answered = page.waitForResponse((res) => res.url().endsWith('/api/reconciliations') && res.request().method() === 'POST');
      await page.getByTestId('recon-run').click();
      const response = await answered;
      expect(response.status(), 'the reconciliation ran').toBe(201);
      const ran = (await response.json()) as Reconciliation;

      const detail = page.getByTestId('recon-detail');
      await expect(detail).toContainText(`${today} · 微信支付 对账结果`);
      // The newest WeChat Pay run of today, as the API lists it, is the one on the page.
      const { reconciliations } = await getJson<{ reconciliations: ReconciliationSummary[] }>(financeApi, '/api/reconciliations', { channel: 'wechatpay', date: today });
      const listed = reconciliations.find((run) => run.id === ran.id);
      expect(listed, 'the run is listed').toBeTruthy();
      const run = await getJson<Reconciliation>(financeApi, `/api/reconciliations/${ran.id}`);
      for (const [testId, side] of [
        ['recon-statement', run.statement],
        ['recon-ledger', run.ledger],
        ['recon-matched', run.matched],
      ] as const) {
        await expect(detail.getByTestId(`${testId}-rows`)).toContainText(String(side.rows));
        await expect(detail.getByTestId(`${testId}-payments`)).toContainText(yuan(side.paymentFen));
        await expect(detail.getByTestId(`${testId}-refunds`)).toContainText(yuan(side.refundFen));
      }
      await expect(detail.getByTestId('recon-difference-count')).toHaveText(`${run.openDifferenceCount} / ${run.differenceCount}`);
      const rows = detail.getByTestId('recon-differences').locator('tbody tr.ant-table-row');
      await expect(rows).toHaveCount(Math.min(run.differences.length, 20));
      // The runs list has it too, selected.
      await expect(page.getByTestId('recon-runs').locator('tr.ant-table-row-selected')).toContainText(today);
      await shot(page, 'reconciliation', { fullPage: true });
    });

    await test.step('the clerk credits the payment whose notification was lost and explains the trade of another system', async () => {
      // The demo's WeChat Pay day (payments/demo-day.ts): an order paid at the channel whose notifications never
      // came (SW…), and a POS trade on the same merchant number (POS…). Both are on the statement only.
      const detail = page.getByTestId('recon-detail');
      const rows = detail.getByTestId('recon-differences').locator('tbody tr.ant-table-row');
      const open = rows.filter({ has: page.getByTestId('difference-resolve') });
      // Rows are found again by their order number: once resolved they lose the resolve button.
      const lostNo = /SW\d{22}/.exec((await open.filter({ hasText: /SW\d{22}/ }).first().textContent()) ?? '')?.[0] ?? 'none';
      const posNo = /POS\d{22}/.exec((await open.filter({ hasText: /POS\d{22}/ }).first().textContent()) ?? '')?.[0] ?? 'none';
      const lost = rows.filter({ hasText: lostNo });
      const pos = rows.filter({ hasText: posNo });
      await expect(lost.getByTestId('difference-type')).toHaveText('系统缺少（长款）');
      await expect(pos.getByTestId('difference-type')).toHaveText('系统缺少（长款）');
      const countBefore = (await detail.getByTestId('recon-difference-count').textContent()) ?? '';
      const openBefore = Number(countBefore.split('/')[0]);

      await lost.getByTestId('difference-resolve').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('radio', { name: /补记入账/ }).check();
      // The note is required: the clerk says what was checked.
      await dialog.getByTestId('resolve-submit').click();
      await expect(dialog).toContainText('请填写处理说明');
      await dialog.getByTestId('resolve-note').fill('已在商户平台查询，订单已支付，通知丢失，补记入账');
      await shot(page, 'reconciliation-credit');
      await dialog.getByTestId('resolve-submit').click();
      await expect(dialog).toHaveCount(0);
      await expect(lost.getByTestId('difference-status')).toHaveText('补记入账');

      await pos.getByTestId('difference-resolve').click();
      await page.getByRole('dialog').getByRole('radio', { name: /已核实说明/ }).check();
      await page.getByRole('dialog').getByTestId('resolve-note').fill('营业厅 POS 机收款，不属于线上缴费');
      await page.getByRole('dialog').getByTestId('resolve-submit').click();
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await expect(pos.getByTestId('difference-status')).toHaveText('已核实说明');
      await expect(detail.getByTestId('recon-difference-count')).toHaveText(new RegExp(`^${openBefore - 2} / `));
      await shot(page, 'reconciliation-resolved', { fullPage: true });
    });

    await test.step('the mandates are listed with their bank accounts masked', async () => {
      await page.getByRole('menuitem', { name: /银行代扣/ }).click();
      await expect(page).toHaveURL(/\/console\/finance\/withholding$/);
      const mandates = page.getByTestId('mandates');
      await expect(mandates.locator('tbody tr.ant-table-row').first()).toBeVisible();
      await expect(mandates.getByTestId('mandate-masked').first()).toHaveText(/^\d{4} \*{4} \*{4} \d{4}$/);
      await shot(page, 'mandates');
    });

    let batch: Batch | null = null;
    await test.step('a batch is made for a bank with something to withhold', async () => {
      await page.getByTestId('tab-batches').click();
      for (const bank of DEMO.banks) {
        await page.getByTestId('batch-bank').click();
        await page.locator('.ant-select-dropdown:visible').getByTitle(new RegExp(`\\(${bank}\\)`)).click();
        const answered = page.waitForResponse((res) => res.url().endsWith('/api/withholding/batches') && res.request().method() === 'POST');
        await page.getByTestId('batch-create').click();
        const response = await answered;
        if (response.status() === 201) {
          batch = (await response.json()) as Batch;
          break;
        }
        // A server this spec ran on before: that bank's accounts owe nothing now.
        await expect(page.getByRole('alert')).toBeVisible();
      }
      expect(batch, 'a withholding batch was made').not.toBeNull();
      const made = batch as unknown as Batch;
      expect(made.itemCount).toBeGreaterThan(0);
      const detail = page.getByTestId('batch-detail');
      await expect(detail).toContainText(made.batchNo);
      await expect(detail.getByTestId('batch-status')).toHaveText('待回盘');
      await expect(detail.getByTestId('batch-items').locator('tbody tr.ant-table-row')).toHaveCount(Math.min(made.itemCount, 20));
      await expect(page.getByTestId('batches')).toContainText(made.batchNo);
      await shot(page, 'batch-created', { fullPage: true });
    });

    const made = batch as unknown as Batch;
    let request: Buffer = Buffer.alloc(0);
    await test.step("the batch's request file is downloaded", async () => {
      const download = page.waitForEvent('download');
      await page.getByTestId('batch-detail').getByTestId('batch-download').click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(new RegExp(`^SWDK_${made.utilityCode}_${made.batchNo}_\\d{8}_REQ\\.txt$`));
      request = readFileSync(await file.path());
      const details = request.toString('latin1').split(/\r?\n/).filter((line) => line.startsWith('D|'));
      expect(details).toHaveLength(made.itemCount);
    });

    await test.step("the bank's result file (all debited) is uploaded and every item is paid", async () => {
      const result = allSuccessResult(request, today);
      const detail = page.getByTestId('batch-detail');
      const answered = page.waitForResponse((res) => res.url().endsWith(`/api/withholding/batches/${made.id}/result`));
      await detail.locator('input[type=file]').setInputFiles({ name: result.name, mimeType: 'text/plain', buffer: result.bytes });
      const response = await answered;
      expect(response.status(), 'the result file was taken').toBe(200);
      await expect(detail.getByTestId('batch-status')).toHaveText('已完成');
      const after = await getJson<Batch>(financeApi, `/api/withholding/batches/${made.id}`);
      expect(after.status).toBe('completed');
      expect(after.successCount).toBe(made.itemCount);
      expect(after.successFen).toBe(made.totalFen);
      expect(after.failedCount).toBe(0);
      for (const item of after.items) {
        expect(item.status, `item ${item.sequence}`).toBe('succeeded');
        expect(item.paymentId, `item ${item.sequence} became a payment`).not.toBeNull();
      }
      await expect(detail.getByTestId('batch-success')).toHaveText(`${made.itemCount} · ¥${yuan(made.totalFen)}`);
      const statuses = detail.getByTestId('batch-item-status');
      await expect(statuses).toHaveCount(Math.min(made.itemCount, 20));
      for (const text of await statuses.allTextContents()) expect(text).toBe('扣款成功');
      const firstReceipt = after.items.find((item) => item.sequence === 1)?.receiptNo;
      if (firstReceipt) await expect(detail.getByTestId('batch-items')).toContainText(firstReceipt);
      await shot(page, 'batch-paid', { fullPage: true });
    });

    expect(errors, 'no uncaught errors in the page').toEqual([]);
  } finally {
    await financeApi.dispose();
  }
});
