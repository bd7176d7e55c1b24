import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NemoPlatform } from '../src/api/types.js';
import { render } from '../src/render/index.js';
import { connect, deleteNamespace, uniqueName, type TestCluster } from './support/cluster.js';
import { podTemplate, workloads } from './support/objects.js';

/**
 * Every pod the operator renders must pass the `restricted` Pod Security
 * Standard, as the real API server's admission enforces it. Pods are created
 * with dryRun so nothing is scheduled; admission runs all the same.
 */
describe('rendered pods under the restricted Pod Security Standard', () => {
  let cluster: TestCluster;
  let namespace: string;

  beforeAll(async () => {
    cluster = await connect();
    namespace = uniqueName('restricted');
    await cluster.core.createNamespace({
      body: {
        metadata: {
          name: namespace,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      },
    });
  });
  afterAll(() => deleteNamespace(cluster, namespace));

  const platform = (): NemoPlatform => ({
    apiVersion: 'nemo.dev/v1alpha1',
    kind: 'NemoPlatform',
    metadata: { name: 'nemo', namespace, uid: '00000000-0000-4000-8000-000000000009' },
    spec: { gateway: { ingress: { enabled: true, host: 'nemo.example.com' } } },
  });

  it('admits every platform pod, datastores included', async () => {
    const pods = workloads(render(platform(), { secretHash: 'h' })).map((o): V1Pod => {
      const tpl = podTemplate(o);
      // A StatefulSet's claim templates become volumes only through its controller; stand in with emptyDirs.
      const claims =
        (o['spec'] as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? [];
      const volumes = [...(tpl.spec.volumes ?? []), ...claims.map((c) => ({ name: c.metadata.name, emptyDir: {} }))];
      return {
        metadata: { name: `${o.metadata.name}-probe`, namespace, labels: tpl.metadata?.labels ?? {} },
        spec: { ...tpl.spec, volumes },
      };
    });
    expect(pods.length).toBe(9);
    // Admission looks up each pod's ServiceAccount; create the rendered ones (without the
    // owner reference: there is no platform object here, and the GC would remove them).
    const accounts = render(platform(), { secretHash: 'h' }).filter((o) => o.kind === 'ServiceAccount');
    for (const sa of accounts) {
      await cluster.core.createNamespacedServiceAccount({
        namespace,
        body: { metadata: { name: sa.metadata.name }, automountServiceAccountToken: false },
      });
    }
    for (const body of pods) {
      await cluster.core.createNamespacedPod({ namespace, body, dryRun: 'All' });
    }
  });

  it('refuses a pod that breaks the standard (the check is live)', async () => {
    const gateway = workloads(render(platform(), { secretHash: 'h' })).find((o) => o.metadata.name === 'nemo-gateway');
    const spec = structuredClone(podTemplate(gateway!).spec);
    spec.containers[0]!.securityContext = { ...spec.containers[0]!.securityContext, allowPrivilegeEscalation: true };
    await expect(
      cluster.core.createNamespacedPod({ namespace, body: { metadata: { name: 'bad' }, spec }, dryRun: 'All' }),
    ).rejects.toMatchObject({ code: 403 });
  });
});
