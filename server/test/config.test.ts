import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/platform/config';

const KEY = 'ab'.repeat(32);

describe('configuration', () => {
  it('keeps 10 connections to the database server unless SHUIWU_DB_POOL_SIZE says otherwise', () => {
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY }).databasePoolSize).toBe(10);
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_POOL_SIZE: '5' }).databasePoolSize).toBe(5);
  });

  it('sheds load past 200 waiting transactions unless SHUIWU_DB_QUEUE_LIMIT says otherwise', () => {
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY }).databaseQueueLimit).toBe(200);
    expect(loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_QUEUE_LIMIT: '50' }).databaseQueueLimit).toBe(50);
    expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_QUEUE_LIMIT: '0' })).toThrow(/SHUIWU_DB_QUEUE_LIMIT/);
  });

  it.each(['0', '1', '201', 'five', '2.5'])('refuses SHUIWU_DB_POOL_SIZE=%s, naming the variable', (value) => {
    expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_POOL_SIZE: value })).toThrow(ConfigError);
    expect(() => loadConfig({ SHUIWU_SECRET_KEY: KEY, SHUIWU_DB_POOL_SIZE: value })).toThrow(/SHUIWU_DB_POOL_SIZE/);
  });
});
