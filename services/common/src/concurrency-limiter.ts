import { ErrorCode, NemoError } from './errors.js';

export interface LimiterStats {
  active: number;
  waiting: number;
}

/**
 * A per-replica concurrency limit: `concurrency` tasks run at once, up to
 * `maxQueue` more wait in order, and the rest are refused at once with 503
 * and Retry-After. A waiter whose client leaves gives up its place.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueue: number,
    /** What runs, in the plural, for the busy message: "generations", "audio decodes". */
    readonly what = 'tasks',
  ) {}

  get stats(): LimiterStats {
    return { active: this.active, waiting: this.queue.length };
  }

  /** Resolves with a release function once a slot is free. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.concurrency) {
      this.active++;
      return this.releaser();
    }
    if (this.queue.length >= this.maxQueue) {
      throw new NemoError(
        ErrorCode.Unavailable,
        `This replica is busy: ${this.active} ${this.what} are running and ${this.queue.length} are waiting; retry shortly.`,
        { retryAfterSeconds: 1 },
      );
    }
    await this.wait(signal);
    return this.releaser();
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal?.reason as Error);
      };
      const waiter = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    };
  }
}
