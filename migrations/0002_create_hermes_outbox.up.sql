-- The transactional outbox: one row per lead to forward to n8n, written in the lead's transaction.
-- `delivery_id` stays the same across retries so the receiver can de-duplicate.
CREATE TABLE hermes_outbox (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id     uuid        NOT NULL DEFAULT gen_random_uuid(),
  lead_id         text        NOT NULL REFERENCES hermes_leads (lead_id) ON DELETE CASCADE,
  topic           text        NOT NULL DEFAULT 'lead.created',
  status          text        NOT NULL DEFAULT 'pending',
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  locked_until    timestamptz,
  locked_by       text,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT hermes_outbox_delivery_id_key UNIQUE (delivery_id),
  CONSTRAINT hermes_outbox_status_check CHECK (status IN ('pending', 'delivered', 'dead')),
  CONSTRAINT hermes_outbox_attempts_check CHECK (attempts >= 0)
);

-- The worker's claim: due pending rows, oldest first.
CREATE INDEX hermes_outbox_due_idx ON hermes_outbox (next_attempt_at) WHERE status = 'pending';
-- The foreign key's referencing column.
CREATE INDEX hermes_outbox_lead_id_idx ON hermes_outbox (lead_id);
