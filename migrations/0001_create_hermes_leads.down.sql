DROP TABLE hermes_leads;
