-- Dropping deployment_id drops its foreign key and its index with it.
ALTER TABLE hermes_ops.gate_runs
  DROP COLUMN git_commit,
  DROP COLUMN deployment_id;
