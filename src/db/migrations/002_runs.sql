-- The durable runs: job results, subscriptions and what they are costed and reclaimed against.

-- One row per run (scheduled or on demand), written at its start and completed at its end.
CREATE TABLE job_results (
  id           uuid PRIMARY KEY,
  profile_id   uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('download', 'activity', 'reclaim', 'reconcile')),
  trigger      text NOT NULL CHECK (trigger IN ('schedule', 'on_demand', 'after_activity')),
  workflow_id  text NOT NULL,
  run_id       text NOT NULL,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  counts       jsonb NOT NULL DEFAULT '{}',
  error        text,
  UNIQUE (workflow_id, run_id)
);
CREATE INDEX job_results_profile ON job_results (profile_id, started_at DESC);

-- What is licensed: one model per licence type (edition) of the organization.
CREATE TABLE software_models (
  id          uuid PRIMARY KEY,
  profile_id  uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  publisher   text NOT NULL DEFAULT 'Asana',
  product     text NOT NULL DEFAULT 'Asana',
  edition     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (profile_id, edition)
);

-- Which subscription identifier (licence type) counts against which model.
CREATE TABLE identifier_mappings (
  profile_id  uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  identifier  text NOT NULL,
  model_id    uuid NOT NULL REFERENCES software_models (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, identifier)
);

CREATE TABLE reclamation_rules (
  id                        uuid PRIMARY KEY,
  profile_id                uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  model_id                  uuid NOT NULL UNIQUE REFERENCES software_models (id) ON DELETE CASCADE,
  active                    boolean NOT NULL DEFAULT true,
  threshold_days            integer NOT NULL DEFAULT 60 CHECK (threshold_days BETWEEN 1 AND 3650),
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE identifier_exclusions (
  id          uuid PRIMARY KEY,
  profile_id  uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  identifier  text NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  reason      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (profile_id, identifier)
);

CREATE TABLE user_exclusions (
  id          uuid PRIMARY KEY,
  profile_id  uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  user_gid    text,
  email       text,
  active      boolean NOT NULL DEFAULT true,
  reason      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (user_gid IS NOT NULL OR email IS NOT NULL)
);
CREATE UNIQUE INDEX user_exclusions_gid ON user_exclusions (profile_id, user_gid) WHERE user_gid IS NOT NULL;
CREATE UNIQUE INDEX user_exclusions_email ON user_exclusions (profile_id, lower(email)) WHERE email IS NOT NULL;

-- One row per person who held a seat; a download upserts by (profile, user gid).
CREATE TABLE subscriptions (
  profile_id          uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  user_gid            text NOT NULL,
  membership_gid      text,
  name                text,
  email               text,
  identifier          text NOT NULL,
  model_id            uuid REFERENCES software_models (id) ON DELETE SET NULL,
  is_admin            boolean NOT NULL DEFAULT false,
  account_created_at  timestamptz,
  status              text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  first_seen_at       timestamptz NOT NULL DEFAULT now(),
  last_seen_at        timestamptz NOT NULL DEFAULT now(),
  -- The download run that last saw the member; members a finished run did not see have left.
  last_seen_job       uuid,
  ended_at            timestamptz,
  PRIMARY KEY (profile_id, user_gid)
);
CREATE INDEX subscriptions_status ON subscriptions (profile_id, status, identifier);

-- Newest audit-log event per actor ("update if later"); kept apart from subscriptions because events can
-- name people a download has not seen yet.
CREATE TABLE user_activity (
  profile_id        uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  user_gid          text NOT NULL,
  last_activity_at  timestamptz NOT NULL,
  PRIMARY KEY (profile_id, user_gid)
);

-- Where the audit-log stream stands for a profile, and whether activity could be read at all.
CREATE TABLE activity_cursors (
  profile_id       uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
  -- The first instant the events cover (analyzeActivityFrom of the first pull).
  coverage_start   timestamptz NOT NULL,
  watermark        text,
  status           text NOT NULL CHECK (status IN ('caught_up', 'unavailable', 'failed', 'in_progress')),
  status_detail    text,
  events_read      bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE removal_candidates (
  id                     uuid PRIMARY KEY,
  profile_id             uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  user_gid               text NOT NULL,
  rule_id                uuid REFERENCES reclamation_rules (id) ON DELETE SET NULL,
  model_id               uuid REFERENCES software_models (id) ON DELETE SET NULL,
  state                  text NOT NULL CHECK (state IN ('ready', 'attention_required', 'awaiting_user', 'awaiting_approval',
                                                         'closed_complete', 'closed_skipped', 'closed_canceled')),
  reason                 text,
  last_activity_at       timestamptz,
  created_by_job         uuid,
  -- Set (and committed) before removeUser is sent, so a retried activity knows a removal may have happened.
  removal_requested_at   timestamptz,
  reclaim_job            uuid,
  dry_run_at             timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  closed_at              timestamptz
);
CREATE UNIQUE INDEX removal_candidates_open ON removal_candidates (profile_id, user_gid)
  WHERE state IN ('ready', 'attention_required', 'awaiting_user', 'awaiting_approval');
CREATE INDEX removal_candidates_state ON removal_candidates (profile_id, state);

-- A revoked grant found by a run: the profile shows it until the connection is authorized again.
ALTER TABLE connections ADD COLUMN auth_error text;
