import { ErrorCode, NemoError } from '@nemo/common';

export interface BatcherOptions {
  /** Names the queue in errors and metrics. */
  readonly name: string;
  /** Most items one runtime call takes. */
  readonly maxBatchSize: number;
  /** Most items waiting; a submit beyond it is refused at once. */
  readonly maxQueue: number;
  /**
   * How long a lone item may wait for company when the runtime is idle. 0 (the
   * default) runs it at the next turn of the event loop: callers that arrive
   * while a batch runs are batched anyway, so single streams pay nothing.
   */
  readonly maxWaitMs?: number;
}

interface Waiter<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (err: unknown) => void;
}

/** Thrown (as a 503 with Retry-After) when a queue is full. */
export function queueFullError(name: string, maxQueue: number): NemoError {
  return new NemoError(
    ErrorCode.Unavailable,
    `The ${name} queue is full (${maxQueue} requests waiting); retry after a second`,
    { retryAfterSeconds: 1 },
  );
}

/**
 * Gathers concurrent calls into one runtime call. One batch runs at a time;
 * whatever arrives meanwhile forms the next batch, up to maxBatchSize.
 */
export class MicroBatcher<I, O> {
  private readonly queue: Waiter<I, O>[] = [];
  private running = false;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private readonly batchSizes: number[] = [];

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: BatcherOptions,
  ) {}

  /** Items waiting, not counting the batch that runs. */
  get pending(): number {
    return this.queue.length;
  }

  /** Sizes of the batches run so far (for tests and metrics). */
  get history(): readonly number[] {
    return this.batchSizes;
  }

  submit(item: I): Promise<O> {
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(queueFullError(this.options.name, this.options.maxQueue));
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.timer) return;
    const full = this.queue.length >= this.options.maxBatchSize;
    const wait = full ? 0 : (this.options.maxWaitMs ?? 0);
    const fire = () => {
      this.timer = undefined;
      void this.flush();
    };
    // setTimeout(0) waits at least a millisecond, a fifth of a small embedding;
    // setImmediate still lets callers of this same turn join the batch.
    this.timer = wait > 0 ? setTimeout(fire, wait) : setImmediate(fire);
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.options.maxBatchSize);
    if (batch.length === 0) return;
    this.running = true;
    this.batchSizes.push(batch.length);
    try {
      const out = await this.run(batch.map((w) => w.item));
      if (out.length !== batch.length)
        throw new Error(`${this.options.name} returned ${out.length} results for ${batch.length} inputs`);
      batch.forEach((w, i) => w.resolve(out[i] as O));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
