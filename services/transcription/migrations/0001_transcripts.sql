-- Transcripts, one owner each (a user within a tenant), and their segments.
CREATE TABLE transcription_transcripts (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  subject text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  source text NOT NULL CHECK (source IN ('file', 'live')),
  filename text,
  model text NOT NULL,
  language text NOT NULL,
  duration_seconds double precision NOT NULL DEFAULT 0,
  speakers text[] NOT NULL DEFAULT '{}',
  error jsonb,
  -- { emotion: { state, attempts, lastError }, rag: { ... } }: what the downstream services still owe.
  enrichment jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX transcription_transcripts_owner ON transcription_transcripts (tenant, subject, created_at DESC);
CREATE INDEX transcription_transcripts_pending ON transcription_transcripts (created_at)
  WHERE enrichment->'emotion'->>'state' = 'pending' OR enrichment->'rag'->>'state' = 'pending';

CREATE TABLE transcription_segments (
  transcript_id uuid NOT NULL REFERENCES transcription_transcripts (id) ON DELETE CASCADE,
  idx integer NOT NULL,
  start_seconds double precision NOT NULL,
  end_seconds double precision NOT NULL,
  speaker text,
  text text NOT NULL,
  confidence double precision NOT NULL,
  emotion text,
  emotion_score double precision,
  PRIMARY KEY (transcript_id, idx)
);
