import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Gate, GateOutcome } from '../../gate.ts';
import { listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { runTool } from '../support/run-tool.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { couldNotRun, configuredFileMissing, toolOrError } from '../support/tool-problems.ts';
import { chooseConfig, dependsOn, findToolConfig, prettierLookup } from './tool-config.ts';

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
      config:
        "the Prettier config file (--config); null: Prettier's own lookup, and neither a config nor a prettier dependency is a skip",
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).code.format;
    const prettier = toolOrError(ctx.cwd, 'prettier', 'Prettier');
    if (typeof prettier !== 'string') return prettier;
    // Prettier's defaults are a style only for a project that chose Prettier (a config, or the
    // dependency): judging any other project by them would fail every file it has.
    const config = chooseConfig(
      settings.config,
      (path) => existsSync(resolve(ctx.cwd, path)),
      findToolConfig(ctx.cwd, prettierLookup),
      dependsOn(ctx.cwd, 'prettier'),
    );
    if (config.kind === 'none')
      return skipOutcome(
        'does not apply: the repository does not use Prettier',
        'no Prettier configuration (.prettierrc*, prettier.config.*, "prettier" in package.json) and no prettier dependency; add a .prettierrc.json (`{}` keeps the defaults), or set gates.thresholds.code.format.config to the Prettier config file',
      );
    if (config.kind === 'missing-file')
      return configuredFileMissing(
        'gates.thresholds.code.format.config',
        config.path,
        `Prettier config ${config.path}`,
      );
    const run = await runTool(prettier, ['--list-different', ...config.args, ...settings.patterns], {
      cwd: ctx.cwd,
      signal: ctx.signal,
    });
    // 0: all formatted; 1: some files differ (listed on stdout); anything else: prettier failed.
    if (run.code !== 0 && run.code !== 1) {
      return couldNotRun('Prettier', run);
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
