-- Raw events, kept for NEMO_RETENTION_DAYS. The payload is the event minus
-- its envelope; rollups are derived from it on intake, never recomputed.
CREATE TABLE IF NOT EXISTS insights_events (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  at timestamptz NOT NULL,
  tenant text NOT NULL,
  user_id text NOT NULL DEFAULT '',
  payload jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS insights_events_at_idx ON insights_events (at);
CREATE INDEX IF NOT EXISTS insights_events_tenant_type_at_idx ON insights_events (tenant, type, at);

-- Rollups: one row per bucket, tenant, user, metric and up to three
-- dimensions (what each metric puts there: src/rollup/derive.ts). count and
-- sum are added to on intake. Retention never touches them.
CREATE TABLE IF NOT EXISTS insights_rollup_hour (
  metric text NOT NULL,
  tenant text NOT NULL,
  bucket timestamptz NOT NULL,
  user_id text NOT NULL,
  dim1 text NOT NULL,
  dim2 text NOT NULL,
  dim3 text NOT NULL,
  count bigint NOT NULL,
  sum double precision NOT NULL,
  PRIMARY KEY (metric, tenant, bucket, user_id, dim1, dim2, dim3)
);
CREATE INDEX IF NOT EXISTS insights_rollup_hour_metric_bucket_idx ON insights_rollup_hour (metric, bucket);

CREATE TABLE IF NOT EXISTS insights_rollup_day (LIKE insights_rollup_hour INCLUDING ALL);
