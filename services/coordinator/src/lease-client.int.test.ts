import { NemoError } from '@nemo/common';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  leaseClient,
  migratedPool,
  sleep,
  startCoordinator,
  testSettings,
  type Coordinator,
} from './testing/harness.js';

const LEASE_MS = 900;

describe('GpuLeaseClient against a real coordinator', () => {
  let pool: pg.Pool;
  let coordinator: Coordinator;
  let url: string;

  beforeAll(async () => {
    pool = await migratedPool(inject('postgresUrl'));
    coordinator = await startCoordinator({
      redisUrl: inject('redisUrl'),
      pool,
      settings: testSettings({ leaseMs: LEASE_MS, maxQueue: 1 }),
    });
    url = await coordinator.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await coordinator.close();
    await pool.end();
  });

  const busy = async () => (await coordinator.inject('GET', '/v1/queue')).json<{ busy: { llm: number } }>().busy.llm;
  const waiting = async () =>
    (await coordinator.inject('GET', '/v1/queue')).json<{ depth: { interactive: number } }>().depth.interactive;
  const outcome = async (id: string) =>
    (await pool.query<{ outcome: string | null }>('SELECT outcome FROM gpu_lease_ledger WHERE id = $1', [id])).rows[0]
      ?.outcome;
  const request = { workload: 'llm', class: 'interactive', expectedMs: 500 } as const;

  it('heartbeats to keep a lease well past its TTL, then releases it', async () => {
    const lease = await leaseClient(url, 'pod-heartbeat').acquire(request);
    await sleep(3 * LEASE_MS);
    expect(lease.signal.aborted).toBe(false);
    expect(await busy()).toBe(1);
    expect(lease.heldUntil).toBeGreaterThan(Date.now());

    await lease.release();
    expect(lease.signal.aborted).toBe(true);
    expect(await busy()).toBe(0);
    expect(await outcome(lease.leaseId)).toBe('released');
  });

  it('releases the lease when the caller aborts', async () => {
    const controller = new AbortController();
    const lease = await leaseClient(url, 'pod-abort').acquire({ ...request, signal: controller.signal });
    controller.abort();
    await expect.poll(busy).toBe(0);
    expect(lease.signal.aborted).toBe(true);
    await expect.poll(() => outcome(lease.leaseId)).toBe('aborted');
  });

  it('gives up its place in the queue when the caller aborts the wait', async () => {
    const holder = await leaseClient(url, 'pod-holder').acquire(request);
    const controller = new AbortController();
    const wait = leaseClient(url, 'pod-impatient').acquire({ ...request, signal: controller.signal });
    await expect.poll(waiting).toBe(1);
    controller.abort(new Error('user went away'));
    await expect(wait).rejects.toThrow('user went away');
    await expect.poll(waiting).toBe(0);
    await holder.release();
  });

  it('turns a coordinator 429 into NemoError(RateLimited) with retryAfterSeconds', async () => {
    const holder = await leaseClient(url, 'pod-holder').acquire(request);
    const err = await leaseClient(url, 'pod-late')
      .acquire({ ...request, expectedMs: 5_000, deadlineMs: 200 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NemoError);
    expect(err).toMatchObject({ code: 'NEMO_ERR_RATE_LIMITED', statusCode: 429 });
    expect((err as NemoError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    await holder.release();
  });

  it('ends the lease (signal aborts) when the coordinator no longer knows it', async () => {
    const lease = await leaseClient(url, 'pod-lost').acquire(request);
    await coordinator.inject('DELETE', `/v1/leases/${lease.leaseId}`); // e.g. an operator's hand
    await expect.poll(() => lease.signal.aborted, { timeout: LEASE_MS }).toBe(true);
    expect(lease.signal.reason).toMatchObject({ message: 'The GPU lease was lost; retry the request.' });
  });
});
