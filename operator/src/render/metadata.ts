import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND, type NemoPlatform } from '../api/types.js';
import { MANAGED_BY, PLATFORM_LABEL } from './owned-kinds.js';

/** Name of a child object: the platform's name is the prefix, so platforms can share a namespace. */
export function childName(platform: NemoPlatform, suffix: string): string {
  return `${platform.metadata.name}-${suffix}`;
}

/** Labels that select one component's pods; stable for the life of a Deployment. */
export function selectorLabels(platform: NemoPlatform, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/instance': platform.metadata.name,
  };
}

export function commonLabels(platform: NemoPlatform, component: string): Record<string, string> {
  return {
    ...selectorLabels(platform, component),
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'nemo-platform',
    'app.kubernetes.io/managed-by': MANAGED_BY,
    [PLATFORM_LABEL]: platform.metadata.name,
  };
}

export function ownerReference(platform: NemoPlatform): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: platform.metadata.name,
    uid: platform.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function childMeta(platform: NemoPlatform, name: string, component: string): V1ObjectMeta & { name: string } {
  return {
    name,
    namespace: platform.metadata.namespace,
    labels: commonLabels(platform, component),
    ownerReferences: [ownerReference(platform)],
  };
}
