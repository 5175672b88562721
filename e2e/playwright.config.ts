// Playwright configuration for Shuiwu's browser tests (`npx playwright test -c e2e/playwright.config.ts`).
// Runs Debian's Chromium (/usr/bin/chromium): Playwright never downloads a browser here.
import { defineConfig } from '@playwright/test';

const CHROMIUM_PATH = process.env.SHUIWU_CHROMIUM_PATH ?? '/usr/bin/chromium';

// Flags for a root, offline, GPU-less machine: without the networking flags Chromium keeps trying
// (and failing) to reach Google's services.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results',
  globalSetup: './global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    // Set by global-setup.ts once the server answers (or given, to test a running server).
    baseURL: process.env.SHUIWU_E2E_URL,
    browserName: 'chromium',
    // The utility's staff and customers are in China: their browsers' "today" is Beijing's, as the server's
    // business dates are (the tenant's time zone). Without this a run between 16:00 and 24:00 UTC has the
    // console asking for yesterday's calls.
    timezoneId: 'Asia/Shanghai',
    locale: 'zh-CN',
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    // Tests save their own screenshots under e2e/screenshots/.
    screenshot: 'off',
    video: 'off',
    trace: 'off',
  },
});
