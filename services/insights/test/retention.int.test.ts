import { randomUUID } from 'node:crypto';
import type { InsightsEvent } from '@nemo/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { purgeRawEvents } from '../src/store/retention.js';
import { startInsights, type Insights } from '../src/testing/harness.js';

const DAY = 86_400_000;
const ragQuery = (ageDays: number): InsightsEvent => ({
  id: randomUUID(),
  at: new Date(Date.now() - ageDays * DAY).toISOString(),
  tenant: 'acme',
  type: 'rag.query',
  results: 1,
});
const admin = { subject: 'root', tenant: 'ops', role: 'admin' } as const;

describe('retention', () => {
  let insights: Insights;
  beforeAll(async () => {
    insights = await startInsights(inject('postgresUrl'));
  });
  afterAll(() => insights?.close());

  it('deletes raw events past the retention period, in batches, and keeps the rollups', async () => {
    const old = Array.from({ length: 25 }, () => ragQuery(45));
    const fresh = Array.from({ length: 5 }, () => ragQuery(2));
    expect((await insights.asService('POST', '/v1/events', { events: [...old, ...fresh] })).statusCode).toBe(202);

    expect(await purgeRawEvents(insights.pool, 30, 10)).toBe(25);
    const { rows } = await insights.pool.query<{ id: string }>('SELECT id FROM insights_events');
    expect(rows.map((r) => r.id).sort()).toEqual(fresh.map((e) => e.id).sort());
    expect(await purgeRawEvents(insights.pool, 30)).toBe(0);

    const res = await insights.asUser(
      admin,
      '/v1/insights/rag?interval=day&from=' + new Date(Date.now() - 60 * DAY).toISOString(),
    );
    expect(res.json<{ queries: number }>()).toMatchObject({ queries: 30 });
  });
});
