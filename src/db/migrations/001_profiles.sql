-- Integration profiles, their Asana connections, and pending OAuth authorizations.
CREATE TABLE profiles (
  id            uuid PRIMARY KEY,
  display_name  text NOT NULL,
  profile_type  text NOT NULL DEFAULT 'Asana Subscription',
  status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  options       jsonb NOT NULL,
  validation    jsonb,
  schedules     jsonb NOT NULL DEFAULT '[]',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Secrets (*_sealed) are AES-256-GCM sealed by the application; the key never reaches the database.
CREATE TABLE connections (
  profile_id              uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
  base_url                text NOT NULL,
  client_id               text,
  client_secret_sealed    text,
  redirect_url            text NOT NULL,
  workspace_gid           text,
  authorized_user_gid     text,
  authorized_user_name    text,
  access_token_sealed     text,
  refresh_token_sealed    text,
  access_token_expires_at timestamptz,
  authorized_at           timestamptz,
  -- Bumped whenever something a validation depends on changes (credentials, organization, tokens).
  version                 integer NOT NULL DEFAULT 1,
  updated_at              timestamptz NOT NULL DEFAULT now()
);

-- One row per authorize attempt; the state itself is stored only as a hash.
CREATE TABLE oauth_states (
  state_hash             text PRIMARY KEY,
  profile_id             uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  code_verifier_sealed   text NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  expires_at             timestamptz NOT NULL,
  used_at                timestamptz
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);
