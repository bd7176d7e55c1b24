import { createPgPool } from '@nemo/common';
import type pg from 'pg';
import { afterAll, beforeAll, bench, describe, inject } from 'vitest';
import { migrate } from '../src/migrate.js';
import { rangeOf } from '../src/range.js';
import { emotionDistribution, usageAgainstBudget, type QueryContext } from '../src/store/queries.js';
import { recordEvents } from '../src/store/intake.js';
import { randomEvent, seeded } from '../src/testing/events.js';

/**
 * Dashboard latency with N events (NEMO_BENCH_EVENTS, default 1,000,000),
 * loaded through the real intake so the rollups are the ones production
 * keeps. Each rollup query is measured beside the same answer computed by a
 * scan of the raw events, in the same run; vitest prints the ratio.
 */
const EVENTS = Number(process.env['NEMO_BENCH_EVENTS'] ?? 1_000_000);
const BATCH = 5_000;
const DAY = 86_400_000;
const TENANTS = Array.from({ length: 20 }, (_, i) => `tenant-${i}`);
const USERS = Array.from({ length: 200 }, (_, i) => `user-${i}`);

let pool: pg.Pool;
let ctx: QueryContext;

beforeAll(async () => {
  pool = createPgPool(inject('postgresUrl'));
  await migrate(pool);
  await pool.query('TRUNCATE insights_events, insights_rollup_hour, insights_rollup_day');
  const rand = seeded(7);
  const started = performance.now();
  for (let done = 0; done < EVENTS; done += BATCH) {
    const n = Math.min(BATCH, EVENTS - done);
    await recordEvents(
      pool,
      Array.from({ length: n }, () => randomEvent(rand, { tenants: TENANTS, users: USERS, spanMs: 30 * DAY })),
    );
  }
  await pool.query('ANALYZE');
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Loaded ${EVENTS} events through the intake in ${seconds.toFixed(1)} s (${Math.round(EVENTS / seconds)} events/s)`,
  );
  const range = rangeOf({ from: new Date(Date.now() - 30 * DAY).toISOString(), interval: 'day' });
  ctx = { pool, range, scope: { tenant: 'tenant-3', userId: undefined } };
}, 3_600_000);

afterAll(() => pool?.end());

/** The same three answers usageAgainstBudget gives (per day, per tenant, per user), from raw events. */
const rawUsage = (groupBy: string, tenantFilter: boolean) => `
  SELECT ${groupBy},
         coalesce(sum((payload->>'promptTokens')::float8 + (payload->>'completionTokens')::float8)
                  FILTER (WHERE type = 'chat.usage'), 0) AS chat,
         coalesce(sum((payload->>'audioSeconds')::float8) FILTER (WHERE type = 'transcription.usage'), 0) AS audio
    FROM insights_events
   WHERE ${tenantFilter ? 'tenant = $3 AND' : ''} at >= $1 AND at < $2 AND type IN ('chat.usage', 'transcription.usage')
   GROUP BY ${groupBy} ORDER BY ${groupBy}`;

async function rawUsageAnswer(tenant: string | undefined): Promise<void> {
  const params = [ctx.range.from, ctx.range.to, ...(tenant ? [tenant] : [])];
  await Promise.all(
    ["date_trunc('day', at, 'UTC')", 'tenant', 'tenant, user_id'].map((groupBy) =>
      pool.query(rawUsage(groupBy, tenant !== undefined), params),
    ),
  );
}

const RAW_EMOTIONS = `
  SELECT date_trunc('day', at, 'UTC') AS bucket, payload->>'speaker' AS key, payload->>'label' AS label,
         count(*) AS count, avg((payload->>'score')::float8) AS mean
    FROM insights_events
   WHERE tenant = $1 AND at >= $2 AND at < $3 AND type = 'emotion.segment'
   GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

const rawParams = () => [ctx.scope.tenant, ctx.range.from, ctx.range.to];
const BUDGETS = { chatTokensPerDay: 1, audioSecondsPerDay: 1 };

describe(`usage against budget, one tenant, 30 days by day (${EVENTS} events)`, () => {
  bench('rollups', async () => {
    await usageAgainstBudget(ctx, BUDGETS);
  });
  bench('raw event scan', async () => {
    await rawUsageAnswer(ctx.scope.tenant);
  });
});

describe(`usage against budget, all tenants (admin), 30 days by day (${EVENTS} events)`, () => {
  bench('rollups', async () => {
    await usageAgainstBudget({ ...ctx, scope: { tenant: undefined, userId: undefined } }, BUDGETS);
  });
  bench('raw event scan', async () => {
    await rawUsageAnswer(undefined);
  });
});

describe(`emotion per speaker, one tenant, 30 days by day (${EVENTS} events)`, () => {
  bench('rollups', async () => {
    await emotionDistribution(ctx, { groupBy: 'speaker' });
  });
  bench('raw event scan', async () => {
    await pool.query(RAW_EMOTIONS, rawParams());
  });
});
