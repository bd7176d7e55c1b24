import { readFileSync } from 'node:fs';
import { ErrorCode, NemoError } from '@nemo/common';
import type { Redis } from 'ioredis';
import type { Principal } from '../auth/principal.js';
import { redisKeys } from './keys.js';
import { AdmissionLeases, type Granted, type LeaseHolder, type Reading } from './leases.js';
import { ScriptBatcher } from './script-batcher.js';

const GATE_SCRIPT = readFileSync(new URL('../../lua/gate.lua', import.meta.url), 'utf8');

export interface BucketRule {
  /** Sustained requests per minute. */
  perMinute: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

export interface GateRules {
  principal: BucketRule;
  ip: BucketRule;
  /** Daily budgets per tenant; 0 means unlimited. */
  budgets: Readonly<Record<BudgetKind, number>>;
}

export type BudgetKind = 'chat-tokens' | 'audio-seconds';

export interface GateRequest {
  ip: string;
  principal: Principal | undefined;
  budget?: BudgetKind | undefined;
  now: number;
}

export type GateDecision =
  | { kind: 'allowed'; limit: number; remaining: number; resetMs: number; fromLease?: true }
  | { kind: 'limited'; limit: number; waitMs: number }
  | { kind: 'revoked' }
  | { kind: 'budget-spent' };

type GateReply = [number, number, number, number, number, number];

interface Plan {
  keys: string[];
  /** Everything after lease_wanted in the script's ARGV. */
  args: (string | number)[];
  markers: number;
  rules: BucketRule[];
  /** Budgeted requests are always decided in Redis: their budget is checked per request. */
  budgeted: boolean;
}

/** One lease per client address and credential, so revoking the credential can end it. */
const leaseKey = ({ ip, principal }: GateRequest): string =>
  principal ? `${ip} ${principal.userId} ${principal.sessionId ?? ''} ${principal.apiKeyId ?? ''}` : ip;

const holderOf = (principal: Principal | undefined): LeaseHolder =>
  principal ? { userId: principal.userId, sessionId: principal.sessionId, apiKeyId: principal.apiKeyId } : {};

const fromLease = (reading: Reading): GateDecision => ({ kind: 'allowed', ...reading, fromLease: true });

/** The UTC day a budget counts against. */
export const budgetDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

/**
 * Decides whether a request may pass: none of its credentials is revoked,
 * its tenant has budget left, and its IP, user and API-key buckets each hold
 * a token. Redis decides, in one round trip; for a busy client it also
 * leases a few admissions ahead, which this gateway then hands out itself
 * (see AdmissionLeases and ADR 0015).
 */
export class Gate {
  private readonly batcher: ScriptBatcher;
  private readonly leases = new AdmissionLeases();

  constructor(
    private readonly redis: Redis,
    private readonly rules: GateRules,
  ) {
    redis.defineCommand('nemoGate', { lua: GATE_SCRIPT });
    this.batcher = new ScriptBatcher(redis, 'nemoGate');
  }

  /** Decided at once, without a promise, when a lease covers the request; otherwise in Redis. */
  check(request: GateRequest): GateDecision | Promise<GateDecision> {
    const key = leaseKey(request);
    const leased = this.isBudgeted(request) ? undefined : this.leases.take(key, request.now);
    return leased ? fromLease(leased) : this.decide(request, key);
  }

  private async decide(request: GateRequest, key: string): Promise<GateDecision> {
    const plan = this.plan(request);
    if (plan.budgeted) return (await this.ask(plan, request.now, 0)).decision;
    const renewal = this.leases.renewal(key);
    if (renewal) {
      // Another request of this client is already asking: wait for its lease rather than ask twice.
      await renewal.catch(() => undefined);
      const after = this.leases.take(key, request.now);
      return after ? fromLease(after) : (await this.ask(plan, request.now, 0)).decision;
    }
    const wanted = this.leases.wanted(key, request.now, Math.min(...plan.rules.map((rule) => rule.burst)));
    return this.leases.renew(key, holderOf(request.principal), request.now, () => this.ask(plan, request.now, wanted));
  }

  private isBudgeted({ principal, budget }: GateRequest): boolean {
    return principal !== undefined && budget !== undefined && this.rules.budgets[budget] > 0;
  }

  /** Ends this gateway's leases for revoked credentials at once; other replicas' end within LEASE_MS. */
  forget(revoked: LeaseHolder): void {
    this.leases.revoke(revoked);
  }

  /** Concurrent asks share Redis round trips (see ScriptBatcher); each is still decided atomically. */
  private async ask(plan: Plan, now: number, wanted: number): Promise<Granted> {
    const args = [plan.keys.length, ...plan.keys, now, plan.markers, plan.rules.length, wanted, ...plan.args];
    const reply = (await this.batcher.call(args)) as GateReply;
    return { decision: decisionOf(reply, plan.rules), leased: reply[5] };
  }

  private plan({ ip, principal, budget, now }: GateRequest): Plan {
    const markers: string[] = [];
    const buckets: [string, BucketRule][] = [[redisKeys.ipBucket(ip), this.rules.ip]];
    if (principal) {
      markers.push(redisKeys.revokedUser(principal.userId));
      if (principal.sessionId) markers.push(redisKeys.revokedSession(principal.sessionId));
      buckets.push([redisKeys.userBucket(principal.userId), this.rules.principal]);
      if (principal.apiKeyId) {
        markers.push(redisKeys.revokedApiKey(principal.apiKeyId));
        buckets.push([redisKeys.apiKeyBucket(principal.apiKeyId), this.rules.principal]);
      }
    }
    const keys = [...markers, ...buckets.map(([key]) => key)];
    const args: (string | number)[] = [];
    for (const [, rule] of buckets) args.push(rule.perMinute / 60_000, rule.burst);
    const budgeted = this.isBudgeted({ ip, principal, budget, now });
    if (budgeted && principal && budget) {
      keys.push(redisKeys.budget(principal.tenant, budget, budgetDay(now)));
      args.push(this.rules.budgets[budget]);
    }
    return { keys, args, markers: markers.length, rules: buckets.map(([, rule]) => rule), budgeted };
  }

  /** Counts usage against the tenant's daily budget once the work is done. */
  async charge(tenant: string, kind: BudgetKind, amount: number, now: number): Promise<void> {
    if (amount <= 0 || this.rules.budgets[kind] === 0) return;
    const key = redisKeys.budget(tenant, kind, budgetDay(now));
    await this.redis
      .multi()
      .incrby(key, Math.ceil(amount))
      .expire(key, 2 * 86_400)
      .exec();
  }
}

function decisionOf([status, waitMs, remaining, resetMs, bucket]: GateReply, rules: BucketRule[]): GateDecision {
  const limit = rules[Math.max(0, bucket - 1)]?.burst ?? 0;
  if (status === -1) return { kind: 'revoked' };
  if (status === -2) return { kind: 'budget-spent' };
  if (status === 0) return { kind: 'limited', limit, waitMs };
  return { kind: 'allowed', limit, remaining, resetMs };
}

/** Seconds until the next UTC midnight, when daily budgets start again. */
export function secondsUntilTomorrow(now: number): number {
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((midnight.getTime() - now) / 1000));
}

export const gateUnavailable = (cause: unknown): NemoError =>
  new NemoError(
    ErrorCode.Unavailable,
    'Rate limiting is unavailable, so the gateway is refusing requests for now; try again shortly.',
    { retryAfterSeconds: 2, cause },
  );
