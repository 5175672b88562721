// The administrator's integrations page (对接管理), in Chromium, with the machines on the other side played by
// the test: an Open311 key is issued in the console and used by a GeoReport client; a service is unpublished and
// disappears from the service list; a 12345 link is issued, the platform pushes a signed work order, the hotline
// answers it, and the console shows the reply delivered to the platform (the built-in simulator at /sim).
// Screenshots go to e2e/screenshots/integrations-*.png.
import { expect, test, type Page } from '@playwright/test';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiLogin, DEMO_PASSWORD, DEMO_TENANT, getJson } from './support.js';

const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${SCREENSHOT_DIR}integrations-${name}.png`, animations: 'disabled', fullPage: true });
}

async function consoleLogin(page: Page, username: string): Promise<void> {
  await page.goto('/console/');
  await expect(page.getByText('员工登录')).toBeVisible();
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await expect(page.getByTestId('staff-identity')).toBeVisible();
}

/** The house signature of partner calls (docs/CITY-12345-API.md §3), as the 12345 platform computes it. */
function signedHeaders(appId: string, secret: string, method: string, path: string, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const canonical = ['SHUIWU-HMAC-SHA256', appId, method, path, timestamp, nonce, createHash('sha256').update(body).digest('hex')].join('\n');
  return {
    'x-shuiwu-app-id': appId,
    'x-shuiwu-timestamp': timestamp,
    'x-shuiwu-nonce': nonce,
    'x-shuiwu-signature': createHmac('sha256', secret).update(canonical).digest('base64'),
  };
}

test.use({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });

test.beforeAll(() => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

test('the administrator connects an Open311 app and the 12345 platform, and sees the reply reach the platform', async ({ page, playwright, baseURL }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const machine = await playwright.request.newContext({ baseURL });
  const hotlineApi = await playwright.request.newContext({ baseURL });
  try {
    let apiKey = '';
    // A label of this run's own, so that runs against the same database tell their keys apart.
    const keyLabel = `市民随手拍 App ${String(Date.now()).slice(-5)}`;
    await test.step('the administrator issues an Open311 key, shown once', async () => {
      await consoleLogin(page, 'admin');
      await page.getByRole('menuitem', { name: /对接管理/ }).click();
      await expect(page).toHaveURL(/\/console\/settings\/integrations$/);
      await expect(page.getByTestId('open311-jurisdiction')).toContainText(DEMO_TENANT);
      await page.getByTestId('open311-issue').click();
      await page.getByTestId('open311-key-label').fill(keyLabel);
      await page.getByRole('dialog').getByRole('button', { name: /签发密钥/ }).click();
      const issued = page.getByTestId('open311-issued-key');
      await expect(issued).toBeVisible();
      apiKey = ((await issued.textContent()) ?? '').trim();
      expect(apiKey).toMatch(/^o311_[A-Za-z0-9_-]{43}$/);
      await shot(page, 'open311-key-issued');
      await page.getByRole('button', { name: '我已复制' }).click();
      await expect(page.getByRole('cell', { name: keyLabel })).toBeVisible();
      await shot(page, 'open311-keys');
    });

    await test.step('a GeoReport client reports a leak with the key and follows it in XML', async () => {
      const form = new URLSearchParams({
        api_key: apiKey,
        jurisdiction_id: DEMO_TENANT,
        service_code: 'leak',
        lat: '30.5928',
        long: '114.3055',
        address_string: '江岸区沿江大道188号路口',
        'attribute[location]': 'road',
        description: '路口水管破裂（浏览器旅程）',
      });
      const posted = await machine.post('/open311/v2/requests.json', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: form.toString() });
      expect(posted.status()).toBe(200);
      const [answer] = (await posted.json()) as { service_request_id: string }[];
      expect(answer?.service_request_id).toMatch(/^GD\d{13}$/);
      const xml = await machine.get(`/open311/v2/requests/${answer?.service_request_id}.xml`, { params: { jurisdiction_id: DEMO_TENANT } });
      expect(xml.headers()['content-type']).toBe('text/xml; charset=utf-8');
      const text = await xml.text();
      expect(text).toContain('<status>open</status>');
      expect(text).toContain('<description>路口水管破裂（浏览器旅程）</description>');
      const refused = await machine.post('/open311/v2/requests.json', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: `${form.toString().replace(/api_key=[^&]+/, 'api_key=o311_wrong')}` });
      expect(refused.status()).toBe(403);
    });

    await test.step('unpublishing a service takes it off the Open311 service list', async () => {
      await page.getByRole('tab', { name: /Open311 服务/ }).click();
      const praise = page.getByRole('switch', { name: 'praise 发布' });
      await expect(praise).toBeChecked();
      await praise.click();
      await expect(praise).not.toBeChecked();
      const services = await getJson<{ service_code: string }[]>(machine, '/open311/v2/services.json', { jurisdiction_id: DEMO_TENANT });
      expect(services.map((service) => service.service_code)).not.toContain('praise');
      await shot(page, 'open311-services');
      await praise.click();
      await expect(praise).toBeChecked();
    });

    let link = { appId: '', secret: '' };
    await test.step('the administrator issues a 12345 link that replies to the platform (the simulator)', async () => {
      await page.getByRole('tab', { name: /12345 热线/ }).click();
      await page.getByTestId('city-issue').click();
      await page.getByTestId('city-link-label').fill('市 12345 热线平台');
      await page.getByTestId('city-link-url').fill(`${baseURL}/sim/city12345/${DEMO_TENANT}/replies`);
      await page.getByRole('dialog').getByRole('button', { name: /签发凭据/ }).click();
      await expect(page.getByTestId('city-issued-secret')).toBeVisible();
      link = { appId: ((await page.getByTestId('city-issued-app-id').textContent()) ?? '').trim(), secret: ((await page.getByTestId('city-issued-secret').textContent()) ?? '').trim() };
      expect(link.appId).toMatch(/^c12345_/);
      await shot(page, 'city-link-issued');
      await page.getByRole('button', { name: '我已复制' }).click();
    });

    const orderNo = `E2E${Date.now()}`;
    await test.step('the platform pushes a signed work order; the hotline answers it', async () => {
      const path = `/api/city12345/${DEMO_TENANT}/orders`;
      const body = JSON.stringify({ orderNo, orderType: 'consult', categoryText: '城乡建设/供水/水费', citizenName: '钱七', citizenPhone: '13700008888', address: '江汉区解放大道200号', content: '想咨询阶梯水价怎么计算。', deadline: new Date(Date.now() + 3 * 86_400_000).toISOString() });
      const pushed = await machine.post(path, { headers: { 'content-type': 'application/json', ...signedHeaders(link.appId, link.secret, 'POST', path, body) }, data: body });
      expect(pushed.status(), await pushed.text()).toBe(200);
      const { requestNo } = (await pushed.json()) as { requestNo: string };
      const session = await apiLogin(hotlineApi, 'hotline');
      const { requests } = await getJson<{ requests: { id: string; requestNo: string; version: number }[] }>(hotlineApi, '/api/service-requests', { limit: 200 });
      const request = requests.find((item) => item.requestNo === requestNo);
      expect(request, requestNo).toBeTruthy();
      let version = request?.version ?? 1;
      for (const [step, note] of [['accept', ''], ['respond', '阶梯水价按年用水量分三档，详见水费账单背面说明。']] as const) {
        const res = await hotlineApi.post(`/api/service-requests/${request?.id}/steps`, { headers: { 'x-csrf-token': session.csrfToken }, data: { step, version, ...(note ? { note } : {}) } });
        expect(res.status(), await res.text()).toBe(200);
        version = ((await res.json()) as { version: number }).version;
      }
    });

    await test.step('the reply is delivered to the platform and shown as sent', async () => {
      await expect
        .poll(async () => {
          const received = await getJson<{ replies: { orderNo: string; result: string }[] }>(machine, `/sim/city12345/${DEMO_TENANT}/replies`);
          return received.replies.find((reply) => reply.orderNo === orderNo)?.result ?? null;
        }, { timeout: 30_000 })
        .toBe('阶梯水价按年用水量分三档，详见水费账单背面说明。');
      await page.reload();
      await page.getByRole('tab', { name: /12345 热线/ }).click();
      await expect(page.getByTestId(`reply-status-${orderNo}`)).toHaveText('已发送');
      await shot(page, 'city-replies');
    });

    await test.step('the page reads in English too', async () => {
      await page.getByText('EN', { exact: true }).click();
      await expect(page.getByRole('heading', { name: 'Integrations' })).toBeVisible();
      await shot(page, 'city-replies-en');
    });
    expect(errors).toEqual([]);
  } finally {
    await machine.dispose();
    await hotlineApi.dispose();
  }
});
