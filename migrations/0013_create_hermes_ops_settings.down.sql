DROP TABLE hermes_ops.settings;
