/**
 * GPU placement and key rotation on the real control plane: the scheduler
 * places GPU pods on kwok's GPU nodes (gpu-a: 1 × A10G, gpu-b: 8 × H100),
 * the operator explains what does not fit and re-plans when nodes change.
 */
import { ApiextensionsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadS2SKeyRing, S2SSigner, S2SVerifier, SecretStore } from '@nemo/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Controller } from '../src/controller/controller.js';
import {
  createPlatform,
  eventually,
  getPlatform,
  smallSpec,
  uniqueName,
  waitForReady,
  type TestCluster,
  setUpTestbed,
  tearDownTestbed,
} from './support/cluster.js';

let cluster: TestCluster;
let controller: Controller;
let namespace: string;
const addedNodes: string[] = [];

beforeAll(async () => {
  ({ cluster, namespace, controller } = await setUpTestbed('gpu', { platforms: 3 }));
});

afterAll(async () => {
  for (const name of addedNodes) await cluster.core.deleteNode({ name }).catch(() => undefined);
  await tearDownTestbed({ cluster, namespace, controller });
});

const condition = async (name: string, type: string) =>
  (await getPlatform(cluster, namespace, name))?.status?.conditions?.find((c) => c.type === type);

/** A kwok-managed GPU node like the NVIDIA GPU Operator labels them. */
async function addGpuNode(name: string, gpus: number, product: string): Promise<void> {
  addedNodes.push(name);
  await cluster.core.createNode({
    body: {
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: {
          'kubernetes.io/hostname': name,
          type: 'kwok',
          'nvidia.com/gpu.product': product,
          'nvidia.com/gpu.count': String(gpus),
          'nvidia.com/gpu.memory': '81559',
        },
      },
      spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
      status: {
        allocatable: { cpu: '32', memory: '256Gi', pods: '110', 'nvidia.com/gpu': String(gpus) },
        capacity: { cpu: '32', memory: '256Gi', pods: '110', 'nvidia.com/gpu': String(gpus) },
      },
    },
  });
}

describe('GPU placement', () => {
  it('runs llm and transcription on GPU nodes and reports where', async () => {
    await createPlatform(
      cluster,
      namespace,
      'gpus',
      smallSpec({ llm: { gpu: { count: 1 } }, transcription: { gpu: { count: 1 } } }),
    );
    const ready = await waitForReady(cluster, namespace, 'gpus');
    const pods = await cluster.core.listNamespacedPod({ namespace, labelSelector: 'nemo.dev/platform=gpus' });
    const gpuPods = pods.items.filter((p) =>
      ['llm', 'transcription'].includes(p.metadata?.labels?.['app.kubernetes.io/component'] ?? ''),
    );
    expect(gpuPods.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
    for (const pod of gpuPods) expect(pod.spec?.nodeName).toMatch(/^gpu-/);
    expect(ready.status?.gpu?.requested).toBe(2);
    await eventually('GPU assignments in status', async () => {
      const p = await getPlatform(cluster, namespace, 'gpus');
      return p?.status?.gpu?.assignments?.length === 2 ? p : undefined;
    });
    expect(await condition('gpus', 'GpuScheduled')).toMatchObject({ status: 'True', reason: 'GpuAvailable' });
  });

  it('explains an unsatisfiable request, then lands it when a fitting node joins', async () => {
    const product = `NVIDIA-B200-${uniqueName('x')}`;
    await createPlatform(cluster, namespace, 'big', smallSpec({ llm: { gpu: { count: 2, product } } }));
    const blocked = await eventually('GpuScheduled=False', async () => {
      const c = await condition('big', 'GpuScheduled');
      return c?.status === 'False' ? c : undefined;
    });
    expect(blocked.reason).toBe('GpuUnavailable');
    expect(blocked.message).toBe(
      `llm needs 2 nvidia.com/gpu of product ${product}; no node offers that (check GPU node labels, taints and tolerations).`,
    );

    await addGpuNode(uniqueName('gpu-new'), 4, product);
    await eventually('GpuScheduled=True after the node joined', async () => {
      const c = await condition('big', 'GpuScheduled');
      return c?.status === 'True' ? c : undefined;
    });
    await waitForReady(cluster, namespace, 'big');
  });
});

describe('generated secrets', () => {
  const secretName = 'keys-secrets';
  const readSecret = () => cluster.core.readNamespacedSecret({ name: secretName, namespace });
  const gatewayHash = async () =>
    (await cluster.apps.readNamespacedDeployment({ name: 'keys-gateway', namespace })).spec?.template.metadata
      ?.annotations?.['nemo.dev/config-hash'];

  it('are created once and survive 100 reconciles unchanged', async () => {
    await createPlatform(cluster, namespace, 'keys', smallSpec());
    await waitForReady(cluster, namespace, 'keys');
    const first = await readSecret();
    // 100 reconciles, a few at a time so they really run rather than de-duplicate.
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 5; j++) controller.enqueue(`${namespace}/keys`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const after = await readSecret();
    expect(after.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect(after.data).toEqual(first.data);
  });

  it('rotate on a new rotation token: primary becomes previous and the pods roll', async () => {
    const before = await readSecret();
    const hashBefore = await gatewayHash();
    await cluster.custom.patchNamespacedCustomObject(
      {
        group: 'nemo.dev',
        version: 'v1alpha1',
        plural: 'nemoplatforms',
        namespace,
        name: 'keys',
        body: { spec: { secrets: { rotation: 'r1' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const rotated = await eventually('rotated Secret', async () => {
      const s = await readSecret();
      return s.metadata?.annotations?.['nemo.dev/rotation'] === 'r1' ? s : undefined;
    });
    expect(rotated.data?.['s2s-previous.pem']).toBe(before.data?.['s2s-primary.pem']);
    expect(rotated.data?.['s2s-primary.pem']).not.toBe(before.data?.['s2s-primary.pem']);
    expect(rotated.data?.['session-key']).toBe(before.data?.['session-key']);
    await eventually('pods rolled', async () => ((await gatewayHash()) !== hashBefore ? true : undefined));

    // A token signed with the old primary still verifies against the rotated key ring; one
    // signed with a key older than that does not.
    const oldRing = await keyRingOf(before);
    const verifier = new S2SVerifier({ audience: 'rag', keys: await keyRingOf(rotated) });
    const oldToken = await new S2SSigner({ issuer: 'gateway', key: oldRing.primary }).token('rag');
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ issuer: 'gateway' });
    const olderToken = await new S2SSigner({ issuer: 'gateway', key: oldRing.previous! }).token('rag');
    await expect(verifier.verify(olderToken)).rejects.toMatchObject({ code: 'NEMO_ERR_AUTH_INVALID' });
  });
});

describe('external secrets', () => {
  it('name each missing key in Degraded', async () => {
    await cluster.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'partial-keys' }, stringData: { 's2s-primary.pem': 'x', 'session-key': 'y' } },
    });
    await createPlatform(
      cluster,
      namespace,
      'ext',
      smallSpec({ secrets: { mode: 'external', externalSecretName: 'partial-keys' } }),
    );
    const degraded = await eventually('Degraded', async () => {
      const c = await condition('ext', 'Degraded');
      return c?.status === 'True' ? c : undefined;
    });
    expect(degraded.reason).toBe('SecretKeysMissing');
    expect(degraded.message).toContain('"users-db-key", "rag-db-key", "email-db-key", "postgres-password"');
  });
});

describe('sealed secrets (the test plays the sealed-secrets controller, with a minimal SealedSecret CRD of its own)', () => {
  const sealed = { group: 'bitnami.com', version: 'v1alpha1', plural: 'sealedsecrets' };

  it('say which CRD to install when there is none', async () => {
    await createPlatform(
      cluster,
      namespace,
      'seal1',
      smallSpec({ secrets: { mode: 'sealed', sealedSecrets: ['keys'] } }),
    );
    const c = await eventually('SecretsReady=False', async () => {
      const x = await condition('seal1', 'SecretsReady');
      return x?.status === 'False' ? x : undefined;
    });
    expect(c.reason).toBe('SealedSecretsNotInstalled');
  });

  it('reflect Synced=False with the controller’s message, then become ready once the Secret exists', async () => {
    await installSealedSecretCrd();
    await cluster.custom.createNamespacedCustomObject({
      ...sealed,
      namespace,
      body: {
        apiVersion: 'bitnami.com/v1alpha1',
        kind: 'SealedSecret',
        metadata: { name: 'sealed-keys' },
        spec: { encryptedData: {} },
      },
    });
    // What the controller writes when it cannot decrypt.
    await cluster.custom.patchNamespacedCustomObjectStatus(
      {
        ...sealed,
        namespace,
        name: 'sealed-keys',
        body: {
          status: {
            conditions: [{ type: 'Synced', status: 'False', message: 'no key could decrypt secret (s2s-primary.pem)' }],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await createPlatform(
      cluster,
      namespace,
      'seal2',
      smallSpec({ secrets: { mode: 'sealed', sealedSecrets: ['sealed-keys'] } }),
    );
    const notSynced = await eventually('SealedSecretNotSynced', async () => {
      const x = await condition('seal2', 'SecretsReady');
      return x?.reason === 'SealedSecretNotSynced' ? x : undefined;
    });
    expect(notSynced.message).toBe('SealedSecret "sealed-keys": no key could decrypt secret (s2s-primary.pem)');

    // The controller unseals: Synced=True and the Secret appears.
    await cluster.custom.patchNamespacedCustomObjectStatus(
      {
        ...sealed,
        namespace,
        name: 'sealed-keys',
        body: { status: { conditions: [{ type: 'Synced', status: 'True' }] } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await cluster.core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'sealed-keys' }, stringData: { 'session-key': 'z' } },
    });
    await eventually('SecretsReady=True', async () =>
      (await condition('seal2', 'SecretsReady'))?.status === 'True' ? true : undefined,
    );
  });
});

/** Stands in for the SealedSecret CRD that bitnami's chart installs: same group, kind and status subresource. */
async function installSealedSecretCrd(): Promise<void> {
  await cluster.kc.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({
    body: {
      metadata: { name: 'sealedsecrets.bitnami.com' },
      spec: {
        group: 'bitnami.com',
        names: {
          kind: 'SealedSecret',
          plural: 'sealedsecrets',
          singular: 'sealedsecret',
          listKind: 'SealedSecretList',
        },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1alpha1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
          },
        ],
      },
    },
  });
  await eventually('SealedSecret CRD served', async () => {
    await cluster.custom.listNamespacedCustomObject({
      group: 'bitnami.com',
      version: 'v1alpha1',
      plural: 'sealedsecrets',
      namespace,
    });
    return true;
  });
}

/** The key ring a pod mounting this Secret would load: its keys written out as files. */
async function keyRingOf(secret: { data?: Record<string, string> }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'nemo-keys-'));
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    await writeFile(path.join(dir, key), Buffer.from(value, 'base64'));
  }
  return loadS2SKeyRing(new SecretStore(dir));
}
