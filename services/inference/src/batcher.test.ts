import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './batcher.js';
import { HotSwap } from './hot-swap.js';

// Pure scheduling logic: the runtime here is a plain function, not a model.
describe('MicroBatcher', () => {
  it('runs a lone call at once and batches callers that arrive together', async () => {
    const seen: number[][] = [];
    const b = new MicroBatcher(
      (xs: number[]) => {
        seen.push(xs);
        return Promise.resolve(xs.map((x) => x * 2));
      },
      { name: 'double', maxBatchSize: 4, maxQueue: 100 },
    );
    expect(await b.submit(1)).toBe(2);
    const out = await Promise.all([1, 2, 3, 4, 5, 6].map((x) => b.submit(x)));
    expect(out).toEqual([2, 4, 6, 8, 10, 12]);
    expect(seen).toEqual([[1], [1, 2, 3, 4], [5, 6]]);
  });

  it('rejects every call of a failed batch and keeps serving', async () => {
    const b = new MicroBatcher(
      (xs: number[]) => (xs.includes(13) ? Promise.reject(new Error('unlucky batch')) : Promise.resolve(xs)),
      { name: 'echo', maxBatchSize: 8, maxQueue: 100 },
    );
    const results = await Promise.allSettled([12, 13].map((x) => b.submit(x)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await b.submit(1)).toBe(1);
  });

  it('refuses calls beyond maxQueue with a 503 that names the queue', async () => {
    const b = new MicroBatcher((xs: number[]) => Promise.resolve(xs), { name: 'tiny', maxBatchSize: 1, maxQueue: 2 });
    const results = await Promise.allSettled([1, 2, 3].map((x) => b.submit(x)));
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ statusCode: 503, retryAfterSeconds: 1 });
    expect(String(refused.reason)).toMatch(/tiny queue is full \(2 requests waiting\)/);
  });
});

describe('HotSwap', () => {
  it('disposes the old version only after its calls finish', async () => {
    const disposed: string[] = [];
    const make = (name: string) => ({ name, dispose: () => Promise.resolve(void disposed.push(name)) });
    const live = new HotSwap(make('v1'), 'v1');
    let finish!: () => void;
    const slow = live.use(async (m) => {
      await new Promise<void>((r) => (finish = r));
      return m.name;
    });
    const swapped = live.swap(make('v2'), 'v2');
    expect(live.version).toBe('v2');
    expect(await live.use((m) => Promise.resolve(m.name))).toBe('v2');
    expect(disposed).toEqual([]);
    finish();
    expect(await slow).toBe('v1');
    await swapped;
    expect(disposed).toEqual(['v1']);
  });
});
