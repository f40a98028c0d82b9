-- API tokens with a name and a role. Only a hash of each secret is stored; the secret is shown once, when the
-- token is created. A revoked token stays listed (who had access, and until when) but no longer opens anything.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  role         text NOT NULL CHECK (role IN ('admin', 'integrator', 'viewer')),
  -- NULL: every profile; otherwise the only profiles the token sees.
  profile_ids  uuid[],
  secret_hash  bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
-- Two live tokens never share a name: the audit trail names the token.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (lower(name)) WHERE revoked_at IS NULL;
