-- Which attempt of a run's page walk may still write: each attempt takes the next claim as it starts, and a
-- page commits only under the newest claim. An attempt the Temporal server gave up on (its heartbeats lost
-- while a history shard moved) can run on beside its retry for a while; its next page then changes nothing.
ALTER TABLE job_results ADD COLUMN walk_claim integer NOT NULL DEFAULT 0;
