import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
/** Serialises concurrent start-ups of insights replicas ("insi"). */
const LOCK_KEY = 0x696e7369;

/**
 * Applies the SQL files in migrations/ in name order, once each, recording
 * them in insights_migrations, under an advisory lock shared by replicas.
 */
export async function migrate(pool: pg.Pool, dir: URL = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS insights_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ name: string }>('SELECT name FROM insights_migrations');
    const done = new Set(rows.map((r) => r.name));
    const applied = files.filter((f) => !done.has(f));
    for (const file of applied) {
      await client.query(await readFile(new URL(file, dir), 'utf8'));
      await client.query('INSERT INTO insights_migrations (name) VALUES ($1)', [file]);
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
