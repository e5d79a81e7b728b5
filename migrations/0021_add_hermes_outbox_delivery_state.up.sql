-- What operators see in `hermes deliveries list` without reading every attempt, and the replays.
ALTER TABLE hermes_outbox
  ADD COLUMN last_attempt_at  timestamptz,
  ADD COLUMN last_status_code bigint,
  ADD COLUMN last_outcome     text,
  ADD COLUMN dead_at          timestamptz,
  ADD COLUMN replayed_at      timestamptz,
  ADD COLUMN replay_count     bigint NOT NULL DEFAULT 0;
