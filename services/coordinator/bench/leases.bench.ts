import { randomUUID } from 'node:crypto';
import { createPgPool, createRedis, GpuLeaseClient } from '@nemo/common';
import { startPostgres, startRedis } from '@nemo/common/servers';
import { Agent } from 'undici';
import { afterAll, bench, describe } from 'vitest';
import { build } from '../src/app.js';
import { migrate } from '../src/migrate.js';
import { LeaseStore, memberOf } from '../src/store/lease-store.js';
import { signer, silentLogger, testSettings, verifier } from '../src/testing/harness.js';

/**
 * Lease acquire+release against a real Redis (and PostgreSQL for the ledger),
 * beside a raw PING loop from the same ioredis client in the same run: the
 * summary prints how many times slower a lease round is than a Redis round trip.
 * Slots outnumber the sequential callers, so this measures the cost of a
 * grant, not queueing.
 */
const [redisServer, postgresServer] = await Promise.all([startRedis(), startPostgres()]);
const redis = createRedis(redisServer.url);
const pool = createPgPool(postgresServer.url);
await migrate(pool);
const settings = testSettings({ slots: 64, leaseMs: 30_000 });
const prefix = '{bench}:';
const store = new LeaseStore(redis, { prefix, slots: 64, leaseMs: 30_000, maxQueue: 64, ticketTtlMs: 2_000 });
const app = build({ settings, redis, pool, logger: silentLogger, s2s: verifier, keyPrefix: prefix });
const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
const client = new GpuLeaseClient({ baseUrl, signer, holder: 'bench', dispatcher: new Agent({ connections: 8 }) });

// The first contact holds grants for one lease TTL (ADR 0004); the bench clears that hold.
await store.acquire(ticket());
await redis.del(`${prefix}hold`);

afterAll(async () => {
  await app.close();
  redis.disconnect();
  await pool.end();
  await Promise.all([redisServer.dispose(), postgresServer.dispose()]);
});

function ticket() {
  return {
    member: memberOf('interactive', randomUUID()),
    headStartMs: 0,
    deadlineMs: 0,
    expectedMs: 100,
    leaseId: randomUUID(),
    workload: 'llm',
    workClass: 'interactive',
    holder: 'bench',
  } as const;
}

describe('GPU lease round trip vs Redis round trip', () => {
  const options = { time: 2_000, warmupTime: 300 };

  bench(
    'redis PING (ioredis, baseline)',
    async () => {
      await redis.ping();
    },
    options,
  );

  bench(
    'lease acquire+release: Lua scripts (2 round trips)',
    async () => {
      const t = ticket();
      const granted = await store.acquire(t);
      if (granted.kind !== 'granted') throw new Error(`expected a grant, got ${granted.kind}`);
      await store.release(t.leaseId);
    },
    options,
  );

  bench(
    'lease acquire+release: HTTP + S2S + ledger (GpuLeaseClient)',
    async () => {
      const lease = await client.acquire({ workload: 'llm', class: 'interactive', expectedMs: 100 });
      await lease.release();
    },
    options,
  );
});
