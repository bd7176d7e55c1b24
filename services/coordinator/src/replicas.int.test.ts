import type { GpuLease } from '@nemo/common';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HolderLedger } from './testing/holders.js';
import {
  leaseClient,
  migratedPool,
  sleep,
  startCoordinator,
  testSettings,
  uniquePrefix,
  type Coordinator,
} from './testing/harness.js';

const CAPACITY = 4;
const ACQUIRERS = 200;

describe('two coordinator replicas sharing Redis', () => {
  let pool: pg.Pool;
  let replicas: Coordinator[];
  let urls: string[];

  beforeAll(async () => {
    pool = await migratedPool(inject('postgresUrl'));
    const prefix = uniquePrefix();
    const settings = testSettings({ slots: CAPACITY, maxQueue: ACQUIRERS, leaseMs: 2_000 });
    const redisUrl = inject('redisUrl');
    replicas = await Promise.all([0, 1].map(() => startCoordinator({ redisUrl, pool, settings, prefix })));
    urls = await Promise.all(replicas.map((r) => r.app.listen({ port: 0, host: '127.0.0.1' })));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await pool.end();
  });

  it(`never grant more than capacity to ${ACQUIRERS} concurrent acquirers`, async () => {
    const holders = new HolderLedger(CAPACITY);
    // A sampler reads the live leases in Redis all through the run.
    let sampling = true;
    let peakInRedis = 0;
    const sampler = (async () => {
      while (sampling) {
        const live = (await replicas[0]!.redis.keys(`${replicas[0]!.prefix}lease:*`)).length;
        peakInRedis = Math.max(peakInRedis, live);
        expect(live).toBeLessThanOrEqual(CAPACITY);
        await sleep(2);
      }
    })();

    const served = await Promise.all(
      Array.from({ length: ACQUIRERS }, async (_, i) => {
        const client = leaseClient(urls[i % 2]!, `pod-${i}`);
        const lease: GpuLease = await client.acquire({
          workload: i % 3 ? 'llm' : 'asr',
          class: 'batch',
          expectedMs: 10,
        });
        holders.took(lease);
        await sleep(5 + (i % 10));
        holders.letGo(lease);
        await lease.release();
        return lease.leaseId;
      }),
    );
    sampling = false;
    await sampler;

    holders.assertHeld();
    expect(new Set(served).size).toBe(ACQUIRERS);
    expect(holders.peak).toBe(CAPACITY); // the run really was saturated
    expect(peakInRedis).toBeGreaterThan(0);
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM gpu_lease_ledger WHERE id = ANY($1::uuid[]) AND outcome = 'released'`,
      [served],
    );
    expect(Number(rows[0]?.n)).toBe(ACQUIRERS);
  });
});
