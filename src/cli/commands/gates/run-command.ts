import type { Command } from 'commander';
import { reportFormats, type ReportFormat } from '../../../config/sections/gates.ts';
import { HermesError } from '../../../errors/hermes-error.ts';
import { runAndRecordStage } from '../../../gates/run-and-record-stage.ts';
import { stages, type Stage } from '../../../gates/gate.ts';
import { countsText } from '../../../gates/reporters/report-text.ts';
import { formatDuration } from '../../../text/duration.ts';
import type { StageRun } from '../../../gates/stage-run-result.ts';
import type { CliContext } from '../../context.ts';
import { httpUrl, integerFrom, listOf, namesList, nonEmpty, oneOf } from '../../parse-values.ts';
import { allGates } from '../../../gates/all-gates.ts';
import { emptyPlan } from '../../../gates/runner/empty-plan.ts';
import type { GateProgress } from './gate-progress.ts';
import { liveProgress } from './live-progress.ts';
import { gateBlock, plainProgress } from './plain-progress.ts';

interface RunOptions {
  only?: string[];
  reportDir?: string;
  format?: ReportFormat[];
  reports?: boolean;
  concurrency?: number;
  url?: string;
}

export const parseStage = oneOf(stages);

function printSummary(ctx: CliContext, run: StageRun, reportPaths: readonly string[]): void {
  ctx.output.line();
  ctx.output.line(
    `${run.stage}: ${run.status.toUpperCase()}: ${countsText(run.counts)} (${formatDuration(run.durationMs)})`,
  );
  for (const note of run.notes) ctx.output.line(`note: ${note}`);
  for (const r of run.results.filter((r) => r.blocking && (r.status === 'fail' || r.status === 'error')))
    for (const line of gateBlock(r)) ctx.output.line(`  ${line}`);
  ctx.output.line(
    run.history.recorded
      ? `history: recorded as run ${run.id}`
      : `history: not recorded (${run.history.reason ?? 'unknown reason'})`,
  );
  for (const path of reportPaths) ctx.output.line(`report: ${path}`);
}

export function chooseProgress(ctx: CliContext): GateProgress {
  const live = process.stdout.isTTY && !process.env.CI && !ctx.output.json;
  if (live) return liveProgress();
  // With --json, stdout carries only the run object.
  return plainProgress(ctx.output.json ? (line) => ctx.output.error(line) : (line) => ctx.output.line(line));
}

export function registerGatesRun(gates: Command, ctx: CliContext): void {
  gates
    .command('run')
    .description(
      'run the gates of a stage; exit 0 passed (warnings allowed), 1 a blocking gate failed, 2 Hermes could not run',
    )
    .argument('<stage>', `one of ${stages.join(', ')}`, parseStage)
    .option('--only <ids>', 'run only these gates (comma-separated ids)', namesList('gate ids'))
    .option(
      '--report-dir <dir>',
      'where to write the reports (default: gates.reports.dir)',
      nonEmpty('a directory path'),
    )
    .option(
      '--format <formats>',
      `report formats, comma-separated: ${reportFormats.join(', ')} (default: gates.reports.formats)`,
      listOf(reportFormats),
    )
    .option('--no-reports', 'write no report files')
    .option('--concurrency <n>', 'gates running at once (default: gates.concurrency)', integerFrom(1, 64))
    .option(
      '--url <url>',
      "the public URL of the release to judge (default: the configured target's, e.g. http://127.0.0.1:8080)",
      httpUrl,
    )
    .action(async (stage: Stage, options: RunOptions) => {
      const config = ctx.config();
      const { concurrency } = options;

      const progress = chooseProgress(ctx);
      const cancel = new AbortController();
      const onSigint = (): void => cancel.abort();
      process.once('SIGINT', onSigint);
      let executed;
      try {
        executed = await runAndRecordStage({
          gates: allGates(config),
          config: concurrency ? { ...config, gates: { ...config.gates, concurrency } } : config,
          stage,
          only: options.only,
          cwd: process.cwd(),
          env: process.env,
          releaseUrl: options.url,
          openDatabase: () => ctx.openDatabase(),
          reports:
            options.reports === false
              ? null
              : {
                  dir: options.reportDir ?? config.gates.reports.dir,
                  formats: options.format ?? config.gates.reports.formats,
                },
          onPlan: (plan) => {
            // A stage that would judge nothing is no pass: refused before a gate runs or a run is recorded.
            const empty = emptyPlan(plan);
            if (empty) throw new HermesError('stage_empty', empty.message, { details: empty.details });
            progress.start(plan);
          },
          onEvent: (event) => progress.onEvent(event),
          signal: cancel.signal,
        });
      } finally {
        await progress.stop();
        process.removeListener('SIGINT', onSigint);
      }

      const { run, reportPaths, reportError } = executed;
      if (ctx.output.json) ctx.output.line(JSON.stringify(run, null, 2));
      else printSummary(ctx, run, reportPaths);
      if (reportError) throw reportError;
      if (run.exitCode === 0) return;
      const blocked = run.results.filter((r) => r.blocking && (r.status === 'fail' || r.status === 'error'));
      const ids = blocked.map((r) => r.id).join(', ');
      if (run.exitCode === 2)
        throw new HermesError(
          'gates_database_unreachable',
          `the database the gates need is unreachable (${ids})`,
          { details: run.notes },
        );
      throw new HermesError(
        'gates_failed',
        `${blocked.length} blocking gate${blocked.length > 1 ? 's' : ''} did not pass: ${ids}`,
      );
    });
}
