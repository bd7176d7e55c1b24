import { createPgPool } from '@nemo/common';
import { describe, expect, inject, it } from 'vitest';
import { migrate } from '../src/migrate.js';
import { freshDatabase } from '../src/testing/harness.js';

describe('insights migrations', () => {
  it("drop the emotion service's former emotion_events table: insights' events are the one record", async () => {
    const db = await freshDatabase(inject('postgresUrl'));
    const pool = createPgPool(db.url);
    try {
      // What the emotion service's 0001 migration left behind.
      await pool.query('CREATE TABLE emotion_events (id bigserial PRIMARY KEY, label text NOT NULL)');
      await pool.query('CREATE TABLE emotion_migrations (name text PRIMARY KEY)');
      expect(await migrate(pool)).toContain('0002_drop_emotion_events.sql');
      const { rows } = await pool.query<{ events: string | null; log: string | null }>(
        "SELECT to_regclass('emotion_events')::text AS events, to_regclass('emotion_migrations')::text AS log",
      );
      expect(rows).toEqual([{ events: null, log: null }]);
      expect(await migrate(pool)).toEqual([]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
