-- Where a run's page walk stands, committed with each page: a retry resumes after the last page written,
-- however long ago the last heartbeat reached the Temporal server.
ALTER TABLE job_results ADD COLUMN progress jsonb;
