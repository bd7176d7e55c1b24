import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
/** Any constant shared by every replica ("llm" in ASCII): serialises concurrent start-ups. */
const LOCK_KEY = 0x6c6c6d;

/** Applies migrations/*.sql in name order, once each, under an advisory lock. */
export async function migrate(pool: pg.Pool, dir: URL = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS llm_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM llm_migrations');
    const done = new Set(rows.map((r) => r.name));
    const applied = files.filter((f) => !done.has(f));
    for (const file of applied) {
      await client.query(await readFile(new URL(file, dir), 'utf8'));
      await client.query('INSERT INTO llm_migrations (name) VALUES ($1)', [file]);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
