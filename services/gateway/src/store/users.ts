import { randomUUID } from 'node:crypto';
import { ErrorCode, NemoError } from '@nemo/common';
import type pg from 'pg';
import type { FieldCipher } from '../auth/field-cipher.js';
import { hashPassword } from '../auth/password.js';
import type { Role } from '../auth/principal.js';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  tenant?: string | undefined;
  email?: string | undefined;
  displayName?: string | undefined;
}

/** What an admin sees of a user; personal fields decrypted, the hash never. */
export interface UserView {
  id: string;
  username: string;
  role: Role;
  tenant: string;
  email: string | null;
  displayName: string | null;
  disabled: boolean;
  createdAt: string;
}

export interface LoginRecord {
  id: string;
  passwordHash: string;
  role: Role;
  tenant: string;
  disabled: boolean;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  tenant: string;
  email_sealed: string | null;
  display_name_sealed: string | null;
  disabled_at: Date | null;
  created_at: Date;
}

const USER_COLUMNS = 'id, username, role, tenant, email_sealed, display_name_sealed, disabled_at, created_at';

/** Usernames compare case-insensitively: stored lowercased, NFKC-normalised. */
export const normaliseUsername = (name: string): string => name.normalize('NFKC').trim().toLowerCase();

export class UserStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: FieldCipher,
  ) {}

  async create(user: NewUser): Promise<UserView> {
    const id = randomUUID();
    const seal = (value: string | undefined, column: string) =>
      value === undefined ? null : this.cipher.encrypt(value, `users.${column}:${id}`);
    try {
      const { rows } = await this.pool.query<UserRow>(
        `INSERT INTO users (id, username, password_hash, role, tenant, email_sealed, display_name_sealed)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${USER_COLUMNS}`,
        [
          id,
          normaliseUsername(user.username),
          await hashPassword(user.password),
          user.role,
          user.tenant ?? 'default',
          seal(user.email, 'email'),
          seal(user.displayName, 'display_name'),
        ],
      );
      return this.view(rows[0] as UserRow);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new NemoError(ErrorCode.Conflict, 'A user with that username already exists.', { cause: err });
      }
      throw err;
    }
  }

  async findForLogin(username: string): Promise<LoginRecord | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      password_hash: string;
      role: Role;
      tenant: string;
      disabled_at: Date | null;
    }>('SELECT id, password_hash, role, tenant, disabled_at FROM users WHERE username = $1', [
      normaliseUsername(username),
    ]);
    const row = rows[0];
    return (
      row && {
        id: row.id,
        passwordHash: row.password_hash,
        role: row.role,
        tenant: row.tenant,
        disabled: row.disabled_at !== null,
      }
    );
  }

  async get(id: string): Promise<UserView | undefined> {
    const { rows } = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] && this.view(rows[0]);
  }

  async list(limit: number, offset: number): Promise<UserView[]> {
    const { rows } = await this.pool.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map((row) => this.view(row));
  }

  /** Returns false when there is no such user. */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END WHERE id = $1',
      [id, disabled],
    );
    return rowCount === 1;
  }

  async disabledIds(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM users WHERE disabled_at IS NOT NULL');
    return rows.map((r) => r.id);
  }

  async isActive(id: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL', [id]);
    return rows.length === 1;
  }

  async hasAdmin(): Promise<boolean> {
    const { rows } = await this.pool.query("SELECT 1 FROM users WHERE role = 'admin' LIMIT 1");
    return rows.length > 0;
  }

  private view(row: UserRow): UserView {
    const open = (sealed: string | null, column: string) =>
      sealed === null ? null : this.cipher.decrypt(sealed, `users.${column}:${row.id}`);
    return {
      id: row.id,
      username: row.username,
      role: row.role,
      tenant: row.tenant,
      email: open(row.email_sealed, 'email'),
      displayName: open(row.display_name_sealed, 'display_name'),
      disabled: row.disabled_at !== null,
      createdAt: row.created_at.toISOString(),
    };
  }
}
