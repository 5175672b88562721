/**
 * Request numbers (工单号) "GD" + the business day + a 5-digit serial of that day, unique per utility. The
 * serials come from the utility's per-day counter (platform/db/counters.ts) a block at a time, taken in a
 * short transaction of its own, so no creating transaction holds the counter's row lock to its commit (it
 * did, and that lock let about 150 requests a second through: bench/RESULTS.md). Each server process hands
 * out its block in order. What this costs, as documented in docs/ARCHITECTURE.md:
 * - gaps: a block's numbers that a process does not use before the day ends or it stops are never used,
 *   nor is the number of a creation that is refused or rolled back;
 * - with several server processes, numbers of one day interleave (process A 00001–00020, B 00021–00040),
 *   so a number's order is not strictly the order of creation.
 */
import type { PlatformContext } from '../../platform/context';
import { nextCounterValue, takeCounterBlock } from '../../platform/db/counters';
import type { Database, Sql } from '../../platform/db/database';

/** Numbers per block: a process restarting loses at most this many minus one of the day. */
export const REQUEST_NUMBER_BLOCK = 20;

interface Block {
  next: number;
  last: number;
}

/** Per database (tests run several), per utility and day: the blocks taken and not yet handed out. */
const pools = new WeakMap<Database, Map<string, Block[]>>();

const counterName = (day: string) => `service_request_no_${day}`;
export const formatRequestNo = (day: string, serial: number) => `GD${day}${String(serial).padStart(5, '0')}`;

/** The next number of the utility's `day` (YYYYMMDD) for this process; called outside any transaction. */
export async function takeRequestNumber(context: PlatformContext, tenantId: string, day: string): Promise<string> {
  let byKey = pools.get(context.db);
  if (!byKey) {
    byKey = new Map();
    pools.set(context.db, byKey);
  }
  const key = `${tenantId}/${day}`;
  let blocks = byKey.get(key);
  if (!blocks || blocks.length === 0) {
    // A new day: the previous days' leftovers of this utility are dropped (their gaps are documented).
    for (const other of byKey.keys()) if (other.startsWith(`${tenantId}/`) && other !== key) byKey.delete(other);
    const first = await context.db.withTenant(tenantId, (sql) => takeCounterBlock(sql, tenantId, counterName(day), 0, REQUEST_NUMBER_BLOCK));
    // Callers that found the pool empty at the same time each add their block; all of them get used, the
    // lowest first (their transactions may answer in another order than they took the counter).
    blocks = byKey.get(key) ?? [];
    blocks.push({ next: first, last: first + REQUEST_NUMBER_BLOCK - 1 });
    blocks.sort((a, b) => a.next - b.next);
    byKey.set(key, blocks);
  }
  const block = blocks[0] as Block;
  const serial = block.next;
  block.next += 1;
  if (block.next > block.last) blocks.shift();
  return formatRequestNo(day, serial);
}

/**
 * One number taken inside the caller's transaction, for the rare creation whose business day turned out
 * other than the one its block number was taken for (the utility's time zone changed meanwhile).
 */
export async function takeRequestNumberInTransaction(sql: Sql, tenantId: string, day: string): Promise<string> {
  return formatRequestNo(day, await nextCounterValue(sql, tenantId, counterName(day), 0));
}
