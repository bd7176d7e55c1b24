import { randomUUID } from 'node:crypto';
import { ErrorCode, NemoError, PLATFORM_TENANT, type InsightsEventsClient } from '@nemo/common';
import { headStarts, type WorkClass, type Workload } from './classes.js';
import type { ArbiterSettings } from './config.js';
import type { Ledger, Outcome } from './ledger.js';
import type { CoordinatorMetrics } from './metrics.js';
import {
  memberOf,
  type AcquireResult,
  type DenyReason,
  type LeaseClaim,
  type LeaseStore,
  type TicketRequest,
} from './store/lease-store.js';
import type { Waker } from './waker.js';

export interface AcquireInput {
  workload: Workload;
  workClass: WorkClass;
  expectedMs: number;
  /** How long the caller will wait for a slot, from now. */
  deadlineMs?: number | undefined;
  holder: string;
  /** The caller's ticket: asking again with it keeps the place in the queue. */
  ticket?: string | undefined;
  /** The user the work is for (from the S2S token), for insights; absent for platform work. */
  tenant?: string | undefined;
  userId?: string | undefined;
}

export type AcquireOutcome =
  | { kind: 'granted'; leaseId: string; slot: number; expiresAt: number; ttlMs: number; waitMs: number }
  | { kind: 'queued'; ticket: string; position: number; retryAfterMs: number }
  | { kind: 'abandoned' };

export interface WaitSignals {
  /** The caller hung up: its ticket is withdrawn and a late grant is handed back. */
  callerGone: AbortSignal;
  /** This replica is stopping: the caller is told to ask again, keeping its ticket. */
  stopping: AbortSignal;
}

interface PollWindow {
  ticket: string;
  /** Whom the decision is filed under in insights. */
  who: { tenant: string; userId: string | undefined };
  /** When the caller stops waiting altogether (Infinity: no deadline). */
  deadline: number;
  /** When this long poll answers "still queued". */
  pollEnds: number;
}

/** How often a waiter re-checks the queue when no release wakes it. */
export const DEFAULT_POLL_MS = 100;

/**
 * Turns lease requests into grants, waits and refusals. It holds no state
 * of its own: the queue and the leases are in Redis, so any replica can
 * answer any call, including the next poll of a ticket another one queued.
 */
export class Arbiter {
  private readonly headStart: Readonly<Record<WorkClass, number>>;

  constructor(
    private readonly parts: {
      store: LeaseStore;
      waker: Waker;
      ledger: Ledger;
      metrics: CoordinatorMetrics;
      /** Absent without an insights service: decisions are then only in metrics and the ledger. */
      events?: InsightsEventsClient | undefined;
    },
    private readonly settings: ArbiterSettings & { pollMs: number },
  ) {
    this.headStart = headStarts(settings.priorities, settings.agingWindowMs);
  }

  async acquire(input: AcquireInput, signals: WaitSignals): Promise<AcquireOutcome> {
    const ticket = input.ticket ?? randomUUID();
    const request: TicketRequest = {
      member: memberOf(input.workClass, ticket),
      headStartMs: this.headStart[input.workClass],
      deadlineMs: input.deadlineMs ?? 0,
      expectedMs: input.expectedMs,
      leaseId: randomUUID(),
      workload: input.workload,
      workClass: input.workClass,
      holder: input.holder,
    };
    const now = Date.now();
    const deadline = input.deadlineMs === undefined ? Infinity : now + input.deadlineMs;
    const window: PollWindow = {
      deadline,
      pollEnds: Math.min(deadline, now + this.settings.longPollMs),
      ticket,
      who: { tenant: input.tenant ?? PLATFORM_TENANT, userId: input.userId },
    };
    const stop = AbortSignal.any([signals.callerGone, signals.stopping]);
    for (;;) {
      const result = await this.parts.store.acquire(request);
      if (result.kind === 'granted') return this.granted(request, result, window, signals.callerGone);
      // Refused on arrival (queue full, or no slot expected in time): it waited for nothing.
      if (result.kind === 'denied') throw this.refuse(request, window, { ...result, waitedMs: 0 });
      const outcome = await this.stillWaiting(request, result, window, signals);
      if (outcome) return outcome;
      const nearFront = result.position < this.settings.slots;
      await this.parts.waker.wait(Math.min(this.settings.pollMs, window.pollEnds - Date.now()), stop, nearFront);
    }
  }

  /** Decides whether a queued request keeps waiting (undefined) or ends here. */
  private async stillWaiting(
    request: TicketRequest,
    result: Extract<AcquireResult, { kind: 'wait' }>,
    window: PollWindow,
    signals: WaitSignals,
  ): Promise<AcquireOutcome | undefined> {
    if (signals.callerGone.aborted) return this.abandon(request);
    if (Date.now() >= window.deadline) {
      await this.parts.store.leave(request.member);
      throw this.refuse(request, window, {
        reason: 'deadline',
        estimateMs: result.estimateMs,
        waitedMs: result.waitedMs,
      });
    }
    if (Date.now() >= window.pollEnds || signals.stopping.aborted) {
      return { kind: 'queued', ticket: window.ticket, position: result.position, retryAfterMs: result.estimateMs };
    }
    return undefined;
  }

  /** Extends a lease; NotFound when it has expired or was released. */
  async renew(claim: LeaseClaim): Promise<{ slot: number; expiresAt: number; ttlMs: number }> {
    const result = await this.parts.store.renew(claim);
    if (result.kind === 'lost') {
      throw new NemoError(
        ErrorCode.NotFound,
        `Lease ${claim.leaseId} is not held any more: it expired or was released. Stop the GPU work and acquire a new lease.`,
      );
    }
    await this.parts.ledger.renewed(claim.leaseId, result.expiresAt);
    return { slot: result.slot, expiresAt: result.expiresAt, ttlMs: this.settings.leaseMs };
  }

  /** Idempotent: releasing a lease that is already gone is not an error. */
  async release(leaseId: string, outcome: Outcome): Promise<void> {
    const result = await this.parts.store.release(leaseId);
    if (result.kind === 'released') await this.parts.ledger.closed(leaseId, outcome);
  }

  private async granted(
    request: TicketRequest,
    result: Extract<AcquireResult, { kind: 'granted' }>,
    window: PollWindow,
    callerGone: AbortSignal,
  ): Promise<AcquireOutcome> {
    const grantedAt = result.expiresAt - this.settings.leaseMs;
    const waitMs = Math.max(0, grantedAt - result.enqueuedAt);
    const { metrics, ledger } = this.parts;
    metrics.granted.inc({ workload: request.workload, class: request.workClass });
    metrics.waitSeconds.observe({ class: request.workClass }, waitMs / 1000);
    this.record(request, window, 'granted', waitMs);
    const { leaseId, workload, workClass, holder, expectedMs } = request;
    const { slot, expiresAt } = result;
    await ledger.granted({ id: leaseId, workload, workClass, holder, expectedMs, slot, expiresAt, grantedAt, waitMs });
    if (callerGone.aborted) {
      // Nobody will hear of this grant: hand the slot back now rather than after the TTL.
      await this.release(leaseId, 'aborted');
      return { kind: 'abandoned' };
    }
    return { kind: 'granted', leaseId, slot, expiresAt, ttlMs: this.settings.leaseMs, waitMs };
  }

  private async abandon(request: TicketRequest): Promise<AcquireOutcome> {
    await this.parts.store.leave(request.member);
    return { kind: 'abandoned' };
  }

  /** A refusal (429 to the caller), filed in insights with how long the request had waited. */
  private refuse(
    request: TicketRequest,
    window: PollWindow,
    refusal: { reason: DenyReason; estimateMs: number; waitedMs: number },
  ): NemoError {
    this.record(request, window, 'denied', refusal.waitedMs);
    return this.deny(request, refusal.reason, refusal.estimateMs);
  }

  /** One `gpu.wait` event per decision: the wait from request to grant or refusal. */
  private record(request: TicketRequest, window: PollWindow, outcome: 'granted' | 'denied', waitMs: number): void {
    const { tenant, userId } = window.who;
    this.parts.events?.emit({
      type: 'gpu.wait',
      tenant,
      ...(userId ? { userId } : {}),
      workload: request.workload,
      class: request.workClass,
      waitMs: Math.max(0, Math.round(waitMs)),
      outcome,
    });
  }

  private deny(request: TicketRequest, reason: DenyReason, estimateMs: number): NemoError {
    this.parts.metrics.recordDenied(request.workload, request.workClass, reason);
    const retryAfterSeconds = Math.max(1, Math.ceil(estimateMs / 1000));
    const message =
      reason === 'queue_full'
        ? `The GPUs are saturated and ${this.settings.maxQueue} requests are already waiting; retry after ${retryAfterSeconds} s.`
        : `A GPU slot is not expected within the deadline (about ${Math.ceil(estimateMs)} ms away); retry after ${retryAfterSeconds} s.`;
    return new NemoError(ErrorCode.RateLimited, message, { retryAfterSeconds });
  }
}
