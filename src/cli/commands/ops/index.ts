import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import { initOpsSchema, type OpsInitResult } from '../../../ops/init-ops-schema.ts';
import { readOpsOwners } from '../../../ops/project-ops-owners.ts';
import type { ServiceRoleResult } from '../../../ops/service-role/apply-service-role.ts';
import type { CliContext } from '../../context.ts';
import { withDatabase } from '../../with-database.ts';
import { withMigrationDatabase } from '../../with-migration-database.ts';

function printInit(ctx: CliContext, result: OpsInitResult, dryRun: boolean): void {
  const { plan } = result;
  ctx.output.result(result, () => {
    if (plan.kind !== 'apply') {
      ctx.output.line(plan.message);
      if (plan.kind === 'refused') for (const detail of plan.details) ctx.output.line(`  ${detail}`);
      return;
    }
    for (const statement of plan.statements) {
      if (dryRun) ctx.output.line(`would create ${statement.creates}:\n${statement.sql.trim()}\n`);
      else ctx.output.line(`✔ created ${statement.creates}`);
    }
    const versions = plan.steps.map((s) => s.version).join(', ');
    ctx.output.line(
      dryRun
        ? `would record ${versions} in hermes_ops.schema_version (nothing applied: --dry-run)`
        : `recorded ${versions} in hermes_ops.schema_version`,
    );
  });
  if (plan.kind === 'refused')
    throw new HermesError('ops_init_refused', plan.message, { details: plan.details });
}

function printServiceRole(ctx: CliContext, result: ServiceRoleResult): void {
  ctx.output.result(result, () => {
    if (result.dryRun) {
      ctx.output.line('would run (nothing applied: --dry-run):');
      for (const statement of result.statements) ctx.output.line(`${statement}\n`);
      return;
    }
    ctx.output.line(`✔ ${result.role} has the service's rights (migration 0042's grants)`);
    const { login } = result;
    if (login === null) {
      ctx.output.line('the service logs in as a member of it: `hermes ops service-role --login NAME`');
      return;
    }
    ctx.output.line(
      `✔ ${login.created ? 'created login role' : 'granted to'} ${login.name}${login.passwordSet ? ', password set' : ''}`,
    );
    ctx.output.line(
      `serve with DATABASE_URL as ${login.name}, and migrate as the owner (HERMES_MIGRATION_DATABASE_URL or database.migrationUrl)`,
    );
  });
}

/** `hermes ops init`: Hermes's own tables (gate history, deployments) beside a project's own migrations. */
export function registerOps(ops: Command, ctx: CliContext): void {
  ops
    .command('init')
    .description(
      "create Hermes's gate history and deployments ledger tables (schema hermes_ops only) on another project's database; idempotent",
    )
    .option('--dry-run', 'print what would be created, without creating it')
    .action((opts: { dryRun?: boolean }) => {
      const dryRun = opts.dryRun ?? false;
      const { migrations } = ctx.config();
      return withDatabase(ctx, async (db) => {
        const result = await initOpsSchema(db.pool, {
          dryRun,
          owners: readOpsOwners(resolve(migrations.dir)),
          // Another process migrating holds the lock for as long as its migrations take.
          lockWaitMs: 10 * 60_000,
        });
        printInit(ctx, result, dryRun);
      });
    });
  ops
    .command('service-role')
    .description(
      "give hermes_service exactly the service's rights (migration 0042's grants, idempotent) and, with --login, make a login role a member of it; runs as the owner (database.migrationUrl), which needs CREATEROLE",
    )
    .option(
      '--login <name>',
      'the login role the service connects as (created if missing; password from HERMES_SERVICE_ROLE_PASSWORD)',
    )
    .option('--dry-run', 'print the statements, without running them')
    .action((opts: { login?: string; dryRun?: boolean }) =>
      withMigrationDatabase(ctx, async (db) => {
        const { applyServiceRole } = await import('../../../ops/service-role/apply-service-role.ts');
        const result = await applyServiceRole(db.pool, {
          login: opts.login,
          password: process.env.HERMES_SERVICE_ROLE_PASSWORD,
          dryRun: opts.dryRun ?? false,
        });
        printServiceRole(ctx, result);
      }),
    );
}
