ALTER TABLE hermes_leads DROP COLUMN review_reason;
DROP TABLE hermes_ops.used_form_tokens;
