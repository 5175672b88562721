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
import { businessDate } from '../../platform/clock';
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
/** Per database, per utility and day: the block being taken now, which every caller finding the pool empty waits for. */
const takings = new WeakMap<Database, Map<string, Promise<void>>>();

const counterName = (day: string) => `service_request_no_${day}`;
export const formatRequestNo = (day: string, serial: number) => `GD${day}${String(serial).padStart(5, '0')}`;

/** The business day (YYYYMMDD) of an instant in a zone that numbers a request. */
export const requestDay = (at: Date, timeZone: string): string => businessDate(at, timeZone).replaceAll('-', '');

function mapOf<V>(maps: WeakMap<Database, Map<string, V>>, db: Database): Map<string, V> {
  let map = maps.get(db);
  if (!map) {
    map = new Map();
    maps.set(db, map);
  }
  return map;
}

/**
 * The next number of the utility's `day` (YYYYMMDD) for this process; called outside any transaction. One
 * block is taken at a time: callers that find the pool empty while it is being taken wait for it and share
 * it, in the order they came (under load twenty callers would otherwise queue twenty transactions on the
 * counter's row lock, each with its own synced commit, for twenty blocks of which one was needed).
 */
export async function takeRequestNumber(context: PlatformContext, tenantId: string, day: string): Promise<string> {
  const byKey = mapOf(pools, context.db);
  const taking = mapOf(takings, context.db);
  const key = `${tenantId}/${day}`;
  for (;;) {
    const blocks = byKey.get(key);
    const block = blocks?.[0];
    if (blocks && block) {
      const serial = block.next;
      block.next += 1;
      if (block.next > block.last) blocks.shift();
      return formatRequestNo(day, serial);
    }
    let pending = taking.get(key);
    if (!pending) {
      pending = (async () => {
        // A new day: the previous days' leftovers of this utility are dropped (their gaps are documented).
        for (const other of byKey.keys()) if (other.startsWith(`${tenantId}/`) && other !== key) byKey.delete(other);
        const first = await context.db.withTenant(tenantId, (sql) => takeCounterBlock(sql, tenantId, counterName(day), 0, REQUEST_NUMBER_BLOCK));
        const list = byKey.get(key) ?? [];
        list.push({ next: first, last: first + REQUEST_NUMBER_BLOCK - 1 });
        list.sort((a, b) => a.next - b.next);
        byKey.set(key, list);
      })().finally(() => taking.delete(key));
      taking.set(key, pending);
    }
    await pending;
  }
}

/**
 * One number taken inside the caller's transaction, for the rare creation whose business day turned out
 * other than the one its block number was taken for (the utility's time zone changed meanwhile).
 */
export async function takeRequestNumberInTransaction(sql: Sql, tenantId: string, day: string): Promise<string> {
  return formatRequestNo(day, await nextCounterValue(sql, tenantId, counterName(day), 0));
}
