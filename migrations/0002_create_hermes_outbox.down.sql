DROP TABLE hermes_outbox;
