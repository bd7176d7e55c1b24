import { ListWatch, Watch, type KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from '@nemo/common';
import { API_VERSION, PLURAL, type NemoPlatform } from '../api/types.js';
import type { KubeObject } from '../render/kube-object.js';
import { MANAGED_BY_SELECTOR, OWNED_KINDS } from '../render/owned-kinds.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.js';
import { listRaw } from './kube-client.js';
import { isOwnedBy, keyOf, ownerKeyOf } from './owner-key.js';

/** A platform's own change, or a change to a child, Secret, node or StorageClass it depends on. */
export type EnqueueCause = 'platform' | 'dependency';

interface WatchSpec {
  /** For logs: the kind watched. */
  kind: string;
  path: string;
  labelSelector?: string;
  /** Optional watches (storage classes) do not hold back readiness. */
  optional?: boolean;
  onChange: (obj: KubeObject) => void;
  onDelete?: (obj: KubeObject) => void;
}

export interface ClusterCacheOptions {
  kc: KubeConfig;
  log: Logger;
  /**
   * Called with a platform key whenever the platform or something it
   * depends on changed; `cause` says which (the controller batches the latter).
   */
  enqueue: (key: string, cause: EnqueueCause) => void;
  /** Called when a managed child is deleted while its platform still exists and is not being deleted. */
  onChildDeleted?: (obj: KubeObject) => void;
  backoff?: BackoffSettings;
}

/** Collection path of a kind in all namespaces (or of a cluster-scoped kind). */
export function collectionPath(apiVersion: string, plural: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}/${plural}` : `/api/${apiVersion}/${plural}`;
}

/**
 * One informer: keeps its cache from list+watch and restarts with backoff
 * when the watch fails (client-node informers stop on error).
 */
class Watched {
  readonly informer: ListWatch<KubeObject>;
  synced = false;
  private attempts = 0;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: WatchSpec,
    private readonly options: ClusterCacheOptions,
  ) {
    const { kc } = options;
    // What makeInformer builds, kept as a ListWatch for latestResourceVersion(); started by start().
    this.informer = new ListWatch<KubeObject>(
      spec.path,
      new Watch(kc),
      () => listRaw<KubeObject>(kc, spec.path, spec.labelSelector),
      false,
      spec.labelSelector,
    );
    this.informer.on('add', spec.onChange);
    this.informer.on('update', spec.onChange);
    this.informer.on('delete', spec.onChange);
    if (spec.onDelete) this.informer.on('delete', spec.onDelete);
    this.informer.on('error', (error: unknown) => this.restartLater(error));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.informer.start();
    // The informer reports list failures through 'error' and still resolves.
    if (this.informer.latestResourceVersion() !== '') {
      this.synced = true;
      this.attempts = 0;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  private restartLater(error: unknown): void {
    if (this.stopped) return;
    this.attempts++;
    const delay = backoffDelay(this.attempts, this.options.backoff ?? DEFAULT_BACKOFF);
    this.options.log.warn({ kind: this.spec.kind, err: error, retryInMs: delay }, 'Watch failed, restarting');
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.start().catch((err: unknown) => this.restartLater(err));
    }, delay);
    this.restartTimer.unref();
  }
}

/**
 * The operator's view of the cluster: NemoPlatforms in all namespaces, the
 * children it manages (by the managed-by label), all Secrets (referenced
 * ones decide SecretsReady) and StorageClasses. Events only enqueue keys.
 */
export class ClusterCache {
  private readonly platforms: Watched;
  private readonly owned = new Map<string, Watched>();
  private readonly storageClasses: Watched;
  private readonly nodes: Watched;
  private readonly pods: Watched;
  /** What placement reads of each node, so that heartbeats do not wake every platform. */
  private readonly nodeFingerprints = new Map<string, string>();
  private stopped = false;

  constructor(private readonly options: ClusterCacheOptions) {
    this.platforms = new Watched(
      {
        kind: 'NemoPlatform',
        path: collectionPath(API_VERSION, PLURAL),
        onChange: (p) => options.enqueue(keyOf(p), 'platform'),
      },
      options,
    );
    for (const { apiVersion, kind, plural } of OWNED_KINDS) {
      const spec: WatchSpec = {
        kind,
        path: collectionPath(apiVersion, plural),
        // Secrets are watched unfiltered: platforms reference Secrets the operator does not manage.
        labelSelector: kind === 'Secret' ? undefined : MANAGED_BY_SELECTOR,
        onChange: kind === 'Secret' ? (obj) => this.secretChanged(obj) : (obj) => this.childChanged(obj),
        onDelete: (obj) => this.childDeleted(obj),
      };
      this.owned.set(kind, new Watched(spec, options));
    }
    this.storageClasses = new Watched(
      {
        kind: 'StorageClass',
        path: '/apis/storage.k8s.io/v1/storageclasses',
        optional: true,
        onChange: () => this.enqueueAll('dependency'),
      },
      options,
    );
    // GPU placement reads nodes and the pods on them (other tenants' GPU pods included).
    this.nodes = new Watched(
      {
        kind: 'Node',
        path: '/api/v1/nodes',
        optional: true,
        onChange: (n) => this.nodeChanged(n),
        onDelete: (n) => this.nodeDeleted(n),
      },
      options,
    );
    // Pods are read, never a trigger: a GPU pod that starts also changes its
    // Deployment's status, which wakes the platform; pod churn alone must not.
    this.pods = new Watched({ kind: 'Pod', path: '/api/v1/pods', optional: true, onChange: () => undefined }, options);
  }

  /** Starts every informer; resolves once each required one has listed. */
  async start(): Promise<void> {
    await Promise.all(this.all().map((w) => w.start().catch((err: unknown) => this.logStartFailure(w, err))));
    this.stopped = false;
    while (!this.synced() && !this.stopped) await new Promise((resolve) => setTimeout(resolve, 100));
    this.options.log.info({ informers: this.all().length }, 'Synced informer caches');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.all().map((w) => w.stop()));
  }

  synced(): boolean {
    return this.all().every((w) => w.synced || w.spec.optional === true);
  }

  getPlatform(namespace: string, name: string): NemoPlatform | undefined {
    return this.platforms.informer.get(name, namespace) as NemoPlatform | undefined;
  }

  listPlatforms(namespace?: string): NemoPlatform[] {
    return this.platforms.informer.list(namespace) as unknown as NemoPlatform[];
  }

  /** Children of one platform, of every owned kind, as last seen. */
  listOwned(namespace: string, platformName: string): KubeObject[] {
    return [...this.owned.values()].flatMap((w) =>
      w.informer.list(namespace).filter((obj) => isOwnedBy(obj, platformName)),
    );
  }

  secretNames(namespace: string): ReadonlySet<string> {
    return new Set(
      this.secrets()
        .list(namespace)
        .map((s) => s.metadata.name),
    );
  }

  getSecret(namespace: string, name: string): KubeObject | undefined {
    return this.secrets().get(name, namespace);
  }

  /** Names of the StorageClasses, or undefined when they cannot be read. */
  storageClassNames(): ReadonlySet<string> | undefined {
    if (!this.storageClasses.synced) return undefined;
    return new Set(this.storageClasses.informer.list().map((sc) => sc.metadata.name));
  }

  /** Nodes and pods for GPU placement, or undefined while they cannot be read. */
  gpuView(): { nodes: V1Node[]; pods: V1Pod[] } | undefined {
    if (!this.nodes.synced || !this.pods.synced) return undefined;
    return {
      nodes: this.nodes.informer.list() as unknown as V1Node[],
      pods: this.pods.informer.list() as unknown as V1Pod[],
    };
  }

  /** Enqueues every platform: after a StorageClass or node change, and as a periodic resync. */
  enqueueAll(cause: EnqueueCause = 'platform'): void {
    for (const platform of this.listPlatforms()) this.options.enqueue(keyOf(platform), cause);
  }

  private childChanged(obj: KubeObject): void {
    const owner = ownerKeyOf(obj);
    if (owner) this.options.enqueue(owner, 'dependency');
  }

  /** Deletions the garbage collector makes for a deleted platform are not drift. */
  private childDeleted(obj: KubeObject): void {
    const owner = ownerKeyOf(obj);
    if (!owner || !this.options.onChildDeleted) return;
    const [namespace = '', name = ''] = owner.split('/');
    const platform = this.getPlatform(namespace, name);
    if (platform && !platform.metadata.deletionTimestamp) this.options.onChildDeleted(obj);
  }

  /** A GPU node appearing, leaving or changing what placement reads re-plans every platform. */
  private nodeChanged(node: KubeObject): void {
    const name = node.metadata.name;
    const print = nodeFingerprint(node);
    if (this.nodeFingerprints.get(name) === print) return;
    this.nodeFingerprints.set(name, print);
    this.enqueueAll('dependency');
  }

  private nodeDeleted(node: KubeObject): void {
    this.nodeFingerprints.delete(node.metadata.name);
    this.enqueueAll('dependency');
  }

  /** An unmanaged Secret may be one a platform references: recheck the namespace's platforms. */
  private secretChanged(secret: KubeObject): void {
    const owner = ownerKeyOf(secret);
    if (owner) {
      this.options.enqueue(owner, 'dependency');
      return;
    }
    const namespace = secret.metadata.namespace;
    if (!namespace) return;
    for (const platform of this.listPlatforms(namespace)) this.options.enqueue(keyOf(platform), 'dependency');
  }

  private secrets(): ListWatch<KubeObject> {
    return (this.owned.get('Secret') as Watched).informer;
  }

  private all(): Watched[] {
    return [this.platforms, ...this.owned.values(), this.storageClasses, this.nodes, this.pods];
  }

  private logStartFailure(watched: Watched, error: unknown): void {
    this.options.log.warn({ kind: watched.spec.kind, err: error }, 'Informer failed to start, retrying');
  }
}

/** The parts of a node GPU placement depends on; heartbeats change none of them. */
function nodeFingerprint(node: V1Node): string {
  const { metadata = {}, spec = {}, status = {} } = node;
  return JSON.stringify({
    gpus: status.allocatable?.['nvidia.com/gpu'],
    labels: Object.entries(metadata.labels ?? {}).filter(([k]) => k.startsWith('nvidia.com/')),
    taints: spec.taints,
    unschedulable: spec.unschedulable,
    ready: status.conditions?.find((c) => c.type === 'Ready')?.status,
  });
}
