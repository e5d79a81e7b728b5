-- hermes:no-transaction
-- `hermes deliveries list --status ... --since ...` and `replay --dead`: by status, newest first.
CREATE INDEX CONCURRENTLY IF NOT EXISTS hermes_outbox_status_created_at_idx
  ON hermes_outbox (status, created_at);
