-- A form token is good for one lead: the token a genuine lead was sent with, kept until the token
-- expires (then it is refused for its age anyway and the row is purged). A retry of the same
-- submission with the same token gets the same lead back (`request_hash`, as for Idempotency-Keys).
CREATE TABLE hermes_ops.used_form_tokens (
  token_id     text        PRIMARY KEY,
  lead_id      text        NOT NULL,
  request_hash text        NOT NULL,
  used_at      timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);

-- Expired tokens are purged by expiry.
CREATE INDEX used_form_tokens_expires_at_idx ON hermes_ops.used_form_tokens (expires_at);

-- Why a lead that was accepted and forwarded needs a person's look (over_email_limit: more leads for
-- this email address within the window than intake.rateLimit.perEmailMax); NULL for most leads.
ALTER TABLE hermes_leads ADD COLUMN review_reason text;
