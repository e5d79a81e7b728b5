DROP TABLE hermes_ops.audit_log;
