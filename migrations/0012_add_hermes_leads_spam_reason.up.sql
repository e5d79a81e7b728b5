-- Why a lead was flagged as spam (honeypot, too_fast, bad_token); NULL for real leads.
ALTER TABLE hermes_leads ADD COLUMN spam_reason text;
