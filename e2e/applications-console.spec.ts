// The console side of applications (网上办) beyond the journey of e2e/applications.spec.ts (where a new connection
// applied for on the phone is worked through every stage in the console): the counter's intake for a walk-in
// customer, return for materials and rejection, the work queue's filters, the manager's figures (by type, by
// stage with the average days per stage, the overdue list) in Chinese and English, and the counter intake opened
// from the customer 360. Steps: e2e/steps/applications-console.ts. Screenshots go to
// e2e/screenshots/applications-console-*.png.
import { expect, test } from '@playwright/test';
import { consolePage, consoleShots, enterConnectionAtCounter, returnForMaterials } from './steps/applications-console.js';

const screenshot = consoleShots('applications-console');
const pageErrors: string[] = [];

test.afterAll(() => expect(pageErrors).toEqual([]));

test('the counter takes a walk-in application, returns one for materials and rejects another; the manager sees the figures', async ({ browser }) => {
  test.setTimeout(300_000);
  const { applicationNo, page: counter } = await enterConnectionAtCounter(browser, { name: '尹志华', phone: '13655512345', district: '江岸区', street: '台北路', address: `${Date.now() % 1000}号台北花园7栋202室` });
  counter.on('pageerror', (error) => pageErrors.push(`counter: ${error.message}`));
  await screenshot(counter, 'counter-created');
  await counter.getByTestId('counter-open').click();
  await expect(counter.getByTestId('application-no')).toHaveText(applicationNo);

  // Return for materials: the missing document ticked, a reason given; the applicant's clock stops.
  await returnForMaterials(counter, '身份证照片不清晰，请重新上传', { materials: ['申请人身份证明'], screenshot });
  // The counter resubmits for the applicant, then rejects with a reason.
  await counter.getByTestId('application-resubmit').click();
  await expect(counter.getByTestId('application-status')).toHaveText('办理中');
  await counter.getByTestId('application-reject').click();
  await counter.getByRole('dialog').getByTestId('reason-input').fill('该地址不在本公司供水范围内');
  await counter.getByRole('dialog').locator('#application-reason-confirm').click();
  await expect(counter.getByTestId('application-status')).toHaveText('不予办理');
  await screenshot(counter, 'detail-rejected');

  // The queue's filters: type, overdue (the demo has applications past their stage's deadline), number.
  await counter.goto('/console/applications?view=all');
  await counter.getByTestId('application-filter-overdue').click();
  await expect(counter.getByTestId('application-row').first()).toBeVisible();
  await expect(counter.getByTestId('application-row').first().getByTestId('overdue-tag')).toBeVisible();
  await screenshot(counter, 'queue-overdue');
  await counter.goto(`/console/applications?view=all&q=${applicationNo}`);
  await expect(counter.getByTestId('application-row')).toHaveCount(1);
  await counter.context().close();

  // The manager's figures: by type, by stage with the chart, and the overdue list.
  const manager = await consolePage(browser, 'manager');
  manager.on('pageerror', (error) => pageErrors.push(`manager: ${error.message}`));
  await manager.getByRole('menuitem', { name: '业务统计' }).click();
  await expect(manager.getByTestId('application-type-stats')).toContainText('用水报装');
  await expect(manager.getByTestId('application-stage-chart').locator('svg')).toBeVisible();
  // Each stage of a new connection with the days it took on average (the demo has finished ones).
  const accepted = manager.getByTestId('application-stage-stats').locator('tr', { hasText: '受理' });
  await expect(accepted.locator('td').last()).toHaveText(/^\d+\.\d{2}$/);
  await manager.getByTestId('application-stats-type').getByText('更名过户', { exact: true }).click();
  await expect(manager.getByTestId('application-stage-stats')).toContainText('结清水费');
  await manager.getByTestId('application-stats-type').getByText('用水报装', { exact: true }).click();
  await expect(manager.getByTestId('application-stage-stats')).toContainText('首次抄表');
  await expect(manager.getByTestId('application-overdue-list').getByTestId('overdue-tag').first()).toBeVisible();
  await screenshot(manager, 'statistics');
  // English is there too.
  await manager.locator('.sw-header').getByText('EN', { exact: true }).click();
  await expect(manager.getByTestId('application-type-stats')).toContainText('New water connection');
  await screenshot(manager, 'statistics-en');
  await manager.context().close();
});

test('the customer 360 opens the counter intake for that customer', async ({ browser }) => {
  test.setTimeout(120_000);
  const counter = await consolePage(browser, 'counter');
  counter.on('pageerror', (error) => pageErrors.push(`counter: ${error.message}`));
  await counter.getByPlaceholder('户号 / 姓名 / 电话 / 证件号 / 地址').fill('1000000001');
  await counter.locator('.sw-search-row', { hasText: '李秀英' }).first().click();
  await counter.getByTestId('customer-apply').click();
  await expect(counter.getByTestId('counter-customer')).toHaveText('李秀英');
  await counter.getByTestId('counter-type').getByText('校表', { exact: true }).click();
  await expect(counter.getByTestId('counter-account')).toContainText('1000000001');
  await screenshot(counter, 'counter-from-360');
  await counter.getByTestId('counter-submit').click();
  await expect(counter.getByTestId('counter-created-no')).toContainText(/JB\d{13}/);
  await counter.context().close();
});
