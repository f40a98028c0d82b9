-- Undoing a reclaim: a reclaimed candidate can be restored (the person added back to the organization), and is
-- then protected from reclaim for a grace period.
ALTER TABLE removal_candidates DROP CONSTRAINT removal_candidates_state_check;
ALTER TABLE removal_candidates ADD CONSTRAINT removal_candidates_state_check CHECK (state IN (
  'ready', 'attention_required', 'awaiting_user', 'awaiting_approval', 'closed_complete', 'closed_skipped', 'closed_canceled', 'restored'));

ALTER TABLE removal_candidates
  -- Set (and committed) before addUser is sent, so a retried activity asks Asana first instead of adding twice.
  ADD COLUMN restore_requested_at timestamptz,
  ADD COLUMN restored_at timestamptz,
  -- Until then, no analysis makes a candidate of this person and no reclaim removes them.
  ADD COLUMN protected_until timestamptz;
CREATE INDEX removal_candidates_protected ON removal_candidates (profile_id, user_gid) WHERE state = 'restored';
