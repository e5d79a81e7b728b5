import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import { initOpsSchema, type OpsInitResult } from '../../../ops/init-ops-schema.ts';
import { readOpsOwners } from '../../../ops/project-ops-owners.ts';
import type { CliContext } from '../../context.ts';
import { withDatabase } from '../../with-database.ts';

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
}
