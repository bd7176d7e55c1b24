-- The email analyzer's auxiliary store. Every record is one AES-256-GCM
-- message under the email-DB key (per-record nonce, bound to tenant and id);
-- key_id says which key sealed it, so a rotation can find what is left to re-encrypt.
CREATE TABLE rag_emails (
  id uuid PRIMARY KEY,
  tenant text NOT NULL,
  key_id text NOT NULL,
  sealed bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rag_emails_tenant_created ON rag_emails (tenant, created_at DESC);
CREATE INDEX rag_emails_key_id ON rag_emails (key_id);
