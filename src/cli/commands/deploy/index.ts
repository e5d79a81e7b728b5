import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import type { CliContext } from '../../context.ts';
import { nonEmpty, oneOf, parseEnvPair } from '../../parse-values.ts';
import { UsageError } from '../../usage-error.ts';

export interface DeployCliOptions {
  source?: string;
  version?: string;
  target?: 'local' | 'command';
  env?: Record<string, string>;
  skip?: 'pre-deploy';
  reason?: string;
  dryRun?: boolean;
  reports?: boolean;
}

/** `--source`: an existing directory, as an absolute path. */
export function sourceDir(value: string | undefined): string {
  const dir = resolve(value ?? process.cwd());
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new HermesError('usage_invalid', `--source ${dir}: no such directory`);
  return dir;
}

export function registerDeploy(deploy: Command, ctx: CliContext): void {
  deploy
    .option(
      '--source <dir>',
      'the source to build and release (default: the working directory)',
      nonEmpty('a directory'),
    )
    .option(
      '--version <version>',
      "the release's version (default: package.json's version + the commit)",
      nonEmpty('a version'),
    )
    .option(
      '--target <target>',
      'where the release runs: local or command (default: deploy.target)',
      oneOf(['local', 'command'] as const),
    )
    .option(
      '--env <KEY=VALUE>',
      'a variable the release runs with, stored with it (repeatable)',
      parseEnvPair,
    )
    .option(
      '--skip <stage>',
      'deploy without the pre-deploy stage (with --reason; recorded)',
      oneOf(['pre-deploy'] as const),
    )
    .option('--reason <reason>', 'why --skip (recorded and shown in every report)', nonEmpty('a reason'))
    .option('--dry-run', 'print the plan (steps, SQL, target actions) and change nothing')
    .option('--no-reports', 'write no report files')
    .action(async (options: DeployCliOptions) => {
      if (options.skip !== undefined && options.reason === undefined)
        throw new UsageError('--skip pre-deploy needs --reason: why this deployment goes without its gates');
      if (options.reason !== undefined && options.skip === undefined)
        throw new UsageError('--reason goes with --skip: nothing is skipped');
      const { runDeployCommand } = await import('./run-deploy-command.ts');
      await runDeployCommand(ctx, options, sourceDir(options.source));
    });

  deploy
    .command('status')
    .description('which colour, version, deployment and URL are live on the local target')
    .action(async () => {
      const { runDeployStatus } = await import('./status-command.ts');
      runDeployStatus(ctx);
    });

  deploy
    .command('stop')
    .description("stop the local target's releases and its nginx (nothing else)")
    .action(async () => {
      const { runDeployStop } = await import('./status-command.ts');
      await runDeployStop(ctx);
    });
}
