-- Admin API requests refused for want of a valid key (none, a wrong one, or any request from a
-- client over its refusal budget), counted per client and window instead of one audit row each:
-- a flood stays a handful of rows. `client` is an IPv4 address or an IPv6 /64. It is personal
-- data, kept because an operator needs it to spot and block a brute-forcer, and deleted after
-- admin.refusalsRetentionDays. The presented key is never stored.
CREATE TABLE hermes_ops.admin_refusals (
  client        text        NOT NULL,
  window_start  timestamptz NOT NULL,
  attempts      bigint      NOT NULL,
  rate_limited  bigint      NOT NULL DEFAULT 0,
  first_at      timestamptz NOT NULL DEFAULT now(),
  last_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client, window_start),
  CONSTRAINT admin_refusals_client_check CHECK (char_length(client) BETWEEN 1 AND 64),
  CONSTRAINT admin_refusals_attempts_check CHECK (attempts >= 1),
  CONSTRAINT admin_refusals_rate_limited_check CHECK (rate_limited BETWEEN 0 AND attempts)
);

-- The latest windows first (who is trying now), and the purge of old ones.
CREATE INDEX admin_refusals_window_start_idx ON hermes_ops.admin_refusals (window_start);
