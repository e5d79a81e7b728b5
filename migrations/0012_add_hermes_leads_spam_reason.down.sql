ALTER TABLE hermes_leads DROP COLUMN spam_reason;
