import { readdir, readFile } from 'node:fs/promises';
import type pg from 'pg';

export interface MigrationSet {
  /** Table recording what ran, one per service (e.g. rag_migrations). */
  table: string;
  /** Folder of *.sql files, applied in name order. */
  dir: URL;
}

/** A stable advisory-lock key per table (FNV-1a), so services migrate in parallel and replicas in turn. */
export function lockKeyOf(table: string): number {
  let hash = 0x811c9dc5;
  for (const ch of table) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return hash | 0;
}

/**
 * Applies a service's SQL files once each, in one transaction. Replicas
 * starting together take turns on an advisory lock, so a file never runs
 * twice; returns the files applied now.
 */
export async function applyMigrations(pool: pg.Pool, set: MigrationSet): Promise<string[]> {
  if (!/^[a-z_]+$/.test(set.table))
    throw new Error(`migration table name ${set.table} must be lower-case letters and _`);
  const files = (await readdir(set.dir)).filter((f) => f.endsWith('.sql')).sort();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [lockKeyOf(set.table)]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${set.table} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${set.table}`);
    const done = new Set(rows.map((r) => r.name));
    const applied = files.filter((f) => !done.has(f));
    for (const file of applied) {
      await client.query(await readFile(new URL(file, set.dir), 'utf8'));
      await client.query(`INSERT INTO ${set.table} (name) VALUES ($1)`, [file]);
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
