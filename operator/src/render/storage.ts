import type { NemoPlatform } from '../api/types.js';
import type { KubeObject } from './kube-object.js';
import { childMeta, childName } from './metadata.js';
import type { ResolvedSpec } from './spec-defaults.js';

/**
 * The model cache: weights fetched once and mounted read-only by every model
 * service. ReadWriteMany because those pods land on different nodes.
 */
export function modelCacheClaim(platform: NemoPlatform, spec: ResolvedSpec): KubeObject {
  const { size, storageClass } = spec.modelCache;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: childMeta(platform, childName(platform, 'model-cache'), 'model-cache'),
    spec: {
      accessModes: ['ReadWriteMany'],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: String(size) } },
    },
  };
}

/** rag's index snapshot and write-ahead log (spec.rag.index.persistence). */
export function ragIndexClaim(platform: NemoPlatform, spec: ResolvedSpec): KubeObject {
  const { size, storageClass } = spec.rag.index.persistence;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: childMeta(platform, childName(platform, 'rag-index'), 'rag'),
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: String(size) } },
    },
  };
}
