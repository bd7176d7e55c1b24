import { ErrorCode, NemoError } from '@nemo/common';
import { ReplyError, type Redis } from 'ioredis';
import type { WorkClass, Workload } from '../classes.js';
import { loadScripts, type ScriptName } from './scripts.js';

/** Where the state lives and how much of it there is; shared by every replica. */
export interface StoreSettings {
  /** Key prefix; keep a `{hash tag}` in it so that Redis Cluster keeps every key in one slot. */
  prefix: string;
  slots: number;
  leaseMs: number;
  maxQueue: number;
  /** A waiter that has not polled for this long has gone; its ticket is dropped. */
  ticketTtlMs: number;
}

export interface TicketRequest {
  /** The queue member: class and ticket id. */
  member: string;
  headStartMs: number;
  /** How long the caller will wait; 0 for no limit. */
  deadlineMs: number;
  expectedMs: number;
  leaseId: string;
  workload: Workload;
  workClass: WorkClass;
  holder: string;
}

export type AcquireResult =
  | { kind: 'granted'; slot: number; expiresAt: number; enqueuedAt: number }
  /** waitedMs: time in the queue so far, on Redis's clock (as grant waits are). */
  | { kind: 'wait'; position: number; estimateMs: number; waitedMs: number }
  | { kind: 'denied'; reason: DenyReason; estimateMs: number };
export type DenyReason = 'queue_full' | 'deadline';

export interface LeaseClaim {
  leaseId: string;
  /** The slot the holder was granted; lets it re-adopt the slot after a Redis restart. */
  slot?: number | undefined;
  workload?: Workload | undefined;
  workClass?: WorkClass | undefined;
  holder?: string | undefined;
}

export type RenewResult = { kind: 'renewed' | 'readopted'; slot: number; expiresAt: number } | { kind: 'lost' };
export type ReleaseResult =
  { kind: 'released'; workload: string; workClass: string; grantedAt: number } | { kind: 'gone' };

export interface QueueSnapshot {
  /** Live tickets per class. */
  depth: Record<WorkClass, number>;
  /** Busy slots per workload. */
  busy: Record<string, number>;
  /** Milliseconds until grants resume after a Redis restart; 0 when they are not held. */
  holdMs: number;
}

type Reply = (string | number | undefined)[];

/**
 * The coordinator's shared state in Redis. Every change is one Lua script,
 * so replicas never interleave a read and a write of the same state.
 */
export class LeaseStore {
  private readonly scripts = loadScripts();

  constructor(
    private readonly redis: Redis,
    readonly settings: StoreSettings,
  ) {}

  /** The pub/sub channel on which releases are announced. */
  get freedChannel(): string {
    return `${this.settings.prefix}freed`;
  }

  async acquire(t: TicketRequest): Promise<AcquireResult> {
    const { maxQueue, ticketTtlMs } = this.settings;
    const [kind, a, b, c] = (await this.run('acquire', [
      maxQueue,
      ticketTtlMs,
      t.member,
      t.headStartMs,
      t.deadlineMs,
      t.expectedMs,
      t.leaseId,
      t.workload,
      t.workClass,
      t.holder,
    ])) as Reply;
    if (kind === 'granted') return { kind, slot: Number(a), expiresAt: Number(b), enqueuedAt: Number(c) };
    if (kind === 'wait') return { kind, position: Number(a), estimateMs: Number(b), waitedMs: Number(c) };
    return { kind: 'denied', reason: a as DenyReason, estimateMs: Number(b) };
  }

  /** Drops a waiter's ticket; true when it was still queued. */
  async leave(member: string): Promise<boolean> {
    return (await this.run('leave', [member])) === 1;
  }

  async renew(claim: LeaseClaim): Promise<RenewResult> {
    const [kind, slot, expiresAt] = (await this.run('renew', [
      claim.leaseId,
      claim.slot ?? -1,
      claim.workload ?? '',
      claim.workClass ?? '',
      claim.holder ?? '',
    ])) as Reply;
    if (kind === 'lost') return { kind };
    return { kind: kind as 'renewed' | 'readopted', slot: Number(slot), expiresAt: Number(expiresAt) };
  }

  async release(leaseId: string): Promise<ReleaseResult> {
    const [kind, workload, workClass, grantedAt] = (await this.run('release', [leaseId])) as Reply;
    if (kind !== 'released') return { kind: 'gone' };
    return { kind, workload: String(workload), workClass: String(workClass), grantedAt: Number(grantedAt) };
  }

  async snapshot(): Promise<QueueSnapshot> {
    const [members, busyWorkloads, holdMs] = (await this.run('status', [])) as [string[], string[], number];
    const depth: Record<WorkClass, number> = { realtime: 0, interactive: 0, batch: 0 };
    for (const m of members) depth[classOfMember(m)] += 1;
    const busy: Record<string, number> = {};
    for (const w of busyWorkloads) busy[w] = (busy[w] ?? 0) + 1;
    return { depth, busy, holdMs: Number(holdMs) };
  }

  /** EVALSHA, falling back to EVAL when Redis does not know the script (first use, or after a restart). */
  private async run(name: ScriptName, args: (string | number)[]): Promise<unknown> {
    const { sha, source } = this.scripts[name];
    const argv = [this.settings.slots, this.settings.leaseMs, ...args];
    try {
      return await this.redis.evalsha(sha, 1, this.settings.prefix, ...argv);
    } catch (err) {
      if (!String((err as Error).message).startsWith('NOSCRIPT')) throw unavailable(err);
    }
    try {
      return await this.redis.eval(source, 1, this.settings.prefix, ...argv);
    } catch (err) {
      throw unavailable(err);
    }
  }
}

/** A script error is a bug (500); anything else means Redis is out of reach (503, retry). */
function unavailable(err: unknown): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  if (err instanceof ReplyError) return err;
  return new NemoError(ErrorCode.Unavailable, 'The GPU coordinator cannot reach its state store; retry shortly.', {
    cause: err,
    retryAfterSeconds: 1,
  });
}

/** Queue members are `class|ticket`, so that depth per class needs no second lookup. */
export function memberOf(workClass: WorkClass, ticket: string): string {
  return `${workClass}|${ticket}`;
}

function classOfMember(member: string): WorkClass {
  return member.slice(0, member.indexOf('|')) as WorkClass;
}
