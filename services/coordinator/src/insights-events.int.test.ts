import { generateKeyPairSync } from 'node:crypto';
import { InsightsEventsClient, keyFromPem, NemoError, S2SSigner } from '@nemo/common';
import { waitBucketOf } from '@nemo/insights';
import { startInsights, type Insights } from '@nemo/insights/testing';
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

// The coordinator's key for its own calls, which the insights service trusts.
const { privateKey } = generateKeyPairSync('ed25519');
const coordinatorKey = await keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }), 'coordinator');
const admin = { subject: 'root', tenant: 'ops', role: 'admin' } as const;

interface GpuQueue {
  classes: { class: string; granted: number; denied: number; p50Ms: number | null; p95Ms: number | null }[];
}

describe('coordinator sends a gpu.wait event per lease decision to a real insights service', () => {
  let pool: pg.Pool;
  let insights: Insights;
  let events: InsightsEventsClient;
  let coordinator: Coordinator;
  let url: string;
  const gpuQueue = async (query: string) => {
    const res = await insights.asUser(admin, `/v1/insights/gpu-queue?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return Object.fromEntries(res.json<GpuQueue>().classes.map(({ class: c, ...rest }) => [c, rest]));
  };

  const untilQueued = async (cls: 'interactive' | 'batch') => {
    const depth = async () =>
      (await coordinator.inject('GET', '/v1/queue')).json<{ depth: Record<string, number> }>().depth[cls] ?? 0;
    while ((await depth()) < 1) await sleep(20);
  };

  beforeAll(async () => {
    pool = await migratedPool(inject('postgresUrl'));
    insights = await startInsights(inject('postgresUrl'), { key: coordinatorKey, listen: true });
    events = new InsightsEventsClient({
      baseUrl: insights.url!,
      signer: new S2SSigner({ issuer: 'coordinator', key: coordinatorKey }),
    });
    // One slot and room for one waiter: a second waiter is turned away at once.
    coordinator = await startCoordinator({
      redisUrl: inject('redisUrl'),
      pool,
      settings: testSettings({ leaseMs: 2_000, maxQueue: 1 }),
      events,
    });
    url = await coordinator.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await coordinator?.close();
    await events?.close();
    await insights?.close();
    await pool?.end();
  });

  it('files grants with their waits and refusals under the user the work was for', async () => {
    const chat = { workload: 'llm', class: 'interactive', expectedMs: 100, tenant: 'acme' } as const;
    const first = await leaseClient(url, 'pod-a').acquire({ ...chat, userId: 'alice' });
    const queued = leaseClient(url, 'pod-b').acquire({ ...chat, userId: 'bob', deadlineMs: 10_000 });
    await untilQueued('interactive');
    await sleep(300);
    await first.release();
    const second = await queued;
    expect(second.waitMs).toBeGreaterThanOrEqual(250);

    // While the slot is held: a batch job waits out its deadline, then a chat finds the queue full.
    const batch = { workload: 'asr', class: 'batch', expectedMs: 100, tenant: 'globex', userId: 'gina' } as const;
    const late = leaseClient(url, 'pod-c')
      .acquire({ ...batch, deadlineMs: 800 })
      .catch((err: unknown) => err);
    await untilQueued('batch');
    const full = await leaseClient(url, 'pod-d')
      .acquire({ ...chat, userId: 'carol', deadlineMs: 5_000 })
      .catch((err: unknown) => err);
    expect(full).toBeInstanceOf(NemoError);
    expect(await late).toBeInstanceOf(NemoError);
    await second.release();
    await events.flush();

    expect(await gpuQueue('tenant=acme')).toEqual({
      interactive: {
        granted: 2,
        denied: 1,
        p50Ms: waitBucketOf(Math.min(first.waitMs, second.waitMs)),
        p95Ms: waitBucketOf(Math.max(first.waitMs, second.waitMs)),
      },
    });
    expect(await gpuQueue('tenant=acme&userId=bob')).toEqual({
      interactive: { granted: 1, denied: 0, p50Ms: waitBucketOf(second.waitMs), p95Ms: waitBucketOf(second.waitMs) },
    });
    expect(await gpuQueue('tenant=globex')).toEqual({ batch: { granted: 0, denied: 1, p50Ms: null, p95Ms: null } });
    // The harness's warm-up lease forwards no user: platform work.
    expect((await gpuQueue('tenant=platform')).interactive).toMatchObject({ granted: 1, denied: 0 });

    // A refusal at the deadline counts the time the request spent queued; a full queue refuses at once.
    const { rows } = await insights.pool.query<{ user_id: string; wait: number }>(
      `SELECT user_id, (payload->>'waitMs')::float8 AS wait FROM insights_events
       WHERE type = 'gpu.wait' AND payload->>'outcome' = 'denied'`,
    );
    const denied = Object.fromEntries(rows.map((r) => [r.user_id, r.wait]));
    expect(denied['carol']).toBe(0);
    expect(denied['gina']).toBeGreaterThanOrEqual(700);
    expect(denied['gina']).toBeLessThan(5_000);
  });
});
