// What several journeys share: the demo utility's sign-in and JSON reads through Playwright's API
// contexts (kept apart from the browser's cookies). e2e code imports no server code.
import { expect, type APIRequestContext, type Locator } from '@playwright/test';

export const DEMO_TENANT = 'jiangcheng';
export const DEMO_PASSWORD = 'Shuiwu@2026';

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
