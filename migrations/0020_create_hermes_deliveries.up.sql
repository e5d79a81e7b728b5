-- Every attempt to deliver an outbox row to n8n: when, what n8n answered, how long it took, and
-- what the worker decided. `probe` marks a circuit breaker's probe that left the row's schedule alone.
CREATE TABLE hermes_deliveries (
  id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbox_id        bigint      NOT NULL REFERENCES hermes_outbox (id) ON DELETE CASCADE,
  delivery_id      uuid        NOT NULL,
  attempt          bigint      NOT NULL,
  probe            boolean     NOT NULL DEFAULT false,
  worker_id        text        NOT NULL,
  attempted_at     timestamptz NOT NULL DEFAULT now(),
  latency_ms       bigint      NOT NULL,
  status_code      bigint,
  outcome          text        NOT NULL,
  result           text        NOT NULL,
  error            text,
  response_excerpt text,
  next_attempt_at  timestamptz,
  CONSTRAINT hermes_deliveries_attempt_check CHECK (attempt >= 1),
  CONSTRAINT hermes_deliveries_latency_check CHECK (latency_ms >= 0),
  CONSTRAINT hermes_deliveries_outcome_check CHECK (outcome IN (
    'delivered', 'webhook_not_registered', 'auth_rejected', 'payload_too_large', 'rate_limited',
    'server_error', 'http_error', 'timeout', 'connection_error'
  )),
  CONSTRAINT hermes_deliveries_result_check CHECK (result IN ('delivered', 'retry', 'dead', 'probe_failed'))
);

-- `deliveries show`: one row's attempts; also the foreign key's referencing column.
CREATE INDEX hermes_deliveries_outbox_id_idx ON hermes_deliveries (outbox_id, attempted_at);
-- /health/n8n: the latest attempts.
CREATE INDEX hermes_deliveries_attempted_at_idx ON hermes_deliveries (attempted_at);
