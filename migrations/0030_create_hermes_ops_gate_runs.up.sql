-- One row per `hermes gates run`: the stage, how it ended, and the counts the KPIs read
-- (gate pass rate, deployment success rate). The full run object is kept for the dashboard.
CREATE TABLE hermes_ops.gate_runs (
  id              uuid        PRIMARY KEY,
  stage           text        NOT NULL,
  status          text        NOT NULL,
  exit_code       integer     NOT NULL,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz NOT NULL,
  duration_ms     bigint      NOT NULL,
  gates_total     integer     NOT NULL,
  gates_passed    integer     NOT NULL,
  gates_warned    integer     NOT NULL,
  gates_failed    integer     NOT NULL,
  gates_errored   integer     NOT NULL,
  gates_skipped   integer     NOT NULL,
  only_gates      text[],
  environment     text        NOT NULL,
  hermes_version  text        NOT NULL,
  host            text        NOT NULL,
  notes           text[]      NOT NULL DEFAULT '{}',
  CONSTRAINT gate_runs_stage_check CHECK (stage IN ('pre-deploy', 'deploy', 'post-deploy', 'rollback')),
  CONSTRAINT gate_runs_status_check CHECK (status IN ('passed', 'failed', 'error')),
  CONSTRAINT gate_runs_exit_code_check CHECK (exit_code IN (0, 1, 2)),
  CONSTRAINT gate_runs_duration_check CHECK (duration_ms >= 0)
);

-- `hermes gates history` and the dashboard read the latest runs, per stage or all.
CREATE INDEX gate_runs_started_at_idx ON hermes_ops.gate_runs (started_at DESC);
CREATE INDEX gate_runs_stage_started_at_idx ON hermes_ops.gate_runs (stage, started_at DESC);
