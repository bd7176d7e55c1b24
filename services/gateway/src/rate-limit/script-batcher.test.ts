import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ScriptBatcher } from './script-batcher.js';

/** A stand-in client: `gate` answers with its first argument, or fails when that is 'bad'. */
function fakeRedis() {
  const log: string[] = [];
  const pending: (() => void)[] = [];
  const answer = (arg: unknown) => (arg === 'bad' ? Promise.reject(new Error('bad')) : Promise.resolve(arg));
  const deferred = <T>(fn: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => pending.push(() => void fn().then(resolve, reject)));
  const redis = {
    gate: (arg: unknown) => {
      log.push(`single ${String(arg)}`);
      return deferred(() => answer(arg));
    },
    pipeline: () => {
      const args: unknown[] = [];
      const p = {
        gate: (arg: unknown) => void args.push(arg),
        exec: () => {
          log.push(`pipeline ${args.join(',')}`);
          return deferred(async () =>
            Promise.all(
              args.map((a) =>
                answer(a).then(
                  (v) => [null, v] as const,
                  (e: Error) => [e, null] as const,
                ),
              ),
            ),
          );
        },
      };
      return p;
    },
  };
  const step = () => pending.shift()?.();
  return { redis: redis as unknown as Redis, log, step };
}

describe('ScriptBatcher', () => {
  it('sends a lone call at once and batches the calls made while it is out', async () => {
    const { redis, log, step } = fakeRedis();
    const batcher = new ScriptBatcher(redis, 'gate');
    const first = batcher.call(['a']);
    const rest = [batcher.call(['b']), batcher.call(['bad']), batcher.call(['c'])].map((p) =>
      p.then(String, (e: Error) => `error ${e.message}`),
    );
    expect(log).toEqual(['single a']);
    step();
    expect(await first).toBe('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['single a', 'pipeline b,bad,c']);
    step();
    expect(await Promise.all(rest)).toEqual(['b', 'error bad', 'c']);
  });

  it('fails every call of a batch whose pipeline fails, and carries on afterwards', async () => {
    const { redis, step } = fakeRedis();
    (redis as unknown as { pipeline: () => unknown }).pipeline = () => ({
      gate: () => undefined,
      exec: () => Promise.reject(new Error('down')),
    });
    const batcher = new ScriptBatcher(redis, 'gate');
    const first = batcher.call(['a']);
    const both = [batcher.call(['b']), batcher.call(['c'])].map((p) => p.catch((e: Error) => e.message));
    step();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    step();
    expect(await Promise.all(both)).toEqual(['down', 'down']);
    const later = batcher.call(['d']);
    await new Promise((resolve) => setImmediate(resolve));
    step();
    expect(await later).toBe('d');
  });
});
