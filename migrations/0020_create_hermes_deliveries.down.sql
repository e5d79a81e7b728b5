DROP TABLE hermes_deliveries;
