import type { Redis } from 'ioredis';
import type pg from 'pg';
import { redisKeys } from '../rate-limit/keys.js';
import type { LeaseHolder } from '../rate-limit/leases.js';
import type { Principal } from './principal.js';

/**
 * Prompt revocation for credentials that are otherwise checked without a
 * database round trip (cached JWTs and API keys). Markers live in Redis,
 * where the gate reads them with the rate-limit buckets; this replica's
 * admission leases end at once, other replicas' within LEASE_MS.
 * Postgres stays the record; `republish` restores markers after a Redis
 * restart, and `isRevokedInDb` answers while Redis is down (fail-open mode).
 */
export class Revocations {
  constructor(
    private readonly redis: Redis,
    private readonly pool: pg.Pool,
    /** Longest an access token lives: session markers need not outlive it. */
    private readonly accessTtlMs: number,
    /** Told of each revocation once it is recorded: ends this replica's admission leases for it. */
    private readonly onRevoke: (revoked: LeaseHolder) => void = () => undefined,
  ) {}

  async revokeUser(userId: string): Promise<void> {
    await this.redis.set(redisKeys.revokedUser(userId), '1');
    this.onRevoke({ userId });
  }

  async restoreUser(userId: string): Promise<void> {
    await this.redis.del(redisKeys.revokedUser(userId));
  }

  async revokeSession(familyId: string): Promise<void> {
    await this.redis.set(redisKeys.revokedSession(familyId), '1', 'PX', this.accessTtlMs + 60_000);
    this.onRevoke({ sessionId: familyId });
  }

  /** Kept a day: far longer than any in-process cache of the key. */
  async revokeApiKey(keyId: string): Promise<void> {
    await this.redis.set(redisKeys.revokedApiKey(keyId), '1', 'PX', 86_400_000);
    this.onRevoke({ apiKeyId: keyId });
  }

  async republish(disabledUserIds: readonly string[]): Promise<void> {
    if (disabledUserIds.length === 0) return;
    const multi = this.redis.multi();
    for (const id of disabledUserIds) multi.set(redisKeys.revokedUser(id), '1');
    await multi.exec();
    for (const userId of disabledUserIds) this.onRevoke({ userId });
  }

  async isRevokedInDb(principal: Principal): Promise<boolean> {
    const { rows } = await this.pool.query<{ live: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $2 AND revoked_at IS NOT NULL)
          AND NOT EXISTS (SELECT 1 FROM api_keys WHERE id = $3 AND revoked_at IS NOT NULL) AS live`,
      [principal.userId, principal.sessionId ?? null, principal.apiKeyId ?? null],
    );
    return rows[0]?.live !== true;
  }
}
