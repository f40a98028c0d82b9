-- Each Asana token's requests of the last minute, shared by every worker process, so that together they stay
-- inside the token's budget (Asana's sliding window). Unlogged: after a crash the log starts empty, which costs at
-- most one window in which Asana's own 429s (the clients' backstop) do the pacing.
CREATE UNLOGGED TABLE asana_requests_sent (
  token_key text NOT NULL,
  sent_at timestamptz NOT NULL
);
CREATE INDEX asana_requests_sent_key_time ON asana_requests_sent (token_key, sent_at);

-- Books a request for the token if its window has room (answers 0), else answers how many milliseconds until it
-- will. One statement, so one round trip; the advisory lock makes two workers' admissions of one token take turns.
CREATE FUNCTION asana_admit_request(p_key text, p_limit integer, p_window_ms integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  now_at timestamptz;
  used integer;
  pivot timestamptz;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('asana-budget:' || p_key, 0));
  now_at := clock_timestamp();
  DELETE FROM asana_requests_sent WHERE token_key = p_key AND sent_at <= now_at - p_window_ms * interval '1 millisecond';
  SELECT count(*) INTO used FROM asana_requests_sent WHERE token_key = p_key;
  IF used < p_limit THEN
    INSERT INTO asana_requests_sent (token_key, sent_at) VALUES (p_key, now_at);
    RETURN 0;
  END IF;
  SELECT sent_at INTO pivot FROM asana_requests_sent WHERE token_key = p_key ORDER BY sent_at DESC OFFSET p_limit - 1 LIMIT 1;
  RETURN greatest(1, ceil(extract(epoch FROM (pivot + p_window_ms * interval '1 millisecond' - now_at)) * 1000))::integer;
END
$$;
