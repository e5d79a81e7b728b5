import type { Gate, GateOutcome } from '../../gate.ts';
import { errorOutcome, listSome, measure, plural, tail } from '../support/outcome.ts';
import { resolveTool } from '../support/resolve-tool.ts';
import { runTool } from '../support/run-tool.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';

export const formatGate: Gate = {
  id: 'code.format',
  stage: 'pre-deploy',
  title: 'Prettier formatting',
  description:
    "Runs `prettier --list-different` with the repository's own configuration and ignore file; every file formatted passes, the unformatted ones are listed.",
  spec: '§1.1.1',
  timeoutMs: 300_000,
  thresholds: (config) =>
    describeThresholds(config, 'code', 'format', {
      maxUnformatted: 'unformatted files allowed',
      patterns: 'files and directories checked',
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).code.format;
    const prettier = resolveTool(ctx.cwd, 'prettier');
    if (!prettier)
      return errorOutcome('Prettier is not installed', 'no prettier executable in node_modules/.bin');
    const run = await runTool(prettier, ['--list-different', ...settings.patterns], {
      cwd: ctx.cwd,
      signal: ctx.signal,
    });
    // 0: all formatted; 1: some files differ (listed on stdout); anything else: prettier failed.
    if (run.code !== 0 && run.code !== 1) {
      return errorOutcome(
        `Prettier could not run (exit ${String(run.code)})`,
        tail(`${run.stdout}\n${run.stderr}`, 20),
      );
    }
    const files = run.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const measurements = [
      measure('unformatted files', files.length, 'count', settings.maxUnformatted, '<='),
      measure('duration', run.durationMs, 'ms'),
    ];
    if (files.length > settings.maxUnformatted) {
      return {
        status: 'fail',
        summary: `${plural(files.length, 'file')} not formatted: ${listSome(files)}`,
        measurements,
        evidence: [{ kind: 'text', title: 'prettier --list-different', content: files.join('\n') }],
      };
    }
    return { status: 'pass', summary: 'every file formatted', measurements };
  },
};
