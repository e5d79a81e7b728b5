-- Operations data (gate runs, deployments, alerts, audit) lives apart from the product's tables.
CREATE SCHEMA hermes_ops;
