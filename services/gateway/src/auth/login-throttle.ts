import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ErrorCode, NemoError } from '@nemo/common';
import type { Redis } from 'ioredis';
import { redisKeys } from '../rate-limit/keys.js';

const FAILURE_SCRIPT = readFileSync(new URL('../../lua/login-failure.lua', import.meta.url), 'utf8');

export interface LoginThrottleSettings {
  /** Failures in a row before the first lockout. */
  threshold: number;
  /** The first lockout; each further failure doubles it. */
  baseLockMs: number;
  maxLockMs: number;
  /** How long failures are remembered without a lockout. */
  windowMs: number;
}

export const DEFAULT_THROTTLE: LoginThrottleSettings = {
  threshold: 5,
  baseLockMs: 15_000,
  maxLockMs: 15 * 60_000,
  windowMs: 15 * 60_000,
};

/**
 * Brute-force protection per username, whatever the source address: after a
 * few failures the account is locked for a time that doubles with each
 * further failure. Redis holds the counts so every replica sees them.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly settings: LoginThrottleSettings = DEFAULT_THROTTLE,
  ) {
    redis.defineCommand('nemoLoginFailure', { numberOfKeys: 1, lua: FAILURE_SCRIPT });
  }

  /** Throws 429 with Retry-After while the username is locked. */
  async assertOpen(username: string, now: number): Promise<void> {
    const until = Number((await this.redis.hget(keyOf(username), 'until')) ?? 0);
    if (until > now) throw lockedOut(until - now);
  }

  /** Returns the lockout that now applies, in ms (0 when none). */
  async recordFailure(username: string, now: number): Promise<number> {
    const { threshold, baseLockMs, maxLockMs, windowMs } = this.settings;
    const scripted = this.redis as unknown as { nemoLoginFailure(key: string, ...args: number[]): Promise<number> };
    return Number(await scripted.nemoLoginFailure(keyOf(username), now, threshold, baseLockMs, maxLockMs, windowMs));
  }

  async recordSuccess(username: string): Promise<void> {
    await this.redis.del(keyOf(username));
  }
}

/** Hashed, so the record names no username and arbitrary input makes a fixed-size key. */
function keyOf(username: string): string {
  return redisKeys.loginFailures(createHash('sha256').update(username).digest('hex').slice(0, 32));
}

export function lockedOut(ms: number): NemoError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return new NemoError(
    ErrorCode.RateLimited,
    `Too many failed sign-ins for this account; try again in ${seconds} seconds.`,
    { retryAfterSeconds: seconds },
  );
}
