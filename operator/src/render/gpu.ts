import type {
  V1Affinity,
  V1NodeSelectorRequirement,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
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

const HOSTNAME = 'kubernetes.io/hostname';

/**
 * Required affinity to nodes with enough GPUs of the requested kind, plus
 * the pack preference: land beside the platform's other pods.
 */
export function gpuAffinity(gpu: GpuSpec, platformPods: Record<string, string>): V1Affinity | undefined {
  if (gpu.count < 1) return undefined;
  const expressions: V1NodeSelectorRequirement[] = [
    { key: GPU_LABELS.count, operator: 'Gt', values: [String(gpu.count - 1)] },
  ];
  if (gpu.product) expressions.push({ key: GPU_LABELS.product, operator: 'In', values: [gpu.product] });
  if (gpu.minMemoryMiB) {
    expressions.push({ key: GPU_LABELS.memory, operator: 'Gt', values: [String(gpu.minMemoryMiB - 1)] });
  }
  const pack: V1Affinity['podAffinity'] = {
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: platformPods }, topologyKey: HOSTNAME } },
    ],
  };
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] },
    },
    ...(gpu.placement === 'pack' ? { podAffinity: pack } : {}),
  };
}

/** The spread preference: replicas of one workload on different nodes when they can be. */
export function gpuSpread(gpu: GpuSpec, selector: Record<string, string>): V1TopologySpreadConstraint[] {
  if (gpu.count < 1 || gpu.placement !== 'spread') return [];
  return [
    {
      maxSkew: 1,
      topologyKey: HOSTNAME,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: selector },
    },
  ];
}

export function gpuTolerations(gpu: GpuSpec): V1Toleration[] {
  return gpu.count < 1 ? [] : [{ key: GPU_TAINT_KEY, operator: 'Exists', effect: 'NoSchedule' }];
}
