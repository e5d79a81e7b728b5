-- hermes:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS hermes_outbox_status_created_at_idx;
