-- Sessions of the web console. The browser holds only a random session id in an HttpOnly cookie; the row is
-- found by that id's hash (a copy of this table opens no session) and keeps the API token it re-presents,
-- sealed like every other secret, so a token revoked since ends its sessions too.
CREATE TABLE console_sessions (
  id_hash       text PRIMARY KEY,
  sealed_token  text NOT NULL,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);

CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);
