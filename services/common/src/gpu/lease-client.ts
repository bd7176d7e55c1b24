import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { S2SSigner } from '../auth/s2s-token.js';
import { ErrorCode, NemoError, type ErrorBody } from '../errors.js';
import { ServiceClient, type CallOptions, type ServiceResponse } from '../http/service-client.js';

export type GpuWorkload = 'llm' | 'asr';
export type GpuWorkClass = 'realtime' | 'interactive' | 'batch';

export interface GpuLeaseClientOptions {
  /** The coordinator, e.g. http://nemo-coordinator:8080 (NEMO_COORDINATOR_URL). */
  baseUrl: string;
  signer: S2SSigner;
  /** Who holds the leases, e.g. the pod name; it lands in the ledger. */
  holder: string;
  audience?: string;
  /** Per HTTP call; must exceed the coordinator's long poll (NEMO_LONG_POLL_MS). */
  timeoutMs?: number;
  logger?: Logger;
  dispatcher?: Dispatcher;
}

export interface AcquireOptions {
  workload: GpuWorkload;
  class: GpuWorkClass;
  /** Expected time on the GPU: the coordinator's wait estimates are built from it. */
  expectedMs: number;
  /** Longest this caller will wait for a slot; past it (or when it cannot be met) the answer is 429. */
  deadlineMs?: number;
  /** Aborting gives up the wait, or releases the lease once granted. */
  signal?: AbortSignal;
  /**
   * The user the GPU work is for, and their tenant: signed into the request's
   * S2S token (as every service forwards a user), so the coordinator can file
   * its wait under them in insights. Absent for platform work.
   */
  tenant?: string | undefined;
  userId?: string | undefined;
}

interface GrantedBody {
  leaseId: string;
  slot: number;
  ttlMs: number;
  waitMs: number;
}

/**
 * Leases GPU time from the coordinator. A request waits in the shared queue
 * (long polls that keep their place through one ticket) until it is granted,
 * refused, or the caller aborts. A refusal becomes NemoError(RateLimited)
 * with retryAfterSeconds, so a service answers its own caller 429 with
 * Retry-After instead of hanging.
 */
export class GpuLeaseClient {
  private readonly http: ServiceClient;

  constructor(private readonly options: GpuLeaseClientOptions) {
    this.http = new ServiceClient({
      baseUrl: options.baseUrl,
      audience: options.audience ?? 'coordinator',
      signer: options.signer,
      timeoutMs: options.timeoutMs ?? 30_000,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
  }

  async acquire(opts: AcquireOptions): Promise<GpuLease> {
    const ticket = randomUUID();
    const deadlineAt = opts.deadlineMs === undefined ? undefined : Date.now() + opts.deadlineMs;
    for (;;) {
      opts.signal?.throwIfAborted();
      const deadlineMs = deadlineAt === undefined ? undefined : Math.max(1, deadlineAt - Date.now());
      const body = { ...pick(opts), deadlineMs, holder: this.options.holder, ticket };
      const sentAt = Date.now();
      const res = await this.post<GrantedBody>('/v1/leases', body, forwarded(opts));
      if (res.status === 201) return this.startLease(res.body, sentAt, opts);
      if (res.status !== 202) throw refusal(res);
    }
  }

  private startLease(granted: GrantedBody, sentAt: number, opts: AcquireOptions): GpuLease {
    const lease = new GpuLease(
      { ...granted, sentAt, workload: opts.workload, workClass: opts.class, holder: this.options.holder },
      {
        renew: (body) => this.post(`/v1/leases/${granted.leaseId}/renew`, body),
        release: (outcome) => this.http.call(`/v1/leases/${granted.leaseId}?outcome=${outcome}`, { method: 'DELETE' }),
        logger: this.options.logger,
      },
    );
    lease.releaseOn(opts.signal);
    return lease;
  }

  private async post<T>(path: string, body: unknown, call: CallOptions = {}): Promise<ServiceResponse<T>> {
    try {
      return await this.http.call<T>(path, { ...call, method: 'POST', body });
    } catch (err) {
      // The caller's abort surfaces as its own reason, not as an upstream failure.
      if (call.signal?.aborted) throw call.signal.reason;
      throw err;
    }
  }
}

interface LeaseTransport {
  renew(body: object): Promise<ServiceResponse<unknown>>;
  release(outcome: 'released' | 'aborted'): Promise<unknown>;
  logger: Logger | undefined;
}

interface LeaseGrant extends GrantedBody {
  /** When the request that was granted left: the lease cannot have started earlier. */
  sentAt: number;
  workload: GpuWorkload;
  workClass: GpuWorkClass;
  holder: string;
}

/**
 * A held GPU slot. It renews itself at a third of its TTL until released.
 * `signal` aborts when the lease ends for any reason: released, caller
 * aborted, or lost (the coordinator no longer knows it, or renewals failed
 * until it expired). GPU work must stop when it aborts.
 *
 * Expiry is counted from when the granting or renewing request was sent,
 * never from when the answer came, so the local view of a lease never
 * outlives the coordinator's, whatever the latency, with no clock sync.
 */
export class GpuLease {
  readonly leaseId: string;
  readonly slot: number;
  readonly waitMs: number;
  private expiresAt: number;
  private readonly ended = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private detach: () => void = () => undefined;
  private releasing: Promise<void> | undefined;

  constructor(
    private readonly grant: LeaseGrant,
    private readonly transport: LeaseTransport,
  ) {
    this.leaseId = grant.leaseId;
    this.slot = grant.slot;
    this.waitMs = grant.waitMs;
    this.expiresAt = grant.sentAt + grant.ttlMs;
    this.schedule();
    this.armExpiry();
  }

  get signal(): AbortSignal {
    return this.ended.signal;
  }

  /** Local time (ms) until which the lease is known to be held. */
  get heldUntil(): number {
    return this.expiresAt;
  }

  /** Hands the slot back. Never rejects: if the coordinator cannot be told, the lease expires by itself. */
  release(outcome: 'released' | 'aborted' = 'released'): Promise<void> {
    this.releasing ??= this.end(outcome);
    return this.releasing;
  }

  /** @internal Ties the lease to the caller's signal. */
  releaseOn(signal: AbortSignal | undefined): void {
    if (!signal) return;
    const onAbort = (): void => void this.release('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    this.detach = () => signal.removeEventListener('abort', onAbort);
    if (signal.aborted) onAbort();
  }

  private async end(outcome: 'released' | 'aborted'): Promise<void> {
    this.stop(new NemoError(ErrorCode.Unavailable, `The GPU lease was ${outcome}.`));
    try {
      await this.transport.release(outcome);
    } catch (err) {
      this.transport.logger?.warn({ err, lease: this.leaseId }, 'Lease release failed; it will expire');
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.heartbeat(), Math.max(50, this.grant.ttlMs / 3));
    this.timer.unref();
  }

  /** Ends the lease locally the moment it may have expired at the coordinator. */
  private armExpiry(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(() => this.lose('expired'), Math.max(0, this.expiresAt - Date.now()));
    this.expiryTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    const { slot, workload, workClass, holder } = this.grant;
    const sentAt = Date.now();
    const res = await this.transport
      .renew({ slot, workload, class: workClass, holder })
      .catch((err: unknown) => ({ status: 0, err }));
    if (this.ended.signal.aborted) return;
    if (res.status === 404) return this.lose('unknown');
    if (res.status === 200) {
      this.expiresAt = sentAt + this.grant.ttlMs;
      this.armExpiry();
    }
    // Other failures are retried at the next beat; the expiry timer ends the lease if none succeeds.
    this.schedule();
  }

  private lose(why: 'expired' | 'unknown'): void {
    this.transport.logger?.warn({ lease: this.leaseId, why }, 'Lost GPU lease');
    this.stop(new NemoError(ErrorCode.Unavailable, 'The GPU lease was lost; retry the request.'));
  }

  private stop(reason: NemoError): void {
    clearTimeout(this.timer);
    clearTimeout(this.expiryTimer);
    this.detach();
    this.ended.abort(reason);
  }
}

/** The caller's signal and the user the work is for, as call options. */
function forwarded(opts: AcquireOptions): CallOptions {
  return {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
    ...(opts.userId ? { subject: opts.userId } : {}),
  };
}

function pick(opts: AcquireOptions): Pick<AcquireOptions, 'workload' | 'class' | 'expectedMs'> {
  return { workload: opts.workload, class: opts.class, expectedMs: opts.expectedMs };
}

/** The coordinator's answer as a catalogue error: 429 stays 429 with its Retry-After. */
function refusal(res: ServiceResponse<unknown>): NemoError {
  const message = (res.body as Partial<ErrorBody> | undefined)?.error?.message;
  const retryAfterSeconds = Number(res.headers['retry-after']) || 1;
  if (res.status === 429) {
    return new NemoError(ErrorCode.RateLimited, message ?? 'The GPUs are busy; retry later.', { retryAfterSeconds });
  }
  if (res.status === 503) {
    return new NemoError(ErrorCode.Unavailable, 'The GPU coordinator is unavailable; try again shortly.', {
      retryAfterSeconds,
    });
  }
  return new NemoError(ErrorCode.UpstreamFailed, 'The GPU coordinator refused the lease request.', {
    cause: new Error(`coordinator answered ${res.status}: ${message ?? ''}`),
  });
}

export interface GpuLeasesSetup extends Omit<GpuLeaseClientOptions, 'baseUrl' | 'logger'> {
  /** NEMO_COORDINATOR_URL; unset means GPU work runs without leases. */
  url: string | undefined;
  logger: Logger;
}

/**
 * The lease client a GPU workload asks the coordinator through, or undefined
 * when no coordinator is configured: then it says so once, at start-up.
 */
export function openGpuLeases(setup: GpuLeasesSetup): GpuLeaseClient | undefined {
  const { url, ...options } = setup;
  if (!url) {
    setup.logger.warn('No coordinator configured (NEMO_COORDINATOR_URL); GPU work runs without leases');
    return undefined;
  }
  return new GpuLeaseClient({ ...options, baseUrl: url });
}
