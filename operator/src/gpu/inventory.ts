import type { V1Node, V1Pod, V1Taint } from '@kubernetes/client-node';
import { GPU_LABELS, GPU_RESOURCE } from '../render/gpu.js';

/** One node's GPUs as the scheduler sees them. */
export interface GpuNode {
  name: string;
  allocatable: number;
  /** allocatable minus what other pods already request. */
  free: number;
  product: string | undefined;
  memoryMiB: number | undefined;
  taints: readonly V1Taint[];
}

function quantity(value: string | undefined): number {
  const n = Number.parseInt(value ?? '0', 10);
  return Number.isFinite(n) ? n : 0;
}

function isSchedulable(node: V1Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return ready && !node.spec?.unschedulable;
}

/** GPUs a pod holds: requests (or limits, which GPUs default requests to) of every container. */
export function podGpus(pod: V1Pod): number {
  return (pod.spec?.containers ?? []).reduce((sum, c) => {
    return sum + quantity(c.resources?.requests?.[GPU_RESOURCE] ?? c.resources?.limits?.[GPU_RESOURCE]);
  }, 0);
}

function isActive(pod: V1Pod): boolean {
  return pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !!pod.spec?.nodeName;
}

/**
 * Pure: the GPU nodes and their free GPUs. Pods matching `ignore` (the
 * platform's own, which placement is about to re-plan) are not subtracted.
 */
export function gpuInventory(
  nodes: readonly V1Node[],
  pods: readonly V1Pod[],
  ignore: (pod: V1Pod) => boolean,
): GpuNode[] {
  const used = new Map<string, number>();
  for (const pod of pods) {
    if (!isActive(pod) || ignore(pod)) continue;
    const node = pod.spec!.nodeName!;
    used.set(node, (used.get(node) ?? 0) + podGpus(pod));
  }
  return nodes
    .filter((n) => isSchedulable(n) && quantity(n.status?.allocatable?.[GPU_RESOURCE]) > 0)
    .map((n) => toGpuNode(n, used));
}

function toGpuNode(n: V1Node, used: ReadonlyMap<string, number>): GpuNode {
  const { name = '', labels = {} } = n.metadata ?? {};
  const allocatable = quantity(n.status?.allocatable?.[GPU_RESOURCE]);
  const memory = labels[GPU_LABELS.memory];
  return {
    name,
    allocatable,
    free: Math.max(0, allocatable - (used.get(name) ?? 0)),
    product: labels[GPU_LABELS.product],
    memoryMiB: memory === undefined ? undefined : quantity(memory),
    taints: n.spec?.taints ?? [],
  };
}
