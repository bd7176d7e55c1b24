/**
 * Bad input: invalid specs are refused by the API server with a message
 * naming the field; a valid spec the cluster cannot satisfy (a missing
 * Secret) becomes Degraded, says what to fix, and is not retried in a loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../src/controller/controller.js';
import { statusCodeOf } from '../src/controller/kube-client.js';
import {
  createPlatform,
  eventually,
  getPlatform,
  platformEvents,
  sleep,
  smallSpec,
  type TestCluster,
  setUpTestbed,
  tearDownTestbed,
} from './support/cluster.js';
import type { NemoPlatformSpec } from '../src/api/types.js';

let cluster: TestCluster;
let controller: Controller;
let namespace: string;

beforeAll(async () => {
  ({ cluster, namespace, controller } = await setUpTestbed('bad-input'));
});

afterAll(() => tearDownTestbed({ cluster, namespace, controller }));

/** The API server's refusal: status code and message. */
async function refusal(spec: unknown): Promise<{ code: number | undefined; message: string }> {
  try {
    await createPlatform(cluster, namespace, 'invalid', spec as NemoPlatformSpec);
  } catch (error) {
    const body = (error as { body?: unknown }).body;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return { code: statusCodeOf(error), message: (JSON.parse(text) as { message: string }).message };
  }
  throw new Error('the API server accepted an invalid NemoPlatform');
}

describe('invalid specs', () => {
  it.each([
    ['a negative replica count', { gateway: { replicas: -1 } }, 'spec.gateway.replicas'],
    ['an unknown enum value', { secrets: { mode: 'plaintext' } }, 'spec.secrets.mode'],
    [
      'an external Postgres without a secretRef',
      { postgres: { mode: 'external' } },
      'an external PostgreSQL requires external.secretRef',
    ],
    ['GPU sharing without GPUs', { llm: { gpu: { count: 0, sharing: 'timeSliced' } } }, 'gpu.count must be at least 1'],
  ])('refuses %s, naming the field', async (_what, spec, named) => {
    const { code, message } = await refusal(spec);
    expect(code).toBe(422);
    expect(message).toContain(named);
  });
});

describe('a Secret that does not exist', () => {
  it('becomes Degraded naming the Secret, without a hot loop, and recovers when it appears', async () => {
    await createPlatform(
      cluster,
      namespace,
      'gamma',
      smallSpec({ secrets: { mode: 'external', externalSecretName: 'nope' } }),
    );
    const degraded = await eventually('Degraded', async () => {
      const p = await getPlatform(cluster, namespace, 'gamma');
      return p?.status?.phase === 'Degraded' ? p : undefined;
    });
    const condition = degraded.status?.conditions?.find((c) => c.type === 'Degraded');
    expect(condition?.status).toBe('True');
    expect(condition?.reason).toBe('SecretMissing');
    expect(condition?.message).toContain('"nope"');
    const events = await platformEvents(cluster, namespace, 'gamma');
    expect(events.some((e) => e.type === 'Warning' && e.reason === 'SecretMissing')).toBe(true);

    // No hot loop: over a few seconds, at most a couple of reconciles and no writes.
    await sleep(1_000);
    const before = { ...controller.metrics.totals };
    await sleep(4_000);
    expect(controller.metrics.totals.reconciles - before.reconciles).toBeLessThanOrEqual(2);
    expect(controller.metrics.totals.writes - before.writes).toBe(0);
    const deployments = await cluster.apps.listNamespacedDeployment({
      namespace,
      labelSelector: 'nemo.dev/platform=gamma',
    });
    expect(deployments.items).toHaveLength(0);

    // Creating the Secret is the fix the message asks for: the platform proceeds.
    const keys = ['s2s-primary.pem', 'session-key', 'users-db-key', 'rag-db-key', 'email-db-key'];
    const stores = ['postgres-password', 'redis-password', 'redis.conf'];
    await cluster.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'nope' }, stringData: Object.fromEntries([...keys, ...stores].map((k) => [k, 'x'])) },
    });
    await eventually('no longer Degraded', async () => {
      const p = await getPlatform(cluster, namespace, 'gamma');
      return p?.status?.phase !== 'Degraded' && p?.status?.phase !== undefined ? p : undefined;
    });
  });
});
