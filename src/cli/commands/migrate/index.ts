import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import type { MigrationPlan, MigrationRunResult } from '../../../migrations/migrator.ts';
import type { MigrationStatus } from '../../../migrations/migration-status.ts';
import { verifyReversible } from '../../../migrations/verify-reversible.ts';
import { confirm, confirmationFacts, decideConfirmation, processTerminal } from '../../confirm.ts';
import type { CliContext } from '../../context.ts';
import { namedParser } from '../../name-bad-values.ts';
import { migrationVersion } from '../../parse-values.ts';
import { UsageError } from '../../usage-error.ts';
import { withMigrationDatabase } from '../../with-migration-database.ts';
import { createMigrator } from './create-migrator.ts';
import { dataLossOfPlan, describeLoss, type DataLoss } from './down-plan.ts';

const upTo = migrationVersion({ zero: false });
const downTo = migrationVersion({ zero: true });

const stateLabel: Record<MigrationStatus['state'], string> = {
  applied: 'applied',
  pending: 'pending',
  checksum_mismatch: 'CHECKSUM MISMATCH',
  missing_file: 'MISSING FILE',
  unknown_applied: 'UNKNOWN (applied, no such file)',
};

function printStatus(ctx: CliContext, status: readonly MigrationStatus[]): void {
  if (status.length === 0) ctx.output.line('no migrations');
  for (const m of status) {
    const when = m.appliedAt
      ? `  ${m.appliedAt.toISOString()} (${m.executionMs ?? 0} ms, ${m.appliedBy ?? '?'})`
      : '';
    const flags = [
      m.outOfOrder ? 'out of order' : '',
      m.hasDown || m.state === 'missing_file' ? '' : 'no down file',
    ]
      .filter(Boolean)
      .join(', ');
    ctx.output.line(`${stateLabel[m.state].padEnd(18)} ${m.name}${when}${flags ? `  [${flags}]` : ''}`);
  }
}

/** A plan as lines: each step, the data a down loses, a down declared destructive, the blockers. */
function planLines(plan: MigrationPlan, losses: readonly DataLoss[]): string[] {
  const lines: string[] = [];
  if (plan.steps.length === 0) lines.push(`nothing to migrate ${plan.direction}`);
  for (const step of plan.steps) {
    lines.push(
      `would ${plan.direction === 'up' ? 'apply ' : 'revert'} ${step.name}${step.transactional ? '' : ' (no transaction)'}`,
    );
    for (const loss of losses.filter((l) => l.migration === step.name))
      lines.push(`  data loss: ${describeLoss(loss)}`);
    if (plan.direction === 'down' && step.destructiveReason)
      lines.push(`  declared destructive: ${step.destructiveReason}`);
  }
  for (const blocker of plan.blockers) lines.push(`blocked: ${blocker}`);
  return lines;
}

function printPlan(ctx: CliContext, plan: MigrationPlan, losses: readonly DataLoss[] = []): void {
  ctx.output.result(
    {
      direction: plan.direction,
      steps: plan.steps.map((s) => s.name),
      blockers: plan.blockers,
      ...(plan.direction === 'down' ? { data_loss: losses } : {}),
    },
    () => {
      for (const line of planLines(plan, losses)) ctx.output.line(line);
    },
  );
  if (plan.blockers.length > 0)
    throw new HermesError('migration_blocked', `migrate ${plan.direction} would be refused`);
}

function printRun(ctx: CliContext, run: MigrationRunResult): void {
  // Stopped before planning (lock not free, unknown --to): the error is the whole answer.
  if (run.results === undefined) throw run.error;
  const { results } = run;
  ctx.output.result(
    run.error
      ? { ...run, error: { code: run.error.code, message: run.error.message, details: run.error.details } }
      : run,
    () => {
      const verb = run.direction === 'up' ? 'applied' : 'reverted';
      const done = results.filter((r) => r.status === 'success');
      if (results.length === 0) ctx.output.line(`nothing to migrate ${run.direction}`);
      for (const r of results) {
        if (r.status === 'success') ctx.output.line(`✔ ${verb} ${r.name} (${r.durationMs} ms)`);
        if (r.status === 'failed') ctx.output.line(`✘ ${r.name} failed after ${r.durationMs} ms`);
        if (r.status === 'not_executed') ctx.output.line(`· ${r.name} not run`);
      }
      if (done.length > 0 && !run.error)
        ctx.output.line(`${done.length} migration${done.length > 1 ? 's' : ''} ${verb}`);
    },
  );
  if (run.error) throw run.error;
}

export function registerMigrate(migrate: Command, ctx: CliContext): void {
  migrate
    .command('status')
    .description('list every migration: applied, pending, checksum mismatch, missing file, unknown applied')
    .action(() =>
      withMigrationDatabase(ctx, async (db) => {
        const status = await createMigrator(ctx, db).status();
        ctx.output.result(status, () => printStatus(ctx, status));
      }),
    );

  migrate
    .command('plan')
    .description('show what `up` (or `down --to`) would run, without running it')
    .option('--to <version>', 'stop at this version', downTo)
    .option('--down', 'plan a roll-back to --to instead')
    .action((opts: { to?: string; down?: boolean }, command: Command) => {
      const down = opts.down ?? false;
      if (down && opts.to === undefined)
        throw new UsageError('--down needs --to <version> (0 plans reverting everything)');
      // --to took 0 while it could not know whether --down would follow: only a roll-back goes to 0.
      if (!down && opts.to !== undefined) namedParser(upTo, '--to', command)(opts.to, undefined);
      return withMigrationDatabase(ctx, async (db) => {
        const plan = await createMigrator(ctx, db).plan(down ? 'down' : 'up', opts.to);
        printPlan(ctx, plan, down ? await dataLossOfPlan(db.pool, plan.steps) : []);
      });
    });

  migrate
    .command('up')
    .description('apply pending migrations, each in its own transaction')
    .option('--to <version>', 'apply up to and including this version', upTo)
    .action((opts: { to?: string }) =>
      withMigrationDatabase(ctx, async (db) => printRun(ctx, await createMigrator(ctx, db).up(opts.to))),
    );

  migrate
    .command('down')
    .description('revert applied migrations newer than --to (0 reverts all)')
    .requiredOption('--to <version>', 'the version to roll back to (0: before the first)', downTo)
    .option('--dry-run', 'print the plan (what is reverted, the data it loses); change nothing')
    .option('--yes', 'revert without asking (needed when not on a terminal, and in production)')
    .action((opts: { to: string; dryRun?: boolean; yes?: boolean }) => {
      const terminal = processTerminal();
      // A down drops what its up made, and the rows with it: irreversible.
      const facts = confirmationFacts(terminal, opts, ctx.config().environment, true);
      const decision = decideConfirmation(facts);
      return withMigrationDatabase(ctx, async (db) => {
        const migrator = createMigrator(ctx, db);
        if (decision !== 'run') {
          // Planned first, so a bad --to or a blocked plan says so before any question.
          const plan = await migrator.plan('down', opts.to);
          const shown = decision === 'plan-only' || plan.steps.length === 0 || plan.blockers.length > 0;
          const losses = decision === 'refuse' && !shown ? [] : await dataLossOfPlan(db.pool, plan.steps);
          if (shown) printPlan(ctx, plan, losses);
          else if (decision === 'ask') for (const line of planLines(plan, losses)) ctx.output.error(line);
          if (plan.steps.length === 0) return;
          const n = plan.steps.length;
          const action = { action: `revert ${String(n)} migration${n === 1 ? '' : 's'}`, hasDryRun: true };
          if (!(await confirm(decision, facts, action, terminal))) return;
        }
        printRun(ctx, await migrator.down(opts.to));
      });
    });

  migrate
    .command('validate')
    .description('exit 1 on any checksum mismatch, missing file, pending migration or missing down')
    .action(() =>
      withMigrationDatabase(ctx, async (db) => {
        const problems = await createMigrator(ctx, db).validate();
        ctx.output.result({ ok: problems.length === 0, problems }, () => {
          if (problems.length === 0) ctx.output.line('migrations valid: every file applied, checksums match');
        });
        if (problems.length > 0) {
          throw new HermesError(
            'migrations_invalid',
            `${problems.length} migration problem${problems.length > 1 ? 's' : ''}`,
            { details: problems },
          );
        }
      }),
    );

  migrate
    .command('verify-reversible')
    .description('on a scratch database: all ups, all downs, all ups again, comparing the schema each step')
    .action(async () => {
      const config = ctx.config();
      await withMigrationDatabase(ctx, async (db) => {
        const report = await verifyReversible({
          sourceUrl: db.url,
          embedded: db.embedded,
          dir: config.migrations.dir,
          lockTimeoutMs: config.migrations.lockTimeoutMs,
          statementTimeoutMs: config.migrations.statementTimeoutMs,
        });
        ctx.output.result(report, () => {
          if (report.ok)
            ctx.output.line(
              `✔ ${report.migrations} migrations reversible: up, down, up gave the same schema (${report.durationMs} ms)`,
            );
        });
        if (!report.ok) {
          throw new HermesError('migrations_not_reversible', 'migrations are not reversible', {
            details: report.problems,
          });
        }
      });
    });
}
