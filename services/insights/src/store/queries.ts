import type pg from 'pg';
import type { TimeRange } from '../range.js';
import { Metric } from '../rollup/derive.js';
import { quantileOf, type HistogramBin } from '../rollup/wait-buckets.js';
import type { Scope } from '../scope.js';
import { rollupFilter } from './rollup-filter.js';

/** Every dashboard query reads the rollups only; raw events are never scanned. */
export interface QueryContext {
  pool: pg.Pool;
  range: TimeRange;
  scope: Scope;
}

const iso = (d: Date): string => d.toISOString();

export type EmotionGrouping = 'label' | 'speaker' | 'conversation';
const GROUP_COLUMN: Readonly<Record<EmotionGrouping, string>> = { label: "''", speaker: 'dim2', conversation: 'dim1' };

export interface EmotionQuery {
  groupBy: EmotionGrouping;
  conversationId?: string | undefined;
  speaker?: string | undefined;
}

/** Emotion labels per bucket, optionally split per speaker or per conversation. */
export async function emotionDistribution(ctx: QueryContext, q: EmotionQuery) {
  const f = rollupFilter([Metric.Emotion], ctx.range, ctx.scope, { dim1: q.conversationId, dim2: q.speaker });
  const key = GROUP_COLUMN[q.groupBy];
  const { rows } = await ctx.pool.query<{ bucket: Date; key: string; label: string; count: number; mean: number }>(
    `SELECT bucket, ${key} AS key, dim3 AS label, sum(count)::float8 AS count, (sum(sum) / sum(count))::float8 AS mean
     FROM ${f.table} WHERE ${f.where} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT 20000`,
    f.params,
  );
  return rows.map((r) => ({ bucket: iso(r.bucket), key: r.key, label: r.label, count: r.count, meanScore: r.mean }));
}

export interface Budgets {
  chatTokensPerDay: number;
  audioSecondsPerDay: number;
}

interface UsageRow {
  chat: number;
  audio: number;
}
const USAGE_SUMS = `coalesce(sum(sum) FILTER (WHERE metric = '${Metric.ChatTokens}'), 0)::float8 AS chat,
  coalesce(sum(sum) FILTER (WHERE metric = '${Metric.AudioSeconds}'), 0)::float8 AS audio`;

/** Chat tokens and audio seconds per bucket, per tenant and per user, with the tenant budgets for the range. */
export async function usageAgainstBudget(ctx: QueryContext, budgets: Budgets) {
  const f = rollupFilter([Metric.ChatTokens, Metric.AudioSeconds], ctx.range, ctx.scope);
  const run = <R>(groupBy: string) =>
    ctx.pool.query<R & UsageRow>(
      `SELECT ${groupBy}, ${USAGE_SUMS} FROM ${f.table} WHERE ${f.where} GROUP BY ${groupBy} ORDER BY ${groupBy} LIMIT 10000`,
      f.params,
    );
  const [timeline, tenants, users] = await Promise.all([
    run<{ bucket: Date }>('bucket'),
    run<{ tenant: string }>('tenant'),
    run<{ tenant: string; user_id: string }>('tenant, user_id'),
  ]);
  const days = Math.max(1, Math.ceil(ctx.range.days));
  const amounts = (r: UsageRow) => ({ chatTokens: r.chat, audioSeconds: r.audio });
  return {
    budgets: { ...budgets, days },
    timeline: timeline.rows.map((r) => ({ bucket: iso(r.bucket), ...amounts(r) })),
    tenants: tenants.rows.map((r) => ({
      tenant: r.tenant,
      ...amounts(r),
      chatTokensBudget: budgets.chatTokensPerDay * days,
      audioSecondsBudget: budgets.audioSecondsPerDay * days,
    })),
    users: users.rows.map((r) => ({ tenant: r.tenant, userId: r.user_id, ...amounts(r) })),
  };
}

interface WaitRow {
  bucket: Date;
  class: string;
  outcome: string;
  bound: string;
  count: number;
}

/** GPU queue waits per class: p50/p95 of granted waits and denials, overall and per bucket. */
export async function gpuQueueWaits(ctx: QueryContext) {
  const f = rollupFilter([Metric.GpuWait], ctx.range, ctx.scope);
  const { rows } = await ctx.pool.query<WaitRow>(
    `SELECT bucket, dim1 AS class, dim2 AS outcome, dim3 AS bound, sum(count)::float8 AS count
     FROM ${f.table} WHERE ${f.where} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2 LIMIT 50000`,
    f.params,
  );
  const byClass = groupBy(rows, (r) => r.class);
  const byBucket = groupBy(rows, (r) => `${iso(r.bucket)}\u0000${r.class}`);
  return {
    classes: [...byClass].map(([cls, group]) => ({ class: cls, ...waitSummary(group) })),
    timeline: [...byBucket].map(([key, group]) => {
      const [bucket = '', cls = ''] = key.split('\u0000');
      return { bucket, class: cls, ...waitSummary(group) };
    }),
  };
}

function waitSummary(rows: readonly WaitRow[]) {
  const granted: HistogramBin[] = rows
    .filter((r) => r.outcome === 'granted')
    .map((r) => ({ upperMs: r.bound === 'inf' ? Number.POSITIVE_INFINITY : Number(r.bound), count: r.count }));
  const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).reduce((n, r) => n + r.count, 0);
  const finite = (q: number) => {
    const v = quantileOf(granted, q);
    return v === undefined || !Number.isFinite(v) ? null : v;
  };
  return { granted: count('granted'), denied: count('denied'), p50Ms: finite(0.5), p95Ms: finite(0.95) };
}

function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return groups;
}

/** RAG queries per bucket and the share of them that found nothing. */
export async function ragQueryVolume(ctx: QueryContext) {
  const f = rollupFilter([Metric.RagQuery], ctx.range, ctx.scope);
  const { rows } = await ctx.pool.query<{ bucket: Date; queries: number; empty: number }>(
    `SELECT bucket, sum(count)::float8 AS queries, coalesce(sum(count) FILTER (WHERE dim1 = 'empty'), 0)::float8 AS empty
     FROM ${f.table} WHERE ${f.where} GROUP BY 1 ORDER BY 1 LIMIT 10000`,
    f.params,
  );
  const queries = rows.reduce((n, r) => n + r.queries, 0);
  const empty = rows.reduce((n, r) => n + r.empty, 0);
  return {
    queries,
    empty,
    emptyShare: queries === 0 ? null : empty / queries,
    timeline: rows.map((r) => ({ bucket: iso(r.bucket), queries: r.queries, empty: r.empty })),
  };
}

/** The most frequent transcript terms in the range. */
export async function topTerms(ctx: QueryContext, limit: number) {
  const f = rollupFilter([Metric.Term], ctx.range, ctx.scope);
  const { rows } = await ctx.pool.query<{ term: string; count: number }>(
    `SELECT dim1 AS term, sum(count)::float8 AS count FROM ${f.table} WHERE ${f.where}
     GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $${f.params.length + 1}`,
    [...f.params, limit],
  );
  return rows;
}
