import { hermesFiles } from '../runtime/hermes-files.ts';
import { HermesError } from '../errors/hermes-error.ts';
import { loadMigrationFiles } from '../migrations/migration-file.ts';

/**
 * Hermes's own operations tables that `hermes ops init` creates on another project's database:
 * what gate history and the deployments ledger need (gate_runs, gate_results, deployments), made
 * by the very migration files that make them on Hermes's own database, so both shapes are one.
 * The service's tables (audit log, settings, form tokens) are not here: only the gates and the
 * deploy pipeline run against another project.
 */
export const opsSchema = 'hermes_ops';
export const opsTables = ['gate_runs', 'gate_results', 'deployments'] as const;
const opsMigrations = [
  { name: '0030_create_hermes_ops_gate_runs', creates: `table ${opsSchema}.gate_runs` },
  { name: '0031_create_hermes_ops_gate_results', creates: `table ${opsSchema}.gate_results` },
  { name: '0040_create_hermes_ops_deployments', creates: `table ${opsSchema}.deployments` },
  {
    name: '0041_add_hermes_ops_gate_runs_deployment',
    creates: `columns ${opsSchema}.gate_runs.deployment_id and git_commit`,
  },
];

const hermesMigrationsDir = hermesFiles.migrations;

/** One of Hermes's migrations as `ops init` applies it. */
export interface OpsStep {
  readonly version: string;
  readonly name: string;
  readonly checksum: string;
  readonly sql: string;
  /** What it makes, as `--dry-run` says it. */
  readonly creates: string;
}

export function loadOpsSteps(): OpsStep[] {
  const files = loadMigrationFiles(hermesMigrationsDir);
  return opsMigrations.map(({ name, creates }) => {
    const file = files.find((f) => f.name === name);
    if (!file)
      throw new HermesError(
        'ops_migration_missing',
        `Hermes's migration ${name} is missing from ${hermesMigrationsDir}`,
      );
    return { version: file.version, name, checksum: file.checksum, sql: file.upSql, creates };
  });
}

export const createSchemaSql = `CREATE SCHEMA IF NOT EXISTS ${opsSchema}`;

/**
 * Which of Hermes's migrations `ops init` applied here. Kept inside hermes_ops, never in the
 * project's schema_migrations: the project's own migrator must not see migrations it has no file for.
 */
export const createVersionTableSql = `CREATE TABLE IF NOT EXISTS ${opsSchema}.schema_version (
  version        text        PRIMARY KEY,
  migration_name text        NOT NULL UNIQUE,
  checksum       text        NOT NULL,
  applied_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  hermes_version text        NOT NULL
)`;

export const recordVersionSql = `INSERT INTO ${opsSchema}.schema_version (version, migration_name, checksum, hermes_version)
VALUES ($1, $2, $3, $4)`;
