/**
 * The machine's speed at this moment. These shared machines drift (on 2026-11-24 the same work took from
 * 520 to 1,210 ms within minutes), so a bench prints how long a fixed piece of CPU work took before and after
 * it: figures taken at different speeds are not comparable, only builds run alternately are.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';

const BLOCK = Buffer.alloc(16 << 20, 1);

/** Milliseconds for a fixed piece of work on one core: hashing 64 MiB and 10⁸ additions (lower is faster). */
export function referenceMilliseconds(): number {
  const started = performance.now();
  for (let round = 0; round < 4; round += 1) createHash('sha256').update(BLOCK).digest();
  let sum = 0;
  for (let index = 0; index < 100_000_000; index += 1) sum += index % 7;
  if (sum < 0) throw new Error('unreachable');
  return Math.round(performance.now() - started);
}

/** CPU seconds in use on the whole machine so far (all processes, the kernel included). */
export const busySeconds = (): number => os.cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0) / 1000;
