import type { NemoPlatform } from '../api/types.js';
import { enabledComponents } from './components.js';
import { configMap } from './config.js';
import { managedDatastores } from './datastores.js';
import { contentHash } from './hash.js';
import type { KubeObject } from './kube-object.js';
import { gatewayIngress, service } from './network.js';
import { networkPolicies } from './network-policy.js';
import { SPEC_HASH_ANNOTATION } from './owned-kinds.js';
import { platformStatusConfigMap } from './platform-status.js';
import { resolveSpec } from './spec-defaults.js';
import { modelCacheClaim, ragIndexClaim } from './storage.js';
import { deployment, serviceAccount } from './workload.js';

export type { KubeObject } from './kube-object.js';

/** What render needs to know about the cluster besides the spec. */
export interface ClusterFacts {
  /** sha256 of the platform Secret's data; a change rolls every pod that mounts it. */
  secretHash: string | undefined;
}

/** Annotates an object with the hash of everything else in it. */
function withSpecHash(obj: KubeObject): KubeObject {
  const hash = contentHash(obj);
  return {
    ...obj,
    metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, [SPEC_HASH_ANNOTATION]: hash } },
  };
}

/**
 * Pure: the objects a NemoPlatform should own, from its spec and a few
 * cluster facts. No clock, no I/O, no randomness; the same input gives the
 * same output, byte for byte.
 */
export function render(platform: NemoPlatform, facts: ClusterFacts): KubeObject[] {
  const spec = resolveSpec(platform.spec);
  const objects: KubeObject[] = [modelCacheClaim(platform, spec), ...managedDatastores(platform, spec)];
  if (spec.rag.enabled) objects.push(ragIndexClaim(platform, spec));
  for (const component of enabledComponents(spec)) {
    objects.push(
      serviceAccount(platform, component),
      configMap(platform, spec, component),
      service(platform, component),
      deployment(platform, spec, component, facts),
    );
  }
  objects.push(platformStatusConfigMap(platform));
  const ingress = gatewayIngress(platform, spec);
  if (ingress) objects.push(ingress);
  objects.push(...networkPolicies(platform, spec));
  return objects.map(withSpecHash);
}
