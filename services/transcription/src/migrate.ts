import { applyMigrations } from '@nemo/common';
import type pg from 'pg';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);

/** Applies this service's migrations/*.sql once each (see applyMigrations in @nemo/common). */
export function migrate(pool: pg.Pool, dir: URL = MIGRATIONS_DIR): Promise<string[]> {
  return applyMigrations(pool, { table: 'transcription_migrations', dir });
}
