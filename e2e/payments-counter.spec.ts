// The counter journey (柜台收费 · 日结), in Chromium: the counter clerk opens the till, takes a cash payment for
// what a demo customer owes on the customer 360's 缴费 tab, sees (and would print) the receipt, then closes
// the till: first with a wrong count (the server names the method that does not match), then with the right
// one. The manager then finds the day's till with its totals. Amounts are checked to the fen against the API.
// Screenshots go to e2e/screenshots/counter-*.png.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiLogin, getJson } from './support.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The demo data `serve --seed-demo` creates (server/src/demo/seed.ts; e2e code does not import server code).
const DEMO = {
  tenant: 'jiangcheng',
  password: 'Shuiwu@2026',
  counter: 'counter',
  counterName: '王丽（综合窗口）',
  manager: 'manager',
  // The other specs' account (billing journey, portal): left alone here.
  reservedAccountNo: '1000000001',
  timeZone: 'Asia/Shanghai',
};

interface SearchResponse {
  results: { customerId: string; name: string; accounts: { id: string; accountNo: string; status: string }[] }[];
}
interface AccountMoney {
  accountId: string;
  balanceFen: number;
  prepaidFen: number;
  openBills: { billId: string; billNo: string; period: string; openFen: number }[];
}
interface MethodTotals {
  cash: number;
  card: number;
  transfer: number;
}
interface Till {
  id: string;
  staffName: string;
  businessDate: string;
  closedAt: string | null;
  payments: number;
  expected: MethodTotals;
  counted: MethodTotals | null;
}
interface PaymentSummary {
  id: string;
  receiptNo: string;
  method: string;
  amountFen: number;
  allocatedFen: number;
  prepaidFen: number;
}
interface Receipt extends PaymentSummary {
  accountNo: string;
  settledBills: { billId: string; billNo: string; period: string; amountFen: number }[];
  balanceAfterFen: number;
  cashier: string | null;
}

/** 123456 fen → "1,234.56", as the console prints money (integer arithmetic, like web/src/shared/money.ts). */
function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const whole = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(absolute % 100).padStart(2, '0')}`;
}

/** 123456 fen → "1234.56": an amount as typed into a field (and as the server's till messages write it). */
function plainYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** Today in the utility's time zone, YYYY-MM-DD: the server's business date. */
function businessToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DEMO.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

async function shot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  // Let messages, modals and transitions settle.
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SCREENSHOT_DIR}counter-${name}.png`, animations: 'disabled', ...options });
}

async function consoleLogin(page: Page, username: string): Promise<void> {
  await page.goto('/console/');
  await expect(page.getByText('员工登录')).toBeVisible();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO.password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
}

interface Picked {
  customerId: string;
  customerName: string;
  accountId: string;
  accountNo: string;
  money: AccountMoney;
}

/**
 * A demo customer with a single active account that owes money on open bills and has nothing prepaid:
 * found through the API by searching the utility's streets, then GET /api/accounts/{id}/money.
 */
async function pickCustomer(request: APIRequestContext): Promise<Picked> {
  const { districts } = await getJson<{ districts: { name: string; streets: string[] }[] }>(request, '/api/districts');
  for (const district of districts) {
    for (const street of district.streets) {
      const { results } = await getJson<SearchResponse>(request, '/api/customers', { q: street, limit: 50 });
      // From the end of the list: the other specs pick their customers from its start.
      for (const result of [...results].reverse()) {
        const [account] = result.accounts;
        if (result.accounts.length !== 1 || !account || account.status !== 'active' || account.accountNo === DEMO.reservedAccountNo) continue;
        const money = await getJson<AccountMoney>(request, `/api/accounts/${account.id}/money`);
        // Owing only on bills (an account in arrears also owes late fees, paid after them: not this journey).
        const onBills = money.openBills.reduce((sum, bill) => sum + bill.openFen, 0) === money.balanceFen;
        if (money.openBills.length > 0 && money.balanceFen > 0 && money.prepaidFen === 0 && onBills) {
          return { customerId: result.customerId, customerName: result.name, accountId: account.id, accountNo: account.accountNo, money };
        }
      }
    }
  }
  throw new Error('no demo customer with one active account owing money on open bills was found');
}

test.use({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('the counter clerk opens the till, takes a cash payment with a receipt, and closes the day', async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const counterApi = await playwright.request.newContext({ baseURL });
  const managerApi = await playwright.request.newContext({ baseURL });
  try {
    const session = await apiLogin(counterApi, DEMO.counter);
    const headers = { 'x-csrf-token': session.csrfToken };
    const today = businessToday();
    const picked = await pickCustomer(counterApi);
    const owed = picked.money.balanceFen;
    const openBills = picked.money.openBills;
    const openTotal = openBills.reduce((sum, bill) => sum + bill.openFen, 0);
    expect(openTotal, 'the open bills add up to what is owed').toBe(owed);

    // A server that already ran this spec today: close the clerk's open till first, as counted.
    const before = await getJson<{ till: Till | null }>(counterApi, '/api/tills/current');
    if (before.till) {
      const closed = await counterApi.post(`/api/tills/${before.till.id}/close`, { headers, data: { counted: before.till.expected } });
      expect(closed.status(), 'close the till left open by an earlier run').toBe(200);
    }

    await test.step('without an open till the 缴费 tab says so and offers to open it', async () => {
      await consoleLogin(page, DEMO.counter);
      await page.goto(`/console/customers/${picked.customerId}?tab=payments`);
      const prompt = page.getByTestId('till-prompt');
      await expect(prompt).toContainText('还没有开始收款');
      await expect(page.getByTestId('till-prompt-open')).toBeVisible();
      await expect(page.getByTestId('take-submit')).toBeDisabled();
      await shot(page, 'no-till-prompt');
    });

    await test.step('the clerk opens the till on the 收款台 page', async () => {
      await page.getByRole('menuitem', { name: /收款台/ }).click();
      await expect(page).toHaveURL(/\/console\/counter$/);
      await expect(page.getByTestId('till-none')).toBeVisible();
      await shot(page, 'till-none');
      await page.getByTestId('open-till').click();
      await expect(page.getByTestId('till-open')).toBeVisible();
      await expect(page.getByTestId('till-payments')).toContainText('0');
      await expect(page.getByTestId('till-expected-total')).toHaveText('0.00');
      const opened = await getJson<{ till: Till | null }>(counterApi, '/api/tills/current');
      expect(opened.till?.businessDate).toBe(today);
      expect(opened.till?.payments).toBe(0);
    });

    const tab = page.getByTestId('payments-tab');
    await test.step("the customer's 缴费 tab shows what is owed and the open bills, oldest first", async () => {
      await page.goto(`/console/customers/${picked.customerId}`);
      await page.getByRole('tab', { name: '缴费' }).click();
      await expect(tab).toBeVisible();
      await expect(tab).toContainText(picked.accountNo);
      await expect(tab.getByTestId('money-owed')).toContainText(yuan(owed));
      await expect(tab.getByTestId('money-prepaid')).toContainText('0.00');
      const rows = tab.getByTestId('open-bills').locator('tbody tr.ant-table-row');
      await expect(rows).toHaveCount(openBills.length);
      for (const [index, bill] of openBills.entries()) {
        await expect(rows.nth(index)).toContainText(bill.billNo);
        await expect(rows.nth(index)).toContainText(yuan(bill.openFen));
      }
      // The form offers the whole amount owed, in cash, with its capitals.
      await expect(tab.getByTestId('till-status')).toBeVisible();
      await expect(tab.getByTestId('take-amount')).toHaveValue(plainYuan(owed));
      await expect(tab.getByTestId('take-capitals')).toContainText(/大写：[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+/);
      await expect(tab.getByRole('radio', { name: '现金' })).toBeChecked();
      // A typed amount replaced by "pay all owed" comes back to the amount owed.
      await tab.getByTestId('take-amount').fill('1.5');
      await expect(tab.getByTestId('take-capitals')).toHaveText('大写：壹元伍角');
      await tab.getByTestId('take-pay-all').click();
      await expect(tab.getByTestId('take-amount')).toHaveValue(plainYuan(owed));
      await shot(page, 'payments-tab', { fullPage: true });
    });

    let receiptNo = '';
    await test.step('a cash payment of what is owed gives a receipt that settles the open bills', async () => {
      await tab.getByTestId('take-submit').click();
      const dialog = page.getByRole('dialog');
      await expect(dialog).toContainText('收费成功');
      const receipt = dialog.getByTestId('receipt');
      await expect(receipt).toBeVisible();
      await expect(receipt.getByTestId('receipt-amount')).toHaveText(`¥${yuan(owed)}`);
      await expect(receipt.getByTestId('receipt-account')).toHaveText(picked.accountNo);
      await expect(receipt.getByTestId('receipt-method')).toHaveText('现金');
      await expect(receipt.getByTestId('receipt-balance')).toHaveText('已结清');
      await expect(receipt.getByTestId('receipt-cashier')).toHaveText(DEMO.counterName);
      await expect(receipt).toContainText('收据');
      const bills = receipt.getByTestId('receipt-bill');
      await expect(bills).toHaveCount(openBills.length);
      receiptNo = (await receipt.getByTestId('receipt-no').innerText()).trim();

      // The same payment, as the API has it.
      const { payments } = await getJson<{ payments: PaymentSummary[] }>(counterApi, `/api/accounts/${picked.accountId}/payments`);
      const payment = payments[0];
      expect(payment?.receiptNo).toBe(receiptNo);
      expect(payment?.method).toBe('cash');
      expect(payment?.amountFen).toBe(owed);
      expect(payment?.allocatedFen).toBe(owed);
      expect(payment?.prepaidFen).toBe(0);
      const apiReceipt = await getJson<Receipt>(counterApi, `/api/payments/${payment?.id}/receipt`);
      expect(apiReceipt.balanceAfterFen).toBe(0);
      expect(apiReceipt.settledBills.map((bill) => [bill.billNo, bill.amountFen]).sort()).toEqual(openBills.map((bill) => [bill.billNo, bill.openFen]).sort());
      for (const bill of apiReceipt.settledBills) {
        await expect(bills.filter({ hasText: bill.billNo })).toContainText(`¥${yuan(bill.amountFen)}`);
      }
      const after = await getJson<AccountMoney>(counterApi, `/api/accounts/${picked.accountId}/money`);
      expect(after.balanceFen).toBe(0);
      expect(after.openBills).toEqual([]);
      await shot(page, 'receipt');

      // On paper only the receipt is printed (payments.css, @media print), on one A5 page.
      await page.emulateMedia({ media: 'print' });
      await expect(page.locator('.sw-print-root .sw-receipt')).toBeVisible();
      await expect(page.locator('#root')).toBeHidden();
      // A5 is 148 mm wide, 10 mm margins: 128 mm ≈ 484 CSS px.
      await page.setViewportSize({ width: 484, height: 718 });
      await shot(page, 'receipt-print');
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      writeFileSync(`${SCREENSHOT_DIR}counter-receipt.pdf`, pdf);
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g), 'the receipt prints on one page').toHaveLength(1);
      // A5 portrait: 148 × 210 mm ≈ 420 × 595 pt.
      expect(pdf.toString('latin1')).toMatch(/\/MediaBox\s*\[\s*0 0 (419|420)(\.\d+)? (594|595)(\.\d+)?\s*\]/);
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.emulateMedia({ media: 'screen' });

      await dialog.getByRole('button', { name: /^关 闭$/ }).click();
      await expect(dialog).toBeHidden();
    });

    await test.step('the tab now shows nothing owed, the payment and the statement line', async () => {
      await expect(tab.getByTestId('money-owed')).toContainText('0.00');
      await expect(tab.getByTestId('money-open-bills')).toContainText('0');
      const payments = tab.getByTestId('payments-list').locator('tbody tr.ant-table-row');
      await expect(payments.first()).toContainText(receiptNo);
      await expect(payments.first()).toContainText(yuan(owed));
      const statement = tab.getByTestId('statement').locator('tbody tr.ant-table-row');
      await expect(statement.first()).toContainText(yuan(owed));
      await expect(statement.first().locator('td').last()).toHaveText('0.00');
      // The receipt can be opened again from the list.
      await payments.first().getByTestId('payment-receipt').click();
      await expect(page.getByRole('dialog').getByTestId('receipt-no')).toHaveText(receiptNo);
      await page.getByRole('dialog').getByRole('button', { name: /^关 闭$/ }).click();
      await shot(page, 'payments-after', { fullPage: true });
    });

    await test.step('日结 with a wrong count is refused, naming the cash difference; the right count closes the till', async () => {
      const current = await getJson<{ till: Till | null }>(counterApi, '/api/tills/current');
      const till = current.till as Till;
      expect(till.payments).toBe(1);
      expect(till.expected).toEqual({ cash: owed, card: 0, transfer: 0 });

      await page.getByRole('menuitem', { name: /收款台/ }).click();
      await expect(page.getByTestId('till-open')).toBeVisible();
      await expect(page.getByTestId('till-payments')).toContainText('1');
      await expect(page.getByTestId('till-expected-total')).toHaveText(yuan(owed));

      const form = page.getByTestId('close-till');
      const wrongCash = owed + 100;
      await form.getByTestId('counted-cash').fill(plainYuan(wrongCash));
      await form.getByTestId('counted-card').fill('0');
      await form.getByTestId('counted-transfer').fill('0');
      await form.getByTestId('close-till-submit').click();
      await page.getByRole('button', { name: /确\s*定/ }).click();
      await expect(form.getByRole('alert').first()).toContainText('清点金额与收款记录不符');
      const cashItem = form.locator('.ant-form-item').filter({ has: page.getByTestId('counted-cash') });
      await expect(cashItem.locator('.ant-form-item-explain-error')).toHaveText(`应为 ${plainYuan(owed)} 元，清点 ${plainYuan(wrongCash)} 元`);
      for (const method of ['card', 'transfer']) {
        const item = form.locator('.ant-form-item').filter({ has: page.getByTestId(`counted-${method}`) });
        await expect(item.locator('.ant-form-item-explain-error')).toHaveCount(0);
      }
      const stillOpen = await getJson<{ till: Till | null }>(counterApi, '/api/tills/current');
      expect(stillOpen.till?.id, 'a refused close writes nothing').toBe(till.id);
      await shot(page, 'close-mismatch');

      await form.getByTestId('counted-cash').fill(plainYuan(owed));
      await expect(cashItem.locator('.ant-form-item-explain-error')).toHaveCount(0);
      await form.getByTestId('close-till-submit').click();
      await page.getByRole('button', { name: /确\s*定/ }).click();
      const closed = page.getByTestId('till-closed');
      await expect(closed).toBeVisible();
      await expect(closed).toContainText('今日已日结');
      await expect(closed).toContainText(`共 1 笔，合计 ¥${yuan(owed)}`);
      await shot(page, 'closed');

      const none = await getJson<{ till: Till | null }>(counterApi, '/api/tills/current');
      expect(none.till).toBeNull();
    });

    await test.step("the manager sees the day's till with its totals", async () => {
      await apiLogin(managerApi, DEMO.manager);
      const { tills } = await getJson<{ tills: Till[] }>(managerApi, '/api/tills', { date: today });
      const mine = tills.filter((till) => till.staffName === DEMO.counterName);
      const last = mine[mine.length - 1] as Till;
      expect(last.closedAt).not.toBeNull();
      expect(last.expected).toEqual({ cash: owed, card: 0, transfer: 0 });
      expect(last.counted).toEqual({ cash: owed, card: 0, transfer: 0 });
      const dayTotal = tills.reduce((sum, till) => sum + till.expected.cash + till.expected.card + till.expected.transfer, 0);

      await page.getByRole('button', { name: /退出登录/ }).click();
      await expect(page.getByText('员工登录')).toBeVisible();
      await consoleLogin(page, DEMO.manager);
      await page.getByRole('menuitem', { name: /日结汇总/ }).click();
      await expect(page).toHaveURL(/\/console\/counter\/tills$/);
      const table = page.getByTestId('tills-table');
      await expect(table.locator('tbody tr.ant-table-row')).toHaveCount(tills.length);
      await expect(table.locator('tbody tr.ant-table-row').filter({ hasText: DEMO.counterName }).last()).toContainText(yuan(owed));
      await expect(page.getByTestId('tills-total')).toHaveText(yuan(dayTotal));
      await shot(page, 'manager-tills');
    });

    expect(errors, 'no uncaught errors in the page').toEqual([]);
  } finally {
    await counterApi.dispose();
    await managerApi.dispose();
  }
});
