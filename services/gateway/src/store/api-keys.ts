import { randomUUID, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { Role } from '../auth/principal.js';
import { randomSecret, sha256 } from './secret-token.js';

/** nk_<key id without dashes>_<secret>: the id finds the row, the secret proves possession. */
const KEY_PATTERN = /^nk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyView {
  id: string;
  name: string;
  createdAt: string;
  revoked: boolean;
}

export interface ApiKeyOwner {
  keyId: string;
  userId: string;
  role: Role;
  tenant: string;
}

interface KeyRow {
  id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toUuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

export const looksLikeApiKey = (credential: string): boolean => credential.startsWith('nk_');

export class ApiKeyStore {
  constructor(private readonly pool: pg.Pool) {}

  /** The key in full is returned here and never again. */
  async create(userId: string, name: string): Promise<ApiKeyView & { key: string }> {
    const id = randomUUID();
    const secret = randomSecret();
    const { rows } = await this.pool.query<KeyRow>(
      'INSERT INTO api_keys (id, user_id, name, key_hash) VALUES ($1, $2, $3, $4) RETURNING id, name, created_at, revoked_at',
      [id, userId, name, sha256(secret)],
    );
    return { ...view(rows[0] as KeyRow), key: `nk_${id.replaceAll('-', '')}_${secret}` };
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    const { rows } = await this.pool.query<KeyRow>(
      'SELECT id, name, created_at, revoked_at FROM api_keys WHERE user_id = $1 ORDER BY created_at, id',
      [userId],
    );
    return rows.map(view);
  }

  /** Returns false when the user has no such key. */
  async revoke(userId: string, keyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2',
      [keyId, userId],
    );
    return rowCount === 1;
  }

  /** The owner of a live key of a live user, or undefined. */
  async resolve(key: string): Promise<ApiKeyOwner | undefined> {
    const match = KEY_PATTERN.exec(key);
    if (!match) return undefined;
    const keyId = toUuid(match[1] ?? '');
    const { rows } = await this.pool.query<{ key_hash: Buffer; user_id: string; role: Role; tenant: string }>(
      `SELECT k.key_hash, k.user_id, u.role, u.tenant FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.id = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [keyId],
    );
    const row = rows[0];
    if (!row || !timingSafeEqual(row.key_hash, sha256(match[2] ?? ''))) return undefined;
    return { keyId, userId: row.user_id, role: row.role, tenant: row.tenant };
  }
}

function view(row: KeyRow): ApiKeyView {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString(), revoked: row.revoked_at !== null };
}
