import type pg from 'pg';

/**
 * Deletes raw events older than `retentionDays`, in bounded batches so a
 * large backlog never holds one long lock. Rollups are kept: dashboards
 * outlive the events they were built from.
 */
export async function purgeRawEvents(pool: pg.Pool, retentionDays: number, batchSize = 10_000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const result = await pool.query(
      `DELETE FROM insights_events WHERE id IN (
         SELECT id FROM insights_events WHERE at < now() - make_interval(days => $1) LIMIT $2)`,
      [retentionDays, batchSize],
    );
    const n = result.rowCount ?? 0;
    deleted += n;
    if (n < batchSize) return deleted;
  }
}
