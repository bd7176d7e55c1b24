import type { TimeRange } from '../range.js';
import type { Metric } from '../rollup/derive.js';
import type { Scope } from '../scope.js';

/** A WHERE clause over one rollup table with its parameters, for one metric. */
export interface RollupFilter {
  table: string;
  where: string;
  params: unknown[];
}

/** Extra dimension filters, by column: only dim1..dim3 are accepted. */
export type DimFilter = Partial<Record<'dim1' | 'dim2' | 'dim3', string>>;

export function rollupFilter(
  metrics: readonly Metric[],
  range: TimeRange,
  scope: Scope,
  dims: DimFilter = {},
): RollupFilter {
  const params: unknown[] = [metrics, range.from, range.to];
  const clauses = ['metric = ANY($1::text[])', 'bucket >= $2', 'bucket < $3'];
  const add = (column: string, value: string | undefined): void => {
    if (value === undefined) return;
    params.push(value);
    clauses.push(`${column} = $${params.length}`);
  };
  add('tenant', scope.tenant);
  add('user_id', scope.userId);
  for (const column of ['dim1', 'dim2', 'dim3'] as const) add(column, dims[column]);
  return { table: `insights_rollup_${range.grain}`, where: clauses.join(' AND '), params };
}
