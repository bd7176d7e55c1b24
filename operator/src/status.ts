import type { Condition, NemoPlatform, NemoPlatformStatus } from './api/types.js';
import type { GpuAssignment } from './gpu/placement.js';
import { enabledComponents } from './render/components.js';
import { gpuSlots } from './render/config.js';
import type { KubeObject } from './render/kube-object.js';
import { childName } from './render/metadata.js';
import { gatewayEndpoint } from './render/network.js';
import { resolveSpec, type ResolvedSpec } from './render/spec-defaults.js';
import { canonicalJson } from './render/hash.js';

export interface Problem {
  type: 'Degraded' | 'GpuScheduled' | 'SecretsReady' | 'NetworkPolicyReady';
  /** One CamelCase word. */
  reason: string;
  /** What is wrong and what to do; never a secret value. */
  message: string;
  /** No retry can fix it without a change by a person. */
  terminal: boolean;
}

export interface StatusInput {
  platform: NemoPlatform;
  observed: readonly KubeObject[];
  problems: readonly Problem[];
  /** RFC 3339; used only for conditions whose status changes. */
  now: string;
  /** Where GPU pods run now; absent when not looked up (status keeps the last value). */
  gpuAssignments?: readonly GpuAssignment[];
}

interface Workload {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; updatedReplicas?: number; observedGeneration?: number };
  metadata: { generation?: number };
}

type Counts = Record<string, { ready: number; desired: number }>;

/** Each workload the platform should run, with its desired replicas from the spec. */
function expectedWorkloads(spec: ResolvedSpec): { name: string; desired: number }[] {
  const list: { name: string; desired: number }[] = enabledComponents(spec).map((c) => ({
    name: c,
    desired: spec[c].replicas,
  }));
  for (const store of ['redis', 'postgres'] as const) {
    if (spec[store].mode === 'managed') list.push({ name: store, desired: 1 });
  }
  return list;
}

/** Ready counts only pods of the current revision, once the controller has seen the latest spec. */
function readyOf(w: Workload | undefined): number {
  const status = w?.status;
  if (!w || !status || (status.observedGeneration ?? 0) < (w.metadata.generation ?? 0)) return 0;
  const ready = status.readyReplicas ?? 0;
  return Math.min(ready, status.updatedReplicas ?? ready);
}

function componentCounts(platform: NemoPlatform, spec: ResolvedSpec, observed: readonly KubeObject[]): Counts {
  const byName = new Map(
    observed.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet').map((o) => [o.metadata.name, o]),
  );
  const counts: Counts = {};
  for (const { name, desired } of expectedWorkloads(spec)) {
    const w = byName.get(childName(platform, name)) as Workload | undefined;
    counts[name] = { ready: readyOf(w), desired };
  }
  return counts;
}

function condition(type: string, ok: boolean, reason: string, message: string): Omit<Condition, 'lastTransitionTime'> {
  return { type, status: ok ? 'True' : 'False', reason, message };
}

function waitingFor(counts: Counts): string[] {
  return Object.entries(counts)
    .filter(([, c]) => c.ready < c.desired)
    .map(([name, c]) => `${name} (${c.ready}/${c.desired})`);
}

function conditionsFor(counts: Counts, problems: readonly Problem[]): Omit<Condition, 'lastTransitionTime'>[] {
  // Ready, Progressing and Degraded; feature conditions come from featureConditions.
  const degraded = problems.find((p) => p.type === 'Degraded');
  const waiting = waitingFor(counts);
  const list = [
    degraded
      ? condition('Degraded', true, degraded.reason, degraded.message)
      : condition('Degraded', false, 'AsExpected', 'No problems found.'),
    waiting.length
      ? condition('Progressing', true, 'RollingOut', `Waiting for ${waiting.join(', ')}.`)
      : condition('Progressing', false, 'Stable', 'Every component is up to date.'),
    degraded
      ? condition('Ready', false, degraded.reason, degraded.message)
      : waiting.length
        ? condition('Ready', false, 'ComponentsNotReady', `Waiting for ${waiting.join(', ')}.`)
        : condition('Ready', true, 'AllComponentsReady', 'Every component is ready.'),
  ];
  return list;
}

/** The conditions that hold unless a problem says otherwise, for the features the spec uses. */
const HEALTHY: Record<'GpuScheduled' | 'SecretsReady' | 'NetworkPolicyReady', [reason: string, message: string]> = {
  GpuScheduled: ['GpuAvailable', 'Every GPU workload fits on the GPU nodes.'],
  SecretsReady: ['SecretsAvailable', 'Every Secret the platform mounts is present.'],
  NetworkPolicyReady: ['PoliciesApplied', 'NetworkPolicies fence every platform pod.'],
};

function featureConditions(spec: ResolvedSpec, problems: readonly Problem[]): Omit<Condition, 'lastTransitionTime'>[] {
  const types: ('GpuScheduled' | 'SecretsReady' | 'NetworkPolicyReady')[] = ['SecretsReady'];
  if (gpuSlots(spec) > 0) types.unshift('GpuScheduled');
  if (spec.networkPolicy.enabled) types.push('NetworkPolicyReady');
  return types.map((type) => {
    const p = problems.find((x) => x.type === type);
    const [reason, message] = HEALTHY[type];
    return p ? condition(type, false, p.reason, p.message) : condition(type, true, reason, message);
  });
}

/** Keeps lastTransitionTime when the status of a condition did not change. */
function stamp(
  next: Omit<Condition, 'lastTransitionTime'>[],
  previous: readonly Condition[],
  now: string,
): Condition[] {
  return next.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now };
  });
}

function phaseOf(conditions: readonly Condition[], observedAny: boolean): NonNullable<NemoPlatformStatus['phase']> {
  const is = (type: string) => conditions.find((c) => c.type === type)?.status === 'True';
  if (is('Degraded')) return 'Degraded';
  if (is('Ready')) return 'Ready';
  return observedAny ? 'Progressing' : 'Pending';
}

/** Pure: the status to write, from the platform, what the cluster shows, and known problems. */
export function computeStatus(input: StatusInput): NemoPlatformStatus {
  const { platform, observed, problems, now } = input;
  const spec = resolveSpec(platform.spec);
  const components = componentCounts(platform, spec, observed);
  const conditions = stamp(
    [...conditionsFor(components, problems), ...featureConditions(spec, problems)].map((c) => ({
      ...c,
      observedGeneration: platform.metadata.generation ?? 0,
    })),
    platform.status?.conditions ?? [],
    now,
  );
  return {
    observedGeneration: platform.metadata.generation ?? 0,
    phase: phaseOf(conditions, observed.length > 0),
    conditions,
    components,
    gpu: {
      requested: gpuSlots(spec),
      assignments: [...(input.gpuAssignments ?? platform.status?.gpu?.assignments ?? [])],
    },
    endpoints: { gateway: gatewayEndpoint(platform, spec) },
  };
}

/** Equal status means no write: the reconcile stays read-only. */
export function statusEquals(a: NemoPlatformStatus | undefined, b: NemoPlatformStatus): boolean {
  return a !== undefined && canonicalJson(a) === canonicalJson(b);
}
