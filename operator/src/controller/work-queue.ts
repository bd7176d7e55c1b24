import { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.js';

/** What a handler may ask of the queue after a successful run. */
export interface HandlerResult {
  requeueAfter?: number;
}

export type KeyHandler = (key: string) => Promise<HandlerResult | void>;

export interface WorkQueueOptions {
  /** Keys processed at the same time. */
  concurrency?: number;
  backoff?: BackoffSettings;
  /** Called with the number of keys waiting whenever it changes. */
  onDepthChange?: (depth: number) => void;
  /** Called when a handler throws; the key is retried with backoff. */
  onError?: (key: string, error: unknown, retryInMs: number) => void;
}

/**
 * A rate-limited work queue in the manner of client-go's workqueue: a key is
 * never waiting twice, never processed by two workers at once, and a key
 * added while it is being processed runs once more afterwards. Failures back
 * off per key; a success resets the key's backoff.
 */
export class WorkQueue {
  private readonly waiting: string[] = [];
  private readonly waitingSet = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys added while being processed: they run again when the current run ends. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { timer: NodeJS.Timeout; dueAt: number }>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly backoff: BackoffSettings;
  private stopping = false;

  constructor(
    private readonly handler: KeyHandler,
    private readonly options: WorkQueueOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Keys waiting to be processed (not counting those in progress or delayed). */
  get depth(): number {
    return this.waiting.length;
  }

  get active(): number {
    return this.processing.size;
  }

  add(key: string): void {
    if (this.stopping) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.waitingSet.has(key)) return;
    this.waiting.push(key);
    this.waitingSet.add(key);
    this.depthChanged();
    this.pump();
  }

  /** Adds the key after `ms`; an earlier pending add for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopping) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const dueAt = Date.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.dueAt <= dueAt) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.delayed.set(key, { timer, dueAt });
  }

  /** Failures recorded for the key since its last success. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Stops taking keys, drops waiting and delayed ones, and waits for runs in progress. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.waiting.length = 0;
    this.waitingSet.clear();
    this.dirty.clear();
    this.depthChanged();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when nothing is waiting or in progress (delayed keys do not count). */
  async drained(): Promise<void> {
    while (this.inFlight.size > 0 || this.waiting.length > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private pump(): void {
    while (!this.stopping && this.processing.size < this.concurrency && this.waiting.length > 0) {
      const key = this.waiting.shift() as string;
      this.waitingSet.delete(key);
      this.processing.add(key);
      const run = this.process(key);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
    this.depthChanged();
  }

  private async process(key: string): Promise<void> {
    try {
      const result = await this.handler(key);
      this.failures.delete(key);
      if (result?.requeueAfter !== undefined) this.addAfter(key, result.requeueAfter);
    } catch (error) {
      this.retryLater(key, error);
    } finally {
      this.processing.delete(key);
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }

  private retryLater(key: string, error: unknown): void {
    const attempt = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempt);
    const delay = backoffDelay(attempt, this.backoff);
    this.options.onError?.(key, error, delay);
    this.addAfter(key, delay);
  }

  private depthChanged(): void {
    this.options.onDepthChange?.(this.waiting.length);
  }
}
