import type { KubernetesObject, V1ObjectMeta } from '@kubernetes/client-node';

/** A Kubernetes object with the identity fields the operator relies on. */
export type KubeObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta & { name: string; namespace?: string };
  [field: string]: unknown;
};

/** kind/namespace/name: identity across desired and observed lists. */
export function objectKey(obj: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
