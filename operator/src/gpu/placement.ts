import type { V1Pod, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { GPU_COMPONENTS, type GpuComponent } from '../render/components.js';
import { gpuTolerations, GPU_RESOURCE } from '../render/gpu.js';
import type { ResolvedSpec } from '../render/spec-defaults.js';
import type { Problem } from '../status.js';
import type { GpuNode } from './inventory.js';
import { podGpus } from './inventory.js';

export interface GpuDemand {
  component: GpuComponent;
  replicas: number;
  /** GPUs per pod. */
  count: number;
  product: string | undefined;
  minMemoryMiB: number | undefined;
  placement: 'spread' | 'pack';
  tolerations: readonly V1Toleration[];
}

export interface GpuAssignment {
  component: string;
  node: string;
  count: number;
  product?: string;
}

export interface PlacementResult {
  assignments: GpuAssignment[];
  /** One GpuScheduled problem per workload that does not fit, saying why. */
  problems: Problem[];
}

/** The GPU workloads of a spec, largest first so they are not squeezed out by small ones. */
export function gpuDemands(spec: ResolvedSpec): GpuDemand[] {
  return GPU_COMPONENTS.filter((c) => spec[c].enabled && spec[c].gpu.count > 0 && spec[c].replicas > 0)
    .map((c) => ({
      component: c,
      replicas: spec[c].replicas,
      count: spec[c].gpu.count,
      product: spec[c].gpu.product,
      minMemoryMiB: spec[c].gpu.minMemoryMiB,
      placement: spec[c].gpu.placement,
      tolerations: [...gpuTolerations(spec[c].gpu), ...(spec[c].tolerations ?? [])],
    }))
    .sort((a, b) => b.count - a.count);
}

function tolerates(tolerations: readonly V1Toleration[], taint: V1Taint): boolean {
  return tolerations.some((t) => {
    const effectOk = !t.effect || t.effect === taint.effect;
    const keyOk =
      t.operator === 'Exists' ? !t.key || t.key === taint.key : t.key === taint.key && t.value === taint.value;
    return effectOk && keyOk;
  });
}

/** Nodes the workload may run on at all, whatever is free. */
function eligible(node: GpuNode, demand: GpuDemand): boolean {
  const blocking = node.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  return (
    node.allocatable >= demand.count &&
    (!demand.product || node.product === demand.product) &&
    (!demand.minMemoryMiB || (node.memoryMiB ?? 0) >= demand.minMemoryMiB) &&
    blocking.every((t) => tolerates(demand.tolerations, t))
  );
}

function describe(demand: GpuDemand): string {
  const what = [
    demand.product ? `of product ${demand.product}` : '',
    demand.minMemoryMiB ? `with at least ${demand.minMemoryMiB} MiB` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const per = demand.replicas > 1 ? ` per replica (${demand.replicas} replicas)` : '';
  return `${demand.component} needs ${demand.count} ${GPU_RESOURCE}${what ? ` ${what}` : ''}${per}`;
}

function shortage(demand: GpuDemand, candidates: readonly { node: GpuNode; free: number }[], placed: number): Problem {
  const largest = [...candidates].sort((a, b) => b.free - a.free)[0];
  const where = largest
    ? `the largest free is ${largest.free} on node ${largest.node.name}`
    : 'no node offers that (check GPU node labels, taints and tolerations)';
  const progress = placed > 0 ? ` after placing ${placed} of ${demand.replicas}` : '';
  return {
    type: 'GpuScheduled',
    reason: 'GpuUnavailable',
    message: `${describe(demand)}; ${where}${progress}.`,
    terminal: false,
  };
}

/** spread: fewest of this workload's pods, then most free. pack: least free that fits (best fit). */
function choose(candidates: { node: GpuNode; free: number; mine: number }[], demand: GpuDemand) {
  const sorted = [...candidates].sort((a, b) =>
    demand.placement === 'spread' ? a.mine - b.mine || b.free - a.free : a.free - b.free || b.mine - a.mine,
  );
  return sorted[0];
}

/**
 * Pure: where the GPU workloads fit on the inventory, simulating the
 * scheduler's GPU accounting, and a precise reason for what does not fit.
 */
export function planGpuPlacement(inventory: readonly GpuNode[], demands: readonly GpuDemand[]): PlacementResult {
  const free = new Map(inventory.map((n) => [n.name, n.free]));
  const result: PlacementResult = { assignments: [], problems: [] };
  for (const demand of demands) {
    const nodes = inventory.filter((n) => eligible(n, demand));
    const mine = new Map<string, number>();
    for (let replica = 0; replica < demand.replicas; replica++) {
      const state = nodes.map((node) => ({ node, free: free.get(node.name) ?? 0, mine: mine.get(node.name) ?? 0 }));
      const pick = choose(
        state.filter((s) => s.free >= demand.count),
        demand,
      );
      if (!pick) {
        result.problems.push(shortage(demand, state, replica));
        break;
      }
      free.set(pick.node.name, pick.free - demand.count);
      mine.set(pick.node.name, pick.mine + 1);
      result.assignments.push({
        component: demand.component,
        node: pick.node.name,
        count: demand.count,
        ...(pick.node.product ? { product: pick.node.product } : {}),
      });
    }
  }
  return result;
}

/** Pure: where GPU pods actually run, for status. */
export function observedAssignments(
  pods: readonly V1Pod[],
  productOf: (node: string) => string | undefined,
): GpuAssignment[] {
  return pods
    .filter((p) => p.spec?.nodeName && p.status?.phase === 'Running' && podGpus(p) > 0)
    .map((p) => {
      const node = p.spec!.nodeName!;
      const product = productOf(node);
      return {
        component: p.metadata?.labels?.['app.kubernetes.io/component'] ?? 'unknown',
        node,
        count: podGpus(p),
        ...(product ? { product } : {}),
      };
    })
    .sort((a, b) => a.component.localeCompare(b.component) || a.node.localeCompare(b.node));
}
