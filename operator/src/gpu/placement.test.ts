import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { resolveSpec } from '../render/spec-defaults.js';
import type { NemoPlatformSpec } from '../api/types.js';
import { gpuInventory, type GpuNode } from './inventory.js';
import { gpuDemands, observedAssignments, planGpuPlacement } from './placement.js';

const TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };

function node(
  name: string,
  gpus: number,
  labels: Record<string, string> = {},
  extra: Partial<V1Node['spec']> = {},
): V1Node {
  return {
    metadata: { name, labels },
    spec: { taints: gpus ? [TAINT] : [], ...extra },
    status: {
      allocatable: { cpu: '32', ...(gpus ? { 'nvidia.com/gpu': String(gpus) } : {}) },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function pod(nodeName: string, gpus: number, labels: Record<string, string> = {}, phase = 'Running'): V1Pod {
  return {
    metadata: { name: `p-${nodeName}-${gpus}`, labels },
    spec: { nodeName, containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }] },
    status: { phase },
  };
}

const H100 = { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3', 'nvidia.com/gpu.memory': '81559' };
const A10 = { 'nvidia.com/gpu.product': 'NVIDIA-A10G', 'nvidia.com/gpu.memory': '23028' };
const CLUSTER = [node('cpu-a', 0), node('gpu-a', 1, A10), node('gpu-b', 8, H100)];
const inventory = (pods: V1Pod[] = [], nodes = CLUSTER) =>
  gpuInventory(nodes, pods, (p) => p.metadata?.labels?.['nemo.dev/platform'] === 'nemo');
const demands = (spec: NemoPlatformSpec) => gpuDemands(resolveSpec(spec));

describe('gpuInventory', () => {
  it('lists GPU nodes with their free GPUs, ignoring the platform’s own pods and finished pods', () => {
    const pods = [pod('gpu-b', 3), pod('gpu-b', 2, { 'nemo.dev/platform': 'nemo' }), pod('gpu-b', 4, {}, 'Succeeded')];
    expect(inventory(pods).map((n) => [n.name, n.allocatable, n.free, n.product, n.memoryMiB])).toEqual([
      ['gpu-a', 1, 1, 'NVIDIA-A10G', 23028],
      ['gpu-b', 8, 5, 'NVIDIA-H100-80GB-HBM3', 81559],
    ]);
  });

  it('leaves out cordoned and not-ready nodes', () => {
    const cordoned = node('gpu-c', 4, H100, { unschedulable: true });
    const notReady = {
      ...node('gpu-d', 4, H100),
      status: { allocatable: { 'nvidia.com/gpu': '4' }, conditions: [{ type: 'Ready', status: 'False' }] },
    };
    expect(inventory([], [cordoned, notReady]).map((n) => n.name)).toEqual([]);
  });
});

describe('planGpuPlacement', () => {
  it.each([
    {
      name: 'defaults fit: one GPU each, spread',
      spec: {},
      nodes: ['gpu-b', 'gpu-b'],
      problems: [],
    },
    {
      name: 'a product pins to matching nodes',
      spec: { llm: { gpu: { count: 2, product: 'NVIDIA-H100-80GB-HBM3' } }, transcription: { enabled: false } },
      nodes: ['gpu-b'],
      problems: [],
    },
    {
      name: 'a minimum memory excludes small GPUs',
      spec: { llm: { replicas: 2, gpu: { minMemoryMiB: 40000 } }, transcription: { enabled: false } },
      nodes: ['gpu-b', 'gpu-b'],
      problems: [],
    },
    {
      name: 'too many GPUs for any node',
      spec: { llm: { gpu: { count: 16 } }, transcription: { enabled: false } },
      nodes: [],
      problems: ['llm needs 16 nvidia.com/gpu; no node offers that (check GPU node labels, taints and tolerations).'],
    },
    {
      name: 'the largest free is named when the product is busy',
      spec: { llm: { gpu: { count: 2, product: 'NVIDIA-A10G' } }, transcription: { enabled: false } },
      nodes: [],
      problems: [
        'llm needs 2 nvidia.com/gpu of product NVIDIA-A10G; no node offers that (check GPU node labels, taints and tolerations).',
      ],
    },
    {
      name: 'replicas beyond capacity say how many were placed',
      spec: { llm: { replicas: 3, gpu: { count: 4 } }, transcription: { enabled: false } },
      nodes: ['gpu-b', 'gpu-b'],
      problems: [
        'llm needs 4 nvidia.com/gpu per replica (3 replicas); the largest free is 0 on node gpu-b after placing 2 of 3.',
      ],
    },
    {
      name: 'CPU-only workloads need no GPU',
      spec: { llm: { gpu: { count: 0 } }, transcription: { gpu: { count: 0 } } },
      nodes: [],
      problems: [],
    },
  ])('$name', ({ spec, nodes, problems }) => {
    const result = planGpuPlacement(inventory(), demands(spec));
    expect(result.assignments.map((a) => a.node)).toEqual(nodes);
    expect(result.problems.map((p) => p.message)).toEqual(problems);
  });

  it('names the node with the largest free count when the product matches but is busy', () => {
    const busy = inventory([pod('gpu-b', 7)]);
    const result = planGpuPlacement(
      busy,
      demands({ llm: { gpu: { count: 2, product: 'NVIDIA-H100-80GB-HBM3' } }, transcription: { enabled: false } }),
    );
    expect(result.problems[0]).toMatchObject({
      type: 'GpuScheduled',
      reason: 'GpuUnavailable',
      message: 'llm needs 2 nvidia.com/gpu of product NVIDIA-H100-80GB-HBM3; the largest free is 1 on node gpu-b.',
    });
  });

  it('spread puts replicas on different nodes; pack fills one node first', () => {
    const nodes: GpuNode[] = ['g1', 'g2'].map((name) => ({
      name,
      allocatable: 4,
      free: 4,
      product: undefined,
      memoryMiB: undefined,
      taints: [],
    }));
    const spread = planGpuPlacement(nodes, demands({ llm: { replicas: 2 }, transcription: { enabled: false } }));
    expect(new Set(spread.assignments.map((a) => a.node)).size).toBe(2);
    const pack = planGpuPlacement(
      nodes,
      demands({ llm: { replicas: 2, gpu: { placement: 'pack' } }, transcription: { enabled: false } }),
    );
    expect(new Set(pack.assignments.map((a) => a.node)).size).toBe(1);
  });

  it('skips nodes with a taint the workload does not tolerate', () => {
    const tainted: GpuNode = {
      name: 'g',
      allocatable: 4,
      free: 4,
      product: undefined,
      memoryMiB: undefined,
      taints: [{ key: 'team', value: 'x', effect: 'NoSchedule' }],
    };
    expect(planGpuPlacement([tainted], demands({ transcription: { enabled: false } })).assignments).toEqual([]);
    const tolerated = demands({
      llm: { tolerations: [{ key: 'team', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] },
      transcription: { enabled: false },
    });
    expect(planGpuPlacement([tainted], tolerated).assignments).toHaveLength(1);
  });
});

describe('observedAssignments', () => {
  it('reports running GPU pods by component and node', () => {
    const pods = [
      pod('gpu-b', 1, { 'app.kubernetes.io/component': 'llm' }),
      pod('gpu-a', 1, { 'app.kubernetes.io/component': 'transcription' }, 'Pending'),
      pod('cpu-a', 0, { 'app.kubernetes.io/component': 'gateway' }),
    ];
    expect(observedAssignments(pods, (n) => (n === 'gpu-b' ? 'NVIDIA-H100-80GB-HBM3' : undefined))).toEqual([
      { component: 'llm', node: 'gpu-b', count: 1, product: 'NVIDIA-H100-80GB-HBM3' },
    ]);
  });
});
