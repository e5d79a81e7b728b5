import { basename, resolve } from 'node:path';
import { z } from 'zod';
import { isHermesError } from '../../../errors/hermes-error.ts';
import { loadMigrationFiles } from '../../../migrations/migration-file.ts';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { databaseReason } from '../support/database-guard.ts';
import { migrationsDirOf } from '../support/migrated-scratch.ts';
import { errorOutcome, measure, plural } from '../support/outcome.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { runTool } from '../support/run-tool.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { toolOrError } from '../support/tool-problems.ts';
import { applyBaseline, loadLintBaseline, type BaselineEntry } from './lint-baseline.ts';

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

/** `0002_x.up.sql` -> `0002_x.0`, `0002_x.down.sql` -> `0002_x.1`: a migration's up sorts before its down. */
function sortKey(finding: Finding): string {
  return finding.file.replace(/\.up\.sql$/, '.0').replace(/\.down\.sql$/, '.1');
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
  if (run.code !== 0 && run.code !== 1) return outputTail(`${run.stdout}\n${run.stderr}`, 40);
  let json: unknown;
  try {
    json = JSON.parse(run.stdout.trim() || '[]');
  } catch {
    return `unexpected squawk output: ${outputTail(`${run.stdout}\n${run.stderr}`, 5)}`;
  }
  const parsed = squawkReport.safeParse(json);
  return parsed.success ? parsed.data : `unexpected squawk output: ${outputTail(run.stdout, 5)}`;
}

export const migrationsLintGate: Gate = {
  id: 'db.migrations.lint',
  stage: 'pre-deploy',
  title: 'Migrations are safe to run on a live database',
  description:
    'Runs squawk on every migration file (up and down, ban-drop-table and ban-drop-column judging ups only; with --assume-in-transaction unless the file says hermes:no-transaction): unsafe locks, missing lock_timeout, non-concurrent index on an existing table, required columns added to existing tables... Findings accepted in the baseline file (gates.thresholds.db.migrationsLint.baseline, default migrations/lint-baseline.yaml: {rule, file, reason}, matched on rule and file) are counted, not judged; of the others, rules in failRules fail the gate and the rest warn, every one listed; a baseline entry matching nothing is stale and warns. require-lock-timeout and require-statement-timeout are satisfied by the migrator when migrations.lockTimeoutMs / statementTimeoutMs are set.',
  spec: '§1.1.3',
  timeoutMs: 120_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'migrationsLint', {
      failRules: 'squawk rules whose findings fail the gate',
      ignoreRules: 'squawk rules not checked',
      baseline: 'YAML list of accepted findings ({rule, file, reason}); only findings not in it fail or warn',
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).db.migrationsLint;
    const squawk = toolOrError(ctx.cwd, 'squawk', 'squawk', 'install squawk-cli (npm i -D squawk-cli)');
    if (typeof squawk !== 'string') return squawk;
    let migrations;
    try {
      migrations = loadMigrationFiles(migrationsDirOf(ctx));
    } catch (error) {
      return errorOutcome('could not read the migrations', databaseReason(error));
    }
    // Before squawk runs: a malformed baseline is found at once, not after the expensive part.
    const baselineShown = settings.baseline;
    let baseline: BaselineEntry[];
    try {
      baseline = loadLintBaseline(resolve(ctx.cwd, baselineShown), baselineShown);
    } catch (error) {
      if (!isHermesError(error)) throw error;
      return errorOutcome(`${error.message}: ${error.details.join('; ')}`, error.details.join('\n'));
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
    const findings: Finding[] = reports
      .flatMap((r) =>
        typeof r === 'string'
          ? []
          : r.map((f) => ({
              file: basename(f.file),
              line: f.line + 1,
              rule: f.rule_name,
              message: f.help ? `${f.message} ${f.help}` : f.message,
              blocking: failRules.has(f.rule_name),
            })),
      )
      // Migration order, up before down, then line: when a file has more findings of a rule than
      // the baseline accepts, the later ones are the new ones.
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.line - b.line);
    const { fresh, accepted, stale } = applyBaseline(findings, baseline);
    const blocking = fresh.filter((f) => f.blocking);
    const warnings = fresh.filter((f) => !f.blocking);
    const measurements = [
      measure('migration files', migrations.length, 'count'),
      measure('blocking findings', blocking.length, 'count', 0, '=='),
      measure('other findings', warnings.length, 'count', 0, '=='),
      measure('accepted findings', accepted.length, 'count'),
      measure('stale baseline entries', stale.length, 'count', 0, '=='),
    ];
    const evidence = [
      {
        kind: 'rows' as const,
        title: 'new squawk findings',
        content: [...blocking, ...warnings].map((f) => ({ ...f })),
      },
      ...(stale.length > 0
        ? [
            {
              kind: 'rows' as const,
              title: `stale entries of ${baselineShown} (they match no finding: remove them)`,
              content: stale.map((e) => ({ entry: e.index, rule: e.rule, file: e.file, reason: e.reason })),
            },
          ]
        : []),
      ...(accepted.length > 0
        ? [
            {
              kind: 'rows' as const,
              title: `findings accepted by ${baselineShown}`,
              content: accepted.map(({ finding, entry }) => ({
                file: finding.file,
                line: finding.line,
                rule: finding.rule,
                reason: entry.reason,
              })),
            },
          ]
        : []),
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
    // New findings and stale entries are listed in full: a new one must never hide in "and N more".
    const describe = (list: Finding[]) => list.map((f) => `${f.file}:${f.line} ${f.rule}`).join(', ');
    const parts = [
      ...(blocking.length > 0
        ? [`${plural(blocking.length, 'unsafe migration statement')}: ${describe(blocking)}`]
        : []),
      ...(warnings.length > 0
        ? [`${plural(warnings.length, 'new squawk warning')}: ${describe(warnings)}`]
        : []),
      ...(stale.length > 0
        ? [
            `${plural(stale.length, 'stale baseline entry', 'stale baseline entries')} in ${baselineShown}: ${stale
              .map((e) => `entry ${e.index} ${e.rule} ${e.file}`)
              .join(', ')}`,
          ]
        : []),
    ];
    if (parts.length > 0) {
      if (accepted.length > 0) parts.push(`${accepted.length} accepted in ${baselineShown}`);
      return {
        status: blocking.length > 0 ? 'fail' : 'warn',
        summary: parts.join('; '),
        measurements,
        evidence,
      };
    }
    const acceptedNote =
      accepted.length > 0 ? `, ${plural(accepted.length, 'accepted finding')} in ${baselineShown}` : '';
    return {
      status: 'pass',
      summary: `${plural(migrations.length, 'migration')} lint clean${acceptedNote}`,
      measurements,
      evidence,
    };
  },
};
