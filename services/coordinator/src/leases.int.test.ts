import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  acquireBody,
  migratedPool,
  signer,
  startCoordinator,
  testSettings,
  type Coordinator,
} from './testing/harness.js';

describe('the lease API on real Redis and PostgreSQL', () => {
  let pool: pg.Pool;
  let coordinator: Coordinator;

  beforeAll(async () => {
    pool = await migratedPool(inject('postgresUrl'));
    coordinator = await startCoordinator({
      redisUrl: inject('redisUrl'),
      pool,
      settings: testSettings({ slots: 2, maxQueue: 1, leaseMs: 1_000 }),
    });
  });
  afterAll(async () => {
    await coordinator.close();
    await pool.end();
  });

  const ledgerRow = async (id: string) =>
    (
      await pool.query('SELECT holder, workload, class, slot, outcome, wait_ms FROM gpu_lease_ledger WHERE id = $1', [
        id,
      ])
    ).rows[0] as Record<string, unknown> | undefined;

  it('grants, renews and releases a lease, and the ledger follows', async () => {
    const granted = await coordinator.inject('POST', '/v1/leases', acquireBody('pod-a', { class: 'realtime' }));
    expect(granted.statusCode).toBe(201);
    const lease = granted.json<{ leaseId: string; slot: number; expiresAt: string; ttlMs: number }>();
    expect(lease.ttlMs).toBe(1_000);
    expect([0, 1]).toContain(lease.slot);
    expect(Date.parse(lease.expiresAt)).toBeGreaterThan(Date.now());
    expect(await ledgerRow(lease.leaseId)).toMatchObject({
      holder: 'pod-a',
      workload: 'llm',
      class: 'realtime',
      slot: lease.slot,
      outcome: null,
    });

    const renewed = await coordinator.inject('POST', `/v1/leases/${lease.leaseId}/renew`, {});
    expect(renewed.statusCode).toBe(200);
    expect(Date.parse(renewed.json<{ expiresAt: string }>().expiresAt)).toBeGreaterThanOrEqual(
      Date.parse(lease.expiresAt),
    );

    expect((await coordinator.inject('DELETE', `/v1/leases/${lease.leaseId}`)).statusCode).toBe(204);
    expect((await coordinator.inject('DELETE', `/v1/leases/${lease.leaseId}`)).statusCode).toBe(204);
    expect(await ledgerRow(lease.leaseId)).toMatchObject({ outcome: 'released' });

    const gone = await coordinator.inject('POST', `/v1/leases/${lease.leaseId}/renew`, {});
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ error: { code: 'NEMO_ERR_NOT_FOUND' } });
  });

  it('reports the shared queue', async () => {
    const a = await coordinator.inject('POST', '/v1/leases', acquireBody('pod-b', { workload: 'asr' }));
    const status = await coordinator.inject('GET', '/v1/queue');
    expect(status.json()).toEqual({
      slots: 2,
      busy: { llm: 0, asr: 1 },
      free: 1,
      depth: { realtime: 0, interactive: 0, batch: 0 },
      maxQueue: 1,
      holdMs: 0,
    });
    await coordinator.inject('DELETE', `/v1/leases/${a.json<{ leaseId: string }>().leaseId}`);
  });

  it('answers 429 with Retry-After when the queue is full or the deadline cannot be met', async () => {
    const held = await Promise.all(
      ['x', 'y'].map((h) => coordinator.inject('POST', '/v1/leases', acquireBody(h, { expectedMs: 3_000 }))),
    );
    expect(held.map((r) => r.statusCode)).toEqual([201, 201]);

    const tooSoon = await coordinator.inject('POST', '/v1/leases', acquireBody('z', { deadlineMs: 100 }));
    expect(tooSoon.statusCode).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(tooSoon.json()).toMatchObject({ error: { code: 'NEMO_ERR_RATE_LIMITED', message: /deadline/ } });

    const waiting = coordinator.inject('POST', '/v1/leases', acquireBody('w1', { deadlineMs: 3_000 }));
    await expect
      .poll(async () => (await coordinator.inject('GET', '/v1/queue')).json<{ depth: object }>().depth)
      .toMatchObject({ interactive: 1 });
    const full = await coordinator.inject('POST', '/v1/leases', acquireBody('w2'));
    expect(full.statusCode).toBe(429);
    expect(full.json()).toMatchObject({ error: { message: /1 requests are already waiting/ } });

    const denied = await coordinator.app.metrics.getSingleMetricAsString('coordinator_leases_denied_total');
    expect(denied).toMatch(/reason="queue_full"[^\n]* 1/);
    expect(denied).toMatch(/reason="deadline"[^\n]* 1/);

    await Promise.all(
      held.map((r) => coordinator.inject('DELETE', `/v1/leases/${r.json<{ leaseId: string }>().leaseId}`)),
    );
    const late = await waiting;
    expect(late.statusCode).toBe(201);
    await coordinator.inject('DELETE', `/v1/leases/${late.json<{ leaseId: string }>().leaseId}`);
  });

  it('exports queue depth, waits, grants and busy ratio on /metrics', async () => {
    const text = (await coordinator.app.inject({ url: '/metrics' })).body;
    expect(text).toMatch(/coordinator_queue_depth\{class="batch",service="coordinator"\} 0/);
    expect(text).toMatch(/coordinator_gpu_busy_ratio\{workload="llm",service="coordinator"\} 0/);
    expect(text).toMatch(/coordinator_wait_seconds_count\{[^}]*class="interactive"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /coordinator_leases_granted_total\{workload="asr",class="interactive",service="coordinator"\} 1/,
    );
  });
});

describe('requests the coordinator refuses', () => {
  let pool: pg.Pool;
  let coordinator: Coordinator;

  beforeAll(async () => {
    pool = await migratedPool(inject('postgresUrl'));
    coordinator = await startCoordinator({ redisUrl: inject('redisUrl'), pool, settings: testSettings() });
  });
  afterAll(async () => {
    await coordinator.close();
    await pool.end();
  });

  it.each([
    [{ class: 'batch', expectedMs: 10, holder: 'h' }, 'body.workload is required'],
    [{ workload: 'gpu', class: 'batch', expectedMs: 10, holder: 'h' }, 'body.workload must be one of llm, asr'],
    [
      { workload: 'llm', class: 'urgent', expectedMs: 10, holder: 'h' },
      'body.class must be one of realtime, interactive, batch',
    ],
    [{ workload: 'llm', class: 'batch', expectedMs: -5, holder: 'h' }, 'body.expectedMs must be >= 1'],
    [{ workload: 'llm', class: 'batch', expectedMs: 'soon', holder: 'h' }, 'body.expectedMs must be integer'],
    [
      { workload: 'llm', class: 'batch', expectedMs: 10, holder: '' },
      'body.holder must NOT have fewer than 1 characters',
    ],
  ])('answers 400 naming the field for %j', async (payload, message) => {
    const res = await coordinator.inject('POST', '/v1/leases', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'NEMO_ERR_VALIDATION', message: `Invalid request: ${message}.` },
    });
  });

  it('answers 400 for a lease id that is not a UUID', async () => {
    const res = await coordinator.inject('POST', '/v1/leases/not-a-lease/renew', {});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { message: /params\.id must match format "uuid"/ } });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await coordinator.app.inject({
      method: 'POST',
      url: '/v1/leases',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signer.token('coordinator')}` },
      payload: '{',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'NEMO_ERR_BAD_REQUEST', message: 'The body is not valid JSON.' },
    });
  });

  it.each([
    ['POST', '/v1/leases'],
    ['POST', '/v1/leases/2b8e1c1e-8f7a-4a57-9d8a-1c1e8f7a4a57/renew'],
    ['DELETE', '/v1/leases/2b8e1c1e-8f7a-4a57-9d8a-1c1e8f7a4a57'],
    ['GET', '/v1/queue'],
  ] as const)('answers 401 to %s %s without a service token', async (method, url) => {
    const res = await coordinator.app.inject({
      method,
      url,
      payload: method === 'POST' ? acquireBody('h') : undefined,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'NEMO_ERR_AUTH_REQUIRED' } });
  });
});
