-- hermes:no-transaction
-- problem_description is encrypted by the application (AES-256-GCM, src/leads/encryption/): a
-- 5,000-character description stored as `hermes:enc:v1:<key id>:<base64url>` is longer than the
-- 5,000 the old CHECK allowed. The application still validates the plaintext's 5,000 characters;
-- the database bounds an encrypted value (up to 4 bytes a character, base64: about 27,000).
-- Added NOT VALID and validated apart (a scan that blocks no insert), then put in the old one's
-- place, so that some CHECK holds at every moment. Encrypting the existing rows is
-- `hermes keys rotate`: the key is the application's, so no SQL migration can.
-- Each statement may run again after a partial run (no transaction): drops before adds.
ALTER TABLE hermes_leads DROP CONSTRAINT IF EXISTS hermes_leads_problem_description_stored_length;
ALTER TABLE hermes_leads ADD CONSTRAINT hermes_leads_problem_description_stored_length
  CHECK (length(problem_description) <= 5000
         OR (problem_description LIKE 'hermes:enc:v1:%' AND length(problem_description) <= 30000))
  NOT VALID;
ALTER TABLE hermes_leads VALIDATE CONSTRAINT hermes_leads_problem_description_stored_length;
ALTER TABLE hermes_leads DROP CONSTRAINT IF EXISTS hermes_leads_problem_description_length;
ALTER TABLE hermes_leads RENAME CONSTRAINT hermes_leads_problem_description_stored_length
  TO hermes_leads_problem_description_length;
