-- At most one run of each kind per profile at a time, whatever started it (schedule, API, retry).
-- The holder is named by its workflow ID; a lease whose workflow is no longer running can be taken over.
CREATE TABLE run_leases (
  profile_id   uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('download', 'activity', 'reclaim', 'reconcile')),
  workflow_id  text NOT NULL,
  acquired_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, kind)
);

-- A run that found another of its kind in progress did nothing, and says so.
ALTER TABLE job_results DROP CONSTRAINT job_results_status_check;
ALTER TABLE job_results ADD CONSTRAINT job_results_status_check CHECK (status IN ('running', 'succeeded', 'failed', 'skipped'));
