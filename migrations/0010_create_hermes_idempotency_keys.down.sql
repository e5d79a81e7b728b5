DROP TABLE hermes_idempotency_keys;
