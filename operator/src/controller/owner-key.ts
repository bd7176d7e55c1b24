import type { KubernetesObject } from '@kubernetes/client-node';
import { GROUP, KIND } from '../api/types.js';
import { MANAGED_BY, PLATFORM_LABEL } from '../render/owned-kinds.js';

/** The work-queue key of a namespaced object: namespace/name. */
export function keyOf(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * The key of the NemoPlatform that owns a child: from the controller owner
 * reference when there is one, else from the nemo.dev/platform label.
 */
export function ownerKeyOf(obj: KubernetesObject): string | undefined {
  const namespace = obj.metadata?.namespace;
  if (!namespace) return undefined;
  const owner = obj.metadata?.ownerReferences?.find(
    (ref) => ref.kind === KIND && ref.apiVersion.startsWith(`${GROUP}/`) && ref.controller === true,
  );
  const name = owner?.name ?? obj.metadata?.labels?.[PLATFORM_LABEL];
  return name ? `${namespace}/${name}` : undefined;
}

/** Whether the operator manages this object on behalf of the named platform. */
export function isOwnedBy(obj: KubernetesObject, platformName: string): boolean {
  const labels = obj.metadata?.labels ?? {};
  return labels['app.kubernetes.io/managed-by'] === MANAGED_BY && labels[PLATFORM_LABEL] === platformName;
}
