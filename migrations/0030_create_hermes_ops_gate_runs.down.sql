DROP TABLE hermes_ops.gate_runs;
