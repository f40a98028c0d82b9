-- Entitlements and the licence position; child connections; notify-and-wait reclamation.

CREATE TABLE entitlements (
  id          uuid PRIMARY KEY,
  profile_id  uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  model_id    uuid NOT NULL REFERENCES software_models (id) ON DELETE CASCADE,
  quantity    integer NOT NULL CHECK (quantity >= 0),
  unit_price  numeric(14, 2) NOT NULL CHECK (unit_price >= 0),
  currency    char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  term_start  date NOT NULL,
  term_end    date NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (term_end > term_start)
);
CREATE INDEX entitlements_model ON entitlements (profile_id, model_id);

-- One row per model per reconciliation; the rows of one run share computed_at and job_id.
CREATE TABLE license_positions (
  id                    uuid PRIMARY KEY,
  profile_id            uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  job_id                uuid,
  computed_at           timestamptz NOT NULL,
  model_id              uuid REFERENCES software_models (id) ON DELETE SET NULL,
  edition               text NOT NULL,
  currency              char(3),
  rights_owned          integer NOT NULL,
  used                  integer NOT NULL,
  available             integer NOT NULL,
  shortfall             integer NOT NULL,
  position              text NOT NULL CHECK (position IN ('compliant', 'under_licensed', 'over_licensed')),
  average_unit_price    numeric(14, 4),
  true_up_cost          numeric(16, 2) NOT NULL DEFAULT 0,
  over_licensed_amount  numeric(16, 2) NOT NULL DEFAULT 0,
  open_candidates       integer NOT NULL DEFAULT 0,
  reclaimed             integer NOT NULL DEFAULT 0,
  potential_savings     numeric(16, 2) NOT NULL DEFAULT 0,
  actual_savings        numeric(16, 2) NOT NULL DEFAULT 0,
  -- Active subscriptions by days since last activity: {"0-30", "30-60", "60-90", "90+", "never"}.
  activity_spread       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX license_positions_profile ON license_positions (profile_id, computed_at DESC);

-- A child connection reuses its parent's OAuth app (client ID and secret) with tokens and an organization of its own.
ALTER TABLE connections ADD COLUMN parent_profile_id uuid REFERENCES profiles (id) ON DELETE RESTRICT;

-- Notify and wait: the person is asked first; keep goes to the manager; no answer by the deadline reclaims.
ALTER TABLE reclamation_rules
  ADD COLUMN notify_user boolean NOT NULL DEFAULT false,
  ADD COLUMN days_before_auto_reclaim numeric(10, 5) NOT NULL DEFAULT 14 CHECK (days_before_auto_reclaim > 0),
  ADD COLUMN manager_email text;

ALTER TABLE removal_candidates
  ADD COLUMN notified_at timestamptz,
  ADD COLUMN deadline_at timestamptz;

-- Signed action links (keep / release / approve / reject): each may be used once.
CREATE TABLE action_links (
  nonce         text PRIMARY KEY,
  candidate_id  uuid NOT NULL REFERENCES removal_candidates (id) ON DELETE CASCADE,
  action        text NOT NULL CHECK (action IN ('keep', 'release', 'approve', 'reject')),
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);
CREATE INDEX action_links_candidate ON action_links (candidate_id);
