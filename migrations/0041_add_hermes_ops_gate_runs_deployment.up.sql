-- A deploy's stage runs point to their deployment (null for a plain `hermes gates run`), and every
-- run records the commit it judged (null outside git): the pipeline reuses a recent passing
-- pre-deploy run of the same commit instead of running the stage again.
ALTER TABLE hermes_ops.gate_runs
  ADD COLUMN deployment_id uuid REFERENCES hermes_ops.deployments (id) ON DELETE SET NULL,
  ADD COLUMN git_commit    text;

-- A deployment's stage runs (`hermes deployments show`), and the foreign key.
CREATE INDEX gate_runs_deployment_id_idx ON hermes_ops.gate_runs (deployment_id, started_at);
