import type { V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/render/kube-object.js';

/** The pod template of a rendered Deployment or StatefulSet. */
export function podTemplate(o: KubeObject): V1PodTemplateSpec & { spec: V1PodSpec } {
  return (o['spec'] as { template: V1PodTemplateSpec & { spec: V1PodSpec } }).template;
}

export function workloads(objects: readonly KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
}
