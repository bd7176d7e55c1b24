import type { Redis } from 'ioredis';

/**
 * Wakes local waiters when any replica frees a slot (a Redis pub/sub
 * message). Waiters also poll, because a lease that expires frees its slot
 * without a message, and a message can be missed while Redis reconnects.
 */
export class Waker {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
  ) {
    subscriber.on('message', (ch: string) => {
      if (ch === channel) this.notify();
    });
    subscriber.on('error', () => undefined); // it reconnects; the waiters poll meanwhile
    // On every (re)connection: the first subscribe may have failed, and
    // subscribing twice to one channel is harmless.
    subscriber.on('ready', () => {
      subscriber.subscribe(channel).catch(() => undefined);
    });
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Resolves after `ms`, when aborted, or, if `wakeable`, at the next freed
   * slot. Only waiters near the front are wakeable: waking the whole queue
   * for one slot would cost every replica a Redis round trip per waiter.
   */
  wait(ms: number, signal: AbortSignal, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (wakeable) this.listeners.add(done);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted) done();
    });
  }

  close(): void {
    this.subscriber.disconnect();
  }
}
