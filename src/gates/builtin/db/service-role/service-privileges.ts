/**
 * What the service's role needs on each managed table: what migration 0042 grants to
 * hermes_service (a test holds the two together). Anything more on a hermes_ops table is a right
 * it does not need; TRUNCATE, REFERENCES and TRIGGER are never needed.
 */
export const servicePrivileges: Readonly<Record<string, readonly string[]>> = {
  'public.hermes_leads': ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  'public.hermes_outbox': ['SELECT', 'INSERT', 'UPDATE'],
  'public.hermes_deliveries': ['SELECT', 'INSERT'],
  'public.hermes_idempotency_keys': ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  'public.schema_migrations': ['SELECT'],
  'hermes_ops.audit_log': ['INSERT'],
  'hermes_ops.settings': ['SELECT', 'INSERT'],
  'hermes_ops.admin_refusals': ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  'hermes_ops.used_form_tokens': ['SELECT', 'INSERT', 'DELETE'],
};

/** Rights that change or bind the schema rather than read or write rows. */
export const neverNeeded: readonly string[] = ['TRUNCATE', 'REFERENCES', 'TRIGGER'];
