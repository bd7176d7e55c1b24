-- Accounts. The username is the lookup key and stays in clear; personal
-- fields are sealed with AES-256-GCM by the gateway (see src/auth/field-cipher.ts).
CREATE TABLE IF NOT EXISTS users (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'user')),
  tenant text NOT NULL DEFAULT 'default',
  email_sealed text,
  display_name_sealed text,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Refresh tokens are stored as SHA-256 hashes. Each rotation spends one row
-- and adds the next to the same family; presenting a spent one revokes the family.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token_hash bytea PRIMARY KEY,
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX IF NOT EXISTS refresh_tokens_user_idx ON refresh_tokens (user_id);

-- API keys: shown once, stored as SHA-256 of their secret part.
CREATE TABLE IF NOT EXISTS api_keys (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  key_hash bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX IF NOT EXISTS api_keys_user_idx ON api_keys (user_id);
