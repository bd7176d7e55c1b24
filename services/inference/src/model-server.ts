import { MicroBatcher, type BatcherOptions } from './batcher.js';
import { HotSwap, type Disposable } from './hot-swap.js';

/** A loaded model that takes a batch of inputs in one runtime call. */
export interface BatchModel<I, O> extends Disposable {
  run(items: I[]): Promise<O[]>;
}

export interface Loaded<I, O> {
  readonly model: BatchModel<I, O>;
  readonly version: string;
}

export type Loader<I, O> = () => Promise<Loaded<I, O>>;

export interface ModelServerOptions<I> {
  readonly batch: BatcherOptions;
  /** Inputs run once at start and on every reload, before the version takes traffic. */
  readonly warmup: readonly I[];
}

/**
 * Serves one model: micro-batched calls, a bounded queue, warm-up before the
 * first call, and hot reload that lets in-flight batches finish on the old
 * version.
 */
export class ModelServer<I, O> {
  private readonly batcher: MicroBatcher<I, O>;

  private constructor(
    private readonly live: HotSwap<BatchModel<I, O>>,
    private readonly options: ModelServerOptions<I>,
  ) {
    this.batcher = new MicroBatcher((items) => this.live.use((m) => m.run(items)), options.batch);
  }

  static async start<I, O>(load: Loader<I, O>, options: ModelServerOptions<I>): Promise<ModelServer<I, O>> {
    const first = await warmedUp(load, options.warmup);
    return new ModelServer(new HotSwap(first.model, first.version), options);
  }

  get version(): string {
    return this.live.version;
  }

  get pending(): number {
    return this.batcher.pending;
  }

  get batchHistory(): readonly number[] {
    return this.batcher.history;
  }

  infer(item: I): Promise<O> {
    return this.batcher.submit(item);
  }

  /** Loads and warms the new version, then swaps; the old one drains and is disposed. */
  async reload(load: Loader<I, O>): Promise<void> {
    const next = await warmedUp(load, this.options.warmup);
    await this.live.swap(next.model, next.version);
  }

  close(): Promise<void> {
    return this.live.dispose();
  }
}

async function warmedUp<I, O>(load: Loader<I, O>, warmup: readonly I[]): Promise<Loaded<I, O>> {
  const loaded = await load();
  if (warmup.length > 0) await loaded.model.run([...warmup]);
  return loaded;
}
