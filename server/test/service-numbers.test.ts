// Request numbers (service/numbers.ts): "GD" + the business day + a 5-digit serial, unique per utility,
// taken from the day counter a block at a time outside the creating transaction. And the answer to a
// creation, built from what was written, is the request as it is then read back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_NUMBER_BLOCK } from '../src/modules/service/numbers';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Detail {
  id: string;
  requestNo: string;
  [field: string]: unknown;
}

let environment: TestEnvironment;
let utility: Utility;
let hotline: Client;
let inquiryId: string;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('num');
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  const categories = (await hotline.get<{ categories: { id: string; code: string }[] }>('/api/service-categories')).body.categories;
  inquiryId = categories.find((category) => category.code === 'inquiry')?.id as string;
});
afterAll(() => environment.close());

const create = async (n: number) => {
  const created = await hotline.post<Detail>('/api/service-requests', { categoryId: inquiryId, channel: 'hotline', address: `江岸区沿江大道 ${n} 号`, description: `咨询 ${n}`, contactPhone: '13912345678', confirmNotDuplicate: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
};

describe('request numbers', () => {
  it('numbers concurrent creations uniquely, each readable as GD + business day + serial, consecutively within one process', async () => {
    // 10:00 in Shanghai on 2 March 2026 (the harness clock).
    const made = await Promise.all(Array.from({ length: REQUEST_NUMBER_BLOCK + 5 }, (_, index) => create(index)));
    const numbers = made.map((request) => request.requestNo);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const number of numbers) expect(number).toMatch(/^GD20260302\d{5}$/);
    // One process hands out its blocks in order: nothing skipped yet.
    expect(numbers.map((number) => Number(number.slice(10))).sort((a, b) => a - b)).toEqual(Array.from({ length: numbers.length }, (_, index) => index + 1));
  });

  it('starts the next business day at 00001, the day in the utility’s time zone', async () => {
    // 16:30 UTC is 00:30 the next day in Shanghai.
    environment.clock.set('2026-03-02T16:30:00Z');
    hotline = await environment.loginStaff(utility, 'hotline_agent');
    expect((await create(100)).requestNo).toBe('GD2026030300001');
  });

  it('answers a creation with the request exactly as it reads back', async () => {
    const created = await create(200);
    const read = await hotline.get<Detail>(`/api/service-requests/${created.id}`);
    expect(created).toEqual(read.body);
  });
});
