import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkQueue, type HandlerResult } from './work-queue.js';

/** A promise the test settles by hand, to hold a handler mid-run. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const noJitter = { baseMs: 200, capMs: 60_000, random: () => 1 };

describe('WorkQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('processes a key added several times while waiting only once', async () => {
    const seen: string[] = [];
    const gate = deferred();
    const queue = new WorkQueue(
      async (key) => {
        seen.push(key);
        if (key === 'ns/blocker') await gate.promise;
      },
      { concurrency: 1 },
    );
    queue.add('ns/blocker');
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/a');
    expect(queue.depth).toBe(1);
    gate.resolve();
    await queue.drained();
    expect(seen).toEqual(['ns/blocker', 'ns/a']);
  });

  it('runs a key re-added during processing once more afterwards, never concurrently', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const gate = deferred();
    const queue = new WorkQueue(async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      if (runs === 1) await gate.promise;
      running--;
    });
    queue.add('ns/a');
    await vi.advanceTimersByTimeAsync(0);
    queue.add('ns/a');
    queue.add('ns/a');
    expect(queue.depth).toBe(0);
    gate.resolve();
    await queue.drained();
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it('bounds concurrency', async () => {
    let running = 0;
    let maxRunning = 0;
    const gates = Array.from({ length: 6 }, () => deferred());
    const queue = new WorkQueue(
      async (key) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gates[Number(key.split('/')[1])]!.promise;
        running--;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i++) queue.add(`ns/${String(i)}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.active).toBe(2);
    expect(queue.depth).toBe(4);
    for (const gate of gates) gate.resolve();
    await queue.drained();
    expect(maxRunning).toBe(2);
  });

  it('backs off exponentially per key on error and resets on success', async () => {
    const attemptsAt: number[] = [];
    let failuresLeft = 3;
    const start = Date.now();
    const queue = new WorkQueue(
      () => {
        attemptsAt.push(Date.now() - start);
        if (failuresLeft-- > 0) return Promise.reject(new Error('conflict'));
        return Promise.resolve();
      },
      { backoff: noJitter },
    );
    queue.add('ns/a');
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.retries('ns/a')).toBe(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(attemptsAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attemptsAt).toEqual([0, 200]);
    await vi.advanceTimersByTimeAsync(400 + 800);
    expect(attemptsAt).toEqual([0, 200, 600, 1400]);
    expect(queue.retries('ns/a')).toBe(0);
  });

  it('keeps backoff separate for each key', async () => {
    const runs = new Map<string, number>();
    const queue = new WorkQueue(
      (key) => {
        runs.set(key, (runs.get(key) ?? 0) + 1);
        return key === 'ns/bad' ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      { backoff: noJitter },
    );
    queue.add('ns/bad');
    queue.add('ns/good');
    await vi.advanceTimersByTimeAsync(0);
    queue.add('ns/good');
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.get('ns/good')).toBe(2);
    expect(queue.retries('ns/good')).toBe(0);
    expect(queue.retries('ns/bad')).toBe(1);
  });

  it('reports errors with the retry delay', async () => {
    const onError = vi.fn();
    const queue = new WorkQueue(() => Promise.reject(new Error('boom')), { backoff: noJitter, onError });
    queue.add('ns/a');
    await vi.advanceTimersByTimeAsync(0);
    expect(onError).toHaveBeenCalledWith('ns/a', expect.any(Error), 200);
  });

  it('requeues after the delay a handler asks for', async () => {
    let runs = 0;
    const queue = new WorkQueue((): Promise<HandlerResult> => {
      runs++;
      return Promise.resolve(runs === 1 ? { requeueAfter: 5_000 } : {});
    });
    queue.add('ns/a');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(2);
  });

  it('keeps the earliest of several delayed adds', async () => {
    const handler = vi.fn(() => Promise.resolve());
    const queue = new WorkQueue(handler);
    queue.addAfter('ns/a', 10_000);
    queue.addAfter('ns/a', 1_000);
    queue.addAfter('ns/a', 5_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(handler).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('reports depth changes', async () => {
    const depths: number[] = [];
    const gate = deferred();
    const queue = new WorkQueue(() => gate.promise, { concurrency: 1, onDepthChange: (d) => depths.push(d) });
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/c');
    expect(depths.at(-1)).toBe(2);
    gate.resolve();
    await queue.drained();
    expect(depths.at(-1)).toBe(0);
  });

  it('shutdown waits for runs in progress and drops waiting and delayed keys', async () => {
    const seen: string[] = [];
    const gate = deferred();
    const queue = new WorkQueue(
      async (key) => {
        seen.push(key);
        await gate.promise;
      },
      { concurrency: 1 },
    );
    queue.add('ns/a');
    queue.add('ns/b');
    queue.addAfter('ns/c', 100);
    let finished = false;
    const done = queue.shutdown().then(() => {
      finished = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(finished).toBe(false);
    gate.resolve();
    await done;
    queue.add('ns/d');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toEqual(['ns/a']);
  });
});
