-- hermes:no-transaction
-- Back to the plaintext bound, which an encrypted description longer than 5,000 characters
-- breaks: decrypt such rows first (a release holding the key), or this VALIDATE fails and says so.
-- Each statement may run again after a partial run (no transaction): drops before adds.
ALTER TABLE hermes_leads DROP CONSTRAINT IF EXISTS hermes_leads_problem_description_plain_length;
ALTER TABLE hermes_leads ADD CONSTRAINT hermes_leads_problem_description_plain_length
  CHECK (length(problem_description) <= 5000) NOT VALID;
ALTER TABLE hermes_leads VALIDATE CONSTRAINT hermes_leads_problem_description_plain_length;
ALTER TABLE hermes_leads DROP CONSTRAINT IF EXISTS hermes_leads_problem_description_length;
ALTER TABLE hermes_leads RENAME CONSTRAINT hermes_leads_problem_description_plain_length
  TO hermes_leads_problem_description_length;
