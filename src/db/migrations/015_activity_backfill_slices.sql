-- The first read of a profile's audit log, in time slices read side by side: one request sequence would be bound
-- by latency, the slices together by the token's rate limit. Each slice keeps its own offset, so a retry resumes
-- every slice where it stopped and reads no finished one again. The newest slice has no end: its offset is the
-- stream's watermark, from which every later read is one stream again.
CREATE TABLE activity_backfill_slices (
  profile_id   uuid NOT NULL,
  source       text NOT NULL DEFAULT 'auditLog' CHECK (source = 'auditLog'),
  slice        integer NOT NULL CHECK (slice >= 0),
  start_at     timestamptz NOT NULL,
  -- Exclusive, as Asana's end_at; NULL for the newest slice only.
  end_at       timestamptz,
  -- Asana's offset after the last page committed; NULL until the slice's first page.
  page_offset  text,
  pages        integer NOT NULL DEFAULT 0,
  events_read  bigint NOT NULL DEFAULT 0,
  done         boolean NOT NULL DEFAULT false,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (profile_id, slice),
  -- Forgetting a source's cursor forgets its backfill too.
  FOREIGN KEY (profile_id, source) REFERENCES activity_cursors (profile_id, source) ON DELETE CASCADE,
  CHECK (end_at IS NULL OR end_at > start_at)
);
