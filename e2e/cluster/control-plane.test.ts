/**
 * The test control plane behaves like a real cluster: scheduling against
 * extended resources and taints, garbage collection, CRD validation and
 * status subresources, and Pod Security admission.
 */
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createNamespace, deleteNamespace, eventually, expectRefusal, loadKubeConfig, uniqueName } from './kube.js';

const TEST_TIMEOUT_MS = 90_000;
const GPU_NODES = ['gpu-a', 'gpu-b'];

let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
const namespaces: string[] = [];

beforeAll(() => {
  kc = loadKubeConfig(inject('kubeconfig'));
  core = kc.makeApiClient(CoreV1Api);
  apps = kc.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  await Promise.all(namespaces.map((ns) => deleteNamespace(core, ns)));
});

/** Each test gets its own namespace, deleted when the file finishes. */
async function testNamespace(prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const ns = await createNamespace(core, prefix, labels);
  namespaces.push(ns);
  return ns;
}

/** A Deployment of one pod asking for `gpus` NVIDIA GPUs, allowed onto GPU nodes. */
function gpuDeployment(name: string, gpus: number): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }],
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'Exists' }] }],
              },
            },
          },
          containers: [
            {
              name: 'main',
              image: 'registry.k8s.io/pause:3.10',
              resources: {
                requests: { cpu: '100m', memory: '64Mi' },
                limits: { 'nvidia.com/gpu': String(gpus) },
              },
            },
          ],
        },
      },
    },
  };
}

async function podsOf(namespace: string, app: string): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return list.items;
}

describe('scheduling on fake GPU nodes', () => {
  it(
    'runs a Deployment asking for one GPU on a GPU node',
    async () => {
      const namespace = await testNamespace('e2e-gpu-fit');
      await apps.createNamespacedDeployment({ namespace, body: gpuDeployment('one-gpu', 1) });

      const pod = await eventually('the pod to be Running', async () => {
        const [p] = await podsOf(namespace, 'one-gpu');
        return p?.status?.phase === 'Running' ? p : undefined;
      });
      expect(GPU_NODES).toContain(pod.spec?.nodeName);

      const deployment = await eventually('the Deployment to report an available replica', async () => {
        const d = await apps.readNamespacedDeployment({ namespace, name: 'one-gpu' });
        return d.status?.availableReplicas === 1 ? d : undefined;
      });
      expect(deployment.status?.readyReplicas).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'leaves a Deployment asking for 16 GPUs Pending with a FailedScheduling event',
    async () => {
      const namespace = await testNamespace('e2e-gpu-nofit');
      await apps.createNamespacedDeployment({ namespace, body: gpuDeployment('too-many-gpus', 16) });

      const event = await eventually('a FailedScheduling event', async () => {
        const events = await core.listNamespacedEvent({
          namespace,
          fieldSelector: 'reason=FailedScheduling,involvedObject.kind=Pod',
        });
        return events.items[0];
      });
      expect(event.message).toContain('Insufficient nvidia.com/gpu');

      const [pod] = await podsOf(namespace, 'too-many-gpus');
      expect(pod?.status?.phase).toBe('Pending');
      expect(pod?.spec?.nodeName).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );
});

describe('garbage collection', () => {
  it(
    "deletes a Deployment's ReplicaSets and Pods with it",
    async () => {
      const namespace = await testNamespace('e2e-gc');
      const name = 'owned';
      const body = gpuDeployment(name, 1);
      await apps.createNamespacedDeployment({ namespace, body });
      await eventually('the pod to exist', async () => ((await podsOf(namespace, name)).length > 0 ? true : undefined));
      const replicaSets = await apps.listNamespacedReplicaSet({ namespace, labelSelector: `app=${name}` });
      expect(replicaSets.items).toHaveLength(1);
      expect(replicaSets.items[0]?.metadata?.ownerReferences?.[0]?.kind).toBe('Deployment');

      // Background propagation: the API server deletes only the owner and
      // the garbage collector in the controller-manager removes the rest.
      await apps.deleteNamespacedDeployment({ namespace, name, propagationPolicy: 'Background' });

      await eventually('the ReplicaSets and Pods to be garbage-collected', async () => {
        const rs = await apps.listNamespacedReplicaSet({ namespace, labelSelector: `app=${name}` });
        const pods = await podsOf(namespace, name);
        return rs.items.length === 0 && pods.length === 0 ? true : undefined;
      });
    },
    TEST_TIMEOUT_MS,
  );
});

describe('custom resources', () => {
  it(
    'validates objects against the CRD schema and serves the status subresource',
    async () => {
      const extensions = kc.makeApiClient(ApiextensionsV1Api);
      const custom = kc.makeApiClient(CustomObjectsApi);
      const namespace = await testNamespace('e2e-crd');
      // CRDs are cluster-wide: a per-run group keeps repeated runs apart.
      const group = `${uniqueName('e2e')}.nemo.test`;
      const plural = 'widgets';
      const version = 'v1';
      const crdName = `${plural}.${group}`;

      await extensions.createCustomResourceDefinition({
        body: {
          metadata: { name: crdName },
          spec: {
            group,
            scope: 'Namespaced',
            names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
            versions: [
              {
                name: version,
                served: true,
                storage: true,
                subresources: { status: {} },
                schema: {
                  openAPIV3Schema: {
                    type: 'object',
                    properties: {
                      spec: {
                        type: 'object',
                        required: ['model'],
                        properties: {
                          model: { type: 'string', minLength: 1 },
                          replicas: { type: 'integer', minimum: 1, maximum: 8 },
                        },
                      },
                      status: {
                        type: 'object',
                        // The client's schema model spells `enum` as `_enum` (a reserved word).
                        properties: { phase: { type: 'string', _enum: ['Pending', 'Ready'] } },
                      },
                    },
                  },
                },
              },
            ],
          },
        },
      });
      try {
        await eventually('the CRD to be Established', async () => {
          const crd = await extensions.readCustomResourceDefinition({ name: crdName });
          const established = crd.status?.conditions?.find((c) => c.type === 'Established');
          return established?.status === 'True' ? true : undefined;
        });

        const apiVersion = `${group}/${version}`;
        // Discovery of a new CRD can lag behind Established for a moment.
        await eventually('the Widget API to accept a valid object', async () => {
          await custom.createNamespacedCustomObject({
            group,
            version,
            namespace,
            plural,
            body: { apiVersion, kind: 'Widget', metadata: { name: 'good' }, spec: { model: 'llama', replicas: 2 } },
          });
          return true;
        });

        const refusal = await expectRefusal(() =>
          custom.createNamespacedCustomObject({
            group,
            version,
            namespace,
            plural,
            body: { apiVersion, kind: 'Widget', metadata: { name: 'bad' }, spec: { replicas: 99 } },
          }),
        );
        expect(refusal.code).toBe(422);
        expect(refusal.message).toContain('spec.model: Required value');
        expect(refusal.message).toContain('spec.replicas: Invalid value');

        // Writes to the main resource ignore status; the subresource takes it.
        await custom.patchNamespacedCustomObjectStatus({
          group,
          version,
          namespace,
          plural,
          name: 'good',
          body: [{ op: 'add', path: '/status', value: { phase: 'Ready' } }],
        });
        const widget = (await custom.getNamespacedCustomObject({
          group,
          version,
          namespace,
          plural,
          name: 'good',
        })) as {
          status?: { phase?: string };
          spec?: { replicas?: number };
        };
        expect(widget.status?.phase).toBe('Ready');
        expect(widget.spec?.replicas).toBe(2);

        const badStatus = await expectRefusal(() =>
          custom.patchNamespacedCustomObjectStatus({
            group,
            version,
            namespace,
            plural,
            name: 'good',
            body: [{ op: 'replace', path: '/status/phase', value: 'Exploded' }],
          }),
        );
        expect(badStatus.code).toBe(422);
        expect(badStatus.message).toContain('status.phase: Unsupported value');
      } finally {
        await extensions.deleteCustomResourceDefinition({ name: crdName });
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('pod security admission', () => {
  it(
    'refuses a privileged Pod, and admits a compliant one, under the restricted standard',
    async () => {
      const namespace = await testNamespace('e2e-psa', {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      });
      const refusal = await expectRefusal(() =>
        core.createNamespacedPod({
          namespace,
          body: {
            metadata: { name: 'privileged' },
            spec: {
              containers: [
                { name: 'main', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } },
              ],
            },
          },
        }),
      );
      expect(refusal.code).toBe(403);
      expect(refusal.message).toContain('violates PodSecurity "restricted:latest"');
      expect(refusal.message).toContain('privileged');

      // The same namespace admits a Pod that meets the standard.
      const admitted = await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: 'restricted' },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'main',
                image: 'registry.k8s.io/pause:3.10',
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      });
      expect(admitted.metadata?.uid).toBeTruthy();
    },
    TEST_TIMEOUT_MS,
  );
});
