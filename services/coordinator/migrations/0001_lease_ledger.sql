-- Every granted GPU lease, for insights and accounting. One row per lease:
-- written at grant, closed at release, abort or expiry.
CREATE TABLE IF NOT EXISTS gpu_lease_ledger (
  id          uuid PRIMARY KEY,
  workload    text NOT NULL CHECK (workload IN ('llm', 'asr')),
  class       text NOT NULL CHECK (class IN ('realtime', 'interactive', 'batch')),
  holder      text NOT NULL,
  slot        integer NOT NULL,
  granted_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  released_at timestamptz,
  wait_ms     integer NOT NULL,
  expected_ms integer NOT NULL,
  outcome     text CHECK (outcome IN ('released', 'aborted', 'expired'))
);

-- The expiry sweep only looks at open leases.
CREATE INDEX IF NOT EXISTS gpu_lease_ledger_open ON gpu_lease_ledger (expires_at) WHERE released_at IS NULL;
CREATE INDEX IF NOT EXISTS gpu_lease_ledger_granted_at ON gpu_lease_ledger (granted_at);
