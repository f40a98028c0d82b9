-- Notify and wait, warned in time: reminders before the deadline, and review reclaims within the per-run cap.

-- Days before the deadline a reminder goes out (fractions allowed); NULL: the default (halfway, and one day before).
ALTER TABLE reclamation_rules ADD COLUMN reminder_days_before numeric(10, 5)[];

ALTER TABLE removal_candidates
  ADD COLUMN reminders_sent integer NOT NULL DEFAULT 0,
  -- The reclaim run whose cap a review's reclaim counted against.
  ADD COLUMN review_reclaim_job uuid;
CREATE INDEX removal_candidates_review_reclaim_job ON removal_candidates (review_reclaim_job) WHERE review_reclaim_job IS NOT NULL;
