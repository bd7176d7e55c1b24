import type { ErrorBody } from '@nemo/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {
  emotionDistribution,
  gpuQueueWaits,
  ragQueryVolume,
  topTerms,
  usageAgainstBudget,
} from '../src/store/queries.js';
import { BUDGETS, startInsights, type Insights } from '../src/testing/harness.js';
import { HOUR, knownEvents, RANGE } from './known-events.js';

const alice = { subject: 'alice', tenant: 'acme', role: 'user' } as const;

type Meta = { from: string; to: string; interval: string; tenant: string | null };
type Of<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
type Emotions = Meta & { groupBy: string; points: Of<typeof emotionDistribution> };
type Usage = Meta & Of<typeof usageAgainstBudget>;
type Gpu = Meta & Of<typeof gpuQueueWaits>;
type Rag = Meta & Of<typeof ragQueryVolume>;
type Terms = Meta & { terms: Of<typeof topTerms> };

describe('dashboard queries on real PostgreSQL', () => {
  let insights: Insights;
  const get = async <T>(path: string): Promise<T> => {
    const res = await insights.asUser(alice, `/v1/insights/${path}${path.includes('?') ? '&' : '?'}${RANGE}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };

  beforeAll(async () => {
    insights = await startInsights(inject('postgresUrl'));
    const res = await insights.asService('POST', '/v1/events', { events: knownEvents('acme', 'alice') });
    expect(res.statusCode).toBe(202);
  });
  afterAll(() => insights?.close());

  it('gives the emotion distribution per speaker, with mean scores', async () => {
    const body = await get<Emotions>('emotions?groupBy=speaker');
    expect(body).toMatchObject({ interval: 'hour', from: HOUR, tenant: 'acme', groupBy: 'speaker' });
    expect(body.points).toEqual([
      { bucket: HOUR, key: 'S1', label: 'joy', count: 2, meanScore: expect.closeTo(0.8, 6) as number },
      { bucket: HOUR, key: 'S2', label: 'anger', count: 1, meanScore: expect.closeTo(0.6, 6) as number },
    ]);
    const one = await get<Emotions>('emotions?groupBy=conversation&speaker=S2');
    expect(one.points).toEqual([expect.objectContaining({ key: 'call-1', label: 'anger', count: 1 })]);
  });

  it('gives usage per tenant and user against the budgets of the range', async () => {
    const body = await get<Usage>('usage');
    expect(body.timeline).toEqual([{ bucket: HOUR, chatTokens: 200, audioSeconds: 90 }]);
    expect(body.users).toEqual([{ tenant: 'acme', userId: 'alice', chatTokens: 200, audioSeconds: 90 }]);
    expect(body.tenants).toEqual([
      {
        tenant: 'acme',
        chatTokens: 200,
        audioSeconds: 90,
        chatTokensBudget: BUDGETS.chatTokensPerDay,
        audioSecondsBudget: BUDGETS.audioSecondsPerDay,
      },
    ]);
  });

  it('gives GPU queue wait p50/p95 and denials per class', async () => {
    const body = await get<Gpu>('gpu-queue');
    const byClass = Object.fromEntries(body.classes.map((c) => [c.class, c]));
    // Waits 3, 8, 40, 400, 9000 ms land in the 5, 10, 50, 500, 10000 ms buckets.
    expect(byClass.interactive).toEqual({ class: 'interactive', granted: 5, denied: 0, p50Ms: 50, p95Ms: 10_000 });
    expect(byClass.batch).toEqual({ class: 'batch', granted: 0, denied: 1, p50Ms: null, p95Ms: null });
  });

  it('gives RAG query volume and the share of empty results', async () => {
    const body = await get<Rag>('rag');
    expect(body).toMatchObject({ queries: 4, empty: 2, emptyShare: 0.5 });
    expect(body.timeline).toEqual([{ bucket: HOUR, queries: 4, empty: 2 }]);
  });

  it('gives the top transcript terms without stopwords', async () => {
    const body = await get<Terms>('terms?limit=2');
    expect(body.terms).toEqual([
      { term: 'budget', count: 2 },
      { term: 'gpu', count: 2 },
    ]);
  });

  it('filters by user and by time range', async () => {
    expect((await get<Usage>('usage?userId=bob')).users).toEqual([]);
    const later = await insights.asUser(alice, '/v1/insights/rag?from=2026-01-05T11:00:00Z&to=2026-01-05T12:00:00Z');
    expect(later.json<Rag>()).toMatchObject({ queries: 0, emptyShare: null });
  });

  it('answers a bad range with a 400 that says what to change', async () => {
    const res = await insights.asUser(alice, '/v1/insights/usage?from=2026-01-05T00:00:00Z&to=2025-01-01T00:00:00Z');
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>().error.message).toMatch(/`from` must be earlier/);
    const wide = await insights.asUser(
      alice,
      '/v1/insights/usage?interval=hour&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(wide.json<ErrorBody>().error.message).toMatch(/use interval=day/);
  });
});
