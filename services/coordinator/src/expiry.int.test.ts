import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { acquireBody, migratedPool, startCoordinator, testSettings, type Coordinator } from './testing/harness.js';

describe('a holder that dies mid-lease', () => {
  let pool: pg.Pool;
  let coordinator: Coordinator;
  beforeAll(async () => {
    pool = await migratedPool(inject('postgresUrl'));
    coordinator = await startCoordinator({
      redisUrl: inject('redisUrl'),
      pool,
      settings: testSettings({ leaseMs: 1_000 }),
    });
  });
  afterAll(async () => {
    await coordinator.close();
    await pool.end();
  });

  it('loses its lease after the TTL, and the slot goes to the next waiter', async () => {
    const dead = await coordinator.inject('POST', '/v1/leases', acquireBody('dead-pod'));
    expect(dead.statusCode).toBe(201);
    const deadLease = dead.json<{ leaseId: string; slot: number }>();
    // dead-pod never renews nor releases.
    const asked = Date.now();
    const next = await coordinator.inject('POST', '/v1/leases', acquireBody('next-pod'));
    const waited = Date.now() - asked;

    expect(next.statusCode).toBe(201);
    expect(next.json<{ slot: number }>().slot).toBe(deadLease.slot);
    expect(waited).toBeGreaterThanOrEqual(800);
    expect(waited).toBeLessThan(1_800);

    const renew = await coordinator.inject('POST', `/v1/leases/${deadLease.leaseId}/renew`, { slot: deadLease.slot });
    expect(renew.statusCode).toBe(404);
    await expect
      .poll(
        async () =>
          (
            await pool.query<{ outcome: string | null }>('SELECT outcome FROM gpu_lease_ledger WHERE id = $1', [
              deadLease.leaseId,
            ])
          ).rows[0],
        { timeout: 5_000, interval: 200 },
      )
      .toEqual({ outcome: 'expired' });
  });
});
