import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  acquireBody,
  migratedPool,
  sleep,
  startCoordinator,
  testSettings,
  type Coordinator,
} from './testing/harness.js';

type Lease = { leaseId: string };

/** Waits until the shared queue holds `n` tickets. */
async function queued(c: Coordinator, n: number): Promise<void> {
  await expect
    .poll(async () => {
      const { depth } = (await c.inject('GET', '/v1/queue')).json<{ depth: Record<string, number> }>();
      return Object.values(depth).reduce((a, b) => a + b, 0);
    })
    .toBe(n);
}

/** Acquires, records the grant, and releases after `holdMs`. */
async function takeTurn(c: Coordinator, who: { holder: string; workClass: string }, served: string[], holdMs = 0) {
  const { holder, workClass } = who;
  const ticket = randomUUID();
  let res = await c.inject('POST', '/v1/leases', acquireBody(holder, { class: workClass, ticket }));
  while (res.statusCode === 202)
    res = await c.inject('POST', '/v1/leases', acquireBody(holder, { class: workClass, ticket }));
  expect(res.statusCode).toBe(201);
  served.push(holder);
  await sleep(holdMs);
  await c.inject('DELETE', `/v1/leases/${res.json<Lease>().leaseId}`);
}

describe('queue order', () => {
  let pool: pg.Pool;
  let coordinator: Coordinator;
  beforeAll(async () => {
    pool = await migratedPool(inject('postgresUrl'));
  });
  afterEach(() => coordinator.close());
  afterAll(() => pool.end());

  it('serves realtime before interactive before batch, first come first served within a class', async () => {
    coordinator = await startCoordinator({ redisUrl: inject('redisUrl'), pool, settings: testSettings() });
    const blocker = await coordinator.inject('POST', '/v1/leases', acquireBody('blocker'));
    const served: string[] = [];
    const arrivals = [
      ['batch-1', 'batch'],
      ['interactive-1', 'interactive'],
      ['batch-2', 'batch'],
      ['realtime-1', 'realtime'],
      ['interactive-2', 'interactive'],
      ['realtime-2', 'realtime'],
    ];
    const turns: Promise<void>[] = [];
    for (const [i, [holder, workClass]] of arrivals.entries()) {
      turns.push(takeTurn(coordinator, { holder: holder!, workClass: workClass! }, served));
      await queued(coordinator, i + 1); // arrival order is the order of this loop
    }
    await coordinator.inject('DELETE', `/v1/leases/${blocker.json<Lease>().leaseId}`);
    await Promise.all(turns);
    expect(served).toEqual(['realtime-1', 'realtime-2', 'interactive-1', 'interactive-2', 'batch-1', 'batch-2']);
  });

  it('serves batch within the aging bound under sustained realtime load', async () => {
    // The bound (ADR 0004): a ticket is overtaken only by tickets that arrive less
    // than the aging window after it; after that it waits for at most the tickets
    // then ahead of it, one lease each per slot. With one slot, W realtime workers
    // (one ticket each) and holds of H ms: wait <= window + (W + 1) * (H + overhead).
    const window = 600;
    const hold = 40;
    const workers = 4;
    coordinator = await startCoordinator({
      redisUrl: inject('redisUrl'),
      pool,
      settings: testSettings({ agingWindowMs: window }),
    });
    const served: string[] = [];
    let running = true;
    const realtime = Array.from({ length: workers }, async (_, w) => {
      while (running) await takeTurn(coordinator, { holder: `rt-${w}`, workClass: 'realtime' }, served, hold);
    });
    await queued(coordinator, workers - 1); // the realtime load is saturating the slot

    const enqueuedAt = Date.now();
    const servedBefore = served.length;
    await takeTurn(coordinator, { holder: 'batch', workClass: 'batch' }, served);
    const waited = Date.now() - enqueuedAt;
    running = false;
    await Promise.all(realtime);

    const overtakenBy = served.indexOf('batch') - servedBefore;
    expect(overtakenBy).toBeGreaterThanOrEqual(5); // the load was real: batch did not just walk in
    expect(waited).toBeGreaterThanOrEqual(window - 100);
    expect(waited).toBeLessThan(window + (workers + 1) * (hold + 100));
  });
});
