/**
 * Two operators in one process share a Lease: exactly one reconciles; when
 * the leader stops without releasing the Lease (as a killed pod would), the
 * other takes over within the lease duration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../src/controller/controller.js';
import {
  connect,
  createNamespace,
  createPlatform,
  provideVolumes,
  VOLUMES_PER_PLATFORM,
  deleteNamespace,
  eventually,
  smallSpec,
  startController,
  uniqueName,
  waitForReady,
  type TestCluster,
} from './support/cluster.js';

const LEASE_SECONDS = 4;
const RETRY_MS = 500;

let cluster: TestCluster;
let namespace: string;
const controllers: Controller[] = [];

beforeAll(async () => {
  cluster = await connect();
  await provideVolumes(cluster, VOLUMES_PER_PLATFORM * 2);
  namespace = await createNamespace(cluster, 'leader');
});

afterAll(async () => {
  await Promise.all(controllers.map((c) => c.stop()));
  if (namespace) await deleteNamespace(cluster, namespace);
});

describe('leader election', () => {
  it('lets exactly one instance reconcile, and fails over when the leader dies', async () => {
    const leaderElection = {
      namespace,
      name: uniqueName('lease'),
      leaseDurationSeconds: LEASE_SECONDS,
      renewIntervalMs: 1_000,
      retryIntervalMs: RETRY_MS,
    };
    const first = await startController(cluster, { identity: 'first', leaderElection });
    controllers.push(first);
    await eventually('first leads', () => (first.isLeader ? true : undefined));
    const second = await startController(cluster, { identity: 'second', leaderElection });
    controllers.push(second);

    await createPlatform(cluster, namespace, 'one', smallSpec());
    await waitForReady(cluster, namespace, 'one');
    expect(first.metrics.totals.reconciles).toBeGreaterThan(0);
    expect(second.isLeader).toBe(false);
    expect(second.metrics.totals.reconciles).toBe(0);
    expect(second.metrics.totals.writes).toBe(0);

    // The leader dies without handing the Lease over.
    await first.stop({ releaseLease: false });
    const stoppedAt = Date.now();
    await eventually('second leads', () => (second.isLeader ? true : undefined), {
      timeoutMs: (LEASE_SECONDS + 5) * 1000,
      intervalMs: 50,
    });
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + RETRY_MS + 500);

    await createPlatform(cluster, namespace, 'two', smallSpec());
    await waitForReady(cluster, namespace, 'two');
    expect(second.metrics.totals.reconciles).toBeGreaterThan(0);
  });

  it('hands the Lease over at once on graceful shutdown', async () => {
    const leaderElection = {
      namespace,
      name: uniqueName('lease'),
      leaseDurationSeconds: 15,
      retryIntervalMs: RETRY_MS,
    };
    const a = await startController(cluster, { identity: 'a', leaderElection });
    controllers.push(a);
    await eventually('a leads', () => (a.isLeader ? true : undefined));
    const b = await startController(cluster, { identity: 'b', leaderElection });
    controllers.push(b);
    await a.stop({ releaseLease: true });
    const stoppedAt = Date.now();
    await eventually('b leads', () => (b.isLeader ? true : undefined), { timeoutMs: 5_000, intervalMs: 50 });
    expect(Date.now() - stoppedAt).toBeLessThan(15_000 / 2);
  });
});
