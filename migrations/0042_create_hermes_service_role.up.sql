-- The service's own role (README "Least privilege"): what `hermes serve` and `hermes worker` need
-- and nothing else: no DDL (no CREATE on a schema, no ownership), no TRUNCATE, REFERENCES or
-- TRIGGER, and no rights on the gate history or the deployments ledger. A login role is made a
-- member of it (`hermes ops service-role --login NAME`) and the service connects as that login;
-- migrations keep running as the owner (database.migrationUrl).
-- A role belongs to the cluster, not to this database: it is created once and kept by the down.
-- A migrating role that may not create roles leaves it to `hermes ops service-role`, run by one
-- that may, which applies the same grants (this file).
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hermes_service') THEN
    BEGIN
      CREATE ROLE hermes_service NOLOGIN;
    EXCEPTION
      -- Made meanwhile by the migration of another database on the same server.
      WHEN duplicate_object OR unique_violation THEN NULL;
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'hermes_service not created (this role may not create roles): run `hermes ops service-role` as one that may';
        RETURN;
    END;
  END IF;
  GRANT USAGE ON SCHEMA hermes_ops TO hermes_service;
  GRANT SELECT, INSERT, UPDATE, DELETE ON hermes_leads TO hermes_service;
  GRANT SELECT, INSERT, UPDATE ON hermes_outbox TO hermes_service;
  GRANT SELECT, INSERT ON hermes_deliveries TO hermes_service;
  GRANT SELECT, INSERT, UPDATE, DELETE ON hermes_idempotency_keys TO hermes_service;
  GRANT SELECT ON schema_migrations TO hermes_service;
  GRANT INSERT ON hermes_ops.audit_log TO hermes_service;
  GRANT SELECT, INSERT ON hermes_ops.settings TO hermes_service;
  GRANT SELECT, INSERT, UPDATE, DELETE ON hermes_ops.admin_refusals TO hermes_service;
  GRANT SELECT, INSERT, DELETE ON hermes_ops.used_form_tokens TO hermes_service;
END
$$;
