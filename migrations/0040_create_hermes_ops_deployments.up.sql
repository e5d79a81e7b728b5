-- One row per `hermes deploy`: the deployments ledger, the single source for `hermes deployments`,
-- the watcher's baseline, rollbacks, alerts, the dashboard and the KPIs (spec §6.1.1
-- DeploymentMetrics). Times are the database's clock, so every reader measures them alike.
CREATE TABLE hermes_ops.deployments (
  id                     uuid        PRIMARY KEY,
  version                text        NOT NULL,
  -- Null when the source is not a git checkout.
  git_commit             text,
  -- The source directory the release was built from.
  source                 text        NOT NULL,
  -- The deployment that was live when this one started; null for the first.
  previous_deployment_id uuid        REFERENCES hermes_ops.deployments (id) ON DELETE SET NULL,
  target                 text        NOT NULL,
  -- What the target calls the release (`blue`/`green`, a Vercel deployment id).
  release_handle         text,
  status                 text        NOT NULL,
  failed_step            text,
  failure_reason         text,
  started_at             timestamptz NOT NULL,
  finished_at            timestamptz,
  duration_ms            bigint,
  gates_passed           integer     NOT NULL DEFAULT 0,
  gates_total            integer     NOT NULL DEFAULT 0,
  backup_name            text,
  schema_version_before  text,
  schema_version_after   text,
  skipped_stages         text[]      NOT NULL DEFAULT '{}',
  skip_reason            text,
  rollback_triggered     boolean     NOT NULL DEFAULT false,
  rollback_reason        text,
  rolled_back_at         timestamptz,
  -- The deploying process (db/process-identity.ts): a `running` row whose runner is gone was interrupted.
  runner_pid             integer     NOT NULL,
  runner_host            text        NOT NULL,
  runner_boot_id         text,
  runner_pid_namespace   text,
  runner_start_ticks     text,
  hermes_version         text        NOT NULL,
  CONSTRAINT deployments_target_check CHECK (target IN ('local', 'command', 'vercel')),
  CONSTRAINT deployments_status_check CHECK (status IN ('running', 'succeeded', 'failed', 'rolled_back')),
  CONSTRAINT deployments_finished_check CHECK ((status = 'running') = (finished_at IS NULL)),
  CONSTRAINT deployments_duration_check CHECK (duration_ms >= 0),
  CONSTRAINT deployments_finished_duration_check CHECK ((finished_at IS NULL) = (duration_ms IS NULL)),
  CONSTRAINT deployments_failed_step_check CHECK (status <> 'failed' OR failed_step IS NOT NULL),
  CONSTRAINT deployments_gates_check CHECK (gates_passed BETWEEN 0 AND gates_total),
  CONSTRAINT deployments_skipped_stages_check
    CHECK (skipped_stages <@ ARRAY['pre-deploy', 'deploy', 'post-deploy', 'rollback']::text[]),
  CONSTRAINT deployments_skip_reason_check CHECK (cardinality(skipped_stages) = 0 OR skip_reason IS NOT NULL),
  CONSTRAINT deployments_rolled_back_at_check CHECK ((status = 'rolled_back') = (rolled_back_at IS NOT NULL)),
  CONSTRAINT deployments_rolled_back_check CHECK (status <> 'rolled_back' OR rollback_triggered),
  CONSTRAINT deployments_rollback_reason_check CHECK (rollback_reason IS NULL OR rollback_triggered),
  CONSTRAINT deployments_runner_pid_check CHECK (runner_pid > 0)
);

-- `hermes deployments list`: the latest first.
CREATE INDEX deployments_started_at_idx ON hermes_ops.deployments (started_at DESC);
-- The live deployment (newest succeeded) and the running ones `markInterrupted` checks.
CREATE INDEX deployments_status_started_at_idx ON hermes_ops.deployments (status, started_at DESC);
-- The foreign key: deleting a deployment finds the one that followed it.
CREATE INDEX deployments_previous_deployment_id_idx ON hermes_ops.deployments (previous_deployment_id);
