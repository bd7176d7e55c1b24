/**
 * Children edited or deleted by hand are put back within 5 s, each with a
 * DriftReverted Event and a nemo_operator_drift_reverted_total increment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../src/controller/controller.js';
import {
  createPlatform,
  eventually,
  platformEvents,
  smallSpec,
  waitForReady,
  type TestCluster,
  setUpTestbed,
  tearDownTestbed,
} from './support/cluster.js';

const RESTORE_WITHIN_MS = 5_000;

let cluster: TestCluster;
let controller: Controller;
let namespace: string;

beforeAll(async () => {
  ({ cluster, namespace, controller } = await setUpTestbed('drift'));
  await createPlatform(cluster, namespace, 'beta', smallSpec());
  await waitForReady(cluster, namespace, 'beta');
});

afterAll(() => tearDownTestbed({ cluster, namespace, controller }));

async function driftEventsAbout(what: string): Promise<number> {
  const events = await platformEvents(cluster, namespace, 'beta');
  return events.filter((e) => e.reason === 'DriftReverted' && (e.message ?? '').includes(what)).length;
}

describe('drift', () => {
  it('puts back replicas changed by hand', async () => {
    const driftBefore = controller.metrics.totals.driftReverted;
    const eventsBefore = await driftEventsAbout('Deployment beta-gateway');
    await cluster.apps.patchNamespacedDeploymentScale({
      name: 'beta-gateway',
      namespace,
      body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
    });
    const changedAt = Date.now();
    await eventually(
      'replicas restored',
      async () => {
        const d = await cluster.apps.readNamespacedDeployment({ name: 'beta-gateway', namespace });
        return d.spec?.replicas === 1 ? true : undefined;
      },
      { timeoutMs: RESTORE_WITHIN_MS, intervalMs: 100 },
    );
    expect(Date.now() - changedAt).toBeLessThan(RESTORE_WITHIN_MS);
    await eventually('drift counted', () =>
      Promise.resolve(controller.metrics.totals.driftReverted > driftBefore ? true : undefined),
    );
    await eventually('DriftReverted event', async () =>
      (await driftEventsAbout('Deployment beta-gateway')) > eventsBefore ? true : undefined,
    );
  });

  it('puts back a label changed by hand', async () => {
    const driftBefore = controller.metrics.totals.driftReverted;
    await cluster.core.patchNamespacedConfigMap({
      name: 'beta-gateway',
      namespace,
      body: [{ op: 'replace', path: '/metadata/labels/app.kubernetes.io~1part-of', value: 'something-else' }],
    });
    await eventually(
      'label restored',
      async () => {
        const cm = await cluster.core.readNamespacedConfigMap({ name: 'beta-gateway', namespace });
        return cm.metadata?.labels?.['app.kubernetes.io/part-of'] === 'nemo-platform' ? true : undefined;
      },
      { timeoutMs: RESTORE_WITHIN_MS, intervalMs: 100 },
    );
    // The object is restored when the API server answers the apply; the operator counts it just after.
    await eventually('drift counted', () =>
      Promise.resolve(controller.metrics.totals.driftReverted > driftBefore ? true : undefined),
    );
    await eventually('DriftReverted event', async () =>
      (await driftEventsAbout('ConfigMap beta-gateway')) > 0 ? true : undefined,
    );
  });

  it('recreates a deleted child', async () => {
    const driftBefore = controller.metrics.totals.driftReverted;
    const old = await cluster.core.readNamespacedService({ name: 'beta-gateway', namespace });
    await cluster.core.deleteNamespacedService({ name: 'beta-gateway', namespace });
    await eventually(
      'service recreated',
      async () => {
        const s = await cluster.core.readNamespacedService({ name: 'beta-gateway', namespace });
        return s.metadata?.uid !== old.metadata?.uid ? true : undefined;
      },
      { timeoutMs: RESTORE_WITHIN_MS, intervalMs: 100 },
    );
    await eventually('drift counted', () =>
      Promise.resolve(controller.metrics.totals.driftReverted > driftBefore ? true : undefined),
    );
    await eventually('DriftReverted event', async () =>
      (await driftEventsAbout('Recreated deleted Service beta-gateway')) > 0 ? true : undefined,
    );
  });
});
