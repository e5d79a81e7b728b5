ALTER TABLE hermes_outbox
  DROP COLUMN last_attempt_at,
  DROP COLUMN last_status_code,
  DROP COLUMN last_outcome,
  DROP COLUMN dead_at,
  DROP COLUMN replayed_at,
  DROP COLUMN replay_count;
