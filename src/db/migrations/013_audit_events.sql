-- The audit trail: every state-changing request and every decision, append-only. No foreign key to profiles:
-- deleting a profile keeps its history. The triggers refuse UPDATE, DELETE and TRUNCATE, so nobody edits history
-- through the product (the table's owner could drop the triggers; that is outside the product).
CREATE TABLE audit_events (
  seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id           uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- A token's name, "link: <email>", "schedule", or "oauth: <Asana user>".
  actor        text NOT NULL,
  action       text NOT NULL,
  profile_id   uuid,
  object_type  text,
  object_id    text,
  before       jsonb,
  after        jsonb
);
CREATE INDEX audit_events_profile ON audit_events (profile_id, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % is not allowed on audit_events', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
