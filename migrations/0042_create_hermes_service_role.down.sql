-- The grants go; the role stays: it belongs to the cluster, and other databases' grants or its
-- login members may still use it (`DROP ROLE hermes_service` by hand once nothing does).
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hermes_service') THEN
    REVOKE ALL ON hermes_leads, hermes_outbox, hermes_deliveries, hermes_idempotency_keys,
      schema_migrations, hermes_ops.audit_log, hermes_ops.settings, hermes_ops.admin_refusals,
      hermes_ops.used_form_tokens FROM hermes_service;
    REVOKE USAGE ON SCHEMA hermes_ops FROM hermes_service;
  END IF;
END
$$;
