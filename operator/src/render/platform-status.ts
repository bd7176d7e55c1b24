import type { V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import type { NemoPlatform } from '../api/types.js';
import type { KubeObject } from './kube-object.js';
import { childMeta, childName } from './metadata.js';

/** Where the gateway reads the platform's status (NEMO_PLATFORM_STATUS_FILE). */
export const PLATFORM_STATUS_DIR = '/etc/nemo/platform';
export const PLATFORM_STATUS_FILE = `${PLATFORM_STATUS_DIR}/status.json`;

const statusConfigMapName = (platform: NemoPlatform): string => childName(platform, 'status');

/**
 * The platform's last written status as a ConfigMap the gateway mounts, so
 * the admin page can show it without the gateway holding any Kubernetes API
 * access (no token, no RBAC, no egress to the API server). It trails the
 * status by one reconcile, and the kubelet refreshes the file within about a
 * minute. Not part of any config hash: a status change never rolls pods.
 */
export function platformStatusConfigMap(platform: NemoPlatform): KubeObject {
  const { name, namespace = '', generation } = platform.metadata;
  const published = {
    name,
    namespace,
    ...(generation === undefined ? {} : { generation }),
    status: platform.status ?? {},
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(platform, statusConfigMapName(platform), 'gateway'),
    data: { 'status.json': JSON.stringify(published) },
  };
}

export function platformStatusVolume(platform: NemoPlatform): V1Volume {
  return { name: 'platform-status', configMap: { name: statusConfigMapName(platform), optional: true } };
}

export const PLATFORM_STATUS_MOUNT: V1VolumeMount = {
  name: 'platform-status',
  mountPath: PLATFORM_STATUS_DIR,
  readOnly: true,
};
