-- The leads the contact form sends. Columns named as in the specification; `lead_id` is the
-- public reference (HS-YYYYMMDD-XXXXXX); `id` is the internal key.
CREATE TABLE hermes_leads (
  id                     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  lead_id                text        NOT NULL,
  first_name             text        NOT NULL,
  last_name              text        NOT NULL,
  email                  text        NOT NULL,
  country                text        NOT NULL,
  phone_number           text        NOT NULL,
  problem_description    text        NOT NULL,
  service_urgency        text        NOT NULL,
  agree_to_terms         boolean     NOT NULL,
  privacy_consent        boolean     NOT NULL,
  gdpr_compliant         boolean     NOT NULL DEFAULT true,
  consent_at             timestamptz NOT NULL DEFAULT now(),
  privacy_policy_version text,
  source                 text        NOT NULL DEFAULT 'api',
  status                 text        NOT NULL DEFAULT 'received',
  erased_at              timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT hermes_leads_lead_id_key UNIQUE (lead_id),
  CONSTRAINT hermes_leads_lead_id_not_blank CHECK (length(btrim(lead_id)) > 0),
  CONSTRAINT hermes_leads_service_urgency_check
    CHECK (service_urgency IN ('emergency', 'urgent', 'soon', 'not-urgent')),
  CONSTRAINT hermes_leads_terms_agreed CHECK (agree_to_terms),
  CONSTRAINT hermes_leads_privacy_consented CHECK (privacy_consent),
  CONSTRAINT hermes_leads_status_check CHECK (status IN ('received', 'spam', 'erased')),
  CONSTRAINT hermes_leads_source_check CHECK (source IN ('web-form', 'api', 'import', 'deployment-test')),
  CONSTRAINT hermes_leads_problem_description_length CHECK (length(problem_description) <= 5000)
);

-- Serve the specification's lookups: by email, and by a created_at range.
CREATE INDEX hermes_leads_email_idx ON hermes_leads (email);
CREATE INDEX hermes_leads_created_at_idx ON hermes_leads (created_at);
