-- Every admin API call and GDPR command: who (a key fingerprint or a CLI user), what, on which
-- subject (a lead_id, or an email's SHA-256 so the trail holds no personal data), and the outcome.
CREATE TABLE hermes_ops.audit_log (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text        NOT NULL,
  action     text        NOT NULL,
  subject    text,
  outcome    text        NOT NULL,
  details    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('ok', 'denied', 'not_found', 'invalid', 'error'))
);

CREATE INDEX audit_log_at_idx ON hermes_ops.audit_log (at);
