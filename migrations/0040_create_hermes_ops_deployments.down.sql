DROP TABLE hermes_ops.deployments;
