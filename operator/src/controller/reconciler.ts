import {
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  type V1Pod,
  type CoreV1Api,
  type CustomObjectsApi,
  type KubernetesObjectApi,
} from '@kubernetes/client-node';
import type { Logger } from '@nemo/common';
import {
  FIELD_MANAGER,
  FINALIZER,
  GROUP,
  PLURAL,
  VERSION,
  type NemoPlatform,
  type NemoPlatformStatus,
} from '../api/types.js';
import { plan } from '../plan.js';
import { preflight } from '../preflight.js';
import { render } from '../render/index.js';
import { objectKey, type KubeObject } from '../render/kube-object.js';
import { platformSecretNames, generatedSecretName } from '../render/secrets.js';
import { resolveSpec } from '../render/spec-defaults.js';
import { ensureGeneratedSecret, ROTATION_ANNOTATION, secretDataHash } from '../secrets/generated-secret.js';
import { SEALED_SECRET_API, sealedSecretProblems } from '../secrets/sealed-secrets.js';
import { gpuInventory } from '../gpu/inventory.js';
import { gpuDemands, observedAssignments, planGpuPlacement, type GpuAssignment } from '../gpu/placement.js';
import { PLATFORM_LABEL } from '../render/owned-kinds.js';
import { statusCodeOf } from './kube-client.js';
import { computeStatus, statusEquals, type Problem } from '../status.js';
import type { Drift, DriftDetector } from './drift.js';
import type { EventRecorder, PlatformEvent } from './events.js';
import { execute } from './execute.js';
import type { RawObjectClient } from './raw-objects.js';
import type { OperatorMetrics } from './metrics.js';
import { splitKey } from './owner-key.js';
import type { HandlerResult } from './work-queue.js';

/** While a terminal problem waits for a person, look again now and then; never in a hot loop. */
export const TERMINAL_RECHECK_MS = 30_000;
/** While pods come up; the Deployment watch usually gets there first. */
export const NOT_READY_RECHECK_MS = 10_000;

/** What the reconciler reads from the informer caches. */
export interface PlatformCache {
  getPlatform(namespace: string, name: string): NemoPlatform | undefined;
  /** Nodes and pods for GPU placement; undefined while they cannot be read. */
  gpuView(): { nodes: V1Node[]; pods: V1Pod[] } | undefined;
  listOwned(namespace: string, platformName: string): KubeObject[];
  secretNames(namespace: string): ReadonlySet<string>;
  getSecret(namespace: string, name: string): KubeObject | undefined;
  storageClassNames(): ReadonlySet<string> | undefined;
}

export interface ReconcilerDeps {
  cache: PlatformCache;
  /** Clients that count their requests (see countingClient). */
  objects: KubernetesObjectApi;
  /** Writes owned objects as plain JSON (see raw-objects.ts). */
  writer: RawObjectClient;
  core: CoreV1Api;
  custom: CustomObjectsApi;
  events: EventRecorder;
  metrics: OperatorMetrics;
  drift: DriftDetector;
  log: Logger;
  now?: () => Date;
}

/**
 * Level-triggered reconcile of one NemoPlatform: read it from the cache,
 * render what it should own, apply only what differs, and write status only
 * when it changed. A reconcile with nothing to do sends no request at all.
 */
export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async reconcile(key: string): Promise<HandlerResult> {
    const { namespace, name } = splitKey(key);
    const platform = this.deps.cache.getPlatform(namespace, name);
    if (!platform) return {};
    if (platform.metadata.deletionTimestamp) return this.finalize(platform);
    const current = await this.ensureFinalizer(platform);
    return this.sync(current);
  }

  /** Records a failed reconcile as a Warning Event on the platform, when it still exists. */
  async reportFailure(key: string, error: unknown): Promise<void> {
    const { namespace, name } = splitKey(key);
    const platform = this.deps.cache.getPlatform(namespace, name);
    if (!platform) return;
    const message = error instanceof Error ? error.message : String(error);
    await this.deps.events.record(platform, { type: 'Warning', reason: 'ReconcileFailed', message });
  }

  private async sync(platform: NemoPlatform): Promise<HandlerResult> {
    const { namespace, name } = platform.metadata;
    const secretHash = await this.platformSecretHash(platform);
    const gpu = this.gpuFacts(platform);
    const problems = [
      ...preflight(platform, {
        secrets: new Set([...this.deps.cache.secretNames(namespace), ...this.generatedSecretNames(platform)]),
        secretKeys: this.secretKeys(platform),
        storageClasses: this.deps.cache.storageClassNames(),
      }),
      ...(await this.sealedProblems(platform)),
      ...gpu.problems,
    ];
    const blocked = problems.some((p) => p.terminal);
    const observed = this.deps.cache.listOwned(namespace, name);
    const applied = blocked ? [] : await this.applyDesired(platform, observed, secretHash);
    const status = computeStatus({
      platform,
      observed: mergeByKey(observed, applied),
      problems,
      now: this.now().toISOString(),
      ...(gpu.assignments ? { gpuAssignments: gpu.assignments } : {}),
    });
    await this.updateStatus(platform, status, problems);
    if (blocked) return { requeueAfter: TERMINAL_RECHECK_MS };
    return status.phase === 'Ready' ? {} : { requeueAfter: NOT_READY_RECHECK_MS };
  }

  /** Where the GPU workloads fit (a precise reason when they do not) and where they run. */
  private gpuFacts(platform: NemoPlatform): { problems: Problem[]; assignments?: GpuAssignment[] } {
    const view = this.deps.cache.gpuView();
    const demands = gpuDemands(resolveSpec(platform.spec));
    if (!view || demands.length === 0) return { problems: [] };
    const mine = (pod: V1Pod) =>
      pod.metadata?.namespace === platform.metadata.namespace &&
      pod.metadata.labels?.[PLATFORM_LABEL] === platform.metadata.name;
    const inventory = gpuInventory(view.nodes, view.pods, mine);
    const products = new Map(inventory.map((n) => [n.name, n.product]));
    return {
      problems: planGpuPlacement(inventory, demands).problems,
      assignments: observedAssignments(view.pods.filter(mine), (node) => products.get(node)),
    };
  }

  /** Keys of the external Secret, so preflight can name the ones missing. */
  private secretKeys(platform: NemoPlatform): Map<string, Set<string>> {
    const name = resolveSpec(platform.spec).secrets.externalSecretName;
    const secret = name ? this.deps.cache.getSecret(platform.metadata.namespace, name) : undefined;
    const data = { ...(secret?.['data'] as object | undefined), ...(secret?.['stringData'] as object | undefined) };
    return name && secret ? new Map([[name, new Set(Object.keys(data))]]) : new Map<string, Set<string>>();
  }

  /** In sealed mode: whether the sealed-secrets controller has produced every Secret. */
  private async sealedProblems(platform: NemoPlatform): Promise<Problem[]> {
    const spec = resolveSpec(platform.spec);
    if (spec.secrets.mode !== 'sealed') return [];
    const namespace = platform.metadata.namespace;
    const sealed = await this.listSealedSecrets(namespace);
    return sealedSecretProblems(spec.secrets.sealedSecrets ?? [], namespace, {
      crdInstalled: sealed !== undefined,
      sealed: sealed ?? new Map(),
      secrets: this.deps.cache.secretNames(namespace),
    });
  }

  /** SealedSecret name → status conditions; undefined when the CRD is not installed. */
  private async listSealedSecrets(
    namespace: string,
  ): Promise<Map<string, { type?: string; status?: string; message?: string }[]> | undefined> {
    try {
      const list = (await this.deps.custom.listNamespacedCustomObject({ ...SEALED_SECRET_API, namespace })) as {
        items?: {
          metadata?: { name?: string };
          status?: { conditions?: { type?: string; status?: string; message?: string }[] };
        }[];
      };
      return new Map((list.items ?? []).map((i) => [i.metadata?.name ?? '', i.status?.conditions ?? []]));
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async applyDesired(
    platform: NemoPlatform,
    observed: readonly KubeObject[],
    secretHash: string | undefined,
  ): Promise<KubeObject[]> {
    const desired = render(platform, { secretHash });
    const { apply, prune } = plan(desired, observed);
    if (apply.length === 0 && prune.length === 0) return [];
    const drift = this.deps.drift.find(apply, observed);
    this.deps.drift.willPrune(prune);
    const result = await execute(this.deps.writer, { apply, prune }, this.deps.log);
    await this.reportDrift(platform, drift);
    return result.applied;
  }

  private async reportDrift(platform: NemoPlatform, drift: readonly Drift[]): Promise<void> {
    for (const { object, how } of drift) {
      this.deps.metrics.countDrift(object.kind);
      const what = `${object.kind} ${object.metadata.name}`;
      const message = how === 'recreated' ? `Recreated deleted ${what}` : `Reverted manual change to ${what}`;
      this.deps.log.info({ namespace: object.metadata.namespace, name: object.metadata.name, how }, 'Reverted drift');
      await this.deps.events.record(platform, { type: 'Normal', reason: 'DriftReverted', message });
    }
  }

  /**
   * Hash of the Secret data the pods mount, so that a change rolls them.
   * Read from the cache; the API is called only to create the generated Secret.
   */
  private async platformSecretHash(platform: NemoPlatform): Promise<string | undefined> {
    const spec = resolveSpec(platform.spec);
    const namespace = platform.metadata.namespace;
    const names = platformSecretNames(platform, spec);
    const cached = names.map((n) => this.deps.cache.getSecret(namespace, n));
    const complete = cached.every((s) => s !== undefined);
    if (complete && !this.needsRotation(platform, cached[0])) {
      return secretDataHash(cached as { data?: Record<string, string> }[]);
    }
    if (spec.secrets.mode !== 'generated') return undefined;
    const { hash, rotated } = await ensureGeneratedSecret(this.deps.core, platform);
    if (rotated) {
      await this.deps.events.record(platform, {
        type: 'Normal',
        reason: 'KeysRotated',
        message: 'Rotated the S2S signing key; the previous key keeps verifying until the next rotation.',
      });
    }
    return hash;
  }

  /** A generated Secret made for another spec.secrets.rotation token. */
  private needsRotation(platform: NemoPlatform, secret: KubeObject | undefined): boolean {
    if (resolveSpec(platform.spec).secrets.mode !== 'generated' || !secret) return false;
    const made = secret.metadata.annotations?.[ROTATION_ANNOTATION] ?? '';
    return made !== (platform.spec.secrets?.rotation ?? '');
  }

  private generatedSecretNames(platform: NemoPlatform): string[] {
    return resolveSpec(platform.spec).secrets.mode === 'generated' ? [generatedSecretName(platform)] : [];
  }

  private async updateStatus(
    platform: NemoPlatform,
    status: NemoPlatformStatus,
    problems: readonly Problem[],
  ): Promise<void> {
    if (statusEquals(platform.status, status)) return;
    const { namespace, name } = platform.metadata;
    await this.deps.custom.patchNamespacedCustomObjectStatus(
      {
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace,
        name,
        body: { apiVersion: platform.apiVersion, kind: platform.kind, metadata: { name, namespace }, status },
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    this.deps.log.info({ namespace, name, phase: status.phase }, 'Updated NemoPlatform status');
    for (const event of transitionEvents(platform.status, status, problems)) {
      await this.deps.events.record(platform, event);
    }
  }

  private async ensureFinalizer(platform: NemoPlatform): Promise<NemoPlatform> {
    const finalizers = platform.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZER)) return platform;
    const updated = await this.patchFinalizers(platform, [...finalizers, FINALIZER]);
    this.deps.log.info({ namespace: platform.metadata.namespace, name: platform.metadata.name }, 'Added finalizer');
    return updated;
  }

  /**
   * Owner references let the garbage collector remove every child, so the
   * finalizer has nothing else to clean up yet; it is the hook for cleanup
   * they cannot do (objects in other namespaces, external state).
   */
  private async finalize(platform: NemoPlatform): Promise<HandlerResult> {
    const finalizers = platform.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZER)) return {};
    await this.patchFinalizers(
      platform,
      finalizers.filter((f) => f !== FINALIZER),
    );
    this.deps.log.info({ namespace: platform.metadata.namespace, name: platform.metadata.name }, 'Removed finalizer');
    return {};
  }

  /** JSON merge patch guarded by resourceVersion: a concurrent change fails with 409 and retries. */
  private async patchFinalizers(platform: NemoPlatform, finalizers: string[]): Promise<NemoPlatform> {
    const { name, namespace, resourceVersion } = platform.metadata;
    const patch = {
      apiVersion: platform.apiVersion,
      kind: platform.kind,
      metadata: { name, namespace, resourceVersion, finalizers },
    };
    const updated = await this.deps.objects.patch(
      patch,
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
    return updated as NemoPlatform;
  }

  private now(): Date {
    return this.deps.now ? this.deps.now() : new Date();
  }
}

/** Children as observed, with the API server's answers to this reconcile's applies in place. */
function mergeByKey(observed: readonly KubeObject[], applied: readonly KubeObject[]): KubeObject[] {
  const merged = new Map(observed.map((o) => [objectKey(o), o]));
  for (const obj of applied) merged.set(objectKey(obj), obj);
  return [...merged.values()];
}

const conditionOf = (status: NemoPlatformStatus | undefined, type: string) =>
  status?.conditions?.find((c) => c.type === type);

/** Events for the transitions people care about: became Ready, became Degraded (or for a new reason). */
export function transitionEvents(
  before: NemoPlatformStatus | undefined,
  after: NemoPlatformStatus,
  problems: readonly Problem[],
): PlatformEvent[] {
  return [becameReady(before, after), becameDegraded(before, after, problems)].filter(
    (e): e is PlatformEvent => e !== undefined,
  );
}

function becameReady(before: NemoPlatformStatus | undefined, after: NemoPlatformStatus): PlatformEvent | undefined {
  const ready = conditionOf(after, 'Ready');
  if (ready?.status !== 'True' || conditionOf(before, 'Ready')?.status === 'True') return undefined;
  return { type: 'Normal', reason: 'Ready', message: ready.message };
}

function becameDegraded(
  before: NemoPlatformStatus | undefined,
  after: NemoPlatformStatus,
  problems: readonly Problem[],
): PlatformEvent | undefined {
  const degraded = conditionOf(after, 'Degraded');
  if (degraded?.status !== 'True') return undefined;
  const was = conditionOf(before, 'Degraded');
  if (was?.status === 'True' && was.reason === degraded.reason) return undefined;
  const problem = problems.find((p) => p.type === 'Degraded');
  return { type: 'Warning', reason: degraded.reason, message: problem?.message ?? degraded.message };
}
