// Smoke tests: the server is up, and its API documentation renders in Chromium.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('GET /api/health reports ok', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/json');
  const body: unknown = await res.json();
  expect(body).toMatchObject({ status: 'ok' });
});

test('the API docs page loads in Chromium', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const res = await page.goto('/api/docs');
  expect(res, 'navigation to /api/docs got no response').not.toBeNull();
  expect(res?.ok(), `/api/docs answered ${res?.status()}`).toBe(true);

  // Swagger UI renders the spec's title once it has fetched and resolved the OpenAPI document (nearly 300
  // operations, ~1 MB: a few seconds, over 10 s on a busy two-core machine), so the first render gets 30 s.
  // The tags start collapsed (server.ts): no operation is drawn until one is opened.
  await expect(page.locator('.swagger-ui .info .title')).toBeVisible({ timeout: 30_000 });
  const tags = page.locator('.swagger-ui .opblock-tag');
  await expect(tags.first()).toBeVisible();
  expect(await tags.count(), 'the operations are grouped by tag').toBeGreaterThan(5);
  await expect(page.locator('.swagger-ui .opblock'), 'the tags start collapsed').toHaveCount(0);

  // An operation is still browsable: open a tag, then one of its operations with its responses.
  await page.locator('#operations-tag-service').click();
  const operation = page.locator('.swagger-ui .opblock-tag-section.is-open .opblock').first();
  await expect(operation).toBeVisible();
  await operation.locator('.opblock-summary').first().click();
  await expect(operation.locator('.opblock-body .responses-wrapper')).toBeVisible();

  await page.screenshot({ path: `${SCREENSHOT_DIR}api-docs.png`, fullPage: true });
  expect(pageErrors, 'uncaught errors on the page').toEqual([]);
});
