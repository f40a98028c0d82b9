-- Books up to p_want requests for the token at once, so that a walk books its next few places in one round trip
-- instead of one per request. Answers how many it booked (at least one when the window has room for one: as many
-- as fit, up to p_want) and, when it booked none, the milliseconds until a place leaves the window.
CREATE FUNCTION asana_admit_requests(p_key text, p_limit integer, p_window_ms integer, p_want integer,
                                     OUT booked integer, OUT wait_ms integer)
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
  booked := least(greatest(p_want, 1), p_limit - used);
  IF booked > 0 THEN
    INSERT INTO asana_requests_sent (token_key, sent_at) SELECT p_key, now_at FROM generate_series(1, booked);
    wait_ms := 0;
    RETURN;
  END IF;
  booked := 0;
  SELECT sent_at INTO pivot FROM asana_requests_sent WHERE token_key = p_key ORDER BY sent_at DESC OFFSET p_limit - 1 LIMIT 1;
  wait_ms := greatest(1, ceil(extract(epoch FROM (pivot + p_window_ms * interval '1 millisecond' - now_at)) * 1000))::integer;
END
$$;

-- Every caller books through asana_admit_requests now.
DROP FUNCTION asana_admit_request(text, integer, integer);
