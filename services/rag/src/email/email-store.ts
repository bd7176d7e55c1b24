import type pg from 'pg';
import { type KeyRing, open, seal } from '../crypto/sealed-box.js';

export interface Email {
  from: string;
  to: string[];
  subject: string;
  body: string;
  /** ISO 8601. */
  date: string;
  /** Written by the llm service when it is present. */
  summary?: string;
}

interface Row {
  id: string;
  tenant: string;
  key_id: string;
  sealed: Buffer;
}

/** Binds a sealed record to its row: a record copied to another id or tenant fails to open. */
const aadOf = (tenant: string, id: string): string => `nemo-rag-email-v1\u0000${tenant}\u0000${id}`;

/**
 * Emails in PostgreSQL, each encrypted as one record under the email-DB key.
 * Nothing readable is stored besides the tenant and the id; reads with a
 * wrong key fail with a DataIntegrity error, never with garbage.
 */
export class EmailStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly keys: KeyRing,
  ) {}

  async put(tenant: string, id: string, email: Email): Promise<void> {
    const sealed = seal(this.keys.primary, Buffer.from(JSON.stringify(email)), aadOf(tenant, id));
    await this.pool.query(
      `INSERT INTO rag_emails (id, tenant, key_id, sealed) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET key_id = $3, sealed = $4, updated_at = now() WHERE rag_emails.tenant = $2`,
      [id, tenant, this.keys.primary.id, sealed],
    );
  }

  async get(tenant: string, id: string): Promise<Email | undefined> {
    const { rows } = await this.pool.query<Row>(
      'SELECT id, tenant, key_id, sealed FROM rag_emails WHERE tenant = $1 AND id = $2',
      [tenant, id],
    );
    return rows[0] ? this.decode(rows[0]) : undefined;
  }

  async delete(tenant: string, id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM rag_emails WHERE tenant = $1 AND id = $2', [tenant, id]);
    return (rowCount ?? 0) > 0;
  }

  /** Records still sealed under the previous key, which a rotation moves to the primary. */
  async countStale(): Promise<number> {
    const previous = this.keys.previous?.id;
    if (!previous) return 0;
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM rag_emails WHERE key_id = $1', [
      previous,
    ]);
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Re-encrypts up to `limit` records from the previous key to the primary
   * one; returns how many. The update only lands if the record was not rewritten meanwhile.
   */
  async reencryptBatch(limit = 100): Promise<number> {
    // Only the previous key's records: one sealed under a key this service no
    // longer holds cannot be opened, and must not stop the others' rotation.
    const previous = this.keys.previous?.id;
    if (!previous) return 0;
    const { rows } = await this.pool.query<Row>(
      'SELECT id, tenant, key_id, sealed FROM rag_emails WHERE key_id = $1 LIMIT $2',
      [previous, limit],
    );
    for (const row of rows) {
      const sealed = seal(this.keys.primary, Buffer.from(JSON.stringify(this.decode(row))), aadOf(row.tenant, row.id));
      await this.pool.query('UPDATE rag_emails SET key_id = $1, sealed = $2 WHERE id = $3 AND key_id = $4', [
        this.keys.primary.id,
        sealed,
        row.id,
        row.key_id,
      ]);
    }
    return rows.length;
  }

  private decode(row: Row): Email {
    const plain = open(this.keys, row.sealed, aadOf(row.tenant, row.id), `Stored email ${row.id}`);
    return JSON.parse(plain.toString('utf8')) as Email;
  }
}
