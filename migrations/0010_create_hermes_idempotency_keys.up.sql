-- POST /api/contact's Idempotency-Key: the first answer given for a key, replayed on retries.
-- `request_hash` (SHA-256 of the normalised submission) tells a retry from a different body.
CREATE TABLE hermes_idempotency_keys (
  idempotency_key text        PRIMARY KEY,
  request_hash    text        NOT NULL,
  lead_id         text        NOT NULL,
  status_code     integer     NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT hermes_idempotency_keys_key_length CHECK (length(idempotency_key) BETWEEN 1 AND 255)
);

-- Expired keys are purged by age.
CREATE INDEX hermes_idempotency_keys_created_at_idx ON hermes_idempotency_keys (created_at);
