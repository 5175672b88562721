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

  it('keeps 10 connections to the database server unless SHUIWU_DB_POOL_SIZE says otherwise', () => {
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY }).databasePoolSize).toBe(10);
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_POOL_SIZE: '5' }).databasePoolSize).toBe(5);
  });

  it('sheds load past 200 waiting transactions unless SHUIWU_DB_QUEUE_LIMIT says otherwise', () => {
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY }).databaseQueueLimit).toBe(200);
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_QUEUE_LIMIT: '50' }).databaseQueueLimit).toBe(50);
  });

  it('refuses a pool size or queue limit out of range, naming the setting', () => {
    for (const value of ['0', '1', '201', 'five', '2.5']) {
      expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_POOL_SIZE: value })).toThrow(ConfigError);
      expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_POOL_SIZE: value })).toThrow(/SHUIWU_DB_POOL_SIZE/);
    }
    for (const value of ['0', '100001', 'many']) expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_QUEUE_LIMIT: value })).toThrow(/SHUIWU_DB_QUEUE_LIMIT/);
  });
});
