import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '@nemo/common';
import { statusCodeOf } from './kube-client.js';

export interface LeaderElectionOptions {
  api: CoordinationV1Api;
  namespace: string;
  /** Lease name; every operator replica must use the same one. */
  name: string;
  /** Unique per process: pod name (or hostname) and pid. */
  identity: string;
  log: Logger;
  leaseDurationSeconds?: number;
  /** How often the leader renews. */
  renewIntervalMs?: number;
  /** How often a candidate retries. */
  retryIntervalMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

interface Observed {
  holder: string;
  renewTime: string;
  /** Local time when this holder/renewTime pair was first seen. */
  seenAt: number;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it.
 * The leader renews every few seconds; a candidate takes the lease once it
 * has seen no renewal for a whole lease duration (measured on its own clock,
 * so clock skew between nodes does not matter). Every write carries the
 * resourceVersion read just before, so two candidates cannot both win.
 */
export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private observed: Observed | undefined;
  private readonly durationMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.durationMs = (options.leaseDurationSeconds ?? 15) * 1000;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Stops campaigning; with release, hands the lease over at once instead of letting it expire. */
  async stop({ release }: { release: boolean }): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (release && this.leading) await this.release();
    this.setLeading(false);
  }

  private async tick(): Promise<void> {
    let held = false;
    try {
      held = await this.tryAcquireOrRenew();
    } catch (error) {
      this.options.log.warn({ lease: this.options.name, err: error }, 'Failed to acquire or renew lease');
      // A leader that cannot renew keeps leading until its lease would have expired.
      held = this.leading && this.observed !== undefined && Date.now() - this.observed.seenAt < this.durationMs;
    }
    if (this.stopped) return;
    this.setLeading(held);
    const next = held ? (this.options.renewIntervalMs ?? 5_000) : (this.options.retryIntervalMs ?? 2_000);
    this.timer = setTimeout(() => void this.tick(), next);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const lease = await this.read();
    if (!lease) return this.create();
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    this.observe(holder, String(spec.renewTime ?? ''));
    if (holder !== '' && holder !== this.options.identity && !this.expired()) return false;
    return this.takeOrRenew(lease, holder !== this.options.identity);
  }

  /** Writes ourselves into the lease, guarded by the resourceVersion just read. */
  private async takeOrRenew(lease: V1Lease, taking: boolean): Promise<boolean> {
    const { api, namespace, name, identity } = this.options;
    const spec = lease.spec ?? {};
    const now = new V1MicroTime();
    const body: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.durationMs / 1000,
        renewTime: now,
        acquireTime: taking ? now : spec.acquireTime,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (taking ? 1 : 0),
      },
    };
    try {
      await api.replaceNamespacedLease({ name, namespace, body });
    } catch (error) {
      if (statusCodeOf(error) === 409) return false;
      throw error;
    }
    this.observe(identity, now.toISOString());
    return true;
  }

  private async read(): Promise<V1Lease | undefined> {
    const { api, namespace, name } = this.options;
    try {
      return await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  private async create(): Promise<boolean> {
    const { api, namespace, name, identity } = this.options;
    const now = new V1MicroTime();
    try {
      await api.createNamespacedLease({
        namespace,
        body: {
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: this.durationMs / 1000,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          },
        },
      });
    } catch (error) {
      if (statusCodeOf(error) === 409) return false;
      throw error;
    }
    this.observe(identity, now.toISOString());
    return true;
  }

  /** Gives the lease up: an empty holder lets the next candidate take it without waiting. */
  private async release(): Promise<void> {
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity !== this.options.identity) return;
      const { api, namespace, name } = this.options;
      const spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime() };
      await api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } });
      this.options.log.info({ lease: name }, 'Released lease');
    } catch (error) {
      this.options.log.warn({ lease: this.options.name, err: error }, 'Failed to release lease');
    }
  }

  private observe(holder: string, renewTime: string): void {
    if (this.observed?.holder === holder && this.observed.renewTime === renewTime) return;
    this.observed = { holder, renewTime, seenAt: Date.now() };
  }

  private expired(): boolean {
    return this.observed === undefined || Date.now() - this.observed.seenAt >= this.durationMs;
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    const { log, name, identity } = this.options;
    if (leading) {
      log.info({ lease: name, identity }, 'Became leader');
      this.options.onStartedLeading();
    } else {
      log.info({ lease: name, identity }, 'Stopped leading');
      this.options.onStoppedLeading();
    }
  }
}
