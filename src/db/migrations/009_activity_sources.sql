-- Activity from the sources real Asana gives: stories (every plan, the admin's OAuth grant) and the audit log
-- (Enterprise tiers, a Service Account token only); Asana's licence rules (guests are free).

-- The Service Account token an admin created in Asana's admin console, sealed like the client secret.
ALTER TABLE connections ADD COLUMN service_account_token_sealed text;

-- One cursor per source and profile.
ALTER TABLE activity_cursors ADD COLUMN source text NOT NULL DEFAULT 'auditLog' CHECK (source IN ('auditLog', 'stories'));
ALTER TABLE activity_cursors DROP CONSTRAINT activity_cursors_pkey;
ALTER TABLE activity_cursors ADD PRIMARY KEY (profile_id, source);
ALTER TABLE activity_cursors ALTER COLUMN source DROP DEFAULT;

-- The newest signal per source; last_activity_at stays the newest across them ("update if later").
ALTER TABLE user_activity ADD COLUMN last_story_at timestamptz, ADD COLUMN last_audit_event_at timestamptz;
UPDATE user_activity SET last_audit_event_at = last_activity_at;

-- Where the stories walk stands per project: the instant its tasks were last read up to, and the run that read
-- them (a retried walk skips the projects its run has finished).
CREATE TABLE story_project_cursors (
  profile_id    uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  project_gid   text NOT NULL,
  watermark     timestamptz,
  seen_by_job   uuid,
  walked_by_job uuid,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, project_gid)
);

-- A model that costs nothing (guests are free in organizations) is never under-licensed and saves nothing.
ALTER TABLE software_models ADD COLUMN billable boolean NOT NULL DEFAULT true;
UPDATE software_models m SET billable = false
 WHERE EXISTS (SELECT 1 FROM identifier_mappings im WHERE im.model_id = m.id AND im.identifier = 'guest');
ALTER TABLE licence_positions ADD COLUMN billable boolean NOT NULL DEFAULT true;

-- What a run reports besides counts (e.g. which activity source could not be read, and why).
ALTER TABLE job_results ADD COLUMN details jsonb NOT NULL DEFAULT '{}';
