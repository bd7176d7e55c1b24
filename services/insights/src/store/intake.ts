import type { InsightsEvent } from '@nemo/common';
import type pg from 'pg';
import { GRAINS, rollupDeltas, type Grain, type RollupDelta } from '../rollup/derive.js';

/**
 * Stores a batch of events and adds them to the hourly and daily rollups in
 * one transaction, so the rollups always equal what the raw events say.
 * Events whose id is already stored are skipped, raw and rollup alike:
 * a producer may resend a batch it is unsure about.
 */
export async function recordEvents(pool: pg.Pool, events: readonly InsightsEvent[]): Promise<number> {
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const fresh = await insertRaw(client, unique);
    for (const grain of GRAINS) await upsertRollup(client, grain, rollupDeltas(fresh, grain));
    await client.query('COMMIT');
    return fresh.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function insertRaw(client: pg.PoolClient, events: readonly InsightsEvent[]): Promise<InsightsEvent[]> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO insights_events (id, type, at, tenant, user_id, payload)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::jsonb[])
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.at),
      events.map((e) => e.tenant),
      events.map((e) => e.userId ?? ''),
      events.map(payloadOf),
    ],
  );
  const inserted = new Set(rows.map((r) => r.id));
  return events.filter((e) => inserted.has(e.id));
}

/** The event without its envelope: what the raw table keeps as jsonb. */
function payloadOf(event: InsightsEvent): string {
  const { id: _id, type: _type, at: _at, tenant: _tenant, userId: _userId, ...payload } = event;
  return JSON.stringify(payload);
}

async function upsertRollup(client: pg.PoolClient, grain: Grain, deltas: readonly RollupDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const table = `insights_rollup_${grain}`;
  await client.query(
    `INSERT INTO ${table} AS r (metric, tenant, bucket, user_id, dim1, dim2, dim3, count, sum)
     SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::bigint[], $9::float8[])
     ON CONFLICT (metric, tenant, bucket, user_id, dim1, dim2, dim3)
     DO UPDATE SET count = r.count + EXCLUDED.count, sum = r.sum + EXCLUDED.sum`,
    [
      deltas.map((d) => d.metric),
      deltas.map((d) => d.tenant),
      deltas.map((d) => d.bucket),
      deltas.map((d) => d.userId),
      deltas.map((d) => d.dims[0]),
      deltas.map((d) => d.dims[1]),
      deltas.map((d) => d.dims[2]),
      deltas.map((d) => d.count),
      deltas.map((d) => d.sum),
    ],
  );
}
