import { basename } from 'node:path';
import { z } from 'zod';
import { loadMigrationFiles } from '../../../migrations/migration-file.ts';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { databaseReason } from '../support/database-guard.ts';
import { migrationsDirOf } from '../support/migrated-scratch.ts';
import { errorOutcome, listSome, measure, plural, tail } from '../support/outcome.ts';
import { resolveTool } from '../support/resolve-tool.ts';
import { runTool } from '../support/run-tool.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';

const squawkReport = z.array(
  z.looseObject({
    file: z.string(),
    line: z.int(),
    level: z.string(),
    message: z.string(),
    help: z.string().nullable().optional(),
    rule_name: z.string(),
  }),
);

interface Finding {
  file: string;
  line: number;
  rule: string;
  message: string;
  blocking: boolean;
}

/** A down migration exists to drop what its up created: these rules judge ups only. */
const upOnlyRules = ['ban-drop-table', 'ban-drop-column'];

/** Rules the migrator itself satisfies: it sets lock_timeout and statement_timeout for every migration. */
function satisfiedByRunner(ctx: GateContext): string[] {
  const rules: string[] = [];
  if (ctx.config.migrations.lockTimeoutMs > 0) rules.push('require-lock-timeout');
  if (ctx.config.migrations.statementTimeoutMs > 0) rules.push('require-statement-timeout');
  return rules;
}

async function lint(
  ctx: GateContext,
  squawk: string,
  files: string[],
  inTransaction: boolean,
  excluded: string[],
): Promise<z.infer<typeof squawkReport> | string> {
  if (files.length === 0) return [];
  const args = ['--reporter', 'json', ...(inTransaction ? ['--assume-in-transaction'] : [])];
  if (excluded.length > 0) args.push(`--exclude=${excluded.join(',')}`);
  const run = await runTool(squawk, [...args, ...files], { cwd: ctx.cwd, signal: ctx.signal });
  if (run.code !== 0 && run.code !== 1) return tail(`${run.stdout}\n${run.stderr}`);
  let json: unknown;
  try {
    json = JSON.parse(run.stdout.trim() || '[]');
  } catch {
    return `unexpected squawk output: ${tail(`${run.stdout}\n${run.stderr}`, 5)}`;
  }
  const parsed = squawkReport.safeParse(json);
  return parsed.success ? parsed.data : `unexpected squawk output: ${tail(run.stdout, 5)}`;
}

export const migrationsLintGate: Gate = {
  id: 'db.migrations.lint',
  stage: 'pre-deploy',
  title: 'Migrations are safe to run on a live database',
  description:
    'Runs squawk on every migration file (up and down, ban-drop-table and ban-drop-column judging ups only; with --assume-in-transaction unless the file says hermes:no-transaction): unsafe locks, missing lock_timeout, non-concurrent index on an existing table, required columns added to existing tables... Rules in failRules fail the gate, other findings warn. require-lock-timeout and require-statement-timeout are satisfied by the migrator when migrations.lockTimeoutMs / statementTimeoutMs are set.',
  spec: '§1.1.3',
  timeoutMs: 120_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'migrationsLint', {
      failRules: 'squawk rules whose findings fail the gate',
      ignoreRules: 'squawk rules not checked',
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).db.migrationsLint;
    const squawk = resolveTool(ctx.cwd, 'squawk');
    if (!squawk) return errorOutcome('squawk is not installed', 'install squawk-cli (npm i -D squawk-cli)');
    let migrations;
    try {
      migrations = loadMigrationFiles(migrationsDirOf(ctx));
    } catch (error) {
      return errorOutcome('could not read the migrations', databaseReason(error));
    }
    const runnerRules = satisfiedByRunner(ctx);
    const excluded = [...settings.ignoreRules, ...runnerRules];
    const pathsOf = (transactional: boolean, direction: 'up' | 'down') =>
      migrations
        .filter((m) => m.transactional === transactional)
        .flatMap((m) => (direction === 'up' ? [m.upPath] : m.downPath === null ? [] : [m.downPath]));
    const reports = [
      await lint(ctx, squawk, pathsOf(true, 'up'), true, excluded),
      await lint(ctx, squawk, pathsOf(false, 'up'), false, excluded),
      await lint(ctx, squawk, pathsOf(true, 'down'), true, [...excluded, ...upOnlyRules]),
      await lint(ctx, squawk, pathsOf(false, 'down'), false, [...excluded, ...upOnlyRules]),
    ];
    const failure = reports.find((r) => typeof r === 'string');
    if (typeof failure === 'string') return errorOutcome('squawk could not lint the migrations', failure);

    const failRules = new Set(settings.failRules);
    const findings: Finding[] = reports.flatMap((r) =>
      typeof r === 'string'
        ? []
        : r.map((f) => ({
            file: basename(f.file),
            line: f.line + 1,
            rule: f.rule_name,
            message: f.help ? `${f.message} ${f.help}` : f.message,
            blocking: failRules.has(f.rule_name),
          })),
    );
    const blocking = findings.filter((f) => f.blocking);
    const measurements = [
      measure('migration files', migrations.length, 'count'),
      measure('blocking findings', blocking.length, 'count', 0, '=='),
      measure('other findings', findings.length - blocking.length, 'count', 0, '=='),
    ];
    const evidence = [
      {
        kind: 'rows' as const,
        title: 'squawk findings',
        content: findings.map((f) => ({ ...f })),
      },
      ...(runnerRules.length > 0
        ? [
            {
              kind: 'text' as const,
              title: 'rules satisfied by the migrator',
              content: `${runnerRules.join(', ')}: the migrator sets lock_timeout=${ctx.config.migrations.lockTimeoutMs}ms and statement_timeout=${ctx.config.migrations.statementTimeoutMs}ms for every migration`,
            },
          ]
        : []),
    ];
    const describe = (list: Finding[]) => listSome(list.map((f) => `${f.file}:${f.line} ${f.rule}`));
    if (blocking.length > 0) {
      return {
        status: 'fail',
        summary: `${plural(blocking.length, 'unsafe migration statement')}: ${describe(blocking)}`,
        measurements,
        evidence,
      };
    }
    if (findings.length > 0) {
      return {
        status: 'warn',
        summary: `${plural(findings.length, 'squawk warning')}: ${describe(findings)}`,
        measurements,
        evidence,
      };
    }
    return {
      status: 'pass',
      summary: `${plural(migrations.length, 'migration')} lint clean`,
      measurements,
      evidence,
    };
  },
};
