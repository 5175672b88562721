/**
 * Group commit in the application: writes of one kind for one key (a utility) that arrive while earlier ones
 * are being written wait, and the next free writer takes them all together, in one transaction. At light load
 * every write goes at once and alone, as it would without this; under load each transaction's fixed costs
 * (BEGIN, settings, round trips, the COMMIT and its WAL flush) are shared by the writes that queued behind the
 * ones before. Fewer groups of a key are written at once than the pool has connections, and a further one
 * starts only when enough items wait for a group of their own, so that a queue forms here, where its items
 * share a transaction, rather than in front of the pool.
 */

/** What became of one item of a group: its result or its own error. */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/** A promise's outcome as a Settled, never rejected. */
export const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

interface Waiting<Item, Result> {
  item: Item;
  resolve: (value: Result) => void;
  reject: (error: unknown) => void;
}

interface Lane<Item, Result> {
  waiting: Waiting<Item, Result>[];
  writing: number;
}

export class GroupWriter<Item, Result> {
  private readonly lanes = new Map<string, Lane<Item, Result>>();

  /**
   * `write` writes a group (one item or more, in arrival order) and settles each item: an item's own error
   * does not fail the others. An error it throws fails every item of the group. At most `writers` groups of
   * a key are written at once, each of at most `largest` items; while one is being written, another starts
   * only when at least `spillAt` items wait.
   */
  constructor(
    private readonly write: (key: string, items: readonly Item[]) => Promise<readonly Settled<Result>[]>,
    private readonly options: { writers: number; largest: number; spillAt: number },
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { waiting: [], writing: 0 };
      this.lanes.set(key, lane);
    }
    const promise = new Promise<Result>((resolve, reject) => lane.waiting.push({ item, resolve, reject }));
    this.next(key, lane);
    return promise;
  }

  /** Groups being written and items waiting, per key (for tests and diagnostics). */
  load(key: string): { writing: number; waiting: number } {
    const lane = this.lanes.get(key);
    return { writing: lane?.writing ?? 0, waiting: lane?.waiting.length ?? 0 };
  }

  /** Starts as many writers as may start now: one more only for a queue worth a group of its own. */
  private next(key: string, lane: Lane<Item, Result>): void {
    while (lane.writing < this.options.writers && lane.waiting.length > 0 && (lane.writing === 0 || lane.waiting.length >= this.options.spillAt)) {
      const group = lane.waiting.splice(0, this.options.largest);
      lane.writing += 1;
      void this.run(key, group).finally(() => {
        lane.writing -= 1;
        if (lane.writing === 0 && lane.waiting.length === 0) this.lanes.delete(key);
        else this.next(key, lane);
      });
    }
  }

  private async run(key: string, group: Waiting<Item, Result>[]): Promise<void> {
    try {
      const settled = await this.write(
        key,
        group.map((waiting) => waiting.item),
      );
      group.forEach((waiting, index) => {
        const outcome = settled[index];
        if (!outcome) waiting.reject(new Error('a group write settled fewer items than it was given'));
        else if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    }
  }
}
