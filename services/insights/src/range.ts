import { ErrorCode, NemoError } from '@nemo/common';
import { z } from 'zod';
import { bucketOf, type Grain } from './rollup/derive.js';

const DAY_MS = 86_400_000;
/** Longest range per grain: keeps every answer to a few thousand points. */
const MAX_DAYS: Readonly<Record<Grain, number>> = { hour: 62, day: 3_660 };

export const RangeQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  interval: z.enum(['hour', 'day']).optional(),
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
    .optional(),
  userId: z.string().min(1).max(128).optional(),
});
export type RangeQuery = z.infer<typeof RangeQuery>;

/** A query's time window, aligned to the rollup buckets it reads. */
export interface TimeRange {
  /** Start of the first bucket (inclusive). */
  from: string;
  /** End (exclusive). */
  to: string;
  grain: Grain;
  days: number;
}

/**
 * Defaults to the last 7 days; hourly points up to 3 days, daily beyond.
 * The start is rounded down to its bucket, since rollups know no finer time.
 */
export function rangeOf(query: RangeQuery, now: number = Date.now()): TimeRange {
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - 7 * DAY_MS;
  if (!(from < to)) throw new NemoError(ErrorCode.Validation, '`from` must be earlier than `to`.');
  const days = (to - from) / DAY_MS;
  const grain = query.interval ?? (days <= 3 ? 'hour' : 'day');
  if (days > MAX_DAYS[grain]) {
    throw new NemoError(
      ErrorCode.Validation,
      `A ${grain}ly range may span at most ${MAX_DAYS[grain]} days; narrow it or use interval=day.`,
    );
  }
  return { from: bucketOf(new Date(from).toISOString(), grain), to: new Date(to).toISOString(), grain, days };
}
