import type { V1Affinity, V1NodeSelectorRequirement, V1Toleration } from '@kubernetes/client-node';
import type { ResolvedSpec } from './spec-defaults.js';

export const GPU_RESOURCE = 'nvidia.com/gpu';
export const GPU_TAINT_KEY = 'nvidia.com/gpu';
/** Node labels set by the NVIDIA GPU Operator's feature discovery. */
export const GPU_LABELS = {
  product: 'nvidia.com/gpu.product',
  memory: 'nvidia.com/gpu.memory',
  count: 'nvidia.com/gpu.count',
} as const;

type GpuSpec = ResolvedSpec['llm']['gpu'];

/** Required affinity to nodes with enough GPUs of the requested kind. */
export function gpuAffinity(gpu: GpuSpec): V1Affinity | undefined {
  if (gpu.count < 1) return undefined;
  const expressions: V1NodeSelectorRequirement[] = [
    { key: GPU_LABELS.count, operator: 'Gt', values: [String(gpu.count - 1)] },
  ];
  if (gpu.product) expressions.push({ key: GPU_LABELS.product, operator: 'In', values: [gpu.product] });
  if (gpu.minMemoryMiB) {
    expressions.push({ key: GPU_LABELS.memory, operator: 'Gt', values: [String(gpu.minMemoryMiB - 1)] });
  }
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] },
    },
  };
}

export function gpuTolerations(gpu: GpuSpec): V1Toleration[] {
  return gpu.count < 1 ? [] : [{ key: GPU_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' }];
}
