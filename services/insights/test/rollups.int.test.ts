import type { ErrorBody, InsightsEvent } from '@nemo/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { STOPWORDS } from '../src/rollup/terms.js';
import { WAIT_BOUNDS_MS } from '../src/rollup/wait-buckets.js';
import { randomEvent, seeded } from '../src/testing/events.js';
import { startInsights, type Insights } from '../src/testing/harness.js';

/**
 * The rollups' contract: after any sequence of intakes (concurrent batches,
 * resent batches, duplicate ids), every rollup row equals what a fresh
 * aggregation over the raw events computes. The reference below is written
 * in SQL, independently of the TypeScript that maintains the rollups.
 */
const RECOMPUTE = `
WITH contrib AS (
  SELECT 'chat_tokens' AS metric, tenant, at, user_id, payload->>'model' AS dim1, '' AS dim2, '' AS dim3,
         1 AS n, (payload->>'promptTokens')::float8 + (payload->>'completionTokens')::float8 AS s
    FROM insights_events WHERE type = 'chat.usage'
  UNION ALL
  SELECT 'audio_seconds', tenant, at, user_id, '', '', '', 1, (payload->>'audioSeconds')::float8
    FROM insights_events WHERE type = 'transcription.usage'
  UNION ALL
  SELECT 'emotion', tenant, at, user_id, payload->>'conversationId', payload->>'speaker', payload->>'label', 1,
         (payload->>'score')::float8
    FROM insights_events WHERE type = 'emotion.segment'
  UNION ALL
  SELECT 'rag_query', tenant, at, user_id, CASE WHEN (payload->>'results')::int = 0 THEN 'empty' ELSE 'hit' END, '', '', 1,
         (payload->>'results')::float8
    FROM insights_events WHERE type = 'rag.query'
  UNION ALL
  SELECT 'gpu_wait', tenant, at, user_id, payload->>'class', payload->>'outcome',
         coalesce((SELECT min(b)::bigint::text FROM unnest($1::float8[]) b WHERE (payload->>'waitMs')::float8 <= b), 'inf'),
         1, (payload->>'waitMs')::float8
    FROM insights_events WHERE type = 'gpu.wait'
  UNION ALL
  SELECT 'term', tenant, at, user_id, m[1], '', '', 1, 1
    FROM insights_events, regexp_matches(lower(payload->>'text'), '[[:alpha:]]{3,}', 'g') AS m
   WHERE type = 'transcript.text' AND NOT (m[1] = ANY($2::text[]))
)
SELECT metric, tenant, date_trunc($3, at, 'UTC') AS bucket, user_id, dim1, dim2, dim3, sum(n)::float8 AS count, sum(s) AS sum
  FROM contrib GROUP BY 1, 2, 3, 4, 5, 6, 7`;

interface Row {
  metric: string;
  tenant: string;
  bucket: Date;
  user_id: string;
  dim1: string;
  dim2: string;
  dim3: string;
  count: number;
  sum: number;
}

const render = (rows: Row[]): string[] =>
  rows
    .map((r) =>
      [r.metric, r.tenant, r.bucket.toISOString(), r.user_id, r.dim1, r.dim2, r.dim3, r.count, r.sum.toFixed(4)].join(
        '|',
      ),
    )
    .sort();

describe('rollups on real PostgreSQL', () => {
  let insights: Insights;
  beforeAll(async () => {
    insights = await startInsights(inject('postgresUrl'));
  });
  afterAll(() => insights?.close());

  const post = async (events: InsightsEvent[]) => {
    const res = await insights.asService('POST', '/v1/events', { events });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<{ stored: number }>().stored;
  };

  it('equal a recomputation from raw events after random, concurrent and repeated intakes', async () => {
    const rand = seeded(20_240_611);
    const opts = { tenants: ['acme', 'globex'], users: ['u1', 'u2', 'u3'], spanMs: 4 * 86_400_000 };
    const batches = Array.from({ length: 16 }, () =>
      Array.from({ length: 1 + Math.floor(rand() * 120) }, () => randomEvent(rand, opts)),
    );
    const stored = [];
    for (let i = 0; i < batches.length; i += 4) stored.push(...(await Promise.all(batches.slice(i, i + 4).map(post))));
    const total = batches.reduce((n, b) => n + b.length, 0);
    expect(stored.reduce((a, b) => a + b, 0)).toBe(total);

    // A resent batch and a batch repeating one id add nothing.
    const first = batches[0] ?? [];
    expect(await post(first)).toBe(0);
    const again = first[0];
    if (again) expect(await post([again, again])).toBe(0);

    for (const grain of ['hour', 'day'] as const) {
      const expected = await insights.pool.query<Row>(RECOMPUTE, [WAIT_BOUNDS_MS, [...STOPWORDS], grain]);
      const actual = await insights.pool.query<Row>(`SELECT *, count::float8 AS count FROM insights_rollup_${grain}`);
      expect(actual.rows.length).toBeGreaterThan(100);
      expect(render(actual.rows)).toEqual(render(expected.rows));
    }
  });

  it('refuses an invalid batch whole, naming the field, and stores none of it', async () => {
    const before = await insights.pool.query<{ n: string }>('SELECT count(*) AS n FROM insights_events');
    const ok = randomEvent(seeded(1), { tenants: ['acme'], users: ['u1'], spanMs: 1000 });
    const res = await insights.asService('POST', '/v1/events', {
      events: [ok, { ...ok, id: 'not-a-uuid', type: 'rag.query', results: -1 }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>()).toMatchObject({
      error: { code: 'NEMO_ERR_VALIDATION', message: expect.stringContaining('events.1.') as string },
    });
    const after = await insights.pool.query<{ n: string }>('SELECT count(*) AS n FROM insights_events');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
