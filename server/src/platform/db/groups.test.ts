import { describe, expect, it } from 'vitest';
import { GroupWriter, type Settled } from './groups';

/** A write that waits to be released by the test, recording the groups it was given. */
function gatedWriter(settle: (item: number) => Settled<string> = (item) => ({ ok: true, value: `#${item}` })) {
  const groups: { key: string; items: number[] }[] = [];
  const gates: (() => void)[] = [];
  const write = async (key: string, items: readonly number[]) => {
    groups.push({ key, items: [...items] });
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map(settle);
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.splice(0).forEach((release) => release());
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { groups, write, releaseAll };
}

describe('GroupWriter', () => {
  it('writes each item at once while a writer is free, and those that arrive while all are busy together', async () => {
    const gated = gatedWriter();
    const writer = new GroupWriter(gated.write, { writers: 2, largest: 10, spillAt: 1 });
    const answers = [1, 2, 3, 4, 5].map((item) => writer.submit('a', item));
    expect(gated.groups).toEqual([
      { key: 'a', items: [1] },
      { key: 'a', items: [2] },
    ]);
    expect(writer.load('a')).toEqual({ writing: 2, waiting: 3 });
    await gated.releaseAll();
    expect(await Promise.all(answers)).toEqual(['#1', '#2', '#3', '#4', '#5']);
    expect(gated.groups.slice(2)).toEqual([{ key: 'a', items: [3, 4, 5] }]);
    expect(writer.load('a')).toEqual({ writing: 0, waiting: 0 });
  });

  it('starts a further writer only when a group\'s worth waits', async () => {
    const gated = gatedWriter();
    const writer = new GroupWriter(gated.write, { writers: 3, largest: 10, spillAt: 3 });
    const answers = [1, 2, 3].map((item) => writer.submit('a', item));
    // The first goes at once; two waiting are not enough for a second writer.
    expect(gated.groups).toEqual([{ key: 'a', items: [1] }]);
    answers.push(writer.submit('a', 4));
    // Three waiting are: they go together while the first is still being written.
    expect(gated.groups).toEqual([
      { key: 'a', items: [1] },
      { key: 'a', items: [2, 3, 4] },
    ]);
    await gated.releaseAll();
    expect(await Promise.all(answers)).toEqual(['#1', '#2', '#3', '#4']);
  });

  it('starts each further writer for a group\'s worth waiting, and writes a long queue in groups of the largest', async () => {
    const gated = gatedWriter();
    const writer = new GroupWriter(gated.write, { writers: 3, largest: 2, spillAt: 2 });
    // One writer takes the first; the next two start for the two pairs queued behind it.
    const answers = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((item) => writer.submit('a', item));
    expect(gated.groups.map((group) => group.items)).toEqual([[1], [2, 3], [4, 5]]);
    // As writers come free, the four still waiting go as two pairs.
    await gated.releaseAll();
    expect(await Promise.all(answers)).toEqual(['#1', '#2', '#3', '#4', '#5', '#6', '#7', '#8', '#9']);
    expect(gated.groups.map((group) => group.items)).toEqual([[1], [2, 3], [4, 5], [6, 7], [8, 9]]);
  });

  it('keeps keys apart and no group larger than its largest', async () => {
    const gated = gatedWriter();
    const writer = new GroupWriter(gated.write, { writers: 1, largest: 2, spillAt: 1 });
    const answers = [writer.submit('a', 1), writer.submit('b', 2), writer.submit('a', 3), writer.submit('a', 4), writer.submit('a', 5), writer.submit('b', 6)];
    await gated.releaseAll();
    await Promise.all(answers);
    expect(gated.groups).toEqual([
      { key: 'a', items: [1] },
      { key: 'b', items: [2] },
      { key: 'a', items: [3, 4] },
      { key: 'b', items: [6] },
      { key: 'a', items: [5] },
    ]);
  });

  it('gives each item its own outcome, and fails a whole group only when its write throws', async () => {
    const gated = gatedWriter((item) => (item % 2 === 0 ? { ok: false, error: new Error(`refused ${item}`) } : { ok: true, value: `#${item}` }));
    const writer = new GroupWriter(gated.write, { writers: 1, largest: 10, spillAt: 1 });
    const answers = [1, 2, 3, 4].map((item) => writer.submit('a', item).catch((error: Error) => error.message));
    await gated.releaseAll();
    expect(await Promise.all(answers)).toEqual(['#1', 'refused 2', '#3', 'refused 4']);

    let calls = 0;
    const failing = new GroupWriter<number, string>(async (_key, items) => {
      calls += 1;
      if (calls === 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('connection lost');
      }
      return items.map((item) => ({ ok: true as const, value: String(item) }));
    }, { writers: 1, largest: 10, spillAt: 1 });
    // The first goes alone; the two queued behind it are one group, which the failure does not reach.
    const lost = await Promise.all([1, 2, 3].map((item) => failing.submit('a', item).catch((error: Error) => error.message)));
    expect(lost).toEqual(['connection lost', '2', '3']);
    expect(await failing.submit('a', 7)).toBe('7');
  });

  it('refuses a write that settles fewer items than it was given, rather than leave callers waiting', async () => {
    const writer = new GroupWriter<number, string>(() => Promise.resolve([]), { writers: 1, largest: 10, spillAt: 1 });
    await expect(writer.submit('a', 1)).rejects.toThrow('settled fewer items');
  });
});
