import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { z } from 'zod';
import type { Gate, GateOutcome } from '../../gate.ts';
import { listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { runTool } from '../support/run-tool.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { couldNotRun, configuredFileMissing, toolOrError } from '../support/tool-problems.ts';
import { chooseConfig, eslintLookup, findToolConfig } from './tool-config.ts';

/** The part of ESLint's JSON formatter output the gate reads. */
const eslintReport = z.array(
  z.looseObject({
    filePath: z.string(),
    errorCount: z.int(),
    warningCount: z.int(),
    messages: z.array(
      z.looseObject({
        ruleId: z.string().nullable(),
        severity: z.int(),
        message: z.string(),
        line: z.int().optional(),
        column: z.int().optional(),
      }),
    ),
  }),
);

export const lintGate: Gate = {
  id: 'code.lint',
  stage: 'pre-deploy',
  title: 'ESLint',
  description:
    "Runs ESLint with the repository's own configuration (`eslint -f json`) and counts errors from its JSON output; zero errors pass (warnings are reported).",
  spec: '§1.1.1',
  timeoutMs: 600_000,
  thresholds: (config) =>
    describeThresholds(config, 'code', 'lint', {
      maxErrors: 'ESLint errors allowed',
      patterns: 'files and directories linted',
      config: "the ESLint config file (--config); null: ESLint's own lookup, and none found is a skip",
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).code.lint;
    const eslint = toolOrError(ctx.cwd, 'eslint', 'ESLint');
    if (typeof eslint !== 'string') return eslint;
    // A project that has not set ESLint up has no rules to judge it by: Hermes's would be a guess.
    const config = chooseConfig(
      settings.config,
      (path) => existsSync(resolve(ctx.cwd, path)),
      findToolConfig(ctx.cwd, eslintLookup),
      false,
    );
    if (config.kind === 'none')
      return skipOutcome(
        'does not apply: the repository has no ESLint configuration',
        'no eslint.config.(js|mjs|cjs|ts) or .eslintrc in the repository or above it; add one, or set gates.thresholds.code.lint.config to the ESLint config file',
      );
    if (config.kind === 'missing-file')
      return configuredFileMissing(
        'gates.thresholds.code.lint.config',
        config.path,
        `ESLint config ${config.path}`,
      );
    const run = await runTool(eslint, ['-f', 'json', ...config.args, ...settings.patterns], {
      cwd: ctx.cwd,
      signal: ctx.signal,
    });
    let report: z.infer<typeof eslintReport>;
    try {
      report = eslintReport.parse(JSON.parse(run.stdout));
    } catch {
      return couldNotRun('ESLint', run);
    }
    const problems = report.flatMap((file) =>
      file.messages.map((m) => ({
        file: relative(ctx.cwd, file.filePath),
        line: m.line ?? 0,
        column: m.column ?? 0,
        // Only a fatal message without a rule is a parse error ("File ignored ..." is a warning).
        rule: m.ruleId ?? (m.fatal === true ? 'parse error' : 'eslint'),
        severity: m.severity === 2 ? 'error' : 'warning',
        message: m.message,
      })),
    );
    const errors = problems.filter((p) => p.severity === 'error');
    const warnings = problems.length - errors.length;
    const measurements = [
      measure('files linted', report.length, 'count'),
      measure('errors', errors.length, 'count', settings.maxErrors, '<='),
      measure('warnings', warnings, 'count'),
      measure('duration', run.durationMs, 'ms'),
    ];
    const evidence =
      problems.length > 0 ? [{ kind: 'rows' as const, title: 'ESLint problems', content: problems }] : [];
    if (errors.length > settings.maxErrors) {
      return {
        status: 'fail',
        summary: `${plural(errors.length, 'ESLint error')}: ${listSome(errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.rule}`))}`,
        measurements,
        evidence,
      };
    }
    return {
      status: 'pass',
      summary: `${plural(report.length, 'file')} linted: ${plural(errors.length, 'error')}, ${plural(warnings, 'warning')}`,
      measurements,
      evidence,
    };
  },
};
