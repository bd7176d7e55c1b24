/**
 * A NemoPlatform's life on the real control plane: create → Ready, spec
 * change → rollout, no-op reconciles write nothing, delete → cleaned up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PLURAL, VERSION, FINALIZER } from '../src/api/types.js';
import type { Controller } from '../src/controller/controller.js';
import {
  createPlatform,
  eventually,
  getPlatform,
  platformEvents,
  sleep,
  smallSpec,
  waitForReady,
  type TestCluster,
  setUpTestbed,
  tearDownTestbed,
} from './support/cluster.js';

let cluster: TestCluster;
let controller: Controller;
let namespace: string;

beforeAll(async () => {
  ({ cluster, namespace, controller } = await setUpTestbed('lifecycle', { controller: { metricsPort: 0 } }));
});

afterAll(() => tearDownTestbed({ cluster, namespace, controller }));

const managedBy = 'app.kubernetes.io/managed-by=nemo-operator';

describe('NemoPlatform lifecycle', () => {
  it('becomes Ready with status for every component once kwok runs the pods', async () => {
    await createPlatform(cluster, namespace, 'alpha', smallSpec());
    const ready = await waitForReady(cluster, namespace, 'alpha');

    expect(ready.metadata.finalizers).toContain(FINALIZER);
    const status = ready.status!;
    expect(status.observedGeneration).toBe(ready.metadata.generation);
    expect(status.components?.gateway).toEqual({ ready: 1, desired: 1 });
    for (const [component, counts] of Object.entries(status.components ?? {})) {
      expect(counts.ready, component).toBe(counts.desired);
    }
    const types = status.conditions?.map((c) => `${c.type}=${c.status}`);
    expect(types).toEqual(expect.arrayContaining(['Ready=True', 'Progressing=False', 'Degraded=False']));

    const deployments = await cluster.apps.listNamespacedDeployment({ namespace, labelSelector: managedBy });
    expect(deployments.items.map((d) => d.metadata?.name)).toContain('alpha-gateway');
    const events = await platformEvents(cluster, namespace, 'alpha');
    expect(events.map((e) => e.reason)).toContain('Ready');

    // The gateway's admin page reads this ConfigMap: it catches up with the status one reconcile later.
    const published = async () => {
      const cm = await cluster.core.readNamespacedConfigMap({ namespace, name: 'alpha-status' });
      return (JSON.parse(cm.data?.['status.json'] ?? '{}') as { status?: { phase?: string } }).status?.phase;
    };
    await expect.poll(published, { timeout: 10_000 }).toBe('Ready');
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    const base = `http://127.0.0.1:${String(controller.metricsPort)}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'nemo_operator_reconcile_total',
      'nemo_operator_reconcile_duration_seconds_bucket',
      'nemo_operator_queue_depth',
      'nemo_operator_api_writes_total',
    ]) {
      expect(metrics).toContain(name);
    }
  });

  it('performs zero write requests when a reconcile has nothing to change', async () => {
    await waitForReady(cluster, namespace, 'alpha');
    await sleep(2_000); // let status echoes and Deployment status updates settle
    const before = { ...controller.metrics.totals };
    for (let i = 0; i < 5; i++) controller.queue.add(`${namespace}/alpha`);
    await controller.queue.drained();
    controller.queue.add(`${namespace}/alpha`);
    await controller.queue.drained();
    const after = controller.metrics.totals;
    expect(after.reconciles).toBeGreaterThan(before.reconciles);
    expect(after.writes - before.writes).toBe(0);
    expect(after.reads - before.reads).toBe(0);
  });

  it('rolls out a spec change to the Deployments', async () => {
    const before = await cluster.apps.readNamespacedDeployment({ name: 'alpha-gateway', namespace });
    await cluster.custom.patchNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      name: 'alpha',
      body: [
        { op: 'replace', path: '/spec/gateway/replicas', value: 2 },
        { op: 'add', path: '/spec/images/tag', value: '0.2.0' },
      ],
    });
    const rolled = await eventually('gateway rolled out', async () => {
      const d = await cluster.apps.readNamespacedDeployment({ name: 'alpha-gateway', namespace });
      const image = d.spec?.template.spec?.containers[0]?.image ?? '';
      return d.spec?.replicas === 2 && image.endsWith(':0.2.0') ? d : undefined;
    });
    expect(rolled.metadata?.generation).toBeGreaterThan(before.metadata?.generation ?? 0);
    const ready = await waitForReady(cluster, namespace, 'alpha');
    expect(ready.status?.components?.gateway).toEqual({ ready: 2, desired: 2 });
  });

  it('cleans everything up on deletion', async () => {
    await cluster.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      name: 'alpha',
    });
    await eventually('platform gone (finalizer removed)', async () =>
      (await getPlatform(cluster, namespace, 'alpha')) === undefined ? true : undefined,
    );
    await eventually(
      'children garbage-collected',
      async () => {
        const [deployments, configMaps, services] = await Promise.all([
          cluster.apps.listNamespacedDeployment({ namespace, labelSelector: managedBy }),
          cluster.core.listNamespacedConfigMap({ namespace, labelSelector: managedBy }),
          cluster.core.listNamespacedService({ namespace, labelSelector: managedBy }),
        ]);
        const left = deployments.items.length + configMaps.items.length + services.items.length;
        return left === 0 ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });
});
