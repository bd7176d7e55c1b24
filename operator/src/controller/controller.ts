import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { Logger } from '@nemo/common';
import { hostname } from 'node:os';
import type { Server } from 'node:http';
import { DriftDetector } from './drift.js';
import { EventRecorder } from './events.js';
import { closeServer, startProbeServer } from './http-server.js';
import { ClusterCache, type EnqueueCause } from './informers.js';
import { countingClient } from './kube-client.js';
import { RawObjectClient } from './raw-objects.js';
import { LeaderElector } from './leader-election.js';
import { OperatorMetrics } from './metrics.js';
import { Reconciler } from './reconciler.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerOptions {
  kc: KubeConfig;
  log: Logger;
  /** Unique per process; defaults to hostname and pid. */
  identity?: string;
  concurrency?: number;
  /** Undefined: no probe/metrics server. 0: any free port. */
  metricsPort?: number;
  leaderElection?: {
    namespace: string;
    name?: string;
    leaseDurationSeconds?: number;
    renewIntervalMs?: number;
    retryIntervalMs?: number;
  };
  /** See DEPENDENCY_BATCH_MS. */
  dependencyBatchMs?: number;
  /** How often every platform is reconciled regardless of events. */
  resyncIntervalMs?: number;
  /** Told when this instance loses the lease; main exits, as controller-runtime does. */
  onLostLeadership?: () => void;
  processMetrics?: boolean;
}

export const DEFAULT_LEASE_NAME = 'nemo-operator-leader';
/** How long a dependency's change waits for others to join it; well inside the 5 s drift promise. */
export const DEPENDENCY_BATCH_MS = 500;

/**
 * The operator, wired: informers feed a work queue whose worker is the
 * reconciler. Informers run (and /readyz turns ready) on every replica, so a
 * standby can take over with a warm cache; only the leader runs the queue.
 */
export class Controller {
  readonly metrics: OperatorMetrics;
  readonly identity: string;
  readonly cache: ClusterCache;
  readonly queue: WorkQueue;
  private readonly reconciler: Reconciler;
  private readonly elector: LeaderElector | undefined;
  private server: Server | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private leading = false;
  metricsPort: number | undefined;

  constructor(private readonly options: ControllerOptions) {
    const { kc, log } = options;
    this.identity = options.identity ?? `${hostname()}_${String(process.pid)}`;
    this.metrics = new OperatorMetrics({ processMetrics: options.processMetrics ?? false });
    const drift = new DriftDetector();
    this.queue = new WorkQueue((key) => this.timedReconcile(key), {
      concurrency: options.concurrency ?? 4,
      onDepthChange: (depth) => this.metrics.queueDepth.set(depth),
      onError: (key, error, retryInMs) => this.reconcileFailed(key, error, retryInMs),
    });
    this.cache = new ClusterCache({
      kc,
      log,
      enqueue: (key, cause) => this.enqueue(key, cause),
      onChildDeleted: (obj) => drift.childDeleted(obj),
    });
    const core = countingClient(kc.makeApiClient(CoreV1Api), this.metrics);
    this.reconciler = new Reconciler({
      cache: this.cache,
      objects: countingClient(KubernetesObjectApi.makeApiClient(kc), this.metrics),
      writer: new RawObjectClient(kc, this.metrics),
      core,
      custom: countingClient(kc.makeApiClient(CustomObjectsApi), this.metrics),
      events: new EventRecorder(kc.makeApiClient(CoreV1Api), this.metrics, log, this.identity),
      metrics: this.metrics,
      drift,
      log,
    });
    this.elector = options.leaderElection && this.makeElector(options.leaderElection);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    if (this.options.metricsPort !== undefined) {
      const started = await startProbeServer({
        port: this.options.metricsPort,
        registry: this.metrics.registry,
        ready: () => this.cache.synced(),
      });
      this.server = started.server;
      this.metricsPort = started.port;
    }
    await this.cache.start();
    if (this.elector) this.elector.start();
    else this.startLeading();
  }

  /** Graceful: stop taking work, finish reconciles in progress, hand the lease over. */
  async stop({ releaseLease = true }: { releaseLease?: boolean } = {}): Promise<void> {
    clearInterval(this.resyncTimer);
    this.leading = false;
    await this.queue.shutdown();
    await this.elector?.stop({ release: releaseLease });
    await this.cache.stop();
    if (this.server) await closeServer(this.server);
    this.options.log.info({ identity: this.identity }, 'Stopped controller');
  }

  private makeElector(settings: NonNullable<ControllerOptions['leaderElection']>): LeaderElector {
    return new LeaderElector({
      api: this.options.kc.makeApiClient(CoordinationV1Api),
      namespace: settings.namespace,
      name: settings.name ?? DEFAULT_LEASE_NAME,
      identity: this.identity,
      log: this.options.log,
      leaseDurationSeconds: settings.leaseDurationSeconds,
      renewIntervalMs: settings.renewIntervalMs,
      retryIntervalMs: settings.retryIntervalMs,
      onStartedLeading: () => this.startLeading(),
      onStoppedLeading: () => this.stopLeading(),
    });
  }

  private startLeading(): void {
    this.leading = true;
    this.metrics.leader.set(1);
    this.cache.enqueueAll();
    const every = this.options.resyncIntervalMs ?? 10 * 60_000;
    this.resyncTimer = setInterval(() => this.cache.enqueueAll(), every);
    this.resyncTimer.unref();
  }

  private stopLeading(): void {
    const wasLeading = this.leading;
    this.leading = false;
    this.metrics.leader.set(0);
    clearInterval(this.resyncTimer);
    if (wasLeading) this.options.onLostLeadership?.();
  }

  /**
   * Queues a reconcile of namespace/name. Informers run on standbys too, but
   * only the leader queues work. A platform's own change runs at once;
   * changes to what it depends on wait a moment, so that a burst of them
   * (its children created, then each Deployment's status moving) costs one
   * reconcile and one status write instead of one each.
   */
  enqueue(key: string, cause: EnqueueCause = 'platform'): void {
    if (!this.leading) return;
    if (cause === 'dependency') this.queue.addAfter(key, this.options.dependencyBatchMs ?? DEPENDENCY_BATCH_MS);
    else this.queue.add(key);
  }

  private async timedReconcile(key: string): Promise<{ requeueAfter?: number }> {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await this.reconciler.reconcile(key);
      this.metrics.countReconcile(result.requeueAfter === undefined ? 'success' : 'requeue', seconds());
      return result;
    } catch (error) {
      this.metrics.countReconcile('error', seconds());
      throw error;
    }
  }

  private reconcileFailed(key: string, error: unknown, retryInMs: number): void {
    this.options.log.warn({ key, err: error, retryInMs }, 'Reconcile failed, retrying with backoff');
    void this.reconciler.reportFailure(key, error);
  }
}
