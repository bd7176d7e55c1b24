-- One row per classified transcript segment or text: what insights aggregates.
CREATE TABLE emotion_events (
  id bigserial PRIMARY KEY,
  tenant text,
  stream_id text,
  speaker text,
  start_seconds double precision,
  end_seconds double precision,
  label text NOT NULL,
  score double precision NOT NULL,
  scores jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emotion_events_tenant_created ON emotion_events (tenant, created_at DESC);
CREATE INDEX emotion_events_stream ON emotion_events (stream_id);
