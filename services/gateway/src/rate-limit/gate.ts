import { readFileSync } from 'node:fs';
import { ErrorCode, NemoError } from '@nemo/common';
import type { Redis } from 'ioredis';
import type { Principal } from '../auth/principal.js';
import { redisKeys } from './keys.js';
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
  | { kind: 'allowed'; limit: number; remaining: number; resetMs: number }
  | { kind: 'limited'; limit: number; waitMs: number }
  | { kind: 'revoked' }
  | { kind: 'budget-spent' };

type GateReply = [number, number, number, number, number];

interface Plan {
  keys: string[];
  args: (string | number)[];
  rules: BucketRule[];
}

/** The UTC day a budget counts against. */
export const budgetDay = (now: number): string => new Date(now).toISOString().slice(0, 10);

/**
 * Decides, in one Redis round trip, whether a request may pass: none of its
 * credentials is revoked, its tenant has budget left, and its IP, user and
 * API-key buckets each hold a token.
 */
export class Gate {
  private readonly batcher: ScriptBatcher;

  constructor(
    private readonly redis: Redis,
    private readonly rules: GateRules,
  ) {
    redis.defineCommand('nemoGate', { lua: GATE_SCRIPT });
    this.batcher = new ScriptBatcher(redis, 'nemoGate');
  }

  /** Concurrent checks share Redis round trips (see ScriptBatcher); each is still decided atomically. */
  async check(request: GateRequest): Promise<GateDecision> {
    const plan = this.plan(request);
    const reply = (await this.batcher.call([plan.keys.length, ...plan.keys, ...plan.args])) as GateReply;
    const [status, waitMs, remaining, resetMs, bucket] = reply;
    const limit = plan.rules[Math.max(0, bucket - 1)]?.burst ?? 0;
    if (status === -1) return { kind: 'revoked' };
    if (status === -2) return { kind: 'budget-spent' };
    if (status === 0) return { kind: 'limited', limit, waitMs };
    return { kind: 'allowed', limit, remaining, resetMs };
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
    const args: (string | number)[] = [now, markers.length, buckets.length];
    for (const [, rule] of buckets) args.push(rule.perMinute / 60_000, rule.burst);
    const limit = budget && principal ? this.rules.budgets[budget] : 0;
    if (budget && principal && limit > 0) {
      keys.push(redisKeys.budget(principal.tenant, budget, budgetDay(now)));
      args.push(limit);
    }
    return { keys, args, rules: buckets.map(([, rule]) => rule) };
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
