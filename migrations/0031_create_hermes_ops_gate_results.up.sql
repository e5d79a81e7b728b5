-- One row per gate per run: its status (as counted and as the gate returned it), summary,
-- measurements and evidence, so a gate's history and pass rate can be followed over time.
CREATE TABLE hermes_ops.gate_results (
  run_id          uuid        NOT NULL REFERENCES hermes_ops.gate_runs (id) ON DELETE CASCADE,
  gate_id         text        NOT NULL,
  title           text        NOT NULL,
  status          text        NOT NULL,
  outcome_status  text        NOT NULL,
  blocking        boolean     NOT NULL,
  summary         text        NOT NULL,
  reason          text,
  started_at      timestamptz,
  duration_ms     bigint      NOT NULL,
  measurements    jsonb       NOT NULL DEFAULT '[]'::jsonb,
  evidence        jsonb       NOT NULL DEFAULT '[]'::jsonb,
  PRIMARY KEY (run_id, gate_id),
  CONSTRAINT gate_results_status_check CHECK (status IN ('pass', 'warn', 'fail', 'skip', 'error')),
  CONSTRAINT gate_results_outcome_status_check
    CHECK (outcome_status IN ('pass', 'warn', 'fail', 'skip', 'error')),
  CONSTRAINT gate_results_reason_check CHECK (status NOT IN ('skip', 'error') OR reason IS NOT NULL)
);

-- A gate's history across runs (pass rate, flakiness).
CREATE INDEX gate_results_gate_id_idx ON hermes_ops.gate_results (gate_id, run_id);
