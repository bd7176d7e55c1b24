import type { GpuLease } from '@nemo/common';
import { startRedis, type LocalServer } from '@nemo/common/servers';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HolderLedger } from './testing/holders.js';
import {
  leaseClient,
  migratedPool,
  sleep,
  startCoordinator,
  testSettings,
  type Coordinator,
} from './testing/harness.js';

const CAPACITY = 2;
const LEASE_MS = 1_500;

describe('a Redis restart under load', () => {
  let redisServer: LocalServer;
  let pool: pg.Pool;
  let replicas: Coordinator[];
  let urls: string[];

  beforeAll(async () => {
    redisServer = await startRedis();
    pool = await migratedPool(inject('postgresUrl'));
    const settings = testSettings({ slots: CAPACITY, leaseMs: LEASE_MS, maxQueue: 100 });
    const first = await startCoordinator({ redisUrl: redisServer.url, pool, settings });
    const second = await startCoordinator({ redisUrl: redisServer.url, pool, settings, prefix: first.prefix });
    replicas = [first, second];
    urls = await Promise.all(replicas.map((r) => r.app.listen({ port: 0, host: '127.0.0.1' })));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await pool.end();
    await redisServer.dispose();
  });

  it('never leads to a double grant; live holders keep their slots', async () => {
    const holders = new HolderLedger(CAPACITY);
    // Two long jobs hold both slots, heartbeating, across the restart.
    const longJobs: GpuLease[] = [];
    for (const [i, url] of urls.entries()) {
      const lease = await leaseClient(url, `long-${i}`).acquire({
        workload: 'asr',
        class: 'realtime',
        expectedMs: 60_000,
      });
      holders.took(lease);
      longJobs.push(lease);
    }

    // Contenders keep asking all through the outage.
    let contending = true;
    let grantsAfterRestart = 0;
    const contenders = Array.from({ length: 6 }, async (_, i) => {
      const client = leaseClient(urls[i % 2]!, `short-${i}`);
      while (contending) {
        const lease = await client
          .acquire({ workload: 'llm', class: 'interactive', expectedMs: 50, deadlineMs: 5_000 })
          .catch(() => undefined); // 503 while Redis is down, 429 while full: ask again
        if (!lease) {
          await sleep(50);
          continue;
        }
        holders.took(lease);
        grantsAfterRestart += 1;
        await sleep(50);
        holders.letGo(lease);
        await lease.release();
      }
    });

    await sleep(300);
    expect(grantsAfterRestart).toBe(0); // both slots are held
    await redisServer.stop();
    await sleep(300);
    await redisServer.start();

    // The long jobs re-adopt their slots by renewing; contenders get nothing meanwhile.
    await sleep(LEASE_MS);
    holders.assertHeld();
    expect(longJobs.map((l) => l.signal.aborted)).toEqual([false, false]);
    expect(grantsAfterRestart).toBe(0);

    // Once a long job ends, its slot goes to a contender.
    holders.letGo(longJobs[0]!);
    await longJobs[0]!.release();
    await expect.poll(() => grantsAfterRestart, { timeout: 5_000 }).toBeGreaterThan(0);

    contending = false;
    await Promise.all(contenders);
    holders.letGo(longJobs[1]!);
    await longJobs[1]!.release();
    holders.assertHeld();
  });
});
