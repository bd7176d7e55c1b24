-- Chat conversations, one owner each: a user (subject) within a tenant.
CREATE TABLE llm_conversations (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  subject text NOT NULL,
  title text NOT NULL,
  model text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_conversations_owner ON llm_conversations (tenant, subject, updated_at DESC);

CREATE TABLE llm_messages (
  conversation_id uuid NOT NULL REFERENCES llm_conversations (id) ON DELETE CASCADE,
  seq bigserial,
  role text NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
  content text NOT NULL,
  citations jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, seq)
);
