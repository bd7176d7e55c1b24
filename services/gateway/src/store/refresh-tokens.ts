import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { randomSecret, sha256 } from './secret-token.js';

const PREFIX = 'nrt_';

export type RotateOutcome =
  | { kind: 'rotated'; userId: string; familyId: string; token: string }
  /** A spent token came back: someone holds a copy. The family is now revoked. */
  | { kind: 'reused'; userId: string; familyId: string }
  | { kind: 'invalid' };

interface TokenRow {
  family_id: string;
  user_id: string;
  expired: boolean;
  used_at: Date | null;
  revoked_at: Date | null;
  user_disabled: boolean;
}

/** Rotating refresh tokens, stored hashed, grouped in families (one per sign-in). */
export class RefreshTokenStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs: number,
  ) {}

  /** A new token; a new family unless `familyId` continues one. */
  async issue(userId: string, familyId: string = randomUUID(), db: pg.Pool | pg.PoolClient = this.pool) {
    const token = PREFIX + randomSecret();
    await db.query(
      `INSERT INTO refresh_tokens (token_hash, family_id, user_id, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [sha256(token), familyId, userId, this.ttlMs / 1000],
    );
    return { token, familyId };
  }

  /** Spends `token` and issues its successor, in one transaction with the row locked. */
  async rotate(token: string): Promise<RotateOutcome> {
    if (!token.startsWith(PREFIX) || token.length > 128) return { kind: 'invalid' };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const outcome = await this.rotateLocked(client, token);
      await client.query('COMMIT');
      return outcome;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async rotateLocked(client: pg.PoolClient, token: string): Promise<RotateOutcome> {
    const { rows } = await client.query<TokenRow>(
      `SELECT t.family_id, t.user_id, t.expires_at <= now() AS expired, t.used_at, t.revoked_at,
              u.disabled_at IS NOT NULL AS user_disabled
         FROM refresh_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 FOR UPDATE OF t`,
      [sha256(token)],
    );
    const row = rows[0];
    if (!row || row.revoked_at || row.expired || row.user_disabled) return { kind: 'invalid' };
    if (row.used_at) {
      await this.revokeFamily(row.family_id, client);
      return { kind: 'reused', userId: row.user_id, familyId: row.family_id };
    }
    await client.query('UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1', [sha256(token)]);
    const next = await this.issue(row.user_id, row.family_id, client);
    return { kind: 'rotated', userId: row.user_id, familyId: row.family_id, token: next.token };
  }

  async familyOf(token: string): Promise<string | undefined> {
    if (!token.startsWith(PREFIX) || token.length > 128) return undefined;
    const { rows } = await this.pool.query<{ family_id: string }>(
      'SELECT family_id FROM refresh_tokens WHERE token_hash = $1',
      [sha256(token)],
    );
    return rows[0]?.family_id;
  }

  async revokeFamily(familyId: string, db: pg.Pool | pg.PoolClient = this.pool): Promise<void> {
    await db.query('UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE family_id = $1', [
      familyId,
    ]);
  }

  async revokeUser(userId: string): Promise<void> {
    await this.pool.query('UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE user_id = $1', [
      userId,
    ]);
  }
}
