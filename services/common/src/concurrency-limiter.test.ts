import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

describe('ConcurrencyLimiter', () => {
  it('runs up to the limit, queues in order, and refuses past the queue with 503', async () => {
    const limiter = new ConcurrencyLimiter(1, 1, 'generations');
    const first = await limiter.acquire();
    const order: string[] = [];
    const second = limiter.acquire().then((release) => (order.push('second'), release));
    expect(limiter.stats).toEqual({ active: 1, waiting: 1 });
    await expect(limiter.acquire()).rejects.toMatchObject({
      statusCode: 503,
      retryAfterSeconds: 1,
      message: 'This replica is busy: 1 generations are running and 1 are waiting; retry shortly.',
    });
    first();
    first(); // releasing twice frees one slot only
    const release = await second;
    expect(order).toEqual(['second']);
    expect(limiter.stats).toEqual({ active: 1, waiting: 0 });
    release();
    expect(limiter.stats).toEqual({ active: 0, waiting: 0 });
  });

  it('drops a waiter whose caller aborted', async () => {
    const limiter = new ConcurrencyLimiter(1, 4);
    const held = await limiter.acquire();
    const abort = new AbortController();
    const waiting = limiter.acquire(abort.signal);
    abort.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    expect(limiter.stats).toEqual({ active: 1, waiting: 0 });
    held();
    expect(limiter.stats).toEqual({ active: 0, waiting: 0 });
  });
});
