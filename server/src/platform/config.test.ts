import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const KEY = 'ab'.repeat(32);

describe('the configuration', () => {
  it('limits logins to 20 a minute per address unless SHUIWU_LOGIN_RATE_LIMIT says otherwise', () => {
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY }).loginRateLimitPerMinute).toBe(20);
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_LOGIN_RATE_LIMIT: '200' }).loginRateLimitPerMinute).toBe(200);
  });

  it('refuses a login limit that is not a positive whole number, naming the setting', () => {
    for (const value of ['0', '-3', '2.5', 'many']) {
      expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_LOGIN_RATE_LIMIT: value })).toThrow(ConfigError);
      expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_LOGIN_RATE_LIMIT: value })).toThrow(/SHUIWU_LOGIN_RATE_LIMIT/);
    }
  });
});
