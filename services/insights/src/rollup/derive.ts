import type { InsightsEvent } from '@nemo/common';
import { termCounts } from './terms.js';
import { waitBucketOf } from './wait-buckets.js';

/** The metrics the rollup tables hold, and what each puts in its dimensions. */
export const Metric = {
  /** dim1 model; sum = prompt + completion tokens. */
  ChatTokens: 'chat_tokens',
  /** sum = seconds of audio transcribed. */
  AudioSeconds: 'audio_seconds',
  /** dim1 conversation, dim2 speaker, dim3 label; sum = scores. */
  Emotion: 'emotion',
  /** dim1 'empty' or 'hit'; sum = results returned. */
  RagQuery: 'rag_query',
  /** dim1 class, dim2 outcome, dim3 histogram bound (ms, or 'inf'); sum = wait ms. */
  GpuWait: 'gpu_wait',
  /** dim1 term; count = sum = occurrences. */
  Term: 'term',
} as const;
export type Metric = (typeof Metric)[keyof typeof Metric];

export type Grain = 'hour' | 'day';
export const GRAINS: readonly Grain[] = ['hour', 'day'];

/** One addition to one rollup row. */
export interface RollupDelta {
  metric: Metric;
  tenant: string;
  userId: string;
  bucket: string;
  dims: readonly [string, string, string];
  count: number;
  sum: number;
}

type Contribution = Pick<RollupDelta, 'metric' | 'dims' | 'count' | 'sum'>;

const one = (metric: Metric, sum: number, dims: readonly string[] = []): Contribution => ({
  metric,
  dims: [dims[0] ?? '', dims[1] ?? '', dims[2] ?? ''],
  count: 1,
  sum,
});

/** What one event adds to the rollups, before bucketing. */
export function contributionsOf(event: InsightsEvent): Contribution[] {
  switch (event.type) {
    case 'chat.usage':
      return [one(Metric.ChatTokens, event.promptTokens + event.completionTokens, [event.model])];
    case 'transcription.usage':
      return [one(Metric.AudioSeconds, event.audioSeconds)];
    case 'emotion.segment':
      return [one(Metric.Emotion, event.score, [event.conversationId, event.speaker, event.label])];
    case 'rag.query':
      return [one(Metric.RagQuery, event.results, [event.results === 0 ? 'empty' : 'hit'])];
    case 'gpu.wait':
      return [one(Metric.GpuWait, event.waitMs, [event.class, event.outcome, boundLabel(waitBucketOf(event.waitMs))])];
    case 'transcript.text':
      return [...termCounts(event.text)].map(([term, n]) => ({
        metric: Metric.Term,
        dims: [term, '', ''],
        count: n,
        sum: n,
      }));
  }
}

export function boundLabel(bound: number): string {
  return Number.isFinite(bound) ? String(bound) : 'inf';
}

/** Start of the UTC hour or day the instant falls in, as ISO text. */
export function bucketOf(at: string, grain: Grain): string {
  const d = new Date(at);
  if (grain === 'day') d.setUTCHours(0, 0, 0, 0);
  else d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}

/**
 * The rollup additions of a batch for one grain, merged by row and sorted by
 * key: one upsert statement may touch a row only once, and a fixed order
 * keeps concurrent intakes from deadlocking on each other's rows.
 */
export function rollupDeltas(events: readonly InsightsEvent[], grain: Grain): RollupDelta[] {
  const merged = new Map<string, RollupDelta>();
  for (const event of events) {
    const base = { tenant: event.tenant, userId: event.userId ?? '', bucket: bucketOf(event.at, grain) };
    for (const c of contributionsOf(event)) addTo(merged, { ...base, ...c });
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, delta]) => delta);
}

function addTo(merged: Map<string, RollupDelta>, delta: RollupDelta): void {
  const key = [delta.metric, delta.tenant, delta.bucket, delta.userId, ...delta.dims].join('\u0000');
  const row = merged.get(key);
  if (!row) merged.set(key, { ...delta });
  else {
    row.count += delta.count;
    row.sum += delta.sum;
  }
}
