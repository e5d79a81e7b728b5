-- Values every instance must share, such as the form tokens' HMAC key when none is configured:
-- a token issued by one instance (or before a restart) is then verified by all of them.
CREATE TABLE hermes_ops.settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);
