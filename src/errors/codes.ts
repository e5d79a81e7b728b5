/**
 * The one catalogue of the error codes Hermes raises on purpose (as Fastify's lib/errors.js): each
 * code's meaning, the CLI's exit code for it and, for the codes an HTTP answer carries, its status.
 * `test/errors/codes.test.ts` checks that every code here is used in src, every code used is here,
 * and that the README's "Error codes" table lists exactly these. This module imports nothing, so
 * every part (and the CLI's start-up) can read it for free.
 */

/** 1: a check failed (a gate, a migration, a lookup); 2: Hermes itself could not run. */
export type ExitCode = 1 | 2;

export interface CodeEntry {
  /** One sentence: what went wrong. */
  readonly meaning: string;
  readonly exitCode: ExitCode;
  /** The HTTP status of an answer that carries this code; absent when no answer carries it. */
  readonly httpStatus?: number;
}

export const codes = {
  // --- the command line and the configuration
  usage_invalid: {
    meaning: 'A command-line value or combination of options that the command cannot take.',
    exitCode: 2,
  },
  config_invalid: {
    meaning: 'hermes.yaml or the environment is not valid (unknown key, bad value, unreadable file).',
    exitCode: 2,
  },
  confirmation_required: {
    meaning: 'A destructive command was run without --yes where it may not ask (no terminal, or production).',
    exitCode: 2,
  },
  invalid_argument: {
    meaning: 'A value given to an operation (lead ids, a time, a selection) is not valid.',
    exitCode: 2,
    httpStatus: 400,
  },

  // --- leads and deliveries
  lead_not_found: {
    meaning: 'No lead has the reference asked for.',
    exitCode: 1,
    httpStatus: 404,
  },
  subject_not_found: {
    meaning: 'No lead is held for the email address asked for (an export or erasure found nothing).',
    exitCode: 1,
  },
  delivery_not_found: {
    meaning: 'No delivery exists for a lead asked for (unknown lead, or spam that was never forwarded).',
    exitCode: 1,
    httpStatus: 404,
  },
  replay_refused: {
    meaning:
      'A replay named leads that must not be sent again (erased, or delivered without --include-delivered).',
    exitCode: 1,
    httpStatus: 409,
  },
  data_undecryptable: {
    meaning:
      'A stored encrypted value cannot be decrypted: its key is not configured (HERMES_DATA_KEY), or it was altered or moved.',
    exitCode: 2,
  },
  n8n_not_configured: {
    meaning: 'The n8n webhook URL is not set, so the delivery worker has nowhere to deliver.',
    exitCode: 2,
  },
  delivery_lease_too_short: {
    meaning: "The delivery lease is not longer than n8n's timeout, so a slow delivery could be sent twice.",
    exitCode: 2,
  },
  delivery_health_unreadable: {
    meaning: 'The delivery health query answered without its one row of facts.',
    exitCode: 2,
  },
  schema_not_ready: {
    meaning: 'The database schema does not match this version of Hermes: migrations must run first.',
    exitCode: 2,
  },
  form_token_secret_missing: {
    meaning: "The form tokens' shared secret was neither stored nor found in hermes_ops.settings.",
    exitCode: 2,
  },

  // --- the database
  embedded_db_failed: {
    meaning: 'The embedded database (PGlite) could not start.',
    exitCode: 2,
  },
  embedded_db_locked: {
    meaning: 'The embedded database is in use by another Hermes process.',
    exitCode: 2,
  },
  db_unique_violation: { meaning: 'The database refused a duplicate (SQLSTATE 23505).', exitCode: 2 },
  db_foreign_key_violation: {
    meaning: 'The database refused a row whose parent is missing (SQLSTATE 23503).',
    exitCode: 2,
  },
  db_not_null_violation: {
    meaning: 'The database refused a row without a required column (SQLSTATE 23502).',
    exitCode: 2,
  },
  db_check_violation: {
    meaning: 'The database refused a row that breaks a declared rule (SQLSTATE 23514).',
    exitCode: 2,
  },
  db_lock_timeout: { meaning: 'A statement gave up waiting for a lock (SQLSTATE 55P03).', exitCode: 2 },
  db_statement_timeout: { meaning: 'A statement ran longer than allowed (SQLSTATE 57014).', exitCode: 2 },
  db_serialization_failure: {
    meaning: 'A transaction lost a serialization conflict or a deadlock (SQLSTATE 40001, 40P01).',
    exitCode: 2,
  },
  db_connection_failure: {
    meaning: 'The database cannot be reached or dropped the connection.',
    exitCode: 2,
  },
  db_unavailable: {
    meaning: 'The database is out of resources, read-only or shutting down (SQLSTATE class 53, 58, ...).',
    exitCode: 2,
  },
  db_undefined_object: {
    meaning:
      'A table, column or database does not exist: the schema is not migrated or the database is wrong.',
    exitCode: 2,
  },
  db_auth_failure: { meaning: 'The database refused the credentials (SQLSTATE 28000, 28P01).', exitCode: 2 },
  db_other: { meaning: 'Any other database failure.', exitCode: 2 },

  // --- migrations (a refused or failed migration fails the deployment: exit 1)
  migrations_dir_missing: { meaning: 'The migrations directory does not exist.', exitCode: 1 },
  migrations_invalid: {
    meaning: 'The migration files or the applied migrations are not consistent (names, checksums, gaps).',
    exitCode: 1,
  },
  migrations_not_reversible: {
    meaning: 'A migration cannot be reverted and re-applied to the same schema.',
    exitCode: 1,
  },
  migration_lock_timeout: {
    meaning: 'Another migration held the migration lock for longer than the wait allowed.',
    exitCode: 1,
  },
  migration_target_invalid: { meaning: '--to is not a version number.', exitCode: 1 },
  migration_target_unknown: { meaning: '--to names no migration.', exitCode: 1 },
  migration_target_missing: { meaning: 'migrate down was asked for without --to.', exitCode: 1 },
  migration_blocked: {
    meaning: 'A migration run was refused before it started (problems in the files or the database).',
    exitCode: 1,
  },
  migration_failed: { meaning: 'A migration failed while it ran and was rolled back.', exitCode: 1 },
  ops_init_refused: {
    meaning: "hermes ops init was refused: the project's database cannot take Hermes's own tables as it is.",
    exitCode: 1,
  },
  service_role_refused: {
    meaning:
      'hermes ops service-role was refused: the login named is a superuser or the owner, or this role may not create roles.',
    exitCode: 1,
  },
  ops_migration_missing: {
    meaning: "One of Hermes's own migrations is missing from its installation.",
    exitCode: 2,
  },

  // --- gates
  gates_failed: { meaning: 'A blocking gate did not pass.', exitCode: 1 },
  gates_invalid: { meaning: 'The gates are not valid as configured.', exitCode: 2 },
  gates_unknown: { meaning: 'A gate asked for does not exist.', exitCode: 2 },
  stage_empty: {
    meaning: 'A stage or a --only selection has no gate to run, so nothing would be judged.',
    exitCode: 2,
  },
  gates_database_unreachable: { meaning: 'The database the gates need is unreachable.', exitCode: 2 },
  gates_history_missing: {
    meaning: 'The gate history table (hermes_ops.gate_runs) does not exist.',
    exitCode: 2,
  },
  gates_report_unwritable: { meaning: 'The gate reports could not be written.', exitCode: 2 },
  gate_query_invalid: {
    meaning: "A gate's SQL query is not one read-only statement with a plan.",
    exitCode: 2,
  },
  gate_live_query_failed: { meaning: "A gate's query on the live database failed.", exitCode: 2 },
  gate_sql_role_writes: { meaning: "A SQL gate's role can write; a gate role must only read.", exitCode: 2 },
  gate_probe_mismatch: {
    meaning: 'The connectivity probe did not read back the row it wrote.',
    exitCode: 2,
  },
  gate_service_start_failed: {
    meaning: 'The service a test gate starts exited or did not listen in time.',
    exitCode: 2,
  },
  lint_baseline_invalid: { meaning: 'The migration lint baseline file is not valid.', exitCode: 2 },
  baseline_unknown: { meaning: 'The configured baseline release names no migration.', exitCode: 2 },
  baseline_unreadable: { meaning: "The baseline release's migrations cannot be listed.", exitCode: 2 },
  osv_entry_invalid: {
    meaning: 'A file in the OSV vulnerability database is not an OSV entry.',
    exitCode: 2,
  },
  allowlist_invalid: { meaning: 'The npm audit allow-list is not valid.', exitCode: 2 },
  lockfile_unreadable: { meaning: 'The package lock file cannot be read.', exitCode: 2 },

  // --- deployments
  deployments_ledger_missing: {
    meaning: 'The deployments ledger (hermes_ops.deployments) does not exist or predates this Hermes.',
    exitCode: 2,
  },
  deployment_not_found: { meaning: 'No deployment has the id or id prefix asked for.', exitCode: 1 },
  deployment_id_ambiguous: {
    meaning: 'A deployment id prefix matches more than one deployment: a longer prefix is needed.',
    exitCode: 2,
  },
  deployment_status_conflict: {
    meaning: "A deployment's status does not allow the change asked for (e.g. finishing one not running).",
    exitCode: 2,
  },
  deploy_step_failed: {
    meaning:
      'A step of `hermes deploy` failed; the deployment is recorded failed and the previous release serves.',
    exitCode: 1,
  },
  deploy_target_failed: {
    meaning:
      'The deploy target could not prepare, switch or stop a release (nginx, a release that does not start).',
    exitCode: 1,
  },
  deploy_target_unsupported: {
    meaning:
      'The deploy target cannot run here (the local target on the embedded database, a missing command).',
    exitCode: 2,
  },
  deploy_in_progress: {
    meaning: 'Another deployment is running against this database; one at a time.',
    exitCode: 1,
  },
  deploy_no_previous: {
    meaning: 'There is no previous release to switch back to.',
    exitCode: 1,
  },

  // --- HTTP answers (exit code 2 only because every code needs one: no command exits with them)
  validation_failed: {
    meaning: 'The request is not valid (fields, query or parameters); nothing was done.',
    exitCode: 2,
    httpStatus: 400,
  },
  invalid_body: {
    meaning: 'The body is not valid (not JSON, empty, a key twice, a wrong Content-Length).',
    exitCode: 2,
    httpStatus: 400,
  },
  body_too_large: { meaning: 'The body is larger than the limit.', exitCode: 2, httpStatus: 413 },
  unsupported_media_type: {
    meaning: 'The body is neither JSON nor urlencoded.',
    exitCode: 2,
    httpStatus: 415,
  },
  unsupported_charset: { meaning: 'The body is not in UTF-8.', exitCode: 2, httpStatus: 415 },
  unsupported_content_encoding: {
    meaning: 'The body has a Content-Encoding; Hermes does not decompress bodies.',
    exitCode: 2,
    httpStatus: 415,
  },
  idempotency_key_reused: {
    meaning: 'The Idempotency-Key was used before with a different body.',
    exitCode: 2,
    httpStatus: 422,
  },
  form_token_expired: {
    meaning: 'The form was open too long; it must be sent again.',
    exitCode: 2,
    httpStatus: 409,
  },
  form_token_used: {
    meaning: 'The form was already sent once; it must be reloaded.',
    exitCode: 2,
    httpStatus: 409,
  },
  rate_limited: {
    meaning: 'Too many requests from this client; retry after Retry-After.',
    exitCode: 2,
    httpStatus: 429,
  },
  unauthorized: { meaning: 'A valid admin API key is required.', exitCode: 2, httpStatus: 401 },
  api_key_required: {
    meaning: 'An API client (JSON without a form token) needs a valid intake API key.',
    exitCode: 2,
    httpStatus: 401,
  },
  database_unavailable: {
    meaning: 'The database is unavailable; retry after Retry-After.',
    exitCode: 2,
    httpStatus: 503,
  },
  not_found: { meaning: 'No route or asset at this URL.', exitCode: 2, httpStatus: 404 },
  bad_url: { meaning: 'The URL is not valid (a malformed %-escape).', exitCode: 2, httpStatus: 400 },
  uri_too_long: { meaning: 'The URL is longer than accepted.', exitCode: 2, httpStatus: 414 },
  bad_request: {
    meaning: 'The request line or headers are not valid HTTP/1.1.',
    exitCode: 2,
    httpStatus: 400,
  },
  headers_too_large: {
    meaning: 'The request line and headers are larger than accepted.',
    exitCode: 2,
    httpStatus: 431,
  },
  request_timeout: {
    meaning: 'The request was not complete within the time allowed.',
    exitCode: 2,
    httpStatus: 408,
  },
  client_closed_request: {
    meaning: 'The client closed the connection before the request was complete.',
    exitCode: 2,
    httpStatus: 499,
  },
  internal_error: {
    meaning: 'An unexpected error (a bug); the log has the details.',
    exitCode: 2,
    httpStatus: 500,
  },
  fault_injected: {
    meaning: 'A fault injected on purpose for a rollback drill (HERMES_FAULTS); nothing was stored.',
    exitCode: 2,
    httpStatus: 500,
  },
} as const satisfies Readonly<Record<string, CodeEntry>>;

export type HermesCode = keyof typeof codes;

/** Every code, in catalogue order. */
export const hermesCodes = Object.keys(codes) as readonly HermesCode[];

export function describeCode(code: HermesCode): CodeEntry {
  return codes[code];
}

export function isHermesCode(value: string): value is HermesCode {
  return Object.hasOwn(codes, value);
}

/** The HTTP status of an answer carrying `code`, if an answer can carry it. */
export function httpStatusOf(code: HermesCode): number | undefined {
  const entry: CodeEntry = codes[code];
  return entry.httpStatus;
}
