DROP TABLE hermes_ops.admin_refusals;
