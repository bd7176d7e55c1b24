import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { z } from 'zod';
import { rangeOf, RangeQuery } from '../range.js';
import { scopeOf } from '../scope.js';
import {
  emotionDistribution,
  gpuQueueWaits,
  ragQueryVolume,
  topTerms,
  usageAgainstBudget,
  type Budgets,
  type QueryContext,
} from '../store/queries.js';
import { parseOr400 } from './validate.js';

const EmotionQuery = RangeQuery.extend({
  groupBy: z.enum(['label', 'speaker', 'conversation']).default('label'),
  conversationId: z.string().min(1).max(128).optional(),
  speaker: z.string().min(1).max(128).optional(),
});
const TermsQuery = RangeQuery.extend({ limit: z.coerce.number().int().min(1).max(200).default(25) });

/** Resolves range and tenancy once per request; the answer echoes both so a chart can label itself. */
function contextOf<S extends typeof RangeQuery>(request: FastifyRequest, pool: pg.Pool, schema: S) {
  const query: z.infer<S> = parseOr400(schema, request.query, 'query');
  const range = rangeOf(query);
  const scope = scopeOf(request.caller, query);
  const ctx: QueryContext = { pool, range, scope };
  const meta = { from: range.from, to: range.to, interval: range.grain, tenant: scope.tenant ?? null };
  return { query, ctx, meta };
}

/** The dashboard queries: time range, tenant and user filters on each. */
export function queryRoutes(app: FastifyInstance, pool: pg.Pool, budgets: Budgets): void {
  app.get('/v1/insights/emotions', async (request) => {
    const { query, ctx, meta } = contextOf(request, pool, EmotionQuery);
    return { ...meta, groupBy: query.groupBy, points: await emotionDistribution(ctx, query) };
  });
  app.get('/v1/insights/usage', async (request) => {
    const { ctx, meta } = contextOf(request, pool, RangeQuery);
    return { ...meta, ...(await usageAgainstBudget(ctx, budgets)) };
  });
  app.get('/v1/insights/gpu-queue', async (request) => {
    const { ctx, meta } = contextOf(request, pool, RangeQuery);
    return { ...meta, ...(await gpuQueueWaits(ctx)) };
  });
  app.get('/v1/insights/rag', async (request) => {
    const { ctx, meta } = contextOf(request, pool, RangeQuery);
    return { ...meta, ...(await ragQueryVolume(ctx)) };
  });
  app.get('/v1/insights/terms', async (request) => {
    const { query, ctx, meta } = contextOf(request, pool, TermsQuery);
    return { ...meta, terms: await topTerms(ctx, query.limit) };
  });
}
