-- Fractions of a day down to about a second (tests and short trials use deadlines of seconds): numeric(10,5)
-- rounds 3 seconds (0.0000347 days) to 0.00003. Databases that applied an in-place edit of 003 have this already;
-- ALTER TYPE to the same type is a no-op for them.
ALTER TABLE reclamation_rules ALTER COLUMN days_before_auto_reclaim TYPE numeric(12, 8);
