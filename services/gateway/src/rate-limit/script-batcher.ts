import type { Redis } from 'ioredis';

type Args = readonly (string | number)[];
type PipelineResult = [Error | null, unknown][] | null;

interface Pending {
  args: Args;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Scripted = Record<string, (...args: Args) => Promise<unknown>>;

/**
 * Coalesces calls of one defined script into Redis pipelines. A call made while
 * no batch is out goes at once, alone; calls made while a batch is out wait for
 * it and then go together: one write and one read for the lot instead of one
 * each, which is most of what a rate-limit check costs under load. Each call
 * still runs its own script atomically and settles with its own result or
 * error, and the client's command timeout still bounds every one.
 */
export class ScriptBatcher {
  private queue: Pending[] = [];
  private busy = false;

  constructor(
    private readonly redis: Redis,
    private readonly command: string,
    private readonly maxBatch = 128,
  ) {}

  call(args: Args): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ args, resolve, reject });
      if (!this.busy) this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
    if (batch.length === 0) {
      this.busy = false;
      return;
    }
    this.busy = true;
    const sent = batch.length === 1 ? this.single(batch[0] as Pending) : this.pipelined(batch);
    void sent.finally(() => this.flush());
  }

  private single(job: Pending): Promise<void> {
    return (this.redis as unknown as Scripted)[this.command]!(...job.args).then(job.resolve, job.reject);
  }

  private pipelined(batch: Pending[]): Promise<void> {
    const pipeline = this.redis.pipeline() as unknown as Record<string, (...args: Args) => unknown> & {
      exec(): Promise<PipelineResult>;
    };
    for (const job of batch) pipeline[this.command]!(...job.args);
    return pipeline.exec().then(
      (results) => batch.forEach((job, i) => settle(job, results?.[i])),
      (err: unknown) => batch.forEach((job) => job.reject(err)),
    );
  }
}

function settle(job: Pending, result: [Error | null, unknown] | undefined): void {
  if (!result) job.reject(new Error('Redis pipeline returned no result'));
  else if (result[0]) job.reject(result[0]);
  else job.resolve(result[1]);
}
