import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '@nemo/common';
import { buildCrd } from '../api/crd.js';
import { sendRaw } from './kube-client.js';
import { FIELD_MANAGER } from '../api/types.js';

/**
 * Applies the NemoPlatform CRD by server-side apply and waits until it is
 * Established. Sent as plain JSON: client-node's typed CRD model renames
 * `enum`, `default` and the x-kubernetes-* keywords and drops them otherwise.
 */
export async function installCrd(kc: KubeConfig, log: Logger, timeoutMs = 60_000): Promise<void> {
  const crd = buildCrd() as { metadata: { name: string } };
  const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: 'true' });
  await sendRaw(kc, {
    method: 'PATCH',
    path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}?${query.toString()}`,
    body: JSON.stringify(crd),
    contentType: 'application/apply-patch+yaml',
  });
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await api.readCustomResourceDefinition({ name: crd.metadata.name });
    const established = current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (established) {
      log.info({ name: crd.metadata.name }, 'Installed CustomResourceDefinition');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`CustomResourceDefinition ${crd.metadata.name} was not Established within ${String(timeoutMs)} ms`);
}
