/**
 * Benchmark (not a timed test): 1, 10 and 100 NemoPlatforms, each in its
 * own namespace, reconciled by one in-process operator on the test control
 * plane. Prints time-to-all-Ready, API requests per reconcile (while
 * creating, and for no-op reconciles) and the operator's RSS.
 *
 * Run: npm run bench -w operator
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PLURAL, VERSION, type NemoPlatform } from '../src/api/types.js';
import type { Controller } from '../src/controller/controller.js';
import { sendRaw } from '../src/controller/kube-client.js';
import {
  connect,
  createNamespace,
  createPlatform,
  deleteNamespace,
  provideVolumes,
  sleep,
  smallSpec,
  startController,
  VOLUMES_PER_PLATFORM,
  type TestCluster,
} from '../test/support/cluster.js';

const SIZES = [1, 10, 100];
const READY_TIMEOUT_MS = 300_000;

let cluster: TestCluster;
let controller: Controller;
const namespaces: string[] = [];

/** Extra fake nodes so that 100 platforms' pods fit; kwok runs every node annotated so. */
async function addNodes(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await cluster.core.createNode({
      body: {
        metadata: {
          name: `bench-${String(i)}`,
          annotations: { 'kwok.x-k8s.io/node': 'fake' },
          labels: { 'kubernetes.io/os': 'linux', type: 'kwok' },
        },
        status: {
          allocatable: { cpu: '256', memory: '2Ti', pods: '500' },
          capacity: { cpu: '256', memory: '2Ti', pods: '500' },
        },
      },
    });
  }
}

beforeAll(async () => {
  cluster = await connect();
  await addNodes(4);
  await provideVolumes(cluster, VOLUMES_PER_PLATFORM * SIZES.reduce((a, b) => a + b, 0));
  controller = await startController(cluster, { concurrency: 8 });
});

afterAll(async () => {
  await controller?.stop();
  await Promise.all(namespaces.map((ns) => deleteNamespace(cluster, ns)));
});

/**
 * One cluster-wide LIST per poll: a GET per platform every half second would
 * be 200 requests/s at 100 platforms, more than the operator itself sends,
 * and would measure the API server's load from the bench rather than the operator.
 */
async function allReady(keys: readonly { namespace: string; name: string }[]): Promise<boolean> {
  const list = (await cluster.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL })) as {
    items: NemoPlatform[];
  };
  const ready = new Set(
    list.items
      .filter((p) => p.status?.phase === 'Ready')
      .map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`),
  );
  return keys.every((k) => ready.has(`${k.namespace}/${k.name}`));
}

describe('NemoPlatform benchmark', () => {
  it.each(SIZES)('%i platforms', async (count) => {
    const before = { ...controller.metrics.totals };
    const requestsBefore = await apiServerRequests();
    const started = Date.now();
    const keys: { namespace: string; name: string }[] = [];
    for (let i = 0; i < count; i++) {
      const namespace = await createNamespace(cluster, `bench${String(count)}`);
      namespaces.push(namespace);
      await createPlatform(cluster, namespace, 'nemo', smallSpec());
      keys.push({ namespace, name: 'nemo' });
    }
    while (!(await allReady(keys))) {
      if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`${String(count)} platforms not Ready in time`);
      await sleep(500);
    }
    const readyMs = Date.now() - started;
    const created = diff(before, controller.metrics.totals);
    const serverLoad = topRequests(requestsBefore, await apiServerRequests());

    await sleep(2_000);
    const idle = { ...controller.metrics.totals };
    for (const { namespace, name } of keys) controller.queue.add(`${namespace}/${name}`);
    await controller.queue.drained();
    const noop = diff(idle, controller.metrics.totals);

    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    console.log(
      `platforms=${String(count)} ready_s=${(readyMs / 1000).toFixed(1)} ` +
        `create: reconciles=${String(created.reconciles)} requests_per_reconcile=${perReconcile(created)} ` +
        `no-op: reconciles=${String(noop.reconciles)} writes=${String(noop.writes)} requests_per_reconcile=${perReconcile(noop)} ` +
        `rss_mib=${rssMiB.toFixed(0)}\n  ${serverLoad}`,
    );
    expect(noop.writes).toBe(0);
  });
});

/** apiserver_request_total by verb and resource, summed over codes and clients. */
async function apiServerRequests(): Promise<Map<string, number>> {
  const text = await sendRaw(cluster.kc, { method: 'GET', path: '/metrics' });
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = /verb="([^"]*)"/.exec(line)?.[1] ?? '';
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? '';
    const key = `${verb} ${resource}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}

/** The API server's busiest request kinds between two snapshots: who else loads it besides the operator. */
function topRequests(before: Map<string, number>, after: Map<string, number>, n = 8): string {
  const deltas = [...after].map(([key, value]) => [key, value - (before.get(key) ?? 0)] as const);
  const total = deltas.reduce((sum, [, d]) => sum + d, 0);
  const top = deltas
    .filter(([, d]) => d > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, d]) => `${key}=${String(d)}`);
  return `api_server_requests=${String(total)} (all clients; top: ${top.join(', ')})`;
}

type Totals = Controller['metrics']['totals'];

function diff(a: Totals, b: Totals): Totals {
  return {
    reconciles: b.reconciles - a.reconciles,
    errors: b.errors - a.errors,
    writes: b.writes - a.writes,
    reads: b.reads - a.reads,
    driftReverted: b.driftReverted - a.driftReverted,
  };
}

function perReconcile(t: Totals): string {
  return t.reconciles === 0 ? '0' : ((t.writes + t.reads) / t.reconciles).toFixed(2);
}
