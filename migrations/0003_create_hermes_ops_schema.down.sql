DROP SCHEMA hermes_ops;
